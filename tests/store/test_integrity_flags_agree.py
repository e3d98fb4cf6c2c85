"""The integrity flags are decided twice, on purpose: per row and month in Python
(`domain.flags`, what the report and the screens show) and over the whole database in SQL
(`store.maintenance`, what `check` finds, fast at statewide scale). This proves the two agree on
generated data: every row flag of every month is a problem `check` finds, and the other way round.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from staffing_tui.cli import main
from staffing_tui.domain.months import Month
from tests.builders import cli

SEED = 20261020

#: What `check` says, by rule: the case, the person(s), and the note or minute that dates it.
_FINDING = {
    "in_person_while_runaway": re.compile(r"^case (?P<case>\S+): note (?P<note>\S+) claims an in-person contact "
                                          r"with child (?P<people>\S+) on (?P<day>\d{4}-\d\d-\d\d),"),
    "in_person_while_whereabouts_unknown": re.compile(r"^case (?P<case>\S+): note (?P<note>\S+) claims an "
                                                      r"in-person contact with (?P<people>\S+), whose whereabouts"),
    "duplicate_note": re.compile(r"^case (?P<case>\S+): notes .* \(author \S+, (?P<day>\d{4}-\d\d-\d\d)T[\d:]+, "
                                 r"with (?P<people>\S+)\) under different note types"),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("flags") / "unit.db"
    assert main(["generate", "--db", str(path), "--scale", "unit", "--seed", str(SEED)]) == 0
    return path


def _note_day(path: Path, note_id: str) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT substr(occurred_at, 1, 10) FROM notes WHERE note_id = ?", [note_id]).fetchone()[0]
    finally:
        conn.close()


def _months(path: Path) -> list[Month]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        first = conn.execute("SELECT min(occurred_at) FROM notes").fetchone()[0]
        as_of = conn.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()[0]
    finally:
        conn.close()
    month, last, months = Month.parse(first[:7]), Month.parse(as_of[:7]), []
    while month <= last:
        months.append(month)
        month = month.next()
    return months


def found_by_check(capsys, path: Path) -> set[tuple[str, str, str, str]]:
    """(flag, case, person, month) of every data-quality problem `check` finds for a flag."""
    code, out, err = cli(capsys, "check", "--db", path, "--format", "json")
    assert code in (0, 3), err
    found = set()
    for problem in json.loads(out)["problems"]:
        pattern = _FINDING.get(problem["rule"])
        if pattern is None:
            continue
        match = pattern.match(problem["message"])
        assert match, problem
        day = match.groupdict().get("day") or _note_day(path, match["note"])
        found |= {(problem["rule"], match["case"], person, day[:7]) for person in match["people"].split(",")}
    return found


def flagged_rows(capsys, path: Path) -> set[tuple[str, str, str, str]]:
    """(flag, case, person, month) of every integrity flag on a row of a monthly report."""
    flagged = set()
    for month in _months(path):
        code, out, err = cli(capsys, "report", "--db", path, "--month", month, "--format", "json")
        assert code == 0, err
        flagged |= {(flag, row["case_id"], row["person_id"], str(month))
                    for row in json.loads(out)["rows"] for flag in row["flags"] if flag != "recorded_after_month"}
    return flagged


def test_every_row_flag_of_every_month_is_what_check_finds_in_sql(generated, capsys):
    rows = flagged_rows(capsys, generated)
    found = found_by_check(capsys, generated)
    assert {flag for flag, *_ in rows} == set(_FINDING)  # the data has each kind, so the test proves something
    assert rows == found
