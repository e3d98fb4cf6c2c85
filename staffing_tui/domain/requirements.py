"""Which requirement applies to a (case, person, month) — docs/policy.md "Requirements".

Each case type has one function; `requirement_for` dispatches. A result
either names the requirement to meet or the reason nothing is required.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from staffing_tui.domain.enums import CaseType, Goal, Reason, Requirement, Role
from staffing_tui.domain.goals import goal_on
from staffing_tui.domain.model import GoalFacts, MemberFacts, PlacementFacts, record
from staffing_tui.domain.months import Month
from staffing_tui.domain.scope import out_of_home_any_day, out_of_home_every_day


@record
class LinkedChild:
    """A child linked to a parent through parent_child on the same case, in scope in the month."""

    child_id: str
    goals: Sequence[GoalFacts]
    placements: Sequence[PlacementFacts]


@record
class Decision:
    requirement: Requirement
    #: why nothing is required (requirement is then `none`)
    not_required: Reason | None = None
    #: the out-of-home requirement also needs out-of-home care every day for a full month
    needs_out_of_home_every_day: bool = False
    goal: Goal | None = None


def nothing_required(reason: Reason, goal: Goal | None = None) -> Decision:
    return Decision(Requirement.NONE, not_required=reason, goal=goal)


def dependency_child(placements: Sequence[PlacementFacts], goals: Sequence[GoalFacts], month: Month, goal_day: date) -> Decision:
    """Out-of-home care on any day of M → monthly face to face; else in the home."""
    goal = goal_on(goals, goal_day)
    if out_of_home_any_day(placements, month):
        return Decision(Requirement.MONTHLY_FACE_TO_FACE, needs_out_of_home_every_day=True, goal=goal)
    return Decision(Requirement.MONTHLY_FACE_TO_FACE_IN_HOME, goal=goal)


def parent_goal_class(linked: Sequence[LinkedChild], goal_day: date) -> tuple[bool, Goal]:
    """Reunification class when any linked in-scope child's goal on `goal_day` is
    reunification/remain_with_family, or when no linked child is in scope.

    Returns (is_reunification, the goal shown for the parent).
    """
    if not linked:
        return True, Goal.REUNIFICATION
    goals = [goal_on(child.goals, goal_day) for child in linked]
    for goal in goals:
        if goal.is_reunification_class:
            return True, goal
    return False, goals[0]


def dependency_parent(member: MemberFacts, linked: Sequence[LinkedChild], month: Month, goal_day: date) -> Decision:
    if member.rights_terminated_on is not None and member.rights_terminated_on <= month.end:
        return nothing_required(Reason.RIGHTS_TERMINATED)
    reunification, goal = parent_goal_class(linked, goal_day)
    if reunification:
        # In the home only when the parent lives there with a linked child who
        # had no out-of-home placement on any day of M.
        child_at_home = any(not out_of_home_any_day(child.placements, month) for child in linked)
        if member.resides_in_home and child_at_home:
            return Decision(Requirement.MONTHLY_FACE_TO_FACE_IN_HOME, goal=goal)
        return Decision(Requirement.MONTHLY_FACE_TO_FACE, goal=goal)
    if member.whereabouts_unknown:
        return nothing_required(Reason.WHEREABOUTS_UNKNOWN, goal)
    return Decision(Requirement.CONTACT_PLAN, goal=goal)


def voluntary_member(member: MemberFacts) -> Decision:
    """Parents and children residing in the household are seen monthly."""
    if member.role.is_child or member.role.is_parent:
        if member.resides_in_home:
            return Decision(Requirement.MONTHLY_FACE_TO_FACE)
        return nothing_required(Reason.NOT_IN_HOUSEHOLD)
    return nothing_required(Reason.NO_REQUIREMENT)


def investigation_member(member: MemberFacts) -> Decision:
    """Alleged victims and children in the home; alleged perpetrators, parents in
    the home and every spouse/partner are interviewed."""
    role = member.role
    if role is Role.CHILD:
        required = member.alleged_victim or member.resides_in_home
    elif role.is_parent:
        required = member.alleged_perpetrator or member.resides_in_home
    else:
        required = role is Role.SPOUSE_PARTNER
    if required:
        return Decision(Requirement.INVESTIGATION_INTERVIEW)
    return nothing_required(Reason.NO_REQUIREMENT)


def requirement_for(
    case_type: CaseType,
    member: MemberFacts,
    month: Month,
    goal_day: date,
    *,
    placements: Sequence[PlacementFacts] = (),
    goals: Sequence[GoalFacts] = (),
    linked: Sequence[LinkedChild] = (),
) -> Decision:
    """The requirement for one member of one case in one month."""
    if case_type is CaseType.INVESTIGATION:
        return investigation_member(member)
    if case_type is CaseType.VOLUNTARY:
        return voluntary_member(member)
    if member.role.is_child:
        return dependency_child(placements, goals, month, goal_day)
    if member.role.is_parent:
        return dependency_parent(member, linked, month, goal_day)
    return nothing_required(Reason.NO_REQUIREMENT)


def needs_full_out_of_home(decision: Decision, placements: Sequence[PlacementFacts], month: Month) -> bool:
    """For the out-of-home requirement a full month also needs care every day."""
    return not decision.needs_out_of_home_every_day or out_of_home_every_day(placements, month)
