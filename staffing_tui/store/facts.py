"""Load one month's facts for a scope, set-wise (SPEC §4, issue: no query per person).

Every loader runs one query for the whole scope; the scope itself is a
sub-select of the cases open in the month, filtered by unit or specialist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from staffing_tui.domain.enums import CaseType, Goal, Location, LocationType, Method, Role
from staffing_tui.domain.model import (
    CaseFacts,
    ExceptionFacts,
    GoalFacts,
    MemberFacts,
    MonthFacts,
    NoteFacts,
    PlacementFacts,
    PlanFacts,
    StaffingNoteFacts,
)
from staffing_tui.domain.months import Month

_date = date.fromisoformat


def _opt_date(value: str | None) -> date | None:
    return _date(value) if value else None


def _opt_month(value: str | None) -> Month | None:
    return Month.parse(value) if value else None


@dataclass(frozen=True, slots=True)
class Scope:
    """Which cases a report covers: all, one unit, or one specialist."""

    unit_id: str | None = None
    specialist_id: str | None = None

    def cases_sql(self) -> str:
        """A sub-select of the case ids open in [:start, :end] within this scope."""
        sql = (
            "SELECT c.case_id FROM cases c LEFT JOIN staff s ON s.staff_id = c.specialist_id "
            "WHERE c.opened_on <= :end AND (c.closed_on IS NULL OR c.closed_on >= :start)"
        )
        if self.unit_id is not None:
            sql += " AND s.unit_id = :unit_id"
        if self.specialist_id is not None:
            sql += " AND c.specialist_id = :specialist_id"
        return sql


def load_month_facts(db: Database, month: Month, as_of: date, scope: Scope = Scope()) -> MonthFacts:
    """Everything `evaluate_month` needs for `month` as of `as_of` within `scope`."""
    last_day = min(month.end, as_of)
    params = {
        "start": month.start.isoformat(),
        "end": month.end.isoformat(),
        "unit_id": scope.unit_id,
        "specialist_id": scope.specialist_id,
        "window_start": month.shift(-2).start.isoformat(),
        "until": (last_day + timedelta(days=1)).isoformat(),  # exclusive bound on occurred_at
        "as_of_next": (as_of + timedelta(days=1)).isoformat(),
        "goal_day": last_day.isoformat(),
    }
    in_scope = scope.cases_sql()
    conn = db.conn
    facts = MonthFacts()

    opened: dict[str, date] = {}
    for case_id, case_type, specialist_id, unit_id, opened_on, closed_on in conn.execute(
        "SELECT c.case_id, c.case_type, c.specialist_id, s.unit_id, c.opened_on, c.closed_on "
        "FROM cases c LEFT JOIN staff s ON s.staff_id = c.specialist_id "
        f"WHERE c.case_id IN ({in_scope})",
        params,
    ):
        opened[case_id] = _date(opened_on)
        facts.cases.append(CaseFacts(case_id, CaseType(case_type), specialist_id, unit_id, opened[case_id], _opt_date(closed_on)))

    for row in conn.execute(
        "SELECT cm.case_id, cm.person_id, cm.role, cm.joined_on, cm.left_on, cm.alleged_victim, "
        "cm.alleged_perpetrator, cm.resides_in_home, cm.rights_terminated_on, cm.whereabouts_unknown, "
        "cm.incarcerated, p.birth_date, p.deceased_on "
        "FROM case_members cm JOIN people p ON p.person_id = cm.person_id "
        f"WHERE cm.case_id IN ({in_scope})",
        params,
    ):
        (case_id, person_id, role, joined_on, left_on, victim, perpetrator, resides,
         terminated, unknown, incarcerated, birth, deceased) = row
        facts.members.append(MemberFacts(
            case_id=case_id, person_id=person_id, role=Role(role),
            joined_on=_date(joined_on) if joined_on else opened[case_id],  # missing joined_on = opened_on
            left_on=_opt_date(left_on), alleged_victim=bool(victim), alleged_perpetrator=bool(perpetrator),
            resides_in_home=bool(resides), rights_terminated_on=_opt_date(terminated),
            whereabouts_unknown=bool(unknown), incarcerated=bool(incarcerated),
            birth_date=_opt_date(birth), deceased_on=_opt_date(deceased),
        ))

    facts.parent_child = [
        tuple(r) for r in conn.execute(
            f"SELECT case_id, parent_id, child_id FROM parent_child WHERE case_id IN ({in_scope})", params)
    ]
    facts.goals = [
        GoalFacts(case_id, child_id, Goal(goal), _date(effective_on))
        for case_id, child_id, goal, effective_on in conn.execute(
            "SELECT case_id, child_id, goal, effective_on FROM permanency_goals "
            f"WHERE case_id IN ({in_scope}) AND effective_on <= :goal_day", params)
    ]
    facts.placements = [
        PlacementFacts(case_id, child_id, LocationType(location_type), _date(start_on), _opt_date(end_on),
                       location_name, placement_id)
        for placement_id, case_id, child_id, location_type, location_name, start_on, end_on in conn.execute(
            "SELECT placement_id, case_id, child_id, location_type, location_name, start_on, end_on "
            f"FROM placements WHERE case_id IN ({in_scope}) "
            "AND start_on <= :end AND (end_on IS NULL OR end_on >= :start)", params)
    ]
    facts.notes = _load_notes(db, in_scope, params)
    _load_last_contacts(db, in_scope, params, facts)
    _load_records(db, in_scope, params, month, facts)
    return facts


def _load_notes(db: Database, in_scope: str, params: dict) -> list[NoteFacts]:
    """Notes of the scope's cases from two months before the month up to the
    month's end (and the as-of date); investigations from their opening."""
    contacts: dict[str, list[str]] = defaultdict(list)
    rows: dict[str, tuple] = {}
    select = (
        "SELECT n.note_id, n.case_id, n.author_id, n.occurred_at, n.note_type, n.method, n.location, "
        "n.locate_for, nc.person_id "
        "FROM notes n LEFT JOIN note_contacts nc ON nc.note_id = n.note_id "
    )
    window = select + (
        f"WHERE n.case_id IN ({in_scope}) AND n.occurred_at >= :window_start AND n.occurred_at < :until"
    )
    investigations_before_window = select + (
        "JOIN cases c ON c.case_id = n.case_id "
        f"WHERE c.case_type = 'investigation' AND c.case_id IN ({in_scope}) "
        "AND n.occurred_at >= c.opened_on AND n.occurred_at < :window_start"
    )
    for sql in (window, investigations_before_window):
        for note_id, case_id, author_id, occurred_at, note_type, method, location, locate_for, person_id in db.conn.execute(sql, params):
            if note_id not in rows:
                rows[note_id] = (case_id, author_id, occurred_at, note_type, method, location, locate_for)
            if person_id is not None:
                contacts[note_id].append(person_id)
    notes = []
    for note_id, (case_id, author_id, occurred_at, note_type, method, location, locate_for) in rows.items():
        notes.append(NoteFacts(
            note_id=note_id, case_id=case_id, day=_date(occurred_at[:10]), minute=occurred_at[:16],
            method=Method(method), contacts=frozenset(contacts.get(note_id, ())),
            location=Location(location) if location else None, locate_for=locate_for,
            note_type=note_type, author_id=author_id,
        ))
    return notes


def _load_last_contacts(db: Database, in_scope: str, params: dict, facts: MonthFacts) -> None:
    """`last_seen` (in person) and `last_contact` (any method) on any case, ≤ as_of."""
    sql = (
        "SELECT nc.person_id, "
        "  MAX(CASE WHEN n.method = 'in_person' THEN substr(n.occurred_at, 1, 10) END), "
        "  MAX(substr(n.occurred_at, 1, 10)) "
        "FROM note_contacts nc JOIN notes n ON n.note_id = nc.note_id "
        "WHERE nc.person_id IN (SELECT person_id FROM case_members "
        f"                       WHERE case_id IN ({in_scope})) "
        "AND n.occurred_at < :as_of_next AND n.method != 'none' "
        "GROUP BY nc.person_id"
    )
    for person_id, seen, contact in db.conn.execute(sql, params):
        if seen:
            facts.last_seen[person_id] = _date(seen)
        if contact:
            facts.last_contact[person_id] = _date(contact)


def _load_records(db: Database, in_scope: str, params: dict, month: Month, facts: MonthFacts) -> None:
    """Exceptions, contact plans and the month's staffing notes of the scope's cases."""
    conn = db.conn
    facts.exceptions = [
        ExceptionFacts(exception_id, case_id, person_id, Month.parse(start), Month.parse(end), _opt_month(revoked_from))
        for exception_id, case_id, person_id, start, end, revoked_from in conn.execute(
            "SELECT exception_id, case_id, person_id, start_month, end_month, revoked_from "
            f"FROM exceptions WHERE case_id IN ({in_scope})", params)
    ]
    facts.plans = [
        PlanFacts(plan_id, case_id, parent_id, int(frequency),
                  frozenset(Method(m) for m in methods.split(",") if m),
                  Month.parse(start), _opt_month(end), _opt_month(superseded_from))
        for plan_id, case_id, parent_id, frequency, methods, start, end, superseded_from in conn.execute(
            "SELECT p.contact_plan_id, p.case_id, p.parent_id, p.frequency_months, p.methods, "
            "p.start_month, p.end_month, s.start_month "
            "FROM contact_plans p LEFT JOIN contact_plans s ON s.contact_plan_id = p.superseded_by "
            f"WHERE p.case_id IN ({in_scope})", params)
    ]
    facts.staffing_notes = [
        StaffingNoteFacts(case_id, person_id, month, note_id)
        for note_id, case_id, person_id in conn.execute(
            "SELECT staffing_note_id, case_id, person_id FROM staffing_notes "
            f"WHERE month = :month AND case_id IN ({in_scope})", {**params, "month": str(month)})
    ]
