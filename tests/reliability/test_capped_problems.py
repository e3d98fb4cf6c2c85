"""Issue 14 §8 — problem lists are capped: the first 50 problems, then one line counting the rest.

A header of a million unknown columns is a million problems; the import answers with a
screenful (and in bounded memory and time), exit 2, nothing written. Record validation lists
are capped the same way. `check` is not: its findings are the evidence, every one is listed.
"""

from __future__ import annotations

import sqlite3

import pytest

from staffing_tui.errors import MAX_LISTED_PROBLEMS, ValidationError
from tests.builders import cli, dump
from tests.reliability.datasets import write_csv, write_dataset


def problem_lines(err: str) -> list[str]:
    return err.splitlines()[1:]  # after the "error: N problems in …" line


@pytest.mark.slow
def test_a_header_of_a_million_columns_answers_with_fifty_problems_and_a_count(db_path, tmp_path, capsys):
    source = tmp_path / "csv"
    source.mkdir()
    header = ",".join(f"x{i}" for i in range(1_000_000))
    (source / "units.csv").write_text(f"{header}\nU9,Nine\n", encoding="utf-8")
    before = dump(db_path)
    code, out, err = cli(capsys, "import", source, "--db", db_path)
    assert (code, out) == (2, "")
    # No cell names a column: the line is taken for a data row, so its cells are named by position
    # (never quoted) and no column is reported missing.
    total = 1_000_000
    assert err.splitlines()[0] == f"error: {total} problems in {source}; nothing was imported."
    lines = problem_lines(err)
    assert len(lines) == MAX_LISTED_PROBLEMS + 1 and len(err) < 10_000
    assert lines[0] == ("units.csv:1: column 1: is not a column of units.csv; the first line must be the header: "
                        "unit_id, name, region")
    assert lines[-1] == f"… and {total - MAX_LISTED_PROBLEMS} more problems ({total} in all)"
    assert dump(db_path) == before


def test_the_first_fifty_problems_are_the_first_in_file_order(db_path, tmp_path, capsys):
    """Files in dependency order (units before cases), then line: not the order they were found in."""
    source = write_dataset(tmp_path / "csv", cases=1, notes_per_case=1, prefix="F")
    write_csv(source, "units", [[f"U{i}", "", "R1"] for i in range(10)])  # ten units without a name
    write_csv(source, "cases", [[f"FC{i}", "unknown_type", "S1", "2025-01-01", ""] for i in range(60)])
    code, _, err = cli(capsys, "import", source, "--db", db_path)
    assert code == 2
    lines = problem_lines(err)
    assert lines[:10] == [f"units.csv:{line}: name: is empty; a value is required here" for line in range(2, 12)]
    assert [line.split(":")[:2] for line in lines[10:50]] == [["cases.csv", str(n)] for n in range(2, 42)]
    assert lines[50:] == ["… and 20 more problems (70 in all)"]


def test_an_unreadable_file_replaces_its_problems_by_one_and_the_count_follows(db_path, tmp_path, capsys):
    source = write_dataset(tmp_path / "csv", cases=1, notes_per_case=1, prefix="F")
    write_csv(source, "units", [[f"U{i}", "", "R1"] for i in range(3)])
    rows = "".join(f"FC{i},unknown_type,S1,2025-01-01,\n" for i in range(80))
    (source / "cases.csv").write_bytes(b"case_id,case_type,specialist_id,opened_on,closed_on\n"
                                       + rows.encode() + b"FC99,dependency,S1,2025-01-01,\xff\n")
    code, _, err = cli(capsys, "import", source, "--db", db_path)
    assert code == 2
    lines = problem_lines(err)
    assert err.splitlines()[0].startswith("error: 4 problems in ")
    assert lines[:3] == [f"units.csv:{line}: name: is empty; a value is required here" for line in range(2, 5)]
    assert lines[3].startswith("cases.csv:82: (file): is not UTF-8 (byte 0xFF)") and len(lines) == 4


def test_record_validation_lists_are_capped_too():
    problems = [f"field{i}: is wrong." for i in range(60)]
    error = ValidationError("The step was not saved: 60 problems.", details=problems)
    assert error.details == [*problems[:MAX_LISTED_PROBLEMS], "… and 10 more problems (60 in all)"]
    assert ValidationError("one", details=problems[:3]).details == problems[:3]


def test_check_lists_every_finding_uncapped(db_path, capsys):
    """A note naming 60 people who are not on its case: 60 findings, all listed (they are the evidence)."""
    with sqlite3.connect(db_path) as conn:
        conn.executemany("INSERT INTO people (person_id, first_name, last_name) VALUES (?, 'X', 'Y')",
                         [(f"Q{i}",) for i in range(60)])
        conn.executemany("INSERT INTO note_contacts (note_id, person_id) VALUES ('N1', ?)",
                         [(f"Q{i}",) for i in range(60)])
    conn.close()
    code, out, _ = cli(capsys, "check", "--db", db_path)
    assert code == 3
    findings = [line for line in out.splitlines() if "not_a_member" in line]
    assert len(findings) == 60 and "more problems" not in out
