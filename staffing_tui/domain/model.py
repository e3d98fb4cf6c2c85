"""Plain facts the engine reads and the rows it produces.

The store loads these for a whole month and scope in a handful of queries;
the domain evaluates them in pure Python. Dates are `datetime.date` in the
database time zone; months are `Month`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from staffing_tui.domain.enums import (
    CaseType,
    Flag,
    Goal,
    Location,
    LocationType,
    MemberFact,
    Method,
    Reason,
    Requirement,
    Role,
    Status,
)
from staffing_tui.domain.months import Month

def in_span(day: date, start_on: date, end_on: date | None) -> bool:
    """Whether `day` is in the inclusive span `start_on`…`end_on` (None: open-ended)."""
    return start_on <= day and (end_on is None or day <= end_on)


def fact_holds(periods: Iterable[tuple[MemberFact, date, date | None]], fact: MemberFact, day: date,
               undated: bool) -> bool:
    """Whether a member's `fact` holds on `day`: on exactly the days of its periods when it has any
    (member_periods), else `undated` — the case_members column, for the whole membership
    (docs/policy.md "Facts that change over time"). The engine, the detail screen and the simulator
    all read the facts through this one rule."""
    dated = False
    for name, start_on, end_on in periods:
        if name is fact:
            if in_span(day, start_on, end_on):
                return True
            dated = True
    return False if dated else undated


#: The decorator of the records built by the ten thousand per month (facts and report rows).
#: They are read-only by convention but not `frozen`: a frozen dataclass sets each field through
#: `object.__setattr__`, which made building them five times slower (a fifth of a statewide month).
#: They compare and hash by value as before.
record = dataclass(slots=True, unsafe_hash=True)


@record
class Assignment:
    """Who had a case from `start_on` to `end_on` (inclusive; None: still) — case_assignments."""

    specialist_id: str
    unit_id: str | None
    start_on: date
    end_on: date | None = None


@record
class CaseFacts:
    case_id: str
    case_type: CaseType
    specialist_id: str  # cases.specialist_id: the case's specialist on a day no assignment covers
    unit_id: str | None
    opened_on: date
    closed_on: date | None = None
    #: the case's assignments that touch the month (docs/policy.md "Case transfers"); none: always
    #: `specialist_id`'s, as in an older export
    assignments: tuple[Assignment, ...] = ()

    def assigned_on(self, day: date) -> tuple[str, str | None]:
        """(specialist, unit) assigned on `day`: the assignment covering it, else `specialist_id`."""
        for a in self.assignments:
            if in_span(day, a.start_on, a.end_on):
                return a.specialist_id, a.unit_id
        return self.specialist_id, self.unit_id


@record
class MemberFacts:
    case_id: str
    person_id: str
    role: Role
    joined_on: date  # already defaulted to the case's opened_on
    left_on: date | None = None
    alleged_victim: bool = False
    alleged_perpetrator: bool = False
    resides_in_home: bool = False
    rights_terminated_on: date | None = None
    whereabouts_unknown: bool = False
    incarcerated: bool = False
    birth_date: date | None = None
    deceased_on: date | None = None
    #: dated facts (member_periods): (fact, start_on, end_on or None). A fact with periods holds on
    #: exactly their days and its boolean above is ignored (docs/policy.md "Facts that change over time").
    periods: tuple[tuple[MemberFact, date, date | None], ...] = ()

    def holds(self, fact: MemberFact, day: date) -> bool:
        """Whether `fact` holds for this member on `day` (its boolean is named after the fact)."""
        undated = getattr(self, fact.value)
        return fact_holds(self.periods, fact, day, undated) if self.periods else undated  # most have no periods


@record
class PlacementFacts:
    case_id: str
    child_id: str
    location_type: LocationType
    start_on: date
    end_on: date | None = None
    location_name: str | None = None
    placement_id: str | None = None

    def in_effect_on(self, day: date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)


@record
class GoalFacts:
    case_id: str
    child_id: str
    goal: Goal
    effective_on: date


@record
class NoteFacts:
    note_id: str
    case_id: str
    day: date  # local date of occurred_at
    minute: str  # local `YYYY-MM-DDTHH:MM`, for duplicate detection
    method: Method
    contacts: frozenset[str]
    location: Location | None = None
    locate_for: str | None = None
    note_type: str | None = None
    author_id: str | None = None
    #: the placement (caregiver or facility) the note contacted (notes.placement_id)
    placement_id: str | None = None


@dataclass(frozen=True, slots=True)
class ExceptionFacts:
    exception_id: int
    case_id: str
    person_id: str
    start_month: Month
    end_month: Month
    #: the revocation known on the as-of date (one made later is not: docs/policy.md "As known then")
    revoked_from: Month | None = None
    #: the local day it was created (None: not known, taken as on time)
    created_on: date | None = None

    def covers(self, month: Month) -> bool:
        """Approved and covering `month`, unless revoked from `month` or earlier."""
        if not self.start_month <= month <= self.end_month:
            return False
        return self.revoked_from is None or self.revoked_from > month


@dataclass(frozen=True, slots=True)
class PlanFacts:
    contact_plan_id: int
    case_id: str
    parent_id: str
    frequency_months: int
    methods: frozenset[Method]
    start_month: Month
    end_month: Month | None = None
    #: start month of the plan that superseded this one (None: not superseded, as known on the as-of date)
    superseded_from: Month | None = None
    #: the local day it was created (None: not known, taken as on time)
    created_on: date | None = None

    def covers(self, month: Month) -> bool:
        """Active in `month`: start ≤ M ≤ end and not yet superseded in M."""
        if month < self.start_month or (self.end_month is not None and month > self.end_month):
            return False
        return self.superseded_from is None or self.superseded_from > month


@dataclass(frozen=True, slots=True)
class StaffingNoteFacts:
    case_id: str
    person_id: str | None
    month: Month
    staffing_note_id: int | None = None
    #: the local day it was created (None: not known, taken as on time)
    created_on: date | None = None


@dataclass(slots=True)
class MonthFacts:
    """Everything the engine needs to evaluate one month for one scope.

    Exceptions, plans and staffing notes are those on record at the end of the as-of day, with
    the revocations, supersessions and withdrawals made by then (docs/policy.md "As known then").

    `notes` are the notes the rules can read, up to the end of the month and the as-of date: the
    month's notes on the in-scope cases, and the month's contacts of their people on any other case;
    contacts from two months before the month for people whose exception or contact plan needs
    them; for investigations, contacts of their members and the case's own notes since it opened.
    `last_seen`/`last_contact` are per person across cases.
    """

    cases: list[CaseFacts] = field(default_factory=list)
    members: list[MemberFacts] = field(default_factory=list)
    #: (case, parent, child, this parent's rights to this child end on — or None)
    parent_child: list[tuple[str, str, str, date | None]] = field(default_factory=list)
    goals: list[GoalFacts] = field(default_factory=list)
    placements: list[PlacementFacts] = field(default_factory=list)
    notes: list[NoteFacts] = field(default_factory=list)
    exceptions: list[ExceptionFacts] = field(default_factory=list)
    plans: list[PlanFacts] = field(default_factory=list)
    staffing_notes: list[StaffingNoteFacts] = field(default_factory=list)
    last_seen: dict[str, date] = field(default_factory=dict)
    last_contact: dict[str, date] = field(default_factory=dict)
    #: memberships of cases outside the scope that hold a loaded note's contacts: (case, person,
    #: joined_on, left_on) — a contact counts on any case the person is a member of that day
    other_memberships: list[tuple[str, str, date, date | None]] = field(default_factory=list)


@record
class PlacementView:
    location_type: LocationType
    location_name: str | None
    since: date


@record
class Row:
    """One (case, person, month) outcome — a report row (docs/data.md "Report JSON")."""

    case_id: str
    person_id: str | None  # None for the case-level investigation home_visit row
    role: Role | None
    case_type: CaseType
    unit_id: str | None
    specialist_id: str
    requirement: Requirement
    status: Status
    reason: Reason
    last_seen: date | None = None
    last_contact: date | None = None
    placement: PlacementView | None = None
    goal: Goal | None = None
    rights: str | None = None  # "intact" | "terminated" for parents
    whereabouts: str | None = None  # "known" | "unknown" for adults
    exception_id: int | None = None
    contact_plan_id: int | None = None
    flags: tuple[Flag, ...] = ()

    @property
    def unseen_without_reason(self) -> bool:
        return self.status.is_unseen_without_reason

    @property
    def integrity_flags(self) -> tuple[Flag, ...]:
        """The flags that are data-quality problems to fix (not `recorded_after_month`)."""
        return tuple(flag for flag in self.flags if flag.is_integrity)
