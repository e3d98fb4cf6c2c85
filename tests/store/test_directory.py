"""Read-only look-ups for the screens (staffing_tui.store.directory)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from staffing_tui.domain.enums import StaffRole
from staffing_tui.domain.months import Month
from staffing_tui.store.connection import open_database
from staffing_tui.store.directory import (
    PersonName,
    Unit,
    case_ids_of_specialist,
    identity_choices,
    list_units,
    people_names,
    staff_member,
    staff_by_unit,
    unit_rosters,
)


def test_units_come_with_their_region(staffing_db: Path):
    db = open_database(staffing_db)
    assert list_units(db) == [Unit("U1", "North Unit", "Central"), Unit("U2", "South Unit", "Desert")]


def test_staff_are_grouped_by_unit_with_their_role(staffing_db: Path):
    db = open_database(staffing_db)
    grouped = staff_by_unit(db)
    assert [(m.staff_id, m.role) for m in grouped["U1"]] == [
        ("S1", StaffRole.SPECIALIST), ("S2", StaffRole.SPECIALIST), ("SV1", StaffRole.SUPERVISOR),
    ]
    assert [m.staff_id for m in staff_by_unit(db, roles=[StaffRole.SUPERVISOR])["U1"]] == ["SV1"]


def test_rosters_list_specialists_and_any_staff_carrying_cases(staffing_db: Path):
    db = open_database(staffing_db)
    rosters = unit_rosters(db)
    assert [[m.staff_id for m in r.specialists] for r in rosters] == [["S1", "S2"], ["S3"]]
    with_supervisor = unit_rosters(db, also_staff_ids={"SV1", "S1"})
    assert [m.staff_id for m in with_supervisor[0].specialists] == ["S1", "S2", "SV1"]


def test_people_names_for_a_set_of_ids_skip_unknown_and_none(staffing_db: Path):
    db = open_database(staffing_db)
    names = people_names(db, ["K1", "P1", None, "ZZZ"])
    assert names == {"K1": PersonName("K1", "Kit", "Lane"), "P1": PersonName("P1", "Pat", "Lane")}
    assert names["K1"].display == "Kit Lane" and names["K1"].initials == "K. L."
    assert PersonName("X9", None, None).display == "X9"


def test_case_ids_per_specialist_optionally_open_in_a_month(staffing_db: Path):
    db = open_database(staffing_db)
    assert case_ids_of_specialist(db, "S3") == ["C3", "C4"]
    assert case_ids_of_specialist(db, "S3", Month(2026, 9)) == ["C3"]  # C4 opened 2026-10-20


def test_the_store_and_domain_modules_do_not_import_textual():
    code = (
        "import importlib, pkgutil, sys\n"
        "import staffing_tui.store, staffing_tui.domain, staffing_tui.sample\n"
        "for package in (staffing_tui.store, staffing_tui.domain):\n"
        "    for module in pkgutil.iter_modules(package.__path__):\n"
        "        importlib.import_module(f'{package.__name__}.{module.name}')\n"
        "sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_identity_choices_put_supervisors_and_managers_first(staffing_db: Path):
    db = open_database(staffing_db)
    db["staff"].insert({"staff_id": "M1", "name": "Abe Manager", "role": "manager", "unit_id": None})
    choices = identity_choices(db)
    assert [(m.staff_id, unit.unit_id if unit else None) for m, unit in choices] == [
        ("M1", None), ("SV1", "U1"), ("S1", "U1"), ("S2", "U1"), ("S3", "U2"),
    ]
    assert staff_member(db, "SV1").name == "Val Vega" and staff_member(db, "NOPE") is None
