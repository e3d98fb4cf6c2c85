"""The as-of date, the month in progress, full and partial months: docs/policy.md
"Month and as-of date", "Month in progress" and "Full and partial months".

* "A before M starts is an error. Only notes with occurred_at on or before A count."
* "Month in progress: when A is inside M, every status that would be unmet is
  reported as due instead. Days after A are judged by the recorded dates (an
  open-ended case, membership or placement continues)."
* "A month is full for the person when all of that holds for every day of M
  (for the out-of-home requirement: also in out-of-home care every day of M)."
* "Partial months: for a monthly requirement ... in a month that is not full,
  when the status order below ends in unmet (or due) the row is not_required
  with reason partial_month instead; every other outcome stands."
* "Due keeps its reason."

Month 2026-10 throughout.
"""

from __future__ import annotations

import pytest

from tests.domain.factories import Scenario, outcome, row_for


def foster_case(as_of=None, **case) -> Scenario:
    s = Scenario(as_of=as_of).case("C1", **case)
    s.child("K1").place("K1", "foster_home")
    return s


# ------------------------------------------------------------------ as-of date


def test_as_of_before_the_month_starts_raises():
    s = foster_case()

    with pytest.raises(ValueError):
        s.evaluate(as_of="2026-09-30")


def test_as_of_on_first_day_of_month_is_a_month_in_progress():
    s = foster_case(as_of=1)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "due", "not_seen")


def test_as_of_on_last_day_of_month_is_still_in_progress():
    s = foster_case(as_of=31)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "due", "not_seen")


def test_past_month_unmet_stays_unmet():
    s = foster_case(as_of="2026-11-01")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_month_in_progress_unmet_is_due_and_keeps_reason():
    s = foster_case(as_of=15)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "due", "not_seen")


def test_month_in_progress_due_keeps_seen_not_in_home_reason():
    s = Scenario(as_of=15).case("C1")
    s.child("K1").place("K1", "in_home")
    s.seen(3, "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "due",
        "seen_not_in_home",
    )


def test_month_in_progress_due_keeps_runaway_no_locate_efforts_reason():
    s = Scenario(as_of=15).case("C1")
    s.child("K1").place("K1", "runaway")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face",
        "due",
        "runaway_no_locate_efforts",
    )


def test_month_in_progress_does_not_change_met():
    s = foster_case(as_of=15)
    s.seen(2, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_notes_after_as_of_do_not_count():
    s = foster_case(as_of=15)
    s.seen(20, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "due", "not_seen")


def test_note_on_the_as_of_day_counts():
    s = foster_case(as_of=15)
    s.seen(15, "K1", at="23:30")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_note_after_the_month_does_not_count_for_a_past_month():
    s = foster_case(as_of="2026-11-20")
    s.seen("2026-11-02", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_note_in_previous_month_does_not_count():
    s = foster_case()
    s.seen("2026-09-30", "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


@pytest.mark.parametrize("day", [1, 31])
def test_note_on_first_or_last_day_of_month_counts(day):
    s = foster_case()
    s.seen(day, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "met", "seen_in_person")


# ------------------------------------------------- days after as-of continue


def test_open_ended_case_membership_and_placement_continue_after_as_of():
    """Open-ended dates continue past A, so a month in progress is full: due, not partial."""
    s = foster_case(as_of=10)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "due", "not_seen")


def test_recorded_case_closing_after_as_of_makes_the_month_partial():
    s = foster_case(as_of=10, closed_on=25)

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face",
        "not_required",
        "partial_month",
    )


def test_recorded_placement_change_after_as_of_does_not_make_the_month_partial():
    """A placement change does not make a month partial (docs/policy.md "Full and partial months")."""
    s = Scenario(as_of=10).case("C1")
    s.child("K1").place("K1", "foster_home", end=20).place("K1", "in_home", start=21)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "due", "not_seen")


# --------------------------------------------------------------- partial months


def test_partial_month_unmet_becomes_not_required_partial_month():
    s = foster_case(opened_on=10)

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face",
        "not_required",
        "partial_month",
    )


def test_partial_month_due_becomes_not_required_partial_month():
    s = foster_case(as_of=15, opened_on=10)

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face",
        "not_required",
        "partial_month",
    )


def test_partial_month_met_stands():
    s = foster_case(opened_on=10)
    s.seen(12, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "met", "seen_in_person")


def test_partial_month_excused_stands():
    s = foster_case(opened_on=10)
    s.exception("K1", start=0, end=0)

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face",
        "excused",
        "exception_approved",
    )


def test_partial_month_explained_stands():
    s = foster_case(opened_on=10)
    s.staffing_note("K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face",
        "explained",
        "staffing_reason",
    )


def test_partial_month_runaway_without_locate_efforts_stays_unmet():
    """Only rule 8's unmet becomes partial_month: a runaway without locate efforts stays unmet."""
    s = Scenario().case("C1", opened_on=10)
    s.child("K1").place("K1", "runaway")

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "runaway_no_locate_efforts")


def test_partial_month_whereabouts_unknown_without_locate_efforts_stays_unmet():
    s = Scenario().case("C1", opened_on=10).child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1", whereabouts_unknown=True)

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "monthly_face_to_face", "unmet", "whereabouts_unknown_no_locate_efforts")


def test_partial_month_exception_without_quarterly_contact_stays_unmet():
    s = Scenario().case("C1", opened_on=10).child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1").exception("P1", start=0, end=1)

    assert outcome(row_for(s.evaluate(), "P1")) == (
        "monthly_face_to_face", "unmet", "exception_without_quarterly_contact")


def test_partial_month_in_home_requirement_keeps_its_requirement():
    s = Scenario().case("C1", opened_on=10)
    s.child("K1").place("K1", "in_home")
    s.seen(12, "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "not_required",
        "partial_month",
    )


def test_partial_month_contact_plan_keeps_its_requirement():
    s = Scenario().case("C1")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1", joined_on=10)
    s.plan("P1", frequency=1, methods=["phone"])

    assert outcome(row_for(s.evaluate(), "P1")) == ("contact_plan", "not_required", "partial_month")


# ------------------------------------- out-of-home care every day (child only)


def test_out_of_home_from_mid_month_is_a_full_month_of_the_out_of_home_requirement():
    """At home until the 9th, in foster care from the 10th: out-of-home on some day →
    monthly_face_to_face, and the month is full (a placement change does not make it partial)."""
    s = Scenario().case("C1")
    s.child("K1").place("K1", "in_home", end=9).place("K1", "foster_home", start=10)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_placement_end_day_counts_as_out_of_home_care():
    """End dates are inclusive: a foster placement ending on the 1st is in effect that day, so the
    child is in out-of-home care in the month (seen anywhere, not only in the home)."""
    s = Scenario().case("C1")
    s.child("K1").place("K1", "foster_home", end=1).place("K1", "in_home", start=2)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_out_of_home_every_day_across_placement_changes_is_a_full_month():
    s = Scenario().case("C1")
    s.child("K1").place("K1", "foster_home", end=14).place("K1", "kinship", start=15)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_a_gap_in_the_placement_directory_does_not_make_the_month_partial():
    """A day without a placement record (the 15th) is a data problem `check` reports
    (placement_gap), not a partial month."""
    s = Scenario().case("C1")
    s.child("K1").place("K1", "foster_home", end=14).place("K1", "kinship", start=16)

    assert outcome(row_for(s.evaluate(), "K1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_parent_month_is_full_without_the_out_of_home_condition():
    """The out-of-home-every-day condition is for "the out-of-home requirement"
    (the dependency child's); a parent on the case all month has a full month
    even though the child entered care mid-month."""
    s = Scenario().case("C1")
    s.child("K1").place("K1", "in_home", end=9).place("K1", "foster_home", start=10)
    s.parent("P1", of="K1")

    assert outcome(row_for(s.evaluate(), "P1")) == ("monthly_face_to_face", "unmet", "not_seen")


def test_in_home_child_on_the_case_every_day_has_a_full_month():
    s = Scenario().case("C1")
    s.child("K1").place("K1", "in_home")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "monthly_face_to_face_in_home",
        "unmet",
        "not_seen",
    )
