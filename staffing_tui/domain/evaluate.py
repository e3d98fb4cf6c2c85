"""Evaluate a whole month for a scope: facts in, report rows out (SPEC §4).

The store loads `MonthFacts` set-wise (a handful of queries for the whole
scope); everything here is pure Python over dictionaries built once, so the
cost grows with the number of people and notes, never with queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from staffing_tui.domain.enums import CaseType, Goal, LocationType, Requirement, Status
from staffing_tui.domain.flags import duplicate_note_people, flags_for
from staffing_tui.domain.goals import goal_on
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
)
from staffing_tui.domain.months import Month
from staffing_tui.domain.requirements import LinkedChild, needs_full_out_of_home, requirement_for
from staffing_tui.domain.scope import (
    case_open_span,
    has_type_in,
    is_full,
    member_span,
    placement_on,
)
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
    staffing_notes: set[tuple[str, str | None]]

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
        evidence: dict[tuple[str, str], Evidence] = defaultdict(Evidence)
        for n in facts.notes:
            if n.day > as_of:  # only notes on or before the as-of date count
                continue
            notes[n.case_id].append(n)
            for person_id in n.contacts:
                evidence[(n.case_id, person_id)].contacts.append(n)
            if n.locate_for:
                evidence[(n.case_id, n.locate_for)].locates.append(n)
        exceptions: dict[tuple[str, str], list[ExceptionFacts]] = defaultdict(list)
        for e in facts.exceptions:
            exceptions[(e.case_id, e.person_id)].append(e)
        plans: dict[tuple[str, str], list[PlanFacts]] = defaultdict(list)
        for p in facts.plans:
            plans[(p.case_id, p.parent_id)].append(p)
        staffing_notes = {(s.case_id, s.person_id) for s in facts.staffing_notes if s.month == month}
        return cls(members, placements, goals, children_of, notes, evidence, exceptions, plans, staffing_notes)


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


def _evaluate_case(case: CaseFacts, idx: _Index, facts: MonthFacts, month: Month, as_of: date) -> list[Row]:
    open_span = case_open_span(case, month)
    if open_span is None:
        return []
    in_progress = is_in_progress(month, as_of)
    goal_day = min(month.end, as_of)
    open_at_end = case.closed_on is None or case.closed_on >= month.end
    rows: list[Row] = []

    spans = {}
    for m in idx.members.get(case.case_id, ()):
        span = member_span(case, m, month)
        if span is not None:
            spans[m.person_id] = span
    by_person = {m.person_id: m for m in idx.members.get(case.case_id, ())}

    if case.case_type is CaseType.INVESTIGATION:
        evidence = Evidence(contacts=list(idx.notes.get(case.case_id, ())))
        outcome = status_of(
            Requirement.HOME_VISIT, month, evidence, Situation(is_child=False, is_adult=False),
            since=case.opened_on, staffing_note=(case.case_id, None) in idx.staffing_notes,
        )
        status, reason = finalise(
            Requirement.HOME_VISIT, outcome, full_month=True, in_progress=in_progress,
            case_open_at_month_end=open_at_end,
        )
        rows.append(Row(case.case_id, None, None, case.case_type, case.unit_id, case.specialist_id,
                        Requirement.HOME_VISIT, status, reason))

    duplicates = duplicate_note_people(idx.notes.get(case.case_id, ()), month)
    for person_id, span in spans.items():
        member = by_person[person_id]
        role = member.role
        key = (case.case_id, person_id)
        placements = idx.placements.get(key, []) if role.is_child else []
        linked: list[LinkedChild] = []
        if role.is_parent and case.case_type is CaseType.DEPENDENCY:
            for child_id in idx.children_of.get(key, ()):
                child = by_person.get(child_id)
                if child is not None and child.role.is_child and child_id in spans:
                    linked.append(LinkedChild(child_id, idx.goals.get((case.case_id, child_id), ()),
                                              idx.placements.get((case.case_id, child_id), ())))
        decision = requirement_for(
            case.case_type, member, month, goal_day,
            placements=placements, goals=idx.goals.get(key, ()), linked=linked,
        )
        evidence = idx.evidence.get(key) or Evidence()
        exception = active_exception(idx.exceptions.get(key, []), month)
        plan = active_plan(idx.plans.get(key, []), month) if role.is_parent else None
        if decision.not_required is not None:
            status, reason = Status.NOT_REQUIRED, decision.not_required
        else:
            situation = Situation(
                is_child=role.is_child,
                is_adult=role.is_adult,
                runaway_in_month=role.is_child and has_type_in(placements, month, LocationType.RUNAWAY),
                out_of_state_in_month=role.is_child and has_type_in(placements, month, LocationType.OUT_OF_STATE),
                whereabouts_unknown=member.whereabouts_unknown,
                incarcerated=member.incarcerated,
            )
            outcome = status_of(
                decision.requirement, month, evidence, situation,
                since=case.opened_on, exception=exception,
                plan=plan if decision.requirement is Requirement.CONTACT_PLAN else None,
                staffing_note=key in idx.staffing_notes,
            )
            full = is_full(span, month) and needs_full_out_of_home(decision, placements, month)
            status, reason = finalise(
                decision.requirement, outcome, full_month=full, in_progress=in_progress,
                case_open_at_month_end=open_at_end,
            )
        flags = flags_for(
            person_id=person_id,
            is_child=role.is_child,
            is_adult_whereabouts_unknown=role.is_adult and member.whereabouts_unknown,
            contacts=evidence.contacts,
            placements=placements,
            duplicates=duplicates,
            month=month,
        )
        goal: Goal | None = decision.goal
        if goal is None and role.is_child and case.case_type is CaseType.DEPENDENCY:
            goal = goal_on(idx.goals.get(key, ()), goal_day)
        rows.append(Row(
            case_id=case.case_id,
            person_id=person_id,
            role=role,
            case_type=case.case_type,
            unit_id=case.unit_id,
            specialist_id=case.specialist_id,
            requirement=decision.requirement,
            status=status,
            reason=reason,
            last_seen=facts.last_seen.get(person_id),
            last_contact=facts.last_contact.get(person_id),
            placement=_placement_view(placements, goal_day) if role.is_child else None,
            goal=goal,
            rights=_rights(member, month) if role.is_parent else None,
            whereabouts=("unknown" if member.whereabouts_unknown else "known") if role.is_adult else None,
            exception_id=exception.exception_id if exception else None,
            contact_plan_id=plan.contact_plan_id if plan else None,
            flags=flags,
        ))
    return rows


def _rights(member: MemberFacts, month: Month) -> str:
    if member.rights_terminated_on is not None and member.rights_terminated_on <= month.end:
        return "terminated"
    return "intact"


def row_sort_key(row: Row) -> tuple:
    """Unit, specialist, case, person — the case-level row first."""
    return (row.unit_id or "", row.specialist_id, row.case_id, row.person_id is not None, row.person_id or "")


def evaluate_month(facts: MonthFacts, month: Month, as_of: date) -> list[Row]:
    """One row per in-scope (case, person) of `facts` for `month` as of `as_of`."""
    check_as_of(month, as_of)
    idx = _Index.build(facts, month, as_of)
    rows: list[Row] = []
    for case in facts.cases:
        rows.extend(_evaluate_case(case, idx, facts, month, as_of))
    rows.sort(key=row_sort_key)
    return rows
