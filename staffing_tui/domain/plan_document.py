"""The contact plan document (SPEC §2 "contact plan", issue: generated from case data).

Pure: takes the facts gathered by the store, returns Markdown. The HTML form
is rendered from the same Markdown so the two never disagree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

METHOD_WORDS = {"in_person": "in person", "phone": "by telephone", "video": "by video call", "written": "in writing"}


@dataclass(frozen=True, slots=True)
class ChildLine:
    name: str
    goal: str
    placement: str  # e.g. "kinship since 2026-03-02" or "not recorded"


@dataclass(frozen=True, slots=True)
class PlanDocumentData:
    plan_id: int | None
    case_id: str
    case_type: str
    specialist: str
    unit: str
    parent_name: str
    parent_role: str
    rights: str
    whereabouts: str
    incarcerated: bool
    children: list[ChildLine] = field(default_factory=list)
    frequency_months: int = 1
    methods: tuple[str, ...] = ()
    arrangements: str = ""
    start_month: str = ""
    end_month: str | None = None
    review_on: str | None = None
    approved_by: str | None = None
    approved_at: str | None = None
    exception_note: str | None = None  # the quarterly minimum when an exception applies


def _frequency_words(months: int) -> str:
    return "every month" if months == 1 else f"at least once every {months} months"


def render_plan_markdown(d: PlanDocumentData) -> str:
    methods = ", ".join(METHOD_WORDS.get(m, m) for m in d.methods) or "(none chosen)"
    title = f"# Contact plan{f' #{d.plan_id}' if d.plan_id else ''} — case {d.case_id}"
    lines = [
        title,
        "",
        f"**Parent:** {d.parent_name} ({d.parent_role.replace('_', ' ')})  ",
        f"**Case:** {d.case_id} ({d.case_type}), specialist {d.specialist}, {d.unit}  ",
        f"**Parental rights:** {d.rights}  ",
        f"**Whereabouts:** {d.whereabouts}  ",
        f"**Incarcerated:** {'yes' if d.incarcerated else 'no'}",
        "",
        "## Children and their permanency goals",
        "",
        "| child | goal | placement |",
        "|---|---|---|",
    ]
    lines += [f"| {c.name} | {c.goal.replace('_', ' ')} | {c.placement} |" for c in d.children]
    lines += [
        "",
        "## Contact",
        "",
        f"The specialist will have contact with {d.parent_name} {_frequency_words(d.frequency_months)}, "
        f"{methods}.",
        "",
        "**Arrangements** (where, who supervises, transport, interpreter):",
        "",
        d.arrangements.strip() or "_none recorded_",
        "",
    ]
    if d.exception_note:
        lines += [f"**Exception:** {d.exception_note}", ""]
    period = f"from {d.start_month}" + (f" to {d.end_month}" if d.end_month else " until reviewed")
    lines += [
        "## Period and review",
        "",
        f"This plan applies {period}. Review on or before {d.review_on or '(not set)'}.",
        "",
        "## Approval",
        "",
        f"Approved by {d.approved_by or '(pending)'}" + (f" on {d.approved_at}" if d.approved_at else "") + ".",
        "",
        "Specialist: ______________________________  Date: ____________",
        "",
        "Supervisor: ______________________________  Date: ____________",
        "",
        "Parent: __________________________________  Date: ____________",
        "",
    ]
    return "\n".join(lines)


def markdown_to_html(markdown: str, title: str = "Contact plan") -> str:
    """A printable, self-contained HTML page (no external assets)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:Georgia,serif;max-width:48rem;margin:2rem auto;line-height:1.45;color:#111}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left}"
        "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}"
        "@media print{body{margin:0}}"
        f"</style></head><body>\n{body}</body></html>\n"
    )
