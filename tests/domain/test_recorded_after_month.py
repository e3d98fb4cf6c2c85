"""docs/policy.md "As known then": the flag `recorded_after_month`.

"A row explained or excused by a record created after M ended carries the flag
recorded_after_month (visible, never hidden: late approvals are allowed, and
must show)." Our reading: a contact plan created after M ended that makes the
row `met` (contact_plan_followed) is a late approval too.

Month 2026-10 (ends 2026-10-31), as of 2026-11-05. Which records are on record
as of a date is decided by the loader (tests/store/test_as_known_then.py).
"""

from __future__ import annotations

from staffing_tui.domain.enums import Flag, Reason, Status
from staffing_tui.domain.late_records import recorded_after_month
from staffing_tui.domain.months import Month
from tests.domain.factories import Scenario, case_row, outcome, row_for

LATE = Flag.RECORDED_AFTER_MONTH
OCTOBER = Month(2026, 10)


def foster_child() -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    return s


def adoption_parent() -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1")
    return s


# ---------------------------------------------------------------- exceptions


def test_exception_approved_after_the_month_ended_is_flagged_recorded_after_month():
    s = foster_child()
    s.exception("K1", start=0, end=2, created_on="2026-11-03")

    row = row_for(s.evaluate(), "K1")

    assert (row.status, row.reason) == (Status.EXCUSED, Reason.EXCEPTION_APPROVED)
    assert row.flags == (LATE,)


def test_exception_approved_on_the_last_day_of_the_month_is_not_flagged():
    s = foster_child()
    s.exception("K1", start=0, end=2, created_on="2026-10-31")

    row = row_for(s.evaluate(), "K1")

    assert outcome(row)[1:] == ("excused", "exception_approved")
    assert row.flags == ()


def test_exception_approved_before_the_month_is_not_flagged():
    s = foster_child()
    s.exception("K1", start=-1, end=1, created_on="2026-09-02")

    assert row_for(s.evaluate(), "K1").flags == ()


def test_late_exception_of_a_parent_without_the_quarterly_contact_is_unmet_and_not_flagged():
    """Only a row the record explains or excuses is flagged; an unmet row rests on nothing."""
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "reunification")
    s.parent("P1", of="K1")
    s.exception("P1", start=0, end=2, created_on="2026-11-03")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row)[1:] == ("unmet", "exception_without_quarterly_contact")
    assert row.flags == ()


def test_late_exception_of_a_child_seen_in_the_month_is_met_and_not_flagged():
    """Seen in person: the row is met by the visit, not excused by the late exception."""
    s = foster_child()
    s.exception("K1", start=0, end=2, created_on="2026-11-03")
    s.seen(12, "K1")

    row = row_for(s.evaluate(), "K1")

    assert outcome(row)[1:] == ("met", "seen_in_person")
    assert row.flags == ()


def test_late_exception_in_the_month_in_progress_is_not_flagged():
    """A record made during the month it covers is on time for that month."""
    s = Scenario(as_of="2026-10-20").case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.exception("K1", start=0, end=2, created_on="2026-10-20")

    row = row_for(s.evaluate(), "K1")

    assert outcome(row)[1:] == ("excused", "exception_approved")
    assert row.flags == ()


# ------------------------------------------------------------ staffing notes


def test_staffing_note_recorded_after_the_month_ended_is_flagged_recorded_after_month():
    s = foster_child()
    s.staffing_note("K1", created_on="2026-11-04")

    row = row_for(s.evaluate(), "K1")

    assert outcome(row)[1:] == ("explained", "staffing_reason")
    assert row.flags == (LATE,)


def test_staffing_note_recorded_within_the_month_is_not_flagged():
    s = foster_child()
    s.staffing_note("K1", created_on="2026-10-19")

    assert row_for(s.evaluate(), "K1").flags == ()


def test_an_on_time_staffing_note_explains_on_time_despite_a_later_second_one():
    """The first note explains the row; a second one recorded later does not make it late."""
    s = foster_child()
    s.staffing_note("K1", created_on="2026-11-04")
    s.staffing_note("K1", created_on="2026-10-19")

    assert row_for(s.evaluate(), "K1").flags == ()


def test_case_level_staffing_note_recorded_late_flags_the_home_visit_row():
    s = Scenario().case("C1", "investigation", opened_on="2026-10-05")
    s.child("K1", victim=True)
    s.seen(6, "K1", location="school")
    s.staffing_note(None, created_on="2026-11-02")

    row = case_row(s.evaluate())

    assert outcome(row) == ("home_visit", "explained", "staffing_reason")
    assert row.flags == (LATE,)


def test_late_staffing_note_of_a_row_flagged_for_integrity_keeps_both_flags():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "reunification")
    s.parent("P1", of="K1")
    s.note(10, "phone", "P1", note_type="parent contact", at="09:00")
    s.note(10, "phone", "P1", note_type="case management", at="09:00")
    s.staffing_note("P1", created_on="2026-11-04")

    row = row_for(s.evaluate(), "P1")

    assert row.flags == (Flag.DUPLICATE_NOTE, LATE)
    assert row.integrity_flags == (Flag.DUPLICATE_NOTE,)


# ------------------------------------------------------------- contact plans


def test_contact_plan_approved_after_the_month_ended_is_flagged_recorded_after_month():
    """Our reading: the late plan is what makes October's call count as "followed"."""
    s = adoption_parent()
    s.plan("P1", frequency=1, methods=["phone"], start=0, created_on="2026-11-02")
    s.note(14, "phone", "P1")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == ("contact_plan", "met", "contact_plan_followed")
    assert row.flags == (LATE,)


def test_contact_plan_approved_within_the_month_is_not_flagged():
    s = adoption_parent()
    s.plan("P1", frequency=1, methods=["phone"], start=0, created_on="2026-10-03")
    s.note(14, "phone", "P1")

    assert row_for(s.evaluate(), "P1").flags == ()


def test_late_contact_plan_not_followed_is_not_flagged():
    s = adoption_parent()
    s.plan("P1", frequency=1, methods=["in_person"], start=0, created_on="2026-11-02")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == ("contact_plan", "unmet", "contact_plan_not_followed")
    assert row.flags == ()


# ------------------------------------------------------------- the rule itself


def test_record_whose_creation_day_is_not_known_counts_as_on_time():
    s = foster_child()
    s.exception("K1", start=0, end=2)

    assert row_for(s.evaluate(), "K1").flags == ()


def test_outcome_resting_on_notes_alone_is_never_recorded_after_month():
    assert not recorded_after_month(Status.MET, Reason.SEEN_IN_PERSON, OCTOBER,
                                    exception=None, plan=None, staffing_note_on=None)
    assert not recorded_after_month(Status.EXPLAINED, Reason.RUNAWAY_LOCATE_EFFORTS, OCTOBER,
                                    exception=None, plan=None, staffing_note_on=None)
