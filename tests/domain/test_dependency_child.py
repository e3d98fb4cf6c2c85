"""docs/policy.md "Requirements": a child on a dependency case.

"out-of-home care on any day of M → monthly_face_to_face; else
monthly_face_to_face_in_home (seen in person with location home; seen elsewhere
→ reason seen_not_in_home)."

"Seen in M = a note on case C, method in_person, listing the person in
note_contacts, occurred in M (and on or before A)." It is the contact-with list
that counts, never the note type or `locate_for`.
"""

from __future__ import annotations

import pytest

from staffing_tui.domain.enums import LocationType
from tests.domain.factories import Scenario, outcome, row_for

OUT_OF_HOME_TYPES = [t for t in LocationType if t is not LocationType.IN_HOME]


def dependency(**case) -> Scenario:
    return Scenario().case("C1", "dependency", **case)


# ------------------------------------------------------------ out of home


def test_child_in_out_of_home_care_not_seen_is_unmet_not_seen():
    s = dependency()
    s.child("K1").place("K1", "foster_home")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


@pytest.mark.parametrize("location", ["placement", "school", "office", "home", "court"])
def test_child_in_out_of_home_care_seen_anywhere_is_met_seen_in_person(location):
    s = dependency()
    s.child("K1").place("K1", "foster_home")
    s.seen(9, "K1", location=location)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "met", "seen_in_person")


@pytest.mark.parametrize("location_type", OUT_OF_HOME_TYPES, ids=str)
def test_every_out_of_home_type_counts_as_out_of_home_care(location_type):
    s = dependency()
    s.child("K1").place("K1", location_type)
    s.seen(9, "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_child_out_of_home_on_any_day_has_the_out_of_home_requirement():
    """At home until the 19th, foster care from the 20th: seen at school on the
    5th satisfies monthly_face_to_face (no in-home location needed)."""
    s = dependency()
    s.child("K1").place("K1", "in_home", end=19).place("K1", "foster_home", start=20)
    s.seen(5, "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "met", "seen_in_person")


@pytest.mark.parametrize("method", ["phone", "video", "written"])
def test_remote_contact_does_not_satisfy_out_of_home_child(method):
    s = dependency()
    s.child("K1").place("K1", "foster_home")
    s.note(9, method, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


# ---------------------------------------------------------------- in home


def test_in_home_child_seen_in_the_home_is_met_seen_in_home():
    s = dependency()
    s.child("K1").place("K1", "in_home")
    s.seen(9, "K1", location="home")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "met",
        "seen_in_home",
    )


def test_child_without_any_placement_is_in_home():
    s = dependency()
    s.child("K1")
    s.seen(9, "K1", location="home")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "met",
        "seen_in_home",
    )


@pytest.mark.parametrize("location", ["placement", "school", "office", "court", "community", "other"])
def test_in_home_child_seen_elsewhere_is_unmet_seen_not_in_home(location):
    s = dependency()
    s.child("K1").place("K1", "in_home")
    s.seen(9, "K1", location=location)

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "unmet",
        "seen_not_in_home",
    )


def test_in_home_child_seen_elsewhere_and_later_at_home_is_met_seen_in_home():
    s = dependency()
    s.child("K1").place("K1", "in_home")
    s.seen(3, "K1", location="school").seen(20, "K1", location="home")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "met",
        "seen_in_home",
    )


def test_in_home_child_not_seen_is_unmet_not_seen():
    s = dependency()
    s.child("K1").place("K1", "in_home")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "unmet",
        "not_seen",
    )


def test_in_home_child_video_call_at_home_is_not_seen():
    s = dependency()
    s.child("K1").place("K1", "in_home")
    s.note(9, "video", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "unmet",
        "not_seen",
    )


# ---------------------------------------------------- which notes count as seen


def test_in_person_note_not_listing_the_child_does_not_count():
    """The contact-with list counts: a home visit that lists only the parent
    does not make the child seen."""
    s = dependency()
    s.child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1")
    s.seen(9, "P1", location="home")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_in_person_locate_effort_does_not_make_the_child_seen():
    """`locate_for` names the person searched for, not a person contacted."""
    s = dependency()
    s.child("K1").place("K1", "foster_home")
    s.locate_effort(9, "K1", method="in_person", location="community")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_one_note_satisfies_several_requirements():
    s = dependency()
    s.child("K1").place("K1", "foster_home")
    s.child("K2").place("K2", "foster_home")
    s.seen(9, "K1", "K2")

    rows = s.evaluate()

    assert outcome(row_for(rows, "K1")) == ("monthly_face_to_face", "met", "seen_in_person")
    assert outcome(row_for(rows, "K2")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_visit_on_another_case_of_the_child_counts_on_every_case():
    """Seen = an in-person note listing the child on any case the child is a member of that day."""
    s = Scenario()
    s.case("C1").child("K1").place("K1", "foster_home")
    s.case("C2").child("K1").place("K1", "foster_home")
    s.seen(9, "K1", case="C2")

    rows = s.evaluate()

    assert outcome(row_for(rows, "K1", "C1")) == ("monthly_face_to_face", "met", "seen_in_person")
    assert outcome(row_for(rows, "K1", "C2")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_visit_on_a_case_before_the_child_joined_it_does_not_count():
    s = Scenario()
    s.case("C1").child("K1").place("K1", "foster_home")
    s.case("C2").child("K1", joined_on=12).place("K1", "foster_home", case="C2")
    s.seen(9, "K1", case="C2")

    assert outcome(row_for(s.evaluate(), "K1", "C1")) == ("monthly_face_to_face", "unmet", "not_seen")

