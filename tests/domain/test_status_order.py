"""docs/policy.md "Status order" for a person with a requirement (first match wins).

1. satisfied → met (…); out-of-state phone/video counts here (rule 4)
2. exception covering M (not revoked from M or earlier) → child excused;
   adult excused with phone/video/written/in-person contact in M or the two
   months before, else unmet (exception_without_quarterly_contact)
3. runaway on the last in-scope day → explained with a locate effort since it began, else unmet
4. phone/video contact on a day out of state, with the child or the placement, satisfies rule 1
5. adult whereabouts unknown → explained with a locate effort, else unmet
6. adult incarcerated with a phone/video/written contact in M → explained
7. staffing note for (case, person, M) → explained (staffing_reason)
8. otherwise unmet

Month 2026-10, as of 2026-11-05. "Child" scenarios: dependency child in foster
care (monthly_face_to_face). "Adult" scenarios: dependency parent with a
reunification goal, not residing (monthly_face_to_face).
"""

from __future__ import annotations

import pytest

from tests.domain.factories import Scenario, outcome, row_for

F2F = "monthly_face_to_face"


def child_case(placement: str = "foster_home", **child) -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1", **child).place("K1", placement)
    return s


def parent_case(**parent) -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "reunification")
    s.parent("P1", of="K1", **parent)
    return s


# ------------------------------------------------------------ 2. exceptions


def test_child_with_exception_is_excused():
    s = child_case()
    s.exception("K1", start=-1, end=1, exception_id=7)

    row = row_for(s.evaluate(), "K1")

    assert outcome(row) == (F2F, "excused", "exception_approved")
    assert row.exception_id == 7


@pytest.mark.parametrize("method", ["phone", "video", "written", "in_person"])
@pytest.mark.parametrize("day", ["2026-08-01", "2026-09-15"])
def test_adult_with_exception_and_contact_in_the_two_months_before_is_excused(method, day):
    s = parent_case()
    s.exception("P1", start=-1, end=1)
    s.note(day, method, "P1", location="office" if method == "in_person" else None)

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "excused", "exception_approved")


@pytest.mark.parametrize("method", ["phone", "video", "written"])
def test_adult_with_exception_and_remote_contact_in_the_month_is_excused(method):
    s = parent_case()
    s.exception("P1", start=0, end=0)
    s.note(12, method, "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "excused", "exception_approved")


def test_adult_with_exception_without_quarterly_contact_is_unmet():
    s = parent_case()
    s.exception("P1", start=-1, end=1, exception_id=8)

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == (F2F, "unmet", "exception_without_quarterly_contact")
    assert row.exception_id == 8


def test_adult_exception_contact_three_months_before_does_not_count():
    """"in M or the two months before": July is three months before October.
    (The store would not even load it; the engine must not count it either.)"""
    s = parent_case()
    s.exception("P1", start=-3, end=1)
    s.note("2026-07-31", "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "exception_without_quarterly_contact")


def test_adult_exception_contact_on_another_case_counts():
    s = parent_case()
    s.exception("P1", start=-1, end=1)
    s.case("C2", "voluntary").parent("P1", resides=True)
    s.note(5, "phone", "P1", case="C2")

    assert outcome(row_for(s.evaluate(), "P1", "C1")) == (F2F, "excused", "exception_approved")


def test_adult_exception_locate_effort_is_not_a_contact():
    s = parent_case()
    s.exception("P1", start=-1, end=1)
    s.locate_effort(5, "P1", method="written")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "exception_without_quarterly_contact")


def test_adult_exception_without_quarterly_contact_is_due_in_a_month_in_progress():
    s = parent_case()
    s.as_of = s.day(10)
    s.exception("P1", start=-1, end=1)

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "due", "exception_without_quarterly_contact")


def test_exception_revoked_from_the_month_no_longer_applies():
    s = child_case()
    s.exception("K1", start=-1, end=2, revoked_from=0)

    row = row_for(s.evaluate(), "K1")

    assert outcome(row) == (F2F, "unmet", "not_seen")
    assert row.exception_id is None


def test_exception_revoked_from_an_earlier_month_no_longer_applies():
    s = child_case()
    s.exception("K1", start=-2, end=2, revoked_from=-1)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_exception_revoked_from_a_later_month_still_applies():
    s = child_case()
    s.exception("K1", start=-2, end=2, revoked_from=1)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "excused", "exception_approved")


@pytest.mark.parametrize(("start", "end"), [(1, 3), (-4, -1)])
def test_exception_not_covering_the_month_does_not_apply(start, end):
    s = child_case()
    s.exception("K1", start=start, end=end)

    row = row_for(s.evaluate(), "K1")

    assert outcome(row) == (F2F, "unmet", "not_seen")
    assert row.exception_id is None


@pytest.mark.parametrize(("start", "end"), [(0, 0), (-5, 0), (0, 5)])
def test_exception_start_and_end_months_are_inclusive(start, end):
    s = child_case()
    s.exception("K1", start=start, end=end)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "excused", "exception_approved")


def test_exception_for_another_person_does_not_apply():
    s = child_case()
    s.child("K2").place("K2", "foster_home")
    s.exception("K2", start=0, end=0)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_exception_on_another_case_does_not_apply():
    s = child_case()
    s.case("C2", "dependency").child("K1").place("K1", "foster_home")
    s.exception("K1", start=0, end=0, case="C2")

    assert outcome(row_for(s.evaluate(), "K1", "C1")) == (F2F, "unmet", "not_seen")


def test_exception_excuses_a_contact_plan_requirement():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    s.exception("P1", start=0, end=0)
    s.note("2026-09-10", "written", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == ("contact_plan", "excused", "exception_approved")


# --------------------------------------------------------------- 3. runaway


def test_runaway_child_with_locate_effort_is_explained():
    s = child_case("runaway")
    s.locate_effort(10, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "explained", "runaway_locate_efforts")


@pytest.mark.parametrize("method", ["in_person", "written", "none"])
def test_runaway_locate_effort_by_any_method_counts(method):
    """Locate efforts are letters, calls and visits to the last known address."""
    s = child_case("runaway")
    s.locate_effort(10, "K1", method=method, location="community" if method == "in_person" else None)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "explained", "runaway_locate_efforts")


def test_runaway_child_without_locate_effort_is_unmet():
    s = child_case("runaway")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "runaway_no_locate_efforts")


def test_runaway_locate_effort_in_previous_month_does_not_count():
    s = child_case("runaway")
    s.locate_effort("2026-09-28", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "runaway_no_locate_efforts")


def test_runaway_locate_effort_for_another_person_does_not_count():
    s = child_case("runaway")
    s.child("K2").place("K2", "runaway")
    s.locate_effort(10, "K2")

    rows = s.evaluate()

    assert outcome(row_for(rows, "K1")) == (F2F, "unmet", "runaway_no_locate_efforts")
    assert outcome(row_for(rows, "K2")) == (F2F, "explained", "runaway_locate_efforts")


def test_runaway_locate_effort_on_another_case_does_not_count():
    s = child_case("runaway")
    s.case("C2", "dependency").child("K1").place("K1", "runaway")
    s.locate_effort(10, "K1", case="C2")

    assert outcome(row_for(s.evaluate(), "K1", "C1")) == (F2F, "unmet", "runaway_no_locate_efforts")


def test_runaway_on_any_day_of_the_month_applies():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home", end=10).place("K1", "runaway", start=11)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "runaway_no_locate_efforts")


def test_runaway_child_seen_in_person_is_met():
    """Rule 1 comes first: found and seen → met (the integrity flag is separate)."""
    s = child_case("runaway")
    s.seen(10, "K1", location="community")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "met", "seen_in_person")


def test_runaway_child_phone_contact_alone_is_not_met():
    s = child_case("runaway")
    s.note(10, "phone", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "runaway_no_locate_efforts")


def test_exception_beats_runaway():
    s = child_case("runaway")
    s.exception("K1", start=0, end=0)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "excused", "exception_approved")


def test_runaway_without_locate_effort_is_not_rescued_by_a_staffing_note():
    """First match wins: rule 3 decides (unmet) before rule 7 is reached."""
    s = child_case("runaway")
    s.staffing_note("K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "runaway_no_locate_efforts")


# ------------------------------------------------------------ 4. out of state


@pytest.mark.parametrize("method", ["phone", "video"])
def test_out_of_state_child_with_phone_or_video_call_is_met_out_of_state_phone(method):
    s = child_case("out_of_state")
    s.note(10, method, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "met", "out_of_state_phone")


def test_out_of_state_child_with_written_contact_is_not_met():
    s = child_case("out_of_state")
    s.note(10, "written", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_out_of_state_child_call_in_previous_month_does_not_count():
    s = child_case("out_of_state")
    s.note("2026-09-30", "phone", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_out_of_state_call_with_the_placement_only_does_not_count():
    """The call must list the child in its contact-with list."""
    s = child_case("out_of_state")
    s.other_adult("A1")
    s.note(10, "phone", "A1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_out_of_state_child_seen_in_person_is_met_seen_in_person():
    s = child_case("out_of_state")
    s.note(4, "phone", "K1").seen(10, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "met", "seen_in_person")


def test_out_of_state_call_counts_only_on_a_day_the_child_was_placed_out_of_state():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "out_of_state", end=5).place("K1", "foster_home", start=6)
    s.note(20, "phone", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")
    s.note(4, "phone", "K1")
    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "met", "out_of_state_phone")


def test_out_of_state_call_beats_an_exception():
    """Rule 4 says the call satisfies the requirement "(rule 1)", so it is met
    before rule 2 looks at the exception."""
    s = child_case("out_of_state")
    s.exception("K1", start=0, end=0)
    s.note(10, "video", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "met", "out_of_state_phone")


def test_out_of_state_child_without_call_continues_to_staffing_reason():
    s = child_case("out_of_state")
    s.staffing_note("K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "explained", "staffing_reason")


# ---------------------------------------------------- 5. whereabouts unknown


def test_whereabouts_unknown_adult_with_locate_effort_is_explained():
    s = parent_case(whereabouts_unknown=True)
    s.locate_effort(3, "P1", method="written")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        F2F,
        "explained",
        "whereabouts_unknown_locate_efforts",
    )


def test_whereabouts_unknown_adult_without_locate_effort_is_unmet():
    s = parent_case(whereabouts_unknown=True)

    assert outcome(row_for(s.evaluate(), "P1")) == (
        F2F,
        "unmet",
        "whereabouts_unknown_no_locate_efforts",
    )


def test_whereabouts_unknown_locate_effort_in_previous_month_does_not_count():
    s = parent_case(whereabouts_unknown=True)
    s.locate_effort("2026-09-29", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        F2F,
        "unmet",
        "whereabouts_unknown_no_locate_efforts",
    )


def test_whereabouts_unknown_rule_applies_to_any_adult():
    """"The whereabouts-unknown and incarcerated rules apply to any adult carrying that flag"."""
    s = Scenario().case("C1", "voluntary")
    s.member("A1", "alleged_parent", resides=True, whereabouts_unknown=True)
    s.locate_effort(3, "A1")

    assert outcome(row_for(s.evaluate(), "A1")) == (
        F2F,
        "explained",
        "whereabouts_unknown_locate_efforts",
    )


def test_whereabouts_unknown_investigation_spouse_without_locate_effort_is_due_while_open():
    s = Scenario().case("C1", "investigation", opened_on="2026-09-20")
    s.spouse_partner("A1", whereabouts_unknown=True)

    assert outcome(row_for(s.evaluate(), "A1")) == (
        "investigation_interview",
        "due",
        "whereabouts_unknown_no_locate_efforts",
    )


def test_whereabouts_unknown_adult_seen_in_person_is_met():
    s = parent_case(whereabouts_unknown=True)
    s.seen(3, "P1", location="community")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "met", "seen_in_person")


def test_whereabouts_flag_does_not_apply_to_a_child():
    """Rule 5 is for adults; a child's missing whereabouts are the runaway rule."""
    s = child_case("foster_home", whereabouts_unknown=True)
    s.locate_effort(3, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_exception_beats_whereabouts_unknown():
    s = parent_case(whereabouts_unknown=True)
    s.exception("P1", start=0, end=0)
    s.locate_effort(3, "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "exception_without_quarterly_contact")


def test_whereabouts_unknown_without_locate_effort_is_not_rescued_by_a_staffing_note():
    s = parent_case(whereabouts_unknown=True)
    s.staffing_note("P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        F2F,
        "unmet",
        "whereabouts_unknown_no_locate_efforts",
    )


def test_whereabouts_unknown_beats_incarcerated():
    s = parent_case(whereabouts_unknown=True, incarcerated=True)
    s.note(3, "written", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        F2F,
        "unmet",
        "whereabouts_unknown_no_locate_efforts",
    )


# ------------------------------------------------------------ 6. incarcerated


@pytest.mark.parametrize("method", ["phone", "video", "written"])
def test_incarcerated_adult_with_remote_contact_is_explained(method):
    s = parent_case(incarcerated=True)
    s.note(14, method, "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "explained", "incarcerated_remote_contact")


def test_incarcerated_adult_without_contact_is_unmet_not_seen():
    s = parent_case(incarcerated=True)

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "not_seen")


def test_incarcerated_adult_remote_contact_in_previous_month_does_not_count():
    s = parent_case(incarcerated=True)
    s.note("2026-09-30", "written", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "not_seen")


def test_incarcerated_adult_seen_in_person_is_met():
    s = parent_case(incarcerated=True)
    s.seen(14, "P1", location="other")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "met", "seen_in_person")


def test_incarcerated_adult_without_contact_is_explained_by_a_staffing_note():
    s = parent_case(incarcerated=True)
    s.staffing_note("P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "explained", "staffing_reason")


def test_remote_contact_with_an_adult_not_incarcerated_does_not_explain():
    s = parent_case(incarcerated=False)
    s.note(14, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "not_seen")


def test_incarcerated_rule_applies_to_any_adult():
    s = Scenario().case("C1", "voluntary")
    s.parent("P1", resides=True, incarcerated=True)
    s.note(14, "written", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "explained", "incarcerated_remote_contact")


def test_exception_beats_incarcerated():
    s = parent_case(incarcerated=True)
    s.exception("P1", start=0, end=0)
    s.note(14, "written", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "excused", "exception_approved")


# ------------------------------------------------------------ 7. staffing note


def test_staffing_note_explains_an_unseen_child():
    s = child_case()
    s.staffing_note("K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "explained", "staffing_reason")


def test_staffing_note_for_another_month_does_not_explain():
    s = child_case()
    s.staffing_note("K1", month=-1)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_staffing_note_for_another_person_does_not_explain():
    s = child_case()
    s.child("K2").place("K2", "foster_home")
    s.staffing_note("K2")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_staffing_note_on_another_case_does_not_explain():
    s = child_case()
    s.case("C2", "dependency").child("K1").place("K1", "foster_home")
    s.staffing_note("K1", case="C2")

    assert outcome(row_for(s.evaluate(), "K1", "C1")) == (F2F, "unmet", "not_seen")


def test_case_level_staffing_note_does_not_explain_a_dependency_person():
    s = child_case()
    s.staffing_note(None)

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_staffing_note_explains_an_in_home_child_seen_elsewhere():
    s = child_case("in_home")
    s.seen(5, "K1", location="school")
    s.staffing_note("K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "explained",
        "staffing_reason",
    )


def test_staffing_note_explains_a_contact_plan_not_followed():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    s.plan("P1", frequency=1, methods=["phone"])
    s.staffing_note("P1")

    assert outcome(row_for(s.evaluate(), "P1")) == ("contact_plan", "explained", "staffing_reason")


def test_staffing_note_explains_a_missing_contact_plan():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    s.staffing_note("P1")

    assert outcome(row_for(s.evaluate(), "P1")) == ("contact_plan", "explained", "staffing_reason")


def test_staffing_note_in_a_month_in_progress_explains():
    s = child_case()
    s.as_of = s.day(12)
    s.staffing_note("K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "explained", "staffing_reason")


# ------------------------------------------------------------ 1 beats the rest


def test_seen_in_person_beats_an_exception():
    s = child_case()
    s.exception("K1", start=0, end=0, exception_id=9)
    s.seen(5, "K1")

    row = row_for(s.evaluate(), "K1")

    assert outcome(row) == (F2F, "met", "seen_in_person")


def test_seen_in_person_beats_a_staffing_note():
    s = child_case()
    s.staffing_note("K1")
    s.seen(5, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "met", "seen_in_person")


def test_exception_beats_a_staffing_note_for_an_adult_without_quarterly_contact():
    """Rule 2 is terminal for adults: without the quarterly call/letter the row is
    unmet even though a staffing note exists (rule 7 is never reached)."""
    s = parent_case()
    s.exception("P1", start=0, end=0)
    s.staffing_note("P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "exception_without_quarterly_contact")


def test_contact_plan_followed_beats_an_exception():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    s.plan("P1", frequency=1, methods=["phone"])
    s.exception("P1", start=0, end=0)
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == ("contact_plan", "met", "contact_plan_followed")


def test_investigation_interview_beats_a_staffing_note():
    s = Scenario().case("C1", "investigation", opened_on="2026-09-20")
    s.child("K1", victim=True)
    s.staffing_note("K1")
    s.seen(5, "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == ("investigation_interview", "met", "interviewed")


def test_remote_interview_beats_an_exception():
    """Rule 1 includes the investigation adult interviewed by phone or video."""
    s = Scenario().case("C1", "investigation", opened_on="2026-09-20")
    s.parent("P1", perpetrator=True)
    s.exception("P1", start=0, end=0)
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "investigation_interview",
        "explained",
        "remote_interview",
    )
