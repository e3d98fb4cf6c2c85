"""A kept whole-database month brought up to date case by case after this process's own saves
(store.month_cache: `saving` tells the cache which cases a write changed, between which states).

Whatever the writes, the month served afterwards must be exactly the month evaluated from
nothing; and only saves this process made through `saving` — the record services, whether the
app or the CLI calls them — may be applied case by case. Any other write (another connection,
another process, a write of this process made otherwise) means evaluating from nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

import staffing_tui.store.month_cache as month_cache
from staffing_tui.domain.enums import Status
from staffing_tui.domain.months import Month
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import open_database
from staffing_tui.store.evaluation import month_report
from staffing_tui.store.month_cache import MONTH_CACHE, saving
from staffing_tui.domain.evaluate import evaluate_month
from staffing_tui.store.facts import Scope, load_month_facts
from staffing_tui.synth.scales import AS_OF
from staffing_tui.store.records import (
    ExceptionRequest,
    NextStepRequest,
    PlanRequest,
    StaffingNoteRequest,
    add_next_step,
    add_staffing_note,
    complete_next_step,
    create_contact_plan,
    create_exception,
    revoke_exception,
    withdraw_staffing_note,
)
from staffing_tui.store.schema import EVALUATED_TABLES_V9
from tests.builders import cli, small_database

IN_PROGRESS = Month.of(AS_OF)
COMPLETE = IN_PROGRESS.previous()


@pytest.fixture
def db_path(unit_copy):
    """A copy of the generated unit database (tests/store/conftest.py)."""
    return unit_copy


@pytest.fixture
def loads(monkeypatch):
    """The scopes whose facts were loaded (a month evaluated, from nothing or case by case)."""
    scopes: list[Scope] = []
    real = month_cache.load_month_facts

    def recording(db, month, as_of, scope=Scope(), **kwargs):
        scopes.append(scope)
        return real(db, month, as_of, scope, **kwargs)

    monkeypatch.setattr(month_cache, "load_month_facts", recording)
    return scopes


def from_nothing(path, month):
    """The month evaluated from nothing, leaving the month cache alone."""
    db = open_database(path, readonly=True)
    try:
        return evaluate_month(load_month_facts(db, month, AS_OF), month, AS_OF)
    finally:
        db.close()


def generation(path) -> int:
    with sqlite3.connect(path) as conn:
        (n,) = conn.execute("SELECT n FROM generation").fetchone()
    conn.close()
    return n


def one(db, sql, params=()):
    return db.execute(sql, params).fetchone()


def test_saves_confined_to_cases_are_applied_case_by_case_and_give_the_month_from_nothing(db_path, loads):
    reader = open_database(db_path, readonly=True)
    for month in (COMPLETE, IN_PROGRESS):
        month_report(reader, month, AS_OF)  # kept
    writer = open_database(db_path)
    open_in_both = f"opened_on <= '{COMPLETE.start}' AND closed_on IS NULL"
    moved, closed, added_to, placed, excused = [row[0] for row in writer.execute(
        f"SELECT case_id FROM cases WHERE case_type = 'dependency' AND {open_in_both} ORDER BY case_id LIMIT 5")]
    child = one(writer, "SELECT person_id FROM case_members WHERE case_id = ? AND role = 'child'", [placed])[0]
    adult = one(writer, "SELECT person_id FROM case_members WHERE case_id = ? AND role != 'child'", [excused])[0]
    other_specialist = one(writer, "SELECT max(specialist_id) FROM cases WHERE specialist_id != "
                                   "(SELECT specialist_id FROM cases WHERE case_id = ?)", [moved])[0]
    saves = [  # (the case each changes, its statements)
        # reassigned to another specialist: its rows move in the order
        # (its assignment periods too: they decide whose rows they are, docs/policy.md "Case transfers")
        (moved, [("UPDATE cases SET specialist_id = ? WHERE case_id = ?", [other_specialist, moved]),
                 ("UPDATE case_assignments SET specialist_id = ? WHERE case_id = ?", [other_specialist, moved])]),
        # closed before the complete month: its rows go
        (closed, [("UPDATE cases SET closed_on = ? WHERE case_id = ?", [str(COMPLETE.shift(-1).start), closed])]),
        # a new person on a case: looked up for last seen (nobody has seen them)
        (added_to, [("INSERT INTO people (person_id, first_name, last_name, birth_date) "
                     "VALUES ('NEW1', 'Nia', 'New', '2015-03-02')", []),
                    ("INSERT INTO case_members (case_id, person_id, role, joined_on) VALUES (?, 'NEW1', 'child', ?)",
                     [added_to, str(COMPLETE.start)])]),
        # the child run away the whole month
        (placed, [("INSERT INTO placements (placement_id, case_id, child_id, location_type, start_on) "
                   "VALUES ('PLNEW', ?, ?, 'runaway', ?)", [placed, child, str(COMPLETE.start)]),
                  ("UPDATE placements SET end_on = ? WHERE case_id = ? AND child_id = ? AND placement_id != 'PLNEW' "
                   "AND end_on IS NULL", [str(COMPLETE.start), placed, child])]),
        # an approved exception for an adult
        (excused, [("INSERT INTO exceptions (case_id, person_id, category, reason, start_month, end_month, "
                    "approved_by, created_at, created_by) SELECT ?, ?, 'other', 'Lives abroad.', ?, ?, staff_id, "
                    "'2026-10-01T09:00:00', staff_id FROM staff WHERE role = 'manager' LIMIT 1",
                    [excused, adult, str(COMPLETE), str(IN_PROGRESS)])]),
    ]
    for case_id, statements in saves:
        with saving(writer, case_id):  # each its own transaction, as the record services save
            for sql, params in statements:
                writer.execute(sql, params)
    for month in (COMPLETE, IN_PROGRESS):
        del loads[:]
        served = month_report(reader, month, AS_OF).rows
        assert loads == [Scope(case_ids=frozenset({moved, closed, added_to, placed, excused}))]
        assert served == from_nothing(db_path, month)
    # The comparison means something: the changes show.
    rows = from_nothing(db_path, COMPLETE)
    assert not [r for r in rows if r.case_id == closed]
    assert {r.specialist_id for r in rows if r.case_id == moved} == {other_specialist}
    assert any(r.person_id == "NEW1" and r.last_seen is None for r in rows)
    assert any(r.person_id == adult and r.exception_id is not None for r in rows if r.case_id == excused)


def test_each_kept_month_is_brought_up_to_date_after_a_saved_record(db_path, loads):
    reader = open_database(db_path, readonly=True)
    kept = {month: month_report(reader, month, AS_OF).rows for month in (COMPLETE, IN_PROGRESS)}
    writer = open_database(db_path)
    case_id, person_id, specialist = one(writer, (
        "SELECT c.case_id, m.person_id, c.specialist_id FROM cases c JOIN case_members m ON m.case_id = c.case_id "
        f"WHERE c.opened_on <= '{COMPLETE.start}' AND c.closed_on IS NULL AND m.role = 'child' ORDER BY 1, 2"))
    unit = one(writer, "SELECT unit_id FROM staff WHERE staff_id = ?", [specialist])[0]
    supervisor = one(writer, "SELECT staff_id FROM staff WHERE role = 'supervisor' AND unit_id = ?", [unit])[0]
    for month in (COMPLETE, IN_PROGRESS):
        add_staffing_note(writer, resolve_actor(writer, supervisor), StaffingNoteRequest(
            case_id=case_id, month=month, reason_code="other", text="Seen by the court officer.",
            person_id=person_id))
    for month in (COMPLETE, IN_PROGRESS):
        del loads[:]
        served = month_report(reader, month, AS_OF).rows
        assert loads == [Scope(case_ids=frozenset({case_id}))]
        assert served == from_nothing(db_path, month)
        changed = [r for r in served if r not in kept[month]]
        assert {r.case_id for r in changed} <= {case_id}
        row = next(r for r in served if (r.case_id, r.person_id) == (case_id, person_id))
        assert row.status is not Status.UNMET and row.status is not Status.DUE


def test_a_write_this_process_did_not_see_means_evaluating_from_nothing(db_path, loads):
    reader = open_database(db_path, readonly=True)
    month_report(reader, COMPLETE, AS_OF)
    outside = sqlite3.connect(db_path)  # another program: its change is not known case by case
    with outside:
        outside.execute("UPDATE placements SET location_name = 'Elsewhere' WHERE rowid = 1")
    outside.close()
    writer = open_database(db_path)
    (case_id,) = one(writer, "SELECT case_id FROM placements WHERE rowid = 2")
    with saving(writer, case_id):  # then one of ours, confined to a case
        writer.execute("UPDATE placements SET location_name = 'Here' WHERE rowid = 2")
    del loads[:]
    served = month_report(reader, COMPLETE, AS_OF).rows
    assert loads == [Scope()]
    assert served == from_nothing(db_path, COMPLETE)


def test_a_write_of_this_process_not_made_through_saving_means_evaluating_from_nothing(db_path, loads):
    reader = open_database(db_path, readonly=True)
    month_report(reader, COMPLETE, AS_OF)
    writer = open_database(db_path)
    note_id, person_id = one(writer, "SELECT n.note_id, nc.person_id FROM notes n "
                                     "JOIN note_contacts nc ON nc.note_id = n.note_id LIMIT 1")
    with writer.atomic():  # last seen is read across cases: a contact is not confined to its case
        writer.execute("DELETE FROM note_contacts WHERE note_id = ? AND person_id = ?", [note_id, person_id])
    del loads[:]
    served = month_report(reader, COMPLETE, AS_OF).rows
    assert loads == [Scope()]
    assert served == from_nothing(db_path, COMPLETE)


@pytest.mark.parametrize("copied", ["before our write", "after our write"])
def test_a_file_copied_over_the_database_is_not_brought_up_to_date(tmp_path, loads, copied):
    """Two copies of one database, each changed once, reach the same generation with different
    data: the one copied over the other is another history, whenever it is put in place."""
    MONTH_CACHE.clear()
    path, copy = tmp_path / "a.db", tmp_path / "b.db"
    small_database(path).close()
    shutil.copyfile(path, copy)
    month, as_of = Month(2026, 10), date(2026, 11, 10)
    kept = open_database(path, readonly=True)
    month_report(kept, month, as_of)
    kept.close()
    with sqlite3.connect(copy) as other:  # the copy: C1's runaway placement corrected by another program
        other.execute("UPDATE placements SET location_type = 'foster_home' WHERE location_type = 'runaway'")
    other.close()

    def our_write() -> None:  # confined to C3
        writer = open_database(path)
        with saving(writer, "C3"):
            writer.execute("UPDATE cases SET opened_on = opened_on WHERE case_id = 'C3'")
        writer.close()

    if copied == "after our write":
        our_write()  # now at the copy's generation
        assert generation(copy) == generation(path)
    shutil.copyfile(copy, path)  # with nothing open on the file, as a person would
    if copied == "before our write":
        our_write()
    del loads[:]
    reader = open_database(path, readonly=True)
    served = month_report(reader, month, as_of).rows
    assert loads == [Scope()]
    assert served == evaluate_month(load_month_facts(reader, month, as_of), month, as_of)
    # and kept as it is now: served again without loading anything (comparing the rows alone would
    # compare the kept month with its own copy)
    assert month_report(reader, month, as_of).rows == served and loads == [Scope()]
    MONTH_CACHE.clear()


# --- the record services, the CLI and other processes (the small database of tests/builders.py) ----------

OCTOBER, SMALL_AS_OF = Month(2026, 10), date(2026, 11, 10)
#: The tables the evaluation reads whose rows belong to one case (schema.CASE_TABLES).
CASE_TABLES = ("cases", "case_members", "parent_child", "permanency_goals", "placements", "exceptions",
               "contact_plans", "staffing_notes", "case_assignments", "member_periods")


@pytest.fixture
def small_path(tmp_path):
    path = tmp_path / "small.db"
    small_database(path).close()
    MONTH_CACHE.clear()
    yield path
    MONTH_CACHE.clear()


def evaluated_rows(db) -> dict[str, set[tuple]]:
    """Every row of every table the evaluation reads, by table."""
    return {table: set(db.execute(f"SELECT * FROM {table}").fetchall()) for table in EVALUATED_TABLES_V9}


def cases_changed(db, before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> set[str]:
    """The cases whose rows differ between two `evaluated_rows`; a table of no case that differs fails."""
    assert {table for table in EVALUATED_TABLES_V9 if table not in CASE_TABLES and before[table] != after[table]} == set()
    changed = set()
    for table in CASE_TABLES:
        column = [row[1] for row in db.execute(f"PRAGMA table_info({table})")].index("case_id")
        changed |= {row[column] for row in before[table] ^ after[table]}
    return changed


def from_nothing_small(path):
    db = open_database(path, readonly=True)
    try:
        return evaluate_month(load_month_facts(db, OCTOBER, SMALL_AS_OF), OCTOBER, SMALL_AS_OF)
    finally:
        db.close()


def test_every_record_service_tells_the_cache_exactly_the_cases_it_changed_and_the_month_follows(
        small_path, loads, monkeypatch):
    told: list[frozenset[str]] = []
    real = MONTH_CACHE.saved
    monkeypatch.setattr(MONTH_CACHE, "saved", lambda db, before, after, cases: told.append(cases) or real(
        db, before, after, cases))
    reader = open_database(small_path, readonly=True)
    writer = open_database(small_path)
    supervisor = resolve_actor(writer, "SV1")
    with writer.atomic():  # K1's goal is adoption: A1 needs a contact plan
        writer["permanency_goals"].insert({"case_id": "C1", "child_id": "K1", "goal": "adoption",
                                           "effective_on": "2026-09-01"})
    saves = [
        ("exception", lambda: create_exception(writer, supervisor, ExceptionRequest(
            "C1", "K1", "child_in_treatment", "Residential treatment limits visits this month.", OCTOBER,
            Month(2026, 12)))),
        ("revocation", lambda: revoke_exception(writer, supervisor, 1, Month(2026, 11), reason="Left treatment.")),
        ("contact plan", lambda: create_contact_plan(writer, supervisor, PlanRequest(
            "C1", "A1", 1, ("in_person",), "Monthly visit at the office.", OCTOBER))),
        ("superseding plan", lambda: create_contact_plan(writer, supervisor, PlanRequest(
            "C1", "A1", 1, ("phone",), "A monthly call instead.", OCTOBER, replaces=1))),
        ("staffing note", lambda: add_staffing_note(writer, supervisor, StaffingNoteRequest(
            "C2", OCTOBER, "other", "Child at camp all month.", "K2"))),
        ("withdrawal", lambda: withdraw_staffing_note(writer, supervisor, 1, "Recorded on the wrong child.")),
        ("next step", lambda: add_next_step(writer, supervisor, NextStepRequest(
            "S1", "Call the school.", date(2026, 11, 30), "C2"))),
        ("next step done", lambda: complete_next_step(writer, supervisor, 1)),
    ]
    expected = {"exception": {"C1"}, "revocation": {"C1"}, "contact plan": {"C1"}, "superseding plan": {"C1"},
                "staffing note": {"C2"}, "withdrawal": {"C2"}, "next step": set(), "next step done": set()}
    for name, save in saves:
        month_report(reader, OCTOBER, SMALL_AS_OF)  # kept
        before = evaluated_rows(writer)
        del told[:], loads[:]
        save()
        changed = cases_changed(writer, before, evaluated_rows(writer))
        assert changed == expected[name], name  # the comparison below is not of an empty change
        assert [set(cases) for cases in told] == ([changed] if changed else []), name
        served = month_report(reader, OCTOBER, SMALL_AS_OF).rows
        assert loads == ([Scope(case_ids=frozenset(changed))] if changed else []), name
        assert served == from_nothing_small(small_path), name


def test_a_record_saved_through_the_cli_brings_the_kept_month_up_to_date(small_path, loads, capsys):
    reader = open_database(small_path, readonly=True)
    kept = month_report(reader, OCTOBER, SMALL_AS_OF).rows
    assert next(r.status for r in kept if r.person_id == "K2") is Status.UNMET
    code, _out, err = cli(capsys, "note", "add", "--db", small_path, "--as", "SV1", "--case", "C2", "--person",
                          "K2", "--month", "2026-10", "--reason-code", "hospitalized", "--text", "In hospital.")
    assert (code, err) == (0, "")
    del loads[:]
    served = month_report(reader, OCTOBER, SMALL_AS_OF).rows
    assert loads == [Scope(case_ids=frozenset({"C2"}))]
    assert served == from_nothing_small(small_path)
    assert next(r.status for r in served if r.person_id == "K2") is Status.EXPLAINED


def test_a_record_saved_by_another_process_is_never_served_stale(small_path, loads):
    reader = open_database(small_path, readonly=True)
    month_report(reader, OCTOBER, SMALL_AS_OF)
    done = subprocess.run(
        [sys.executable, "-m", "staffing_tui", "note", "add", "--db", str(small_path), "--as", "SV1", "--case", "C2",
         "--person", "K2", "--month", "2026-10", "--reason-code", "hospitalized", "--text", "In hospital."],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    del loads[:]
    served = month_report(reader, OCTOBER, SMALL_AS_OF).rows
    assert loads == [Scope()]  # its save is not known case by case here: evaluated from nothing
    assert next(r.status for r in served if r.person_id == "K2") is Status.EXPLAINED
    assert served == from_nothing_small(small_path)


def test_a_save_inside_a_bigger_transaction_is_not_applied_case_by_case(small_path, loads):
    """What else the transaction wrote is not the save's to say: the month is evaluated from nothing."""
    reader = open_database(small_path, readonly=True)
    month_report(reader, OCTOBER, SMALL_AS_OF)
    writer = open_database(small_path)
    with writer.atomic():
        add_staffing_note(writer, resolve_actor(writer, "SV1"), StaffingNoteRequest(
            "C2", OCTOBER, "other", "Child at camp all month.", "K2"))
        writer.execute("INSERT INTO note_contacts (note_id, person_id) VALUES ('N1', 'K1')")  # K1 seen on C1
    del loads[:]
    served = month_report(reader, OCTOBER, SMALL_AS_OF).rows
    assert loads == [Scope()]
    assert served == from_nothing_small(small_path)
    assert next(r.status for r in served if r.person_id == "K1") is not Status.UNMET


def test_a_unit_asked_for_after_a_save_is_read_from_the_kept_month_brought_up_to_date(small_path, loads):
    reader = open_database(small_path, readonly=True)
    month_report(reader, OCTOBER, SMALL_AS_OF)
    writer = open_database(small_path)
    add_staffing_note(writer, resolve_actor(writer, "SV1"), StaffingNoteRequest(
        "C2", OCTOBER, "other", "Child at camp all month.", "K2"))
    assert not MONTH_CACHE.holds(reader, OCTOBER, SMALL_AS_OF)  # C2 is to be evaluated again first
    del loads[:]
    unit = month_report(reader, OCTOBER, SMALL_AS_OF, unit_id="U1").rows
    assert MONTH_CACHE.holds(reader, OCTOBER, SMALL_AS_OF)
    assert loads == [Scope(case_ids=frozenset({"C2"}))]
    assert unit == [r for r in from_nothing_small(small_path) if r.unit_id == "U1"]
    assert month_report(reader, OCTOBER, SMALL_AS_OF).rows == from_nothing_small(small_path)  # kept so
    assert loads == [Scope(case_ids=frozenset({"C2"}))]
