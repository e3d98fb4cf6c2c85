"""Federal caseworker-visit measure against a hand computation (docs/policy.md "The federal measure")."""

from __future__ import annotations

import json

import pytest

from staffing_tui.cli import main
from staffing_tui.store.connection import open_database, set_meta
from tests.builders import member


@pytest.fixture
def federal_db(tmp_path):
    """FFY 2026, as of 2026-01-10 → complete months Oct, Nov, Dec 2025.

    * KA foster home all quarter; seen Oct at placement, Nov at the office, Dec not at all.
    * KB kinship all quarter; seen each month at the placement.
    * KC in home (not in out-of-home care) — not counted.
    * KD foster home from 2025-10-15 (October not full); seen Nov at "home" while in foster care
      (not the residence); not seen in December.
    * KE trial home visit all of November only (case closed 2025-11-30); seen at home → residence.

    Hand computation: full months KA 3 + KB 3 + KD 2 + KE 1 = 9; visited KA 2 + KB 3 + KD 1 + KE 1 = 7;
    at residence KA 1 + KB 3 + KD 0 + KE 1 = 5. visit_rate 7/9, residence_rate 5/7.
    """
    path = tmp_path / "federal.db"
    db = open_database(path, create=True)
    with db.atomic():
        db["units"].insert({"unit_id": "U1", "name": "Unit", "region": "R"})
        db["staff"].insert({"staff_id": "S1", "name": "Spec", "role": "specialist", "unit_id": "U1"})
        db["cases"].insert_all([
            {"case_id": "C1", "case_type": "dependency", "specialist_id": "S1", "opened_on": "2025-06-01", "closed_on": None},
            {"case_id": "C2", "case_type": "dependency", "specialist_id": "S1", "opened_on": "2025-11-01", "closed_on": "2025-11-30"},
        ])
        kids = ["KA", "KB", "KC", "KD", "KE"]
        db["people"].insert_all([{"person_id": k, "first_name": k, "last_name": "Test", "birth_date": "2015-01-01"} for k in kids])
        db["case_members"].insert_all([member("C1", k, "child") for k in kids[:4]] + [member("C2", "KE", "child")])
        db["placements"].insert_all([
            {"placement_id": "P1", "case_id": "C1", "child_id": "KA", "location_type": "foster_home", "start_on": "2025-06-01"},
            {"placement_id": "P2", "case_id": "C1", "child_id": "KB", "location_type": "kinship", "start_on": "2025-06-01"},
            {"placement_id": "P3", "case_id": "C1", "child_id": "KC", "location_type": "in_home", "start_on": "2025-06-01"},
            {"placement_id": "P4", "case_id": "C1", "child_id": "KD", "location_type": "foster_home", "start_on": "2025-10-15"},
            {"placement_id": "P5", "case_id": "C2", "child_id": "KE", "location_type": "trial_home_visit", "start_on": "2025-11-01"},
        ])
        visits = [
            ("KA", "2025-10-05", "placement"), ("KA", "2025-11-05", "office"),
            ("KB", "2025-10-06", "placement"), ("KB", "2025-11-06", "placement"), ("KB", "2025-12-06", "placement"),
            ("KC", "2025-10-07", "home"), ("KD", "2025-11-08", "home"), ("KE", "2025-11-09", "home"),
        ]
        for i, (kid, day, location) in enumerate(visits):
            case_id = "C2" if kid == "KE" else "C1"
            db["notes"].insert({"note_id": f"N{i}", "case_id": case_id, "author_id": "S1",
                                "occurred_at": f"{day}T10:00:00-07:00", "note_type": "visit",
                                "method": "in_person", "location": location})
            db["note_contacts"].insert({"note_id": f"N{i}", "person_id": kid})
        set_meta(db, "as_of", "2026-01-10")
    db.close()
    return path


def test_federal_measure_matches_hand_computation(federal_db, capsys):
    assert main(["federal", "--db", str(federal_db), "--ffy", "2026", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["months"] == ["2025-10", "2025-11", "2025-12"]
    assert result["children"] == 4
    assert (result["full_months"], result["visited_months"], result["residence_months"]) == (9, 7, 5)
    assert result["visit_rate"] == round(7 / 9, 4)
    assert result["residence_rate"] == round(5 / 7, 4)
    assert result["meets_visit_standard"] is False
    assert result["meets_residence_standard"] is True
    assert result["by_month"]["2025-10"] == {"full_months": 2, "visited_months": 2, "residence_months": 2}


def test_federal_counts_only_months_complete_by_as_of(federal_db, capsys):
    assert main(["federal", "--db", str(federal_db), "--ffy", "2026", "--as-of", "2025-11-30", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["months"] == ["2025-10", "2025-11"]
    assert result["full_months"] == 2 + 2 + 1 + 1


def test_federal_markdown_states_rates_against_standards(federal_db, capsys):
    assert main(["federal", "--db", str(federal_db), "--ffy", "2026"]) == 0
    out = capsys.readouterr().out
    assert "77.8% (7/9) | 95% | below" in out
    assert "71.4% (5/7) | 50% | meets" in out


def test_federal_before_year_starts_is_bad_input(federal_db, capsys):
    assert main(["federal", "--db", str(federal_db), "--ffy", "2027", "--as-of", "2026-01-01"]) == 2
    assert "before federal fiscal year 2027" in capsys.readouterr().err
