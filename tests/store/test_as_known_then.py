"""docs/policy.md "As known then": a report as of A shows what was on record at the end of day A.

"Exceptions, contact plans and staffing notes count only when created on or
before A; a revocation, supersession or withdrawal only when made on or before
A. Re-running October as of 10 November gives the same rows on any later day."

The records are written through the record services with fixed times (UTC, as
they store them); the days are read in the database time zone (America/Phoenix,
UTC−7 all year). The small database of tests/builders.py, October 2026:
K1 (C1) on runaway without locate efforts → unmet; K2 (C2) seen at the office
→ unmet seen_not_in_home; A1 (C1) seen in person on 2026-10-12.
"""

from __future__ import annotations

from datetime import date

import pytest

from staffing_tui.domain.enums import Flag, Reason, Status
from staffing_tui.domain.evaluate import evaluate_month
from staffing_tui.domain.months import Month
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import set_meta
from staffing_tui.store.evaluation import month_report
from staffing_tui.store.facts import load_month_facts
from staffing_tui.store.month_cache import MONTH_CACHE
from staffing_tui.store.records import (
    ExceptionRequest,
    PlanRequest,
    StaffingNoteRequest,
    add_staffing_note,
    create_contact_plan,
    create_exception,
    revoke_exception,
    withdraw_staffing_note,
)
from tests.builders import small_database

OCTOBER = Month(2026, 10)
LATE = Flag.RECORDED_AFTER_MONTH
REASON = "The treatment team restricts visitors during the first phase of the program."


@pytest.fixture
def db(tmp_path):
    MONTH_CACHE.clear()
    database = small_database(tmp_path / "asof.db", as_of=None)
    yield database
    database.close()
    MONTH_CACHE.clear()


def row(db, person_id: str, as_of: str):
    report = month_report(db, OCTOBER, date.fromisoformat(as_of))
    return next(r for r in report.rows if r.person_id == person_id)


def outcome(db, person_id: str, as_of: str) -> tuple:
    found = row(db, person_id, as_of)
    return found.status, found.reason, found.flags


def excuse_k1(db, at: str, *, start: str = "2026-10", end: str = "2026-12") -> int:
    return create_exception(db, resolve_actor(db, "SV1"), ExceptionRequest(
        "C1", "K1", "child_in_treatment", REASON, Month.parse(start), Month.parse(end)), at=at)


def explain_k2(db, at: str) -> int:
    return add_staffing_note(db, resolve_actor(db, "SV1"), StaffingNoteRequest(
        "C2", OCTOBER, "scheduling", "Family away all month; visit set for November 4.", "K2"), at=at)


UNMET_K1 = (Status.UNMET, Reason.RUNAWAY_NO_LOCATE_EFFORTS, ())
UNMET_K2 = (Status.UNMET, Reason.SEEN_NOT_IN_HOME, ())


# ------------------------------------------------------------------------- created on or before A


def test_exception_created_after_the_as_of_day_does_not_count_as_of_that_day(db):
    excuse_k1(db, "2026-11-12T16:00:00Z")

    assert outcome(db, "K1", "2026-11-10") == UNMET_K1
    assert row(db, "K1", "2026-11-10").exception_id is None
    assert outcome(db, "K1", "2026-11-12") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, (LATE,))


def test_record_made_late_in_the_evening_local_time_counts_on_that_local_day(db):
    """The creation day is read in the database time zone: 05:30 UTC on 11 November is 22:30 on
    10 November in Phoenix, so on record as of the 10th (the UTC text's date would say the 11th)."""
    excuse_k1(db, "2026-11-11T05:30:00Z")

    assert outcome(db, "K1", "2026-11-10") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, (LATE,))


def test_record_made_on_the_last_evening_of_the_month_local_time_is_not_late(db):
    excuse_k1(db, "2026-11-01T03:00:00Z")  # 2026-10-31 20:00 in Phoenix: October had not ended

    assert outcome(db, "K1", "2026-11-10") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, ())


def test_report_as_of_a_past_day_is_the_same_after_records_are_created_later(db):
    before = month_report(db, OCTOBER, date(2026, 11, 10)).rows
    excuse_k1(db, "2026-11-20T17:00:00Z")
    explain_k2(db, "2026-11-20T17:05:00Z")

    assert month_report(db, OCTOBER, date(2026, 11, 10)).rows == before
    assert outcome(db, "K2", "2026-11-20") == (Status.EXPLAINED, Reason.STAFFING_REASON, (LATE,))


# ------------------------------------------------------------------------- revocations


def test_revocation_made_after_the_as_of_day_does_not_change_the_report_as_of_that_day(db):
    exception_id = excuse_k1(db, "2026-10-05T16:00:00Z")
    revoke_exception(db, resolve_actor(db, "SV1"), exception_id, OCTOBER, reason="Entered for the wrong child.",
                     at="2026-11-15T17:00:00Z")

    assert outcome(db, "K1", "2026-11-10") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, ())
    assert row(db, "K1", "2026-11-10").exception_id == exception_id
    assert outcome(db, "K1", "2026-11-15") == UNMET_K1


# ------------------------------------------------------------------------- withdrawals


def test_staffing_note_withdrawn_after_the_as_of_day_explains_then_but_not_after_the_withdrawal(db):
    note_id = explain_k2(db, "2026-11-03T17:00:00Z")
    withdraw_staffing_note(db, resolve_actor(db, "SV1"), note_id, "Recorded for the wrong case.",
                           at="2026-11-20T17:00:00Z")

    assert outcome(db, "K2", "2026-11-10") == (Status.EXPLAINED, Reason.STAFFING_REASON, (LATE,))
    assert outcome(db, "K2", "2026-11-19") == (Status.EXPLAINED, Reason.STAFFING_REASON, (LATE,))
    assert outcome(db, "K2", "2026-11-20") == UNMET_K2
    assert outcome(db, "K2", "2026-12-01") == UNMET_K2


# ------------------------------------------------------------------------- supersession


@pytest.fixture
def adoption(db):
    """K1's goal is adoption from September: A1 needs a contact plan. Plan 1 (monthly, in person),
    approved in September, is followed by October's visit."""
    db["permanency_goals"].insert({"case_id": "C1", "child_id": "K1", "goal": "adoption", "effective_on": "2026-09-01"})
    first = create_contact_plan(db, resolve_actor(db, "SV1"), PlanRequest(
        "C1", "A1", 1, ("in_person",), "Monthly visit at the office.", Month(2026, 9)), at="2026-09-04T16:00:00Z")
    return first


def test_plan_superseded_after_the_as_of_day_still_governs_as_of_that_day(db, adoption):
    second = create_contact_plan(db, resolve_actor(db, "SV1"), PlanRequest(
        "C1", "A1", 1, ("phone",), "A monthly call instead.", OCTOBER, replaces=adoption), at="2026-11-15T17:00:00Z")

    then = row(db, "A1", "2026-11-10")
    assert (then.status, then.reason, then.contact_plan_id, then.flags) == (
        Status.MET, Reason.CONTACT_PLAN_FOLLOWED, adoption, ())
    later = row(db, "A1", "2026-11-15")
    assert (later.status, later.reason, later.contact_plan_id) == (
        Status.UNMET, Reason.CONTACT_PLAN_NOT_FOLLOWED, second)


def test_plan_approved_after_the_month_ended_and_followed_is_flagged(db, adoption):
    second = create_contact_plan(db, resolve_actor(db, "SV1"), PlanRequest(
        "C1", "A1", 1, ("in_person", "phone"), "A visit or a call each month.", OCTOBER, replaces=adoption),
        at="2026-11-15T17:00:00Z")

    later = row(db, "A1", "2026-11-15")
    assert (later.status, later.reason, later.contact_plan_id, later.flags) == (
        Status.MET, Reason.CONTACT_PLAN_FOLLOWED, second, (LATE,))


# ------------------------------------------------------------------------- the month cache


def test_kept_month_brought_up_to_date_after_a_later_record_still_shows_what_was_known_then(db):
    as_of = date(2026, 11, 10)
    kept = month_report(db, OCTOBER, as_of).rows
    assert MONTH_CACHE.holds(db, OCTOBER, as_of)

    excuse_k1(db, "2026-11-20T17:00:00Z")  # a write of this process, confined to case C1

    assert month_report(db, OCTOBER, as_of).rows == kept
    assert kept == evaluate_month(load_month_facts(db, OCTOBER, as_of), OCTOBER, as_of)
    assert outcome(db, "K1", "2026-11-20") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, (LATE,))


def test_changing_the_database_time_zone_is_not_served_a_month_kept_under_the_old_one(db):
    """The day a record was made depends on the time zone, which no data write announces: the
    kept month keys on the database's calendar too."""
    excuse_k1(db, "2026-11-01T03:00:00Z")  # 31 October in Phoenix, 1 November in UTC
    assert outcome(db, "K1", "2026-11-10") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, ())

    set_meta(db, "timezone", "UTC")

    assert outcome(db, "K1", "2026-11-10") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, (LATE,))


# ------------------------------------------------------------------------- an anchored (demo) database


def test_record_saved_today_in_a_database_anchored_to_a_past_day_counts_as_made_on_that_day(tmp_path):
    """`meta.as_of` is the demo's today: what a supervisor saves there now (by the real clock) is on
    record as of the anchor day, and late for a month that ended before it."""
    MONTH_CACHE.clear()
    db = small_database(tmp_path / "demo.db", as_of="2026-11-10")
    try:
        excuse_k1(db, "2027-03-02T17:00:00Z")

        report = month_report(db, OCTOBER)
        k1 = next(r for r in report.rows if r.person_id == "K1")
        assert report.as_of == date(2026, 11, 10)
        assert (k1.status, k1.reason, k1.flags) == (Status.EXCUSED, Reason.EXCEPTION_APPROVED, (LATE,))
        assert outcome(db, "K1", "2026-11-09") == UNMET_K1
    finally:
        db.close()
        MONTH_CACHE.clear()
