"""The status order 1–8 (docs/policy.md "Status order"): first match wins.

`status_of` decides the raw outcome of a requirement; `finalise` applies the
month-level adjustments (partial month, month in progress, open
investigation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from staffing_tui.domain.enums import (
    CONTACT_METHODS,
    INTERVIEW_REMOTE_METHODS,
    REMOTE_METHODS,
    Location,
    Method,
    Reason,
    Requirement,
    Status,
)
from staffing_tui.domain.model import ExceptionFacts, NoteFacts, PlanFacts
from staffing_tui.domain.months import Month
from staffing_tui.domain.scope import month_days


@dataclass(slots=True)
class Evidence:
    """The notes that bear on one person of one case (docs/policy.md "Which notes count").

    `contacts`: notes listing the person in note_contacts, on any case the person was a member of
    that day; `locates`: notes on this case whose locate_for is the person. Both already limited
    to days ≤ as_of.
    """

    contacts: list[NoteFacts] = field(default_factory=list)
    locates: list[NoteFacts] = field(default_factory=list)

    def contacts_between(self, first: date, last: date, methods: Iterable[Method]) -> list[NoteFacts]:
        methods = frozenset(methods)
        return [n for n in self.contacts if first <= n.day <= last and n.method in methods]

    def has_contact(self, first: date, last: date, methods: Iterable[Method]) -> bool:
        methods = frozenset(methods)  # the same object when it already is one
        for n in self.contacts:
            if first <= n.day <= last and n.method in methods:
                return True
        return False

    def has_locate_effort(self, month: Month, since: date | None = None) -> bool:
        """A locate effort in `month` (on or after `since`, when given)."""
        if not self.locates:
            return False
        first, last = month_days(month)
        if since is not None and since > first:
            first = since
        return any(first <= n.day <= last for n in self.locates)



@dataclass(frozen=True, slots=True)
class Situation:
    """What the placement directory and the membership flags say about the person."""

    is_child: bool
    is_adult: bool
    #: the day the child's runaway began, when the placement on the day facts are read is runaway
    runaway_since: date | None = None
    #: a phone or video contact in M, on a day the child was placed out of state, with the child
    #: or with that placement (rule 4, worked out by the caller from the notes and the directory)
    out_of_state_called: bool = False
    whereabouts_unknown: bool = False
    incarcerated: bool = False


_IN_PERSON = frozenset({Method.IN_PERSON})

Outcome = tuple[Status, Reason]


def _satisfied(
    requirement: Requirement,
    month: Month,
    evidence: Evidence,
    situation: Situation,
    *,
    since: date,
    plan: PlanFacts | None,
) -> Outcome | None:
    """Rule 1 (with rule 4 folded in): the requirement is met."""
    start, end = month_days(month)
    if requirement is Requirement.MONTHLY_FACE_TO_FACE:
        if evidence.has_contact(start, end, _IN_PERSON):
            return Status.MET, Reason.SEEN_IN_PERSON
        # Rule 4: a child placed out of state is seen through the monthly call.
        if situation.out_of_state_called:
            return Status.MET, Reason.OUT_OF_STATE_PHONE
        return None
    if requirement is Requirement.MONTHLY_FACE_TO_FACE_IN_HOME:
        if any(n.location is Location.HOME for n in evidence.contacts_between(start, end, _IN_PERSON)):
            return Status.MET, Reason.SEEN_IN_HOME
        if situation.out_of_state_called:
            return Status.MET, Reason.OUT_OF_STATE_PHONE
        return None
    if requirement is Requirement.CONTACT_PLAN:
        if plan is not None and evidence.has_contact(month.shift(1 - plan.frequency_months).start, end, plan.methods):
            return Status.MET, Reason.CONTACT_PLAN_FOLLOWED
        return None
    if requirement is Requirement.INVESTIGATION_INTERVIEW:
        if evidence.has_contact(since, end, _IN_PERSON):
            return Status.MET, Reason.INTERVIEWED
        if situation.is_adult and evidence.has_contact(since, end, INTERVIEW_REMOTE_METHODS):
            return Status.EXPLAINED, Reason.REMOTE_INTERVIEW
        return None
    if requirement is Requirement.HOME_VISIT:
        if any(n.location is Location.HOME for n in evidence.contacts_between(since, end, _IN_PERSON)):
            return Status.MET, Reason.HOME_VISITED
        return None
    return None


def unmet_reason(requirement: Requirement, month: Month, evidence: Evidence, plan: PlanFacts | None) -> Reason:
    """Rule 8: why the requirement is not met."""
    if requirement is Requirement.MONTHLY_FACE_TO_FACE_IN_HOME:
        if evidence.has_contact(*month_days(month), _IN_PERSON):
            return Reason.SEEN_NOT_IN_HOME
        return Reason.NOT_SEEN
    if requirement is Requirement.CONTACT_PLAN:
        return Reason.CONTACT_PLAN_NOT_FOLLOWED if plan is not None else Reason.NO_CONTACT_PLAN
    if requirement is Requirement.INVESTIGATION_INTERVIEW:
        return Reason.NOT_INTERVIEWED
    if requirement is Requirement.HOME_VISIT:
        return Reason.NO_HOME_VISIT
    return Reason.NOT_SEEN


def status_of(
    requirement: Requirement,
    month: Month,
    evidence: Evidence,
    situation: Situation,
    *,
    since: date,
    exception: ExceptionFacts | None = None,
    plan: PlanFacts | None = None,
    staffing_note: bool = False,
) -> Outcome:
    """Rules 1–8 of the status order for one requirement (first match wins).

    `since` is the first day investigation contacts count from (the case's
    opening). `exception` and `plan` are the ones active in the month.
    """
    met = _satisfied(requirement, month, evidence, situation, since=since, plan=plan)
    if met is not None:
        return met
    # 2. Approved exception covering M (revocation already applied by the caller).
    if exception is not None:
        if situation.is_child:
            return Status.EXCUSED, Reason.EXCEPTION_APPROVED
        # Adults: telephone or written contact at least once every three months.
        if evidence.has_contact(month.shift(-2).start, month_days(month)[1], CONTACT_METHODS):
            return Status.EXCUSED, Reason.EXCEPTION_APPROVED
        return Status.UNMET, Reason.EXCEPTION_WITHOUT_QUARTERLY_CONTACT
    # 3. Child on runaway on the day facts are read: locate efforts since the runaway began?
    if situation.is_child and situation.runaway_since is not None:
        if evidence.has_locate_effort(month, situation.runaway_since):
            return Status.EXPLAINED, Reason.RUNAWAY_LOCATE_EFFORTS
        return Status.UNMET, Reason.RUNAWAY_NO_LOCATE_EFFORTS
    # 4. (out of state) is part of rule 1.
    # 5. Adult whereabouts unknown: locate efforts documented?
    if situation.is_adult and situation.whereabouts_unknown:
        if evidence.has_locate_effort(month):
            return Status.EXPLAINED, Reason.WHEREABOUTS_UNKNOWN_LOCATE_EFFORTS
        return Status.UNMET, Reason.WHEREABOUTS_UNKNOWN_NO_LOCATE_EFFORTS
    # 6. Adult incarcerated with a call, video or letter this month.
    if situation.is_adult and situation.incarcerated and evidence.has_contact(*month_days(month), REMOTE_METHODS):
        return Status.EXPLAINED, Reason.INCARCERATED_REMOTE_CONTACT
    # 7. A reason recorded when the case was staffed.
    if staffing_note:
        return Status.EXPLAINED, Reason.STAFFING_REASON
    # 8.
    return Status.UNMET, unmet_reason(requirement, month, evidence, plan)


#: The reasons of rule 8 (nothing else applied): the only unmet outcomes a partial month excuses.
#: A runaway or a missing adult without locate efforts, or an exception without its quarterly
#: contact, stays unmet in a partial month too (docs/policy.md "Full and partial months").
RULE_8_REASONS = frozenset({
    Reason.NOT_SEEN, Reason.SEEN_NOT_IN_HOME, Reason.NO_CONTACT_PLAN, Reason.CONTACT_PLAN_NOT_FOLLOWED,
    Reason.NOT_INTERVIEWED, Reason.NO_HOME_VISIT,
})


def finalise(
    requirement: Requirement,
    outcome: Outcome,
    *,
    full_month: bool,
    in_progress: bool,
    case_open_at_month_end: bool,
    investigation_over: bool = False,
) -> Outcome:
    """Month-level adjustments of an `unmet` outcome (docs/policy.md "Full and partial months",
    docs/policy.md "Month in progress").

    * rule 8's unmet for a monthly requirement in a month that is not full → not_required / partial_month;
    * month in progress → due (keeping the reason), except on an investigation closed on or before
      the as-of date (`investigation_over`): it can no longer be met;
    * investigation still open at the end of M → due (the investigation is not over).
    """
    status, reason = outcome
    if status is not Status.UNMET:
        return outcome
    if requirement.is_monthly and not full_month and reason in RULE_8_REASONS:
        return Status.NOT_REQUIRED, Reason.PARTIAL_MONTH
    if in_progress:
        return outcome if investigation_over else (Status.DUE, reason)
    if requirement in (Requirement.INVESTIGATION_INTERVIEW, Requirement.HOME_VISIT) and case_open_at_month_end:
        return Status.DUE, reason
    return outcome
