"""docs/policy.md "Requirements": a parent or alleged parent on a dependency case.

"rights terminated on or before the last day of M → not_required
(rights_terminated). Otherwise the goal class is reunification when any linked
child (parent_child) in scope has goal reunification or remain_with_family in
effect on the last day of M (or on A if earlier), or when the parent has no
linked child in scope; else non-reunification.
* reunification: parent resides in the home and a linked child is in scope and
  without any out-of-home placement every day of M →
  monthly_face_to_face_in_home; otherwise monthly_face_to_face.
* non-reunification: whereabouts unknown → not_required (whereabouts_unknown);
  else contact_plan."

"Missing goal = reunification." Other members of a dependency case:
not_required (no_requirement).
"""

from __future__ import annotations

import pytest

from tests.domain.factories import Scenario, outcome, row_for

F2F_UNMET = ("monthly_face_to_face", "unmet", "not_seen")
PLAN_UNMET = ("contact_plan", "unmet", "no_contact_plan")


def case_with_child(goal: str | None = None, placement: str = "foster_home", as_of=None) -> Scenario:
    s = Scenario(as_of=as_of).case("C1", "dependency")
    s.child("K1").place("K1", placement)
    if goal is not None:
        s.goal("K1", goal)
    return s


# --------------------------------------------------------------- rights


def test_parent_rights_terminated_before_month_end_is_not_required():
    s = case_with_child("reunification")
    s.parent("P1", of="K1", rights_terminated_on=20)

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "rights_terminated")


def test_parent_rights_terminated_on_last_day_of_month_is_not_required():
    s = case_with_child("reunification")
    s.parent("P1", of="K1", rights_terminated_on=31)

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "rights_terminated")


def test_parent_rights_terminated_in_an_earlier_month_is_not_required():
    s = case_with_child("adoption")
    s.parent("P1", of="K1", rights_terminated_on="2026-06-30")

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "rights_terminated")


def test_parent_rights_terminated_after_the_month_is_still_required():
    s = case_with_child("reunification")
    s.parent("P1", of="K1", rights_terminated_on="2026-11-01")

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_rights_terminated_is_decided_before_whereabouts_unknown():
    s = case_with_child("adoption")
    s.parent("P1", of="K1", rights_terminated_on=3, whereabouts_unknown=True)

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "rights_terminated")


def test_alleged_parent_rights_terminated_is_not_required():
    s = case_with_child("reunification")
    s.alleged_parent("P1", of="K1", rights_terminated_on=5)

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "rights_terminated")


# ----------------------------------------------------------- goal class


@pytest.mark.parametrize("goal", ["reunification", "remain_with_family"])
def test_parent_of_child_with_reunification_class_goal_must_be_seen_monthly(goal):
    s = case_with_child(goal)
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


@pytest.mark.parametrize("goal", ["adoption", "guardianship", "appla", "other"])
def test_parent_of_child_with_other_goal_needs_a_contact_plan(goal):
    s = case_with_child(goal)
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == PLAN_UNMET


def test_missing_goal_is_reunification():
    s = case_with_child(goal=None)
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_goal_effective_after_the_month_leaves_the_goal_missing_so_reunification():
    """Reading: a goal whose effective_on is after the last day of M is not in
    effect, so the child has no goal in M and "Missing goal = reunification"."""
    s = case_with_child(goal=None)
    s.goal("K1", "adoption", effective_on="2026-11-01")
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_parent_with_no_linked_child_is_reunification():
    s = case_with_child("adoption")
    s.parent("P1")  # no parent_child row

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_parent_whose_linked_children_are_out_of_scope_is_reunification():
    s = Scenario().case("C1", "dependency")
    s.child("K1", left_on="2026-09-15").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_any_linked_child_with_reunification_goal_makes_the_parent_reunification():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.child("K2").place("K2", "foster_home").goal("K2", "reunification")
    s.parent("P1", of=["K1", "K2"])

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_reunification_goal_of_an_out_of_scope_linked_child_does_not_count():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.child("K2", left_on="2026-09-15").place("K2", "foster_home").goal("K2", "reunification")
    s.parent("P1", of=["K1", "K2"])

    assert outcome(row_for(s.evaluate(), "P1")) == PLAN_UNMET


def test_reunification_goal_of_an_unlinked_child_does_not_count():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.child("K2").place("K2", "foster_home").goal("K2", "reunification")
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == PLAN_UNMET


def test_parent_child_link_on_another_case_does_not_count():
    """Links are per case (parent_child carries case_id)."""
    s = Scenario()
    s.case("C2", "dependency").child("K2").goal("K2", "reunification")
    s.parent("P1", of="K2")
    s.case("C1", "dependency").child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1", "C1")) == PLAN_UNMET


def test_goal_in_effect_on_last_day_of_month_decides():
    s = case_with_child("reunification")
    s.goal("K1", "adoption", effective_on=31)
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == PLAN_UNMET


def test_latest_goal_in_effect_replaces_the_earlier_one():
    s = case_with_child("adoption")
    s.goal("K1", "reunification", effective_on="2026-09-01")
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_goal_in_effect_on_as_of_decides_when_as_of_is_earlier():
    """As of the 10th the goal is still reunification; the change on the 20th
    has not happened yet."""
    s = case_with_child("reunification", as_of=10)
    s.goal("K1", "adoption", effective_on=20)
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == ("monthly_face_to_face", "due", "not_seen")


def test_goal_changed_before_as_of_decides_the_month_in_progress():
    s = case_with_child("reunification", as_of=25)
    s.goal("K1", "adoption", effective_on=20)
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == ("contact_plan", "due", "no_contact_plan")


def test_alleged_parent_is_a_parent():
    s = case_with_child("reunification")
    s.alleged_parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_alleged_parent_of_child_with_adoption_goal_needs_a_contact_plan():
    s = case_with_child("adoption")
    s.alleged_parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == PLAN_UNMET


# ------------------------------------------------ reunification: in the home


def test_reunification_parent_residing_with_child_at_home_seen_in_home_is_met():
    s = case_with_child("reunification", placement="in_home")
    s.parent("P1", of="K1", resides=True)
    s.seen(7, "P1", "K1", location="home")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "monthly_face_to_face_in_home",
        "met",
        "seen_in_home",
    )


def test_reunification_parent_residing_with_child_at_home_seen_elsewhere_is_unmet_seen_not_in_home():
    s = case_with_child("reunification", placement="in_home")
    s.parent("P1", of="K1", resides=True)
    s.seen(7, "P1", location="office")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "monthly_face_to_face_in_home",
        "unmet",
        "seen_not_in_home",
    )


def test_reunification_parent_residing_with_child_without_placement_is_in_home():
    s = Scenario().case("C1", "dependency")
    s.child("K1")
    s.parent("P1", of="K1", resides=True)

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "monthly_face_to_face_in_home",
        "unmet",
        "not_seen",
    )


def test_reunification_parent_residing_with_child_in_foster_care_is_monthly_face_to_face():
    s = case_with_child("reunification", placement="foster_home")
    s.parent("P1", of="K1", resides=True)
    s.seen(7, "P1", location="office")

    assert outcome(row_for(s.evaluate(), "P1")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_reunification_parent_residing_with_child_out_of_home_part_of_month_is_monthly_face_to_face():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "in_home", end=19).place("K1", "foster_home", start=20)
    s.parent("P1", of="K1", resides=True)

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_reunification_parent_residing_with_one_child_at_home_every_day_is_in_home():
    """"a linked child is in scope and without any out-of-home placement every
    day of M": one such child is enough, even if a sibling is in care."""
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "in_home")
    s.child("K2").place("K2", "foster_home")
    s.parent("P1", of=["K1", "K2"], resides=True)

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "monthly_face_to_face_in_home",
        "unmet",
        "not_seen",
    )


def test_reunification_parent_not_residing_is_monthly_face_to_face_even_with_child_at_home():
    """Goal reunification: "all parents ... including parents living outside the child's home"."""
    s = case_with_child("reunification", placement="in_home")
    s.parent("P1", of="K1", resides=False)
    s.seen(7, "P1", location="community")

    assert outcome(row_for(s.evaluate(), "P1")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_reunification_parent_residing_without_linked_child_is_monthly_face_to_face():
    s = case_with_child("reunification", placement="in_home")
    s.parent("P1", resides=True)

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


def test_residing_parent_linked_only_to_out_of_scope_child_is_monthly_face_to_face():
    s = Scenario().case("C1", "dependency")
    s.child("K1", left_on="2026-09-30").place("K1", "in_home")
    s.parent("P1", of="K1", resides=True)

    assert outcome(row_for(s.evaluate(), "P1")) == F2F_UNMET


# ----------------------------------------------------- non-reunification


def test_non_reunification_parent_whereabouts_unknown_is_not_required():
    s = case_with_child("adoption")
    s.parent("P1", of="K1", whereabouts_unknown=True)

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "whereabouts_unknown")


def test_non_reunification_parent_whereabouts_known_needs_a_contact_plan():
    s = case_with_child("guardianship")
    s.parent("P1", of="K1", whereabouts_unknown=False)

    assert outcome(row_for(s.evaluate(), "P1")) == PLAN_UNMET


def test_reunification_parent_whereabouts_unknown_is_still_required():
    """The not_required shortcut is for non-reunification only; a reunification
    parent with unknown whereabouts goes through the status order (rule 5)."""
    s = case_with_child("reunification")
    s.parent("P1", of="K1", whereabouts_unknown=True)

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "monthly_face_to_face",
        "unmet",
        "whereabouts_unknown_no_locate_efforts",
    )


# --------------------------------------------------------- other members


@pytest.mark.parametrize("role", ["spouse_partner", "other_adult"])
def test_dependency_spouse_partner_and_other_adult_have_no_requirement(role):
    s = case_with_child("reunification")
    s.member("A1", role, resides=True)

    assert outcome(row_for(s.evaluate(), "A1")) == ("none", "not_required", "no_requirement")


def test_rights_termination_dated_after_the_as_of_day_of_a_month_in_progress_is_read_on_the_as_of_day():
    """Rights are read on the last in-scope day, or on A when earlier (docs/policy.md "Which day a
    fact is read"): on the 10th the rights are intact, so the parent is still due."""
    s = case_with_child("reunification", as_of=10)
    s.parent("P1", of="K1", rights_terminated_on=25)

    assert outcome(row_for(s.evaluate(), "P1")) == ("monthly_face_to_face", "due", "not_seen")
    assert outcome(row_for(s.evaluate(as_of=25), "P1")) == ("none", "not_required", "rights_terminated")
