"""The per-process month cache (store.month_cache) and the data's state it trusts: the generation
counter and token the triggers keep (m004, m006, m008). test_month_up_to_date.py covers the kept
months brought up to date after this process's saves.

A cached month must never be served after anything it was evaluated from
changed — whoever changed it — and a unit or specialist read from it must be
exactly what evaluating that scope gives.
"""

from __future__ import annotations

import os
import shutil
import time
import sqlite3
from datetime import date

import pytest
from sqlite_utils import Database

import staffing_tui.store.month_cache as month_cache
from staffing_tui.domain.enums import Status
from staffing_tui.domain.months import Month
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import open_database
from staffing_tui.store.evaluation import month_report
from staffing_tui.store.month_cache import MONTH_CACHE, data_state
from staffing_tui.store.records import StaffingNoteRequest, add_staffing_note
from staffing_tui.store.schema import EVALUATED_TABLES_V9, migrations
from tests.builders import small_database

OCTOBER = Month(2026, 10)
AS_OF = date(2026, 11, 10)


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "cache.db"
    small_database(path).close()
    MONTH_CACHE.clear()
    yield path
    MONTH_CACHE.clear()


@pytest.fixture
def evaluations(monkeypatch):
    """Counts the month evaluations that really ran (not served from the cache)."""
    calls = []
    real = month_cache.evaluate_month

    def counting(facts, month, as_of):
        calls.append(month)
        return real(facts, month, as_of)

    monkeypatch.setattr(month_cache, "evaluate_month", counting)
    return calls


def status_of(report, person_id):
    return next(r.status for r in report.rows if r.person_id == person_id)


def test_a_whole_month_is_evaluated_once_and_then_served_until_something_changes(db_path, evaluations):
    db = open_database(db_path, readonly=True)
    first = month_report(db, OCTOBER, AS_OF)
    again = month_report(db, OCTOBER, AS_OF)
    assert again.rows == first.rows and again.rows is not first.rows
    assert evaluations == [OCTOBER]
    other = open_database(db_path, readonly=True)  # another connection of the process: same entry
    assert month_report(other, OCTOBER, AS_OF).rows == first.rows
    assert evaluations == [OCTOBER]
    month_report(db, OCTOBER, date(2026, 11, 11))  # another as-of day is another month report
    assert evaluations == [OCTOBER, OCTOBER]


def test_a_record_saved_through_the_store_is_seen_at_once(db_path, evaluations):
    reader = open_database(db_path, readonly=True)
    assert status_of(month_report(reader, OCTOBER, AS_OF), "K2") is Status.UNMET
    writer = open_database(db_path)
    add_staffing_note(writer, resolve_actor(writer, "SV1"), StaffingNoteRequest(
        case_id="C2", month=OCTOBER, reason_code="other", text="Child at camp all month.", person_id="K2"))
    assert status_of(month_report(reader, OCTOBER, AS_OF), "K2") is Status.EXPLAINED
    assert evaluations == [OCTOBER, OCTOBER]


def test_a_write_from_another_program_is_seen_at_once(db_path, evaluations):
    reader = open_database(db_path, readonly=True)
    assert status_of(month_report(reader, OCTOBER, AS_OF), "K2") is Status.UNMET
    outside = sqlite3.connect(db_path)  # e.g. the sqlite3 shell: no staffing-tui code involved
    with outside:
        outside.execute("INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location) "
                        "VALUES ('N9', 'C2', 'S1', '2026-10-20T10:00:00-07:00', 'home_visit', 'in_person', 'home')")
        outside.execute("INSERT INTO note_contacts (note_id, person_id) VALUES ('N9', 'K2')")
    outside.close()
    assert status_of(month_report(reader, OCTOBER, AS_OF), "K2") is Status.MET


def test_a_file_copied_over_the_database_is_not_mistaken_for_it(db_path, tmp_path, evaluations):
    reader = open_database(db_path, readonly=True)
    month_report(reader, OCTOBER, AS_OF)
    reader.close()
    other = tmp_path / "other.db"
    small_database(other, as_of="2026-11-10").close()
    shutil.copyfile(other, db_path)
    month_report(open_database(db_path, readonly=True), OCTOBER, AS_OF)
    assert evaluations == [OCTOBER, OCTOBER]


@pytest.mark.parametrize("unit_id, specialist_id", [("U1", None), ("U2", None), (None, "S1"), (None, "S2"),
                                                    ("U1", "S2")])
def test_a_unit_or_specialist_read_from_a_cached_month_is_what_evaluating_it_gives(db_path, unit_id, specialist_id):
    db = open_database(db_path, readonly=True)
    fresh = month_report(db, OCTOBER, AS_OF, unit_id=unit_id, specialist_id=specialist_id)
    month_report(db, OCTOBER, AS_OF)  # now cached
    assert MONTH_CACHE.holds(db, OCTOBER, AS_OF)
    from_cache = month_report(db, OCTOBER, AS_OF, unit_id=unit_id, specialist_id=specialist_id)
    assert from_cache == fresh


def test_nothing_is_cached_or_served_inside_a_transaction(db_path, evaluations):
    db = open_database(db_path)
    assert status_of(month_report(db, OCTOBER, AS_OF), "K2") is Status.UNMET  # now cached
    db.conn.execute("BEGIN")
    try:
        db.conn.execute("INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location) "
                        "VALUES ('N9', 'C2', 'S1', '2026-10-20T10:00:00-07:00', 'home_visit', 'in_person', 'home')")
        db.conn.execute("INSERT INTO note_contacts (note_id, person_id) VALUES ('N9', 'K2')")
        inside = db.conn.execute("SELECT n FROM generation").fetchone()[0]
        assert MONTH_CACHE.key(db, OCTOBER, AS_OF) is None
        assert status_of(month_report(db, OCTOBER, AS_OF), "K2") is Status.MET  # evaluated, not served
    finally:
        db.conn.execute("ROLLBACK")
    assert evaluations == [OCTOBER, OCTOBER]
    assert status_of(month_report(db, OCTOBER, AS_OF), "K2") is Status.UNMET  # as before: the entry still stands
    # Two committed rows that do not concern K2 bring the generation back to what it was inside the
    # transaction (only the token, drawn again, tells the states apart): nothing from inside is served.
    with db.atomic():
        db.execute("INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location) "
                   "VALUES ('N10', 'C1', 'S1', '2026-10-13T10:00:00-07:00', 'phone_call', 'phone', NULL)")
        db.execute("INSERT INTO note_contacts (note_id, person_id) VALUES ('N10', 'A1')")
    assert db.conn.execute("SELECT n FROM generation").fetchone()[0] == inside
    assert status_of(month_report(db, OCTOBER, AS_OF), "K2") is Status.UNMET
    assert evaluations == [OCTOBER, OCTOBER, OCTOBER]  # a third evaluation: nothing from the transaction was kept


def test_an_in_memory_database_is_never_cached():
    memory = Database(sqlite3.connect(":memory:"))
    migrations.apply(memory)
    assert data_state(memory.conn) is not None  # it has a state: only the missing file makes it uncacheable
    assert MONTH_CACHE.key(memory, OCTOBER, AS_OF) is None


#: The tables the evaluation reads (store.facts), written out here so that one dropped from
#: schema.EVALUATED_TABLES_V9 (and so from the generation triggers) fails a test.
READ_BY_THE_EVALUATION = ("staff", "cases", "people", "case_members", "parent_child", "permanency_goals",
                          "placements", "notes", "note_contacts", "exceptions", "contact_plans", "staffing_notes",
                          "case_assignments", "member_periods")


def test_every_table_the_evaluation_reads_is_an_evaluated_table():
    assert [table for table in READ_BY_THE_EVALUATION if table not in EVALUATED_TABLES_V9] == []


@pytest.mark.parametrize("table", READ_BY_THE_EVALUATION)
def test_every_change_to_an_evaluated_table_bumps_the_generation(db_path, table):
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
    for trigger, in conn.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{table}' "
            "AND name NOT LIKE '%_generation'").fetchall():
        conn.execute(f"DROP TRIGGER {trigger}")  # the evidence guards would refuse the raw writes below
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    columns = [row[1] for row in info]
    values = {row[1]: 987654 if "INT" in row[2].upper() else "x" for row in info}
    state = "SELECT n, token FROM generation"
    before = conn.execute(state).fetchone()
    conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                 list(values.values()))
    inserted = conn.execute(state).fetchone()
    conn.execute(f"UPDATE {table} SET {columns[-1]} = 'y' WHERE rowid = last_insert_rowid()")
    updated = conn.execute(state).fetchone()
    conn.execute(f"DELETE FROM {table} WHERE rowid = last_insert_rowid()")
    deleted = conn.execute(state).fetchone()
    conn.rollback()
    conn.close()
    assert before[0] < inserted[0] < updated[0] < deleted[0]
    assert len({before[1], inserted[1], updated[1], deleted[1]}) == 4  # a new token at every change (m006)


def test_a_kept_month_survives_the_file_being_rewritten_by_a_checkpoint(db_path, evaluations):
    """The file's own times are not part of the key (the data's state is): a checkpoint that moves
    the write-ahead log into the file after a write does not throw the month away."""
    writer = open_database(db_path)
    writer.execute("UPDATE placements SET location_name = 'Oak Foster Home' WHERE placement_id = 'PL1'")
    reader = open_database(db_path, readonly=True)
    month_report(reader, OCTOBER, AS_OF)
    before = os.stat(db_path).st_ctime_ns
    time.sleep(0.05)  # past the file system's timestamp granularity
    writer.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    writer.close()
    reader.close()
    assert os.stat(db_path).st_ctime_ns != before  # the file was rewritten
    month_report(open_database(db_path, readonly=True), OCTOBER, AS_OF)
    assert evaluations == [OCTOBER]


def test_a_failing_month_cache_does_not_undo_or_fail_the_save(db_path, monkeypatch, caplog):
    """The cache is told after the commit: its failure cannot undo the record, nor report the save
    as failed; the month is then evaluated from nothing."""
    reader = open_database(db_path, readonly=True)
    assert status_of(month_report(reader, OCTOBER, AS_OF), "K2") is Status.UNMET

    def failing(*saved):
        raise RuntimeError("the cache's own problem")

    monkeypatch.setattr(MONTH_CACHE, "saved", failing)
    caplog.set_level("DEBUG", logger="staffing_tui.store.month_cache")
    writer = open_database(db_path)
    note_id = add_staffing_note(writer, resolve_actor(writer, "SV1"), StaffingNoteRequest(
        case_id="C2", month=OCTOBER, reason_code="other", text="Child at camp all month.", person_id="K2"))
    assert writer.execute("SELECT count(*) FROM staffing_notes WHERE staffing_note_id = ?", [note_id]).fetchone() == (1,)
    assert "the month cache could not take in a save" in caplog.text
    assert status_of(month_report(reader, OCTOBER, AS_OF), "K2") is Status.EXPLAINED


def test_the_generation_triggers_mark_nothing_but_the_state(db_path):
    """m008: no table of changed cases and no `everything` column any more; every change to an
    evaluated table is one statement on `generation` (test above: it bumps n and draws a token)."""
    conn = sqlite3.connect(db_path)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    columns = [row[1] for row in conn.execute("PRAGMA table_info(generation)")]
    triggers = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_generation' ESCAPE '\\'"))
    conn.close()
    assert "changed_cases" not in tables and "generation" in tables
    assert columns == ["id", "n", "token"]
    assert set(triggers) == {f"{table}_{event}_generation" for table in EVALUATED_TABLES_V9
                             for event in ("insert", "update", "delete")}
    assert {sql.split(" BEGIN ", 1)[1] for sql in triggers.values()} == {
        "UPDATE generation SET n = n + 1, token = random(); END"}


def test_names_are_looked_up_once_while_the_data_stays_and_again_after_anothers_write(db_path):
    """`MonthCache.people_names`: a name asked for again is not looked up again, across a record saved
    through the store too (it writes no one's name); after another program's write it is read afresh."""
    from staffing_tui.store.directory import people_names

    looked_up: list[list[str]] = []

    def lookup(db, person_ids):
        ids = [pid for pid in person_ids if pid is not None]
        looked_up.append(sorted(ids))
        return people_names(db, ids)

    db = open_database(db_path)
    first = MONTH_CACHE.people_names(db, ["K1", "K2", None, "nobody"], lookup)
    assert set(first) == {"K1", "K2"} and looked_up == [["K1", "K2", "nobody"]]
    assert MONTH_CACHE.people_names(db, ["K2", "K3"], lookup) == {
        "K2": first["K2"], "K3": people_names(db, ["K3"])["K3"]}
    assert looked_up[1:] == [["K3"]]
    add_staffing_note(db, resolve_actor(db, "SV1"), StaffingNoteRequest(
        case_id="C2", month=OCTOBER, reason_code="other", text="Child at camp all month.", person_id="K2"))
    assert MONTH_CACHE.people_names(db, ["K1", "K2"], lookup) == {"K1": first["K1"], "K2": first["K2"]}
    assert len(looked_up) == 2
    outside = sqlite3.connect(db_path)
    with outside:
        outside.execute("UPDATE people SET first_name = 'Renamed' WHERE person_id = 'K2'")
    outside.close()
    assert MONTH_CACHE.people_names(db, ["K2"], lookup)["K2"].first_name == "Renamed"
