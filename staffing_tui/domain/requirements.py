"""Which requirement applies to a (case, person, month) — docs/policy.md "Requirements".

Each case type has one function; `requirement_for` dispatches. A result
either names the requirement to meet or the reason nothing is required.

Facts that can change within the month (placement, goal, rights, the dated member facts) are read
on `day`: the person's last in-scope day of the month, or the as-of date when earlier
(docs/policy.md "Which day a fact is read"). Out-of-home care is the exception: one out-of-home
day in the month is enough.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from staffing_tui.domain.enums import CaseType, Goal, MemberFact, Reason, Requirement, Role
from staffing_tui.domain.goals import goal_on
from staffing_tui.domain.model import GoalFacts, MemberFacts, PlacementFacts, record
from staffing_tui.domain.months import Month
from staffing_tui.domain.scope import out_of_home_any_day


@record
class LinkedChild:
    """A child linked to a parent through parent_child on the same case."""

    child_id: str
    goals: Sequence[GoalFacts]
    placements: Sequence[PlacementFacts]
    #: the day this parent's rights to this child end: the earlier of parent_child's date and the
    #: member's own rights_terminated_on (None: intact)
    rights_end: date | None = None
    #: in scope for the case in the month
    in_scope: bool = True


@record
class Decision:
    requirement: Requirement
    #: why nothing is required (requirement is then `none`)
    not_required: Reason | None = None
    goal: Goal | None = None


def nothing_required(reason: Reason, goal: Goal | None = None) -> Decision:
    return Decision(Requirement.NONE, not_required=reason, goal=goal)


def ended_by(end: date | None, day: date) -> bool:
    """Whether something ending on `end` (rights, say) has ended by `day`."""
    return end is not None and end <= day


def rights_end(parent_child_end: date | None, member_end: date | None) -> date | None:
    """A parent's rights to one child end on the earlier of the two dates (docs/policy.md "Parents: reunification or not")."""
    if parent_child_end is None:
        return member_end
    if member_end is None:
        return parent_child_end
    return min(parent_child_end, member_end)


def rights_terminated(member: MemberFacts, linked: Sequence[LinkedChild], day: date) -> bool:
    """Rights ended by `day` to every linked child — or, with no child linked, the member's own date."""
    if not linked:
        return ended_by(member.rights_terminated_on, day)
    return all(ended_by(child.rights_end, day) for child in linked)


def child_requirement(case_type: CaseType, member: MemberFacts, placements: Sequence[PlacementFacts],
                      goals: Sequence[GoalFacts], month: Month, day: date) -> Decision:
    """A child in out-of-home care on any day of M is seen monthly, whatever the case type (on an
    investigation this replaces the interview that month); otherwise the case type decides."""
    goal = goal_on(goals, day) if case_type is CaseType.DEPENDENCY else None
    if out_of_home_any_day(placements, month):
        return Decision(Requirement.MONTHLY_FACE_TO_FACE, goal=goal)
    if case_type is CaseType.DEPENDENCY:
        return Decision(Requirement.MONTHLY_FACE_TO_FACE_IN_HOME, goal=goal)
    resides = member.holds(MemberFact.RESIDES_IN_HOME, day)
    if case_type is CaseType.VOLUNTARY:
        return Decision(Requirement.MONTHLY_FACE_TO_FACE) if resides else nothing_required(Reason.NOT_IN_HOUSEHOLD)
    if member.alleged_victim or resides:
        return Decision(Requirement.INVESTIGATION_INTERVIEW)
    return nothing_required(Reason.NO_REQUIREMENT)


def parent_goal_class(linked: Sequence[LinkedChild], day: date) -> tuple[bool, Goal]:
    """Reunification class when any linked in-scope child to whom the parent's rights are intact has
    goal reunification/remain_with_family on `day`, or when no linked child is in scope.

    Returns (is_reunification, the goal shown for the parent).
    """
    in_scope = [child for child in linked if child.in_scope]
    if not in_scope:
        return True, Goal.REUNIFICATION
    intact = [goal_on(child.goals, day) for child in in_scope if not ended_by(child.rights_end, day)]
    for goal in intact:
        if goal.is_reunification_class:
            return True, goal
    return False, intact[0] if intact else goal_on(in_scope[0].goals, day)


def dependency_parent(member: MemberFacts, linked: Sequence[LinkedChild], month: Month, day: date) -> Decision:
    if rights_terminated(member, linked, day):
        return nothing_required(Reason.RIGHTS_TERMINATED)
    reunification, goal = parent_goal_class(linked, day)
    if reunification:
        # In the home only when the parent lives there with a linked child in scope who had no
        # out-of-home placement on any day of M.
        child_at_home = any(child.in_scope and not out_of_home_any_day(child.placements, month) for child in linked)
        if child_at_home and member.holds(MemberFact.RESIDES_IN_HOME, day):
            return Decision(Requirement.MONTHLY_FACE_TO_FACE_IN_HOME, goal=goal)
        return Decision(Requirement.MONTHLY_FACE_TO_FACE, goal=goal)
    if member.holds(MemberFact.WHEREABOUTS_UNKNOWN, day):
        return nothing_required(Reason.WHEREABOUTS_UNKNOWN, goal)
    return Decision(Requirement.CONTACT_PLAN, goal=goal)


def voluntary_adult(member: MemberFacts, day: date) -> Decision:
    """Parents residing in the household are seen monthly; other adults have no requirement."""
    if member.role.is_parent:
        if member.holds(MemberFact.RESIDES_IN_HOME, day):
            return Decision(Requirement.MONTHLY_FACE_TO_FACE)
        return nothing_required(Reason.NOT_IN_HOUSEHOLD)
    return nothing_required(Reason.NO_REQUIREMENT)


def investigation_adult(member: MemberFacts, day: date) -> Decision:
    """Alleged perpetrators (parents or other adults), parents in the home and every
    spouse/partner are interviewed."""
    role = member.role
    if role.is_parent:
        required = member.alleged_perpetrator or member.holds(MemberFact.RESIDES_IN_HOME, day)
    elif role is Role.SPOUSE_PARTNER:
        required = True
    else:
        required = role is Role.OTHER_ADULT and member.alleged_perpetrator
    if required:
        return Decision(Requirement.INVESTIGATION_INTERVIEW)
    return nothing_required(Reason.NO_REQUIREMENT)


def requirement_for(
    case_type: CaseType,
    member: MemberFacts,
    month: Month,
    day: date,
    *,
    placements: Sequence[PlacementFacts] = (),
    goals: Sequence[GoalFacts] = (),
    linked: Sequence[LinkedChild] = (),
) -> Decision:
    """The requirement for one member of one case in one month, its facts read on `day`."""
    if member.role.is_child:
        return child_requirement(case_type, member, placements, goals, month, day)
    if case_type is CaseType.INVESTIGATION:
        return investigation_adult(member, day)
    if case_type is CaseType.VOLUNTARY:
        return voluntary_adult(member, day)
    if member.role.is_parent:
        return dependency_parent(member, linked, month, day)
    return nothing_required(Reason.NO_REQUIREMENT)
