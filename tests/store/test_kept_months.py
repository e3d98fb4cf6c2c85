"""Months kept in the database (store.kept_months, schema m010): served only while provably current.

A kept month must give exactly what evaluating the month gives — rows, counts, flagged rows and
the report JSON byte for byte — for the whole database, a unit or a specialist; it is served only
at the data's state, calendar, engine and as-of day it was kept for; a save through `saving` is
followed, any other write means evaluating; nobody but this module can write the kept tables.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

import staffing_tui.store.kept_months as kept_months
from staffing_tui.domain.evaluate import evaluate_month, is_in_progress
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.present.report import report_to_json
from staffing_tui.store import schema
from staffing_tui.store.connection import get_meta, open_database, set_meta
from staffing_tui.store.evaluation import MonthReport, Summary, month_report
from staffing_tui.store.facts import Scope, load_month_facts
from staffing_tui.store.importer import import_rows
from staffing_tui.store.kept_months import (
    find_kept, keep_months, keep_recent_months, kept_counts, kept_flagged, kept_rows, report_json,
)
from staffing_tui.store.month_cache import MONTH_CACHE, data_state, saving
from staffing_tui.store.row_codec import COMPACT, row_from_dict, row_to_dict
from staffing_tui.synth.scales import AS_OF
from tests.builders import cli, small_database
from tests.store.test_import import NOW, VALID

IN_PROGRESS = Month.of(AS_OF)
COMPLETE = IN_PROGRESS.previous()


@pytest.fixture
def db_path(unit_copy):
    """A copy of the generated unit database (tests/store/conftest.py)."""
    return unit_copy


def fresh(path, month, as_of=AS_OF, scope=Scope()):
    """The month evaluated from nothing (no cache, nothing kept read), read by `scope.holds`."""
    db = open_database(path, readonly=True)
    try:
        rows = evaluate_month(load_month_facts(db, month, as_of), month, as_of)
    finally:
        db.close()
    return [row for row in rows if scope.holds(row)]


def evaluated_json(path, month, unit_id=None, specialist_id=None) -> str:
    rows = fresh(path, month, scope=Scope(unit_id, specialist_id))
    return report_to_json(MonthReport(month, AS_OF, is_in_progress(month, AS_OF), unit_id, specialist_id, rows))


def counts_of(rows):
    """Per (unit, specialist), the summary of their rows (what `kept_counts` gives)."""
    by_pair: dict = {}
    for row in rows:
        by_pair.setdefault((row.unit_id, row.specialist_id), []).append(row)
    return {pair: Summary.of(pair_rows) for pair, pair_rows in by_pair.items()}


def a_unit_and_a_specialist(rows):
    (unit, specialist), _ = Counter((row.unit_id, row.specialist_id) for row in rows).most_common(1)[0]
    return unit, specialist


def assert_served_as_evaluated(path, month):
    """Rows, counts, flagged rows and the report JSON of the kept month are what evaluating gives."""
    db = open_database(path, readonly=True)
    try:
        kept = find_kept(db, month, AS_OF)
        assert kept is not None
        rows = fresh(path, month)
        unit, specialist = a_unit_and_a_specialist(rows)
        assert kept_rows(db, kept) == rows
        assert kept_rows(db, kept, Scope(unit_id=unit)) == [r for r in rows if r.unit_id == unit]
        assert kept_rows(db, kept, Scope(specialist_id=specialist)) == [r for r in rows if r.specialist_id == specialist]
        assert kept_counts(db, kept) == counts_of(rows)
        assert kept_flagged(db, kept) == [r for r in rows if r.flags]
        for scope in ((None, None), (unit, None), (None, specialist)):
            assert report_json(db, month, AS_OF, *scope) == evaluated_json(path, month, *scope)
        return kept
    finally:
        db.close()


def test_every_row_of_a_generated_month_round_trips_through_its_json_text(db_path):
    rows = fresh(db_path, COMPLETE)
    # The comparison means something: placements, goals, flags, exceptions and case-level rows are there.
    assert any(r.placement for r in rows) and any(r.goal for r in rows) and any(r.flags for r in rows)
    assert any(r.exception_id for r in rows) and any(r.person_id is None for r in rows)
    for row in rows:
        assert row_from_dict(json.loads(json.dumps(row_to_dict(row), separators=COMPACT))) == row


def test_the_generator_keeps_the_as_of_month_and_the_twelve_before(db_path):
    db = open_database(db_path, readonly=True)
    assert [m for m in (IN_PROGRESS.shift(k) for k in range(-13, 2)) if find_kept(db, m, AS_OF)] == [
        IN_PROGRESS.shift(k) for k in range(-12, 1)]


def test_a_kept_month_gives_the_rows_counts_flags_and_report_json_that_evaluating_gives(db_path):
    kept = assert_served_as_evaluated(db_path, COMPLETE)
    assert kept.saved == frozenset()
    assert_served_as_evaluated(db_path, IN_PROGRESS)


def test_month_report_reads_a_kept_month_instead_of_evaluating(db_path, monkeypatch):
    import staffing_tui.store.month_cache as month_cache

    monkeypatch.setattr(month_cache, "evaluate_month", None)  # evaluating would fail
    db = open_database(db_path, readonly=True)
    report = month_report(db, COMPLETE, AS_OF)
    monkeypatch.undo()
    assert report.rows == fresh(db_path, COMPLETE)


def test_a_kept_month_is_served_only_for_its_as_of_day_calendar_and_engine(db_path, monkeypatch):
    db = open_database(db_path)
    assert find_kept(db, COMPLETE, AS_OF) is not None
    assert find_kept(db, COMPLETE, date.fromordinal(AS_OF.toordinal() - 1)) is None  # another as-of day
    monkeypatch.setattr(kept_months, "engine", lambda: "another-program")
    assert find_kept(db, COMPLETE, AS_OF) is None  # kept by another version of the rules
    monkeypatch.undo()
    zone = get_meta(db)["timezone"]
    with db.atomic():
        set_meta(db, "timezone", "America/New_York")  # meta bumps no generation: the calendar does it
    assert find_kept(db, COMPLETE, AS_OF) is None
    assert month_report(db, COMPLETE, AS_OF).rows == fresh(db_path, COMPLETE)
    with db.atomic():
        set_meta(db, "timezone", zone)
    assert find_kept(db, COMPLETE, AS_OF) is not None
    with db.atomic():
        assert find_kept(db, COMPLETE, AS_OF) is None  # inside a transaction: never


WRITES_NOT_THROUGH_SAVING = {
    "a note added": [
        "INSERT INTO notes (note_id, case_id, author_id, occurred_at, method) SELECT 'NEWNOTE', case_id, "
        "specialist_id, '{day}T10:00:00-07:00', 'in_person' FROM cases WHERE closed_on IS NULL ORDER BY case_id LIMIT 1",
        "INSERT INTO note_contacts (note_id, person_id) SELECT 'NEWNOTE', m.person_id FROM case_members m "
        "JOIN notes n ON n.case_id = m.case_id WHERE n.note_id = 'NEWNOTE'",
    ],
    "a member period changed": [
        "INSERT INTO member_periods (case_id, person_id, fact, start_on) SELECT m.case_id, m.person_id, "
        "'whereabouts_unknown', '{start}' FROM case_members m JOIN cases c ON c.case_id = m.case_id "
        "WHERE c.closed_on IS NULL AND m.role != 'child' ORDER BY 1, 2 LIMIT 1",
    ],
    "a staff member moved to another unit": [
        "UPDATE staff SET unit_id = (SELECT max(unit_id) FROM units) WHERE staff_id = "
        "(SELECT specialist_id FROM cases WHERE closed_on IS NULL ORDER BY case_id LIMIT 1)",
        "INSERT OR IGNORE INTO units (unit_id, name) VALUES ('UNEW', 'New Unit')",
        "UPDATE staff SET unit_id = 'UNEW' WHERE staff_id = "
        "(SELECT specialist_id FROM cases WHERE closed_on IS NULL ORDER BY case_id LIMIT 1)",
    ],
}


@pytest.mark.parametrize("write", WRITES_NOT_THROUGH_SAVING)
def test_any_write_not_through_saving_means_the_month_is_evaluated_again(db_path, write):
    reader = open_database(db_path, readonly=True)
    assert find_kept(reader, COMPLETE, AS_OF) is not None
    writer = open_database(db_path)
    with writer.atomic():
        for sql in WRITES_NOT_THROUGH_SAVING[write]:
            writer.execute(sql.format(day=COMPLETE.start.replace(day=15), start=COMPLETE.start))
    assert find_kept(reader, COMPLETE, AS_OF) is None
    assert report_json(reader, COMPLETE, AS_OF) is None
    assert month_report(reader, COMPLETE, AS_OF).rows == fresh(db_path, COMPLETE)


def test_a_save_through_saving_is_followed_and_the_next_read_is_a_fresh_evaluation(db_path):
    writer = open_database(db_path)
    case_id, child = writer.execute(
        "SELECT c.case_id, m.person_id FROM cases c JOIN case_members m ON m.case_id = c.case_id "
        f"WHERE c.case_type = 'dependency' AND c.opened_on <= '{COMPLETE.start}' AND c.closed_on IS NULL "
        "AND m.role = 'child' ORDER BY 1, 2").fetchone()
    before = fresh(db_path, COMPLETE)
    with saving(writer, case_id):  # the child ran away the whole month
        writer.execute("UPDATE placements SET end_on = ? WHERE case_id = ? AND child_id = ? AND end_on IS NULL",
                       [str(COMPLETE.start), case_id, child])
        writer.execute("INSERT INTO placements (placement_id, case_id, child_id, location_type, start_on) "
                       "VALUES ('PLNEW', ?, ?, 'runaway', ?)", [case_id, child, str(COMPLETE.start)])
    after = fresh(db_path, COMPLETE)
    assert after != before  # the comparison means something
    MONTH_CACHE.clear()  # another process: only the database knows
    for month in (COMPLETE, IN_PROGRESS):
        kept = assert_served_as_evaluated(db_path, month)
        assert kept.saved == {case_id}
    assert month_report(open_database(db_path, readonly=True), COMPLETE, AS_OF).rows == after


def test_counts_read_before_a_save_and_a_keeping_again_are_never_served_for_the_new_entry(db_path):
    """A process remembers each kept month's counts by its id (`_base_counts`), then takes the saved
    cases off and puts them back; keeping the month again (`prepare` while the app runs) makes a new
    entry with a new id, never the old one's, or the old counts would be served without the save.
    (The month in progress: kept last, it has the highest id, the one SQLite would give again.)"""
    writer = open_database(db_path)
    before = find_kept(writer, IN_PROGRESS, AS_OF)
    remembered = kept_counts(writer, before)
    assert remembered == counts_of(fresh(db_path, IN_PROGRESS))
    case_id = writer.execute(  # closed the day before the month began: its rows leave the month
        f"SELECT case_id FROM cases WHERE opened_on < '{IN_PROGRESS.start}' AND closed_on IS NULL "
        "ORDER BY case_id").fetchone()[0]
    with saving(writer, case_id):
        writer.execute("UPDATE cases SET closed_on = ? WHERE case_id = ?",
                       [str(date.fromordinal(IN_PROGRESS.start.toordinal() - 1)), case_id])
    moved = find_kept(writer, IN_PROGRESS, AS_OF)
    assert (moved.kept_id, moved.saved) == (before.kept_id, {case_id})
    after = counts_of(fresh(db_path, IN_PROGRESS))
    assert after != remembered  # the comparisons below mean something
    assert kept_counts(writer, moved) == after
    assert keep_months(writer, [IN_PROGRESS], AS_OF) == 1  # kept again, at the same state
    again = find_kept(writer, IN_PROGRESS, AS_OF)
    assert again.kept_id != before.kept_id and again.saved == frozenset()
    assert kept_counts(writer, again) == after


def test_a_save_commits_even_when_the_kept_months_cannot_follow_it_and_they_are_not_served(db_path, monkeypatch):
    from contextlib import nullcontext

    monkeypatch.setattr(kept_months, "_keeping", lambda db: nullcontext())  # the guard refuses the move
    writer = open_database(db_path)
    case_id, placement_id = writer.execute(
        "SELECT p.case_id, p.placement_id FROM placements p JOIN cases c ON c.case_id = p.case_id "
        "WHERE c.closed_on IS NULL AND p.end_on IS NULL ORDER BY 1, 2").fetchone()
    with saving(writer, case_id):
        writer.execute("UPDATE placements SET location_name = 'Moved on' WHERE placement_id = ?", [placement_id])
    monkeypatch.undo()
    reader = open_database(db_path, readonly=True)
    assert reader.execute("SELECT location_name FROM placements WHERE placement_id = ?",
                          [placement_id]).fetchone() == ("Moved on",)
    assert find_kept(reader, COMPLETE, AS_OF) is None and report_json(reader, COMPLETE, AS_OF) is None
    assert month_report(reader, COMPLETE, AS_OF).rows == fresh(db_path, COMPLETE)


def test_a_hand_edit_of_the_kept_tables_is_refused(db_path):
    shell = sqlite3.connect(db_path)  # as the sqlite3 shell: no staffing_keeping() there
    for sql in ("UPDATE kept_rows SET status = 'met'", "DELETE FROM kept_rows",
                "INSERT INTO kept_saved (kept_id, case_id) VALUES (1, 'C1')", "UPDATE kept_months SET gen_n = 0"):
        with pytest.raises(sqlite3.Error):
            shell.execute(sql)
    shell.close()
    db = open_database(db_path)  # ours, but not through store.kept_months
    with pytest.raises(sqlite3.IntegrityError, match="written by staffing-tui only"):
        db.execute("UPDATE kept_rows SET status = 'met'")
    assert_served_as_evaluated(db_path, COMPLETE)


def test_a_guard_dropped_means_nothing_kept_is_served_and_check_says_so(db_path, capsys):
    shell = sqlite3.connect(db_path)
    shell.executescript("DROP TRIGGER kept_rows_update_guard; UPDATE kept_rows SET status = 'met';")
    shell.close()
    db = open_database(db_path, readonly=True)
    assert find_kept(db, COMPLETE, AS_OF) is None and report_json(db, COMPLETE, AS_OF) is None
    assert month_report(db, COMPLETE, AS_OF).rows == fresh(db_path, COMPLETE)
    code, out, _ = cli(capsys, "check", "--db", db_path)
    assert code == 3 and "trigger kept_rows_update_guard is missing: the database no longer refuses hand edits " \
        "of kept_rows, so no month kept there is served" in out


def test_dropping_the_kept_tables_means_evaluating_and_check_finds_nothing_about_them(db_path, capsys):
    before = cli(capsys, "check", "--db", db_path)
    shell = sqlite3.connect(db_path)
    shell.executescript("DROP TABLE kept_saved; DROP TABLE kept_rows; DROP TABLE kept_months;")
    shell.close()
    db = open_database(db_path, readonly=True)
    assert find_kept(db, COMPLETE, AS_OF) is None and report_json(db, COMPLETE, AS_OF) is None
    assert month_report(db, COMPLETE, AS_OF).rows == fresh(db_path, COMPLETE)
    assert cli(capsys, "check", "--db", db_path) == before


def test_check_reports_nothing_about_the_kept_months(db_path, capsys):
    before = cli(capsys, "check", "--db", db_path)
    assert "kept" not in before[1] + before[2]
    db = open_database(db_path)
    assert kept_months.forget_kept(db) == 13
    assert cli(capsys, "check", "--db", db_path) == before


# --- a small database: read-only, the command line, the importer, the migration ----------------------

SMALL_AS_OF = date(2026, 11, 10)
OCTOBER = Month(2026, 10)


@pytest.fixture
def small_path(tmp_path):
    path = tmp_path / "small.db"
    small_database(path).close()
    MONTH_CACHE.clear()
    yield path
    MONTH_CACHE.clear()


def small_json(path, month=OCTOBER, as_of=SMALL_AS_OF):
    rows = fresh(path, month, as_of)
    return report_to_json(MonthReport(month, as_of, is_in_progress(month, as_of), None, None, rows))


def test_a_read_only_connection_keeps_nothing_and_reports_right(small_path, capsys):
    bytes_before = small_path.read_bytes()
    db = open_database(small_path, readonly=True)
    assert keep_months(db, [OCTOBER], SMALL_AS_OF) == 0
    assert month_report(db, OCTOBER, SMALL_AS_OF).rows == fresh(small_path, OCTOBER, SMALL_AS_OF)
    db.close()
    assert small_path.read_bytes() == bytes_before
    code, out, _ = cli(capsys, "report", "--db", small_path, "--month", "2026-10", "--format", "json")
    assert code == 0 and out == small_json(small_path)
    assert small_path.read_bytes() == bytes_before


def test_nothing_is_kept_inside_a_transaction(small_path):
    db = open_database(small_path)
    with db.atomic():
        assert keep_months(db, [OCTOBER], SMALL_AS_OF) == 0
    assert db.execute("SELECT count(*) FROM kept_months").fetchone()[0] == 0


def test_prepare_keeps_the_recent_months_and_says_so_in_one_line(small_path, capsys):
    code, out, err = cli(capsys, "prepare", "--db", small_path)
    assert code == 0 and err == ""
    assert out.startswith("kept 13 of 13 months (2025-11 to 2026-11) as of 2026-11-10 in ") and out.count("\n") == 1
    db = open_database(small_path, readonly=True)
    assert find_kept(db, OCTOBER, SMALL_AS_OF) is not None
    code, out, _ = cli(capsys, "report", "--db", small_path, "--month", "2026-10", "--format", "json")
    assert out == small_json(small_path)
    code, out, _ = cli(capsys, "prepare", "--db", small_path, "--months", "2", "--as-of", "2026-11-12")
    assert code == 0 and out.startswith("kept 2 of 2 months (2026-10 to 2026-11) as of 2026-11-12 in ")
    # a new as-of day is a new key, and the database keeps one day's months
    assert find_kept(db, OCTOBER, date(2026, 11, 12)) is not None and find_kept(db, OCTOBER, SMALL_AS_OF) is None
    assert db.execute("SELECT DISTINCT as_of FROM kept_months").fetchall() == [("2026-11-12",)]


def test_keeping_again_replaces_what_can_never_be_served(small_path, monkeypatch):
    db = open_database(small_path)
    assert keep_months(db, [OCTOBER], SMALL_AS_OF) == 1
    monkeypatch.setattr(kept_months, "engine", lambda: "another-program")
    assert keep_months(db, [OCTOBER, Month(2026, 9)], SMALL_AS_OF) == 2
    assert db.execute("SELECT month, engine FROM kept_months ORDER BY month").fetchall() == [
        ("2026-09", "another-program"), ("2026-10", "another-program")]


def test_prepare_refuses_a_bad_number_of_months_in_one_sentence(small_path, capsys):
    code, out, err = cli(capsys, "prepare", "--db", small_path, "--months", "0")
    assert code == 2 and out == "" and err.count("\n") == 1 and "give 1 to 36" in err


def test_prepare_on_a_read_only_database_is_refused_in_one_sentence():
    from tests.reliability.test_bad_input import as_another_user, fingerprint, run

    folder = tempfile.mkdtemp(prefix="readonly-kept-")  # outside tmp_path: another user must reach it
    path = Path(folder) / "small.db"
    try:
        small_database(path).close()
        os.chmod(path, 0o444)
        before = fingerprint(path)
        with as_another_user(path.parent):
            code, out, err = run("prepare", "--db", path)
        assert code == 2 and out == "" and err.count("\n") == 1 and f"{path} is read-only" in err
        assert fingerprint(path) == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_files(extra_notes: str = "") -> dict:
    files = {name: list(csv.DictReader(io.StringIO(text))) for name, text in VALID.items()}
    if extra_notes:
        files["notes.csv"] += list(csv.DictReader(io.StringIO(VALID["notes.csv"].splitlines()[0] + "\n" + extra_notes)))
    return files


def test_an_import_keeps_the_as_of_month_and_the_twelve_before_and_a_failed_one_keeps_nothing_new(tmp_path):
    db = open_database(tmp_path / "imported.db", create=True)
    with db.atomic():
        set_meta(db, "as_of", "2026-05-20")
    import_rows(db, import_files(), now=NOW)
    kept = db.execute("SELECT month FROM kept_months ORDER BY month").fetchall()
    assert [m for (m,) in kept] == [str(Month(2026, 5).shift(k)) for k in range(-12, 1)]
    assert find_kept(db, Month(2026, 3), date(2026, 5, 20)) is not None
    assert report_json(db, Month(2026, 3), date(2026, 5, 20)) is not None
    before = db.execute("SELECT * FROM kept_months ORDER BY kept_id").fetchall(), data_state(db.conn)
    with pytest.raises(UserError):
        import_rows(db, import_files("N9,C1,S2,not a time,visit,in_person,home,,x\n"), now=NOW)
    assert (db.execute("SELECT * FROM kept_months ORDER BY kept_id").fetchall(), data_state(db.conn)) == before


def test_a_database_of_schema_9_is_migrated_and_its_months_can_be_kept(tmp_path):
    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path))
    schema.migrations.apply(old, stop_before="m010_kept_months")
    set_meta(old, "schema_version", "9")
    set_meta(old, "as_of", "2026-11-10")
    old.execute("INSERT INTO units VALUES ('U1', 'North', NULL)")
    old.execute("INSERT INTO staff (staff_id, name, role, unit_id) VALUES ('S1', 'Sam', 'specialist', 'U1')")
    old.execute("INSERT INTO cases VALUES ('C1', 'dependency', 'S1', '2026-01-05', NULL)")
    old.execute("INSERT INTO people VALUES ('K1', 'Kit', 'Lane', '2014-01-01', NULL)")
    old.execute("INSERT INTO case_members (case_id, person_id, role) VALUES ('C1', 'K1', 'child')")
    state = old.execute("SELECT n, token FROM generation").fetchone()
    old.conn.commit()
    old.conn.close()

    db = open_database(path, readonly=True)  # a reader upgrades it once, then reads
    assert get_meta(db)["schema_version"] == str(schema.SCHEMA_VERSION)
    assert data_state(db.conn) == tuple(state)  # the kept tables bump no generation
    assert find_kept(db, OCTOBER, SMALL_AS_OF) is None
    writer = open_database(path)
    assert keep_recent_months(writer) == 13
    assert report_json(db, OCTOBER, SMALL_AS_OF) == small_json(path)
