"""Load the facts of the federal caseworker-visit measure for a fiscal year (`present.federal` renders it)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlite_utils import Database

from staffing_tui.domain.enums import CaseType, Location, LocationType, Method, Role
from staffing_tui.domain.federal import ChildCase, FederalMeasure, complete_months, federal_measure, fiscal_year_months
from staffing_tui.domain.model import CaseFacts, MemberFacts, NoteFacts, PlacementFacts
from staffing_tui.errors import UserError
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.facts import Scope

_d = date.fromisoformat


def _opt(value: str | None) -> date | None:
    return _d(value) if value else None


def federal_report(db: Database, ffy: int, as_of: date | None = None, unit_id: str | None = None) -> FederalMeasure:
    as_of = as_of or default_as_of(db)
    months = fiscal_year_months(ffy)
    if as_of < months[0].start:
        raise UserError(f"The as-of date {as_of} is before federal fiscal year {ffy} starts ({months[0].start}).")
    done = complete_months(ffy, as_of)
    if not done:
        return FederalMeasure(ffy, as_of, [])
    params = {"start": done[0].start.isoformat(), "end": done[-1].end.isoformat(), "unit_id": unit_id,
              "until": (min(done[-1].end, as_of) + timedelta(days=1)).isoformat()}
    scope = Scope(unit_id=unit_id).cases_sql()
    placements: dict[tuple[str, str], list[PlacementFacts]] = defaultdict(list)
    for pid, case_id, child_id, ltype, lname, start_on, end_on in db.execute(
        "SELECT placement_id, case_id, child_id, location_type, location_name, start_on, end_on FROM placements "
        f"WHERE case_id IN ({scope}) AND start_on <= :end AND (end_on IS NULL OR end_on >= :start)", params
    ):
        placements[(case_id, child_id)].append(
            PlacementFacts(case_id, child_id, LocationType(ltype), _d(start_on), _opt(end_on), lname, pid))
    child_cases = []
    for row in db.execute(
        "SELECT c.case_id, c.case_type, c.specialist_id, s.unit_id, c.opened_on, c.closed_on, m.person_id, "
        "m.joined_on, m.left_on, p.birth_date, p.deceased_on "
        "FROM case_members m JOIN cases c ON c.case_id = m.case_id "
        "LEFT JOIN staff s ON s.staff_id = c.specialist_id JOIN people p ON p.person_id = m.person_id "
        f"WHERE m.role = 'child' AND c.case_id IN ({scope})", params
    ):
        case_id, ctype, spec, unit, opened, closed, person_id, joined, left, birth, deceased = row
        key = (case_id, person_id)
        if key not in placements:
            continue
        case = CaseFacts(case_id, CaseType(ctype), spec, unit, _d(opened), _opt(closed))
        member = MemberFacts(case_id, person_id, Role.CHILD, _d(joined) if joined else _d(opened), _opt(left),
                             birth_date=_opt(birth), deceased_on=_opt(deceased))
        child_cases.append(ChildCase(case, member, tuple(placements[key])))
    children = {cc.member.person_id for cc in child_cases}
    notes = []
    for note_id, case_id, occurred_at, location, person_id in db.execute(
        "SELECT n.note_id, n.case_id, n.occurred_at, n.location, nc.person_id FROM notes n "
        "JOIN note_contacts nc ON nc.note_id = n.note_id "
        "WHERE n.method = 'in_person' AND n.occurred_at >= :start AND n.occurred_at < :until", params
    ):
        if person_id in children:
            notes.append(NoteFacts(note_id, case_id, _d(occurred_at[:10]), occurred_at[:16], Method.IN_PERSON,
                                   frozenset([person_id]), Location(location) if location else None))
    return federal_measure(ffy, as_of, child_cases, notes)
