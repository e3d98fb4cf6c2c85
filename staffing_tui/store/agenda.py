"""A specialist's staffing agenda for a month (issue: staffing records §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.enums import Reason, Status
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.store.directory import check_scope, people_names
from staffing_tui.store.evaluation import MonthReport, month_report, report_names
from staffing_tui.store.records import list_next_steps
from staffing_tui.store.sql import fetch_dicts


@dataclass(slots=True)
class Agenda:
    specialist_id: str
    report: MonthReport
    names: dict[str, str]
    not_seen: list[Row] = field(default_factory=list)  # unmet, no reason
    due: list[Row] = field(default_factory=list)  # month in progress
    plans_missing: list[Row] = field(default_factory=list)
    plans_to_review: list[dict] = field(default_factory=list)
    exceptions_to_review: list[dict] = field(default_factory=list)
    next_steps: list[dict] = field(default_factory=list)
    flagged: list[Row] = field(default_factory=list)

    @property
    def days_left(self) -> int:
        return max(0, (self.report.month.end - self.report.as_of).days) if self.report.in_progress else 0


#: The specialist assigned case `c` on the day given as the first parameter: the assignment covering
#: it (case_assignments), else `cases.specialist_id` (docs/policy.md "Case transfers").
ASSIGNED_ON = ("coalesce((SELECT a.specialist_id FROM case_assignments a WHERE a.case_id = c.case_id "
               "AND a.start_on <= ?1 AND (a.end_on IS NULL OR a.end_on >= ?1)), c.specialist_id)")


def build_agenda(db: Database, specialist_id: str, month: Month, as_of: date | None = None) -> Agenda:
    check_scope(db, None, specialist_id)
    report = month_report(db, month, as_of, specialist_id=specialist_id)
    agenda = Agenda(specialist_id, report, report_names(db, report))
    for row in report.rows:
        if row.status is Status.UNMET:
            agenda.not_seen.append(row)
        elif row.status is Status.DUE:
            agenda.due.append(row)
        if row.reason is Reason.NO_CONTACT_PLAN:
            agenda.plans_missing.append(row)
        if row.integrity_flags:  # a late record is no problem to fix (docs/policy.md "As known then")
            agenda.flagged.append(row)
    month_end = month.end.isoformat()
    # The specialist's cases: those assigned to them on the day the month's facts are read (the
    # month's last day, or the as-of date) — a case transferred away leaves their agenda with it.
    day = min(month.end, report.as_of).isoformat()
    agenda.plans_to_review = fetch_dicts(db,
        "SELECT p.* FROM contact_plans p JOIN cases c ON c.case_id = p.case_id "
        f"WHERE {ASSIGNED_ON} = ? AND p.superseded_by IS NULL AND p.review_on <= ? "
        "AND (p.end_month IS NULL OR p.end_month >= ?) ORDER BY p.review_on",
        [day, specialist_id, month_end, str(month)])
    agenda.exceptions_to_review = fetch_dicts(db,
        "SELECT e.* FROM exceptions e JOIN cases c ON c.case_id = e.case_id "
        f"WHERE {ASSIGNED_ON} = ? AND e.revoked_at IS NULL AND e.end_month >= ? "
        "AND (e.review_on <= ? OR e.end_month <= ?) ORDER BY e.end_month",
        [day, specialist_id, str(month), month_end, str(month.next())])
    agenda.next_steps = list_next_steps(db, specialist_id, open_only=True)
    # The agenda names the people of its records (a parent's plan, a person's exception), not their ids.
    agenda.names.update({pid: person.display for pid, person in people_names(db, record_people(agenda)).items()
                         if pid not in agenda.names})
    return agenda


def record_people(agenda: Agenda) -> set[str]:
    """The people the agenda's plans, exceptions and next steps are about."""
    return ({p["parent_id"] for p in agenda.plans_to_review} | {e["person_id"] for e in agenda.exceptions_to_review}
            | {s["person_id"] for s in agenda.next_steps if s.get("person_id")})
