"""The import of facts that change over time (schema 9, docs/data.md "Validation"): assignment periods,
member periods, a parent's rights to one child, the placement a note contacted, and notes that contact
nobody. The dataset and helpers are tests/store/test_import.py's: VALID holds case C1 (dependency, opened
2026-01-05, assigned to S2 from then on), its child P1 (placements PL1, PL2), parent P2 and alleged parent
P3, and the investigation C2 with child P4; note N3 is a locate effort (method none)."""

from __future__ import annotations

import csv
import io

import pytest

from staffing_tui.store.importer import import_directory
from staffing_tui.store.schema import OPTIONAL_COLUMNS
from tests.store.test_import import (  # noqa: F401 — `db` and `loaded` are fixtures
    NOW,
    VALID,
    db,
    loaded,
    only_problem,
    rejected,
    with_row,
    write_files,
)

ASSIGNMENTS_HEADER = "case_id,specialist_id,start_on,end_on\n"
PERIODS_HEADER = "case_id,person_id,fact,start_on,end_on\n"


def with_file(name: str, text: str, files: dict[str, str] | None = None) -> dict[str, str]:
    """`files` (default VALID) with `name` holding `text`."""
    return {**(VALID if files is None else files), name: text}


def with_column(text: str, column: str, values: dict[int, str]) -> str:
    """The CSV `text` with one more column, empty but on the lines in `values` (line: value)."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], column])
    for line, row in enumerate(rows[1:], start=2):
        writer.writerow([*row, values.get(line, "")])
    return out.getvalue()


def imported(db, tmp_path, files: dict[str, str], folder: str = "in"):
    return import_directory(db, write_files(tmp_path / folder, files), now=NOW)


# --- case_assignments -----------------------------------------------------------------------------


def test_assignment_that_ends_before_it_starts_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("case_assignments.csv", end_on="2026-01-31"))
    only_problem(problems, "case_assignments.csv:3: end_on: 2026-01-31 is before start_on 2026-02-01")


def test_overlapping_assignments_of_one_case_are_rejected_on_the_later_row(loaded, tmp_path):
    files = with_file("case_assignments.csv", ASSIGNMENTS_HEADER + "C1,S2,2026-01-05,2026-05-10\nC1,S1,2026-05-01,\n")
    problems = rejected(loaded, tmp_path, files)
    assert problems == ["case_assignments.csv:3: start_on: 2026-05-01 overlaps the assignment of case C1 from "
                        "2026-01-05 on line 2; end one period before the next starts"]


def test_assignments_in_any_row_order_are_compared_by_their_dates(loaded, tmp_path):
    files = with_file("case_assignments.csv", ASSIGNMENTS_HEADER + "C1,S1,2026-05-01,\nC1,S2,2026-01-05,\n")
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, "case_assignments.csv:2: start_on: 2026-05-01 overlaps the assignment of case C1 from "
                           "2026-01-05 on line 3")


def test_an_assignment_overlapping_several_later_ones_is_named_for_each(loaded, tmp_path):
    files = with_file("case_assignments.csv", ASSIGNMENTS_HEADER
                      + "C1,S2,2026-01-05,2026-06-30\nC1,S1,2026-02-01,2026-02-28\nC1,S1,2026-03-01,\n")
    problems = rejected(loaded, tmp_path, files)
    assert [problem.split(" overlaps ")[0] for problem in problems] == [
        "case_assignments.csv:3: start_on: 2026-02-01", "case_assignments.csv:4: start_on: 2026-03-01"]
    assert all("from 2026-01-05 on line 2" in problem for problem in problems)


def test_an_assignment_overlapping_one_in_the_database_is_rejected(loaded, tmp_path):
    # The database holds C1 from 2026-01-05, still open; an import of only the new period overlaps it.
    files = {"units.csv": VALID["units.csv"], "case_assignments.csv": ASSIGNMENTS_HEADER + "C1,S1,2026-05-01,\n"}
    problems = rejected(loaded, tmp_path, files)
    assert problems == ["case_assignments.csv:2: start_on: 2026-05-01 overlaps the assignment of case C1 from "
                        "2026-01-05 in the database; end one period before the next starts"]


def test_a_transfer_ends_the_stored_period_by_its_key_and_starts_the_next(loaded, tmp_path):
    # Same key (C1, 2026-01-05) as the stored row: it replaces it, so it is no overlap with itself.
    transfer = ASSIGNMENTS_HEADER + "C1,S2,2026-01-05,2026-04-30\nC1,S1,2026-05-01,\n"
    imported(loaded, tmp_path, {"case_assignments.csv": transfer})
    assert list(loaded.query("SELECT specialist_id, start_on, end_on FROM case_assignments WHERE case_id = 'C1' "
                             "ORDER BY start_on")) == [
        {"specialist_id": "S2", "start_on": "2026-01-05", "end_on": "2026-04-30"},
        {"specialist_id": "S1", "start_on": "2026-05-01", "end_on": None}]


def test_a_period_running_into_a_later_one_in_the_database_is_rejected_on_its_end_on(loaded, tmp_path):
    transfer = ASSIGNMENTS_HEADER + "C1,S2,2026-01-05,2026-04-30\nC1,S1,2026-05-01,\n"
    imported(loaded, tmp_path, {"case_assignments.csv": transfer}, "transfer")
    reopened = {"units.csv": VALID["units.csv"], "case_assignments.csv": ASSIGNMENTS_HEADER + "C1,S2,2026-01-05,\n"}
    problems = rejected(loaded, tmp_path, reopened)
    assert problems == ["case_assignments.csv:2: end_on: is empty (still assigned) past the start of the assignment "
                        "of case C1 from 2026-05-01 in the database; end this period before that one starts"]


def test_back_to_back_assignments_do_not_overlap(db, tmp_path):
    # End dates are inclusive: the next period may start the day after.
    files = with_file("case_assignments.csv", ASSIGNMENTS_HEADER + "C1,S2,2026-01-05,2026-04-30\nC1,S1,2026-05-01,\n")
    assert imported(db, tmp_path, files).counts["case_assignments"] == 2


def test_a_supervisor_may_be_assigned_a_case(db, tmp_path):
    # Any staff member may carry a case, as cases.specialist_id allows (S1 is a supervisor).
    files = with_file("case_assignments.csv", ASSIGNMENTS_HEADER + "C1,S1,2026-01-05,\n")
    imported(db, tmp_path, files)
    assert db["case_assignments"].get(("C1", "2026-01-05"))["specialist_id"] == "S1"


@pytest.mark.parametrize("name, column, noun", [
    ("case_assignments.csv", "case_id", "case"), ("case_assignments.csv", "specialist_id", "staff member"),
    ("member_periods.csv", "case_id", "case"), ("member_periods.csv", "person_id", "person"),
])
def test_an_unknown_reference_in_a_dated_fact_is_rejected(loaded, tmp_path, name, column, noun):
    problems = rejected(loaded, tmp_path, with_row(name, **{column: "X9"}))
    only_problem(problems, f"{name}:3: {column}: unknown {noun} X9; it is neither in ")


# --- member_periods -------------------------------------------------------------------------------


def test_member_period_of_someone_not_on_the_case_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("member_periods.csv", case_id="C2"))  # P2 is not on C2
    only_problem(problems, "member_periods.csv:3: person_id: person P2 is not a member of case C2; add them to "
                           "case_members.csv")


def test_member_period_that_ends_before_it_starts_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("member_periods.csv", end_on="2026-03-31"))
    only_problem(problems, "member_periods.csv:3: end_on: 2026-03-31 is before start_on 2026-04-01")


def test_member_period_of_a_member_in_the_database_is_accepted(loaded, tmp_path):
    periods = PERIODS_HEADER + "C1,P3,whereabouts_unknown,2026-01-10,2026-03-31\n"
    imported(loaded, tmp_path, {"member_periods.csv": periods})
    assert loaded["member_periods"].count == 2


# --- parent_child.rights_terminated_on --------------------------------------------------------------


def test_rights_terminated_to_one_child_are_kept_on_the_pair(db, tmp_path):
    files = with_file("parent_child.csv", with_column(VALID["parent_child.csv"], "rights_terminated_on",
                                                      {2: "2026-04-01"}))
    imported(db, tmp_path, files)
    assert db["parent_child"].get(("C1", "P2", "P1"))["rights_terminated_on"] == "2026-04-01"


def test_rights_terminated_to_a_child_of_a_non_parent_are_rejected(loaded, tmp_path):
    files = with_row("case_members.csv", role="spouse_partner")  # P2 on C2, not a parent there
    files["parent_child.csv"] = "case_id,parent_id,child_id,rights_terminated_on\nC1,P2,P1,\nC2,P2,P4,2026-03-01\n"
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, "parent_child.csv:3: rights_terminated_on: is set but person P2 is spouse_partner on "
                           "case C2; only a parent or alleged_parent has parental rights")


# --- notes.placement_id -----------------------------------------------------------------------------


def test_a_note_may_name_a_placement_of_its_own_case(db, tmp_path):
    files = with_file("notes.csv", with_column(VALID["notes.csv"], "placement_id", {3: "PL2"}))  # N2, a call on C1
    imported(db, tmp_path, files)
    assert db["notes"].get("N2")["placement_id"] == "PL2"


def test_a_note_naming_a_placement_of_another_case_is_rejected(loaded, tmp_path):
    files = with_row("placements.csv")  # PL3, on case C2
    files["notes.csv"] = with_column(VALID["notes.csv"], "placement_id", {3: "PL3"})  # N2 is on C1
    problems = rejected(loaded, tmp_path, files)
    message = only_problem(problems, "notes.csv:3: placement_id: placement PL3 is on case C2, not on the note's "
                                     "case C1; name a placement of case C1 or leave placement_id empty")
    assert "Smith" not in message


def test_a_placement_in_the_database_is_checked_against_the_notes_case(loaded, tmp_path):
    notes = "note_id,case_id,author_id,occurred_at,note_type,method,location,locate_for,text,placement_id\n" \
            "N9,C2,S2,2026-03-01T09:00,call,phone,,,Called the foster home,PL1\n"
    problems = rejected(loaded, tmp_path, {"units.csv": VALID["units.csv"], "notes.csv": notes})
    only_problem(problems, "notes.csv:2: placement_id: placement PL1 is on case C1, not on the note's case C2")


# --- method none lists nobody -----------------------------------------------------------------------


def test_a_contact_listed_on_a_note_with_method_none_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("note_contacts.csv", note_id="N3", person_id="P3"))
    only_problem(problems, "note_contacts.csv:5: note_id: note N3 has method none (a locate effort or a failed "
                           "attempt), which contacts nobody; remove this row or fix the note's method")


def test_a_contact_listed_on_a_method_none_note_in_the_database_is_rejected(loaded, tmp_path):
    files = {"units.csv": VALID["units.csv"], "note_contacts.csv": "note_id,person_id\nN3,P2\n"}
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, "note_contacts.csv:2: note_id: note N3 has method none")


# --- older exports --------------------------------------------------------------------------------


def test_an_export_without_the_new_files_and_columns_imports_unchanged(db, tmp_path):
    older = {name: text for name, text in VALID.items() if name not in ("case_assignments.csv", "member_periods.csv")}
    for table, columns in OPTIONAL_COLUMNS.items():  # VALID's headers are already those of an older export
        assert not set(columns) & set(older[f"{table}.csv"].partition("\n")[0].split(","))
    summary = imported(db, tmp_path, older)
    assert summary.counts["case_assignments"] == summary.counts["member_periods"] == 0
    assert db["case_assignments"].count == db["member_periods"].count == 0
    assert {row["placement_id"] for row in db["notes"].rows} == {None}
    assert {row["rights_terminated_on"] for row in db["parent_child"].rows} == {None}
    assert {row["login"] for row in db["staff"].rows} == {None}
    assert db["notes"].count == 4 and db["note_contacts"].count == 3
