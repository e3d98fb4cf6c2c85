"""The test databases, written straight into the schema (no importer); tests/conftest.py makes
fixtures of them.

* `small_database`: October 2026, two units, for the store, CLI and reliability tests.
* `build_staffing_db` (and `add_runaway_and_history`, `build_forms_db`): November 2026, for the
  app, its forms and its snapshots.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from staffing_tui.cli import main
from staffing_tui.store.connection import open_database, set_meta


def dump(path: Path) -> list[str]:
    """Every statement that would rebuild the database at `path`: two equal dumps, two equal databases
    (but for `generation.token`, random by design, see schema m006: the generation number stands;
    and for the token and the time each month was kept with, schema m010, and the kept months' ids,
    made from that token: `kept_months._kept_id_of`; a kept month is named by its month and as-of day)."""
    conn = sqlite3.connect(path)
    try:
        named = {str(kept_id): f"'{month}@{as_of}'" for kept_id, month, as_of in conn.execute(
            "SELECT kept_id, month, as_of FROM kept_months")}

        def kept_named(line: str) -> str:
            head, _, rest = line.partition("VALUES(")
            kept_id, _, values = rest.partition(",")
            return f"{head}VALUES({named.get(kept_id, kept_id)},{values}"

        statements = [kept_named(line) if line.startswith(('INSERT INTO "kept_rows"', 'INSERT INTO "kept_saved"'))
                      else line for line in conn.iterdump()
                      if not line.startswith(('INSERT INTO "generation"', 'INSERT INTO "kept_months"'))]
        return sorted(statements) + [repr(row) for row in conn.execute("SELECT id, n FROM generation")] + [
            repr(row) for row in conn.execute(
                "SELECT month, as_of, calendar, engine, gen_n FROM kept_months ORDER BY month, as_of")]
    finally:
        conn.close()


def member(case_id: str, person_id: str, role: str, **flags) -> dict:
    row = {"case_id": case_id, "person_id": person_id, "role": role, "alleged_victim": 0,
           "alleged_perpetrator": 0, "resides_in_home": 0, "whereabouts_unknown": 0, "incarcerated": 0}
    row.update(flags)
    return row


def written(path: Path, as_of: str | None, rows: dict[str, list[dict]]) -> Database:
    """A new database at `path` holding `rows` (table → its rows, parents before children) and,
    when given, meta.as_of; open, for the caller to close."""
    db = open_database(path, create=True)
    with db.atomic():
        for table, table_rows in rows.items():
            db[table].insert_all(table_rows)
        if as_of:
            set_meta(db, "as_of", as_of)
    return db


def small_database(path: Path, *, as_of: str | None = "2026-11-10") -> Database:
    """Unit U1 (specialist S1, supervisor SV1) and unit U2 (specialist S2, supervisor SV2), manager M1.

    October 2026, as of 2026-11-10:
    * C1 dependency (S1): child K1 on runaway since 2026-09-20, no locate effort → unmet runaway_no_locate_efforts;
      parent A1 resides elsewhere, seen in person 2026-10-12 → met seen_in_person.
    * C2 dependency (S1): child K2 in home, seen at the office → unmet seen_not_in_home.
    * C3 voluntary (S2): child K3 resides, seen at home → met.
    """
    return written(path, as_of, {
        "units": [
            {"unit_id": "U1", "name": "North Unit", "region": "R1"},
            {"unit_id": "U2", "name": "South Unit", "region": "R2"},
        ],
        "staff": [
            {"staff_id": "S1", "name": "Sam Specialist", "role": "specialist", "unit_id": "U1"},
            {"staff_id": "S2", "name": "Sue Specialist", "role": "specialist", "unit_id": "U2"},
            {"staff_id": "SV1", "name": "Val Supervisor", "role": "supervisor", "unit_id": "U1"},
            {"staff_id": "SV2", "name": "Vic Supervisor", "role": "supervisor", "unit_id": "U2"},
            {"staff_id": "M1", "name": "Max Manager", "role": "manager", "unit_id": None},
        ],
        "cases": [
            {"case_id": "C1", "case_type": "dependency", "specialist_id": "S1", "opened_on": "2026-01-05"},
            {"case_id": "C2", "case_type": "dependency", "specialist_id": "S1", "opened_on": "2026-02-01"},
            {"case_id": "C3", "case_type": "voluntary", "specialist_id": "S2", "opened_on": "2026-03-01"},
        ],
        "people": [
            {"person_id": pid, "first_name": first, "last_name": "Testperson", "birth_date": born}
            for pid, first, born in [
                ("K1", "Kit", "2012-04-01"), ("A1", "Ann", "1985-01-01"),
                ("K2", "Kay", "2015-06-01"), ("K3", "Kim", "2016-07-01"),
            ]
        ],
        "case_members": [
            member("C1", "K1", "child"),
            member("C1", "A1", "parent"),
            member("C2", "K2", "child", resides_in_home=1),
            member("C3", "K3", "child", resides_in_home=1),
        ],
        "parent_child": [{"case_id": "C1", "parent_id": "A1", "child_id": "K1"}],
        "placements": [
            {"placement_id": "PL1", "case_id": "C1", "child_id": "K1", "location_type": "foster_home",
             "location_name": "Oak Foster Home", "start_on": "2026-01-05", "end_on": "2026-09-19"},
            {"placement_id": "PL2", "case_id": "C1", "child_id": "K1", "location_type": "runaway",
             "location_name": None, "start_on": "2026-09-20"},
        ],
        "notes": [
            {"note_id": "N1", "case_id": "C1", "author_id": "S1", "occurred_at": "2026-10-12T10:00:00-07:00",
             "note_type": "parent_visit", "method": "in_person", "location": "community"},
            {"note_id": "N2", "case_id": "C2", "author_id": "S1", "occurred_at": "2026-10-14T09:30:00-07:00",
             "note_type": "office_visit", "method": "in_person", "location": "office"},
            {"note_id": "N3", "case_id": "C3", "author_id": "S2", "occurred_at": "2026-10-03T16:00:00-07:00",
             "note_type": "home_visit", "method": "in_person", "location": "home"},
        ],
        "note_contacts": [
            {"note_id": "N1", "person_id": "A1"},
            {"note_id": "N2", "person_id": "K2"},
            {"note_id": "N3", "person_id": "K3"},
        ],
    })


def cli(capsys, *argv) -> tuple[int, str, str]:
    """Run the command line in-process: (exit status, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def build_staffing_db(path: Path, *, as_of: str = "2026-11-18") -> Path:
    """The app's database: two units, three specialists, four cases.

    November 2026, as of 2026-11-18 (month in progress, so "unmet" reads "due"):

    * North Unit · Central
      * Ana Alvarez (S1) — C1 dependency: child K1 (foster home) not seen → due;
        child K2 (foster home) not seen, staffing note for November → explained;
        parent P1 (reunification, lives elsewhere) seen at the office → met.
        Badge: 1 not seen.
      * Ben Brooks (S2) — C2 dependency: child K3 (foster home) seen at the placement → met.
        Badge: ✓.
    * South Unit · Desert
      * Cora Diaz (S3) — C3 voluntary: child K4 and parent P2 in the home, not seen → due, due;
        C4 investigation: alleged victim K5 not interviewed → due, no home visit → due.
        Badge: 4 not seen.

    Supervisor SV1 (North) is not a specialist and carries no case: not in the tree.
    """
    written(path, as_of, {
        "units": [
            {"unit_id": "U1", "name": "North Unit", "region": "Central"},
            {"unit_id": "U2", "name": "South Unit", "region": "Desert"},
        ],
        "staff": [
            {"staff_id": "S1", "name": "Ana Alvarez", "role": "specialist", "unit_id": "U1"},
            {"staff_id": "S2", "name": "Ben Brooks", "role": "specialist", "unit_id": "U1"},
            {"staff_id": "S3", "name": "Cora Diaz", "role": "specialist", "unit_id": "U2"},
            {"staff_id": "SV1", "name": "Val Vega", "role": "supervisor", "unit_id": "U1"},
        ],
        "cases": [
            {"case_id": "C1", "case_type": "dependency", "specialist_id": "S1", "opened_on": "2026-01-05"},
            {"case_id": "C2", "case_type": "dependency", "specialist_id": "S2", "opened_on": "2026-02-01"},
            {"case_id": "C3", "case_type": "voluntary", "specialist_id": "S3", "opened_on": "2026-03-01"},
            {"case_id": "C4", "case_type": "investigation", "specialist_id": "S3", "opened_on": "2026-10-20"},
        ],
        "people": [
            {"person_id": pid, "first_name": first, "last_name": last, "birth_date": born}
            for pid, first, last, born in [
                ("K1", "Kit", "Lane", "2012-04-01"), ("K2", "Kay", "Lane", "2014-06-01"),
                ("P1", "Pat", "Lane", "1985-01-01"), ("K3", "Kim", "Moss", "2016-07-01"),
                ("K4", "Lou", "Reyes", "2017-02-01"), ("P2", "Rita", "Reyes", "1990-03-01"),
                ("K5", "Max", "Stone", "2018-05-01"),
            ]
        ],
        "case_members": [
            member("C1", "K1", "child"),
            member("C1", "K2", "child"),
            member("C1", "P1", "parent"),
            member("C2", "K3", "child"),
            member("C3", "K4", "child", resides_in_home=1),
            member("C3", "P2", "parent", resides_in_home=1),
            member("C4", "K5", "child", alleged_victim=1, resides_in_home=1),
        ],
        "parent_child": [
            {"case_id": "C1", "parent_id": "P1", "child_id": "K1"},
            {"case_id": "C1", "parent_id": "P1", "child_id": "K2"},
        ],
        "placements": [
            {"placement_id": "PL1", "case_id": "C1", "child_id": "K1", "location_type": "foster_home",
             "location_name": "Oak Home", "start_on": "2026-05-01"},
            {"placement_id": "PL2", "case_id": "C1", "child_id": "K2", "location_type": "foster_home",
             "location_name": "Oak Home", "start_on": "2026-05-01"},
            {"placement_id": "PL3", "case_id": "C2", "child_id": "K3", "location_type": "foster_home",
             "location_name": "Elm Home", "start_on": "2026-03-01"},
        ],
        "notes": [
            {"note_id": "N1", "case_id": "C1", "author_id": "S1", "occurred_at": "2026-11-03T10:00:00",
             "note_type": "parent_visit", "method": "in_person", "location": "office"},
            {"note_id": "N2", "case_id": "C2", "author_id": "S2", "occurred_at": "2026-11-10T15:00:00",
             "note_type": "child_visit", "method": "in_person", "location": "placement"},
        ],
        "note_contacts": [
            {"note_id": "N1", "person_id": "P1"},
            {"note_id": "N2", "person_id": "K3"},
        ],
        "staffing_notes": [{
            "case_id": "C1", "person_id": "K2", "month": "2026-11", "reason_code": "hospitalized",
            "text": "Kay was in hospital all month; visit planned after discharge.",
            "author": "SV1", "created_at": "2026-11-12T09:00:00", "created_by": "SV1",
        }],
    }).close()
    return path


def add_runaway_and_history(path: Path) -> Path:
    """Extend the staffing database for the caseload and detail screens.

    * Ana's case C1 gains child K6 Ivy Lane: in Oak Home from 2026-05-01 to
      2026-10-19, on runaway since 2026-10-20, no locate efforts → November
      due (runaway, no locate efforts), October unmet. Ana's badge: 2 not seen.
    * Kit, Kay and Ivy were seen at Oak Home on 2026-09-15 (note N3), and P1
      at the office on 2026-10-05 (note N4), so the month strip has history.
    """
    db = open_database(path)
    with db.atomic():
        db["people"].insert({"person_id": "K6", "first_name": "Ivy", "last_name": "Lane", "birth_date": "2011-09-09"})
        db["case_members"].insert(member("C1", "K6", "child"))
        db["parent_child"].insert({"case_id": "C1", "parent_id": "P1", "child_id": "K6"})
        db["placements"].insert_all([
            {"placement_id": "PL4", "case_id": "C1", "child_id": "K6", "location_type": "foster_home",
             "location_name": "Oak Home", "start_on": "2026-05-01", "end_on": "2026-10-19"},
            {"placement_id": "PL5", "case_id": "C1", "child_id": "K6", "location_type": "runaway",
             "start_on": "2026-10-20"},
        ])
        db["notes"].insert_all([
            {"note_id": "N3", "case_id": "C1", "author_id": "S1", "occurred_at": "2026-09-15T14:00:00",
             "note_type": "placement_visit", "method": "in_person", "location": "placement",
             "text": "Saw Kit, Kay and Ivy at Oak Home."},
            {"note_id": "N4", "case_id": "C1", "author_id": "S1", "occurred_at": "2026-10-05T09:30:00",
             "note_type": "office_visit", "method": "in_person", "location": "office"},
        ])
        db["note_contacts"].insert_all([
            {"note_id": "N3", "person_id": "K1"},
            {"note_id": "N3", "person_id": "K2"},
            {"note_id": "N3", "person_id": "K6"},
            {"note_id": "N4", "person_id": "P1"},
        ])
    db.close()
    return path


def add_dated_facts(path: Path) -> Path:
    """Extend the caseload database (`add_runaway_and_history`) with facts that change over time.

    * Case C1 was Ben Brooks's (S2) from its opening, 2026-01-05, to 2026-06-30, and is Ana
      Alvarez's (S1) since 2026-07-01 (case_assignments).
    * Pat Lane (P1) lived in the home from 2026-01-05 to 2026-04-30 and again since 2026-11-16, his
      whereabouts were unknown from 2026-05-10 to 2026-06-20 and he was in prison from 2026-08-03 to
      2026-10-14 (member_periods); his rights to Kay (K2) ended on 2026-07-01 (parent_child), to Kit
      and Ivy not.
    """
    db = open_database(path)
    with db.atomic():
        db["case_assignments"].insert_all([
            {"case_id": "C1", "specialist_id": "S2", "start_on": "2026-01-05", "end_on": "2026-06-30"},
            {"case_id": "C1", "specialist_id": "S1", "start_on": "2026-07-01"},
        ])
        db["member_periods"].insert_all([
            {"case_id": "C1", "person_id": "P1", "fact": "resides_in_home", "start_on": "2026-01-05",
             "end_on": "2026-04-30"},
            {"case_id": "C1", "person_id": "P1", "fact": "resides_in_home", "start_on": "2026-11-16"},
            {"case_id": "C1", "person_id": "P1", "fact": "whereabouts_unknown", "start_on": "2026-05-10",
             "end_on": "2026-06-20"},
            {"case_id": "C1", "person_id": "P1", "fact": "incarcerated", "start_on": "2026-08-03",
             "end_on": "2026-10-14"},
        ])
        db.execute("UPDATE parent_child SET rights_terminated_on = '2026-07-01' "
                   "WHERE case_id = 'C1' AND parent_id = 'P1' AND child_id = 'K2'")
    db.close()
    return path


def build_forms_db(path: Path, *, as_of: str = "2026-11-18") -> Path:
    """The staffing database plus unit U2's supervisor Wes Wu (SV2) and a manager, Mia Moreno (M1)."""
    build_staffing_db(path, as_of=as_of)
    db = open_database(path)
    with db.atomic():
        db["staff"].insert_all([
            {"staff_id": "SV2", "name": "Wes Wu", "role": "supervisor", "unit_id": "U2"},
            {"staff_id": "M1", "name": "Mia Moreno", "role": "manager", "unit_id": None},
        ])
    db.close()
    return path
