"""Record services: exceptions, contact plans, staffing notes, next steps (docs/data.md "Records created in the app").

Each write is one short transaction that also appends its audit row. A record
on a case is written through `month_cache.saving(db, case_id)`, which tells the
process's month cache that this case changed (the kept month is brought up to
date by evaluating that case again); next steps are not read by the evaluation,
so their writes change no month. Every validation problem is one sentence naming the field; nothing is written when
any is found. Records are never deleted: exceptions are revoked, plans
superseded, next steps completed. The app and the CLI both call these.

What a user types (reasons, arrangements, a plan's document, a note's or a step's
text) is cleaned as the request is made (`domain.text.clean_free_text`): line
breaks and tabs stay, other control characters are dropped. Cleaned, not refused:
a pasted text brings invisible characters its writer cannot see to remove, and
what they meant is the text around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pendulum
from sqlite_utils import Database

from staffing_tui.domain.enums import (
    PLAN_METHODS,
    ExceptionCategory,
    Role,
    StaffingReasonCode,
    StaffRole,
)
from staffing_tui.domain.goals import goal_on
from staffing_tui.domain.model import GoalFacts
from staffing_tui.domain.months import Month, months_between
from staffing_tui.domain.text import clean_free_text
from staffing_tui.errors import UserError, ValidationError
from staffing_tui.store.audit import Actor, may_approve_for, now_text, write_audit
from staffing_tui.store.connection import timezone_of
from staffing_tui.store.directory import case_ids_of_specialist
from staffing_tui.store.month_cache import saving
from staffing_tui.store.sql import fetch_dict, fetch_dicts, marks

MIN_REASON_LENGTH = 20
MAX_EXCEPTION_MONTHS = 6
MIN_WITHDRAW_REASON_LENGTH = 10


class StaleRecord(UserError):
    """The record changed since it was loaded; the user must reload."""


def _fail(problems: list[str], what: str) -> None:
    if problems:
        raise ValidationError(
            problems[0] if len(problems) == 1 else f"The {what} was not saved: {len(problems)} problems.",
            details=problems if len(problems) > 1 else [],
        )


def _clean_free_text(request: object, *fields: str) -> None:
    """Clean the request's free-text `fields` in place (from a frozen dataclass's __post_init__)."""
    for name in fields:
        value = getattr(request, name)
        if isinstance(value, str):
            object.__setattr__(request, name, clean_free_text(value))


def _cleaned(text: str | None) -> str | None:
    return clean_free_text(text) if text else text


def today_in(db: Database) -> date:
    return pendulum.today(timezone_of(db)).date()


@dataclass(frozen=True, slots=True)
class CaseInfo:
    case_id: str
    case_type: str
    specialist_id: str
    unit_id: str | None
    opened_on: date
    closed_on: date | None

    @property
    def first_month(self) -> Month:
        return Month.of(self.opened_on)

    @property
    def last_month(self) -> Month | None:
        return Month.of(self.closed_on) if self.closed_on else None


def case_info(db: Database, case_id: str) -> CaseInfo | None:
    row = fetch_dict(
        db,
        "SELECT c.case_id, c.case_type, c.specialist_id, s.unit_id, c.opened_on, c.closed_on "
        "FROM cases c LEFT JOIN staff s ON s.staff_id = c.specialist_id WHERE c.case_id = ?",
        [case_id],
    )
    if row is None:
        return None
    return CaseInfo(
        row["case_id"], row["case_type"], row["specialist_id"], row["unit_id"],
        date.fromisoformat(row["opened_on"]),
        date.fromisoformat(row["closed_on"]) if row["closed_on"] else None,
    )


@dataclass(frozen=True, slots=True)
class CaseMembers:
    """A case a record can be about, with its members as (person id, role)."""

    info: CaseInfo
    members: tuple[tuple[str, Role], ...]


def specialist_cases(db: Database, specialist_id: str, month: Month, also: str | None = None) -> list[CaseMembers]:
    """The specialist's cases open in `month`, `also` first when it is not one of them (the case a
    form was opened on), each with its members (in no set order: a picker sorts them its own way)."""
    case_ids = case_ids_of_specialist(db, specialist_id, month)
    if also and also not in case_ids:
        case_ids.insert(0, also)
    infos = {case_id: info for case_id in case_ids if (info := case_info(db, case_id)) is not None}
    members: dict[str, list[tuple[str, Role]]] = {case_id: [] for case_id in infos}
    if infos:
        for case_id, person_id, role in db.execute(
            f"SELECT case_id, person_id, role FROM case_members WHERE case_id IN ({marks(list(infos))})", list(infos)
        ):
            members[case_id].append((person_id, Role(role)))
    return [CaseMembers(info, tuple(members[case_id])) for case_id, info in infos.items()]


def approval_problem(actor: Actor, case: CaseInfo) -> str | None:
    """Only a supervisor of the case specialist's unit, or a manager, approves."""
    if may_approve_for(actor.role, actor.unit_id, case.unit_id):
        return None
    if actor.role is StaffRole.SUPERVISOR:
        return (f"{actor.staff_id} supervises unit {actor.unit_id}, not unit {case.unit_id} of case "
                f"{case.case_id}; only that unit's supervisor or a manager can approve.")
    return (f"{actor.staff_id} is a specialist; only a supervisor of unit {case.unit_id} or a manager "
            "can approve it.")


def _require_case(db: Database, case_id: str, problems: list[str]) -> CaseInfo | None:
    case = case_info(db, case_id) if case_id else None
    if case is None:
        problems.append(f"case: there is no case {case_id!r}." if case_id else "case: choose a case.")
    return case


def _member(db: Database, case_id: str, person_id: str) -> dict | None:
    return fetch_dict(db, "SELECT * FROM case_members WHERE case_id = ? AND person_id = ?", [case_id, person_id])


def _bump_version(db: Database, table: str, key: str, record_id: object, expected_version: int | None,
                  changes: dict) -> None:
    """UPDATE with an optimistic version check; refuse a stale edit with who/when."""
    sets = ", ".join(f"{column} = :{column}" for column in changes)
    params = {**changes, "record_id": record_id}
    sql = f"UPDATE {table} SET {sets}, version = version + 1 WHERE {key} = :record_id"
    if expected_version is not None:
        sql += " AND version = :expected_version"
        params["expected_version"] = expected_version
    if db.execute(sql, params).rowcount == 0:
        raise _stale(db, table, record_id)


def _stale(db: Database, table: str, record_id: object) -> StaleRecord:
    """"Changed by X at T": the latest audit row of the record says who and when."""
    last = fetch_dict(db, "SELECT actor, at FROM audit_log WHERE table_name = ? AND record_id = ? "
                    "ORDER BY audit_id DESC LIMIT 1", [table, str(record_id)])
    who = f"{last['actor']} at {last['at']}" if last else "someone else"
    return StaleRecord(f"This record was changed by {who} since you loaded it; reload and try again.")


@dataclass(frozen=True, slots=True)
class _Kind:
    """A table of versioned records: its name, key column and the word a user reads."""

    table: str
    key: str
    noun: str

    def get(self, db: Database, record_id: object) -> dict:
        """The record, or one clear sentence when there is none."""
        record = fetch_dict(db, f"SELECT * FROM {self.table} WHERE {self.key} = ?", [record_id])
        if record is None:
            raise UserError(f"There is no {self.noun} {record_id}.")
        return record

    def current(self, db: Database, record_id: object, expected_version: int | None) -> dict:
        """The record as it is now, refused (reload) when it changed since `expected_version`."""
        record = self.get(db, record_id)
        if expected_version is not None and record["version"] != expected_version:
            raise _stale(db, self.table, record_id)
        return record

    def change(self, db: Database, actor: Actor, action: str, before: dict, changes: dict, at: str) -> None:
        """Apply `changes` made at `at` to the record read as `before` (version checked and bumped), audited."""
        record_id = before[self.key]
        _bump_version(db, self.table, self.key, record_id, before["version"], changes)
        write_audit(db, actor, action, self.table, record_id, before=before, after=self.get(db, record_id), at=at)


    def create(self, db: Database, actor: Actor, record: dict, at: str) -> int:
        """Insert `record` made at `at`, audited with the row as stored (every column, so `check`
        can reconcile the record with it); call inside the write's transaction."""
        record_id = int(db[self.table].insert(record).last_pk)
        write_audit(db, actor, "create", self.table, record_id, after=self.get(db, record_id), at=at)
        return record_id


EXCEPTIONS = _Kind("exceptions", "exception_id", "exception")
CONTACT_PLANS = _Kind("contact_plans", "contact_plan_id", "contact plan")
STAFFING_NOTES = _Kind("staffing_notes", "staffing_note_id", "staffing note")
NEXT_STEPS = _Kind("next_steps", "next_step_id", "next step")


# --- exceptions -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ExceptionRequest:
    case_id: str
    person_id: str
    category: str
    reason: str
    start_month: Month
    end_month: Month
    review_on: date | None = None

    def __post_init__(self) -> None:
        _clean_free_text(self, "reason")


def exception_problems(db: Database, actor: Actor, req: ExceptionRequest) -> list[str]:
    """Every reason the exception cannot be approved, one sentence each."""
    problems: list[str] = []
    case = _require_case(db, req.case_id, problems)
    if case is not None:
        if (problem := approval_problem(actor, case)) is not None:
            problems.append(f"approved_by: {problem}")
        if _member(db, req.case_id, req.person_id) is None:
            problems.append(f"person: {req.person_id} is not a member of case {req.case_id}.")
    if req.category not in set(ExceptionCategory):
        problems.append(f"category: {req.category!r} is not one of {', '.join(ExceptionCategory)}.")
    if len((req.reason or "").strip()) < MIN_REASON_LENGTH:
        problems.append(f"reason: explain the exception in at least {MIN_REASON_LENGTH} characters.")
    if req.end_month < req.start_month:
        problems.append(f"months: the end month {req.end_month} is before the start month {req.start_month}.")
    elif months_between(req.start_month, req.end_month) > MAX_EXCEPTION_MONTHS:
        problems.append(f"months: an exception covers at most {MAX_EXCEPTION_MONTHS} months; "
                        f"{req.start_month}–{req.end_month} is {months_between(req.start_month, req.end_month)}.")
    if case is not None:
        if req.start_month < case.first_month:
            problems.append(f"months: {req.start_month} is before case {case.case_id} opened ({case.opened_on}).")
        if case.last_month is not None and req.end_month > case.last_month:
            problems.append(f"months: {req.end_month} is after case {case.case_id} closed ({case.closed_on}).")
    if req.review_on is not None and req.review_on < req.start_month.start:
        problems.append(f"review_on: {req.review_on} is before the exception starts.")
    for other in fetch_dicts(db, "SELECT exception_id, start_month, end_month, revoked_from FROM exceptions "
                           "WHERE case_id = ? AND person_id = ?", [req.case_id, req.person_id]):
        last = Month.parse(other["end_month"])
        if other["revoked_from"]:
            last = min(last, Month.parse(other["revoked_from"]).previous())
        if Month.parse(other["start_month"]) <= req.end_month and req.start_month <= last:
            problems.append(f"months: exception {other['exception_id']} already covers {other['start_month']}–{last} "
                            "for this person; revoke it first or choose other months.")
    return problems


def create_exception(db: Database, actor: Actor, req: ExceptionRequest, *, at: str | None = None) -> int:
    at = at or now_text()
    record = {
        "case_id": req.case_id, "person_id": req.person_id, "category": req.category,
        "reason": req.reason.strip(), "start_month": str(req.start_month), "end_month": str(req.end_month),
        "review_on": req.review_on.isoformat() if req.review_on else None,
        "approved_by": actor.staff_id, "created_at": at, "created_by": actor.staff_id,
    }
    with saving(db, req.case_id):
        # Validated inside the (immediate) write transaction: two supervisors saving
        # overlapping exceptions at once cannot both pass the overlap check.
        _fail(exception_problems(db, actor, req), "exception")
        return EXCEPTIONS.create(db, actor, record, at)


def revoke_exception(db: Database, actor: Actor, exception_id: int, from_month: Month,
                     expected_version: int | None = None, *, reason: str | None = None,
                     at: str | None = None) -> None:
    """The exception no longer applies from `from_month` on; the record stays.

    `expected_version` is the version the user saw; a record changed since is
    refused ("changed by X at T; reload"), never silently overwritten. `reason`
    (why it is revoked) is kept with the revocation; the app asks for it.
    """
    with saving(db) as cases:  # read, check and write under one write lock
        cases.add(_revoke_exception(db, actor, exception_id, from_month, expected_version, _cleaned(reason),
                                    at or now_text()))


def _revoke_exception(db: Database, actor: Actor, exception_id: int, from_month: Month,
                      expected_version: int | None, reason: str | None, at: str) -> str:
    """Revoke the exception (see `revoke_exception`); returns its case."""
    before = EXCEPTIONS.current(db, exception_id, expected_version)
    problems = []
    case = case_info(db, before["case_id"])
    if case is not None and (problem := approval_problem(actor, case)) is not None:
        problems.append(f"revoked_by: {problem}")
    if before["revoked_at"]:
        problems.append(f"exception {exception_id} was already revoked by {before['revoked_by']} "
                        f"from {before['revoked_from']}.")
    if from_month < Month.parse(before["start_month"]):
        from_month = Month.parse(before["start_month"])  # revoking from before it began = revoked entirely
    _fail(problems, "revocation")
    EXCEPTIONS.change(db, actor, "revoke", before,
                      {"revoked_at": at, "revoked_by": actor.staff_id, "revoked_from": str(from_month),
                       "revoked_reason": (reason or "").strip() or None}, at)
    return before["case_id"]


def get_exception(db: Database, exception_id: int) -> dict:
    return EXCEPTIONS.get(db, exception_id)


@dataclass(frozen=True, slots=True)
class ExceptionSummary:
    """What the caseload's detail line says of an exception: its category and its last month
    (the month before it was revoked from, when it was)."""

    exception_id: int
    category: str
    last_month: Month


def exception_summary(db: Database, exception_id: int) -> ExceptionSummary | None:
    row = fetch_dict(db, "SELECT category, end_month, revoked_from FROM exceptions WHERE exception_id = ?",
                     [exception_id])
    if row is None:
        return None
    last = Month.parse(row["end_month"])
    if row["revoked_from"]:
        last = min(last, Month.parse(row["revoked_from"]).previous())
    return ExceptionSummary(exception_id, row["category"], last)


def list_exceptions(db: Database, case_id: str | None = None, person_id: str | None = None,
                    exception_id: int | None = None) -> list[dict]:
    where, params = _filters(case_id=case_id, person_id=person_id, exception_id=exception_id)
    return fetch_dicts(db, f"SELECT * FROM exceptions {where} ORDER BY exception_id", params)


def _filters(**values: object) -> tuple[str, list]:
    used = [(column, value) for column, value in values.items() if value is not None]
    if not used:
        return "", []
    return "WHERE " + " AND ".join(f"{column} = ?" for column, _ in used), [value for _, value in used]


# --- contact plans ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PlanRequest:
    case_id: str
    parent_id: str
    frequency_months: int
    methods: tuple[str, ...]
    arrangements: str
    start_month: Month
    end_month: Month | None = None
    review_on: date | None = None
    document: str | None = None  # edited text; None = generate from the case data
    #: the plan in force this one replaces (it must be named: a plan is never replaced silently)
    replaces: int | None = None

    def __post_init__(self) -> None:
        _clean_free_text(self, "arrangements", "document")


def plan_eligibility_problem(db: Database, case_id: str, parent_id: str, month: Month,
                             name: Callable[[str], str] | None = None) -> str | None:
    """Why a contact plan does not fit this parent (None when it does).

    docs/policy.md "Parents: reunification or not": a plan is developed with each parent whose rights are intact and
    whose whereabouts are known, when the goal is not reunification.

    People are named by `name` (the app: their names, initials under the mask); without it, by
    their ids, as an error of the command line says them (never a name in an error).
    """
    called = name or (lambda person_id: person_id)
    parent = called(parent_id)
    member = _member(db, case_id, parent_id)
    if member is None:
        return f"{parent} is not a member of case {case_id}."
    if member["role"] not in ("parent", "alleged_parent"):
        return f"{parent} is a {member['role'].replace('_', ' ')} on case {case_id}, not a parent."
    if member["rights_terminated_on"] and member["rights_terminated_on"] <= month.end.isoformat():
        return f"{parent}'s parental rights were terminated on {member['rights_terminated_on']}; no contact plan is required."
    if member["whereabouts_unknown"]:
        return f"{parent}'s whereabouts are unknown; document locate efforts instead of a contact plan."
    children = [r["child_id"] for r in fetch_dicts(db, "SELECT child_id FROM parent_child WHERE case_id = ? AND parent_id = ?",
                                             [case_id, parent_id])]
    if not children:
        return f"{parent} has no linked child on case {case_id}, so the goal counts as reunification (monthly visits)."
    goals = [GoalFacts(r["case_id"], r["child_id"], r["goal"], date.fromisoformat(r["effective_on"]))
             for r in fetch_dicts(db, "SELECT * FROM permanency_goals WHERE case_id = ?", [case_id])]
    for child_id in children:
        goal = goal_on([g for g in goals if g.child_id == child_id], month.end)
        if goal in ("reunification", "remain_with_family"):
            child = f"{called(child_id)}'s" if name is not None else f"child {child_id}'s"
            return (f"{child} goal in {month} is {goal.replace('_', ' ')}, so {parent} is seen "
                    "monthly; a contact plan is for goals other than reunification.")
    return None


def plan_problems(db: Database, actor: Actor, req: PlanRequest) -> list[str]:
    problems: list[str] = []
    case = _require_case(db, req.case_id, problems)
    if case is not None:
        if (problem := approval_problem(actor, case)) is not None:
            problems.append(f"approved_by: {problem}")
        if (problem := plan_eligibility_problem(db, req.case_id, req.parent_id, req.start_month)) is not None:
            problems.append(f"parent: {problem}")
        if req.start_month < case.first_month:
            problems.append(f"from: {req.start_month} is before case {case.case_id} opened ({case.opened_on}).")
    if req.frequency_months not in (1, 2, 3):
        problems.append(f"frequency: {req.frequency_months} is not 1, 2 or 3 months.")
    if not req.methods:
        problems.append("methods: choose at least one of in_person, phone, video, written.")
    unknown = [m for m in req.methods if m not in {str(m) for m in PLAN_METHODS}]
    if unknown:
        problems.append(f"methods: {', '.join(unknown)} is not one of in_person, phone, video, written.")
    if req.end_month is not None and req.end_month < req.start_month:
        problems.append(f"to: the end month {req.end_month} is before the start month {req.start_month}.")
    if req.review_on is not None and req.review_on < req.start_month.start:
        problems.append(f"review_on: {req.review_on} is before the plan starts.")
    if (problem := replacement_problem(active_plan_for(db, req.case_id, req.parent_id), req.replaces)) is not None:
        problems.append(problem)
    return problems


def replacement_problem(active: dict | None, replaces: int | None) -> str | None:
    """A new plan replaces the plan in force only when it names it (docs/policy.md "Contact plans")."""
    if active is not None and replaces != active["contact_plan_id"]:
        return (f"replaces: contact plan {active['contact_plan_id']} (from {active['start_month']}) is in force for "
                f"this parent; name it as the plan this one replaces (--replaces {active['contact_plan_id']}).")
    if active is None and replaces is not None:
        return f"replaces: contact plan {replaces} is not in force for this parent; leave replaces out."
    return None


def canonical_methods(methods) -> str:
    chosen = {str(m) for m in methods}
    return ",".join(str(m) for m in PLAN_METHODS if str(m) in chosen)


def active_plan_for(db: Database, case_id: str, parent_id: str) -> dict | None:
    return fetch_dict(db, "SELECT * FROM contact_plans WHERE case_id = ? AND parent_id = ? AND superseded_by IS NULL "
                    "ORDER BY contact_plan_id DESC LIMIT 1", [case_id, parent_id])


def create_contact_plan(db: Database, actor: Actor, req: PlanRequest, *, at: str | None = None) -> int:
    """Generate (or take the edited) document, approve it as `actor`, supersede the old plan."""
    from staffing_tui.store.plan_document import numbered, plan_document

    problems = plan_problems(db, actor, req)
    _fail(problems, "contact plan")
    at = at or now_text()
    record = {
        "case_id": req.case_id, "parent_id": req.parent_id, "frequency_months": req.frequency_months,
        "methods": canonical_methods(req.methods), "arrangements": req.arrangements.strip(),
        "start_month": str(req.start_month), "end_month": str(req.end_month) if req.end_month else None,
        "review_on": req.review_on.isoformat() if req.review_on else None,
        "approved_by": actor.staff_id, "approved_at": at, "created_at": at, "created_by": actor.staff_id,
    }
    with saving(db, req.case_id):
        previous = active_plan_for(db, req.case_id, req.parent_id)
        # Checked again inside the write: another supervisor may have replaced it meanwhile.
        _fail([p for p in [replacement_problem(previous, req.replaces)] if p], "contact plan")
        plan_id = db["contact_plans"].insert({**record, "document": ""}).last_pk
        document = (numbered(req.document, plan_id) if req.document
                    else plan_document(db, plan_id, replaces=req.replaces))
        db.execute("UPDATE contact_plans SET document = ? WHERE contact_plan_id = ?", [document, plan_id])
        write_audit(db, actor, "create", "contact_plans", plan_id, after=CONTACT_PLANS.get(db, plan_id), at=at)
        if previous is not None:
            CONTACT_PLANS.change(db, actor, "supersede", previous, {"superseded_by": plan_id}, at)
    return int(plan_id)


def list_contact_plans(db: Database, case_id: str | None = None) -> list[dict]:
    where, params = _filters(case_id=case_id)
    return fetch_dicts(db, f"SELECT * FROM contact_plans {where} ORDER BY contact_plan_id", params)


def get_contact_plan(db: Database, plan_id: int) -> dict:
    return CONTACT_PLANS.get(db, plan_id)


# --- staffing notes ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StaffingNoteRequest:
    case_id: str
    month: Month
    reason_code: str
    text: str
    person_id: str | None = None

    def __post_init__(self) -> None:
        _clean_free_text(self, "text")


def staffing_note_problems(db: Database, actor: Actor, req: StaffingNoteRequest) -> list[str]:
    problems: list[str] = []
    case = _require_case(db, req.case_id, problems)
    if not actor.may_approve:
        problems.append(f"author: {actor.staff_id} is a specialist; a staffing note is recorded by the supervisor "
                        "or a manager.")
    elif case is not None and (problem := approval_problem(actor, case)) is not None:
        problems.append(f"author: {problem}")
    if case is not None and req.person_id is not None and _member(db, req.case_id, req.person_id) is None:
        problems.append(f"person: {req.person_id} is not a member of case {req.case_id}.")
    if req.reason_code not in set(StaffingReasonCode):
        problems.append(f"reason_code: {req.reason_code!r} is not one of {', '.join(StaffingReasonCode)}.")
    if not (req.text or "").strip():
        problems.append("text: say why the person could not be seen.")
    if case is not None:
        if req.month < case.first_month or (case.last_month is not None and req.month > case.last_month):
            problems.append(f"month: case {case.case_id} is not open in {req.month}.")
        if (problem := second_note_problem(db, req.case_id, req.person_id, req.month)) is not None:
            problems.append(problem)
    return problems


def active_staffing_note(db: Database, case_id: str, person_id: str | None, month: Month) -> dict | None:
    """The staffing note that explains (case, person — None: the case itself —, month), if one does:
    at most one is not withdrawn (`second_note_problem`)."""
    return fetch_dict(db, "SELECT * FROM staffing_notes WHERE case_id = ? AND person_id IS ? AND month = ? "
                          "AND withdrawn_at IS NULL ORDER BY staffing_note_id LIMIT 1",
                      [case_id, person_id, str(month)])


def active_staffing_notes(db: Database, case_ids: list[str], month: Month) -> dict[tuple[str, str | None], dict]:
    """The notes not withdrawn for `month` on `case_ids`, by (case, person — None: the case itself)."""
    found: dict[tuple[str, str | None], dict] = {}
    if case_ids:
        for note in fetch_dicts(db, f"SELECT * FROM staffing_notes WHERE month = ? AND withdrawn_at IS NULL "
                                    f"AND case_id IN ({marks(case_ids)}) ORDER BY staffing_note_id",
                                [str(month), *case_ids]):
            found.setdefault((note["case_id"], note["person_id"]), note)
    return found


def second_note_problem(db: Database, case_id: str, person_id: str | None, month: Month) -> str | None:
    """Why a new staffing note for (case, person or the case, month) is refused: one already explains it.

    docs/policy.md "Reasons recorded at a staffing": a note documents *the* reason someone was not
    seen that month; a second one (issue 17: saved without a word after the rows re-sorted) would
    leave two reasons and two authors for one row. A note recorded in error is withdrawn, and then
    may be replaced. No name or note text in the sentence: the CLI prints it.
    """
    note = active_staffing_note(db, case_id, person_id, month)
    if note is None:
        return None
    whom = f"person: {person_id}" if person_id is not None else f"person: case {case_id} itself"
    return (f"{whom} is already explained in {month} by staffing note {note['staffing_note_id']} "
            f"({note['reason_code']}, by {note['author']} on {note['created_at'][:10]}); withdraw it first to "
            "replace it, or add what is new as a next step.")


def add_staffing_note(db: Database, actor: Actor, req: StaffingNoteRequest, *, at: str | None = None) -> int:
    at = at or now_text()
    record = {
        "case_id": req.case_id, "person_id": req.person_id, "month": str(req.month),
        "reason_code": req.reason_code, "text": req.text.strip(), "author": actor.staff_id,
        "created_at": at, "created_by": actor.staff_id,
    }
    with saving(db, req.case_id):
        # Validated inside the write transaction: two supervisors saving a note for one row at
        # once cannot both pass the one-note check.
        _fail(staffing_note_problems(db, actor, req), "staffing note")
        return STAFFING_NOTES.create(db, actor, record, at)


def withdraw_staffing_note(db: Database, actor: Actor, note_id: int, reason: str,
                           expected_version: int | None = None, *, at: str | None = None) -> None:
    """A staffing note recorded in error explains nothing from now on (docs/policy.md "As known then"); the note stays,
    with who withdrew it, when and why. Only a supervisor of the case's unit or a manager."""
    reason = _cleaned(reason)
    with saving(db) as cases:  # read, check and write under one write lock
        at = at or now_text()
        before = STAFFING_NOTES.current(db, note_id, expected_version)
        cases.add(before["case_id"])
        problems = []
        case = case_info(db, before["case_id"])
        if case is not None and (problem := approval_problem(actor, case)) is not None:
            problems.append(f"withdrawn_by: {problem}")
        if before["withdrawn_at"]:
            problems.append(f"staffing note {note_id} was already withdrawn by {before['withdrawn_by']} "
                            f"at {before['withdrawn_at']}.")
        if len((reason or "").strip()) < MIN_WITHDRAW_REASON_LENGTH:
            problems.append(f"reason: say why the note is withdrawn (at least {MIN_WITHDRAW_REASON_LENGTH} "
                            "characters).")
        _fail(problems, "withdrawal")
        STAFFING_NOTES.change(db, actor, "withdraw", before,
                              {"withdrawn_at": at, "withdrawn_by": actor.staff_id,
                               "withdrawn_reason": reason.strip()}, at)


def get_staffing_note(db: Database, note_id: int) -> dict:
    return STAFFING_NOTES.get(db, note_id)


def list_staffing_notes(db: Database, case_id: str | None = None, month: Month | None = None,
                        staffing_note_id: int | None = None) -> list[dict]:
    where, params = _filters(case_id=case_id, month=str(month) if month else None, staffing_note_id=staffing_note_id)
    return fetch_dicts(db, f"SELECT * FROM staffing_notes {where} ORDER BY staffing_note_id", params)


# --- next steps -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NextStepRequest:
    specialist_id: str
    text: str
    due_on: date
    case_id: str | None = None
    person_id: str | None = None

    def __post_init__(self) -> None:
        _clean_free_text(self, "text")


def next_step_problems(db: Database, actor: Actor, req: NextStepRequest) -> list[str]:
    problems: list[str] = []
    specialist = fetch_dict(db, "SELECT staff_id, role, unit_id FROM staff WHERE staff_id = ?", [req.specialist_id])
    if specialist is None:
        problems.append(f"specialist: there is no staff member {req.specialist_id!r}.")
    if not actor.may_approve:
        problems.append(f"created_by: {actor.staff_id} is a specialist; next steps are agreed and recorded by the "
                        "supervisor or a manager.")
    elif specialist is not None and not may_approve_for(actor.role, actor.unit_id, specialist["unit_id"]):
        problems.append(f"created_by: {actor.staff_id} does not supervise {req.specialist_id}'s unit.")
    if req.case_id is not None:
        case = _require_case(db, req.case_id, problems)
        if case is not None and case.specialist_id != req.specialist_id:
            problems.append(f"case: case {req.case_id} belongs to {case.specialist_id}, not {req.specialist_id}.")
        if case is not None and req.person_id is not None and _member(db, req.case_id, req.person_id) is None:
            problems.append(f"person: {req.person_id} is not a member of case {req.case_id}.")
    elif req.person_id is not None:
        problems.append("case: name the case the person belongs to.")
    if not (req.text or "").strip():
        problems.append("text: say what must happen.")
    return problems


def add_next_step(db: Database, actor: Actor, req: NextStepRequest, *, at: str | None = None) -> int:
    _fail(next_step_problems(db, actor, req), "next step")
    at = at or now_text()
    record = {
        "specialist_id": req.specialist_id, "case_id": req.case_id, "person_id": req.person_id,
        "text": req.text.strip(), "due_on": req.due_on.isoformat(), "created_at": at, "created_by": actor.staff_id,
    }
    with db.atomic():
        return NEXT_STEPS.create(db, actor, record, at)


def complete_next_step(db: Database, actor: Actor, step_id: int, expected_version: int | None = None, *,
                       at: str | None = None) -> None:
    """Mark a next step done; a step changed since `expected_version` is refused (reload)."""
    with db.atomic():  # read, check and write under one write lock
        _complete_next_step(db, actor, step_id, expected_version, at or now_text())


def _complete_next_step(db: Database, actor: Actor, step_id: int, expected_version: int | None, at: str) -> None:
    before = NEXT_STEPS.current(db, step_id, expected_version)
    if before["done_at"]:
        raise UserError(f"Next step {step_id} was already marked done by {before['done_by']} at {before['done_at']}.")
    if (problem := closing_problem(db, actor, before)) is not None:
        raise UserError(problem)
    NEXT_STEPS.change(db, actor, "done", before, {"done_at": at, "done_by": actor.staff_id}, at)


def closing_problem(db: Database, actor: Actor, step: dict) -> str | None:
    """Why `actor` may not mark `step` done (None: they may). docs/data.md "Records created in the app": the
    specialist it is for, a supervisor of that specialist's unit, or a manager."""
    specialist_id = step["specialist_id"]
    if actor.staff_id == specialist_id:
        return None
    unit = db.execute("SELECT unit_id FROM staff WHERE staff_id = ?", [specialist_id]).fetchone()
    unit_id = unit[0] if unit else None
    if may_approve_for(actor.role, actor.unit_id, unit_id):
        return None
    return (f"{actor.staff_id} cannot close next step {step['next_step_id']} of {specialist_id}; only "
            f"{specialist_id}, a supervisor of unit {unit_id or '(none)'} or a manager can mark it done.")


def list_next_steps(db: Database, specialist_id: str, *, open_only: bool = False) -> list[dict]:
    sql = "SELECT * FROM next_steps WHERE specialist_id = ?"
    if open_only:
        sql += " AND done_at IS NULL"
    return fetch_dicts(db, sql + " ORDER BY due_on, next_step_id", [specialist_id])


def get_next_step(db: Database, step_id: int) -> dict:
    return NEXT_STEPS.get(db, step_id)
