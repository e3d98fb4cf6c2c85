"""Gather the case data a contact plan document shows (`present.plan` writes it).

`plan_document_text` is the one place a document is assembled: from the terms of a request (the
form's preview) or of a stored plan (`plan_document`, when a plan is saved without an edited one).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.goals import goal_on
from staffing_tui.domain.model import GoalFacts
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.present.plan import ChildLine, PlanDocumentData, render_plan_markdown
from staffing_tui.store.records import PlanRequest, get_contact_plan


def _name(first: str | None, last: str | None, fallback: str) -> str:
    return " ".join(p for p in (first, last) if p) or fallback


def plan_document_data(db: Database, terms: PlanRequest, *, plan_id: int | None = None,
                       approved_by: str | None = None, approved_at: str | None = None) -> PlanDocumentData:
    """What the document of a plan with `terms` shows, from the case data (UserError: the parent
    is not a member of the case)."""
    case_id, parent_id, start_month = terms.case_id, terms.parent_id, terms.start_month
    case = db.execute(
        "SELECT c.case_id, c.case_type, st.name, u.name FROM cases c LEFT JOIN staff st ON st.staff_id = c.specialist_id "
        "LEFT JOIN units u ON u.unit_id = st.unit_id WHERE c.case_id = ?", [case_id]).fetchone()
    parent = db.execute(
        "SELECT p.first_name, p.last_name, m.role, m.rights_terminated_on, m.whereabouts_unknown, m.incarcerated "
        "FROM case_members m JOIN people p ON p.person_id = m.person_id WHERE m.case_id = ? AND m.person_id = ?",
        [case_id, parent_id]).fetchone()
    if case is None or parent is None:
        raise UserError(f"Case {case_id} has no member {parent_id}.")
    goals = [GoalFacts(c, k, g, date.fromisoformat(e)) for c, k, g, e in db.execute(
        "SELECT case_id, child_id, goal, effective_on FROM permanency_goals WHERE case_id = ?", [case_id])]
    day = start_month.end
    children = []
    for child_id, first, last in db.execute(
        "SELECT pc.child_id, p.first_name, p.last_name FROM parent_child pc JOIN people p ON p.person_id = pc.child_id "
        "WHERE pc.case_id = ? AND pc.parent_id = ? ORDER BY pc.child_id", [case_id, parent_id]
    ).fetchall():
        placement = db.execute(
            "SELECT location_type, location_name, start_on FROM placements WHERE case_id = ? AND child_id = ? "
            "AND start_on <= ? AND (end_on IS NULL OR end_on >= ?) ORDER BY start_on DESC LIMIT 1",
            [case_id, child_id, day.isoformat(), day.isoformat()]).fetchone()
        where = "not recorded"
        if placement:
            where = f"{placement[0].replace('_', ' ')}" + (f", {placement[1]}" if placement[1] else "") + f" since {placement[2]}"
        goal = goal_on([g for g in goals if g.child_id == child_id], day)
        children.append(ChildLine(_name(first, last, child_id), str(goal), where))
    exception = db.execute(
        "SELECT exception_id, start_month, end_month FROM exceptions WHERE case_id = ? AND person_id = ? "
        "AND revoked_at IS NULL AND end_month >= ? ORDER BY start_month LIMIT 1",
        [case_id, parent_id, str(start_month)]).fetchone()
    exception_note = None
    if exception:
        exception_note = (f"exception {exception[0]} applies {exception[1]}–{exception[2]}; telephone or written "
                          "contact is still required at least once every three months.")
    approver = None
    if approved_by:
        row = db.execute("SELECT name, role FROM staff WHERE staff_id = ?", [approved_by]).fetchone()
        approver = f"{row[0]} ({row[1]})" if row else approved_by
    first, last, role, terminated, unknown, incarcerated = parent
    return PlanDocumentData(
        plan_id=plan_id, case_id=case_id, case_type=case[1], specialist=case[2] or "", unit=case[3] or "",
        parent_name=_name(first, last, parent_id), parent_role=role,
        rights=f"terminated on {terminated}" if terminated else "intact",
        whereabouts="unknown" if unknown else "known", incarcerated=bool(incarcerated), children=children,
        frequency_months=terms.frequency_months, methods=terms.methods, arrangements=terms.arrangements,
        start_month=str(start_month), end_month=str(terms.end_month) if terms.end_month else None,
        review_on=terms.review_on.isoformat() if terms.review_on else None,
        approved_by=approver, approved_at=approved_at, exception_note=exception_note,
        replaces=_replaced(db, terms.replaces, plan_id),
    )


def _replaced(db: Database, replaces: int | None, plan_id: int | None) -> str | None:
    """"#5, in force from 2026-08": the plan named as replaced, or the one a stored plan superseded."""
    row = (db.execute("SELECT contact_plan_id, start_month FROM contact_plans WHERE contact_plan_id = ?", [replaces])
           if replaces is not None else
           db.execute("SELECT contact_plan_id, start_month FROM contact_plans WHERE superseded_by = ?", [plan_id])
           if plan_id is not None else None)
    found = row.fetchone() if row is not None else None
    return f"#{found[0]}, in force from {found[1]}" if found else None


def plan_document_text(db: Database, terms: PlanRequest, *, plan_id: int | None = None,
                       approved_by: str | None = None, approved_at: str | None = None) -> str:
    """The Markdown document of a plan with `terms`, approved by `approved_by` at `approved_at`
    (a preview has no `plan_id` yet)."""
    return render_plan_markdown(plan_document_data(db, terms, plan_id=plan_id, approved_by=approved_by,
                                                   approved_at=approved_at))


def numbered(document: str, plan_id: int) -> str:
    """A document previewed before its plan had a number, headed with it once saved."""
    head, newline, rest = document.partition("\n")
    if head.startswith("# Contact plan — "):
        head = f"# Contact plan #{plan_id} — " + head.removeprefix("# Contact plan — ")
    return head + newline + rest


def stored_terms(plan: dict) -> PlanRequest:
    """The terms of a stored `contact_plans` row, as a request would give them."""
    return PlanRequest(
        plan["case_id"], plan["parent_id"], plan["frequency_months"],
        tuple(m for m in plan["methods"].split(",") if m), plan["arrangements"] or "",
        Month.parse(plan["start_month"]), Month.parse(plan["end_month"]) if plan["end_month"] else None,
        date.fromisoformat(plan["review_on"]) if plan["review_on"] else None,
    )


def plan_document(db: Database, plan_id: int, *, replaces: int | None = None) -> str:
    """The Markdown document of a stored plan, generated from the case data (`replaces`: the plan it
    is about to supersede, before that is recorded)."""
    plan = get_contact_plan(db, plan_id)
    return plan_document_text(db, replace(stored_terms(plan), replaces=replaces), plan_id=plan_id,
                              approved_by=plan["approved_by"], approved_at=plan["approved_at"])
