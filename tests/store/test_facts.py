"""What the month's facts load: only the notes a rule can read (docs/policy.md "Which notes count")."""

from __future__ import annotations

from datetime import date

from staffing_tui.domain.enums import Method
from staffing_tui.domain.model import ExceptionFacts, MonthFacts, NoteFacts, PlanFacts
from staffing_tui.domain.months import Month
from staffing_tui.store.facts import _looking_back

OCTOBER = Month(2026, 10)


def note(note_id: str, case_id: str, method: Method, *people: str) -> NoteFacts:
    return NoteFacts(note_id, case_id, date(2026, 10, 9), "2026-10-09T10:00", method, frozenset(people))


def test_only_exception_and_plan_holders_without_the_contact_in_the_month_look_back():
    """An exception's quarterly minimum and a plan every two or three months read the two
    months before — unless the month already holds the contact they ask for."""
    facts = MonthFacts(
        exceptions=[
            ExceptionFacts(1, "C1", "A1", OCTOBER, OCTOBER),  # phoned in October: answered
            ExceptionFacts(2, "C2", "K2", OCTOBER, OCTOBER),  # phoned on another case: answered
            ExceptionFacts(5, "C6", "K6", OCTOBER, OCTOBER),  # nobody contacted K6
            ExceptionFacts(3, "C3", "K3", Month(2026, 9), Month(2026, 9)),  # does not cover October
            ExceptionFacts(4, "C5", "K5", OCTOBER, OCTOBER, revoked_from=OCTOBER),  # revoked
        ],
        plans=[
            PlanFacts(1, "C4", "B1", 3, frozenset({Method.VIDEO}), OCTOBER),  # phoned, the plan asks for video
            PlanFacts(2, "C4", "B2", 2, frozenset({Method.PHONE}), OCTOBER),  # phoned, as planned
            PlanFacts(3, "C4", "B3", 1, frozenset({Method.VIDEO}), OCTOBER),  # monthly: the month alone
        ],
        notes=[
            note("N1", "C1", Method.PHONE, "A1"),
            note("N2", "C2", Method.IN_PERSON, "P9"),  # the case, not the person
            note("N3", "C9", Method.PHONE, "K2"),  # contacts count on every case of the person
            note("N4", "C4", Method.PHONE, "B1", "B2", "B3"),
        ],
    )

    assert _looking_back(facts, OCTOBER) == {"K6", "B1"}
    assert _looking_back(MonthFacts(notes=facts.notes), OCTOBER) == set()
