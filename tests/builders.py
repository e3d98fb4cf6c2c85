"""A tiny database written straight into the schema (no importer), for store/CLI tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from staffing_tui.cli import main
from staffing_tui.store.connection import open_database, set_meta


def dump(path: Path) -> list[str]:
    """Every statement that would rebuild the database at `path`: two equal dumps, two equal databases
    (but for `generation.token`, random by design, see schema m006: the generation number stands)."""
    conn = sqlite3.connect(path)
    try:
        statements = [line for line in conn.iterdump() if not line.startswith('INSERT INTO "generation"')]
        return statements + [repr(row) for row in conn.execute("SELECT id, n FROM generation")]
    finally:
        conn.close()


def member(case_id: str, person_id: str, role: str, **flags) -> dict:
    row = {"case_id": case_id, "person_id": person_id, "role": role, "alleged_victim": 0,
           "alleged_perpetrator": 0, "resides_in_home": 0, "whereabouts_unknown": 0, "incarcerated": 0}
    row.update(flags)
    return row


def small_database(path: Path, *, as_of: str | None = "2026-11-10") -> Database:
    """Unit U1 (specialist S1, supervisor SV1) and unit U2 (specialist S2, supervisor SV2), manager M1.

    October 2026, as of 2026-11-10:
    * C1 dependency (S1): child K1 on runaway since 2026-09-20, no locate effort → unmet runaway_no_locate_efforts;
      parent A1 resides elsewhere, seen in person 2026-10-12 → met seen_in_person.
    * C2 dependency (S1): child K2 in home, seen at the office → unmet seen_not_in_home.
    * C3 voluntary (S2): child K3 resides, seen at home → met.
    """
    db = open_database(path, create=True)
    with db.atomic():
        db["units"].insert_all([
            {"unit_id": "U1", "name": "North Unit", "region": "R1"},
            {"unit_id": "U2", "name": "South Unit", "region": "R2"},
        ])
        db["staff"].insert_all([
            {"staff_id": "S1", "name": "Sam Specialist", "role": "specialist", "unit_id": "U1"},
            {"staff_id": "S2", "name": "Sue Specialist", "role": "specialist", "unit_id": "U2"},
            {"staff_id": "SV1", "name": "Val Supervisor", "role": "supervisor", "unit_id": "U1"},
            {"staff_id": "SV2", "name": "Vic Supervisor", "role": "supervisor", "unit_id": "U2"},
            {"staff_id": "M1", "name": "Max Manager", "role": "manager", "unit_id": None},
        ])
        db["cases"].insert_all([
            {"case_id": "C1", "case_type": "dependency", "specialist_id": "S1", "opened_on": "2026-01-05"},
            {"case_id": "C2", "case_type": "dependency", "specialist_id": "S1", "opened_on": "2026-02-01"},
            {"case_id": "C3", "case_type": "voluntary", "specialist_id": "S2", "opened_on": "2026-03-01"},
        ])
        db["people"].insert_all([
            {"person_id": pid, "first_name": first, "last_name": "Testperson", "birth_date": born}
            for pid, first, born in [
                ("K1", "Kit", "2012-04-01"), ("A1", "Ann", "1985-01-01"),
                ("K2", "Kay", "2015-06-01"), ("K3", "Kim", "2016-07-01"),
            ]
        ])
        db["case_members"].insert_all([
            member("C1", "K1", "child"),
            member("C1", "A1", "parent"),
            member("C2", "K2", "child", resides_in_home=1),
            member("C3", "K3", "child", resides_in_home=1),
        ])
        db["parent_child"].insert({"case_id": "C1", "parent_id": "A1", "child_id": "K1"})
        db["placements"].insert_all([
            {"placement_id": "PL1", "case_id": "C1", "child_id": "K1", "location_type": "foster_home",
             "location_name": "Oak Foster Home", "start_on": "2026-01-05", "end_on": "2026-09-19"},
            {"placement_id": "PL2", "case_id": "C1", "child_id": "K1", "location_type": "runaway",
             "location_name": None, "start_on": "2026-09-20"},
        ])
        db["notes"].insert_all([
            {"note_id": "N1", "case_id": "C1", "author_id": "S1", "occurred_at": "2026-10-12T10:00:00-07:00",
             "note_type": "parent_visit", "method": "in_person", "location": "community"},
            {"note_id": "N2", "case_id": "C2", "author_id": "S1", "occurred_at": "2026-10-14T09:30:00-07:00",
             "note_type": "office_visit", "method": "in_person", "location": "office"},
            {"note_id": "N3", "case_id": "C3", "author_id": "S2", "occurred_at": "2026-10-03T16:00:00-07:00",
             "note_type": "home_visit", "method": "in_person", "location": "home"},
        ])
        db["note_contacts"].insert_all([
            {"note_id": "N1", "person_id": "A1"},
            {"note_id": "N2", "person_id": "K2"},
            {"note_id": "N3", "person_id": "K3"},
        ])
        if as_of:
            set_meta(db, "as_of", as_of)
    return db


def cli(capsys, *argv) -> tuple[int, str, str]:
    """Run the command line in-process: (exit status, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
