"""A member's flags read on one day from the dated facts, and the case's assignments in words
(staffing_tui.present.case_facts; the detail screen shows them, tests/app/test_detail.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from staffing_tui.domain.enums import MemberFact, Role
from staffing_tui.present.case_facts import (
    assigned_on,
    assignments_label,
    dated_facts_label,
    fact_on,
    member_flags,
    reading_day,
)
from staffing_tui.store.caseload import Assignment, ChildLink, FactPeriod, MemberLine

PARENT = MemberLine("P1", Role.PARENT, None, None, None, None, False, False, False, None, False, False)
IN_PRISON = FactPeriod(MemberFact.INCARCERATED, date(2026, 8, 3), date(2026, 10, 14))


def test_a_fact_without_periods_holds_for_the_whole_membership():
    jailed = replace(PARENT, incarcerated=True)
    assert fact_on(jailed, MemberFact.INCARCERATED, date(2020, 1, 1))
    assert member_flags(jailed, date(2026, 11, 30)) == ["incarcerated"]


def test_a_fact_with_periods_holds_on_their_days_only_and_its_boolean_is_not_read():
    jailed = replace(PARENT, incarcerated=True, periods=(IN_PRISON,))
    assert fact_on(jailed, MemberFact.INCARCERATED, date(2026, 10, 14))  # the end date is inclusive
    assert not fact_on(jailed, MemberFact.INCARCERATED, date(2026, 10, 15))
    assert member_flags(jailed, date(2026, 10, 31)) == []
    assert member_flags(jailed, date(2026, 9, 30)) == ["incarcerated"]


def test_facts_are_read_on_the_members_last_day_or_the_as_of_date_when_earlier():
    left_on, closed_on = date(2026, 10, 10), date(2026, 11, 20)
    assert reading_day(date(2026, 10, 31), date(2026, 11, 18), None, left_on) == left_on
    assert reading_day(date(2026, 11, 30), date(2026, 11, 18), None, None) == date(2026, 11, 18)
    assert reading_day(date(2026, 11, 30), date(2026, 12, 5), closed_on, None) == closed_on
    # In prison until 14 October, left the case on the 10th: still in prison on the day read.
    left = replace(PARENT, left_on=left_on, periods=(IN_PRISON,))
    assert member_flags(left, reading_day(date(2026, 10, 31), date(2026, 11, 18), None, left_on)) == ["incarcerated"]


def test_rights_ended_child_by_child_say_how_many_children_then_every_child():
    links = (ChildLink("K1", date(2026, 7, 1)), ChildLink("K2", date(2026, 12, 1)))
    parent = replace(PARENT, children=links)
    assert member_flags(parent, date(2026, 6, 30)) == []
    assert member_flags(parent, date(2026, 11, 30)) == ["rights ended to 1 of 2 children"]
    assert member_flags(parent, date(2026, 12, 31)) == ["rights ended to every child"]
    assert dated_facts_label(parent, str.lower, date(2026, 11, 30)) == (
        "rights to k1 ended 2026-07-01 · rights to k2 end 2026-12-01")


def test_the_members_own_termination_is_to_every_child():
    parent = replace(PARENT, rights_terminated_on=date(2026, 7, 1), children=(ChildLink("K1", None),))
    assert member_flags(parent, date(2026, 6, 30)) == ["rights to every child end 2026-07-01"]
    assert member_flags(parent, date(2026, 7, 31)) == ["rights to every child ended 2026-07-01"]


def test_an_open_ended_period_reads_since_and_a_facts_periods_go_together():
    periods = (
        FactPeriod(MemberFact.RESIDES_IN_HOME, date(2026, 1, 5), date(2026, 4, 30)),
        FactPeriod(MemberFact.WHEREABOUTS_UNKNOWN, date(2026, 9, 1), None),
        FactPeriod(MemberFact.RESIDES_IN_HOME, date(2026, 11, 16), None),
    )
    assert dated_facts_label(replace(PARENT, periods=periods), str, date(2026, 11, 30)) == (
        "in the home 2026-01-05 – 2026-04-30, since 2026-11-16 · whereabouts unknown since 2026-09-01")
    assert dated_facts_label(PARENT, str, date(2026, 11, 30)) == "no dated facts recorded"


def test_the_specialist_of_a_day_is_the_last_assignment_started_by_then():
    history = (Assignment("S2", date(2026, 1, 5), date(2026, 6, 30)), Assignment("S1", date(2026, 7, 1), None))
    assert assigned_on(history, date(2026, 6, 30)).specialist_id == "S2"
    assert assigned_on(history, date(2026, 7, 1)).specialist_id == "S1"
    assert assigned_on(history, date(2025, 12, 31)) is None
    assert assignments_label(history, {"S1": "Ana", "S2": "Ben"}.get) == (
        "Ben 2026-01-05 – 2026-06-30 · Ana since 2026-07-01")
