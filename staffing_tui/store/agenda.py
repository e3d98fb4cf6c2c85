"""A specialist's staffing agenda for a month (issue: staffing records §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.enums import Reason, Status
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.store.directory import check_scope, people_names, staff_members
from staffing_tui.store.evaluation import MonthReport, month_report, report_names
from staffing_tui.store.records import list_next_steps
from staffing_tui.store.sql import fetch_dicts, id_chunks, marks


#: Reasons a person was not seen that hold only while a fact holds: re-checked at each staffing.
RECHECK_REASONS = frozenset({
    Reason.RUNAWAY_LOCATE_EFFORTS, Reason.WHEREABOUTS_UNKNOWN_LOCATE_EFFORTS, Reason.INCARCERATED_REMOTE_CONTACT,
    Reason.EXCEPTION_APPROVED,
})


@dataclass(slots=True)
class StaffingDecisions:
    """The records `decided_by` created for the specialist's cases from `since` (and before
    `until`, when given): what was decided at the staffing, for the agenda export to record."""

    decided_by: str
    since: str
    until: str | None = None
    staffing_notes: list[dict] = field(default_factory=list)
    exceptions: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)
    steps_agreed: list[dict] = field(default_factory=list)
    steps_done: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (len(self.staffing_notes) + len(self.exceptions) + len(self.plans) + len(self.steps_agreed)
                + len(self.steps_done))


def day_span(day: date) -> tuple[str, str]:
    """(since, until) covering `day` in the timestamps the records carry (UTC, ISO 8601)."""
    return f"{day.isoformat()}T00:00:00", f"{date.fromordinal(day.toordinal() + 1).isoformat()}T00:00:00"


def staffing_decisions(db: Database, specialist_id: str, case_ids: list[str], decided_by: str, since: str,
                       until: str | None = None) -> StaffingDecisions:
    """What `decided_by` recorded for `specialist_id` (on `case_ids`, their cases) from `since`:
    staffing notes, exceptions, contact plans, next steps agreed and next steps marked done."""
    decisions = StaffingDecisions(decided_by, since, until)
    window = "{col} >= ? AND (? IS NULL OR {col} < ?)"
    cases = sorted(set(case_ids))
    for chunk in id_chunks(cases):
        in_cases = f"case_id IN ({marks(chunk)})"
        created = window.format(col="created_at")
        params = [decided_by, since, until, until, *chunk]
        decisions.staffing_notes += fetch_dicts(db, f"SELECT * FROM staffing_notes WHERE created_by = ? AND {created} "
                                                    f"AND {in_cases} ORDER BY created_at, staffing_note_id", params)
        decisions.exceptions += fetch_dicts(db, f"SELECT * FROM exceptions WHERE created_by = ? AND {created} "
                                                f"AND {in_cases} ORDER BY created_at, exception_id", params)
        decisions.plans += fetch_dicts(db, f"SELECT * FROM contact_plans WHERE created_by = ? AND {created} "
                                           f"AND {in_cases} ORDER BY created_at, contact_plan_id", params)
    decisions.steps_agreed = fetch_dicts(
        db, f"SELECT * FROM next_steps WHERE specialist_id = ? AND created_by = ? AND {window.format(col='created_at')} "
            "ORDER BY created_at, next_step_id", [specialist_id, decided_by, since, until, until])
    decisions.steps_done = fetch_dicts(
        db, f"SELECT * FROM next_steps WHERE specialist_id = ? AND done_by = ? AND {window.format(col='done_at')} "
            "ORDER BY done_at, next_step_id", [specialist_id, decided_by, since, until, until])
    return decisions


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
    #: Explained or excused, not seen for a reason that can change (a runaway, a parent whose
    #: whereabouts are unknown, an incarcerated parent, an exception): to re-check at the staffing.
    recheck: list[Row] = field(default_factory=list)
    #: What was decided at the staffing (`staffing_decisions`), when asked for.
    decisions: StaffingDecisions | None = None

    @property
    def days_left(self) -> int:
        return max(0, (self.report.month.end - self.report.as_of).days) if self.report.in_progress else 0


#: The specialist assigned case `c` on the day given as the first parameter: the assignment covering
#: it (case_assignments), else `cases.specialist_id` (docs/policy.md "Case transfers").
ASSIGNED_ON = ("coalesce((SELECT a.specialist_id FROM case_assignments a WHERE a.case_id = c.case_id "
               "AND a.start_on <= ?1 AND (a.end_on IS NULL OR a.end_on >= ?1)), c.specialist_id)")


def build_agenda(db: Database, specialist_id: str, month: Month, as_of: date | None = None, *,
                 decided_by: str | None = None, since: str | None = None, until: str | None = None) -> Agenda:
    """The agenda; with `decided_by` and `since`, also what they decided at the staffing
    (`staffing_decisions`) for the export to record."""
    check_scope(db, None, specialist_id)
    report = month_report(db, month, as_of, specialist_id=specialist_id)
    agenda = Agenda(specialist_id, report, report_names(db, report))
    for row in report.rows:
        if row.status is Status.UNMET:
            agenda.not_seen.append(row)
        elif row.status is Status.DUE:
            agenda.due.append(row)
        elif row.status in (Status.EXPLAINED, Status.EXCUSED) and row.reason in RECHECK_REASONS:
            agenda.recheck.append(row)
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
    if decided_by is not None and since is not None:
        agenda.decisions = staffing_decisions(db, specialist_id, [row.case_id for row in report.rows], decided_by,
                                              since, until)
        deciding = staff_members(db, {decided_by})
        if not deciding:
            raise UserError(f"There is no staff member {decided_by!r} to have decided at the staffing; "
                            "give the staff id of the supervisor who held it.")
        agenda.names.update({m.staff_id: m.name for m in deciding.values()})
    # The agenda names the people of its records (a parent's plan, a person's exception), not their ids.
    agenda.names.update({pid: person.display for pid, person in people_names(db, record_people(agenda)).items()
                         if pid not in agenda.names})
    return agenda


def record_people(agenda: Agenda) -> set[str]:
    """The people the agenda's plans, exceptions and next steps are about."""
    return ({p["parent_id"] for p in agenda.plans_to_review} | {e["person_id"] for e in agenda.exceptions_to_review}
            | {s["person_id"] for s in agenda.next_steps if s.get("person_id")})
