"""Load one month's facts for a scope, set-wise (docs/policy.md "Which notes count", issue: no query per person).

Every loader runs one query for the whole scope: the scope's cases (open in
the month, filtered by unit, specialist or case) are selected once and handed
to the other queries as a JSON list.

What it costs statewide (`benchmarks/run.py`) is kept close to a plain scan of
the month's notes:

* only the notes a rule can read are loaded — the month's, plus the two months
  before for the few people whose exception or contact plan still needs them,
  plus investigations since they opened (see `_load_notes`);
* `last_seen`/`last_contact` are two index look-ups per person in
  `contact_times` (m012), not a walk through each person's history; for the
  whole database that SQL runs on a second connection in a thread while this
  one loads the rest (see `_latest_contacts`);
* values are turned into enums and dates through dictionaries, not constructors,
  and the garbage collector is paused while the objects are built.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from staffing_tui.domain.enums import (
    CONTACT_METHODS,
    CaseType,
    Goal,
    Location,
    LocationType,
    MemberFact,
    Method,
    Role,
)
from staffing_tui.domain.model import (
    Assignment,
    CaseFacts,
    ExceptionFacts,
    GoalFacts,
    MemberFacts,
    MonthFacts,
    NoteFacts,
    PlacementFacts,
    PlanFacts,
    Row,
    StaffingNoteFacts,
)
from staffing_tui.domain.months import Month
from staffing_tui.perf import paused_gc
from staffing_tui.store.connection import (
    DEFAULT_TIMEZONE,
    Background,
    get_meta,
)

_date = date.fromisoformat


def _opt_month(value: str | None) -> Month | None:
    return Month.parse(value) if value else None


@dataclass(frozen=True, slots=True)
class Scope:
    """Which cases a report covers: all, one unit, one specialist, or some cases."""

    unit_id: str | None = None
    specialist_id: str | None = None
    case_id: str | None = None
    #: these cases only (a kept month brought up to date, `store.month_cache`)
    case_ids: frozenset[str] | None = None

    def cases_sql(self) -> str:
        """A sub-select of the case ids open in [:start, :end] within this scope.

        A unit's or a specialist's cases are those they had on some day of the month: by
        `cases.specialist_id`, or by an assignment touching the month (a case transferred in or
        out). Which of their rows are theirs is decided per row, by the day its facts are read
        (`holds`, docs/policy.md "Case transfers").
        """
        extra = ""
        if self.case_id is not None:
            extra += " AND c.case_id = :case_id"
        if self.case_ids is not None:
            extra += " AND c.case_id IN (SELECT value FROM json_each(:case_ids))"
        is_open = "c.opened_on <= :end AND (c.closed_on IS NULL OR c.closed_on >= :start)"
        if self.unit_id is None and self.specialist_id is None:
            return f"SELECT c.case_id FROM cases c WHERE {is_open}{extra}"
        by_case, by_assignment = [], []
        if self.unit_id is not None:
            by_case.append("s.unit_id = :unit_id")
            by_assignment.append("sa.unit_id = :unit_id")
        if self.specialist_id is not None:
            by_case.append("c.specialist_id = :specialist_id")
            by_assignment.append("a.specialist_id = :specialist_id")
        # Two index-driven halves joined by UNION: an OR of the two would read every case.
        return (
            "SELECT c.case_id FROM cases c LEFT JOIN staff s ON s.staff_id = c.specialist_id "
            f"WHERE {' AND '.join(by_case)} AND {is_open}{extra} "
            "UNION SELECT c.case_id FROM case_assignments a JOIN staff sa ON sa.staff_id = a.specialist_id "
            "JOIN cases c ON c.case_id = a.case_id "
            "WHERE a.start_on <= :end AND (a.end_on IS NULL OR a.end_on >= :start) "
            f"AND {' AND '.join(by_assignment)} AND {is_open}{extra}"
        )

    def holds(self, row: Row) -> bool:
        """Whether a report row belongs to this scope (its unit and specialist are those of the day
        its facts were read)."""
        return ((self.unit_id is None or row.unit_id == self.unit_id)
                and (self.specialist_id is None or row.specialist_id == self.specialist_id)
                and (self.case_id is None or row.case_id == self.case_id)
                and (self.case_ids is None or row.case_id in self.case_ids))


#: Everyone's latest contacts as of one date: person → (last seen, last contact); (None, None) for
#: someone with none. They do not depend on the month, so months evaluated as of the same date
#: (the reports' twelve-month trend) can share them (see `load_month_facts`).
Latest = dict[str, tuple[date | None, date | None]]



def load_month_facts(db: Database, month: Month, as_of: date, scope: Scope = Scope(), *,
                     latest: Latest | None = None) -> MonthFacts:
    """Everything `evaluate_month` needs for `month` as of `as_of` within `scope`.

    `latest`: the latest contacts as of `as_of` known already, for the database as it is now
    (the caller keeps it valid); the people it lacks are looked up and added to it.
    """
    with paused_gc():
        return _load_month_facts(db, month, as_of, scope, latest)


def _load_month_facts(db: Database, month: Month, as_of: date, scope: Scope, latest: Latest | None) -> MonthFacts:
    last_day = min(month.end, as_of)
    params = {
        "start": month.start.isoformat(),
        "end": month.end.isoformat(),
        "unit_id": scope.unit_id,
        "specialist_id": scope.specialist_id,
        "case_id": scope.case_id,
        "case_ids": json.dumps(sorted(scope.case_ids)) if scope.case_ids is not None else None,
        "window_start": month.shift(-2).start.isoformat(),
        "until": (last_day + timedelta(days=1)).isoformat(),  # exclusive bound on occurred_at
        "as_of_next": (as_of + timedelta(days=1)).isoformat(),
        "goal_day": last_day.isoformat(),
    }
    in_scope = scope.cases_sql()
    conn = db.conn
    facts = MonthFacts()
    dates = _Dates()

    opened: dict[str, date] = {}
    cases: dict[str, CaseFacts] = {}
    for case_id, case_type, specialist_id, unit_id, opened_on, closed_on in conn.execute(
        "SELECT c.case_id, c.case_type, c.specialist_id, s.unit_id, c.opened_on, c.closed_on "
        "FROM cases c LEFT JOIN staff s ON s.staff_id = c.specialist_id "
        f"WHERE c.case_id IN ({in_scope})",
        params,
    ):
        opened[case_id] = dates[opened_on]
        cases[case_id] = CaseFacts(case_id, _CASE_TYPES[case_type], specialist_id, unit_id, opened[case_id],
                                   dates[closed_on])
    facts.cases = list(cases.values())
    # The other loaders take the scope's cases as a list rather than running its sub-select again.
    params["cases"] = json.dumps(list(opened))
    in_scope = "SELECT value FROM json_each(:cases)"
    for case_id, specialist_id, unit_id, start_on, end_on in conn.execute(
        "SELECT a.case_id, a.specialist_id, s.unit_id, a.start_on, a.end_on FROM case_assignments a "
        "LEFT JOIN staff s ON s.staff_id = a.specialist_id "
        f"WHERE a.case_id IN ({in_scope}) AND a.start_on <= :end AND (a.end_on IS NULL OR a.end_on >= :start) "
        "ORDER BY a.case_id, a.start_on", params):
        case = cases[case_id]
        case.assignments = (*case.assignments, Assignment(specialist_id, unit_id, dates[start_on], dates[end_on]))
    everything = scope == Scope()
    # The latest contacts are pure SQL work (no Python objects): for the whole database they run
    # on a second connection in a thread while this one loads the rest (SQLite works without the GIL).
    known = latest if latest is not None else {}
    everyone = Background.start(db, _latest_contacts, params, name="latest contacts") if everything and not known else None

    periods: dict[tuple[str, str], list[tuple[MemberFact, date, date | None]]] = {}
    for case_id, person_id, fact, start_on, end_on in conn.execute(
        "SELECT case_id, person_id, fact, start_on, end_on FROM member_periods "
        f"WHERE case_id IN ({in_scope}) ORDER BY case_id, person_id, fact, start_on", params):
        # Every period of the member, not only the month's: a fact with periods is read from them alone.
        periods.setdefault((case_id, person_id), []).append((_FACTS[fact], dates[start_on], dates[end_on]))
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
            case_id, person_id, _ROLES[role],
            dates[joined_on] if joined_on else opened[case_id],  # missing joined_on = opened_on
            dates[left_on], bool(victim), bool(perpetrator), bool(resides), dates[terminated],
            bool(unknown), bool(incarcerated), dates[birth], dates[deceased],
            tuple(periods.get((case_id, person_id), ())),
        ))

    facts.parent_child = [
        (case_id, parent_id, child_id, dates[terminated]) for case_id, parent_id, child_id, terminated in conn.execute(
            f"SELECT case_id, parent_id, child_id, rights_terminated_on FROM parent_child WHERE case_id IN ({in_scope})",
            params)]
    facts.goals = [
        GoalFacts(case_id, child_id, _GOALS[goal], dates[effective_on])
        for case_id, child_id, goal, effective_on in conn.execute(
            "SELECT case_id, child_id, goal, effective_on FROM permanency_goals "
            f"WHERE case_id IN ({in_scope}) AND effective_on <= :goal_day", params)
    ]
    facts.placements = [
        PlacementFacts(case_id, child_id, _LOCATION_TYPES[location_type], dates[start_on], dates[end_on],
                       location_name, placement_id)
        for placement_id, case_id, child_id, location_type, location_name, start_on, end_on in conn.execute(
            "SELECT placement_id, case_id, child_id, location_type, location_name, start_on, end_on "
            f"FROM placements WHERE case_id IN ({in_scope}) "
            "AND start_on <= :end AND (end_on IS NULL OR end_on >= :start)", params)
    ]
    _load_records(db, in_scope, params, month, as_of, facts)
    _load_notes(db, in_scope, params, month, facts, dates, everything=everything, cases=opened)
    people = {m.person_id for m in facts.members}
    missing = people.difference(known)
    if everyone is not None:
        found = everyone.result()
    elif missing:
        found = _latest_contacts(conn, {**params, "people": json.dumps(sorted(missing))})
    else:
        found = []
    for person_id, seen, contact in found:
        known[person_id] = (dates[seen[:10]] if seen else None, dates[contact[:10]] if contact else None)
    for person_id in missing.difference(known):
        known[person_id] = (None, None)  # no contact at all: not asked again
    last_seen, last_contact = facts.last_seen, facts.last_contact
    for person_id in people:
        seen, contact = known[person_id]
        if seen is not None:
            last_seen[person_id] = seen
        if contact is not None:
            last_contact[person_id] = contact
    return facts


class _Dates(dict):
    """ISO date text → `date`, each distinct text parsed once (a month shares a few hundred);
    no date (NULL or empty) → None, so an optional column is one look-up too."""

    def __init__(self) -> None:
        super().__init__({None: None, "": None})

    def __missing__(self, text: str) -> date:
        value = self[text] = _date(text)
        return value


_CASE_TYPES = {member.value: member for member in CaseType}
_ROLES = {member.value: member for member in Role}
_GOALS = {member.value: member for member in Goal}
_LOCATION_TYPES = {member.value: member for member in LocationType}
_METHODS = {member.value: member for member in Method}
_LOCATIONS = {member.value: member for member in Location}
_FACTS = {member.value: member for member in MemberFact}

_NOTE_COLUMNS = (
    "SELECT n.note_id, n.case_id, n.author_id, n.occurred_at, n.note_type, n.method, n.location, "
    "n.locate_for, nc.person_id, n.placement_id "
)
#: Notes that can bear on a row: those naming someone in their contact-with list or as the one
#: being located, in-person visits at home (an investigation's home visit) and calls to a placement.
_BEARING = ("(nc.person_id IS NOT NULL OR n.locate_for IS NOT NULL OR n.placement_id IS NOT NULL "
            "OR (n.method = 'in_person' AND n.location = 'home'))")
#: Contacts of given people on any case they were a member of that day, with that membership
#: (the person's joined_on — the case's opened_on when blank — and left_on).
_CONTACTS_ANYWHERE = (
    _NOTE_COLUMNS + ", coalesce(cm.joined_on, c.opened_on), cm.left_on "
    "FROM note_contacts nc JOIN notes n ON n.note_id = nc.note_id "
    "JOIN case_members cm ON cm.case_id = n.case_id AND cm.person_id = nc.person_id "
    "JOIN cases c ON c.case_id = n.case_id "
)


def _load_notes(db: Database, in_scope: str, params: dict, month: Month, facts: MonthFacts, dates: _Dates, *,
                everything: bool, cases: dict[str, date]) -> None:
    """The notes the rules read, with their contact-with lists (docs/policy.md "Which notes count"):

    * the month's notes on the scope's cases up to the as-of date (one pass, as a plain scan of
      the month would); for a part of the database also the month's contacts of its people on
      other cases — contacts count on every case of the person;
    * for people with an exception or a contact plan active in the month, their contacts in the
      two months before (the quarterly minimum; plans every two or three months) — only when the
      month itself does not already hold the contact the rule asks for;
    * for investigations, their members' contacts and the case's own notes since the case opened
      (interviews and the home visit count once).

    No other rule looks before the month, so nothing else is loaded. A note on a case outside the
    scope comes with the membership that makes its contact count (`facts.other_memberships`).

    For the whole database (`everything`) the month's scan is not narrowed in SQL: every note of
    the month is on a case open that day, so on a case of the scope.
    """
    notes = facts.notes
    month_sql = _NOTE_COLUMNS + (
        "FROM notes n LEFT JOIN note_contacts nc ON nc.note_id = n.note_id "
        f"WHERE n.occurred_at >= :start AND n.occurred_at < :until AND {_BEARING}"
    )
    if not everything:
        month_sql += f" AND n.case_id IN ({in_scope})"
    _collect_notes(db.conn.execute(month_sql, params), notes, dates, cases)
    people = {m.person_id for m in facts.members}
    if not everything and people:
        other_cases = _CONTACTS_ANYWHERE + (
            "WHERE nc.person_id IN (SELECT value FROM json_each(:people)) "
            f"AND n.occurred_at >= :start AND n.occurred_at < :until AND n.case_id NOT IN ({in_scope})")
        _collect_contacts(db.conn.execute(other_cases, {**params, "people": json.dumps(sorted(people))}),
                          notes, dates, facts)

    before: list[NoteFacts] = []
    since = _history_wanted(facts, month, params["window_start"])
    if since:
        history = _CONTACTS_ANYWHERE + (
            "JOIN json_each(:since) j ON nc.person_id = json_extract(j.value, '$[0]') "
            "WHERE n.occurred_at >= json_extract(j.value, '$[1]') AND n.occurred_at < :start "
            "AND n.method != 'none'")
        pairs = json.dumps(sorted([person_id, day] for person_id, day in since.items()))
        _collect_contacts(db.conn.execute(history, {**params, "since": pairs}), before, dates, facts)
    investigations = _NOTE_COLUMNS + (
        "FROM notes n JOIN cases c ON c.case_id = n.case_id "
        "LEFT JOIN note_contacts nc ON nc.note_id = n.note_id "
        f"WHERE c.case_type = 'investigation' AND c.case_id IN ({in_scope}) AND c.opened_on < :start "
        f"AND n.occurred_at >= c.opened_on AND n.occurred_at < :start AND {_BEARING}"
    )
    _collect_notes(db.conn.execute(investigations, params), before, dates, cases)
    if before:
        # A note can come from both queries (a member's contact on the investigation itself): one
        # note, every contact.
        merged: dict[str, NoteFacts] = {}
        for note in before:
            other = merged.get(note.note_id)
            merged[note.note_id] = note if other is None else replace(other, contacts=other.contacts | note.contacts)
        notes.extend(merged.values())


def _history_wanted(facts: MonthFacts, month: Month, window_start: str) -> dict[str, str]:
    """person → the first day (ISO) from which their contacts before the month are read: the
    two months before for `_looking_back`'s people, the opening day for an investigation's members."""
    since = dict.fromkeys(_looking_back(facts, month), window_start)
    start = month.start
    opened = {case.case_id: case.opened_on for case in facts.cases
              if case.case_type is CaseType.INVESTIGATION and case.opened_on < start}
    for member in facts.members:
        opened_on = opened.get(member.case_id)
        if opened_on is not None:
            day = opened_on.isoformat()
            if day < since.get(member.person_id, "9999"):
                since[member.person_id] = day
    return since


def _looking_back(facts: MonthFacts, month: Month) -> set[str]:
    """People whose status may depend on their contacts in the two months before `month`.

    An exception asks for a call or letter in the month or the two before; a contact plan every
    two or three months asks for a contact by one of its methods in that window. A contact of that
    kind in the month itself (on any case) already answers both, so only the others need the
    earlier notes (`facts.notes` holds the month's notes when this is asked; a contact on a case
    the person was not a member of that day is left to the engine — it only makes this load more).
    """
    exceptions = [e for e in facts.exceptions if e.covers(month)]
    plans = [p for p in facts.plans if p.frequency_months > 1 and p.covers(month)]
    if not exceptions and not plans:
        return set()
    holders = {e.person_id for e in exceptions} | {p.parent_id for p in plans}
    methods_in_month: dict[str, set[Method]] = {}
    for note in facts.notes:
        for person_id in note.contacts:
            if person_id in holders:
                methods_in_month.setdefault(person_id, set()).add(note.method)
    people = {e.person_id for e in exceptions if not methods_in_month.get(e.person_id, set()) & CONTACT_METHODS}
    people.update(p.parent_id for p in plans if not methods_in_month.get(p.parent_id, set()) & p.methods)
    return people


def _collect_notes(rows, notes: list[NoteFacts], dates: _Dates, cases: dict[str, date] | None) -> None:
    """Turn (note, contact) rows into NoteFacts, one per note with its whole contact-with list
    (only the notes of `cases`, unless None)."""
    pending: dict[str, tuple[tuple, list[str]]] = {}
    for row in rows:
        entry = pending.get(row[0])
        if entry is None:
            entry = pending[row[0]] = (row, [])
        if row[8] is not None:
            entry[1].append(row[8])
    methods, locations = _METHODS, _LOCATIONS
    notes.extend(
        NoteFacts(note_id, case_id, dates[occurred_at[:10]], occurred_at[:16], methods[method],
                  frozenset(contacts), locations[location] if location else None, locate_for, note_type, author_id,
                  placement_id)
        for (note_id, case_id, author_id, occurred_at, note_type, method, location, locate_for, _,
             placement_id, *_membership), contacts
        in pending.values()
        if cases is None or case_id in cases
    )


def _collect_contacts(rows, notes: list[NoteFacts], dates: _Dates, facts: MonthFacts) -> None:
    """`_collect_notes` for `_CONTACTS_ANYWHERE` rows, keeping the memberships they came with."""
    rows = list(rows)
    facts.other_memberships.extend({(row[1], row[8]): (row[1], row[8], dates[row[10]], dates[row[11]])
                                    for row in rows}.values())
    _collect_notes(rows, notes, dates, None)


def _latest_contacts(conn: sqlite3.Connection, params: dict) -> list[tuple]:
    """(person, latest in-person contact, latest contact of any method) — on any case, ≤ as_of —
    for the people in `params["people"]` (a JSON list), or everyone on the scope's cases
    (`last_seen` and `last_contact`): two short look-ups per person in `contact_times` (m012).

    One statement answering with one JSON text: in a thread it takes the GIL once to read it, not
    once per person (row by row it took the main thread's GIL 16k times statewide, each wait up
    to the interpreter's switch interval, and cost the main thread about as much as it saved).
    """
    people = ("SELECT value AS person_id FROM json_each(:people)" if params.get("people") is not None else
              "SELECT DISTINCT person_id FROM case_members WHERE case_id IN (SELECT value FROM json_each(:cases))")
    (found,) = conn.execute(_LATEST_OF_PEOPLE.format(people=people), params).fetchone()
    return [tuple(entry) for entry in json.loads(found)]


_LATEST_OF_PEOPLE = """
SELECT json_group_array(json_array(p.person_id,
  (SELECT max(t.occurred_at) FROM contact_times t
   WHERE t.person_id = p.person_id AND t.in_person = 1 AND t.occurred_at < :as_of_next),
  (SELECT max(t.occurred_at) FROM contact_times t WHERE t.person_id = p.person_id AND t.occurred_at < :as_of_next)))
FROM ({people}) p
"""


def _load_records(db: Database, in_scope: str, params: dict, month: Month, as_of: date, facts: MonthFacts) -> None:
    """The exceptions and contact plans that can cover the month and the month's staffing notes,
    of the scope's cases, as they were on record at the end of the as-of day
    (docs/policy.md "As known then"): each only when created by then, and a revocation, supersession (the superseding
    plan's creation) or withdrawal only when made by then. Nothing else is read per record; a
    report as of a past day gives the same rows on any later day.
    """
    conn = db.conn
    made_on = _RecordDays(*database_calendar(db))
    made_by = made_on.made_by
    month_params = {**params, "month": str(month)}
    facts.exceptions = [
        ExceptionFacts(exception_id, case_id, person_id, Month.parse(start), Month.parse(end),
                       _opt_month(revoked_from) if made_by(revoked_at, as_of, missing=True) else None,
                       made_on[created_at])
        for exception_id, case_id, person_id, start, end, revoked_from, created_at, revoked_at in conn.execute(
            "SELECT exception_id, case_id, person_id, start_month, end_month, revoked_from, created_at, revoked_at "
            f"FROM exceptions WHERE case_id IN ({in_scope}) AND start_month <= :month AND end_month >= :month",
            month_params)
        if made_by(created_at, as_of)
    ]
    facts.plans = [
        PlanFacts(plan_id, case_id, parent_id, int(frequency),
                  frozenset(Method(m) for m in methods.split(",") if m),
                  Month.parse(start), _opt_month(end),
                  _opt_month(superseded_from) if made_by(superseded_at, as_of) else None,
                  made_on[created_at])
        for plan_id, case_id, parent_id, frequency, methods, start, end, created_at, superseded_from, superseded_at
        in conn.execute(
            "SELECT p.contact_plan_id, p.case_id, p.parent_id, p.frequency_months, p.methods, "
            "p.start_month, p.end_month, p.created_at, s.start_month, s.created_at "
            "FROM contact_plans p LEFT JOIN contact_plans s ON s.contact_plan_id = p.superseded_by "
            f"WHERE p.case_id IN ({in_scope}) AND p.start_month <= :month "
            "AND (p.end_month IS NULL OR p.end_month >= :month)", month_params)
        if made_by(created_at, as_of)
    ]
    facts.staffing_notes = [
        StaffingNoteFacts(case_id, person_id, month, note_id, made_on[created_at])
        for note_id, case_id, person_id, created_at, withdrawn_at in conn.execute(
            "SELECT staffing_note_id, case_id, person_id, created_at, withdrawn_at FROM staffing_notes "
            f"WHERE month = :month AND case_id IN ({in_scope})", month_params)
        # A withdrawn note explains nothing from its withdrawal on (docs/policy.md "As known then").
        if made_by(created_at, as_of) and not made_by(withdrawn_at, as_of)
    ]


def database_calendar(db: Database) -> tuple[str, date | None]:
    """The database's calendar: its time zone (`meta.timezone`) and the day it is anchored to
    (`meta.as_of`, a demo's "today"; None: the real today). The days records were made are read
    through it (`_RecordDays`)."""
    meta = get_meta(db)
    return meta.get("timezone") or DEFAULT_TIMEZONE, date.fromisoformat(meta["as_of"]) if meta.get("as_of") else None


class _RecordDays(dict):
    """A record's time stamp (created_at, revoked_at, withdrawn_at: UTC ISO 8601 text, as the
    record services write it) → the day it was made in the database time zone; each text is
    converted once. A text without an offset is UTC; a bare date is that day.

    In a database anchored to a day (`meta.as_of`, the demo's "today"), that day is today: a
    record written later by the real clock is on record from the anchor day, so what a
    supervisor saves in the demo counts there, and shows as late for a month already over.
    """

    def __init__(self, zone: str, anchor: date | None) -> None:
        super().__init__()
        self._zone = ZoneInfo(zone)
        self._anchor = anchor

    def __missing__(self, text: str) -> date:
        if len(text) == 10:
            day = _date(text)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            day = moment.astimezone(self._zone).date()
        if self._anchor is not None and day > self._anchor:
            day = self._anchor
        self[text] = day
        return day

    def made_by(self, text: str | None, as_of: date, *, missing: bool = False) -> bool:
        """Whether the event stamped `text` was made on or before the end of `as_of` (local);
        `missing` when there is no stamp (a revocation kept without its time counts as made)."""
        if text is None:
            return missing
        return self[text] <= as_of
