"""The contact plan document (docs/policy.md "Contact plans", issue: generated from case data).

Pure: takes the facts gathered by the store (`store.plan_document`), returns Markdown. The
HTML form is rendered from the same Markdown so the two never disagree, and both leave the
program through `plan_export` (the CLI's `plan export`, the form's Export).

Every value from the case data (names, ids, placements, arrangements) is escaped as it
goes in (issue 14): a child named `![x](http://…)` or `Kit | Lane` is text in the
document, never an image, a link, HTML or an extra table column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from staffing_tui.present.escape import for_html, for_markdown, for_markdown_cell, for_terminal
from staffing_tui.present.labels import METHOD_WORDS



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
    #: the plan this one replaces: "#5, in force from 2026-08" (None: the parent's first plan)
    replaces: str | None = None


def _frequency_words(months: int) -> str:
    return "every month" if months == 1 else f"at least once every {months} months"


def render_plan_markdown(d: PlanDocumentData) -> str:
    md = for_markdown_cell  # each value of the case data is one inert line
    methods = ", ".join(METHOD_WORDS.get(m, md(m)) for m in d.methods) or "(none chosen)"
    title = f"# Contact plan{f' #{d.plan_id}' if d.plan_id else ''} — case {md(d.case_id)}"
    parent = md(d.parent_name)
    lines = [
        title,
        "",
        *([f"**Replaces:** contact plan {md(d.replaces)}  "] if d.replaces else []),
        f"**Parent:** {parent} ({md(d.parent_role.replace('_', ' '))})  ",
        f"**Case:** {md(d.case_id)} ({md(d.case_type)}), specialist {md(d.specialist)}, {md(d.unit)}  ",
        f"**Parental rights:** {md(d.rights)}  ",
        f"**Whereabouts:** {md(d.whereabouts)}  ",
        f"**Incarcerated:** {'yes' if d.incarcerated else 'no'}",
        "",
        "## Children and their permanency goals",
        "",
        "| child | goal | placement |",
        "|---|---|---|",
    ]
    lines += [f"| {md(c.name)} | {md(c.goal.replace('_', ' '))} | {md(c.placement)} |" for c in d.children]
    lines += [
        "",
        "## Contact",
        "",
        f"The specialist will have contact with {parent} {_frequency_words(d.frequency_months)}, "
        f"{methods}.",
        "",
        "**Arrangements** (where, who supervises, transport, interpreter):",
        "",
        for_markdown(d.arrangements.strip()) or "_none recorded_",
        "",
    ]
    if d.exception_note:
        lines += [f"**Exception:** {md(d.exception_note)}", ""]
    period = f"from {md(d.start_month)}" + (f" to {md(d.end_month)}" if d.end_month else " until reviewed")
    approved = f"Approved by {md(d.approved_by) if d.approved_by else '(pending)'}"
    lines += [
        "## Period and review",
        "",
        f"This plan applies {period}. Review on or before {md(d.review_on) if d.review_on else '(not set)'}.",
        "",
        "## Approval",
        "",
        approved + (f" on {md(d.approved_at)}" if d.approved_at else "") + ".",
        "",
        "Specialist: ______________________________  Date: ____________",
        "",
        "Supervisor: ______________________________  Date: ____________",
        "",
        "Parent: __________________________________  Date: ____________",
        "",
    ]
    return "\n".join(lines)


#: Markdown that could fetch, link or run something: off in the HTML page, whatever the
#: (possibly hand-edited, possibly older) document holds. Raw HTML is escaped (`html` False).
_INERT_IN_HTML = ["link", "image", "autolink", "reference", "html_inline", "html_block"]


def plan_export(document: str, plan_id: int, case_id: str, fmt: str) -> str:
    """A stored plan's document as exported: the Markdown itself (`fmt` "md"), or a printable
    HTML page (`fmt` "html") titled with the plan and its case."""
    if fmt != "html":
        return document
    return markdown_to_html(document, title=f"Contact plan {plan_id} — case {case_id}")


def markdown_to_html(markdown: str, title: str = "Contact plan") -> str:
    """A printable, self-contained HTML page: no external asset, link, script or event handler
    (links, images and raw HTML are text), and no control character (shown as escapes)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table").disable(_INERT_IN_HTML)
    # An entity such as &#x202e; becomes its character when rendered: the controls are swept after.
    body = for_terminal(parser.render(markdown))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{for_html(title)}</title><style>"
        "body{font-family:Georgia,serif;max-width:48rem;margin:2rem auto;line-height:1.45;color:#111}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left}"
        "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}"
        "@media print{body{margin:0}}"
        f"</style></head><body>\n{body}</body></html>\n"
    )
