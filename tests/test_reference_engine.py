"""The optimised engine agrees with a deliberately plain reading of docs/policy.md.

`reference_rows` below evaluates a month the slow, obvious way: one case and
one person at a time, with small SQL queries and day-by-day loops, written
from the specification's sentences rather than from the engine's code. On a
seeded unit-scale synthetic database both must give the same rows — the same
set of (case, person) rows with the same requirement, status, reason, flags,
last_seen and last_contact — for a complete month and for the month in
progress. A difference means one of them misreads the policy; the engine's
speed-ups (set-wise loading, covering indexes, the newest-first look-up of
the latest contacts) must never change an answer.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from staffing_tui.domain.months import Month
from staffing_tui.store.connection import open_database
from staffing_tui.store.evaluation import month_report
from staffing_tui.synth.scales import AS_OF
from staffing_tui.synth.write import generate_database

SEED = 4242
OUT_OF_HOME = {"foster_home", "kinship", "group_home", "shelter", "residential", "hospital", "detention",
               "independent_living", "trial_home_visit", "out_of_state", "runaway", "other"}
PARENTS = ("parent", "alleged_parent")
MONTHLY = ("monthly_face_to_face", "monthly_face_to_face_in_home", "contact_plan")


@dataclass(frozen=True)
class RefRow:
    case_id: str
    person_id: str | None
    role: str | None
    requirement: str
    status: str
    reason: str
    flags: tuple[str, ...]
    last_seen: date | None
    last_contact: date | None


def d(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def days_of(month: Month) -> list[date]:
    return [month.start + timedelta(days=i) for i in range((month.end - month.start).days + 1)]


class Reference:
    """docs/policy.md "Evaluating a month", one question at a time."""

    def __init__(self, conn: sqlite3.Connection, month: Month, as_of: date) -> None:
        self.conn = conn
        self.month = month
        self.as_of = as_of
        self.days = days_of(month)
        self.last_day = min(month.end, as_of)  # goals and placements are read on this day
        self.in_progress = month.start <= as_of <= month.end
        meta = dict(self.all("SELECT key, value FROM meta"))
        self.zone = ZoneInfo(meta["timezone"])
        self.anchor = date.fromisoformat(meta["as_of"]) if meta.get("as_of") else None

    def one(self, sql: str, *params):
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, *params):
        return self.conn.execute(sql, params).fetchall()

    # --- notes on case C (only those on or before the as-of date count) ---------------------

    def contacts(self, case_id: str, person_id: str, first: date, last: date, methods: tuple[str, ...],
                 location: str | None = None) -> list[tuple]:
        """Notes on the case listing the person, with one of `methods`, between two days."""
        sql = ("SELECT n.note_id, n.occurred_at FROM notes n JOIN note_contacts nc ON nc.note_id = n.note_id "
               f"WHERE n.case_id = ? AND nc.person_id = ? AND n.method IN ({','.join('?' * len(methods))}) "
               "AND substr(n.occurred_at, 1, 10) BETWEEN ? AND ? AND substr(n.occurred_at, 1, 10) <= ?")
        params = [case_id, person_id, *methods, first.isoformat(), last.isoformat(), self.as_of.isoformat()]
        if location is not None:
            sql += " AND n.location = ?"
            params.append(location)
        return self.all(sql, *params)

    def in_month(self, case_id: str, person_id: str, methods: tuple[str, ...], location: str | None = None) -> bool:
        return bool(self.contacts(case_id, person_id, self.month.start, self.month.end, methods, location))

    def locate_effort(self, case_id: str, person_id: str) -> bool:
        return self.one(
            "SELECT 1 FROM notes WHERE case_id = ? AND locate_for = ? AND substr(occurred_at, 1, 10) BETWEEN ? AND ? "
            "AND substr(occurred_at, 1, 10) <= ?",
            case_id, person_id, self.month.start.isoformat(), self.month.end.isoformat(), self.as_of.isoformat(),
        ) is not None

    # --- the placement directory and goals ---------------------------------------------------

    def placement_types_on(self, case_id: str, child_id: str, day: date) -> set[str]:
        return {r[0] for r in self.all(
            "SELECT location_type FROM placements WHERE case_id = ? AND child_id = ? AND start_on <= ? "
            "AND (end_on IS NULL OR end_on >= ?)", case_id, child_id, day.isoformat(), day.isoformat())}

    def type_any_day(self, case_id: str, child_id: str, kinds: set[str]) -> bool:
        return any(self.placement_types_on(case_id, child_id, day) & kinds for day in self.days)

    def out_of_home_every_day(self, case_id: str, child_id: str) -> bool:
        return all(self.placement_types_on(case_id, child_id, day) & OUT_OF_HOME for day in self.days)

    def goal(self, case_id: str, child_id: str) -> str:
        row = self.one(
            "SELECT goal FROM permanency_goals WHERE case_id = ? AND child_id = ? AND effective_on <= ? "
            "ORDER BY effective_on DESC LIMIT 1", case_id, child_id, self.last_day.isoformat())
        return row[0] if row else "reunification"  # docs/policy.md "Requirements": missing goal = reunification

    # --- scope ----------------------------------------------------------------------------------

    def scope_days(self, case: tuple, member: dict) -> list[date]:
        """Days of M the person is in scope: case open, a member, born, alive."""
        _, _, _, opened_on, closed_on = case
        joined = member["joined_on"] or opened_on  # missing joined_on = the case's opened_on
        days = []
        for day in self.days:
            text = day.isoformat()
            if text < opened_on or (closed_on and text > closed_on):
                continue
            if text < joined or (member["left_on"] and text > member["left_on"]):
                continue
            if member["birth_date"] and text < member["birth_date"]:
                continue
            if member["deceased_on"] and text >= member["deceased_on"]:
                continue
            days.append(day)
        return days

    # --- records, as known at the end of the as-of day (docs/policy.md "As known then") -----------

    def made_on(self, stamp: str | None) -> date | None:
        """The local day a record event (UTC time stamp) was made; an anchored database's
        anchor day is its today, so nothing is made after it."""
        if stamp is None:
            return None
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        day = moment.astimezone(self.zone).date()
        return min(day, self.anchor) if self.anchor else day

    def known(self, stamp: str | None) -> bool:
        """Made on or before the as-of day."""
        day = self.made_on(stamp)
        return day is not None and day <= self.as_of

    def exception(self, case_id: str, person_id: str) -> tuple[int, date] | None:
        """(id, creation day) of the exception covering M, as known then."""
        m = str(self.month)
        for exception_id, revoked_from, created_at, revoked_at in self.all(
            "SELECT exception_id, revoked_from, created_at, revoked_at FROM exceptions "
            "WHERE case_id = ? AND person_id = ? AND start_month <= ? AND end_month >= ? "
            "ORDER BY start_month DESC, exception_id DESC", case_id, person_id, m, m):
            if not self.known(created_at):
                continue  # not yet approved
            if revoked_from is not None and revoked_from <= m and self.known(revoked_at):
                continue  # revoked from M or before, by then
            return exception_id, self.made_on(created_at)
        return None

    def plan(self, case_id: str, parent_id: str):
        """(id, frequency, methods, creation day) of the plan in force in M, as known then."""
        m = str(self.month)
        for plan_id, frequency, methods, superseded_by, created_at in self.all(
            "SELECT contact_plan_id, frequency_months, methods, superseded_by, created_at FROM contact_plans "
            "WHERE case_id = ? AND parent_id = ? AND start_month <= ? AND (end_month IS NULL OR end_month >= ?) "
            "ORDER BY start_month DESC, contact_plan_id DESC", case_id, parent_id, m, m):
            if not self.known(created_at):
                continue
            if superseded_by is not None:
                newer, newer_at = self.one("SELECT start_month, created_at FROM contact_plans "
                                           "WHERE contact_plan_id = ?", superseded_by)
                if newer <= m and self.known(newer_at):
                    continue  # superseded in M or before, by then
            return plan_id, frequency, tuple(methods.split(",")), self.made_on(created_at)
        return None

    def staffing_note(self, case_id: str, person_id: str | None) -> date | None:
        """The creation day of the first staffing note for M still in force as of then; None: none."""
        days = [self.made_on(created_at) for created_at, withdrawn_at in self.all(
            "SELECT created_at, withdrawn_at FROM staffing_notes WHERE case_id = ? AND person_id IS ? AND month = ?",
            case_id, person_id, str(self.month))
            if self.known(created_at) and not self.known(withdrawn_at)]
        return min(days) if days else None

    def late(self, case_id: str, person_id: str | None, status: str, reason: str) -> bool:
        """`recorded_after_month`: the record the row rests on was created after M ended."""
        if (status, reason) == ("excused", "exception_approved"):
            made = self.exception(case_id, person_id)[1]
        elif (status, reason) == ("explained", "staffing_reason"):
            made = self.staffing_note(case_id, person_id)
        elif (status, reason) == ("met", "contact_plan_followed"):
            made = self.plan(case_id, person_id)[3]
        else:
            return False
        return made > self.month.end

    # --- derived ------------------------------------------------------------------------------------

    def latest(self, person_id: str, in_person: bool) -> date | None:
        method = "n.method = 'in_person'" if in_person else "n.method != 'none'"
        row = self.one(
            "SELECT max(n.occurred_at) FROM notes n JOIN note_contacts nc ON nc.note_id = n.note_id "
            f"WHERE nc.person_id = ? AND {method} AND substr(n.occurred_at, 1, 10) <= ?",
            person_id, self.as_of.isoformat())
        return d(row[0])

    def flags(self, case_id: str, person_id: str, role: str, member: dict) -> tuple[str, ...]:
        flags = []
        seen = [r for r in self.contacts(case_id, person_id, self.month.start, self.month.end, ("in_person",))]
        if role == "child" and any("runaway" in self.placement_types_on(case_id, person_id, d(at)) for _, at in seen):
            flags.append("in_person_while_runaway")
        if role != "child" and member["whereabouts_unknown"] and seen:
            flags.append("in_person_while_whereabouts_unknown")
        groups: dict[tuple, set] = {}
        for note_id, author, at, note_type in self.all(
            "SELECT note_id, author_id, occurred_at, note_type FROM notes WHERE case_id = ? "
            "AND substr(occurred_at, 1, 10) BETWEEN ? AND ? AND substr(occurred_at, 1, 10) <= ?",
            case_id, self.month.start.isoformat(), self.month.end.isoformat(), self.as_of.isoformat()):
            people = frozenset(r[0] for r in self.all("SELECT person_id FROM note_contacts WHERE note_id = ?", note_id))
            if people:
                groups.setdefault((author, at[:16], people), set()).add(note_type)
        if any(person_id in people and len(types) > 1 for (_, _, people), types in groups.items()):
            flags.append("duplicate_note")
        return tuple(sorted(flags))

    # --- requirements (docs/policy.md "Requirements") ------------------------------------------------------

    def requirement(self, case: tuple, member: dict, in_scope: dict[str, list[date]], members: dict[str, dict]) -> tuple:
        """(requirement, not_required reason or None, needs out-of-home every day)."""
        case_id, case_type = case[0], case[1]
        role = member["role"]
        if case_type == "investigation":
            if role == "child":
                required = member["alleged_victim"] or member["resides_in_home"]
            elif role in PARENTS:
                required = member["alleged_perpetrator"] or member["resides_in_home"]
            else:
                required = role == "spouse_partner"
            return ("investigation_interview", None, False) if required else ("none", "no_requirement", False)
        if case_type == "voluntary":
            if role == "child" or role in PARENTS:
                if member["resides_in_home"]:
                    return "monthly_face_to_face", None, False
                return "none", "not_in_household", False
            return "none", "no_requirement", False
        # dependency
        person_id = member["person_id"]
        if role == "child":
            if self.type_any_day(case_id, person_id, OUT_OF_HOME):
                return "monthly_face_to_face", None, True
            return "monthly_face_to_face_in_home", None, False
        if role in PARENTS:
            terminated = member["rights_terminated_on"]
            if terminated and terminated <= self.month.end.isoformat():
                return "none", "rights_terminated", False
            linked = [r[0] for r in self.all(
                "SELECT child_id FROM parent_child WHERE case_id = ? AND parent_id = ?", case_id, person_id)]
            linked = [c for c in linked if c in in_scope and members[c]["role"] == "child"]
            reunification = not linked or any(
                self.goal(case_id, c) in ("reunification", "remain_with_family") for c in linked)
            if reunification:
                at_home = any(not self.type_any_day(case_id, c, OUT_OF_HOME) for c in linked)
                if member["resides_in_home"] and at_home:
                    return "monthly_face_to_face_in_home", None, False
                return "monthly_face_to_face", None, False
            if member["whereabouts_unknown"]:
                return "none", "whereabouts_unknown", False
            return "contact_plan", None, False
        return "none", "no_requirement", False

    # --- the status order 1–8 --------------------------------------------------------------------------

    def status(self, case: tuple, member: dict, requirement: str) -> tuple[str, str]:
        case_id, opened_on = case[0], case[3]
        person_id, role = member["person_id"], member["role"]
        is_child = role == "child"
        month = self.month
        since = date.fromisoformat(opened_on)
        out_of_state = is_child and self.type_any_day(case_id, person_id, {"out_of_state"})
        plan = self.plan(case_id, person_id) if requirement == "contact_plan" else None
        # 1. Requirement satisfied (rule 4, out of state, is part of it).
        if requirement == "monthly_face_to_face":
            if self.in_month(case_id, person_id, ("in_person",)):
                return "met", "seen_in_person"
            if out_of_state and self.in_month(case_id, person_id, ("phone", "video")):
                return "met", "out_of_state_phone"
        elif requirement == "monthly_face_to_face_in_home":
            if self.in_month(case_id, person_id, ("in_person",), location="home"):
                return "met", "seen_in_home"
            if out_of_state and self.in_month(case_id, person_id, ("phone", "video")):
                return "met", "out_of_state_phone"
        elif requirement == "contact_plan":
            if plan is not None:
                _, frequency, methods, _ = plan
                if self.contacts(case_id, person_id, month.shift(1 - frequency).start, month.end, methods):
                    return "met", "contact_plan_followed"
        elif requirement == "investigation_interview":
            if self.contacts(case_id, person_id, since, month.end, ("in_person",)):
                return "met", "interviewed"
            if not is_child and self.contacts(case_id, person_id, since, month.end, ("phone", "video")):
                return "explained", "remote_interview"
        # 2. An approved exception.
        if self.exception(case_id, person_id) is not None:
            if is_child:
                return "excused", "exception_approved"
            if self.contacts(case_id, person_id, month.shift(-2).start, month.end,
                             ("in_person", "phone", "video", "written")):
                return "excused", "exception_approved"
            return "unmet", "exception_without_quarterly_contact"
        # 3. Runaway.
        if is_child and self.type_any_day(case_id, person_id, {"runaway"}):
            if self.locate_effort(case_id, person_id):
                return "explained", "runaway_locate_efforts"
            return "unmet", "runaway_no_locate_efforts"
        # 5. Whereabouts unknown.
        if not is_child and member["whereabouts_unknown"]:
            if self.locate_effort(case_id, person_id):
                return "explained", "whereabouts_unknown_locate_efforts"
            return "unmet", "whereabouts_unknown_no_locate_efforts"
        # 6. Incarcerated, reached by call, video or letter.
        if not is_child and member["incarcerated"] and self.in_month(case_id, person_id, ("phone", "video", "written")):
            return "explained", "incarcerated_remote_contact"
        # 7. A staffing note.
        if self.staffing_note(case_id, person_id) is not None:
            return "explained", "staffing_reason"
        # 8. Not seen.
        if requirement == "monthly_face_to_face_in_home":
            return "unmet", "seen_not_in_home" if self.in_month(case_id, person_id, ("in_person",)) else "not_seen"
        if requirement == "contact_plan":
            return "unmet", "contact_plan_not_followed" if plan is not None else "no_contact_plan"
        if requirement == "investigation_interview":
            return "unmet", "not_interviewed"
        return "unmet", "not_seen"

    def home_visit(self, case: tuple) -> tuple[str, str]:
        case_id, opened_on = case[0], case[3]
        if self.one(
            "SELECT 1 FROM notes WHERE case_id = ? AND method = 'in_person' AND location = 'home' "
            "AND substr(occurred_at, 1, 10) BETWEEN ? AND ? AND substr(occurred_at, 1, 10) <= ?",
            case_id, opened_on, self.month.end.isoformat(), self.as_of.isoformat()):
            return "met", "home_visited"
        if self.staffing_note(case_id, None) is not None:
            return "explained", "staffing_reason"
        return "unmet", "no_home_visit"

    def adjust(self, requirement: str, status: str, reason: str, full: bool, open_at_end: bool) -> tuple[str, str]:
        """Partial month, month in progress, open investigation (docs/policy.md "Status order")."""
        if status != "unmet":
            return status, reason
        if requirement in MONTHLY and not full:
            return "not_required", "partial_month"
        if self.in_progress:
            return "due", reason
        if requirement in ("investigation_interview", "home_visit") and open_at_end:
            return "due", reason
        return status, reason

    # --- the month ------------------------------------------------------------------------------------

    def rows(self) -> list[RefRow]:
        rows = []
        columns = ("case_id", "person_id", "role", "alleged_victim", "alleged_perpetrator", "resides_in_home",
                   "rights_terminated_on", "whereabouts_unknown", "incarcerated", "joined_on", "left_on",
                   "birth_date", "deceased_on")
        for case in self.all("SELECT case_id, case_type, specialist_id, opened_on, closed_on FROM cases ORDER BY case_id"):
            case_id, case_type, _, opened_on, closed_on = case
            if opened_on > self.month.end.isoformat() or (closed_on and closed_on < self.month.start.isoformat()):
                continue  # not open on any day of M
            open_at_end = closed_on is None or closed_on >= self.month.end.isoformat()
            members = {
                r[1]: dict(zip(columns, r)) for r in self.all(
                    "SELECT m.case_id, m.person_id, m.role, m.alleged_victim, m.alleged_perpetrator, m.resides_in_home, "
                    "m.rights_terminated_on, m.whereabouts_unknown, m.incarcerated, m.joined_on, m.left_on, "
                    "p.birth_date, p.deceased_on FROM case_members m JOIN people p ON p.person_id = m.person_id "
                    "WHERE m.case_id = ?", case_id)
            }
            in_scope = {pid: days for pid, m in members.items() if (days := self.scope_days(case, m))}
            if case_type == "investigation":
                status, reason = self.adjust("home_visit", *self.home_visit(case), True, open_at_end)
                flags = ("recorded_after_month",) if self.late(case_id, None, status, reason) else ()
                rows.append(RefRow(case_id, None, None, "home_visit", status, reason, flags, None, None))
            for person_id, days in in_scope.items():
                member = members[person_id]
                requirement, not_required, needs_out_of_home = self.requirement(case, member, in_scope, members)
                if not_required is not None:
                    status, reason = "not_required", not_required
                else:
                    full = len(days) == len(self.days)
                    if needs_out_of_home:
                        full = full and self.out_of_home_every_day(case_id, person_id)
                    status, reason = self.adjust(requirement, *self.status(case, member, requirement), full,
                                                 open_at_end)
                flags = self.flags(case_id, person_id, member["role"], member)
                if self.late(case_id, person_id, status, reason):
                    flags = tuple(sorted((*flags, "recorded_after_month")))
                rows.append(RefRow(case_id, person_id, member["role"], requirement, status, reason, flags,
                                   self.latest(person_id, True), self.latest(person_id, False)))
        return rows


@pytest.fixture(scope="module")
def unit_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("reference") / "unit.db"
    generate_database(path, "unit", SEED)
    return path


def engine_rows(path, month: Month, as_of: date = AS_OF) -> list[RefRow]:
    db = open_database(path, readonly=True)
    try:
        report = month_report(db, month, as_of)
    finally:
        db.close()
    return [RefRow(r.case_id, r.person_id, str(r.role) if r.role else None, str(r.requirement), str(r.status),
                   str(r.reason), tuple(sorted(str(f) for f in r.flags)), r.last_seen, r.last_contact)
            for r in report.rows]


def reference(path, month: Month, as_of: date = AS_OF) -> list[RefRow]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return Reference(conn, month, as_of).rows()
    finally:
        conn.close()


@pytest.mark.parametrize("month", ["2026-09", "2026-10"], ids=["complete month", "month in progress"])
def test_engine_agrees_with_the_plain_reading_of_the_rules(unit_db, month):
    month = Month.parse(month)
    expected = {(r.case_id, r.person_id): r for r in reference(unit_db, month)}
    actual = {(r.case_id, r.person_id): r for r in engine_rows(unit_db, month)}

    assert set(actual) == set(expected)
    differences = [(expected[key], actual[key]) for key in sorted(expected, key=str) if expected[key] != actual[key]]
    assert differences == []
    # The comparison means something: the month has most outcomes in it.
    statuses = {r.status for r in expected.values()}
    assert {"met", "explained", "not_required"} <= statuses
    assert ("due" if month == Month.of(AS_OF) else "unmet") in statuses


@pytest.mark.parametrize(("as_of", "late_rows"), [("2026-04-05", 0), ("2026-04-06", 1), ("2026-10-20", 2)],
                         ids=["the day before the staffing note", "the day it was recorded", "months later"])
def test_engine_agrees_with_the_plain_reading_of_as_known_then(unit_db, as_of, late_rows):
    """A reason for a miss in March 2026 was recorded at the staffing on April 6 (after March
    ended): as of April 5 it is not on record yet; from April 6 on it explains the row, flagged
    `recorded_after_month` (and another from April 8). Engine and reference agree on every row,
    every as-of date."""
    month, as_of = Month(2026, 3), date.fromisoformat(as_of)
    expected = {(r.case_id, r.person_id): r for r in reference(unit_db, month, as_of)}
    actual = {(r.case_id, r.person_id): r for r in engine_rows(unit_db, month, as_of)}

    assert actual == expected
    late = [r for r in expected.values() if "recorded_after_month" in r.flags]
    assert len(late) == late_rows
    assert all((r.status, r.reason) == ("explained", "staffing_reason") for r in late)


def test_months_evaluated_as_of_one_date_share_the_latest_contacts_and_agree(unit_db, monkeypatch):
    """last_seen and last_contact depend on the person and the as-of date, not on the month: the
    months of a trend share them (the people a month adds are looked up one by one). Each month
    must equal its evaluation from nothing."""
    from staffing_tui.store import facts
    from staffing_tui.store.month_cache import MONTH_CACHE

    months = [Month(2026, 10), Month(2026, 6), Month(2025, 12), Month(2026, 9)]
    MONTH_CACHE.clear()
    fresh = {}
    for month in months:
        MONTH_CACHE.clear()
        fresh[month] = engine_rows(unit_db, month)

    everyone = []
    start = facts._Background.start.__func__
    monkeypatch.setattr(facts._Background, "start",
                        classmethod(lambda cls, db, work, *args: everyone.append(work) or start(cls, db, work, *args)))
    MONTH_CACHE.clear()
    try:
        shared = {month: engine_rows(unit_db, month) for month in months}
    finally:
        MONTH_CACHE.clear()

    assert everyone == [facts._latest_contacts]  # only the first month looked everyone up
    for month in months:
        assert shared[month] == fresh[month], month
    first = {r.person_id for r in shared[months[0]]}
    added = {r.person_id for r in shared[Month(2025, 12)]} - first
    assert added  # people the first month did not have were looked up
    assert any(r.last_contact is not None for r in shared[Month(2025, 12)] if r.person_id in added)
