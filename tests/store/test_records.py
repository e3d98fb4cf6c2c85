"""Staffing records through the CLI: validation, statuses, audit (docs/data.md "Records created in the app")."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from tests.builders import cli, small_database
from tests.conftest import query


def report_row(capsys, db_path, month, person, as_of=None):
    argv = ["report", "--db", db_path, "--month", month, "--format", "json"]
    if as_of:
        argv += ["--as-of", as_of]
    code, out, err = cli(capsys, *argv)
    assert code == 0, err
    return next(r for r in json.loads(out)["rows"] if r["person_id"] == person)


def add_exception(capsys, db_path, *, actor="SV1", case="C1", person="K1", category="child_in_treatment",
                  reason="Residential treatment limits visits this quarter.", start="2026-10", end="2026-12",
                  review="2026-12-15"):
    return cli(capsys, "exception", "add", "--db", db_path, "--as", actor, "--case", case, "--person", person,
               "--category", category, "--reason", reason, "--from", start, "--to", end, "--review-on", review)


def counts(db_path):
    return {t: query(db_path, f"SELECT count(*) FROM {t}")[0][0]
            for t in ("exceptions", "contact_plans", "staffing_notes", "next_steps", "audit_log")}


# --- exceptions ---------------------------------------------------------------------

def test_exception_for_child_by_unit_supervisor_excuses_covered_month(db_path, capsys):
    assert report_row(capsys, db_path, "2026-10", "K1")["status"] == "unmet"
    code, out, err = add_exception(capsys, db_path)
    assert code == 0, err
    exception_id = int(out.strip())
    row = report_row(capsys, db_path, "2026-10", "K1")
    assert (row["status"], row["reason"], row["exception_id"]) == ("excused", "exception_approved", exception_id)
    audit = query(db_path, "SELECT actor, action, table_name, record_id FROM audit_log")
    assert audit == [("SV1", "create", "exceptions", str(exception_id))]


def test_exception_by_manager_is_allowed(db_path, capsys):
    assert add_exception(capsys, db_path, actor="M1")[0] == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"actor": "S1"}, "approved_by"),  # a specialist cannot approve
        ({"actor": "SV2"}, "approved_by"),  # a supervisor of another unit cannot approve
        ({"reason": "too short"}, "reason"),
        ({"category": "vacation"}, "category"),
        ({"start": "2026-12", "end": "2026-10"}, "months"),
        ({"start": "2026-10", "end": "2027-04"}, "months"),  # 7 months
        ({"start": "2025-12", "end": "2026-02"}, "months"),  # before the case opened
        ({"person": "K3"}, "person"),  # not a member of C1
    ],
)
def test_invalid_exception_is_refused_with_exit_2_and_nothing_written(db_path, capsys, overrides, field):
    before = counts(db_path)
    code, out, err = add_exception(capsys, db_path, **overrides)
    assert code == 2
    assert out == ""
    assert f"{field}:" in err
    assert "Traceback" not in err
    assert counts(db_path) == before


def test_overlapping_active_exception_is_refused_until_revoked(db_path, capsys):
    assert add_exception(capsys, db_path)[0] == 0
    code, _, err = add_exception(capsys, db_path, start="2026-12", end="2027-01")
    assert code == 2 and "already covers" in err
    assert cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "SV1", "--from", "2026-12")[0] == 0
    assert add_exception(capsys, db_path, start="2026-12", end="2027-01")[0] == 0


def test_revoked_exception_no_longer_applies_from_its_revocation_month(db_path, capsys):
    add_exception(capsys, db_path)
    code, _, err = cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "SV1", "--from", "2026-11")
    assert code == 0, err
    assert report_row(capsys, db_path, "2026-10", "K1")["status"] == "excused"
    november = report_row(capsys, db_path, "2026-11", "K1")
    assert (november["status"], november["reason"], november["exception_id"]) == ("due", "runaway_no_locate_efforts", None)
    assert [a for (a,) in query(db_path, "SELECT action FROM audit_log ORDER BY audit_id")] == ["create", "revoke"]
    assert query(db_path, "SELECT revoked_from, revoked_by FROM exceptions")[0] == ("2026-11", "SV1")


def test_specialist_cannot_revoke(db_path, capsys):
    add_exception(capsys, db_path)
    code, _, err = cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "S1")
    assert code == 2 and "specialist" in err


def test_parent_exception_without_quarterly_contact_stays_unmet(db_path, capsys):
    # A1 was last contacted 2026-10-12; an exception for Feb 2027 has no contact in Dec–Feb.
    assert add_exception(capsys, db_path, person="A1", category="parent_out_of_area",
                         start="2027-02", end="2027-03", review="2027-03-01")[0] == 0
    row = report_row(capsys, db_path, "2027-02", "A1", as_of="2027-03-05")
    assert (row["status"], row["reason"]) == ("unmet", "exception_without_quarterly_contact")


def test_parent_exception_with_contact_in_the_quarter_is_excused(db_path, capsys):
    assert add_exception(capsys, db_path, person="A1", category="parent_out_of_area",
                         start="2026-12", end="2027-01", review="2027-01-10")[0] == 0
    row = report_row(capsys, db_path, "2026-12", "A1", as_of="2027-01-05")
    assert (row["status"], row["reason"]) == ("excused", "exception_approved")


def test_exception_list_json(db_path, capsys):
    add_exception(capsys, db_path)
    code, out, _ = cli(capsys, "exception", "list", "--db", db_path, "--case", "C1", "--format", "json")
    assert code == 0
    [record] = json.loads(out)
    assert record["person_id"] == "K1" and record["approved_by"] == "SV1" and record["created_by"] == "SV1"


# --- append-only evidence ------------------------------------------------------------

def test_audit_log_refuses_update_and_delete(db_path, capsys):
    add_exception(capsys, db_path)
    for statement in ("UPDATE audit_log SET actor = 'X'", "DELETE FROM audit_log", "DELETE FROM exceptions"):
        with pytest.raises(sqlite3.IntegrityError):
            query(db_path, statement)
    assert counts(db_path)["exceptions"] == 1 and counts(db_path)["audit_log"] == 1


# --- contact plans -------------------------------------------------------------------

@pytest.fixture
def adoption_db(db_path):
    """K1's goal became adoption before October: A1 (rights intact) needs a contact plan."""
    sql_exec(db_path, "INSERT INTO permanency_goals (case_id, child_id, goal, effective_on) "
                      "VALUES ('C1', 'K1', 'adoption', '2026-08-01')")
    return db_path


def sql_exec(db_path, statement, params=()):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def generate_plan(capsys, db_path, *, actor="SV1", parent="A1", frequency="1", methods="in_person,phone",
                  start="2026-09", replaces: int | None = None):
    return cli(capsys, "plan", "generate", "--db", db_path, "--as", actor, "--case", "C1", "--parent", parent,
               "--frequency", frequency, "--methods", methods,
               "--arrangements", "Visits at the agency office, supervised by the specialist; bus pass provided.",
               "--from", start, "--review-on", "2027-01-15",
               *(["--replaces", str(replaces)] if replaces is not None else []))


def test_non_reunification_parent_without_plan_is_no_contact_plan(adoption_db, capsys):
    row = report_row(capsys, adoption_db, "2026-10", "A1")
    assert (row["requirement"], row["status"], row["reason"]) == ("contact_plan", "unmet", "no_contact_plan")


def test_generated_plan_followed_makes_parent_met(adoption_db, capsys):
    code, out, err = generate_plan(capsys, adoption_db)
    assert code == 0, err
    row = report_row(capsys, adoption_db, "2026-10", "A1")
    assert (row["status"], row["reason"], row["contact_plan_id"]) == ("met", "contact_plan_followed", int(out))


def test_plan_with_methods_not_used_is_not_followed(adoption_db, capsys):
    assert generate_plan(capsys, adoption_db, methods="written")[0] == 0
    row = report_row(capsys, adoption_db, "2026-10", "A1")
    assert (row["status"], row["reason"]) == ("unmet", "contact_plan_not_followed")


def test_plan_for_parent_with_rights_terminated_is_refused_with_reason(adoption_db, capsys):
    sql_exec(adoption_db, "UPDATE case_members SET rights_terminated_on = '2026-08-15' WHERE person_id = 'A1'")
    code, out, err = generate_plan(capsys, adoption_db)
    assert code == 2 and "rights were terminated" in err
    assert counts(adoption_db)["contact_plans"] == 0


def test_plan_for_reunification_parent_is_refused(db_path, capsys):
    code, _, err = generate_plan(capsys, db_path)
    assert code == 2 and "reunification" in err


@pytest.mark.parametrize("overrides, fragment", [
    ({"actor": "S1"}, "approved_by"),
    ({"methods": "carrier_pigeon"}, "methods"),
    ({"methods": ","}, "methods"),
])
def test_invalid_plan_is_refused(adoption_db, capsys, overrides, fragment):
    code, _, err = generate_plan(capsys, adoption_db, **overrides)
    assert code == 2 and fragment in err
    assert counts(adoption_db)["contact_plans"] == 0


def test_frequency_outside_1_to_3_is_refused(adoption_db, capsys):
    code, _, err = generate_plan(capsys, adoption_db, frequency="4")
    assert code == 2 and "frequency" in err


def test_a_plan_in_force_is_never_replaced_silently(adoption_db, capsys):
    """A second plan must name the plan it replaces (issue 17, bug 2); naming a plan not in force is refused too."""
    first = int(generate_plan(capsys, adoption_db)[1])
    code, out, err = generate_plan(capsys, adoption_db, start="2026-11")
    assert (code, out) == (2, "") and f"contact plan {first} (from 2026-09) is in force" in err
    assert f"--replaces {first}" in err
    code, _, err = generate_plan(capsys, adoption_db, start="2026-11", replaces=first + 7)
    assert code == 2 and "leave replaces out" not in err and "is in force" in err
    assert query(adoption_db, "SELECT count(*) FROM contact_plans") == [(1,)]


def test_the_replacing_plans_document_is_numbered_and_names_the_plan_it_replaces(adoption_db, capsys):
    first = int(generate_plan(capsys, adoption_db)[1])
    second = int(generate_plan(capsys, adoption_db, start="2026-11", replaces=first)[1])
    (document,) = query(adoption_db, f"SELECT document FROM contact_plans WHERE contact_plan_id = {second}")[0]
    assert document.startswith(f"# Contact plan #{second} — case C1")
    assert f"**Replaces:** contact plan \\#{first}, in force from 2026-09" in document  # Markdown-escaped "#"


def test_new_plan_supersedes_the_old_which_is_kept(adoption_db, capsys):
    first = int(generate_plan(capsys, adoption_db)[1])
    second = int(generate_plan(capsys, adoption_db, start="2026-11", methods="written", frequency="3",
                               replaces=first)[1])
    assert query(adoption_db, "SELECT contact_plan_id, superseded_by FROM contact_plans ORDER BY 1") == [
        (first, second), (second, None)]
    # October is still judged by the first plan, November by the second.
    assert report_row(capsys, adoption_db, "2026-10", "A1")["contact_plan_id"] == first
    assert report_row(capsys, adoption_db, "2026-11", "A1")["contact_plan_id"] == second
    actions = [a for (a,) in query(adoption_db, "SELECT action FROM audit_log ORDER BY audit_id")]
    assert actions == ["create", "create", "supersede"]
    before, after = (json.loads(text) for text in query(
        adoption_db, "SELECT before, after FROM audit_log WHERE action = 'supersede'")[0])
    stored = query(adoption_db, "SELECT version FROM contact_plans WHERE contact_plan_id = ?", [first])[0][0]
    assert (before["superseded_by"], before["version"]) == (None, 1)
    assert (after["superseded_by"], after["version"]) == (second, stored) == (second, 2)  # the row as written


def test_plan_export_markdown_and_html_are_private_files(adoption_db, capsys, tmp_path):
    plan_id = generate_plan(capsys, adoption_db)[1].strip()
    md, html = tmp_path / "plan.md", tmp_path / "plan.html"
    assert cli(capsys, "plan", "export", plan_id, "--db", adoption_db, "--format", "md", "--out", md)[0] == 0
    assert cli(capsys, "plan", "export", plan_id, "--db", adoption_db, "--format", "html", "--out", html)[0] == 0
    text = md.read_text()
    assert "Ann Testperson" in text and "adoption" in text and "in person, by telephone" in text
    assert "Approved by Val Supervisor" in text and "Supervisor: ____" in text
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page and "Ann Testperson" in page
    assert oct(os.stat(md).st_mode & 0o777) == "0o600" and oct(os.stat(html).st_mode & 0o777) == "0o600"


# --- staffing notes and next steps -----------------------------------------------------

def test_staffing_note_explains_the_month(db_path, capsys):
    code, out, err = cli(capsys, "note", "add", "--db", db_path, "--as", "SV1", "--case", "C2", "--person", "K2",
                         "--month", "2026-10", "--reason-code", "hospitalized", "--text", "In hospital all month.")
    assert code == 0, err
    row = report_row(capsys, db_path, "2026-10", "K2")
    assert (row["status"], row["reason"]) == ("explained", "staffing_reason")


def test_one_staffing_note_per_person_and_month_until_it_is_withdrawn(db_path, capsys):
    note = ["note", "add", "--db", db_path, "--as", "SV1", "--case", "C2", "--person", "K2", "--month", "2026-10",
            "--reason-code", "hospitalized", "--text", "In hospital all month."]
    code, out, err = cli(capsys, *note)
    assert code == 0, err
    first = out.strip()
    code, _, err = cli(capsys, *note[:-1], "A second reason for the same month.")
    assert code == 2
    assert err.strip() == (f"error: person: K2 is already explained in 2026-10 by staffing note {first} (hospitalized, by SV1 "
                           f"on {query(db_path, 'SELECT created_at FROM staffing_notes')[0][0][:10]}); withdraw it "
                           "first to replace it, or add what is new as a next step.")
    assert query(db_path, "SELECT count(*) FROM staffing_notes") == [(1,)]  # nothing written
    # Another month, or the case itself, is another row: allowed.
    assert cli(capsys, *note[:11], "2026-09", *note[12:])[0] == 0
    assert cli(capsys, *note[:8], "--month", "2026-10", *note[12:])[0] == 0
    # A withdrawn note explains nothing: it may be replaced.
    assert cli(capsys, "note", "withdraw", first, "--db", db_path, "--as", "SV1", "--reason", "Recorded in error.")[0] == 0
    assert cli(capsys, *note[:-1], "Back home on the 3rd; hospital again on the 5th.")[0] == 0


def test_specialist_cannot_author_a_staffing_note(db_path, capsys):
    code, _, err = cli(capsys, "note", "add", "--db", db_path, "--as", "S1", "--case", "C2", "--person", "K2",
                       "--month", "2026-10", "--reason-code", "hospitalized", "--text", "In hospital.")
    assert code == 2 and "author:" in err


def test_next_steps_reappear_until_done(db_path, capsys):
    code, out, err = cli(capsys, "step", "add", "--db", db_path, "--as", "SV1", "--specialist", "S1",
                         "--case", "C1", "--person", "K1", "--text", "Call the runaway unit and file locate letter",
                         "--due", "2026-11-20")
    assert code == 0, err
    step_id = out.strip()
    _, out, _ = cli(capsys, "step", "list", "--db", db_path, "--specialist", "S1", "--format", "json")
    assert [s["next_step_id"] for s in json.loads(out)] == [int(step_id)]
    _, out, _ = cli(capsys, "agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-11", "--format", "json")
    assert [s["next_step_id"] for s in json.loads(out)["open_next_steps"]] == [int(step_id)]
    assert cli(capsys, "step", "done", step_id, "--db", db_path, "--as", "S1")[0] == 0
    _, out, _ = cli(capsys, "step", "list", "--db", db_path, "--specialist", "S1", "--format", "json")
    assert json.loads(out) == []


def test_agenda_lists_not_seen_first_with_days_left(db_path, capsys):
    code, out, err = cli(capsys, "agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-11", "--format", "json")
    assert code == 0, err
    agenda = json.loads(out)
    assert agenda["in_progress"] is True and agenda["days_left"] == 20
    assert {r["person_id"] for r in agenda["due_this_month"]} == {"K1", "A1", "K2"}
    code, out, _ = cli(capsys, "agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-10")
    assert out.index("Not seen, no documented reason") < out.index("Open next steps")
    assert "Kit Testperson" in out


@pytest.mark.parametrize("argv, fragment", [
    (["--as", "S1", "--specialist", "S1", "--text", "Do it", "--due", "2026-11-30"], "created_by:"),
    (["--as", "SV2", "--specialist", "S1", "--text", "Do it", "--due", "2026-11-30"], "does not supervise"),
    (["--as", "SV1", "--specialist", "S1", "--case", "C3", "--text", "Do it", "--due", "2026-11-30"], "belongs to S2"),
    (["--as", "SV1", "--specialist", "S1", "--text", " ", "--due", "2026-11-30"], "text:"),
    (["--as", "SV1", "--specialist", "S1", "--text", "Do it", "--due", "someday"], "not a date"),
    (["--as", "NOBODY", "--specialist", "S1", "--text", "Do it", "--due", "2026-11-30"], "no such staff member"),
])
def test_invalid_next_step_is_refused(db_path, capsys, argv, fragment):
    before = counts(db_path)
    code, out, err = cli(capsys, "step", "add", "--db", db_path, *argv)
    assert code == 2 and out == "" and fragment in err
    assert counts(db_path) == before


@pytest.mark.parametrize("closer, allowed", [
    ("S1", True),  # the specialist it is for
    ("SV1", True),  # a supervisor of S1's unit (U1)
    ("M1", True),  # a manager
    ("S2", False),  # another specialist
    ("SV2", False),  # a supervisor of another unit (U2)
])
def test_a_next_step_is_closed_only_by_its_specialist_their_units_supervisor_or_a_manager(db_path, capsys, closer,
                                                                                         allowed):
    step_id = cli(capsys, "step", "add", "--db", db_path, "--as", "SV1", "--specialist", "S1",
                  "--text", "Schedule the home visit", "--due", "2026-11-30")[1].strip()
    before = counts(db_path)
    code, out, err = cli(capsys, "step", "done", step_id, "--db", db_path, "--as", closer)
    if allowed:
        assert code == 0, err
        assert query(db_path, "SELECT done_by FROM next_steps") == [(closer,)]
        return
    assert (code, out) == (2, "")
    assert err == (f"error: {closer} cannot close next step {step_id} of S1; only S1, a supervisor of unit U1 or a "
                   "manager can mark it done.\n")
    assert counts(db_path) == before


def test_write_prints_the_record_as_json_on_request(db_path, capsys):
    code, out, _ = cli(capsys, "note", "add", "--db", db_path, "--as", "SV1", "--case", "C1", "--month", "2026-10",
                       "--reason-code", "court_restriction", "--text", "Court paused visits pending hearing.",
                       "--format", "json")
    assert code == 0
    record = json.loads(out)
    assert (record["case_id"], record["person_id"], record["author"]) == ("C1", None, "SV1")


def test_the_document_of_a_plan_not_on_file_is_a_clear_error(adoption_db):
    from staffing_tui.errors import UserError
    from staffing_tui.store.connection import open_database
    from staffing_tui.store.plan_document import plan_document

    db = open_database(adoption_db, readonly=True)
    with pytest.raises(UserError, match="There is no contact plan 999"):
        plan_document(db, 999)


@pytest.mark.parametrize("argv, sentence", [
    (("exception", "revoke", "999"), "There is no exception 999."),
    (("step", "done", "999"), "There is no next step 999."),
])
def test_changing_a_record_not_on_file_is_one_clear_sentence(db_path, capsys, argv, sentence):
    before = counts(db_path)
    code, out, err = cli(capsys, *argv, "--db", db_path, "--as", "SV1")
    assert (code, out) == (2, "")
    assert sentence in err and "Traceback" not in err
    assert counts(db_path) == before


def test_a_revocation_and_a_closed_step_are_audited_with_before_and_after(db_path, capsys):
    add_exception(capsys, db_path)
    step_id = cli(capsys, "step", "add", "--db", db_path, "--as", "SV1", "--specialist", "S1",
                  "--text", "Schedule the home visit", "--due", "2026-11-30")[1].strip()
    assert cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "SV1", "--from", "2026-11")[0] == 0
    assert cli(capsys, "step", "done", step_id, "--db", db_path, "--as", "S1")[0] == 0
    code, _, err = cli(capsys, "step", "done", step_id, "--db", db_path, "--as", "S1")
    assert code == 2 and "already marked done by S1" in err

    audited = {action: (json.loads(before), json.loads(after)) for action, before, after in query(
        db_path, "SELECT action, before, after FROM audit_log WHERE action IN ('revoke', 'done')")}
    before, after = audited["revoke"]
    assert (before["version"], before["revoked_from"]) == (1, None)
    assert (after["version"], after["revoked_from"], after["revoked_by"]) == (2, "2026-11", "SV1")
    assert after["revoked_at"]
    before, after = audited["done"]
    assert (before["done_at"], after["done_by"], after["version"]) == (None, "S1", before["version"] + 1)


def test_revoking_with_a_stale_version_is_refused_and_names_who_changed_it(db_path, capsys):
    add_exception(capsys, db_path)
    assert cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "SV1", "--from", "2026-12",
               "--version", "1")[0] == 0
    code, _, err = cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "SV1", "--from", "2026-11",
                       "--version", "1")
    assert code == 2 and "changed by SV1 at" in err and "reload" in err
    assert query(db_path, "SELECT revoked_from, version FROM exceptions")[0] == ("2026-12", 2)


# --- what a form loads ---------------------------------------------------------------------------

def test_specialist_cases_are_the_open_cases_with_their_members_and_the_asked_case_first(tmp_path):
    from staffing_tui.domain.enums import Role
    from staffing_tui.domain.months import Month
    from staffing_tui.store.records import specialist_cases

    db = small_database(tmp_path / "cases.db")
    try:
        found = specialist_cases(db, "S1", Month(2026, 10))
        assert [(c.info.case_id, sorted(c.members)) for c in found] == [
            ("C1", [("A1", Role.PARENT), ("K1", Role.CHILD)]),
            ("C2", [("K2", Role.CHILD)]),
        ]
        # A form opened on another specialist's case still offers that case, first.
        assert [c.info.case_id for c in specialist_cases(db, "S1", Month(2026, 10), also="C3")] == ["C3", "C1", "C2"]
        # Not open yet in January: C2 opened in February.
        assert [c.info.case_id for c in specialist_cases(db, "S1", Month(2026, 1))] == ["C1"]
    finally:
        db.close()
