"""Issue 7 §1 — several people write at once: nothing is lost, nothing is silently overwritten."""

from __future__ import annotations

import threading
import time

import pytest

from staffing_tui.domain.months import Month
from staffing_tui.store import records
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import BUSY_TIMEOUT_MS, get_meta, hold_open, open_database, set_meta
from staffing_tui.store.records import ExceptionRequest, NextStepRequest, StaleRecord
from tests.builders import cli
from tests.conftest import query, start_python

WRITES_PER_PROCESS = 30


def test_database_runs_in_wal_mode_with_a_busy_timeout(db_path):
    db = open_database(db_path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS >= 1000
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: acknowledged = on disk
    finally:
        db.close()


def _parse(lines: list[str]) -> tuple[dict[str, set[int]], float, float, list[str]]:
    acks: dict[str, set[int]] = {"exceptions": set(), "staffing_notes": set()}
    start = end = 0.0
    other = []
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "ack":
            table, record_id = rest.split()
            acks[table].add(int(record_id))
        elif kind == "start":
            start = float(rest)
        elif kind == "end":
            end = float(rest)
        elif kind != "ready":
            other.append(line)
    return acks, start, end, other


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing_and_get_no_error(db_path, tmp_path):
    go = tmp_path / "go"
    workers = [
        start_python("-m", "tests.reliability.workers", "mixed", "--db", str(db_path), "--as", "SV1",
                     "--case", "C1", "--person", person, "--count", str(WRITES_PER_PROCESS), "--go", str(go))
        for person in ("K1", "A1")  # two people: their exceptions never overlap
    ]
    for worker in workers:  # both have imported everything and wait at the barrier
        assert worker.stdout.readline().strip() == "ready"
    go.touch()
    results = [worker.communicate(timeout=120) for worker in workers]

    acked: dict[str, set[int]] = {"exceptions": set(), "staffing_notes": set()}
    spans = []
    for worker, (out, err) in zip(workers, results):
        acks, start, end, other = _parse(out.splitlines())
        assert worker.returncode == 0 and err == "" and other == [], (out, err)
        assert sum(len(ids) for ids in acks.values()) == WRITES_PER_PROCESS
        for table, ids in acks.items():
            assert not ids & acked[table], "two writers were given the same id"
            acked[table] |= ids
        spans.append((start, end))
    (start_a, end_a), (start_b, end_b) = spans
    assert start_a < end_b and start_b < end_a, "the writers did not overlap in time"

    assert {i for (i,) in query(db_path, "SELECT exception_id FROM exceptions")} == acked["exceptions"]
    assert {i for (i,) in query(db_path, "SELECT staffing_note_id FROM staffing_notes")} == acked["staffing_notes"]
    audit = query(db_path, "SELECT table_name, record_id, action, actor FROM audit_log")
    assert sorted(audit) == sorted(
        [(table, str(i), "create", "SV1") for table, ids in acked.items() for i in ids]
    )
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_a_read_then_write_transaction_waits_for_another_writer_instead_of_failing(db_path):
    """In WAL mode a deferred transaction that reads, then writes after another process
    committed fails at once with "database is locked"; ours take the write lock first."""
    first, second = open_database(db_path), open_database(db_path)
    failures: list[BaseException] = []

    def other_writer() -> None:
        try:
            with second.atomic():
                set_meta(second, "last_writer", "second")
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            failures.append(exc)

    try:
        with first.atomic():
            first.execute("SELECT count(*) FROM exceptions").fetchone()  # read first…
            thread = threading.Thread(target=other_writer)
            thread.start()
            thread.join(0.3)
            assert thread.is_alive(), "the other writer should wait for the lock, not fail or overtake"
            set_meta(first, "last_writer", "first")  # …then write
        thread.join(10)
        assert failures == []
        assert get_meta(first)["last_writer"] == "second"  # it waited, then wrote
    finally:
        first.close()
        second.close()


def test_overlapping_exceptions_saved_at_the_same_moment_cannot_both_pass(db_path, monkeypatch):
    """Validation runs inside the write transaction, so a second supervisor's save waits,
    then sees the first exception and is refused — never two overlapping approvals."""
    first, second = open_database(db_path), open_database(db_path)
    supervisor, manager = resolve_actor(first, "SV1"), resolve_actor(second, "M1")
    request = ExceptionRequest("C1", "K1", "child_in_treatment", "Residential treatment limits visits.",
                               Month.parse("2026-10"), Month.parse("2026-12"), None)
    validate = records.exception_problems
    outcome: dict[str, object] = {}

    def save_second() -> None:
        try:
            outcome["second"] = records.create_exception(second, manager, request)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["second"] = exc

    def slow_first_validation(db, actor, req):
        problems = validate(db, actor, req)
        if db is first and "thread" not in outcome:
            # The other save starts while this one sits between its check and its insert.
            outcome["thread"] = thread = threading.Thread(target=save_second)
            thread.start()
            time.sleep(0.3)
        return problems

    monkeypatch.setattr(records, "exception_problems", slow_first_validation)
    try:
        first_id = records.create_exception(first, supervisor, request)
        outcome["thread"].join(10)  # type: ignore[attr-defined]
    finally:
        first.close()
        second.close()
    assert isinstance(outcome["second"], records.ValidationError)
    assert "already covers" in str(outcome["second"])
    assert query(db_path, "SELECT exception_id FROM exceptions") == [(first_id,)]


# --- optimistic versions: "changed by X at T, reload" -----------------------------------------


def test_revoking_an_exception_someone_changed_since_it_was_loaded_says_who_and_when(db_path):
    mine, theirs = open_database(db_path), open_database(db_path)
    try:
        exception_id = records.create_exception(
            theirs, resolve_actor(theirs, "SV1"),
            ExceptionRequest("C1", "K1", "child_in_treatment", "Residential treatment limits visits.",
                             Month.parse("2026-10"), Month.parse("2026-12")))
        loaded = records.list_exceptions(mine, exception_id=exception_id)[0]  # the screen shows version 1
        records.revoke_exception(theirs, resolve_actor(theirs, "M1"), exception_id, Month.parse("2026-11"))
        with pytest.raises(StaleRecord) as refused:
            records.revoke_exception(mine, resolve_actor(mine, "SV1"), exception_id, Month.parse("2026-10"),
                                     expected_version=loaded["version"])
    finally:
        mine.close()
        theirs.close()
    revoked_at = query(db_path, "SELECT revoked_at FROM exceptions")[0][0]
    assert refused.value.message == (f"This record was changed by M1 at {revoked_at} since you loaded it; "
                                     "reload and try again.")
    # Their revocation stands; nothing was overwritten and only one revocation was audited.
    assert query(db_path, "SELECT revoked_by, revoked_from, version FROM exceptions") == [("M1", "2026-11", 2)]
    assert query(db_path, "SELECT action, actor FROM audit_log ORDER BY audit_id") == [
        ("create", "SV1"), ("revoke", "M1")]


def test_completing_a_next_step_someone_changed_since_it_was_loaded_says_who_and_when(db_path):
    mine, theirs = open_database(db_path), open_database(db_path)
    try:
        step_id = records.add_next_step(theirs, resolve_actor(theirs, "SV1"),
                                        NextStepRequest("S1", "Call the runaway unit", Month.parse("2026-11").end))
        loaded = records.get_next_step(mine, step_id)
        records.complete_next_step(theirs, resolve_actor(theirs, "S1"), step_id)
        with pytest.raises(StaleRecord) as refused:
            records.complete_next_step(mine, resolve_actor(mine, "SV1"), step_id, expected_version=loaded["version"])
    finally:
        mine.close()
        theirs.close()
    done_at = query(db_path, "SELECT done_at FROM next_steps")[0][0]
    assert f"changed by S1 at {done_at}" in refused.value.message and "reload" in refused.value.message
    assert query(db_path, "SELECT done_by, version FROM next_steps") == [("S1", 2)]


def test_cli_version_option_refuses_a_stale_revocation(db_path, capsys):
    code, out, err = cli(capsys, "exception", "add", "--db", db_path, "--as", "SV1", "--case", "C1", "--person", "K1",
                         "--category", "other", "--reason", "Residential treatment limits visits.",
                         "--from", "2026-10", "--to", "2026-12", "--review-on", "2026-12-01")
    assert code == 0, err
    assert cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "M1", "--from", "2026-12",
               "--version", "1")[0] == 0
    code, out, err = cli(capsys, "exception", "revoke", "1", "--db", db_path, "--as", "SV1", "--version", "1")
    assert code == 2 and out == ""
    assert err.startswith("error: This record was changed by M1 at ") and "reload" in err
    assert query(db_path, "SELECT revoked_by, revoked_from FROM exceptions") == [("M1", "2026-12")]


def test_stale_step_done_through_the_cli_is_refused(db_path, capsys):
    code, out, err = cli(capsys, "step", "add", "--db", db_path, "--as", "SV1", "--specialist", "S1",
                         "--text", "Schedule the home visit", "--due", "2026-11-30")
    assert code == 0, err
    assert cli(capsys, "step", "done", "1", "--db", db_path, "--as", "S1", "--version", "1")[0] == 0
    code, _, err = cli(capsys, "step", "done", "1", "--db", db_path, "--as", "SV1", "--version", "1")
    assert code == 2 and "changed by S1 at" in err


#: Whether another process could have the database at argv[1] to itself: prints "free" or "in use".
SOLE_USE_PROBE = """
import sys
from staffing_tui.store.connection import InUse, sole_use
try:
    with sole_use(sys.argv[1]):
        print("free")
except InUse:
    print("in use")
"""


def sole_use_elsewhere(db_path) -> str:
    probe = start_python("-c", SOLE_USE_PROBE, str(db_path))
    out, err = probe.communicate(timeout=60)
    assert probe.returncode == 0, err
    return out.strip()


def test_a_database_held_open_is_seen_in_use_by_other_processes_even_after_this_one_opens_it_again(db_path):
    """The app keeps its database open (`hold_open`) while workers open and close it beside: POSIX drops
    a process's locks on a file when any descriptor of it closes, so nothing may open it but SQLite."""
    assert sole_use_elsewhere(db_path) == "free"
    held = hold_open(db_path)
    try:
        for readonly in (True, False):
            open_database(db_path, readonly=readonly).close()
            assert sole_use_elsewhere(db_path) == "in use"
    finally:
        held.close()
    assert sole_use_elsewhere(db_path) == "free"
