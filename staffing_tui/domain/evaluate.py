"""Evaluate a whole month for a scope: facts in, report rows out (docs/policy.md "Evaluating a month").

The store loads `MonthFacts` set-wise (a handful of queries for the whole
scope); everything here is pure Python over dictionaries built once, so the
cost grows with the number of people and notes, never with queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from staffing_tui.domain.enums import CaseType, Flag, Goal, LocationType, Requirement, Role, Status
from staffing_tui.domain.flags import duplicate_note_people, flags_for
from staffing_tui.domain.goals import goal_on
from staffing_tui.domain.late_records import RECORD_REASONS, recorded_after_month
from staffing_tui.domain.model import (
    CaseFacts,
    ExceptionFacts,
    GoalFacts,
    MemberFacts,
    MonthFacts,
    NoteFacts,
    PlacementFacts,
    PlacementView,
    PlanFacts,
    Row,
    StaffingNoteFacts,
)
from staffing_tui.domain.months import Month, day_before
from staffing_tui.domain.requirements import LinkedChild, needs_full_out_of_home, requirement_for
from staffing_tui.domain.scope import has_type_in, placement_on
from staffing_tui.domain.statuses import Evidence, Situation, finalise, status_of


def is_in_progress(month: Month, as_of: date) -> bool:
    return month.start <= as_of <= month.end


def check_as_of(month: Month, as_of: date) -> None:
    if as_of < month.start:
        raise ValueError(f"the as-of date {as_of} is before {month} starts; pick a later date or an earlier month")


@dataclass(slots=True)
class _Index:
    """The month's facts keyed the way the rules look them up."""

    members: dict[str, list[MemberFacts]]
    placements: dict[tuple[str, str], list[PlacementFacts]]
    goals: dict[tuple[str, str], list[GoalFacts]]
    children_of: dict[tuple[str, str], list[str]]
    notes: dict[str, list[NoteFacts]]
    evidence: dict[tuple[str, str], Evidence]
    exceptions: dict[tuple[str, str], list[ExceptionFacts]]
    plans: dict[tuple[str, str], list[PlanFacts]]
    #: (case, person or None) → the day its first staffing note of the month was created
    staffing_notes: dict[tuple[str, str | None], date | None]
    #: cases with two notes of the month by one author in one minute (duplicate candidates)
    same_minute: set[str]

    @classmethod
    def build(cls, facts: MonthFacts, month: Month, as_of: date) -> "_Index":
        members: dict[str, list[MemberFacts]] = defaultdict(list)
        for m in facts.members:
            members[m.case_id].append(m)
        placements: dict[tuple[str, str], list[PlacementFacts]] = defaultdict(list)
        for p in facts.placements:
            placements[(p.case_id, p.child_id)].append(p)
        goals: dict[tuple[str, str], list[GoalFacts]] = defaultdict(list)
        for g in facts.goals:
            goals[(g.case_id, g.child_id)].append(g)
        children_of: dict[tuple[str, str], list[str]] = defaultdict(list)
        for case_id, parent_id, child_id in facts.parent_child:
            children_of[(case_id, parent_id)].append(child_id)
        notes: dict[str, list[NoteFacts]] = defaultdict(list)
        evidence: dict[tuple[str, str], Evidence] = {}
        first, last = month.start, month.end
        minutes: set[tuple] = set()
        same_minute: set[str] = set()
        for n in facts.notes:
            day = n.day
            if day > as_of:  # only notes on or before the as-of date count
                continue
            case_id = n.case_id
            notes[case_id].append(n)
            if n.contacts:
                for person_id in n.contacts:
                    found = evidence.get((case_id, person_id))
                    if found is None:
                        found = evidence[(case_id, person_id)] = Evidence()
                    found.contacts.append(n)
                if first <= day <= last:
                    slot = (case_id, n.author_id, n.minute)
                    if slot in minutes:
                        same_minute.add(case_id)
                    minutes.add(slot)
            if n.locate_for:
                found = evidence.get((case_id, n.locate_for))
                if found is None:
                    found = evidence[(case_id, n.locate_for)] = Evidence()
                found.locates.append(n)
        exceptions: dict[tuple[str, str], list[ExceptionFacts]] = defaultdict(list)
        for e in facts.exceptions:
            exceptions[(e.case_id, e.person_id)].append(e)
        plans: dict[tuple[str, str], list[PlanFacts]] = defaultdict(list)
        for p in facts.plans:
            plans[(p.case_id, p.parent_id)].append(p)
        staffing_notes = _first_staffing_notes(facts.staffing_notes, month)
        return cls(members, placements, goals, children_of, notes, evidence, exceptions, plans, staffing_notes,
                   same_minute)


@dataclass(frozen=True, slots=True)
class _Month:
    """The month's dates, worked out once per evaluation instead of once per row."""

    month: Month
    start: date
    end: date
    as_of: date
    goal_day: date
    in_progress: bool

    @classmethod
    def of(cls, month: Month, as_of: date) -> "_Month":
        start, end = month.start, month.end
        return cls(month, start, end, as_of, min(end, as_of), start <= as_of <= end)


def _first_staffing_notes(notes: list[StaffingNoteFacts], month: Month) -> dict[tuple[str, str | None], date | None]:
    """(case, person or None) → the day the first staffing note for it in `month` was created:
    that one explains the row, so a later second note does not make it late (None: not known)."""
    first: dict[tuple[str, str | None], date | None] = {}
    for note in notes:
        if note.month != month:
            continue
        key = (note.case_id, note.person_id)
        if key not in first:
            first[key] = note.created_on
        elif first[key] is not None:
            first[key] = None if note.created_on is None else min(first[key], note.created_on)
    return first


def active_exception(exceptions: list[ExceptionFacts], month: Month) -> ExceptionFacts | None:
    covering = [e for e in exceptions if e.covers(month)]
    return max(covering, key=lambda e: (e.start_month, e.exception_id)) if covering else None


def active_plan(plans: list[PlanFacts], month: Month) -> PlanFacts | None:
    covering = [p for p in plans if p.covers(month)]
    return max(covering, key=lambda p: (p.start_month, p.contact_plan_id)) if covering else None


def _placement_view(placements: list[PlacementFacts], day: date) -> PlacementView | None:
    current = placement_on(placements, day)
    if current is None:
        return None
    return PlacementView(current.location_type, current.location_name, current.start_on)


_NO_EVIDENCE = Evidence()  # shared and never written to: people with no notes on the case
_NO_PEOPLE: frozenset[str] = frozenset()
_SITUATIONS: dict[tuple[bool, ...], Situation] = {}


def _situation(*flags: bool) -> Situation:
    """The (immutable) Situation for these flags; at most 64 exist, so each is built once."""
    found = _SITUATIONS.get(flags)
    if found is None:
        found = _SITUATIONS[flags] = Situation(*flags)
    return found


def _evaluate_case(case: CaseFacts, idx: _Index, facts: MonthFacts, m: _Month) -> list[Row]:
    month = m.month
    # The days of M the case is open (case_open_span, inline).
    open_first = max(m.start, case.opened_on)
    open_last = m.end if case.closed_on is None else min(m.end, case.closed_on)
    if open_first > open_last:
        return []
    case_id = case.case_id
    in_progress = m.in_progress
    goal_day = m.goal_day
    open_at_end = case.closed_on is None or case.closed_on >= m.end
    is_dependency = case.case_type is CaseType.DEPENDENCY
    rows: list[Row] = []

    members = sorted(idx.members.get(case_id, ()), key=_person_id)  # rows in person order
    spans: dict[str, tuple[date, date]] = {}
    for member in members:
        # member_span, inline: open, a member (joined..left), born and alive (deceased_on excluded).
        first = max(open_first, member.joined_on)
        if member.birth_date is not None and member.birth_date > first:
            first = member.birth_date
        last = open_last
        if member.left_on is not None and member.left_on < last:
            last = member.left_on
        if member.deceased_on is not None and member.deceased_on <= last:
            last = day_before(member.deceased_on)
        if first <= last:
            spans[member.person_id] = (first, last)
    by_person = {member.person_id: member for member in members}

    if case.case_type is CaseType.INVESTIGATION:
        evidence = Evidence(contacts=list(idx.notes.get(case_id, ())))
        outcome = status_of(
            Requirement.HOME_VISIT, month, evidence, _situation(False, False),
            since=case.opened_on, staffing_note=(case_id, None) in idx.staffing_notes,
        )
        status, reason = finalise(
            Requirement.HOME_VISIT, outcome, full_month=True, in_progress=in_progress,
            case_open_at_month_end=open_at_end,
        )
        late = recorded_after_month(status, reason, month, exception=None, plan=None,
                                    staffing_note_on=idx.staffing_notes.get((case_id, None)))
        rows.append(Row(case_id, None, None, case.case_type, case.unit_id, case.specialist_id,
                        Requirement.HOME_VISIT, status, reason, flags=_LATE if late else ()))

    duplicates = (duplicate_note_people(idx.notes.get(case_id, ()), month)
                  if case_id in idx.same_minute else _NO_PEOPLE)
    exceptions_of, plans_of = idx.exceptions, idx.plans
    for member in members:
        person_id = member.person_id
        span = spans.get(person_id)
        if span is None:
            continue
        role = member.role
        is_child = role is Role.CHILD
        is_parent = role.is_parent
        key = (case_id, person_id)
        placements = idx.placements.get(key, _NONE) if is_child else _NONE
        linked: list[LinkedChild] = []
        if is_parent and is_dependency:
            for child_id in idx.children_of.get(key, ()):
                child = by_person.get(child_id)
                if child is not None and child.role is Role.CHILD and child_id in spans:
                    linked.append(LinkedChild(child_id, idx.goals.get((case_id, child_id), ()),
                                              idx.placements.get((case_id, child_id), ())))
        decision = requirement_for(
            case.case_type, member, month, goal_day,
            placements=placements, goals=idx.goals.get(key, ()), linked=linked,
        )
        evidence = idx.evidence.get(key) or _NO_EVIDENCE
        exception = active_exception(exceptions_of[key], month) if key in exceptions_of else None
        plan = active_plan(plans_of[key], month) if is_parent and key in plans_of else None
        runaway = is_child and bool(placements) and has_type_in(placements, month, LocationType.RUNAWAY)
        if decision.not_required is not None:
            status, reason = Status.NOT_REQUIRED, decision.not_required
        else:
            situation = _situation(
                is_child,
                not is_child,
                runaway,
                is_child and bool(placements) and has_type_in(placements, month, LocationType.OUT_OF_STATE),
                member.whereabouts_unknown,
                member.incarcerated,
            )
            outcome = status_of(
                decision.requirement, month, evidence, situation,
                since=case.opened_on, exception=exception,
                plan=plan if decision.requirement is Requirement.CONTACT_PLAN else None,
                staffing_note=key in idx.staffing_notes,
            )
            # Whether the month is full only matters for an unmet outcome (see finalise).
            full = outcome[0] is Status.UNMET and (
                span[0] == m.start and span[1] == m.end and needs_full_out_of_home(decision, placements, month))
            status, reason = finalise(
                decision.requirement, outcome, full_month=full, in_progress=in_progress,
                case_open_at_month_end=open_at_end,
            )
        unknown_adult = not is_child and member.whereabouts_unknown
        if runaway or unknown_adult or person_id in duplicates:
            flags = flags_for(
                person_id=person_id,
                is_child=is_child,
                is_adult_whereabouts_unknown=unknown_adult,
                contacts=evidence.contacts,
                placements=placements,
                duplicates=duplicates,
                month=month,
            )
        else:
            flags = ()  # no flag can apply: no runaway placement, whereabouts known, no duplicate
        if reason in RECORD_REASONS and recorded_after_month(status, reason, month, exception=exception, plan=plan,
                                                             staffing_note_on=idx.staffing_notes.get(key)):
            flags += _LATE
        goal: Goal | None = decision.goal
        if goal is None and is_child and is_dependency:
            goal = goal_on(idx.goals.get(key, ()), goal_day)
        rows.append(Row(
            case_id, person_id, role, case.case_type, case.unit_id, case.specialist_id,
            decision.requirement, status, reason,
            facts.last_seen.get(person_id),
            facts.last_contact.get(person_id),
            _placement_view(placements, goal_day) if is_child else None,
            goal,
            _rights(member, month) if is_parent else None,
            ("unknown" if member.whereabouts_unknown else "known") if not is_child else None,
            exception.exception_id if exception else None,
            plan.contact_plan_id if plan else None,
            flags,
        ))
    return rows


_NONE: tuple = ()
_LATE = (Flag.RECORDED_AFTER_MONTH,)


def _person_id(member: MemberFacts) -> str:
    return member.person_id


def _rights(member: MemberFacts, month: Month) -> str:
    if member.rights_terminated_on is not None and member.rights_terminated_on <= month.end:
        return "terminated"
    return "intact"


def row_sort_key(row: Row) -> tuple:
    """Unit, specialist, case, person — the case-level row first."""
    return (row.unit_id or "", row.specialist_id, row.case_id, row.person_id is not None, row.person_id or "")


def evaluate_month(facts: MonthFacts, month: Month, as_of: date) -> list[Row]:
    """One row per in-scope (case, person) of `facts` for `month` as of `as_of`.

    Rows come out sorted by unit, specialist, case and person (`row_sort_key`):
    the cases are taken in that order and each case's rows are made in it.
    """
    check_as_of(month, as_of)
    idx = _Index.build(facts, month, as_of)
    m = _Month.of(month, as_of)
    rows: list[Row] = []
    for case in sorted(facts.cases, key=_case_order):
        rows.extend(_evaluate_case(case, idx, facts, m))
    return rows


def _case_order(case: CaseFacts) -> tuple:
    return (case.unit_id or "", case.specialist_id, case.case_id)
