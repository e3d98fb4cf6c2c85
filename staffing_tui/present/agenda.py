"""The staffing agenda as JSON-ready data and as Markdown (optionally under the privacy mask)."""

from __future__ import annotations

import dataclasses

from staffing_tui.domain.model import Row
from staffing_tui.exports import PrivacyMask
from staffing_tui.present.escape import for_markdown_cell as _md
from staffing_tui.present.labels import CATEGORY_LABELS, REASON_LABELS, flags_label, words
from staffing_tui.present.report import row_to_dict
from staffing_tui.store.agenda import Agenda, record_people

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
        due=[row(r) for r in agenda.due],
        plans_missing=[row(r) for r in agenda.plans_missing],
        plans_to_review=[record(p) for p in agenda.plans_to_review],
        exceptions_to_review=[record(e) for e in agenda.exceptions_to_review],
        next_steps=[record(s) for s in agenda.next_steps],
        flagged=[row(r) for r in agenda.flagged],
    )


def agenda_to_dict(agenda: Agenda) -> dict:
    report = agenda.report
    return {
        "specialist_id": agenda.specialist_id,
        "month": str(report.month),
        "as_of": report.as_of.isoformat(),
        "in_progress": report.in_progress,
        "days_left": agenda.days_left,
        "not_seen_without_reason": [row_to_dict(r) for r in agenda.not_seen],
        "due_this_month": [row_to_dict(r) for r in agenda.due],
        "contact_plans_missing": [row_to_dict(r) for r in agenda.plans_missing],
        "contact_plans_to_review": agenda.plans_to_review,
        "exceptions_ending_or_to_review": agenda.exceptions_to_review,
        "open_next_steps": agenda.next_steps,
        "integrity_flags": [row_to_dict(r) for r in agenda.flagged],
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
    return "\n".join(lines)
