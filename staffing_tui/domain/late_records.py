"""Records made after the month ended (docs/policy.md "As known then"): the flag `recorded_after_month`.

A row explained or excused by a record created after its month ended carries
the flag: late approvals are allowed, and must show. Which records were on
record at all on the as-of date is decided when the facts are loaded
(`store/facts.py`); this decides only whether the one the row rests on came late.
"""

from __future__ import annotations

from datetime import date

from staffing_tui.domain.enums import Reason, Status
from staffing_tui.domain.model import ExceptionFacts, PlanFacts
from staffing_tui.domain.months import Month

#: The outcomes that rest on a record of the app rather than on the notes.
RECORD_OUTCOMES = frozenset({
    (Status.EXCUSED, Reason.EXCEPTION_APPROVED),
    (Status.EXPLAINED, Reason.STAFFING_REASON),
    # Our reading: a contact plan approved after the month ended, whose contacts then count as
    # "followed", is a late approval as much as a late exception, so it shows too.
    (Status.MET, Reason.CONTACT_PLAN_FOLLOWED),
})
#: Their reasons: a row with another reason cannot be late (a cheap test for the ten thousand rows).
RECORD_REASONS = frozenset(reason for _status, reason in RECORD_OUTCOMES)


def recorded_after_month(
    status: Status,
    reason: Reason,
    month: Month,
    *,
    exception: ExceptionFacts | None,
    plan: PlanFacts | None,
    staffing_note_on: date | None,
) -> bool:
    """Whether the record the outcome rests on was created after `month` ended.

    `exception` and `plan` are the ones active in the month; `staffing_note_on` is the day the
    earliest staffing note for the row was created (an on-time note explains it on time).
    A record whose creation day is not known counts as on time.
    """
    if (status, reason) not in RECORD_OUTCOMES:
        return False
    if reason is Reason.EXCEPTION_APPROVED:
        created_on = exception.created_on if exception is not None else None
    elif reason is Reason.CONTACT_PLAN_FOLLOWED:
        created_on = plan.created_on if plan is not None else None
    else:
        created_on = staffing_note_on
    return created_on is not None and created_on > month.end
