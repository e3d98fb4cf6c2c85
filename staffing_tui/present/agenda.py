"""The staffing agenda as JSON-ready data and as Markdown (optionally under the privacy mask)."""

from __future__ import annotations

import dataclasses

from staffing_tui.domain.model import Row
from staffing_tui.exports import PrivacyMask
from staffing_tui.present.escape import for_markdown_cell as _md
from staffing_tui.present.labels import CATEGORY_LABELS, REASON_LABELS, flags_label, words
from staffing_tui.present.report import row_to_dict
from staffing_tui.store.agenda import Agenda, StaffingDecisions, record_people

#: Free-text fields of the agenda's records, scrubbed of known names under the mask.
_FREE_TEXT = ("text", "reason", "arrangements")


def masked_agenda(agenda: Agenda, mask: PrivacyMask) -> Agenda:
    """The agenda under the privacy mask: initials for people, no placement names, no plan
    documents, and free text scrubbed of the names and birth dates the mask knows."""

    def row(r: Row) -> Row:
        if r.placement is None or not r.placement.location_name:
            return r
        return dataclasses.replace(r, placement=dataclasses.replace(r.placement, location_name=None))

    def record(item: dict) -> dict:
        out = {k: v for k, v in item.items() if k != "document"}
        for key in _FREE_TEXT:
            if isinstance(out.get(key), str):
                out[key] = mask.text(out[key])
        return out

    report = dataclasses.replace(agenda.report, rows=[row(r) for r in agenda.report.rows])
    # A record's person the mask does not know (not a member of a case shown) keeps no name: the id.
    unmasked = record_people(agenda) - set(mask.initials)
    return dataclasses.replace(
        agenda,
        report=report,
        names={**{k: v for k, v in agenda.names.items() if k not in unmasked}, **mask.initials},
        not_seen=[row(r) for r in agenda.not_seen],
        recheck=[row(r) for r in agenda.recheck],
        decisions=masked_decisions(agenda.decisions, record),
        due=[row(r) for r in agenda.due],
        plans_missing=[row(r) for r in agenda.plans_missing],
        plans_to_review=[record(p) for p in agenda.plans_to_review],
        exceptions_to_review=[record(e) for e in agenda.exceptions_to_review],
        next_steps=[record(s) for s in agenda.next_steps],
        flagged=[row(r) for r in agenda.flagged],
    )


def masked_decisions(decisions: StaffingDecisions | None, record) -> StaffingDecisions | None:
    """The staffing's decisions with every record passed through `record` (the mask's scrubber)."""
    if decisions is None:
        return None
    return dataclasses.replace(
        decisions,
        **{part: [record(item) for item in getattr(decisions, part)] for part in DECISION_PARTS},
    )


#: The parts of `StaffingDecisions` that hold records.
DECISION_PARTS = ("staffing_notes", "exceptions", "plans", "steps_agreed", "steps_done")


def decisions_to_dict(decisions: StaffingDecisions | None) -> dict | None:
    if decisions is None:
        return None
    return {"decided_by": decisions.decided_by, "since": decisions.since, "until": decisions.until,
            **{part: getattr(decisions, part) for part in DECISION_PARTS}}


def agenda_to_dict(agenda: Agenda) -> dict:
    report = agenda.report
    return {
        "specialist_id": agenda.specialist_id,
        "month": str(report.month),
        "as_of": report.as_of.isoformat(),
        "in_progress": report.in_progress,
        "days_left": agenda.days_left,
        "not_seen_without_reason": [row_to_dict(r) for r in agenda.not_seen],
        "not_seen_for_a_reason_to_recheck": [row_to_dict(r) for r in agenda.recheck],
        "due_this_month": [row_to_dict(r) for r in agenda.due],
        "contact_plans_missing": [row_to_dict(r) for r in agenda.plans_missing],
        "contact_plans_to_review": agenda.plans_to_review,
        "exceptions_ending_or_to_review": agenda.exceptions_to_review,
        "open_next_steps": agenda.next_steps,
        "integrity_flags": [row_to_dict(r) for r in agenda.flagged],
        "decided_at_the_staffing": decisions_to_dict(agenda.decisions),
    }


def _who(agenda: Agenda, row: Row) -> str:
    person = agenda.names.get(row.person_id, row.person_id) if row.person_id else "case home visit"
    return f"{_md(person)} ({words(row.role or 'case')}, case {_md(row.case_id)})"


def _name(agenda: Agenda, person_id: str) -> str:
    """A person as the agenda names them (initials under the mask), never a bare id when a name is known."""
    return _md(agenda.names.get(person_id, person_id))


def _category(code: str) -> str:
    """An exception category in words ("Parent declines contact"), the code itself if unknown."""
    label = next((label for category, label in CATEGORY_LABELS.items() if str(category) == code), words(code))
    return label[:1].lower() + label[1:]  # within a sentence


def _next_step_who(agenda: Agenda, step: dict) -> str:
    """"Kit Lane, case C1", or "case C1" for a step about the whole case."""
    person = f"{_name(agenda, step['person_id'])}, " if step.get("person_id") else ""
    return f"{person}case {_md(step['case_id'])}"


def agenda_to_markdown(agenda: Agenda) -> str:
    report = agenda.report
    name = agenda.names.get(agenda.specialist_id, agenda.specialist_id)
    state = f"in progress, {agenda.days_left} days left" if report.in_progress else "complete"
    lines = [f"# Staffing agenda — {_md(name)} ({_md(agenda.specialist_id)}), {report.month}",
             "", f"As of {report.as_of.isoformat()} ({state}).", ""]

    def section(title: str, items: list[str]) -> None:
        lines.extend([f"## {title}", ""])
        lines.extend(items or ["- nothing"])
        lines.append("")

    section("Not seen, no documented reason",
            [f"- {_who(agenda, r)}: {REASON_LABELS[r.reason]}" for r in agenda.not_seen])
    section("Not seen, for a reason: re-check",
            [f"- {_who(agenda, r)}: {r.status} · {REASON_LABELS[r.reason]}" for r in agenda.recheck])
    section(f"Still to see this month ({agenda.days_left} days left)" if report.in_progress else "Still to see",
            [f"- {_who(agenda, r)}: {REASON_LABELS[r.reason]}" for r in agenda.due])
    section("Contact plans missing", [f"- {_who(agenda, r)}" for r in agenda.plans_missing])
    section("Contact plans due for review",
            [f"- plan {p['contact_plan_id']} with {_name(agenda, p['parent_id'])} (parent, case {_md(p['case_id'])}): "
             f"review on {_md(p['review_on'])}" for p in agenda.plans_to_review])
    section("Exceptions ending or due for review",
            [f"- exception {e['exception_id']} for {_name(agenda, e['person_id'])} (case {_md(e['case_id'])}, "
             f"{_md(_category(e['category']))}): ends {_md(e['end_month'])}, review on {_md(e['review_on'])}"
             for e in agenda.exceptions_to_review])
    section("Open next steps",
            [f"- [ ] #{s['next_step_id']} due {_md(s['due_on'])}: {_md(s['text'])}"
             + (f" ({_next_step_who(agenda, s)})" if s["case_id"] else "") for s in agenda.next_steps])
    section("Integrity flags to fix",
            [f"- {_who(agenda, r)}: {_md(flags_label(r.integrity_flags))}" for r in agenda.flagged])
    if agenda.decisions is not None:
        lines += decisions_markdown(agenda, agenda.decisions)
    return "\n".join(lines)


def _person(agenda: Agenda, person_id: str | None) -> str:
    return _md(agenda.names.get(person_id, person_id)) if person_id else "whole case"


def decisions_markdown(agenda: Agenda, decisions: StaffingDecisions) -> list[str]:
    """What was decided at the staffing, record by record, then the lines to sign."""
    who = _md(agenda.names.get(decisions.decided_by, decisions.decided_by))
    span = (f"from {_md(decisions.since)}" + (f" to {_md(decisions.until)}" if decisions.until else "")
            + " (UTC)")
    lines = ["## Decided at this staffing", "", f"Recorded by {who}, {span}: {decisions.count} records.", ""]

    def part(title: str, items: list[str]) -> None:
        lines.extend([f"### {title}", ""])
        lines.extend(items or ["- none"])
        lines.append("")

    part("Staffing notes", [
        f"- note {n['staffing_note_id']} · {_person(agenda, n['person_id'])} ({_md(n['case_id'])}), {_md(n['month'])}: "
        f"{_md(n['reason_code'].replace('_', ' '))} — {_md(n['text'])}" for n in decisions.staffing_notes])
    part("Exceptions approved", [
        f"- exception {e['exception_id']} · {_person(agenda, e['person_id'])} ({_md(e['case_id'])}): "
        f"{_md(e['category'].replace('_', ' '))}, {_md(e['start_month'])} – {_md(e['end_month'])}, "
        f"review on {_md(e['review_on'] or 'not set')} — {_md(e['reason'])}" for e in decisions.exceptions])
    part("Contact plans written", [
        f"- plan {p['contact_plan_id']} · {_person(agenda, p['parent_id'])} ({_md(p['case_id'])}): every "
        f"{p['frequency_months']} month(s), from {_md(p['start_month'])}"
        + (f", replaced by plan {p['superseded_by']}" if p.get("superseded_by") else "") for p in decisions.plans])
    part("Next steps agreed", [
        f"- #{s['next_step_id']} due {_md(s['due_on'])}: {_md(s['text'])}"
        + (f" ({_md(s['case_id'])})" if s["case_id"] else "") for s in decisions.steps_agreed])
    part("Next steps done", [
        f"- [x] #{s['next_step_id']}: {_md(s['text'])}" + (f" ({_md(s['case_id'])})" if s["case_id"] else "")
        for s in decisions.steps_done])
    lines += [
        "## Signatures", "",
        "Specialist: ______________________________  Date: ____________", "",
        "Supervisor: ______________________________  Date: ____________", "",
    ]
    return lines
