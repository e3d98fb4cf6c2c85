"""Read queries for the caseload and the person/case detail screen.

Plain functions over a sqlite-utils `Database` returning frozen dataclasses;
no Textual here. The caseload itself needs no query of its own: it is the
month's evaluated rows (evaluated once for the whole database) put in the
order a staffing walks them, with people's names looked up once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.enums import MemberFact, Role, Status
from staffing_tui.domain.evaluate import evaluate_month
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.store.directory import PersonName, people_names, staff_members
from staffing_tui.store.evaluation import resolve_as_of
from staffing_tui.store.facts import Scope, load_month_facts
from staffing_tui.store.sql import marks
from staffing_tui.store.trends import trend_months

#: The order a staffing walks a caseload (docs/policy.md "The visit policy"): not seen without a reason
#: first (the number that should be zero), then not seen for a documented
#: reason, then seen, then nobody to see.
CASELOAD_ORDER: dict[Status, int] = {
    Status.UNMET: 0,
    Status.DUE: 0,
    Status.EXPLAINED: 1,
    Status.EXCUSED: 1,
    Status.MET: 2,
    Status.NOT_REQUIRED: 3,
}

#: How many months the detail screen's status strip covers, ending with the month shown.
HISTORY_MONTHS = 12
#: How many of a case's notes the detail screen lists, newest first.
RECENT_NOTES = 40


def caseload_order(rows: Iterable[Row]) -> list[Row]:
    """`rows` in staffing order; within a group the engine's order (case, then person) stays."""
    return sorted(rows, key=lambda row: CASELOAD_ORDER[row.status])


def row_key(case_id: str, person_id: str | None) -> str:
    """One key per (case, person) row; the case-level row has an empty person part."""
    return f"{case_id}/{person_id or ''}"


# --- the detail screen ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseSummary:
    case_id: str
    case_type: str
    specialist_id: str
    specialist_name: str
    opened_on: date
    closed_on: date | None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who was assigned the case from when (docs/data.md "Files and columns"); `end_on` None: still."""

    specialist_id: str
    start_on: date
    end_on: date | None


@dataclass(frozen=True, slots=True)
class FactPeriod:
    """When one of a member's dated facts held (a `member_periods` row); `end_on` None: still holds."""

    fact: MemberFact
    start_on: date
    end_on: date | None


@dataclass(frozen=True, slots=True)
class ChildLink:
    """A parent's link to one child of the case, and when the parent's rights to that child ended."""

    child_id: str
    rights_terminated_on: date | None


@dataclass(frozen=True, slots=True)
class MemberLine:
    """A member of the case with the flags the visit rules read.

    `periods` and `children` are the dated facts: where a fact has periods, they say when it held
    and the boolean of the same name is not read (docs/data.md "Files and columns").
    """

    person_id: str
    role: Role
    birth_date: date | None
    deceased_on: date | None
    joined_on: date | None
    left_on: date | None
    alleged_victim: bool
    alleged_perpetrator: bool
    resides_in_home: bool
    rights_terminated_on: date | None
    whereabouts_unknown: bool
    incarcerated: bool
    #: `member_periods` rows in start order
    periods: tuple[FactPeriod, ...] = ()
    #: a parent's linked children (`parent_child`), with per-child rights
    children: tuple[ChildLink, ...] = ()


@dataclass(frozen=True, slots=True)
class PlacementLine:
    placement_id: str
    child_id: str
    location_type: str
    location_name: str | None
    start_on: date
    end_on: date | None


@dataclass(frozen=True, slots=True)
class NoteLine:
    """A case note: who was contacted ("contact with"), how and where."""

    note_id: str
    occurred_at: str  # as recorded (ISO 8601, local time)
    note_type: str | None
    method: str
    location: str | None
    author_id: str | None
    contact_ids: tuple[str, ...]
    locate_for: str | None
    text: str | None

    @property
    def day(self) -> str:
        return self.occurred_at[:10]

    @property
    def time(self) -> str:
        return self.occurred_at[11:16]


@dataclass(frozen=True, slots=True)
class ExceptionLine:
    exception_id: int
    person_id: str
    category: str
    reason: str
    start_month: str
    end_month: str
    review_on: str | None
    approved_by: str
    revoked_from: str | None
    revoked_at: str | None
    revoked_by: str | None
    revoked_reason: str | None
    #: the version on screen: a revocation passes it, so a record changed since is refused
    version: int


@dataclass(frozen=True, slots=True)
class PlanLine:
    contact_plan_id: int
    parent_id: str
    frequency_months: int
    methods: tuple[str, ...]
    start_month: str
    end_month: str | None
    review_on: str | None
    approved_by: str
    superseded_by: int | None


@dataclass(frozen=True, slots=True)
class StaffingNoteLine:
    staffing_note_id: int
    person_id: str | None
    month: str
    reason_code: str
    text: str
    author: str
    withdrawn_at: str | None
    withdrawn_by: str | None
    withdrawn_reason: str | None
    #: the version on screen: a withdrawal passes it, so a record changed since is refused
    version: int


@dataclass(frozen=True, slots=True)
class NextStepLine:
    next_step_id: int
    person_id: str | None
    text: str
    due_on: str
    created_by: str
    done_at: str | None


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """Everything the detail screen lists about one case, read in one worker."""

    case: CaseSummary
    members: tuple[MemberLine, ...]
    placements: tuple[PlacementLine, ...]
    notes: tuple[NoteLine, ...]
    exceptions: tuple[ExceptionLine, ...]
    plans: tuple[PlanLine, ...]
    staffing_notes: tuple[StaffingNoteLine, ...]
    next_steps: tuple[NextStepLine, ...]
    #: who was assigned the case, in start order (`assignment_history`)
    assignments: tuple[Assignment, ...] = ()
    #: names of everyone the lists mention (members, contacts, people searched for)
    names: dict[str, PersonName] = field(default_factory=dict)
    #: names of the staff the lists mention (authors, approvers)
    staff_names: dict[str, str] = field(default_factory=dict)
    #: how many notes the case has on or before the day read (`notes` may be only the latest of them)
    notes_total: int = 0

    def member(self, person_id: str | None) -> MemberLine | None:
        return next((m for m in self.members if m.person_id == person_id), None)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def case_detail(db: Database, case_id: str, until: date, note_limit: int | None = RECENT_NOTES) -> CaseDetail | None:
    """The case's members, placements, recent notes and staffing records (None: no such case).

    `note_limit` notes at most, the latest (None: all of them); `notes_total` says how many there are.

    Notes and placements are those on or before `until` (the end of the month
    shown, or the as-of date when earlier), so going back a month shows the
    case as it stood then. Staffing records are listed whole: they say
    themselves which months they cover.
    """
    case_row = db.execute(
        "SELECT case_id, case_type, specialist_id, opened_on, closed_on FROM cases WHERE case_id = ?", [case_id]
    ).fetchone()
    if case_row is None:
        return None
    day = until.isoformat()
    periods = member_periods(db, case_id)
    children = parent_links(db, case_id)
    members = tuple(
        MemberLine(
            person_id, Role(role), _date(birth), _date(deceased), _date(joined), _date(left),
            bool(victim), bool(perpetrator), bool(resides), _date(terminated), bool(unknown), bool(jailed),
            periods.get(person_id, ()), children.get(person_id, ()),
        )
        for person_id, role, birth, deceased, joined, left, victim, perpetrator, resides, terminated, unknown, jailed
        in db.execute(
            "SELECT cm.person_id, cm.role, p.birth_date, p.deceased_on, cm.joined_on, cm.left_on, "
            "cm.alleged_victim, cm.alleged_perpetrator, cm.resides_in_home, cm.rights_terminated_on, "
            "cm.whereabouts_unknown, cm.incarcerated "
            "FROM case_members cm JOIN people p ON p.person_id = cm.person_id WHERE cm.case_id = ? "
            "ORDER BY cm.role != 'child', p.birth_date IS NULL, p.birth_date DESC, cm.person_id",
            [case_id],
        )
    )
    placements = tuple(
        PlacementLine(placement_id, child_id, location_type, location_name, _date(start), _date(end))
        for placement_id, child_id, location_type, location_name, start, end in db.execute(
            "SELECT placement_id, child_id, location_type, location_name, start_on, end_on FROM placements "
            "WHERE case_id = ? AND start_on <= ? ORDER BY start_on DESC, placement_id DESC",
            [case_id, day],
        )
    )
    notes = _recent_notes(db, case_id, until, note_limit)
    notes_total = len(notes) if note_limit is None or len(notes) < note_limit else _notes_until(db, case_id, until)
    exceptions = tuple(
        ExceptionLine(*row)
        for row in db.execute(
            "SELECT exception_id, person_id, category, reason, start_month, end_month, review_on, approved_by, "
            "revoked_from, revoked_at, revoked_by, revoked_reason, version "
            "FROM exceptions WHERE case_id = ? ORDER BY start_month DESC, exception_id DESC",
            [case_id],
        )
    )
    plans = tuple(
        PlanLine(plan_id, parent_id, int(frequency), tuple(m for m in (methods or "").split(",") if m),
                 start, end, review, approved_by, superseded_by)
        for plan_id, parent_id, frequency, methods, start, end, review, approved_by, superseded_by in db.execute(
            "SELECT contact_plan_id, parent_id, frequency_months, methods, start_month, end_month, review_on, "
            "approved_by, superseded_by FROM contact_plans WHERE case_id = ? "
            "ORDER BY start_month DESC, contact_plan_id DESC",
            [case_id],
        )
    )
    staffing_notes = tuple(
        StaffingNoteLine(*row)
        for row in db.execute(
            "SELECT staffing_note_id, person_id, month, reason_code, text, author, withdrawn_at, withdrawn_by, "
            "withdrawn_reason, version FROM staffing_notes WHERE case_id = ? "
            "ORDER BY month DESC, staffing_note_id DESC",
            [case_id],
        )
    )
    next_steps = tuple(
        NextStepLine(*row)
        for row in db.execute(
            "SELECT next_step_id, person_id, text, due_on, created_by, done_at FROM next_steps "
            "WHERE case_id = ? ORDER BY done_at IS NOT NULL, due_on, next_step_id",
            [case_id],
        )
    )
    mentioned_people = (
        {m.person_id for m in members}
        | {pid for note in notes for pid in note.contact_ids}
        | {note.locate_for for note in notes if note.locate_for}
        | {link.child_id for m in members for link in m.children}
    )
    assignments = assignment_history(db, case_id)
    mentioned_staff = (
        {case_row[2]}
        | {a.specialist_id for a in assignments}
        | {note.author_id for note in notes if note.author_id}
        | {e.approved_by for e in exceptions}
        | {e.revoked_by for e in exceptions if e.revoked_by}
        | {p.approved_by for p in plans}
        | {s.author for s in staffing_notes}
        | {s.withdrawn_by for s in staffing_notes if s.withdrawn_by}
        | {s.created_by for s in next_steps}
    )
    staff = {staff_id: member.name for staff_id, member in staff_members(db, mentioned_staff).items()}
    case_id_, case_type, specialist_id, opened_on, closed_on = case_row
    return CaseDetail(
        case=CaseSummary(case_id_, case_type, specialist_id, staff.get(specialist_id, specialist_id),
                         _date(opened_on), _date(closed_on)),
        members=members,
        placements=placements,
        notes=notes,
        exceptions=exceptions,
        plans=plans,
        staffing_notes=staffing_notes,
        next_steps=next_steps,
        assignments=assignments,
        names=people_names(db, mentioned_people),
        staff_names=staff,
        notes_total=notes_total,
    )


def assignment_history(db: Database, case_id: str) -> tuple[Assignment, ...]:
    """Who was assigned the case, in start order: its `case_assignments` rows, or, when it has none,
    `cases.specialist_id` from the day it opened (docs/data.md "Files and columns"). Empty: no such case."""
    return tuple(
        Assignment(specialist_id, date.fromisoformat(start), _date(end))
        for specialist_id, start, end in db.execute(
            "SELECT specialist_id, start_on, end_on FROM case_assignments WHERE case_id = :case "
            "UNION ALL SELECT specialist_id, opened_on, NULL FROM cases WHERE case_id = :case "
            "AND NOT EXISTS (SELECT 1 FROM case_assignments WHERE case_id = :case) "
            "ORDER BY start_on",
            {"case": case_id},
        )
    )


def member_periods(db: Database, case_id: str) -> dict[str, tuple[FactPeriod, ...]]:
    """Each member's dated facts (`member_periods`), person id → periods in start order; one query
    for the whole case."""
    periods: dict[str, list[FactPeriod]] = {}
    for person_id, fact, start, end in db.execute(
        "SELECT person_id, fact, start_on, end_on FROM member_periods WHERE case_id = ? "
        "ORDER BY person_id, start_on, fact",
        [case_id],
    ):
        periods.setdefault(person_id, []).append(FactPeriod(MemberFact(fact), date.fromisoformat(start), _date(end)))
    return {person_id: tuple(found) for person_id, found in periods.items()}


def parent_links(db: Database, case_id: str) -> dict[str, tuple[ChildLink, ...]]:
    """Each parent's linked children (`parent_child`) with the day the parent's rights to that child
    ended, parent id → links in child order; one query for the whole case."""
    links: dict[str, list[ChildLink]] = {}
    for parent_id, child_id, terminated in db.execute(
        "SELECT parent_id, child_id, rights_terminated_on FROM parent_child WHERE case_id = ? "
        "ORDER BY parent_id, child_id",
        [case_id],
    ):
        links.setdefault(parent_id, []).append(ChildLink(child_id, _date(terminated)))
    return {parent_id: tuple(found) for parent_id, found in links.items()}


def _notes_until(db: Database, case_id: str, until: date) -> int:
    """How many notes the case has on or before `until`."""
    return db.execute("SELECT count(*) FROM notes WHERE case_id = ? AND substr(occurred_at, 1, 10) <= ?",
                      [case_id, until.isoformat()]).fetchone()[0]


def _recent_notes(db: Database, case_id: str, until: date, limit: int | None) -> tuple[NoteLine, ...]:
    """The case's latest `limit` notes (None: all) on or before `until`, with their contact-with lists."""
    rows = db.execute(
        "SELECT note_id, occurred_at, note_type, method, location, author_id, locate_for, text FROM notes "
        "WHERE case_id = ? AND substr(occurred_at, 1, 10) <= ? ORDER BY occurred_at DESC, note_id DESC LIMIT ?",
        [case_id, until.isoformat(), -1 if limit is None else limit],
    ).fetchall()
    contacts: dict[str, list[str]] = {}
    ids = [row[0] for row in rows]
    if ids:
        for note_id, person_id in db.execute(
            f"SELECT note_id, person_id FROM note_contacts WHERE note_id IN ({marks(ids)}) ORDER BY person_id", ids
        ):
            contacts.setdefault(note_id, []).append(person_id)
    return tuple(
        NoteLine(note_id, occurred_at, note_type, method, location, author_id,
                 tuple(contacts.get(note_id, ())), locate_for, text)
        for note_id, occurred_at, note_type, method, location, author_id, locate_for, text in rows
    )


# --- the 12-month status strip --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """One evaluation per month for one case: the rows of every member, month by month."""

    case_id: str
    as_of: date
    months: tuple[Month, ...]
    rows_by_month: dict[Month, tuple[Row, ...]]

    def row(self, month: Month, person_id: str | None) -> Row | None:
        """The (case, person) row of `month` (None: not on the case, or the case not open)."""
        return next((r for r in self.rows_by_month.get(month, ()) if r.person_id == person_id), None)

    def strip(self, person_id: str | None) -> list[tuple[Month, Row | None]]:
        return [(month, self.row(month, person_id)) for month in self.months]


def case_history(
    db: Database, case_id: str, last_month: Month, as_of: date | None = None, months: int = HISTORY_MONTHS
) -> CaseHistory:
    """Evaluate case `case_id` for each of the `months` months ending with `last_month`.

    Each month is evaluated as the month report would (same as-of date, same
    rules) but for this one case, so the strip agrees with the caseload.
    """
    as_of = resolve_as_of(db, last_month, as_of)
    scope = Scope(case_id=case_id)
    chosen = trend_months(last_month, months)
    rows_by_month = {
        month: tuple(evaluate_month(load_month_facts(db, month, as_of, scope), month, as_of)) for month in chosen
    }
    return CaseHistory(case_id, as_of, tuple(chosen), rows_by_month)

