"""Issue 7 §3 — nobody rewrites history: append-only evidence, approvals by the roles
docs/data.md "Records created in the app" allows, `staffing-tui check` and `staffing-tui backup`."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from staffing_tui.cli import main
from staffing_tui.store.maintenance import DATA_QUALITY_RULES, RULES
from staffing_tui.store.schema import NEVER_DELETED
from tests.builders import cli, dump
from tests.conftest import acknowledged, kill_and_reap, mode_of, query, start_note_writer
from tests.reliability.datasets import write_dataset

#: Everything tests/builders.py's database knows that must never appear in a message.
PRIVATE = ("Kit", "Ann", "Kay", "Kim", "Testperson", "2012-04-01", "1985-01-01", "2015-06-01", "2016-07-01",
           "Oak Foster Home")


@pytest.fixture
def evidence_db(db_path, capsys) -> Path:
    """One record of every kind: exception 1, plan 1, staffing note 1, next step 1 (and their audit rows)."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO permanency_goals VALUES ('C1', 'K1', 'adoption', '2026-08-01')")
    conn.close()
    for argv in (
        ["exception", "add", "--as", "SV1", "--case", "C1", "--person", "K1", "--category", "child_in_treatment",
         "--reason", "Residential treatment limits visits.", "--from", "2026-10", "--to", "2026-12",
         "--review-on", "2026-12-01"],
        ["plan", "generate", "--as", "SV1", "--case", "C1", "--parent", "A1", "--frequency", "1", "--methods",
         "phone", "--arrangements", "Calls on Fridays.", "--from", "2026-09", "--review-on", "2027-01-15"],
        ["note", "add", "--as", "SV1", "--case", "C2", "--person", "K2", "--month", "2026-10",
         "--reason-code", "hospitalized", "--text", "In hospital all month."],
        ["step", "add", "--as", "SV1", "--specialist", "S1", "--text", "Call the school", "--due", "2026-11-30"],
    ):
        code, _, err = cli(capsys, *argv[:2], "--db", db_path, *argv[2:])
        assert code == 0, err
    return db_path


# --- append-only evidence ----------------------------------------------------------------------

FORGERIES = [
    "UPDATE audit_log SET actor = 'FORGED'",
    "UPDATE audit_log SET after = NULL WHERE table_name = 'exceptions'",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE table_name = 'exceptions'",
    *(f"DELETE FROM {table}" for table in NEVER_DELETED),
]


@pytest.mark.parametrize("statement", FORGERIES)
def test_a_forged_rewrite_of_the_evidence_through_sqlite3_fails(evidence_db, statement):
    before = dump(evidence_db)
    conn = sqlite3.connect(evidence_db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only|never deleted"):
        conn.execute(statement)
    conn.close()
    assert dump(evidence_db) == before


#: Holes the current triggers leave open. INSERT OR REPLACE deletes the old row without
#: firing DELETE triggers (recursive_triggers is off), and approvals' columns may be
#: UPDATEd. They need a schema migration (schema.py is not this change's to edit).
OPEN_HOLES = [
    "INSERT OR REPLACE INTO audit_log (audit_id, at, actor, action, table_name, record_id) "
    "VALUES (1, '2026-01-01', 'FORGED', 'create', 'exceptions', '1')",
    "INSERT OR REPLACE INTO exceptions (exception_id, case_id, person_id, category, reason, start_month, "
    "end_month, approved_by, created_at, created_by) SELECT exception_id, case_id, person_id, category, reason, "
    "start_month, end_month, 'M1', created_at, created_by FROM exceptions",
    "UPDATE exceptions SET approved_by = 'M1'",
    "UPDATE contact_plans SET document = 'rewritten'",
]


@pytest.mark.parametrize("statement", OPEN_HOLES)
def test_a_replace_or_an_approval_rewrite_through_sqlite3_fails(evidence_db, statement):
    conn = sqlite3.connect(evidence_db)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(statement)
    finally:
        conn.rollback()
        conn.close()


def test_revoking_keeps_the_record_and_audits_both_states(evidence_db, capsys):
    assert cli(capsys, "exception", "revoke", "1", "--db", evidence_db, "--as", "M1", "--from", "2026-11")[0] == 0
    assert query(evidence_db, "SELECT count(*), revoked_by, revoked_from FROM exceptions") == [(1, "M1", "2026-11")]
    [(before, after)] = query(evidence_db, "SELECT before, after FROM audit_log WHERE action = 'revoke'")
    assert json.loads(before)["revoked_at"] is None and json.loads(after)["revoked_by"] == "M1"


# --- approvals only by the roles allowed (what tests/store/test_records.py does not cover) -------


@pytest.mark.parametrize("actor, allowed", [("SV2", False), ("M1", True)])
def test_only_the_units_supervisor_or_a_manager_revokes(evidence_db, capsys, actor, allowed):
    code, _, err = cli(capsys, "exception", "revoke", "1", "--db", evidence_db, "--as", actor)
    assert (code == 0) is allowed, err
    if not allowed:
        assert "revoked_by: SV2 supervises unit U2, not unit U1" in err
        assert query(evidence_db, "SELECT revoked_at FROM exceptions") == [(None,)]


@pytest.mark.parametrize("actor, allowed", [("SV2", False), ("M1", True)])
def test_only_the_units_supervisor_or_a_manager_approves_a_contact_plan(evidence_db, capsys, actor, allowed):
    code, _, err = cli(capsys, "plan", "generate", "--db", evidence_db, "--as", actor, "--case", "C1", "--parent",
                       "A1", "--frequency", "2", "--methods", "written", "--arrangements", "Letters monthly.",
                       "--from", "2026-11", "--review-on", "2027-02-01", "--replaces", "1")
    assert (code == 0) is allowed, err
    if not allowed:
        assert "approved_by: SV2 supervises unit U2" in err
    assert query(evidence_db, "SELECT count(*) FROM contact_plans") == [(2 if allowed else 1,)]


@pytest.mark.parametrize("actor, allowed", [("SV2", False), ("M1", True)])
def test_only_the_units_supervisor_or_a_manager_writes_a_staffing_note(evidence_db, capsys, actor, allowed):
    code, _, err = cli(capsys, "note", "add", "--db", evidence_db, "--as", actor, "--case", "C1", "--person", "K1",
                       "--month", "2026-10", "--reason-code", "other", "--text", "Court hearing moved the visit.")
    assert (code == 0) is allowed, err
    if not allowed:
        assert "author: SV2 supervises unit U2" in err


# --- staffing-tui check --------------------------------------------------------------------------


def test_check_passes_a_sound_database(db_path, capsys):
    code, out, err = cli(capsys, "check", "--db", db_path)
    assert (code, err) == (0, "")
    assert out == (f"{db_path}: ok (integrity, foreign keys, triggers, the audit chain and its reconciliation, and "
                   f"{len(DATA_QUALITY_RULES)} data-quality rules)\n")


@pytest.fixture
def flawed_db(evidence_db) -> Path:
    """One instance of every problem `check` looks for, written past the app (as another tool could)."""
    conn = sqlite3.connect(evidence_db)
    conn.executescript("""
        -- duplicate_note: the same contact with K3 entered twice under two note types
        INSERT INTO notes VALUES ('N10', 'C3', 'S2', '2026-10-05T10:00:00-07:00', 'home_visit', 'in_person', 'home', NULL, NULL, NULL);
        INSERT INTO notes VALUES ('N11', 'C3', 'S2', '2026-10-05T10:00:00-07:00', 'monthly_visit', 'in_person', 'home', NULL, NULL, NULL);
        INSERT INTO note_contacts VALUES ('N10', 'K3'), ('N11', 'K3');
        -- in_person_while_runaway: K1 is on runaway since 2026-09-20
        INSERT INTO notes VALUES ('N12', 'C1', 'S1', '2026-10-06T09:00:00-07:00', 'visit', 'in_person', 'community', NULL, NULL, NULL);
        INSERT INTO note_contacts VALUES ('N12', 'K1');
        -- in_person_while_whereabouts_unknown: A1 was seen in person (N1)
        UPDATE case_members SET whereabouts_unknown = 1 WHERE person_id = 'A1';
        -- not_a_member: K3 is not on case C2; K1 is searched for on C2
        INSERT INTO note_contacts VALUES ('N2', 'K3');
        INSERT INTO notes VALUES ('N13', 'C2', 'S1', '2026-10-07T09:00:00-07:00', 'locate', 'none', NULL, 'K1', NULL, NULL);
        -- overlapping_placements: PL3 overlaps PL1 (to 09-19) and PL2 (from 09-20)
        INSERT INTO placements VALUES ('PL3', 'C1', 'K1', 'foster_home', 'Elm House', '2026-09-01', '2026-09-25');
        -- placement_gap: K3 is in no placement from 06-01 to 06-09 (on C3, open since 03-01)
        INSERT INTO placements VALUES ('PL4', 'C3', 'K3', 'in_home', NULL, '2026-03-01', '2026-05-31');
        INSERT INTO placements VALUES ('PL5', 'C3', 'K3', 'kinship', 'Elm House', '2026-06-10', NULL);
        -- in_person_without_contact: an office visit that lists nobody
        INSERT INTO notes VALUES ('N14', 'C2', 'S1', '2026-10-20T09:00:00-07:00', 'visit', 'in_person', 'office', NULL, NULL, NULL);
        -- locate_for_contacted: a call searching for A1 that also lists A1 as contacted
        INSERT INTO notes VALUES ('N15', 'C1', 'S1', '2026-10-21T09:00:00-07:00', 'locate', 'phone', NULL, 'A1', NULL, NULL);
        INSERT INTO note_contacts VALUES ('N15', 'A1');
        -- approver_role: a specialist's approval, another unit's revocation and plan, a specialist's note
        -- (and reconciliation: none of the three has an audit row)
        INSERT INTO exceptions (case_id, person_id, category, reason, start_month, end_month, approved_by,
                                created_at, created_by, revoked_at, revoked_by, revoked_from)
            VALUES ('C2', 'K2', 'other', 'Entered by hand in another tool.', '2026-10', '2026-10', 'S1',
                    '2026-10-01', 'S1', '2026-10-02', 'SV2', '2026-10');
        INSERT INTO contact_plans (case_id, parent_id, frequency_months, methods, start_month, approved_by,
                                   created_at, created_by) VALUES ('C1', 'A1', 3, 'written', '2026-12', 'SV2', '2026-11-01', 'SV2');
        INSERT INTO staffing_notes (case_id, person_id, month, reason_code, text, author, created_at, created_by)
            VALUES ('C2', 'K2', '2026-10', 'other', 'By hand.', 'S2', '2026-11-01', 'S2');
    """)
    conn.execute("PRAGMA foreign_keys = OFF")  # foreign_key: a contact with a person who does not exist
    conn.execute("INSERT INTO note_contacts VALUES ('N3', 'GHOST')")
    conn.commit()
    conn.close()
    return evidence_db


EXPECTED_FINDINGS = [
    "foreign_key: note_contacts N3, GHOST: person_id GHOST is not in people",
    "reconciliation: exceptions 2: it has no audit row: it was inserted by hand, or its audit rows were removed",
    "reconciliation: contact_plans 2: it has no audit row: it was inserted by hand, or its audit rows were removed",
    "reconciliation: staffing_notes 2: it has no audit row: it was inserted by hand, or its audit rows were removed",
    "duplicate_note: case C3: notes N10, N11 record the same contact (author S2, 2026-10-05T10:00, with K3) "
    "under different note types; keep one",
    "in_person_while_runaway: case C1: note N12 claims an in-person contact with child K1 on 2026-10-06, "
    "when placement PL2 shows runaway",
    "in_person_while_whereabouts_unknown: case C1: note N1 claims an in-person contact with A1, whose "
    "whereabouts the case marks unknown that day; fix the note or the member's whereabouts",
    "not_a_member: note N2 (case C2) lists K3 as contacted, who is not a member of case C2",
    "not_a_member: note N3 (case C3) lists GHOST as contacted, who is not a member of case C3",
    "not_a_member: note N13 (case C2) records locate efforts for K1, who is not a member of case C2",
    "overlapping_placements: child K1 (case C1): placements PL1 and PL3 are both in effect on 2026-09-01; "
    "end one before the other starts",
    "overlapping_placements: child K1 (case C1): placements PL2 and PL3 are both in effect on 2026-09-20; "
    "end one before the other starts",
    "placement_gap: child K3 (case C3): no placement is in effect from 2026-06-01 to 2026-06-09, between "
    "placements PL4 and PL5; record where the child was, or correct the dates",
    "in_person_without_contact: note N14 (case C2) is an in-person contact on 2026-10-20 that lists nobody in "
    "note_contacts; list who was seen, or fix the method",
    "locate_for_contacted: note N15 (case C1) records locate efforts for A1 and also lists them as contacted; "
    "a person searched for was not reached — remove one of the two",
    "approver_role: exception 2 (case C2) was approved by S1: S1 is a specialist; only a supervisor of unit U1 "
    "or a manager can approve it.",
    "approver_role: exception 2 (case C2) was revoked by SV2: SV2 supervises unit U2, not unit U1 of case C2; "
    "only that unit's supervisor or a manager can approve.",
    "approver_role: contact plan 2 (case C1) was approved by SV2: SV2 supervises unit U2, not unit U1 of case "
    "C1; only that unit's supervisor or a manager can approve.",
    "approver_role: staffing note 2 (case C2) was written by S2: S2 is a specialist; only a supervisor of unit U1 "
    "or a manager can approve it.",
]


def test_check_lists_every_problem_by_id_and_exits_3(flawed_db, capsys):
    code, out, err = cli(capsys, "check", "--db", flawed_db)
    assert (code, err) == (3, "")
    lines = out.splitlines()
    assert lines[0] == f"{flawed_db}: {len(EXPECTED_FINDINGS)} problems found"
    assert lines[1:] == EXPECTED_FINDINGS


def test_check_never_prints_a_name_or_a_birth_date(flawed_db, capsys):
    for fmt in ("text", "json"):
        _, out, err = cli(capsys, "check", "--db", flawed_db, "--format", fmt)
        assert not [word for word in (*PRIVATE, "Elm House") if word in out + err]


def test_check_json_lists_rules_and_problems(flawed_db, capsys):
    code, out, _ = cli(capsys, "check", "--db", flawed_db, "--format", "json")
    report = json.loads(out)
    assert code == 3 and report["ok"] is False and report["rules"] == list(RULES)
    assert [f"{p['rule']}: {p['message']}" for p in report["problems"]] == EXPECTED_FINDINGS


def findings_of(capsys, db: Path, rule: str) -> list[str]:
    """The messages of `rule`'s findings in `check --format json`."""
    _, out, _ = cli(capsys, "check", "--db", db, "--format", "json")
    return [p["message"] for p in json.loads(out)["problems"] if p["rule"] == rule]


def placed(db: Path, *rows: tuple[str, ...], sql: str = "") -> Path:
    """`db` with the placements `rows` (id, case, child, type, start, end) and any other `sql` run."""
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany("INSERT INTO placements VALUES (?, ?, ?, ?, NULL, ?, ?)", rows)
        conn.executescript(sql)
    conn.close()
    return db


def test_a_placement_enclosed_by_a_longer_one_leaves_no_placement_gap(db_path, capsys):
    # K1 (C1): PL1 01-05..09-19, PL2 from 09-20; PL6 inside PL1 ends 03-10, which PL1 still covers.
    placed(db_path, ("PL6", "C1", "K1", "hospital", "2026-03-01", "2026-03-10"))
    assert findings_of(capsys, db_path, "placement_gap") == []
    assert len(findings_of(capsys, db_path, "overlapping_placements")) == 1


def test_placements_back_to_back_leave_no_placement_gap(db_path, capsys):
    # End dates are inclusive: PL1 ends 09-19 and PL2 starts 09-20 in the small database itself.
    assert findings_of(capsys, db_path, "placement_gap") == []


def test_a_placement_gap_counts_only_the_days_the_child_is_on_the_open_case(db_path, capsys):
    placed(db_path, ("PL7", "C2", "K2", "foster_home", "2026-02-01", "2026-04-30"),
           ("PL8", "C2", "K2", "kinship", "2026-07-15", None),
           sql="UPDATE case_members SET left_on = '2026-06-30' WHERE person_id = 'K2'")
    assert findings_of(capsys, db_path, "placement_gap") == [
        "child K2 (case C2): no placement is in effect from 2026-05-01 to 2026-06-30, between placements PL7 and PL8; "
        "record where the child was, or correct the dates"]


def test_a_gap_after_the_case_closed_is_no_placement_gap(db_path, capsys):
    placed(db_path, ("PL7", "C2", "K2", "foster_home", "2026-02-01", "2026-04-30"),
           ("PL8", "C2", "K2", "kinship", "2026-07-15", None),
           sql="UPDATE cases SET closed_on = '2026-04-30' WHERE case_id = 'C2'")
    assert findings_of(capsys, db_path, "placement_gap") == []


def test_a_locate_effort_that_lists_nobody_is_no_finding(db_path, capsys):
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO notes VALUES ('N9', 'C1', 'S1', '2026-10-21T09:00:00-07:00', 'locate', 'none', "
                     "NULL, 'A1', NULL, NULL)")
    conn.close()
    assert findings_of(capsys, db_path, "locate_for_contacted") == []
    assert findings_of(capsys, db_path, "in_person_without_contact") == []


def test_check_reports_a_damaged_page_and_skips_the_other_rules(tmp_path, capsys):
    db = tmp_path / "agency.db"
    assert main(["import", str(write_dataset(tmp_path / "csv", cases=40, notes_per_case=20)), "--db", str(db)]) == 0
    capsys.readouterr()
    page_size, pages = (query(db, f"PRAGMA {p}")[0][0] for p in ("page_size", "page_count"))
    data = bytearray(db.read_bytes())
    damaged = pages - 5  # a data page written last; the schema pages stay readable
    data[(damaged - 1) * page_size + 8: damaged * page_size] = os.urandom(page_size - 8)
    db.write_bytes(bytes(data))

    code, out, err = cli(capsys, "check", "--db", db)
    assert code == 3 and err == "" and "Traceback" not in out
    lines = out.splitlines()
    assert lines[1].startswith("integrity: ") and all(line.startswith("integrity: ") for line in lines[1:])
    assert lines[-1] == ("integrity: the other rules were skipped because the file is damaged; "
                         "restore it from a backup")


# --- staffing-tui backup -------------------------------------------------------------------------


def test_backup_is_a_verified_private_copy(evidence_db, tmp_path, capsys):
    destination = tmp_path / "backups" / "agency-2026-11-10.db"
    destination.parent.mkdir()
    old_umask = os.umask(0)  # whatever the umask, the copy is owner-only
    try:
        code, out, err = cli(capsys, "backup", "--db", evidence_db, destination)
    finally:
        os.umask(old_umask)
    assert code == 0, err
    assert out.startswith(f"backed up {evidence_db} to {destination} (") and out.endswith("integrity ok)\n")
    assert mode_of(destination) == 0o600
    assert query(destination, "PRAGMA integrity_check") == [("ok",)]
    assert query(destination, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert dump(destination) == dump(evidence_db)
    assert sorted(p.name for p in destination.parent.iterdir()) == [destination.name]  # no partial left


def test_backup_never_overwrites(evidence_db, tmp_path, capsys):
    destination = tmp_path / "keep.db"
    destination.write_text("yesterday's backup")
    code, out, err = cli(capsys, "backup", "--db", evidence_db, destination)
    assert code == 2 and out == ""
    assert err == f"error: {destination} already exists; choose a new file name (backup never overwrites).\n"
    assert destination.read_text() == "yesterday's backup"


def test_backup_into_a_missing_folder_is_a_clear_error(evidence_db, tmp_path, capsys):
    code, _, err = cli(capsys, "backup", "--db", evidence_db, tmp_path / "nowhere" / "b.db")
    assert code == 2 and "does not exist" in err and err.count("\n") == 1


def test_backup_is_online_and_consistent_while_someone_writes(db_path, tmp_path, capsys):
    writer = start_note_writer(db_path)
    try:
        acked_before = acknowledged(writer, 10)
        destination = tmp_path / "online.db"
        code, _, err = cli(capsys, "backup", "--db", db_path, destination)
        assert code == 0, err
        for _ in range(5):  # the writer was never blocked
            assert writer.stdout.readline().startswith("ack ")
    finally:
        kill_and_reap(writer)
    assert query(destination, "PRAGMA integrity_check") == [("ok",)]
    copied = {i for (i,) in query(destination, "SELECT staffing_note_id FROM staffing_notes")}
    audited = {int(i) for (i,) in query(destination, "SELECT record_id FROM audit_log")}
    assert set(acked_before) <= copied == audited  # a committed state: each record with its audit row
    assert copied < {i for (i,) in query(db_path, "SELECT staffing_note_id FROM staffing_notes")}


def test_an_in_person_locate_effort_that_lists_nobody_is_no_finding(db_path, capsys):
    """Checking an address for a missing child is made in person and contacts nobody by design."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO notes VALUES ('N9', 'C1', 'S1', '2026-10-21T09:00:00-07:00', 'locate', "
                     "'in_person', 'community', 'K1', NULL, NULL)")
    conn.close()
    assert findings_of(capsys, db_path, "in_person_without_contact") == []
