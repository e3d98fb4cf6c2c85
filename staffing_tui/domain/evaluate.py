"""Evaluate a whole month for a scope: facts in, report rows out (docs/policy.md "Evaluating a month").

The store loads `MonthFacts` set-wise (a handful of queries for the whole
scope); everything here is pure Python over dictionaries built once, so the
cost grows with the number of people and notes, never with queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from typing import Sequence

from staffing_tui.domain.enums import (
    INTERVIEW_REMOTE_METHODS,
    CaseType,
    Flag,
    Goal,
    LocationType,
    MemberFact,
    Reason,
    Requirement,
    Role,
    Status,
)
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
from staffing_tui.domain.requirements import LinkedChild, requirement_for, rights_end, rights_terminated
from staffing_tui.domain.scope import has_type_in, placement_on, placements_in
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
    #: (case, parent) → [(child, the day parent_child ends this parent's rights to that child)]
    children_of: dict[tuple[str, str], list[tuple[str, date | None]]]
    #: the case's own notes (duplicates, the investigation's home visit)
    notes: dict[str, list[NoteFacts]]
    #: person → the notes listing them, on any case they were a member of that day
    contacts: dict[str, list[NoteFacts]]
    #: (case, person) → the case's locate efforts for the person
    locates: dict[tuple[str, str], list[NoteFacts]]
    #: placement → the notes that contacted it (notes.placement_id)
    placement_calls: dict[str, list[NoteFacts]]
    #: (case, child) with a runaway / an out-of-state placement in the month's facts: the few the
    #: runaway flag and rule 4 have to look at
    runaway: set[tuple[str, str]]
    out_of_state: set[tuple[str, str]]
    exceptions: dict[tuple[str, str], list[ExceptionFacts]]
    plans: dict[tuple[str, str], list[PlanFacts]]
    #: (case, person or None) → the day its first staffing note of the month was created
    staffing_notes: dict[tuple[str, str | None], date | None]
    #: cases with two notes of the month by one author in one minute (duplicate candidates)
    same_minute: set[str]

    @classmethod
    def build(cls, facts: MonthFacts, month: Month, as_of: date) -> "_Index":
        members: dict[str, list[MemberFacts]] = defaultdict(list)
        #: (case, person) → (joined_on, left_on): a contact counts where the person was a member that day
        membership: dict[tuple[str, str], tuple[date, date | None]] = {}
        for m in facts.members:
            members[m.case_id].append(m)
            membership[(m.case_id, m.person_id)] = (m.joined_on, m.left_on)
        for case_id, person_id, joined_on, left_on in facts.other_memberships:
            membership[(case_id, person_id)] = (joined_on, left_on)
        placements: dict[tuple[str, str], list[PlacementFacts]] = defaultdict(list)
        runaway: set[tuple[str, str]] = set()
        out_of_state: set[tuple[str, str]] = set()
        for p in facts.placements:
            key = (p.case_id, p.child_id)
            placements[key].append(p)
            if p.location_type is LocationType.RUNAWAY:
                runaway.add(key)
            elif p.location_type is LocationType.OUT_OF_STATE:
                out_of_state.add(key)
        goals: dict[tuple[str, str], list[GoalFacts]] = defaultdict(list)
        for g in facts.goals:
            goals[(g.case_id, g.child_id)].append(g)
        children_of: dict[tuple[str, str], list[tuple[str, date | None]]] = defaultdict(list)
        for case_id, parent_id, child_id, rights_end in facts.parent_child:
            children_of[(case_id, parent_id)].append((child_id, rights_end))
        notes: dict[str, list[NoteFacts]] = defaultdict(list)
        contacts: dict[str, list[NoteFacts]] = defaultdict(list)
        locates: dict[tuple[str, str], list[NoteFacts]] = defaultdict(list)
        placement_calls: dict[str, list[NoteFacts]] = defaultdict(list)
        first, last = month.start, month.end
        minutes: set[tuple] = set()
        same_minute: set[str] = set()
        member_on = membership.get
        for n in facts.notes:
            day = n.day
            if day > as_of:  # only notes on or before the as-of date count
                continue
            case_id = n.case_id
            notes[case_id].append(n)
            if n.contacts:
                for person_id in n.contacts:
                    span = member_on((case_id, person_id))
                    if span is not None and span[0] <= day and (span[1] is None or day <= span[1]):
                        contacts[person_id].append(n)
                if first <= day <= last:
                    slot = (case_id, n.author_id, n.minute)
                    if slot in minutes:
                        same_minute.add(case_id)
                    minutes.add(slot)
            if n.locate_for:
                locates[(case_id, n.locate_for)].append(n)
            if n.placement_id:
                placement_calls[n.placement_id].append(n)
        exceptions: dict[tuple[str, str], list[ExceptionFacts]] = defaultdict(list)
        for e in facts.exceptions:
            exceptions[(e.case_id, e.person_id)].append(e)
        plans: dict[tuple[str, str], list[PlanFacts]] = defaultdict(list)
        for p in facts.plans:
            plans[(p.case_id, p.parent_id)].append(p)
        staffing_notes = _first_staffing_notes(facts.staffing_notes, month)
        return cls(members, placements, goals, children_of, notes, contacts, locates, placement_calls, runaway,
                   out_of_state, exceptions, plans, staffing_notes, same_minute)

    def evidence(self, case_id: str, person_id: str) -> Evidence:
        found_contacts = self.contacts.get(person_id)
        found_locates = self.locates.get((case_id, person_id))
        if found_contacts is None and found_locates is None:
            return _NO_EVIDENCE
        return Evidence(found_contacts or [], found_locates or [])


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


def _placement_view(current: PlacementFacts | None) -> PlacementView | None:
    if current is None:
        return None
    return PlacementView(current.location_type, current.location_name, current.start_on)


_NO_EVIDENCE = Evidence()  # shared and never written to: people with no notes on the case
_NO_PEOPLE: frozenset[str] = frozenset()
_SITUATIONS: dict[tuple, Situation] = {}


def _situation(*flags: bool | date | None) -> Situation:
    """The (immutable) Situation for these flags: a few hundred exist (one per runaway's first day),
    so each is built once."""
    found = _SITUATIONS.get(flags)
    if found is None:
        if len(_SITUATIONS) > 4096:
            _SITUATIONS.clear()
        found = _SITUATIONS[flags] = Situation(*flags)
    return found


def _evaluate_case(case: CaseFacts, idx: _Index, facts: MonthFacts, m: _Month) -> list[Row]:
    month = m.month
    as_of = m.as_of
    # The days of M the case is open (case_open_span, inline).
    open_first = max(m.start, case.opened_on)
    open_last = m.end if case.closed_on is None else min(m.end, case.closed_on)
    if open_first > open_last:
        return []
    case_id = case.case_id
    in_progress = m.in_progress
    open_at_end = case.closed_on is None or case.closed_on >= m.end
    is_investigation = case.case_type is CaseType.INVESTIGATION
    # An investigation closed on or before the as-of date can no longer be met (docs/policy.md "Month in progress").
    investigation_over = is_investigation and case.closed_on is not None and case.closed_on <= as_of
    assignments = case.assignments
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

    if is_investigation:
        specialist_id, unit_id = case.assigned_on(_read_day(open_first, open_last, as_of)) if assignments else (
            case.specialist_id, case.unit_id)
        # The home visit: an in-person note at home on this case listing at least one member.
        listing_a_member = [n for n in idx.notes.get(case_id, ()) if n.contacts and not n.contacts.isdisjoint(by_person)]
        outcome = status_of(
            Requirement.HOME_VISIT, month, Evidence(contacts=listing_a_member), _situation(False, False),
            since=case.opened_on, staffing_note=(case_id, None) in idx.staffing_notes,
        )
        status, reason = finalise(
            Requirement.HOME_VISIT, outcome, full_month=True, in_progress=in_progress,
            case_open_at_month_end=open_at_end, investigation_over=investigation_over,
        )
        late = recorded_after_month(status, reason, month, exception=None, plan=None,
                                    staffing_note_on=idx.staffing_notes.get((case_id, None)))
        rows.append(Row(case_id, None, None, case.case_type, unit_id, specialist_id,
                        Requirement.HOME_VISIT, status, reason, flags=_LATE if late else ()))

    duplicates = (duplicate_note_people(idx.notes.get(case_id, ()), month)
                  if case_id in idx.same_minute else _NO_PEOPLE)
    exceptions_of, plans_of = idx.exceptions, idx.plans
    for member in members:
        person_id = member.person_id
        span = spans.get(person_id)
        if span is None:
            continue
        day = _read_day(span[0], span[1], as_of)
        role = member.role
        is_child = role is Role.CHILD
        is_parent = role.is_parent
        key = (case_id, person_id)
        placements = idx.placements.get(key, _NONE) if is_child else _NONE
        linked: list[LinkedChild] = []
        if is_parent:
            for child_id, parent_child_end in idx.children_of.get(key, ()):
                child = by_person.get(child_id)
                linked.append(LinkedChild(
                    child_id, idx.goals.get((case_id, child_id), ()), idx.placements.get((case_id, child_id), ()),
                    rights_end(parent_child_end, member.rights_terminated_on),
                    child is not None and child.role is Role.CHILD and child_id in spans,
                ))
        decision = requirement_for(
            case.case_type, member, month, day,
            placements=placements, goals=idx.goals.get(key, ()), linked=linked,
        )
        terminated = decision.not_required is Reason.RIGHTS_TERMINATED or (
            is_parent and rights_terminated(member, linked, day))
        evidence = idx.evidence(case_id, person_id)
        exception = active_exception(exceptions_of[key], month) if key in exceptions_of else None
        plan = active_plan(plans_of[key], month) if is_parent and key in plans_of else None
        current = placement_on(placements, day) if placements else None
        runaway_since = (runaway_began(placements, current)
                         if current is not None and current.location_type is LocationType.RUNAWAY else None)
        if decision.not_required is not None:
            status, reason = Status.NOT_REQUIRED, decision.not_required
        else:
            situation = _situation(
                is_child,
                not is_child,
                runaway_since,
                key in idx.out_of_state and _called_out_of_state(evidence.contacts, placements, idx.placement_calls,
                                                                 month),
                not is_child and member.holds(MemberFact.WHEREABOUTS_UNKNOWN, day),
                not is_child and member.holds(MemberFact.INCARCERATED, day),
            )
            outcome = status_of(
                decision.requirement, month, evidence, situation,
                since=case.opened_on, exception=exception,
                plan=plan if decision.requirement is Requirement.CONTACT_PLAN else None,
                staffing_note=key in idx.staffing_notes,
            )
            status, reason = finalise(
                decision.requirement, outcome, full_month=span[0] == m.start and span[1] == m.end,
                in_progress=in_progress, case_open_at_month_end=open_at_end, investigation_over=investigation_over,
            )
        ever_runaway = key in idx.runaway and has_type_in(placements, month, LocationType.RUNAWAY)
        ever_unknown = not is_child and (member.whereabouts_unknown or bool(member.periods))
        if ever_runaway or ever_unknown or person_id in duplicates:
            flags = flags_for(
                person_id=person_id,
                member=member,
                contacts=evidence.contacts,
                placements=placements,
                duplicates=duplicates,
                month=month,
            )
        else:
            flags = ()  # no flag can apply: no runaway placement, whereabouts never unknown, no duplicate
        if reason in RECORD_REASONS and recorded_after_month(status, reason, month, exception=exception, plan=plan,
                                                             staffing_note_on=idx.staffing_notes.get(key)):
            flags += _LATE
        goal: Goal | None = decision.goal
        if goal is None and is_child and case.case_type is CaseType.DEPENDENCY:
            goal = goal_on(idx.goals.get(key, ()), day)
        specialist_id, unit_id = case.assigned_on(day) if assignments else (case.specialist_id, case.unit_id)
        rows.append(Row(
            case_id, person_id, role, case.case_type, unit_id, specialist_id,
            decision.requirement, status, reason,
            facts.last_seen.get(person_id),
            facts.last_contact.get(person_id),
            _placement_view(current) if is_child else None,
            goal,
            ("terminated" if terminated else "intact") if is_parent else None,
            ("unknown" if member.holds(MemberFact.WHEREABOUTS_UNKNOWN, day) else "known") if not is_child else None,
            exception.exception_id if exception else None,
            plan.contact_plan_id if plan else None,
            flags,
        ))
    return rows


def _read_day(first: date, last: date, as_of: date) -> date:
    """The day a fact that can change within the month is read: the last in-scope day, or the
    as-of date when earlier (never before the first in-scope day) — docs/policy.md "Which day a fact is read"."""
    if as_of < last:
        return as_of if as_of >= first else first
    return last


def runaway_began(placements: Sequence[PlacementFacts], current: PlacementFacts) -> date:
    """The day the child's current runaway began: back through runaway placements that follow one
    another without a gap (a runaway entered as two rows is one runaway)."""
    began = current.start_on
    earlier = {p.end_on: p for p in placements if p.location_type is LocationType.RUNAWAY and p.end_on is not None}
    while (before := earlier.get(day_before(began))) is not None and before.start_on < began:
        began = before.start_on
    return began


def _called_out_of_state(contacts: Sequence[NoteFacts], placements: Sequence[PlacementFacts],
                         placement_calls: dict[str, list[NoteFacts]], month: Month) -> bool:
    """Rule 4: a phone or video contact in `month`, made on a day the child was placed out of state,
    with the child (listed in the note's contacts) or with that placement (the note's placement_id)."""
    away = [p for p in placements_in(placements, month) if p.location_type is LocationType.OUT_OF_STATE]
    if not away:
        return False
    calls = [n for n in contacts if n.method in INTERVIEW_REMOTE_METHODS and n.day in month
             and any(p.in_effect_on(n.day) for p in away)]
    if calls:
        return True
    return any(n.method in INTERVIEW_REMOTE_METHODS and n.day in month and p.in_effect_on(n.day)
               for p in away if p.placement_id for n in placement_calls.get(p.placement_id, ()))


_NONE: tuple = ()
_LATE = (Flag.RECORDED_AFTER_MONTH,)


def _person_id(member: MemberFacts) -> str:
    return member.person_id


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
    resort = False
    for order, case in sorted((_case_order(case, m), case) for case in facts.cases):
        made = _evaluate_case(case, idx, facts, m)
        if case.assignments and any(row.specialist_id != order[1] for row in made):
            resort = True  # transferred mid-month: someone's last in-scope day fell to the other specialist
        rows.extend(made)
    if resort:
        rows.sort(key=row_sort_key)
    return rows


def _case_order(case: CaseFacts, m: _Month) -> tuple:
    """Unit, specialist (assigned on the case's last open day of the month, or the as-of date) and case."""
    specialist_id, unit_id = case.specialist_id, case.unit_id
    if case.assignments:
        open_first = max(m.start, case.opened_on)
        open_last = m.end if case.closed_on is None else min(m.end, case.closed_on)
        if open_first <= open_last:
            specialist_id, unit_id = case.assigned_on(_read_day(open_first, open_last, m.as_of))
    return (unit_id or "", specialist_id, case.case_id)
