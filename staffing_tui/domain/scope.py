"""Who is in scope for a case in a month, and whether the month is full (docs/policy.md "Who is in scope")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable

from staffing_tui.domain.enums import LocationType
from staffing_tui.domain.model import CaseFacts, MemberFacts, PlacementFacts
from staffing_tui.domain.months import Month, day_after, day_before


@dataclass(frozen=True, slots=True)
class Span:
    """An inclusive range of days."""

    first: date
    last: date

    def overlaps(self, first: date, last: date | None) -> bool:
        return first <= self.last and (last is None or last >= self.first)


def case_open_span(case: CaseFacts, month: Month) -> Span | None:
    """The days of `month` on which the case is open (closed_on inclusive)."""
    first = max(month.start, case.opened_on)
    last = month.end if case.closed_on is None else min(month.end, case.closed_on)
    return Span(first, last) if first <= last else None


def member_span(case: CaseFacts, member: MemberFacts, month: Month) -> Span | None:
    """Days of `month` on which the person is in scope for the case.

    In scope on a day: the case is open, the person is a member (joined_on ..
    left_on inclusive), born (days before birth_date are out of scope) and
    alive (deceased_on is the first day not alive). Each condition is an
    interval, so their intersection is one span (or none).
    """
    span = case_open_span(case, month)
    if span is None:
        return None
    first = max(span.first, member.joined_on)
    if member.birth_date is not None:
        first = max(first, member.birth_date)
    last = span.last
    if member.left_on is not None:
        last = min(last, member.left_on)
    if member.deceased_on is not None:
        last = min(last, day_before(member.deceased_on))
    return Span(first, last) if first <= last else None


def is_full(span: Span, month: Month) -> bool:
    return span.first == month.start and span.last == month.end


@lru_cache(maxsize=64)
def month_days(month: Month) -> tuple[date, date]:
    """The first and last day of `month`, worked out once per month rather than once per person."""
    return month.start, month.end


def placements_in(placements: Iterable[PlacementFacts], month: Month) -> list[PlacementFacts]:
    """Placements in effect on at least one day of `month`."""
    first, last = month_days(month)
    return [p for p in placements if p.start_on <= last and (p.end_on is None or p.end_on >= first)]


def has_type_in(placements: Iterable[PlacementFacts], month: Month, location_type: LocationType) -> bool:
    return any(p.location_type is location_type for p in placements_in(placements, month))


def out_of_home_any_day(placements: Iterable[PlacementFacts], month: Month) -> bool:
    return any(p.location_type is not LocationType.IN_HOME for p in placements_in(placements, month))


def out_of_home_every_day(placements: Iterable[PlacementFacts], month: Month) -> bool:
    """True when out-of-home placements cover every day of `month` without a gap."""
    cursor, last = month_days(month)
    for p in sorted(placements_in(placements, month), key=lambda p: p.start_on):
        if not p.location_type.is_out_of_home:
            continue
        if p.start_on > cursor:
            return False
        if p.end_on is None or p.end_on >= last:
            return True
        cursor = max(cursor, day_after(p.end_on))
    return False


def placement_on(placements: Iterable[PlacementFacts], day: date) -> PlacementFacts | None:
    """The placement in effect on `day` (the latest-started when they overlap)."""
    current = [p for p in placements if p.in_effect_on(day)]
    return max(current, key=lambda p: (p.start_on, p.placement_id or "")) if current else None
