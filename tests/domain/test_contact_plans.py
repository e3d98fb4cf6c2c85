"""docs/policy.md "Contact plan requirement" (non-reunification parents).

"an active plan covers M (start ≤ M ≤ end, not superseded). Satisfied when a
contact with the parent by one of the plan's methods happened in the last
frequency_months months ending with M. No active plan → reason no_contact_plan."
Rule 8 reasons: `no_contact_plan`, `contact_plan_not_followed`. Met reason:
`contact_plan_followed`. A plan superseded by one starting in month S no longer
applies from S (`PlanFacts.superseded_from`).

Month 2026-10; the child's goal is adoption so the parent's requirement is
`contact_plan`.
"""

from __future__ import annotations

import pytest

from tests.domain.factories import Scenario, outcome, row_for

FOLLOWED = ("contact_plan", "met", "contact_plan_followed")
NOT_FOLLOWED = ("contact_plan", "unmet", "contact_plan_not_followed")
NO_PLAN = ("contact_plan", "unmet", "no_contact_plan")


def adoption_case(as_of=None) -> Scenario:
    s = Scenario(as_of=as_of).case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    return s


def test_no_active_plan_is_unmet_no_contact_plan():
    s = adoption_case()
    s.note(5, "phone", "P1")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == NO_PLAN
    assert row.contact_plan_id is None


@pytest.mark.parametrize("method", ["in_person", "phone", "video", "written"])
def test_plan_followed_by_a_plan_method_in_the_month_is_met(method):
    s = adoption_case()
    s.plan("P1", frequency=1, methods=[method], plan_id=41)
    s.note(5, method, "P1", location="office" if method == "in_person" else None)

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == FOLLOWED
    assert row.contact_plan_id == 41


def test_active_plan_not_followed_is_unmet_contact_plan_not_followed():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone", "in_person"], plan_id=42)

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == NOT_FOLLOWED
    assert row.contact_plan_id == 42


def test_contact_by_a_method_outside_the_plan_does_not_follow_it():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["written"])
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == NOT_FOLLOWED


def test_contact_not_listing_the_parent_does_not_follow_the_plan():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"])
    s.note(5, "phone", "K1")

    assert outcome(row_for(s.evaluate(), "P1")) == NOT_FOLLOWED


def test_locate_effort_for_the_parent_does_not_follow_the_plan():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["written"])
    s.locate_effort(5, "P1", method="written")

    assert outcome(row_for(s.evaluate(), "P1")) == NOT_FOLLOWED


# --------------------------------------------------------- frequency window


def test_three_month_plan_counts_a_contact_two_months_before():
    s = adoption_case()
    s.plan("P1", frequency=3, methods=["phone"])
    s.note("2026-08-01", "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == FOLLOWED


def test_two_month_plan_counts_a_contact_in_the_previous_month():
    s = adoption_case()
    s.plan("P1", frequency=2, methods=["phone"])
    s.note("2026-09-01", "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == FOLLOWED


def test_two_month_plan_does_not_count_a_contact_two_months_before():
    s = adoption_case()
    s.plan("P1", frequency=2, methods=["phone"])
    s.note("2026-08-31", "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == NOT_FOLLOWED


def test_monthly_plan_does_not_count_a_contact_in_the_previous_month():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"])
    s.note("2026-09-30", "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == NOT_FOLLOWED


def test_plan_contact_after_the_month_does_not_count():
    s = adoption_case(as_of="2026-11-20")
    s.plan("P1", frequency=1, methods=["phone"])
    s.note("2026-11-02", "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == NOT_FOLLOWED


def test_plan_contact_after_as_of_does_not_count_and_month_in_progress_is_due():
    s = adoption_case(as_of=10)
    s.plan("P1", frequency=1, methods=["phone"])
    s.note(12, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "contact_plan",
        "due",
        "contact_plan_not_followed",
    )


def test_plan_contact_on_another_case_of_the_parent_follows_it():
    """Contacts count on every case of the person (docs/policy.md "Which notes count")."""
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"])
    s.case("C2", "voluntary").parent("P1", resides=True)
    s.note(5, "phone", "P1", case="C2")

    assert outcome(row_for(s.evaluate(), "P1", "C1")) == ("contact_plan", "met", "contact_plan_followed")


def test_plan_contact_on_a_case_the_parent_was_not_a_member_of_that_day_does_not_follow_it():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"])
    s.case("C2", "voluntary").parent("P1", resides=True, joined_on=10)
    s.note(5, "phone", "P1", case="C2")

    assert outcome(row_for(s.evaluate(), "P1", "C1")) == NOT_FOLLOWED


# ------------------------------------------------------------ active plans


def test_plan_starting_after_the_month_is_not_active():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=1)
    s.note(5, "phone", "P1")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == NO_PLAN
    assert row.contact_plan_id is None


def test_plan_starting_in_the_month_is_active():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=0)
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == FOLLOWED


def test_plan_ended_before_the_month_is_not_active():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=-4, end=-1)
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == NO_PLAN


def test_plan_ending_with_the_month_is_active():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=-4, end=0)
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == FOLLOWED


def test_plan_for_another_parent_does_not_apply():
    s = adoption_case()
    s.parent("P2", of="K1")
    s.plan("P2", frequency=1, methods=["phone"])
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == NO_PLAN


def test_plan_on_another_case_does_not_apply():
    s = adoption_case()
    s.case("C2", "dependency").child("K2").goal("K2", "adoption")
    s.parent("P1", of="K2")
    s.plan("P1", frequency=1, methods=["phone"], case="C2")
    s.note(5, "phone", "P1", case="C1")

    assert outcome(row_for(s.evaluate(), "P1", "C1")) == NO_PLAN


def test_plan_superseded_from_the_month_no_longer_applies():
    """Old plan (phone) superseded by a new plan (in person) starting this month:
    a phone call follows only the old plan, which no longer applies."""
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=-3, superseded_from=0, plan_id=51)
    s.plan("P1", frequency=1, methods=["in_person"], start=0, plan_id=52)
    s.note(5, "phone", "P1")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == NOT_FOLLOWED
    assert row.contact_plan_id == 52


def test_plan_superseded_from_an_earlier_month_no_longer_applies():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=-5, superseded_from=-1)
    s.note(5, "phone", "P1")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == NO_PLAN
    assert row.contact_plan_id is None


def test_plan_superseded_from_a_later_month_still_applies():
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=-3, superseded_from=1, plan_id=61)
    s.plan("P1", frequency=1, methods=["in_person"], start=1, plan_id=62)
    s.note(5, "phone", "P1")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == FOLLOWED
    assert row.contact_plan_id == 61


def test_plan_superseded_from_the_month_no_longer_applies_on_its_own():
    """Whatever plan replaced it, the superseded plan itself stops applying in S."""
    s = adoption_case()
    s.plan("P1", frequency=1, methods=["phone"], start=-3, superseded_from=0)
    s.note(5, "phone", "P1")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == NO_PLAN
    assert row.contact_plan_id is None


def test_parent_seen_in_person_without_a_plan_is_still_no_contact_plan():
    """Reading: the contact_plan requirement is satisfied only through an active
    plan ("No active plan → reason no_contact_plan"); an unplanned visit is
    recorded (last_seen) but does not replace the plan the policy asks for."""
    s = adoption_case()
    s.seen(5, "P1", location="office")

    assert outcome(row_for(s.evaluate(), "P1")) == NO_PLAN
