"""Issue 7 §2 — a process killed (SIGKILL) half-way leaves a sound database:
an import is all or nothing, and every acknowledged record write is there."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from staffing_tui.cli import main
from tests.conftest import acknowledged, query, start_note_writer, start_python
from tests.reliability.datasets import write_dataset

#: Slow: each test runs a real process and a 60,000-note import or a stream of writes until it is killed.
pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"), pytest.mark.slow]

TABLES = ("units", "staff", "cases", "people", "case_members", "parent_child", "permanency_goals",
          "placements", "notes", "note_contacts")
#: Large enough that loading takes about a second and committing writes ~15 MB of WAL.
BIG_CASES, BIG_NOTES_PER_CASE = 600, 100


@pytest.fixture(scope="module")
def big_import(tmp_path_factory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("big") / "csv", cases=BIG_CASES, notes_per_case=BIG_NOTES_PER_CASE,
                         prefix="NEW")


@pytest.fixture
def loaded_db(tmp_path, capsys) -> Path:
    """A database that already holds an earlier, small import."""
    path = tmp_path / "agency.db"
    assert main(["import", str(write_dataset(tmp_path / "old", cases=5, notes_per_case=3, prefix="OLD")),
                 "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def counts(path: Path) -> dict[str, int]:
    return {table: query(path, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def added_by_big_import(before: dict[str, int]) -> dict[str, int]:
    new = {"units": 0, "staff": 0, "cases": BIG_CASES, "people": 2 * BIG_CASES, "case_members": 2 * BIG_CASES,
           "parent_child": BIG_CASES, "permanency_goals": BIG_CASES, "placements": BIG_CASES,
           "notes": BIG_CASES * BIG_NOTES_PER_CASE, "note_contacts": BIG_CASES * BIG_NOTES_PER_CASE}
    return {table: before[table] + new[table] for table in TABLES}  # units and staff are re-imported (same keys)


def holds_write_lock(path: Path) -> bool:
    """Whether another process holds the write lock (our imports take it at BEGIN IMMEDIATE)."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def start_import(directory: Path, db: Path):
    return start_python("-m", "staffing_tui", "import", str(directory), "--db", str(db))


def kill(process) -> str:
    """SIGKILL the process; return what it had printed and not yet been read."""
    assert process.poll() is None, f"the process ended before it could be killed: {process.communicate()}"
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL
    return out


def assert_sound(path: Path) -> None:
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    assert query(path, "PRAGMA foreign_key_check") == []


def test_import_killed_while_loading_rows_leaves_the_database_as_it_was(loaded_db, big_import, capsys):
    before = counts(loaded_db)
    process = start_import(big_import, loaded_db)
    deadline = time.monotonic() + 30
    while not holds_write_lock(loaded_db):  # the import's transaction has begun
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.005)
    time.sleep(0.3)  # well into the rows, long before the commit
    kill(process)

    assert_sound(loaded_db)
    assert counts(loaded_db) == before
    # The file is fully usable afterwards: the same import now completes.
    assert main(["import", str(big_import), "--db", str(loaded_db)]) == 0
    capsys.readouterr()
    assert counts(loaded_db) == added_by_big_import(before)


def test_import_killed_while_committing_is_all_or_nothing(loaded_db, big_import):
    before = counts(loaded_db)
    after = added_by_big_import(before)
    wal = loaded_db.with_name(loaded_db.name + "-wal")
    process = start_import(big_import, loaded_db)
    deadline = time.monotonic() + 60
    # The import's pages stay in its cache until COMMIT writes them to the WAL:
    # kill as soon as that file starts to grow, i.e. while the commit is being written.
    while not (wal.exists() and wal.stat().st_size > 0):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.0005)
    if process.poll() is None:
        kill(process)
    else:  # a very fast machine committed and checkpointed within the poll interval
        assert process.communicate()[1] == "" and process.returncode == 0

    assert_sound(loaded_db)
    assert counts(loaded_db) in (before, after)  # never anything in between


def test_every_acknowledged_record_write_survives_a_kill(db_path):
    writer = start_note_writer(db_path)
    acked = acknowledged(writer, 25)
    rest = kill(writer)
    acked += [int(line.split()[2]) for line in rest.splitlines() if line.startswith("ack ")]

    assert_sound(db_path)
    stored = {i for (i,) in query(db_path, "SELECT staffing_note_id FROM staffing_notes")}
    assert set(acked) <= stored
    assert len(stored - set(acked)) <= 1  # at most the write that was committed as the kill came
    audited = {int(i) for (i,) in query(db_path, "SELECT record_id FROM audit_log WHERE table_name = 'staffing_notes'")}
    assert audited == stored  # each record and its audit row were one transaction
