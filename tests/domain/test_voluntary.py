"""docs/policy.md "Requirements": the voluntary case.

"children, parents and alleged parents with resides_in_home →
monthly_face_to_face; children and parents not residing not_required
(not_in_household); spouse_partner and other_adult not_required
(no_requirement)."
"""

from __future__ import annotations

import pytest

from tests.domain.factories import Scenario, outcome, row_for

HOUSEHOLD_ROLES = ["child", "parent", "alleged_parent"]


def voluntary() -> Scenario:
    return Scenario().case("C1", "voluntary")


@pytest.mark.parametrize("role", HOUSEHOLD_ROLES)
def test_voluntary_member_residing_in_home_not_seen_is_unmet_not_seen(role):
    s = voluntary().member("X1", role, resides=True)

    assert outcome(row_for(s.evaluate(), "X1")) == ("monthly_face_to_face", "unmet", "not_seen")


@pytest.mark.parametrize("role", HOUSEHOLD_ROLES)
def test_voluntary_member_residing_in_home_seen_in_person_is_met(role):
    """The voluntary requirement is plain face-to-face: any location counts."""
    s = voluntary().member("X1", role, resides=True)
    s.seen(8, "X1", location="school")

    assert outcome(row_for(s.evaluate(), "X1")) == ("monthly_face_to_face", "met", "seen_in_person")


@pytest.mark.parametrize("role", HOUSEHOLD_ROLES)
def test_voluntary_member_not_residing_is_not_in_household(role):
    s = voluntary().member("X1", role, resides=False)

    assert outcome(row_for(s.evaluate(), "X1")) == ("none", "not_required", "not_in_household")


@pytest.mark.parametrize("resides", [True, False])
@pytest.mark.parametrize("role", ["spouse_partner", "other_adult"])
def test_voluntary_spouse_partner_and_other_adult_have_no_requirement(role, resides):
    s = voluntary().member("A1", role, resides=resides)

    assert outcome(row_for(s.evaluate(), "A1")) == ("none", "not_required", "no_requirement")


def test_voluntary_goal_does_not_matter():
    """Goals and contact plans belong to dependency parents only."""
    s = voluntary()
    s.child("K1", resides=True).goal("K1", "adoption")
    s.parent("P1", of="K1", resides=True)

    assert outcome(row_for(s.evaluate(), "P1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_voluntary_partial_month_unmet_becomes_partial_month():
    s = voluntary().child("K1", resides=True, joined_on=12)

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face",
        "not_required",
        "partial_month",
    )
