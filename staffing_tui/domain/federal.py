"""The federal caseworker-visit measure (docs/policy.md "The federal measure").

Federal fiscal year Y runs from 1 October Y-1 to 30 September Y. Over
children in out-of-home care for at least one full calendar month of the year
(months complete by the as-of date): `visit_rate` = full months with at least
one in-person caseworker contact ÷ full months (standard 95%);
`residence_rate` = visited months with an in-person contact at the child's
residence (location `placement`, or `home` while placed in the home) ÷ visited
months (standard 50%).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from staffing_tui.domain.enums import Location, LocationType, Method
from staffing_tui.domain.model import CaseFacts, MemberFacts, NoteFacts, PlacementFacts
from staffing_tui.domain.months import Month
from staffing_tui.domain.scope import is_full, member_span, out_of_home_every_day, placement_on

VISIT_STANDARD = 0.95
RESIDENCE_STANDARD = 0.50
#: Placement types where the child lives at home, so a visit "at home" is at the residence.
HOME_PLACEMENTS = frozenset({LocationType.IN_HOME, LocationType.TRIAL_HOME_VISIT})


def fiscal_year_of(month: Month) -> int:
    """The federal fiscal year `month` is in: year Y runs from October Y-1 to September Y."""
    return month.year + 1 if month.month >= 10 else month.year


def fiscal_year_months(ffy: int) -> list[Month]:
    first = Month(ffy - 1, 10)
    return [first.shift(i) for i in range(12)]


def complete_months(ffy: int, as_of: date) -> list[Month]:
    return [m for m in fiscal_year_months(ffy) if m.end <= as_of]


@dataclass(frozen=True, slots=True)
class ChildCase:
    case: CaseFacts
    member: MemberFacts
    placements: tuple[PlacementFacts, ...]


@dataclass(slots=True)
class FederalMeasure:
    ffy: int
    as_of: date
    months: list[Month]
    children: int = 0
    full_months: int = 0
    visited_months: int = 0
    residence_months: int = 0
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def visit_rate(self) -> float | None:
        return self.visited_months / self.full_months if self.full_months else None

    @property
    def residence_rate(self) -> float | None:
        return self.residence_months / self.visited_months if self.visited_months else None

    @property
    def meets_visit_standard(self) -> bool | None:
        return None if self.visit_rate is None else self.visit_rate >= VISIT_STANDARD

    @property
    def meets_residence_standard(self) -> bool | None:
        return None if self.residence_rate is None else self.residence_rate >= RESIDENCE_STANDARD


def full_out_of_home_months(child_cases: Iterable[ChildCase], months: list[Month]) -> dict[str, dict[Month, list[PlacementFacts]]]:
    """(child → month → the placements of that month) for every full month in out-of-home care."""
    result: dict[str, dict[Month, list[PlacementFacts]]] = defaultdict(dict)
    for cc in child_cases:
        for month in months:
            span = member_span(cc.case, cc.member, month)
            if span is None or not is_full(span, month):
                continue
            if out_of_home_every_day(cc.placements, month):
                result[cc.member.person_id].setdefault(month, []).extend(cc.placements)
    return result


def _at_residence(note: NoteFacts, placements: list[PlacementFacts]) -> bool:
    if note.location is Location.PLACEMENT:
        return True
    if note.location is Location.HOME:
        current = placement_on(placements, note.day)
        return current is not None and current.location_type in HOME_PLACEMENTS
    return False


def federal_measure(ffy: int, as_of: date, child_cases: Iterable[ChildCase], notes: Iterable[NoteFacts]) -> FederalMeasure:
    """`notes`: in-person caseworker contacts listing the children (any of their cases), ≤ as_of."""
    months = complete_months(ffy, as_of)
    measure = FederalMeasure(ffy, as_of, months)
    full = full_out_of_home_months(child_cases, months)
    contacts: dict[tuple[str, Month], list[NoteFacts]] = defaultdict(list)
    for note in notes:
        if note.method is not Method.IN_PERSON or note.day > as_of:
            continue
        month = Month.of(note.day)
        for person_id in note.contacts:
            if person_id in full and month in full[person_id]:
                contacts[(person_id, month)].append(note)
    measure.children = len(full)
    for month in months:
        measure.by_month[str(month)] = {"full_months": 0, "visited_months": 0, "residence_months": 0}
    for person_id, child_months in full.items():
        for month, placements in child_months.items():
            tally = measure.by_month[str(month)]
            measure.full_months += 1
            tally["full_months"] += 1
            seen = contacts.get((person_id, month))
            if not seen:
                continue
            measure.visited_months += 1
            tally["visited_months"] += 1
            if any(_at_residence(n, placements) for n in seen):
                measure.residence_months += 1
                tally["residence_months"] += 1
    return measure
