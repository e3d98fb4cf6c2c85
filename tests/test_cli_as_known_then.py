"""docs/policy.md "As known then" through real processes: `python -m staffing_tui report` and the record commands.

"Re-running October as of 10 November gives the same rows on any later day": the
report of October as of 2026-11-10 is byte-identical before and after records
covering October are created, revoked, withdrawn or superseded today (each by the
command line, in its own process), while the report as of today changes and
marks what came after October ended with `recorded_after_month`.

The small database of tests/builders.py without an anchor day (so "today" is the
real day), plus K1's goal adoption from September (A1 needs a contact plan).
October 2026 as of 2026-11-10: K1 unmet (runaway, no locate efforts), K2 unmet
(seen at the office), A1 unmet (no contact plan).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

from staffing_tui.domain.months import Month
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.records import (
    ExceptionRequest,
    PlanRequest,
    StaffingNoteRequest,
    add_staffing_note,
    create_contact_plan,
    create_exception,
)
from tests.builders import small_database

#: Slow: each test runs the command line several times, each a fresh process.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
THEN = "2026-11-10"
OCTOBER = Month(2026, 10)
LATE = "recorded_after_month"


def staffing_tui(*argv) -> subprocess.CompletedProcess:
    """`python -m staffing_tui …` in a fresh process; a refusal fails the test with its message."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "staffing_tui", *map(str, argv)], cwd=REPO, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done


def today() -> str:
    return pendulum.today("America/Phoenix").date().isoformat()


@pytest.fixture
def db_path(tmp_path) -> Path:
    path = tmp_path / "asof.db"
    db = small_database(path, as_of=None)
    db["permanency_goals"].insert({"case_id": "C1", "child_id": "K1", "goal": "adoption", "effective_on": "2026-09-01"})
    db.close()
    return path


def report(db_path: Path, as_of: str) -> bytes:
    return staffing_tui("report", "--db", db_path, "--month", "2026-10", "--as-of", as_of, "--format", "json").stdout


def rows(output: bytes) -> dict[str, tuple]:
    return {r["person_id"]: (r["status"], r["reason"], r["flags"]) for r in json.loads(output)["rows"]}


def write_then(db_path: Path, write) -> int:
    """A record written before THEN, through the record services at a fixed time (as it was)."""
    from staffing_tui.store.connection import open_database

    db = open_database(db_path)
    try:
        return write(db, resolve_actor(db, "SV1"))
    finally:
        db.close()


def test_october_as_of_10_november_is_unchanged_by_records_created_today(db_path):
    before = report(db_path, THEN)
    staffing_tui("exception", "add", "--db", db_path, "--as", "SV1", "--case", "C1", "--person", "K1",
                 "--category", "child_in_treatment", "--reason", "Treatment program restricts visitors in October.",
                 "--from", "2026-10", "--to", "2026-10", "--review-on", "2026-12-01")
    staffing_tui("note", "add", "--db", db_path, "--as", "SV1", "--case", "C2", "--person", "K2",
                 "--month", "2026-10", "--reason-code", "scheduling", "--text", "Family away; visit set for November.")
    staffing_tui("plan", "generate", "--db", db_path, "--as", "SV1", "--case", "C1", "--parent", "A1",
                 "--frequency", "1", "--methods", "in_person,phone", "--arrangements", "A monthly visit or call.",
                 "--from", "2026-10", "--review-on", "2027-01-15")

    assert report(db_path, THEN) == before
    assert rows(before) == {
        "A1": ("unmet", "no_contact_plan", []),
        "K1": ("unmet", "runaway_no_locate_efforts", []),
        "K2": ("unmet", "seen_not_in_home", []),
        "K3": ("met", "seen_in_person", []),
    }
    assert rows(report(db_path, today())) == {
        "A1": ("met", "contact_plan_followed", [LATE]),
        "K1": ("excused", "exception_approved", [LATE]),
        "K2": ("explained", "staffing_reason", [LATE]),
        "K3": ("met", "seen_in_person", []),
    }


def test_a_revocation_made_today_does_not_change_october_as_of_10_november(db_path):
    exception_id = write_then(db_path, lambda db, sv1: create_exception(db, sv1, ExceptionRequest(
        "C1", "K1", "child_in_treatment", "Treatment program restricts visitors this autumn.", OCTOBER,
        Month(2026, 12)), at="2026-10-02T16:00:00Z"))
    before = report(db_path, THEN)

    staffing_tui("exception", "revoke", exception_id, "--db", db_path, "--as", "SV1", "--from", "2026-10",
                 "--reason", "Approved for the wrong child.")

    assert report(db_path, THEN) == before
    assert rows(before)["K1"] == ("excused", "exception_approved", [])
    assert rows(report(db_path, today()))["K1"] == ("unmet", "runaway_no_locate_efforts", [])


def test_a_staffing_note_withdrawn_today_still_explains_as_of_10_november_but_not_after(db_path):
    note_id = write_then(db_path, lambda db, sv1: add_staffing_note(db, sv1, StaffingNoteRequest(
        "C2", OCTOBER, "scheduling", "Family away; visit set for November.", "K2"), at="2026-11-03T17:00:00Z"))
    before = report(db_path, THEN)

    staffing_tui("note", "withdraw", note_id, "--db", db_path, "--as", "SV1", "--reason", "Recorded for the wrong child.")

    assert report(db_path, THEN) == before
    assert rows(before)["K2"] == ("explained", "staffing_reason", [LATE])  # recorded after October ended
    assert rows(report(db_path, today()))["K2"] == ("unmet", "seen_not_in_home", [])


def test_a_plan_superseded_today_still_governs_october_as_of_10_november(db_path):
    first = write_then(db_path, lambda db, sv1: create_contact_plan(db, sv1, PlanRequest(
        "C1", "A1", 1, ("in_person",), "A monthly visit at the office.", Month(2026, 9)), at="2026-09-04T16:00:00Z"))
    before = report(db_path, THEN)

    staffing_tui("plan", "generate", "--db", db_path, "--as", "SV1", "--case", "C1", "--parent", "A1",
                 "--frequency", "1", "--methods", "phone", "--arrangements", "A monthly call instead.",
                 "--from", "2026-10", "--review-on", "2027-01-15", "--replaces", str(first))

    assert report(db_path, THEN) == before
    a1 = next(r for r in json.loads(before)["rows"] if r["person_id"] == "A1")
    assert (a1["status"], a1["reason"], a1["contact_plan_id"], a1["flags"]) == ("met", "contact_plan_followed", first, [])
    assert rows(report(db_path, today()))["A1"] == ("unmet", "contact_plan_not_followed", [])
