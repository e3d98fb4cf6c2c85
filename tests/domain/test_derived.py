"""docs/policy.md "Derived fields", the requirement field (docs/policy.md "Requirement codes") and row order.

* "last_seen (latest in-person contact on any case, ≤ A), last_contact (any
  method)" — precomputed by the store into `facts.last_seen/last_contact`.
* "placement (location type and name in effect on the last day of M or A, and
  the date it started), goal, rights, whereabouts, active exception_id /
  contact_plan_id."
* "rows with no requirement (rights_terminated, whereabouts_unknown,
  not_in_household, no_requirement) carry requirement none; a partial_month row
  keeps the requirement it was judged against."
* "Rows sorted by unit, specialist, case, person (case-level rows first)."
"""

from __future__ import annotations

from datetime import date

import pytest

from staffing_tui.domain.enums import CaseType, Goal, LocationType, Role
from staffing_tui.domain.model import PlacementView
from tests.domain.factories import Scenario, outcome, row_for

# --------------------------------------------------------------- placement


def test_placement_is_the_one_in_effect_on_the_last_day_of_the_month():
    s = Scenario().case("C1", "dependency")
    s.child("K1")
    s.place("K1", "foster_home", start="2026-03-02", end=14, name="Maple foster home")
    s.place("K1", "kinship", start=15, name="Aunt (fictional)")

    row = row_for(s.evaluate(), "K1")

    assert row.placement == PlacementView(LocationType.KINSHIP, "Aunt (fictional)", date(2026, 10, 15))


def test_placement_is_the_one_in_effect_on_as_of_when_earlier():
    s = Scenario(as_of=10).case("C1", "dependency")
    s.child("K1")
    s.place("K1", "foster_home", start="2026-03-02", end=14, name="Maple foster home")
    s.place("K1", "kinship", start=15, name="Aunt (fictional)")

    row = row_for(s.evaluate(), "K1")

    assert row.placement == PlacementView(
        LocationType.FOSTER_HOME, "Maple foster home", date(2026, 3, 2)
    )


def test_placement_ending_on_the_last_day_is_still_in_effect():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway", start=20, end=31)

    row = row_for(s.evaluate(), "K1")

    assert row.placement == PlacementView(LocationType.RUNAWAY, None, date(2026, 10, 20))


# ------------------------------------------------------------- record ids


def test_exception_id_is_set_when_an_exception_is_active():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.exception("K1", start=0, end=2, exception_id=314)

    assert row_for(s.evaluate(), "K1").exception_id == 314


def test_contact_plan_id_is_set_when_a_plan_is_active_even_if_not_followed():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    s.plan("P1", frequency=2, methods=["written"], plan_id=271)

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == ("contact_plan", "unmet", "contact_plan_not_followed")
    assert row.contact_plan_id == 271


def test_record_ids_are_none_without_active_records():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    s.exception("K1", start=-6, end=-1)
    s.plan("P1", start=-6, end=-1)

    rows = s.evaluate()

    assert row_for(rows, "K1").exception_id is None
    assert row_for(rows, "P1").contact_plan_id is None


# ------------------------------------------------- last seen / last contact


def test_row_carries_last_seen_and_last_contact_from_the_facts():
    """The store computes them across cases; a visit on another case is not
    seen for this case's requirement but is this person's last_seen."""
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.last_seen("K1", "2026-09-14").last_contact("K1", 3)

    row = row_for(s.evaluate(), "K1")

    assert outcome(row) == ("monthly_face_to_face", "unmet", "not_seen")
    assert row.last_seen == date(2026, 9, 14)
    assert row.last_contact == date(2026, 10, 3)


def test_row_without_any_contact_has_no_last_seen():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")

    row = row_for(s.evaluate(), "K1")

    assert row.last_seen is None
    assert row.last_contact is None


# ------------------------------------------------------ goal, rights, whereabouts


def test_child_row_carries_the_goal_in_effect():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "reunification")
    s.goal("K1", "guardianship", effective_on=12)

    assert row_for(s.evaluate(), "K1").goal is Goal.GUARDIANSHIP


def test_parent_rows_show_rights_terminated_or_intact():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1", rights_terminated_on=5)
    s.parent("P2", of="K1")

    rows = s.evaluate()

    assert row_for(rows, "P1").rights == "terminated"
    assert row_for(rows, "P2").rights == "intact"


def test_adult_rows_show_whereabouts_known_or_unknown():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1", whereabouts_unknown=True)
    s.parent("P2", of="K1")

    rows = s.evaluate()

    assert row_for(rows, "P1").whereabouts == "unknown"
    assert row_for(rows, "P2").whereabouts == "known"


# ------------------------------------------------------------ requirement field


def rights_terminated() -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    return s.parent("X1", of="K1", rights_terminated_on="2026-05-01")


def whereabouts_unknown() -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "appla")
    return s.parent("X1", of="K1", whereabouts_unknown=True)


def not_in_household() -> Scenario:
    return Scenario().case("C1", "voluntary").parent("X1", resides=False)


def no_requirement() -> Scenario:
    return Scenario().case("C1", "dependency").other_adult("X1")


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        (rights_terminated, "rights_terminated"),
        (whereabouts_unknown, "whereabouts_unknown"),
        (not_in_household, "not_in_household"),
        (no_requirement, "no_requirement"),
    ],
)
def test_rows_with_no_requirement_carry_requirement_none(scenario, reason):
    s = scenario()
    s.seen(4, "X1", location="office")  # being seen changes nothing

    assert outcome(row_for(s.evaluate(), "X1")) == ("none", "not_required", reason)


def partial_out_of_home() -> Scenario:
    s = Scenario().case("C1", "dependency", opened_on=10)
    return s.child("X1").place("X1", "foster_home", start=10)


def partial_in_home() -> Scenario:
    s = Scenario().case("C1", "dependency", opened_on=10)
    return s.child("X1").place("X1", "in_home", start=10)


def partial_contact_plan() -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    return s.parent("X1", of="K1", left_on=20)


@pytest.mark.parametrize(
    ("scenario", "requirement"),
    [
        (partial_out_of_home, "monthly_face_to_face"),
        (partial_in_home, "monthly_face_to_face_in_home"),
        (partial_contact_plan, "contact_plan"),
    ],
)
def test_partial_month_row_keeps_the_requirement_it_was_judged_against(scenario, requirement):
    s = scenario()

    assert outcome(row_for(s.evaluate(), "X1")) == (requirement, "not_required", "partial_month")


# ------------------------------------------------------------ identity and order


def test_row_carries_case_identity_and_role():
    s = Scenario().case("C7", "voluntary", specialist_id="S4", unit_id="U2")
    s.parent("P1", resides=True)

    row = row_for(s.evaluate(), "P1")

    assert (row.case_id, row.case_type, row.unit_id, row.specialist_id, row.role) == (
        "C7",
        CaseType.VOLUNTARY,
        "U2",
        "S4",
        Role.PARENT,
    )


def test_rows_are_sorted_by_unit_specialist_case_person_with_case_level_first():
    s = Scenario()
    s.case("C1", "dependency", unit_id="U2", specialist_id="S1").child("K1").place("K1", "foster_home")
    s.case("C9", "voluntary", unit_id="U1", specialist_id="S3").child("K5", resides=True)
    s.case("C3", "voluntary", unit_id="U1", specialist_id="S2").child("K9", resides=True)
    s.child("K2", resides=True)
    s.case("C2", "investigation", opened_on="2026-09-20", unit_id="U1", specialist_id="S2")
    s.child("K4", victim=True).child("K3", victim=True)

    order = [(r.case_id, r.person_id) for r in s.evaluate()]

    assert order == [
        ("C2", None),
        ("C2", "K3"),
        ("C2", "K4"),
        ("C3", "K2"),
        ("C3", "K9"),
        ("C9", "K5"),
        ("C1", "K1"),
    ]
