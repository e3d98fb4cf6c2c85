"""Issue 14 §5 — a write that committed but could not print its answer says so and exits 74.

Standard output is `/dev/full` or a pipe nobody reads: the record is saved (once — nothing is
retried), stderr says "saved as step 12; could not write the id: …" (what was saved, and why the
answer was lost) and the exit status is 74 (EX_IOERR), never 1 "unexpected" nor 0. A read-only
command whose reader went away (`report | head`) stays quiet with status 0, as SIGPIPE would.
Real processes: the interpreter's own flush at exit is part of what is proved.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import cli
from tests.conftest import REPO, query
from tests.reliability.datasets import write_dataset

EX_IOERR = 74
NO_SPACE = "No space left on device"
REASON = "Hospital stay limits visits this month."


def run_with_stdout(stdout, *argv: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "staffing_tui", *map(str, argv)], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120, cwd=REPO, check=False)


def run_into_dev_full(*argv: object) -> subprocess.CompletedProcess:
    with open("/dev/full", "w") as full:
        return run_with_stdout(full, *argv)


def run_into_a_closed_pipe(*argv: object) -> subprocess.CompletedProcess:
    """Standard output is a pipe whose reading end is already closed: every write fails (EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return run_with_stdout(write_end, *argv)
    finally:
        os.close(write_end)


def step_add(db: Path) -> list:
    return ["step", "add", "--db", db, "--as", "SV1", "--specialist", "S1", "--text", "Call", "--due", "2026-11-30"]


def assert_saved_not_printed(done: subprocess.CompletedProcess, said: str, reason: str = NO_SPACE) -> None:
    assert done.returncode == EX_IOERR, done.stderr
    assert done.stderr == f"error: {said}: {reason}.\n"


# --- record writers: the id, or the record as JSON --------------------------------------------------


def test_step_add_to_dev_full_is_saved_once_and_exits_74(db_path):
    done = run_into_dev_full(*step_add(db_path))
    assert_saved_not_printed(done, "saved as step 1; could not write the id")
    assert query(db_path, "SELECT next_step_id, text FROM next_steps") == [(1, "Call")]
    assert query(db_path, "SELECT count(*) FROM audit_log WHERE table_name = 'next_steps'") == [(1,)]


def test_step_add_as_json_to_dev_full_says_the_record_was_saved(db_path):
    done = run_into_dev_full(*step_add(db_path), "--format", "json")
    assert_saved_not_printed(done, "saved as step 1; could not write the record")
    assert query(db_path, "SELECT count(*) FROM next_steps") == [(1,)]


def test_step_add_to_a_closed_pipe_is_saved_once_and_exits_74(db_path):
    done = run_into_a_closed_pipe(*step_add(db_path))
    assert_saved_not_printed(done, "saved as step 1; could not write the id", "Broken pipe")
    assert query(db_path, "SELECT count(*) FROM next_steps") == [(1,)]


WRITERS = {
    "exception add": (["exception", "add", "--as", "SV1", "--case", "C2", "--person", "K2", "--category", "other",
                       "--reason", REASON, "--from", "2026-10", "--to", "2026-10", "--review-on", "2026-11-20"],
                      "saved as exception 1", "SELECT count(*) FROM exceptions"),
    "plan generate": (["plan", "generate", "--as", "SV1", "--case", "C1", "--parent", "A1", "--frequency", "1",
                       "--methods", "phone", "--arrangements", "Calls on Fridays.", "--from", "2026-10",
                       "--review-on", "2027-01-15"],
                      "saved as contact plan 1", "SELECT count(*) FROM contact_plans"),
    "note add": (["note", "add", "--as", "SV1", "--case", "C2", "--person", "K2", "--month", "2026-10",
                  "--reason-code", "hospitalized", "--text", "In hospital."],
                 "saved as staffing note 1", "SELECT count(*) FROM staffing_notes"),
}


@pytest.fixture
def records_db(db_path) -> Path:
    """The small database, where K1's goal is adoption from August (so A1 may have a contact plan)."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO permanency_goals VALUES ('C1', 'K1', 'adoption', '2026-08-01')")
    conn.close()
    return db_path


@pytest.mark.parametrize("name", WRITERS)
def test_every_record_writer_says_what_it_saved_when_the_id_cannot_be_written(records_db, name):
    argv, said, count = WRITERS[name]
    done = run_into_dev_full(*argv, "--db", records_db)
    assert_saved_not_printed(done, f"{said}; could not write the id")
    assert query(records_db, count) == [(1,)]


CHANGES = {  # a record made first (in-process), then changed with standard output full
    "exception revoke": ("exception add", ["exception", "revoke", "1", "--as", "SV1", "--from", "2026-10"],
                         "saved as exception 1", "SELECT count(*) FROM exceptions WHERE revoked_from IS NOT NULL"),
    "note withdraw": ("note add", ["note", "withdraw", "1", "--as", "SV1", "--reason", "Recorded in error."],
                      "saved as staffing note 1", "SELECT count(*) FROM staffing_notes WHERE withdrawn_at IS NOT NULL"),
}


@pytest.mark.parametrize("name", CHANGES)
def test_a_change_to_a_record_says_it_was_saved_when_the_id_cannot_be_written(db_path, capsys, name):
    first, argv, said, changed = CHANGES[name]
    assert cli(capsys, *WRITERS[first][0], "--db", db_path)[0] == 0
    done = run_into_dev_full(*argv, "--db", db_path)
    assert_saved_not_printed(done, f"{said}; could not write the id")
    assert query(db_path, changed) == [(1,)]


def test_step_done_to_dev_full_says_it_was_saved(db_path, capsys):
    assert cli(capsys, *step_add(db_path))[0] == 0
    done = run_into_dev_full("step", "done", "1", "--db", db_path, "--as", "SV1")
    assert_saved_not_printed(done, "saved as step 1; could not write the id")
    assert query(db_path, "SELECT done_at IS NOT NULL FROM next_steps") == [(1,)]


# --- import, init, exports ---------------------------------------------------------------------------


def test_import_to_dev_full_says_which_import_was_recorded(tmp_path):
    db = tmp_path / "agency.db"
    done = run_into_dev_full("import", write_dataset(tmp_path / "csv", cases=2, notes_per_case=2), "--db", db)
    assert_saved_not_printed(done, "imported (import 1); could not write the summary")
    assert query(db, "SELECT import_id FROM imports") == [(1,)]
    assert query(db, "SELECT count(*) FROM cases") == [(2,)]


def test_init_to_dev_full_says_the_database_was_created(tmp_path):
    db = tmp_path / "new.db"
    done = run_into_dev_full("init", "--db", db)
    assert_saved_not_printed(done, f"created {db}; could not write the confirmation")
    assert query(db, "SELECT count(*) FROM units") == [(0,)]


def test_an_export_written_with_out_says_so_when_its_name_cannot_be_printed(db_path, tmp_path):
    out = tmp_path / "report.md"
    done = run_into_dev_full("report", "--db", db_path, "--month", "2026-10", "--out", out)
    assert_saved_not_printed(done, f"exported to {out}; could not write the file name")
    assert out.read_text().startswith("#")


# --- read-only commands: a closed pipe is not an error ------------------------------------------------


READ_ONLY = [
    ["report", "--month", "2026-10", "--format", "json"],
    ["step", "list", "--specialist", "S1"],
    ["check"],
]


@pytest.mark.parametrize("argv", READ_ONLY)
def test_a_read_only_command_that_cannot_write_its_answer_says_so_and_exits_74(db_path, argv):
    """/dev/full: the answer is lost, so the caller must know (one sentence, EX_IOERR); nothing changed."""
    done = run_into_dev_full(*argv, "--db", db_path)
    assert done.returncode == 74, done.stderr
    assert done.stderr == f"error: could not write the output: {NO_SPACE}.\n"


@pytest.mark.parametrize("argv", READ_ONLY)
def test_a_read_only_command_to_a_closed_pipe_exits_quietly(db_path, argv):
    """Like `report | head`: the reader chose to stop, nothing was changed — no message, status 0."""
    done = run_into_a_closed_pipe(*argv, "--db", db_path)
    assert (done.returncode, done.stderr) == (0, "")
