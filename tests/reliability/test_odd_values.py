"""Issue 14 §4 — odd values are refused at the edge, never crash.

Every date, month and year a user types is within 1900-01-01 … 2200-12-31 (the window the
import has for dates, docs/data.md "Date window": `domain.limits`), every record id and version within SQLite's
positive 64-bit range. Anything else: exit 2, one sentence saying what and where, nothing
written. The import refuses a date outside the window in every DATE and DATETIME column with
its usual `file:line: column:` message, never quoting a birth date.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from staffing_tui.domain.limits import FIRST_DAY, LARGEST_ID, LAST_DAY
from staffing_tui.store.importer import COLUMNS, DATE, DATETIME
from staffing_tui.store.schema import OPTIONAL_COLUMNS
from tests.builders import cli, dump
from tests.reliability.datasets import write_dataset

HUGE = "99999999999999999999999"
REASON = "Hospital stay limits visits this month."


def exception_add(**changed: str) -> list[str]:
    options = {"--from": "2026-10", "--to": "2026-10", "--review-on": "2026-11-20", **changed}
    return ["exception", "add", "--as", "SV1", "--case", "C2", "--person", "K2", "--category", "other",
            "--reason", REASON, *(part for pair in options.items() for part in pair)]


def plan_generate(**changed: str) -> list[str]:
    options = {"--from": "2026-10", "--to": "2026-12", "--review-on": "2027-01-15", **changed}
    return ["plan", "generate", "--as", "SV1", "--case", "C1", "--parent", "A1", "--frequency", "1",
            "--methods", "phone", "--arrangements", "Calls on Fridays.",
            *(part for pair in options.items() for part in pair)]


ODD_VALUES = {
    "report month 0001-01": (["report", "--month", "0001-01"], "0001-01 is outside the months 1900-01 to 2200-12"),
    "report month 9999-12": (["report", "--month", "9999-12"], "9999-12 is outside the months"),
    "report month 1899-12": (["report", "--month", "1899-12"], "1899-12 is outside the months"),
    "report as-of 9999-12-31": (["report", "--month", "2026-10", "--as-of", "9999-12-31"],
                                "9999-12-31 is after 2200-12-31; dates from 1900-01-01 to 2200-12-31 are accepted"),
    "report as-of 0001-01-01": (["report", "--month", "2026-10", "--as-of", "0001-01-01"],
                                "0001-01-01 is before 1900-01-01"),
    "agenda month 0001-01": (["agenda", "--specialist", "S1", "--month", "0001-01"], "is outside the months"),
    "agenda as-of 9999-12-31": (["agenda", "--specialist", "S1", "--month", "2026-10", "--as-of", "9999-12-31"],
                                "is after 2200-12-31"),
    "federal ffy 0": (["federal", "--ffy", "0"], "0 is outside the years 1900 to 2200"),
    "federal ffy -1": (["federal", "--ffy", "-1"], "-1 is outside the years 1900 to 2200"),
    "federal ffy 99999": (["federal", "--ffy", "99999"], "99999 is outside the years 1900 to 2200"),
    "federal ffy huge": (["federal", "--ffy", HUGE], "is outside the years 1900 to 2200"),
    "federal ffy text": (["federal", "--ffy", "next"], "'next' is not a year"),
    "federal as-of 9999-12-31": (["federal", "--ffy", "2027", "--as-of", "9999-12-31"], "is after 2200-12-31"),
    "exception add from 0001-01": (exception_add(**{"--from": "0001-01"}), "--from: 0001-01 is outside the months"),
    "exception add to 9999-12": (exception_add(**{"--to": "9999-12"}), "--to: 9999-12 is outside the months"),
    "exception add review-on 9999-12-31": (exception_add(**{"--review-on": "9999-12-31"}),
                                           "--review-on: 9999-12-31 is after 2200-12-31"),
    "exception add review-on 0001-01-01": (exception_add(**{"--review-on": "0001-01-01"}),
                                           "--review-on: 0001-01-01 is before 1900-01-01"),
    "exception revoke huge id": (["exception", "revoke", HUGE, "--as", "SV1"], "is not a record number"),
    "exception revoke from 0001-01": (["exception", "revoke", "1", "--as", "SV1", "--from", "0001-01"],
                                      "is outside the months"),
    "plan generate from 0001-01": (plan_generate(**{"--from": "0001-01"}), "is outside the months"),
    "plan generate to 9999-12": (plan_generate(**{"--to": "9999-12"}), "is outside the months"),
    "plan generate review-on 9999-12-31": (plan_generate(**{"--review-on": "9999-12-31"}), "is after 2200-12-31"),
    "plan export huge id": (["plan", "export", HUGE, "--format", "md", "--out", "{tmp}/plan.md"],
                            "is not a record number"),
    "note add month 0001-01": (["note", "add", "--as", "SV1", "--case", "C2", "--person", "K2", "--month", "0001-01",
                                "--reason-code", "hospitalized", "--text", "In hospital."], "is outside the months"),
    "note withdraw huge id": (["note", "withdraw", HUGE, "--as", "SV1", "--reason", "Recorded in error."],
                              "is not a record number"),
    "step add due 9999-12-31": (["step", "add", "--as", "SV1", "--specialist", "S1", "--text", "Call",
                                 "--due", "9999-12-31"], "--due: 9999-12-31 is after 2200-12-31"),
    "step add due 0001-01-01": (["step", "add", "--as", "SV1", "--specialist", "S1", "--text", "Call",
                                 "--due", "0001-01-01"], "--due: 0001-01-01 is before 1900-01-01"),
    "step done huge id": (["step", "done", HUGE, "--as", "SV1"],
                          f"'{HUGE}' is not a record number; write a whole number from 1 to {LARGEST_ID}"),
    "step done id 0": (["step", "done", "0", "--as", "SV1"], "'0' is not a record number"),
    "step done id -1": (["step", "done", "-1", "--as", "SV1"], "'-1' is not a record number"),
    "step done id 2**63": (["step", "done", str(LARGEST_ID + 1), "--as", "SV1"], "is not a record number"),
    "step done huge version": (["step", "done", "1", "--as", "SV1", "--version", HUGE], "is not a version number"),
    "history import huge id": (["history", "--import", HUGE], "is not a record number"),
    "history record huge id": (["history", "--record", f"exceptions:{HUGE}"], "is not a record number"),
}


@pytest.mark.parametrize("name", ODD_VALUES)
def test_odd_dates_months_years_and_ids_are_refused_with_one_sentence(db_path, tmp_path, capsys, name):
    argv, message = ODD_VALUES[name]
    argv = [part.replace("{tmp}", str(tmp_path)) for part in argv]
    before = dump(db_path)
    code, out, err = cli(capsys, *argv, "--db", db_path)
    assert (code, out) == (2, ""), err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert message in err, err
    assert dump(db_path) == before
    assert not (tmp_path / "plan.md").exists()


def test_the_app_refuses_a_month_outside_the_window_before_it_starts(capsys):
    code, out, err = cli(capsys, "--month", "0001-01")
    assert (code, out) == (2, "") and "0001-01 is outside the months 1900-01 to 2200-12" in err


@pytest.mark.parametrize("argv", [
    ["report", "--month", "1900-01", "--format", "json"],
    ["report", "--month", "2026-10", "--as-of", "2200-12-31", "--format", "json"],
    ["agenda", "--specialist", "S1", "--month", "2026-10", "--as-of", "2200-12-31"],
    ["federal", "--ffy", "1900", "--format", "json"],
    ["federal", "--ffy", "2200", "--as-of", "2200-12-31", "--format", "json"],
    ["step", "add", "--as", "SV1", "--specialist", "S1", "--text", "Call", "--due", "2200-12-31"],
    ["step", "add", "--as", "SV1", "--specialist", "S1", "--text", "Call", "--due", "1900-01-01"],
])
def test_the_edges_of_the_window_are_accepted(db_path, capsys, argv):
    code, out, err = cli(capsys, *argv, "--db", db_path)
    assert code == 0 and out, err


# --- the import: every date column ------------------------------------------------------------------

#: The date columns of the files `write_dataset` writes (the optional columns it leaves out, as an
#: older export does, have tests of their own in tests/store/test_import.py).
DATE_COLUMNS = [(table, name) for table, columns in COLUMNS.items() for name, spec in columns.items()
                if spec.kind in (DATE, DATETIME) and name not in OPTIONAL_COLUMNS.get(table, ())]


def _with_cell(directory: Path, table: str, column: str, value: str) -> None:
    """Put `value` in `column` of the first data row of `table`.csv (line 2)."""
    path = directory / f"{table}.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_every_date_column_of_the_import_contract_is_covered():
    assert {("cases", "opened_on"), ("people", "birth_date"), ("placements", "end_on"),
            ("notes", "occurred_at")} <= set(DATE_COLUMNS) and len(DATE_COLUMNS) == 15


@pytest.mark.parametrize("value, why", [
    ("0001-01-01", "is before 1900-01-01; dates from 1900-01-01 to 2200-12-31 are accepted"),
    ("1899-12-31", "is before 1900-01-01"),
    ("9999-12-31", "is after 2200-12-31; dates from 1900-01-01 to 2200-12-31 are accepted"),
])
@pytest.mark.parametrize("table, column", DATE_COLUMNS)
def test_import_refuses_dates_outside_the_window_in_every_date_column(db_path, tmp_path, capsys, table, column,
                                                                      value, why):
    source = write_dataset(tmp_path / "csv", cases=1, notes_per_case=1, prefix="F")
    private = COLUMNS[table][column].private
    written = f"{value}T10:00" if COLUMNS[table][column].kind == DATETIME else value
    _with_cell(source, table, column, written)
    before = dump(db_path)
    code, out, err = cli(capsys, "import", source, "--db", db_path)
    assert (code, out) == (2, ""), err
    shown = "" if private else f'"{written}" '
    problem = f"{table}.csv:2: {column}: {shown}{why}"
    assert [line for line in err.splitlines() if line.startswith(problem)], err
    if private:
        assert value not in err  # a birth date is never quoted
    assert dump(db_path) == before


def test_import_accepts_the_first_and_last_day_of_the_window(tmp_path, capsys):
    source = write_dataset(tmp_path / "csv", cases=1, notes_per_case=1)
    _with_cell(source, "people", "birth_date", str(FIRST_DAY))  # the child, born 1900-01-01
    _with_cell(source, "cases", "closed_on", str(LAST_DAY))
    code, _, err = cli(capsys, "import", source, "--db", tmp_path / "agency.db")
    assert code == 0, err
