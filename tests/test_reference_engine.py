"""The optimised engine agrees with a deliberately plain reading of the evaluation rules.

`Reference` below evaluates a month the slow, obvious way: one case and one
person at a time, with small SQL queries and day-by-day loops, written from the
rules' sentences (docs/policy.md "Evaluating a month", docs/data.md "Files and
columns") rather than from the engine's code. On a seeded unit-scale synthetic
database, with a few hand-written rows on top for the facts that change over
time (`DATED_FACTS`), both must give the same rows — the same set of (case,
person) rows with the same specialist, unit, requirement, status, reason,
flags, last_seen and last_contact — for a complete month and for the month in
progress. A difference means one of them misreads the policy; the engine's
speed-ups (set-wise loading, covering indexes, the newest-first look-up of the
latest contacts) must never change an answer.

Where a rule can be read two ways, the reading chosen here is written next to
the code that makes it, after the word "Reading:".
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
REUNIFICATION_GOALS = ("reunification", "remain_with_family")
MONTHLY = ("monthly_face_to_face", "monthly_face_to_face_in_home", "contact_plan")
IN_PERSON = ("in_person",)
CALL = ("phone", "video")
REMOTE = ("phone", "video", "written")
ANY_CONTACT = ("in_person", "phone", "video", "written")
#: The reasons of rule 8 — the only unmet outcomes a partial month turns into `partial_month`.
NOT_SEEN_REASONS = ("not_seen", "seen_not_in_home", "no_contact_plan", "contact_plan_not_followed",
                    "not_interviewed", "no_home_visit")


@dataclass(frozen=True)
class RefRow:
    case_id: str
    person_id: str | None
    role: str | None
    unit_id: str | None
    specialist_id: str
    requirement: str
    status: str
    reason: str
    flags: tuple[str, ...]
    last_seen: date | None
    last_contact: date | None


def d(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def within(day: date, start: str | None, end: str | None) -> bool:
    """`start <= day <= end`, both inclusive, a missing end open (docs/data.md "Files and columns")."""
    text = day.isoformat()
    return (start is None or start <= text) and (end is None or text <= end)


class Reference:
    """docs/policy.md "Evaluating a month", one question at a time."""

    def __init__(self, conn: sqlite3.Connection, month: Month, as_of: date) -> None:
        self.conn = conn
        self.month = month
        self.as_of = as_of
        self.days = days_between(month.start, month.end)
        self.in_progress = month.start <= as_of <= month.end
        meta = dict(self.all("SELECT key, value FROM meta"))
        self.zone = ZoneInfo(meta["timezone"])
        self.anchor = date.fromisoformat(meta["as_of"]) if meta.get("as_of") else None

    def one(self, sql: str, *params):
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, *params):
        return self.conn.execute(sql, params).fetchall()

    # --- membership and facts that change over time (docs/data.md "Files and columns") ---------

    def member(self, case_id: str, person_id: str) -> dict | None:
        row = self.one(
            "SELECT m.role, m.alleged_victim, m.alleged_perpetrator, m.resides_in_home, m.rights_terminated_on, "
            "m.whereabouts_unknown, m.incarcerated, coalesce(m.joined_on, c.opened_on), m.left_on, "
            "p.birth_date, p.deceased_on FROM case_members m JOIN cases c ON c.case_id = m.case_id "
            "JOIN people p ON p.person_id = m.person_id WHERE m.case_id = ? AND m.person_id = ?",
            case_id, person_id)
        if row is None:
            return None
        keys = ("role", "alleged_victim", "alleged_perpetrator", "resides_in_home", "rights_terminated_on",
                "whereabouts_unknown", "incarcerated", "joined_on", "left_on", "birth_date", "deceased_on")
        return {"case_id": case_id, "person_id": person_id, **dict(zip(keys, row))}

    def is_member_on(self, case_id: str, person_id: str, day: date) -> bool:
        """A member of the case that day (missing joined_on = the case's opened_on)."""
        member = self.member(case_id, person_id)
        return member is not None and within(day, member["joined_on"], member["left_on"])

    def fact_on(self, member: dict, fact: str, day: date) -> bool:
        """A (case, person, fact) with rows in member_periods holds exactly on its periods' days and
        the case_members boolean is then ignored; without rows the boolean holds all membership long."""
        periods = self.all("SELECT start_on, end_on FROM member_periods WHERE case_id = ? AND person_id = ? "
                           "AND fact = ?", member["case_id"], member["person_id"], fact)
        if periods:
            return any(within(day, start, end) for start, end in periods)
        return bool(member[fact])

    def specialist_on(self, case_id: str, day: date) -> str:
        """The specialist assigned that day: case_assignments, else cases.specialist_id.
        Reading: a case with assignment rows none of which covers the day (a gap) falls back to
        cases.specialist_id too — the rules do not say whose such a day is."""
        for specialist_id, start, end in self.all(
                "SELECT specialist_id, start_on, end_on FROM case_assignments WHERE case_id = ?", case_id):
            if within(day, start, end):
                return specialist_id
        return self.one("SELECT specialist_id FROM cases WHERE case_id = ?", case_id)[0]

    def unit_of(self, staff_id: str) -> str | None:
        return self.one("SELECT unit_id FROM staff WHERE staff_id = ?", staff_id)[0]

    def rights_end(self, member: dict, child_id: str) -> str | None:
        """The day a parent's rights to one child end: the earlier of parent_child's date for that
        child and the member's own rights_terminated_on (which ends them to every child)."""
        row = self.one("SELECT rights_terminated_on FROM parent_child WHERE case_id = ? AND parent_id = ? "
                       "AND child_id = ?", member["case_id"], member["person_id"], child_id)
        ends = [e for e in (row[0] if row else None, member["rights_terminated_on"]) if e]
        return min(ends) if ends else None

    # --- scope (docs/policy.md "Who is in scope") ----------------------------------------------

    def scope_days(self, case: tuple, member: dict) -> list[date]:
        """Days of M the person is in scope: the case open, a member, born, alive."""
        _, _, _, opened_on, closed_on = case
        return [day for day in self.days
                if within(day, opened_on, closed_on) and within(day, member["joined_on"], member["left_on"])
                and within(day, member["birth_date"], None)
                and not (member["deceased_on"] and day.isoformat() >= member["deceased_on"])]

    def reading_day(self, last_day: date) -> date:
        """Facts that can change within M are read on the last in-scope day, or on A when earlier."""
        return min(last_day, self.as_of)

    # --- the placement directory and goals ----------------------------------------------------------
    # Reading: placements belong to a case (a note's placement_id must be one of its case's), so a
    # child's rows on case C read the child's placements on C. "Any case, child in out-of-home care"
    # is then a placement recorded on the investigation or voluntary case itself; a foster home
    # recorded on the child's dependency case does not change the child's investigation row.

    def placements_on(self, case_id: str, child_id: str, day: date) -> list[tuple]:
        """(placement_id, location_type, start_on, end_on) of the child's placements on the case in
        effect that day, the latest start last."""
        return [r for r in self.all(
            "SELECT placement_id, location_type, start_on, end_on FROM placements WHERE case_id = ? AND child_id = ? "
            "ORDER BY start_on, placement_id", case_id, child_id) if within(day, r[2], r[3])]

    def types_on(self, case_id: str, child_id: str, day: date) -> set[str]:
        return {r[1] for r in self.placements_on(case_id, child_id, day)}

    def placement_type_on(self, case_id: str, child_id: str, day: date) -> str | None:
        """The child's placement that day. Reading: when two placements touch the same day, the one
        that started last is the child's placement."""
        placements = self.placements_on(case_id, child_id, day)
        return placements[-1][1] if placements else None

    def out_of_home_any_day(self, case_id: str, child_id: str) -> bool:
        return any(self.types_on(case_id, child_id, day) & OUT_OF_HOME for day in self.days)

    def goal_on(self, case_id: str, child_id: str, day: date) -> str:
        row = self.one(
            "SELECT goal FROM permanency_goals WHERE case_id = ? AND child_id = ? AND effective_on <= ? "
            "ORDER BY effective_on DESC LIMIT 1", case_id, child_id, day.isoformat())
        return row[0] if row else "reunification"  # missing goal = reunification

    # --- notes (docs/policy.md "Which notes count"); only those on or before A count ------------

    def contacts(self, person_id: str, first: date, last: date, methods: tuple[str, ...],
                 location: str | None = None) -> list[tuple[str, str, date, str | None]]:
        """(note_id, case_id, day, placement_id) of the notes listing the person, by one of
        `methods`, between two days, on any case the person is a member of on the note's day.
        Reading: "member of that day" holds for case C too — a note on C dated before the person
        joined C (or after they left) is not a contact with them on any case."""
        rows = self.all(
            "SELECT n.note_id, n.case_id, n.occurred_at, n.method, n.location, n.placement_id FROM notes n "
            "JOIN note_contacts nc ON nc.note_id = n.note_id WHERE nc.person_id = ?", person_id)
        found = []
        for note_id, case_id, occurred_at, method, note_location, placement_id in rows:
            day = d(occurred_at)
            if method not in methods or not (first <= day <= last) or day > self.as_of:
                continue
            if location is not None and note_location != location:
                continue
            if self.is_member_on(case_id, person_id, day):
                found.append((note_id, case_id, day, placement_id))
        return found

    def in_month(self, person_id: str, methods: tuple[str, ...], location: str | None = None) -> list[tuple]:
        return self.contacts(person_id, self.month.start, self.month.end, methods, location)

    def locate_effort(self, case_id: str, person_id: str, first: date) -> bool:
        """A note on case C itself whose locate_for names the person, from `first` to the end of M."""
        return any(first <= d(at) <= min(self.month.end, self.as_of) for (at,) in self.all(
            "SELECT occurred_at FROM notes WHERE case_id = ? AND locate_for = ?", case_id, person_id))

    def calls_to_out_of_state_placement(self, case_id: str, child_id: str) -> list[tuple]:
        """Phone or video notes on case C, in M, naming (placement_id) an out-of-state placement of
        the child in effect that day. Reading: "that placement" is the out-of-state placement the child
        was in on the day of the call."""
        found = []
        for note_id, at, placement_id in self.all(
                "SELECT note_id, occurred_at, placement_id FROM notes WHERE case_id = ? AND placement_id IS NOT NULL "
                "AND method IN ('phone', 'video')", case_id):
            day = d(at)
            if self.month.start <= day <= min(self.month.end, self.as_of) and any(
                    p[0] == placement_id and p[1] == "out_of_state"
                    for p in self.placements_on(case_id, child_id, day)):
                found.append((note_id, case_id, day, placement_id))
        return found

    def out_of_state_call(self, case_id: str, child_id: str) -> bool:
        """Rule 4: a phone or video contact, made on a day the child was placed out of state, with the
        child or with that placement. Reading: the day of the call decides, not the last in-scope
        day — a call while the child was out of state counts even if the child came back later in M."""
        calls = self.in_month(child_id, CALL) + self.calls_to_out_of_state_placement(case_id, child_id)
        return any("out_of_state" in self.types_on(case_id, child_id, day) for _, _, day, _ in calls)

    def home_visit_notes(self, case: tuple) -> bool:
        """An in-person note at location home on case C, from opened_on to the end of M (and <= A),
        listing at least one member of the case. Reading: a member of the case on the note's day."""
        case_id, opened_on = case[0], case[3]
        for note_id, at in self.all("SELECT note_id, occurred_at FROM notes WHERE case_id = ? "
                                    "AND method = 'in_person' AND location = 'home'", case_id):
            day = d(at)
            if not (date.fromisoformat(opened_on) <= day <= min(self.month.end, self.as_of)):
                continue
            listed = [r[0] for r in self.all("SELECT person_id FROM note_contacts WHERE note_id = ?", note_id)]
            if any(self.is_member_on(case_id, person_id, day) for person_id in listed):
                return True
        return False

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

    # --- derived (docs/policy.md "Derived fields") -------------------------------------------------

    def latest(self, person_id: str, in_person: bool) -> date | None:
        """Reading: last_seen / last_contact look at every note listing the person ("on any case"),
        without asking whether they were a member of its case that day."""
        method = "n.method = 'in_person'" if in_person else "n.method != 'none'"
        row = self.one(
            "SELECT max(n.occurred_at) FROM notes n JOIN note_contacts nc ON nc.note_id = n.note_id "
            f"WHERE nc.person_id = ? AND {method} AND substr(n.occurred_at, 1, 10) <= ?",
            person_id, self.as_of.isoformat())
        return d(row[0])

    # --- integrity flags (docs/policy.md "Integrity flags") -----------------------------------------

    def flags(self, member: dict) -> tuple[str, ...]:
        case_id, person_id = member["case_id"], member["person_id"]
        flags = []
        seen_days = [day for _, _, day, _ in self.in_month(person_id, IN_PERSON)]
        if member["role"] == "child" and any("runaway" in self.types_on(case_id, person_id, day) for day in seen_days):
            flags.append("in_person_while_runaway")
        if member["role"] != "child" and any(self.fact_on(member, "whereabouts_unknown", day) for day in seen_days):
            flags.append("in_person_while_whereabouts_unknown")
        if self.duplicated(case_id, person_id):
            flags.append("duplicate_note")
        return tuple(sorted(flags))

    def duplicated(self, case_id: str, person_id: str) -> bool:
        """Two notes in M on case C, same author and minute, same contact-with list (listing the
        person), different note types. Reading: only notes on C flag the person's row for C."""
        groups: dict[tuple, set] = {}
        for note_id, author, at, note_type in self.all(
                "SELECT note_id, author_id, occurred_at, note_type FROM notes WHERE case_id = ?", case_id):
            if not (self.month.start <= d(at) <= min(self.month.end, self.as_of)):
                continue
            people = frozenset(r[0] for r in self.all("SELECT person_id FROM note_contacts WHERE note_id = ?", note_id))
            if people:
                groups.setdefault((author, at[:16], people), set()).add(note_type)
        return any(person_id in people and len(types) > 1 for (_, _, people), types in groups.items())

    # --- requirements (docs/policy.md "Requirements") ------------------------------------------------

    def requirement(self, case: tuple, member: dict, day: date, in_scope: set[str]) -> tuple[str, str | None]:
        """(requirement, the not_required reason or None), facts read on `day`."""
        case_id, case_type = case[0], case[1]
        role = member["role"]
        if role == "child" and self.out_of_home_any_day(case_id, member["person_id"]):
            return "monthly_face_to_face", None  # any case type; on an investigation it replaces the interview
        if case_type == "investigation":
            return self.investigation_requirement(member, day)
        if case_type == "voluntary":
            if role == "child" or role in PARENTS:
                if self.fact_on(member, "resides_in_home", day):
                    return "monthly_face_to_face", None
                return "none", "not_in_household"
            return "none", "no_requirement"
        if role == "child":
            return "monthly_face_to_face_in_home", None
        if role in PARENTS:
            return self.dependency_parent_requirement(member, day, in_scope)
        return "none", "no_requirement"

    def investigation_requirement(self, member: dict, day: date) -> tuple[str, str | None]:
        role = member["role"]
        resides = self.fact_on(member, "resides_in_home", day)
        if role == "child":
            required = member["alleged_victim"] or resides
        elif role in PARENTS:
            required = member["alleged_perpetrator"] or resides
        elif role == "spouse_partner":
            required = True
        else:  # other_adult
            required = member["alleged_perpetrator"]
        return ("investigation_interview", None) if required else ("none", "no_requirement")

    def dependency_parent_requirement(self, member: dict, day: date, in_scope: set[str]) -> tuple[str, str | None]:
        """Rights read on `day` per child; then the goal class; then where the parent lives.
        Reading: rights and goals are read on the parent's last in-scope day (or A), as every fact that
        can change within M — not on the last day of M; "every linked child" means every child
        linked to the parent on C (parent_child), and needs at least one."""
        case_id, parent_id = member["case_id"], member["person_id"]
        linked = [r[0] for r in self.all("SELECT child_id FROM parent_child WHERE case_id = ? AND parent_id = ?",
                                         case_id, parent_id)]
        ended = {c for c in linked if (end := self.rights_end(member, c)) and end <= day.isoformat()}
        own_end = member["rights_terminated_on"]
        if (own_end and own_end <= day.isoformat()) or (linked and ended == set(linked)):
            return "none", "rights_terminated"
        linked_in_scope = [c for c in linked if c in in_scope and self.member(case_id, c)["role"] == "child"]
        reunification = not linked_in_scope or any(
            self.goal_on(case_id, c, day) in REUNIFICATION_GOALS for c in linked_in_scope if c not in ended)
        if reunification:
            child_at_home = any(not self.out_of_home_any_day(case_id, c) for c in linked_in_scope)
            if self.fact_on(member, "resides_in_home", day) and child_at_home:
                return "monthly_face_to_face_in_home", None
            return "monthly_face_to_face", None
        if self.fact_on(member, "whereabouts_unknown", day):
            return "none", "whereabouts_unknown"
        return "contact_plan", None

    # --- the status order 1–8 (docs/policy.md "Status order") ----------------------------------------

    def status(self, case: tuple, member: dict, requirement: str, day: date) -> tuple[str, str]:
        case_id, person_id = member["case_id"], member["person_id"]
        is_child = member["role"] == "child"
        # 1. Requirement satisfied (rule 4, out of state, is part of it).
        satisfied = self.satisfied(case, member, requirement)
        if satisfied is not None:
            return satisfied
        # 2. An approved exception.
        if self.exception(case_id, person_id) is not None:
            if is_child or self.contacts(person_id, self.month.shift(-2).start, self.month.end, ANY_CONTACT):
                return "excused", "exception_approved"
            return "unmet", "exception_without_quarterly_contact"
        # 3. Runaway on the last in-scope day, locate efforts since the runaway began.
        if is_child and self.placement_type_on(case_id, person_id, day) == "runaway":
            if self.locate_effort(case_id, person_id, self.runaway_began(case_id, person_id, day)):
                return "explained", "runaway_locate_efforts"
            return "unmet", "runaway_no_locate_efforts"
        # 5. Whereabouts unknown.
        if not is_child and self.fact_on(member, "whereabouts_unknown", day):
            if self.locate_effort(case_id, person_id, self.month.start):
                return "explained", "whereabouts_unknown_locate_efforts"
            return "unmet", "whereabouts_unknown_no_locate_efforts"
        # 6. Incarcerated, reached by call, video or letter.
        if not is_child and self.fact_on(member, "incarcerated", day) and self.in_month(person_id, REMOTE):
            return "explained", "incarcerated_remote_contact"
        # 7. A staffing note.
        if self.staffing_note(case_id, person_id) is not None:
            return "explained", "staffing_reason"
        # 8. Not seen.
        return "unmet", self.not_seen_reason(member, requirement)

    def satisfied(self, case: tuple, member: dict, requirement: str) -> tuple[str, str] | None:
        case_id, person_id = member["case_id"], member["person_id"]
        if requirement == "monthly_face_to_face" and self.in_month(person_id, IN_PERSON):
            return "met", "seen_in_person"
        if requirement == "monthly_face_to_face_in_home" and self.in_month(person_id, IN_PERSON, "home"):
            return "met", "seen_in_home"
        if requirement in ("monthly_face_to_face", "monthly_face_to_face_in_home") and member["role"] == "child" \
                and self.out_of_state_call(case_id, person_id):
            return "met", "out_of_state_phone"
        if requirement == "contact_plan" and (plan := self.plan(case_id, person_id)) is not None:
            _, frequency, methods, _ = plan
            if self.contacts(person_id, self.month.shift(1 - frequency).start, self.month.end, methods):
                return "met", "contact_plan_followed"
        if requirement == "investigation_interview":
            since = date.fromisoformat(case[3])
            if self.contacts(person_id, since, self.month.end, IN_PERSON):
                return "met", "interviewed"
            if member["role"] != "child" and self.contacts(person_id, since, self.month.end, CALL):
                return "explained", "remote_interview"
        return None

    def runaway_began(self, case_id: str, child_id: str, day: date) -> date:
        """The first day of M of the runaway spell that includes `day` (walking back day by day)."""
        while day > self.month.start and "runaway" in self.types_on(case_id, child_id, day - timedelta(days=1)):
            day -= timedelta(days=1)
        return day

    def not_seen_reason(self, member: dict, requirement: str) -> str:
        if requirement == "monthly_face_to_face_in_home":
            return "seen_not_in_home" if self.in_month(member["person_id"], IN_PERSON) else "not_seen"
        if requirement == "contact_plan":
            has_plan = self.plan(member["case_id"], member["person_id"]) is not None
            return "contact_plan_not_followed" if has_plan else "no_contact_plan"
        if requirement == "investigation_interview":
            return "not_interviewed"
        return "not_seen"

    def home_visit(self, case: tuple) -> tuple[str, str]:
        if self.home_visit_notes(case):
            return "met", "home_visited"
        if self.staffing_note(case[0], None) is not None:
            return "explained", "staffing_reason"
        return "unmet", "no_home_visit"

    def adjust(self, case: tuple, requirement: str, status: str, reason: str, full: bool) -> tuple[str, str]:
        """Partial month, month in progress, open investigation — in that order. Reading: "on an
        investigation closed on or before A" covers every row of such a case (a child's monthly
        face-to-face too); "open at the end of M → due" is the interview's and home visit's only
        (they are met once for the whole investigation; a monthly requirement is not)."""
        case_type, closed_on = case[1], case[4]
        if status != "unmet":
            return status, reason
        if requirement in MONTHLY and not full and reason in NOT_SEEN_REASONS:
            return "not_required", "partial_month"
        investigation_over = (case_type == "investigation" and closed_on is not None
                              and closed_on <= self.as_of.isoformat())
        if self.in_progress:
            return ("unmet", reason) if investigation_over else ("due", reason)
        open_at_end = closed_on is None or closed_on >= self.month.end.isoformat()
        if requirement in ("investigation_interview", "home_visit") and open_at_end:
            return "due", reason
        return status, reason

    # --- the month ------------------------------------------------------------------------------------

    def case_row(self, case: tuple) -> RefRow:
        """The investigation's case-level home_visit row, credited on the case's last open day of M (or A)."""
        case_id, closed_on = case[0], case[4]
        last_open = min(date.fromisoformat(closed_on), self.month.end) if closed_on else self.month.end
        specialist_id = self.specialist_on(case_id, self.reading_day(last_open))
        status, reason = self.adjust(case, "home_visit", *self.home_visit(case), True)
        flags = ("recorded_after_month",) if self.late(case_id, None, status, reason) else ()
        return RefRow(case_id, None, None, self.unit_of(specialist_id), specialist_id, "home_visit", status, reason,
                      flags, None, None)

    def person_row(self, case: tuple, member: dict, days: list[date], in_scope: set[str]) -> RefRow:
        case_id, person_id = case[0], member["person_id"]
        day = self.reading_day(days[-1])
        specialist_id = self.specialist_on(case_id, day)
        requirement, not_required = self.requirement(case, member, day, in_scope)
        if not_required is not None:
            status, reason = "not_required", not_required
        else:
            full = len(days) == len(self.days)  # a placement change does not make a month partial
            status, reason = self.adjust(case, requirement, *self.status(case, member, requirement, day), full)
        flags = self.flags(member)
        if self.late(case_id, person_id, status, reason):
            flags = tuple(sorted((*flags, "recorded_after_month")))
        return RefRow(case_id, person_id, member["role"], self.unit_of(specialist_id), specialist_id, requirement,
                      status, reason, flags, self.latest(person_id, True), self.latest(person_id, False))

    def rows(self) -> list[RefRow]:
        rows = []
        for case in self.all("SELECT case_id, case_type, specialist_id, opened_on, closed_on FROM cases "
                             "ORDER BY case_id"):
            case_id, case_type, _, opened_on, closed_on = case
            if not any(within(day, opened_on, closed_on) for day in self.days):
                continue
            members = [self.member(case_id, r[0]) for r in self.all(
                "SELECT person_id FROM case_members WHERE case_id = ? ORDER BY person_id", case_id)]
            scope = {m["person_id"]: days for m in members if (days := self.scope_days(case, m))}
            if case_type == "investigation":
                rows.append(self.case_row(case))
            for member in members:
                if member["person_id"] in scope:
                    rows.append(self.person_row(case, member, scope[member["person_id"]], set(scope)))
        return rows


#: Hand-written rows on top of the generated agency, so that the comparison meets every fact that
#: changes over time (docs/data.md "Files and columns"). September 2026 is a complete month, October
#: 2026 the month in progress (as of 20 October). The rows are self-contained: their own units, staff,
#: cases, people, placements and notes, with ids that have a 9 after the letter(s), so that they hold
#: whatever the generator writes.
DATED_FACTS = """
-- Two units of our own (a transfer crosses from one to the other) and their staff.
INSERT INTO units (unit_id, name, region) VALUES ('U901', 'Reference Unit', 'Northern Region'),
                                                 ('U902', 'Second Reference Unit', 'Northern Region');
INSERT INTO staff (staff_id, name, role, unit_id) VALUES
    ('SV901', 'Reference Supervisor', 'supervisor', 'U901'),
    ('SP9001', 'Reference Specialist One', 'specialist', 'U901'),
    ('SP9002', 'Reference Specialist Two', 'specialist', 'U901'),
    ('SP9003', 'Reference Specialist Three', 'specialist', 'U901'),
    ('SP9004', 'Second Unit Specialist', 'specialist', 'U902');

-- Transfers (case_assignments). C900001 moves on 16 September to a specialist of another unit: its
-- foster child, seen on 8 September by the first specialist, is the second one's month.
INSERT INTO cases VALUES ('C900001', 'dependency', 'SP9004', '2025-11-03', NULL);
INSERT INTO people VALUES ('P9000011', 'Child', 'Reference', '2014-04-04', NULL),
                          ('P9000012', 'Parent', 'Reference', '1988-08-08', NULL),
                          ('P9000013', 'Parent', 'Reference', '1986-06-06', NULL);
INSERT INTO case_members (case_id, person_id, role, whereabouts_unknown) VALUES
    ('C900001', 'P9000011', 'child', 0),
    ('C900001', 'P9000012', 'parent', 0),
    ('C900001', 'P9000013', 'alleged_parent', 1);
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900001', 'P9000012', 'P9000011'),
                                                               ('C900001', 'P9000013', 'P9000011');
INSERT INTO placements VALUES
    ('PL9000011', 'C900001', 'P9000011', 'foster_home', 'Reference foster home', '2025-11-03', NULL);
INSERT INTO case_assignments VALUES ('C900001', 'SP9001', '2025-11-03', '2026-09-15'),
                                    ('C900001', 'SP9004', '2026-09-16', NULL);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000011', 'C900001', 'SP9001', '2026-09-08T10:00:00-07:00', 'placement_visit', 'in_person',
            'placement', 'Monthly visit at the foster home.');
INSERT INTO note_contacts VALUES ('N9000011', 'P9000011');
-- C900002 came to its specialist of record on 20 September; a lodger who left on 10 September stays
-- with the one before.
INSERT INTO cases VALUES ('C900002', 'dependency', 'SP9002', '2026-02-09', NULL);
INSERT INTO people VALUES ('P9000021', 'Child', 'Reference', '2019-09-09', NULL),
                          ('P9000022', 'Parent', 'Reference', '1992-02-12', NULL),
                          ('P9000023', 'Lodger', 'Reference', '1980-01-01', NULL);
INSERT INTO case_members (case_id, person_id, role, resides_in_home, left_on) VALUES
    ('C900002', 'P9000021', 'child', 1, NULL),
    ('C900002', 'P9000022', 'parent', 1, NULL),
    ('C900002', 'P9000023', 'other_adult', 1, '2026-09-10');
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900002', 'P9000022', 'P9000021');
INSERT INTO case_assignments VALUES ('C900002', 'SP9001', '2026-02-09', '2026-09-19'),
                                    ('C900002', 'SP9002', '2026-09-20', NULL);
-- C900003 moves on 26 October, after the as-of day (its specialist of record is already the new
-- one): October is read on 20 October.
INSERT INTO cases VALUES ('C900003', 'dependency', 'SP9003', '2026-03-16', NULL);
INSERT INTO people VALUES ('P9000031', 'Child', 'Reference', '2012-12-12', NULL);
INSERT INTO case_members (case_id, person_id, role) VALUES ('C900003', 'P9000031', 'child');
INSERT INTO placements VALUES
    ('PL9000031', 'C900003', 'P9000031', 'kinship', 'Reference kinship home', '2026-03-16', NULL);
INSERT INTO case_assignments VALUES ('C900003', 'SP9001', '2026-03-16', '2026-10-25'),
                                    ('C900003', 'SP9003', '2026-10-26', NULL);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000031', 'C900003', 'SP9001', '2026-10-07T15:00:00-07:00', 'placement_visit', 'in_person',
            'placement', 'Monthly visit at the kinship home.');
INSERT INTO note_contacts VALUES ('N9000031', 'P9000031');
-- C900004, an investigation closed on 8 October, moves on 5 October: its home_visit row too. Its
-- spouse/partner, never interviewed, is due in September and unmet once the case closed.
INSERT INTO cases VALUES ('C900004', 'investigation', 'SP9002', '2026-09-14', '2026-10-08');
INSERT INTO people VALUES ('P9000041', 'Child', 'Reference', '2016-01-16', NULL),
                          ('P9000042', 'Parent', 'Reference', '1991-11-01', NULL),
                          ('P9000043', 'Partner', 'Reference', '1995-07-07', NULL);
INSERT INTO case_members (case_id, person_id, role, alleged_victim, alleged_perpetrator, resides_in_home) VALUES
    ('C900004', 'P9000041', 'child', 1, 0, 1),
    ('C900004', 'P9000042', 'parent', 0, 0, 1),
    ('C900004', 'P9000043', 'spouse_partner', 0, 0, 1);
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900004', 'P9000042', 'P9000041');
INSERT INTO case_assignments VALUES ('C900004', 'SP9003', '2026-09-14', '2026-10-04'),
                                    ('C900004', 'SP9002', '2026-10-05', NULL);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000041', 'C900004', 'SP9003', '2026-09-15T10:30:00-07:00', 'home_visit', 'in_person', 'home',
            'Home visit; interviewed the child and the parent.');
INSERT INTO note_contacts VALUES ('N9000041', 'P9000041'), ('N9000041', 'P9000042');

-- member_periods. C900001's alleged parent (flagged whereabouts unknown) is found on 12 September
-- and seen on the 20th: met in September, no in_person_while_whereabouts_unknown; not seen in
-- October, where the locate note of 2 October no longer excuses anything.
INSERT INTO member_periods VALUES ('C900001', 'P9000013', 'whereabouts_unknown', '2025-11-03', '2026-09-12');
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, locate_for, text) VALUES
    ('N9000012', 'C900001', 'SP9001', '2026-09-05T09:00:00-07:00', 'locate_effort', 'none', 'P9000013',
     'Searched the jail roster and the shelters.'),
    ('N9000014', 'C900001', 'SP9004', '2026-10-02T09:00:00-07:00', 'locate_effort', 'none', 'P9000013',
     'The records office confirmed the new address.');
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000013', 'C900001', 'SP9004', '2026-09-20T10:00:00-07:00', 'office_visit', 'in_person', 'office',
            'Met the parent at the office after the address was found.');
INSERT INTO note_contacts VALUES ('N9000013', 'P9000013');
-- C900005's parent (flagged incarcerated) is released on 5 October: the letter of 10 September is
-- rule 6's, the call of 8 October no longer is. An alleged parent joins on 12 September, whereabouts
-- unknown, without locate efforts (rule 5 stands in a partial month).
INSERT INTO cases VALUES ('C900005', 'dependency', 'SP9003', '2025-06-02', NULL);
INSERT INTO people VALUES ('P9000051', 'Child', 'Reference', '2017-07-17', NULL),
                          ('P9000052', 'Parent', 'Reference', '1989-09-19', NULL),
                          ('P9000053', 'Parent', 'Reference', '1990-02-02', NULL);
INSERT INTO case_members (case_id, person_id, role, whereabouts_unknown, incarcerated, joined_on) VALUES
    ('C900005', 'P9000051', 'child', 0, 0, NULL),
    ('C900005', 'P9000052', 'parent', 0, 1, NULL),
    ('C900005', 'P9000053', 'alleged_parent', 1, 0, '2026-09-12');
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900005', 'P9000052', 'P9000051'),
                                                               ('C900005', 'P9000053', 'P9000051');
INSERT INTO placements VALUES
    ('PL9000051', 'C900005', 'P9000051', 'foster_home', 'Reference foster home', '2025-06-02', NULL);
INSERT INTO member_periods VALUES ('C900005', 'P9000052', 'incarcerated', '2025-06-02', '2026-10-05');
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, text) VALUES
    ('N9000051', 'C900005', 'SP9003', '2026-09-10T14:00:00-07:00', 'letter', 'written',
     'Wrote to the parent at the prison about the case plan.'),
    ('N9000052', 'C900005', 'SP9003', '2026-10-08T14:00:00-07:00', 'phone_call', 'phone',
     'Called the parent after the release.');
INSERT INTO note_contacts VALUES ('N9000051', 'P9000052'), ('N9000052', 'P9000052');
-- C900006's parent (flagged residing) moves out on 14 September: seen at home on the 23rd, but the
-- in-home requirement is read on 30 September.
INSERT INTO cases VALUES ('C900006', 'dependency', 'SP9001', '2026-01-12', NULL);
INSERT INTO people VALUES ('P9000061', 'Child', 'Reference', '2018-08-18', NULL),
                          ('P9000062', 'Parent', 'Reference', '1993-03-13', NULL);
INSERT INTO case_members (case_id, person_id, role, resides_in_home) VALUES
    ('C900006', 'P9000061', 'child', 1),
    ('C900006', 'P9000062', 'parent', 1);
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900006', 'P9000062', 'P9000061');
INSERT INTO placements VALUES ('PL9000061', 'C900006', 'P9000061', 'in_home', NULL, '2026-01-12', NULL);
INSERT INTO member_periods VALUES ('C900006', 'P9000062', 'resides_in_home', '2026-01-12', '2026-09-14');
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000061', 'C900006', 'SP9001', '2026-09-23T16:00:00-07:00', 'home_visit', 'in_person', 'home',
            'Monthly home visit; the parent came to the home for it.');
INSERT INTO note_contacts VALUES ('N9000061', 'P9000061'), ('N9000061', 'P9000062');
-- C900007's voluntary parent moves out on 10 October: not in the household in October.
INSERT INTO cases VALUES ('C900007', 'voluntary', 'SP9002', '2026-04-20', NULL);
INSERT INTO people VALUES ('P9000071', 'Child', 'Reference', '2020-10-20', NULL),
                          ('P9000072', 'Parent', 'Reference', '1994-04-14', NULL);
INSERT INTO case_members (case_id, person_id, role, resides_in_home) VALUES
    ('C900007', 'P9000071', 'child', 1),
    ('C900007', 'P9000072', 'parent', 1);
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900007', 'P9000072', 'P9000071');
INSERT INTO member_periods VALUES ('C900007', 'P9000072', 'resides_in_home', '2026-04-20', '2026-10-10');

-- Rights to one child (parent_child.rights_terminated_on). C900008's parent loses the only linked
-- child on 20 September.
INSERT INTO cases VALUES ('C900008', 'dependency', 'SP9003', '2025-03-03', NULL);
INSERT INTO people VALUES ('P9000081', 'Child', 'Reference', '2021-01-21', NULL),
                          ('P9000082', 'Parent', 'Reference', '1987-07-27', NULL);
INSERT INTO case_members (case_id, person_id, role) VALUES ('C900008', 'P9000081', 'child'),
                                                           ('C900008', 'P9000082', 'parent');
INSERT INTO parent_child (case_id, parent_id, child_id, rights_terminated_on)
    VALUES ('C900008', 'P9000082', 'P9000081', '2026-09-20');
INSERT INTO placements VALUES
    ('PL9000081', 'C900008', 'P9000081', 'foster_home', 'Reference foster home', '2025-03-03', NULL);
-- C900009's alleged parent keeps rights only to P9000094, whose goal is adoption from 1 August:
-- non-reunification, a contact plan. The other parent loses every child on 28 October, after the
-- as-of day: intact in October, and seen.
INSERT INTO cases VALUES ('C900009', 'dependency', 'SP9001', '2025-01-13', NULL);
INSERT INTO people VALUES ('P9000091', 'Child', 'Reference', '2011-01-11', NULL),
                          ('P9000092', 'Child', 'Reference', '2013-03-13', NULL),
                          ('P9000093', 'Child', 'Reference', '2015-05-15', NULL),
                          ('P9000094', 'Child', 'Reference', '2019-09-19', NULL),
                          ('P9000095', 'Parent', 'Reference', '1984-04-24', NULL),
                          ('P9000096', 'Parent', 'Reference', '1986-06-26', NULL);
INSERT INTO case_members (case_id, person_id, role) VALUES
    ('C900009', 'P9000091', 'child'), ('C900009', 'P9000092', 'child'), ('C900009', 'P9000093', 'child'),
    ('C900009', 'P9000094', 'child'), ('C900009', 'P9000095', 'alleged_parent'), ('C900009', 'P9000096', 'parent');
INSERT INTO placements VALUES
    ('PL9000091', 'C900009', 'P9000091', 'foster_home', 'Reference foster home', '2025-01-13', NULL),
    ('PL9000092', 'C900009', 'P9000092', 'foster_home', 'Reference foster home', '2025-01-13', NULL),
    ('PL9000093', 'C900009', 'P9000093', 'kinship', 'Reference kinship home', '2025-01-13', NULL),
    ('PL9000094', 'C900009', 'P9000094', 'kinship', 'Reference kinship home', '2025-01-13', NULL);
INSERT INTO permanency_goals VALUES ('C900009', 'P9000094', 'adoption', '2026-08-01');
INSERT INTO parent_child (case_id, parent_id, child_id, rights_terminated_on) VALUES
    ('C900009', 'P9000095', 'P9000091', '2026-08-15'), ('C900009', 'P9000095', 'P9000092', '2026-08-15'),
    ('C900009', 'P9000095', 'P9000093', '2026-08-15'), ('C900009', 'P9000095', 'P9000094', NULL),
    ('C900009', 'P9000096', 'P9000091', '2026-10-28'), ('C900009', 'P9000096', 'P9000092', '2026-10-28'),
    ('C900009', 'P9000096', 'P9000093', '2026-10-28'), ('C900009', 'P9000096', 'P9000094', '2026-10-28');
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000091', 'C900009', 'SP9001', '2026-10-14T11:00:00-07:00', 'office_visit', 'in_person', 'office',
            'Met the parent at the office before the hearing.');
INSERT INTO note_contacts VALUES ('N9000091', 'P9000096');

-- Out of state. C900010's child, out of state since February, is reached in October only by a call
-- to the placement.
INSERT INTO cases VALUES ('C900010', 'dependency', 'SP9002', '2025-09-08', NULL);
INSERT INTO people VALUES ('P9000101', 'Child', 'Reference', '2012-02-02', NULL),
                          ('P9000102', 'Child', 'Reference', '2015-05-05', NULL),
                          ('P9000103', 'Parent', 'Reference', '1985-05-25', NULL);
INSERT INTO case_members (case_id, person_id, role, joined_on) VALUES
    ('C900010', 'P9000101', 'child', NULL),
    ('C900010', 'P9000102', 'child', '2026-08-01'),
    ('C900010', 'P9000103', 'parent', NULL);
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900010', 'P9000103', 'P9000101'),
                                                               ('C900010', 'P9000103', 'P9000102');
INSERT INTO placements VALUES
    ('PL9000100', 'C900010', 'P9000101', 'foster_home', 'Reference foster home', '2025-09-08', '2026-01-31'),
    ('PL9000101', 'C900010', 'P9000101', 'out_of_state', 'Reference relative home, Utah', '2026-02-01', NULL);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, text, placement_id)
    VALUES ('N9000101', 'C900010', 'SP9002', '2026-10-06T10:00:00-07:00', 'phone_call', 'phone',
            'Monthly call with the out-of-state caregiver.', 'PL9000101');
-- A second child of C900010 (joined 1 August): at home, then in kinship care from 11 September (a
-- full month all the same), placed out of state from 5 October; the call of 2 October came before.
INSERT INTO placements VALUES
    ('PL9000102', 'C900010', 'P9000102', 'in_home', NULL, '2026-08-01', '2026-09-10'),
    ('PL9000103', 'C900010', 'P9000102', 'kinship', 'Reference kinship home', '2026-09-11', '2026-10-04'),
    ('PL9000104', 'C900010', 'P9000102', 'out_of_state', 'Reference relative home, Nevada', '2026-10-05', NULL);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, text)
    VALUES ('N9000102', 'C900010', 'SP9002', '2026-10-02T16:00:00-07:00', 'phone_call', 'phone',
            'Called the child at the kinship home before the move.');
INSERT INTO note_contacts VALUES ('N9000102', 'P9000102');

-- Runaway. C900011's child (on runaway since 17 August) is back in a group home 3–11 October and runs
-- away again on 12 October: the locate effort of 1 October is from the earlier spell (that of
-- 3 September explains September). Its siblings: one at home, one placed with kin.
INSERT INTO cases VALUES ('C900011', 'dependency', 'SP9003', '2024-05-06', NULL);
INSERT INTO people VALUES ('P9000111', 'Child', 'Reference', '2010-10-10', NULL),
                          ('P9000112', 'Child', 'Reference', '2013-10-13', NULL),
                          ('P9000113', 'Child', 'Reference', '2016-10-16', NULL),
                          ('P9000114', 'Parent', 'Reference', '1983-03-23', NULL),
                          ('P9000115', 'Parent', 'Reference', '1982-02-22', NULL);
INSERT INTO case_members (case_id, person_id, role, resides_in_home) VALUES
    ('C900011', 'P9000111', 'child', 0), ('C900011', 'P9000112', 'child', 1), ('C900011', 'P9000113', 'child', 0),
    ('C900011', 'P9000114', 'parent', 1), ('C900011', 'P9000115', 'parent', 0);
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES
    ('C900011', 'P9000114', 'P9000111'), ('C900011', 'P9000114', 'P9000112'), ('C900011', 'P9000114', 'P9000113'),
    ('C900011', 'P9000115', 'P9000111'), ('C900011', 'P9000115', 'P9000112'), ('C900011', 'P9000115', 'P9000113');
INSERT INTO placements VALUES
    ('PL9000111', 'C900011', 'P9000111', 'group_home', 'Tamarisk Group Home', '2024-05-06', '2026-08-16'),
    ('PL9000112', 'C900011', 'P9000111', 'runaway', NULL, '2026-08-17', '2026-10-02'),
    ('PL9000113', 'C900011', 'P9000111', 'group_home', 'Tamarisk Group Home', '2026-10-03', '2026-10-11'),
    ('PL9000114', 'C900011', 'P9000111', 'runaway', NULL, '2026-10-12', NULL),
    ('PL9000115', 'C900011', 'P9000112', 'in_home', NULL, '2024-05-06', NULL),
    ('PL9000116', 'C900011', 'P9000113', 'kinship', 'Reference kinship home', '2024-05-06', NULL);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, locate_for, text) VALUES
    ('N9000111', 'C900011', 'SP9003', '2026-09-03T09:00:00-07:00', 'locate_effort', 'none', 'P9000111',
     'Asked the police for the missing-child report.'),
    ('N9000112', 'C900011', 'SP9003', '2026-10-01T09:00:00-07:00', 'locate_effort', 'phone', 'P9000111',
     'Called the last known friends.');
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000113', 'C900011', 'SP9003', '2026-09-10T17:00:00-07:00', 'home_visit', 'in_person', 'home',
            'Monthly home visit with the family.');
INSERT INTO note_contacts VALUES ('N9000113', 'P9000112'), ('N9000113', 'P9000114');
-- A new investigation on C900011's family, opened 3 September: the child and a parent are seen on
-- the dependency case (contacts count on every case of the person); the sibling placed with kin on
-- the dependency case lives elsewhere and is no alleged victim (placements belong to their case:
-- no monthly requirement on the investigation); an other adult who is an alleged perpetrator is
-- interviewed by phone in October; the in-person home note of 4 September lists nobody (an
-- attempt), the real home visit is on 2 October.
INSERT INTO cases VALUES ('C900012', 'investigation', 'SP9001', '2026-09-03', NULL);
INSERT INTO people VALUES ('P9000117', 'Adult', 'Reference', '1985-03-03', NULL);
INSERT INTO case_members (case_id, person_id, role, alleged_victim, alleged_perpetrator, resides_in_home) VALUES
    ('C900012', 'P9000112', 'child', 1, 0, 1),
    ('C900012', 'P9000113', 'child', 0, 0, 0),
    ('C900012', 'P9000114', 'parent', 0, 0, 1),
    ('C900012', 'P9000115', 'parent', 0, 1, 0),
    ('C900012', 'P9000117', 'other_adult', 0, 1, 0);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text) VALUES
    ('N9000121', 'C900012', 'SP9001', '2026-09-04T11:00:00-07:00', 'home_visit', 'in_person', 'home',
     'Nobody answered at the home.'),
    ('N9000122', 'C900012', 'SP9001', '2026-10-02T11:00:00-07:00', 'home_visit', 'in_person', 'home',
     'Visited the home with the parent.');
INSERT INTO note_contacts VALUES ('N9000122', 'P9000114');
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, text)
    VALUES ('N9000123', 'C900012', 'SP9001', '2026-10-09T13:00:00-07:00', 'interview', 'phone',
            'Phone interview about the allegations.');
INSERT INTO note_contacts VALUES ('N9000123', 'P9000117');
-- C900013's alleged victim, interviewed at home on 9 September, goes to a shelter on 20 September, a
-- placement of the investigation: monthly face-to-face instead of the interview.
INSERT INTO cases VALUES ('C900013', 'investigation', 'SP9002', '2026-09-08', NULL);
INSERT INTO people VALUES ('P9000131', 'Child', 'Reference', '2019-03-31', NULL),
                          ('P9000132', 'Parent', 'Reference', '1996-06-16', NULL);
INSERT INTO case_members (case_id, person_id, role, alleged_victim, alleged_perpetrator, resides_in_home) VALUES
    ('C900013', 'P9000131', 'child', 1, 0, 1),
    ('C900013', 'P9000132', 'parent', 0, 1, 1);
INSERT INTO placements VALUES ('PL9000131', 'C900013', 'P9000131', 'shelter', 'Reference shelter', '2026-09-20', NULL);
INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location, text)
    VALUES ('N9000131', 'C900013', 'SP9002', '2026-09-09T10:00:00-07:00', 'home_visit', 'in_person', 'home',
            'Home visit; interviewed the child and the parent.');
INSERT INTO note_contacts VALUES ('N9000131', 'P9000131'), ('N9000131', 'P9000132');
-- C900014's child ran away 20 August–12 September, then a foster home, not seen since: not rule 3's
-- in September.
INSERT INTO cases VALUES ('C900014', 'dependency', 'SP9003', '2026-08-01', NULL);
INSERT INTO people VALUES ('P9000141', 'Runaway', 'Reference', '2010-06-06', NULL),
                          ('P9000142', 'Parent', 'Reference', '1979-09-29', NULL);
INSERT INTO case_members (case_id, person_id, role) VALUES ('C900014', 'P9000141', 'child'),
                                                           ('C900014', 'P9000142', 'parent');
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900014', 'P9000142', 'P9000141');
INSERT INTO placements VALUES
    ('PL9000141', 'C900014', 'P9000141', 'group_home', 'Sunrise Teen Residence', '2026-08-01', '2026-08-19'),
    ('PL9000142', 'C900014', 'P9000141', 'runaway', NULL, '2026-08-20', '2026-09-12'),
    ('PL9000143', 'C900014', 'P9000141', 'foster_home', 'Reference foster home', '2026-09-13', NULL);

-- As known then. Nobody on C900015 was seen in March 2026; the supervisor recorded the child's
-- reason at the staffing on 6 April and the parent's on 8 April, after March ended.
INSERT INTO cases VALUES ('C900015', 'dependency', 'SP9001', '2025-10-06', NULL);
INSERT INTO people VALUES ('P9000151', 'Child', 'Reference', '2014-11-11', NULL),
                          ('P9000152', 'Parent', 'Reference', '1990-12-12', NULL);
INSERT INTO case_members (case_id, person_id, role) VALUES ('C900015', 'P9000151', 'child'),
                                                           ('C900015', 'P9000152', 'parent');
INSERT INTO parent_child (case_id, parent_id, child_id) VALUES ('C900015', 'P9000152', 'P9000151');
INSERT INTO placements VALUES
    ('PL9000151', 'C900015', 'P9000151', 'foster_home', 'Reference foster home', '2025-10-06', NULL);
INSERT INTO staffing_notes (case_id, person_id, month, reason_code, text, author, created_at, created_by) VALUES
    ('C900015', 'P9000151', '2026-03', 'hospitalized',
     'In the hospital most of the month; the specialist spoke with the nurse instead.',
     'SV901', '2026-04-06T18:00:00Z', 'SV901'),
    ('C900015', 'P9000152', '2026-03', 'family_refused',
     'The parent refused the visit at the door; the specialist will return with the supervisor.',
     'SV901', '2026-04-08T18:00:00Z', 'SV901');
"""


def with_dated_facts(path) -> None:
    """Add DATED_FACTS to a generated database, foreign keys on, and check they hold."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        with conn:
            for statement in DATED_FACTS.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


@pytest.fixture(scope="module")
def unit_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("reference") / "unit.db"
    generate_database(path, "unit", SEED)
    with_dated_facts(path)
    return path


def reference(path, month: Month, as_of: date = AS_OF) -> list[RefRow]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return Reference(conn, month, as_of).rows()
    finally:
        conn.close()


def engine_rows(path, month: Month, as_of: date = AS_OF) -> list[RefRow]:
    db = open_database(path, readonly=True)
    try:
        report = month_report(db, month, as_of)
    finally:
        db.close()
    return [RefRow(r.case_id, r.person_id, str(r.role) if r.role else None, r.unit_id, r.specialist_id,
                   str(r.requirement), str(r.status), str(r.reason), tuple(sorted(str(f) for f in r.flags)),
                   r.last_seen, r.last_contact)
            for r in report.rows]


def differences(expected: dict, actual: dict) -> list[str]:
    """One line per row that differs: the row's key, then `field: reference ≠ engine`."""
    lines = []
    for key in sorted(expected.keys() & actual.keys(), key=str):
        mine, theirs = expected[key], actual[key]
        fields = [f"{name}: {getattr(mine, name)} ≠ {getattr(theirs, name)}"
                  for name in RefRow.__dataclass_fields__ if getattr(mine, name) != getattr(theirs, name)]
        if fields:
            lines.append(f"{key[0]}/{key[1]} ({mine.requirement} {mine.status} {mine.reason}): " + "; ".join(fields))
    return lines


@pytest.mark.parametrize("month", ["2026-09", "2026-10"], ids=["complete month", "month in progress"])
def test_engine_agrees_with_the_plain_reading_of_the_rules(unit_db, month):
    month = Month.parse(month)
    expected = {(r.case_id, r.person_id): r for r in reference(unit_db, month)}
    actual = {(r.case_id, r.person_id): r for r in engine_rows(unit_db, month)}

    assert set(actual) == set(expected)
    lines = differences(expected, actual)
    assert lines == [], "the reference and the engine differ:\n" + "\n".join(lines)
    # The comparison means something: the month has most outcomes in it.
    statuses = {r.status for r in expected.values()}
    assert {"met", "explained", "not_required"} <= statuses
    assert ("due" if month == Month.of(AS_OF) else "unmet") in statuses


@pytest.mark.parametrize(("as_of", "late_people"), [
    ("2026-04-05", set()), ("2026-04-06", {"P9000151"}), ("2026-10-20", {"P9000151", "P9000152"}),
], ids=["the day before the staffing note", "the day it was recorded", "months later"])
def test_engine_agrees_with_the_plain_reading_of_as_known_then(unit_db, as_of, late_people):
    """The reason C900015's child was not seen in March 2026 was recorded at the staffing on April 6
    (after March ended): as of April 5 it is not on record yet; from April 6 on it explains the row,
    flagged `recorded_after_month` (and the parent's from April 8). Engine and reference agree on
    every row, every as-of date, the generated agency's own late records included."""
    month, as_of = Month(2026, 3), date.fromisoformat(as_of)
    expected = {(r.case_id, r.person_id): r for r in reference(unit_db, month, as_of)}
    actual = {(r.case_id, r.person_id): r for r in engine_rows(unit_db, month, as_of)}

    assert set(actual) == set(expected)
    lines = differences(expected, actual)
    assert lines == [], "the reference and the engine differ:\n" + "\n".join(lines)
    ours = {person_id: r for (case_id, person_id), r in expected.items() if case_id == "C900015"}
    late = {person_id for person_id, r in ours.items() if "recorded_after_month" in r.flags}
    assert late == late_people
    for person_id, r in ours.items():
        assert (r.status, r.reason) == (("explained", "staffing_reason") if person_id in late_people
                                        else ("unmet", "not_seen"))


#: What the rules make of each of DATED_FACTS: (month, case, person) and the row's
#: (specialist, unit, requirement, status, reason, flags) — the reference's reading, spelled out.
DATED_OUTCOMES = {
    "a transfer credits the month to the specialist assigned on its last day, and that unit":
        (("2026-09", "C900001", "P9000011"), ("SP9004", "U902", "monthly_face_to_face", "met", "seen_in_person", ())),
    "a member who left before a transfer stays with the specialist of their last day":
        (("2026-09", "C900002", "P9000023"), ("SP9001", "U901", "none", "not_required", "no_requirement", ())),
    "a transfer after the as-of day does not move the month in progress":
        (("2026-10", "C900003", "P9000031"), ("SP9001", "U901", "monthly_face_to_face", "met", "seen_in_person", ())),
    "the home visit row follows the specialist of the case's last open day":
        (("2026-10", "C900004", None), ("SP9002", "U901", "home_visit", "met", "home_visited", ())),
    "a parent found mid-month is seen without the whereabouts flag":
        (("2026-09", "C900001", "P9000013"), ("SP9004", "U902", "monthly_face_to_face", "met", "seen_in_person", ())),
    "a parent found is no longer excused by locate efforts":
        (("2026-10", "C900001", "P9000013"), ("SP9004", "U902", "monthly_face_to_face", "due", "not_seen", ())),
    "a parent released mid-month is not explained by a call after the release":
        (("2026-10", "C900005", "P9000052"), ("SP9003", "U901", "monthly_face_to_face", "due", "not_seen", ())),
    "a parent who moved out mid-month is not required in the home":
        (("2026-09", "C900006", "P9000062"), ("SP9001", "U901", "monthly_face_to_face", "met", "seen_in_person", ())),
    "a voluntary parent who moved out is not in the household":
        (("2026-10", "C900007", "P9000072"), ("SP9002", "U901", "none", "not_required", "not_in_household", ())),
    "rights terminated to every linked child end the requirement":
        (("2026-09", "C900008", "P9000082"), ("SP9003", "U901", "none", "not_required", "rights_terminated", ())),
    "only the children a parent keeps rights to decide the goal class":
        (("2026-09", "C900009", "P9000095"), ("SP9001", "U901", "contact_plan", "unmet", "no_contact_plan", ())),
    "rights terminated after the as-of day are intact in the month in progress":
        (("2026-10", "C900009", "P9000096"), ("SP9001", "U901", "monthly_face_to_face", "met", "seen_in_person", ())),
    "a call to the out-of-state placement meets the month":
        (("2026-10", "C900010", "P9000101"),
         ("SP9002", "U901", "monthly_face_to_face", "met", "out_of_state_phone", ())),
    "a call before the child was placed out of state does not":
        (("2026-10", "C900010", "P9000102"), ("SP9002", "U901", "monthly_face_to_face", "due", "not_seen", ())),
    "a placement change does not make a month partial":
        (("2026-09", "C900010", "P9000102"), ("SP9002", "U901", "monthly_face_to_face", "unmet", "not_seen", ())),
    "a locate effort from an earlier runaway spell does not count":
        (("2026-10", "C900011", "P9000111"),
         ("SP9003", "U901", "monthly_face_to_face", "due", "runaway_no_locate_efforts", ())),
    "a child back from runaway by the last day is to be seen":
        (("2026-09", "C900014", "P9000141"), ("SP9003", "U901", "monthly_face_to_face", "unmet", "not_seen", ())),
    "a partial month leaves a missing adult without locate efforts unmet":
        (("2026-09", "C900005", "P9000053"),
         ("SP9003", "U901", "monthly_face_to_face", "unmet", "whereabouts_unknown_no_locate_efforts", ())),
    "a visit on another case of the child is the investigation interview":
        (("2026-09", "C900012", "P9000112"), ("SP9001", "U901", "investigation_interview", "met", "interviewed", ())),
    "an other adult who is an alleged perpetrator is interviewed":
        (("2026-10", "C900012", "P9000117"),
         ("SP9001", "U901", "investigation_interview", "explained", "remote_interview", ())),
    "an in-person home note listing nobody is not a home visit":
        (("2026-09", "C900012", None), ("SP9001", "U901", "home_visit", "due", "no_home_visit", ())),
    "a child placed during an investigation is seen every month instead":
        (("2026-10", "C900013", "P9000131"), ("SP9002", "U901", "monthly_face_to_face", "due", "not_seen", ())),
    "an investigation closed by the as-of day stays unmet in the month in progress":
        (("2026-10", "C900004", "P9000043"),
         ("SP9002", "U901", "investigation_interview", "unmet", "not_interviewed", ())),
}


@pytest.mark.parametrize(("row", "outcome"), DATED_OUTCOMES.values(), ids=DATED_OUTCOMES.keys())
def test_the_plain_reading_of_each_dated_fact(unit_db, row, outcome):
    """The reference itself, on the hand-written rows: each says what one revised rule means."""
    month, case_id, person_id = row
    rows = {(r.case_id, r.person_id): r for r in reference(unit_db, Month.parse(month))}
    r = rows[case_id, person_id]

    assert (r.specialist_id, r.unit_id, r.requirement, r.status, r.reason, r.flags) == outcome


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
    start = facts.Background.start.__func__
    monkeypatch.setattr(facts.Background, "start", classmethod(
        lambda cls, db, work, *args, **kwargs: everyone.append(work) or start(cls, db, work, *args, **kwargs)))
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
