"""Synthetic CSV sets for the reliability tests (valid by construction, docs/data.md)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from staffing_tui.store.schema import IMPORT_TABLES, OPTIONAL_COLUMNS

#: An "import's now" every generated note is before (the importer refuses future notes).
FIRST_NOTE_DAY = date(2025, 1, 2)


def write_csv(directory: Path, table: str, rows, *, optional: bool = False) -> None:
    """`table`.csv with `rows`; an older export's columns (the optional ones left out, docs/data.md "General rules")
    unless `optional` asks for every column."""
    with (directory / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c for c in IMPORT_TABLES[table] if optional or c not in OPTIONAL_COLUMNS.get(table, ())])
        writer.writerows(rows)


def write_staff_with_logins(directory: Path, rows) -> None:
    """Replace staff.csv with `rows` (staff_id, name, role, unit_id, login): a database with
    logins runs with verified identity (docs/evidence.md "Who acted")."""
    write_csv(directory, "staff", rows, optional=True)


def write_dataset(directory: Path, *, cases: int = 20, notes_per_case: int = 10, prefix: str = "") -> Path:
    """A unit, a specialist and a supervisor; per case one child and one parent,
    a foster placement and `notes_per_case` in-person notes with contacts.

    `prefix` keeps the ids of two sets apart (an incremental second import)."""
    directory.mkdir(parents=True, exist_ok=True)
    p = prefix
    write_csv(directory, "units", [["U1", "North Unit", "R1"]])
    write_csv(directory, "staff", [["S1", "Sam Specialist", "specialist", "U1"],
                                   ["SV1", "Val Supervisor", "supervisor", "U1"]])
    write_csv(directory, "cases", ([f"{p}C{i}", "dependency", "S1", "2025-01-01", ""] for i in range(cases)))
    write_csv(directory, "people", (
        row for i in range(cases) for row in (
            [f"{p}K{i}", f"Kid{i}", f"Family{i}", "2015-03-04", ""],
            [f"{p}A{i}", f"Adult{i}", f"Family{i}", "1985-06-07", ""],
        )))
    write_csv(directory, "case_members", (
        row for i in range(cases) for row in (
            [f"{p}C{i}", f"{p}K{i}", "child", "1", "0", "0", "", "0", "0", "", ""],
            [f"{p}C{i}", f"{p}A{i}", "parent", "0", "1", "0", "", "0", "0", "", ""],
        )))
    write_csv(directory, "parent_child", ([f"{p}C{i}", f"{p}A{i}", f"{p}K{i}"] for i in range(cases)))
    write_csv(directory, "permanency_goals", ([f"{p}C{i}", f"{p}K{i}", "reunification", "2025-01-01"]
                                              for i in range(cases)))
    write_csv(directory, "placements", ([f"{p}PL{i}", f"{p}C{i}", f"{p}K{i}", "foster_home", f"Home {i}",
                                         "2025-01-01", ""] for i in range(cases)))

    def note_rows():
        for i in range(cases):
            for n in range(notes_per_case):
                day = FIRST_NOTE_DAY + timedelta(days=n % 300)
                yield [f"{p}N{i}-{n}", f"{p}C{i}", "S1", f"{day.isoformat()}T{9 + n % 8:02d}:{n % 60:02d}",
                       "monthly_visit", "in_person", "placement", "", f"Visit {n} went well."]

    write_csv(directory, "notes", note_rows())
    write_csv(directory, "note_contacts", ([f"{p}N{i}-{n}", f"{p}K{i}"]
                                           for i in range(cases) for n in range(notes_per_case)))
    # Schema 9's dated facts: who had the case since it opened, and the parent living in the home
    # (which changes no requirement: the child is in foster care every day).
    write_csv(directory, "case_assignments", ([f"{p}C{i}", "S1", "2025-01-01", ""] for i in range(cases)))
    write_csv(directory, "member_periods", ([f"{p}C{i}", f"{p}A{i}", "resides_in_home", "2025-01-01", ""]
                                            for i in range(cases)))
    return directory
