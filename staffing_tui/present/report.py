"""Report renderers: JSON, CSV and a readable Markdown staffing report (docs/data.md "Outputs").

Pure functions from a `MonthReport` (and display names) to text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import asdict
from itertools import groupby
from typing import Mapping

from staffing_tui.domain.enums import Flag, Status
from staffing_tui.domain.model import Row
from staffing_tui.present.escape import for_csv, for_markdown_cell
from staffing_tui.present.labels import REASON_LABELS
from staffing_tui.store.evaluation import MonthReport
from staffing_tui.store.row_codec import COMPACT, report_head, row_to_dict

#: Status order for a staffing: not seen without reason first.
STATUS_ORDER = {
    Status.UNMET: 0, Status.DUE: 1, Status.EXPLAINED: 2, Status.EXCUSED: 3, Status.MET: 4, Status.NOT_REQUIRED: 5,
}

CSV_FIELDS = (
    "case_id", "person_id", "role", "case_type", "unit_id", "specialist_id", "requirement", "status", "reason",
    "last_seen", "last_contact", "placement_location_type", "placement_location_name", "placement_since",
    "goal", "rights", "whereabouts", "exception_id", "contact_plan_id", "flags",
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def report_to_dict(report: MonthReport) -> dict:
    head = report_head(str(report.month), report.as_of, report.in_progress, report.unit_id, report.specialist_id,
                       asdict(report.summary))
    return {**head, "rows": [row_to_dict(r) for r in report.rows]}


def report_to_json(report: MonthReport) -> str:
    """Compact JSON, ASCII, one line (docs/data.md "Report JSON"): `indent` would force Python's
    pure-Python encoder, three times slower than the C one on a statewide month. A month kept in the
    database is printed from its kept row texts instead (`store.kept_months.report_json`), byte for
    byte this text."""
    return json.dumps(report_to_dict(report), separators=COMPACT) + "\n"


def report_to_csv(report: MonthReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        flat = row_to_dict(row)
        placement = flat.pop("placement") or {}
        flat["placement_location_type"] = placement.get("location_type")
        flat["placement_location_name"] = placement.get("location_name")
        flat["placement_since"] = placement.get("since")
        flat["flags"] = ";".join(flat["flags"])
        writer.writerow({k: for_csv(str(v)) if v is not None else "" for k, v in flat.items()})
    return out.getvalue()


#: Every name, id and place in the Markdown report is one inert line (a cell, a heading, an item).
_md = for_markdown_cell


def masked_report(report: MonthReport) -> MonthReport:
    """The report under the privacy mask: rows keep their ids but lose placement names
    (names become initials through the `names` given to the Markdown renderer)."""
    rows = [
        dataclasses.replace(row, placement=dataclasses.replace(row.placement, location_name=None))
        if row.placement is not None and row.placement.location_name else row
        for row in report.rows
    ]
    return dataclasses.replace(report, rows=rows)


def _placement_text(row: Row) -> str:
    if row.placement is None:
        return ""
    text = row.placement.location_type.replace("_", " ")
    return f"{text} since {row.placement.since.isoformat()}"


def report_to_markdown(report: MonthReport, names: Mapping[str, str] | None = None) -> str:
    """A staffing report grouped by specialist, not-seen-without-reason first."""
    names = names or {}
    s = report.summary
    state = "in progress" if report.in_progress else "complete"
    lines = [
        f"# Staffing report — {report.month} ({state}, as of {report.as_of.isoformat()})",
        "",
    ]
    if report.unit_id or report.specialist_id:
        scope = ", ".join(
            part for part in (
                f"unit {_md(names.get(report.unit_id, report.unit_id))}" if report.unit_id else "",
                f"specialist {_md(names.get(report.specialist_id, report.specialist_id))}" if report.specialist_id else "",
            ) if part
        )
        lines += [f"Scope: {scope}", ""]
    lines += [
        f"**Not seen without a reason: {s.unseen_without_reason}** (unmet {s.unmet}, due {s.due}) · "
        f"required {s.required} · met {s.met} · excused {s.excused} · explained {s.explained} · "
        f"not required {s.not_required}",
        "",
    ]
    flagged = [r for r in report.rows if r.integrity_flags]
    late = [r for r in report.rows if Flag.RECORDED_AFTER_MONTH in r.flags]
    by_specialist = groupby(report.rows, key=lambda r: (r.unit_id, r.specialist_id))
    for (unit_id, specialist_id), group in by_specialist:
        rows = [r for r in group if r.status is not Status.NOT_REQUIRED]
        unseen = sum(1 for r in rows if r.unseen_without_reason)
        lines += [
            f"## {_md(names.get(specialist_id, specialist_id))} ({_md(specialist_id)}, unit {_md(unit_id)}) — "
            f"{unseen} not seen without a reason",
            "",
        ]
        if not rows:
            lines += ["Nothing required this month.", ""]
            continue
        lines += [
            "| status | person | role | case | requirement | reason | last seen | placement | flags |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in sorted(rows, key=lambda r: (STATUS_ORDER[r.status], r.case_id, r.person_id or "")):
            person = names.get(r.person_id, r.person_id) if r.person_id else "(case: home visit)"
            lines.append(
                f"| **{r.status.upper()}** | {_md(person)} | {r.role or ''} | {_md(r.case_id)} | "
                f"{r.requirement.replace('_', ' ')} | {REASON_LABELS[r.reason]} | "
                f"{_iso(r.last_seen) or 'never'} | {_md(_placement_text(r))} | {_flags_text(r.flags)} |"
            )
        lines.append("")
    lines += _row_list("Integrity flags to fix", flagged, names, lambda r: _flags_text(r.integrity_flags))
    # Late approvals are allowed, not problems to fix, but they must show (docs/policy.md "As known then").
    lines += _row_list(f"Recorded after {report.month} ended", late, names, lambda r: REASON_LABELS[r.reason])
    return "\n".join(lines)


def _flags_text(flags: tuple[Flag, ...]) -> str:
    return ", ".join(f.replace("_", " ") for f in flags)


def _row_list(title: str, rows: list[Row], names: Mapping[str, str], text) -> list[str]:
    """A section listing `rows` as "- case · person: text" (nothing when there are none)."""
    if not rows:
        return []
    lines = [f"## {title}", ""]
    for r in rows:
        person = names.get(r.person_id, r.person_id) if r.person_id else r.case_id
        lines.append(f"- {_md(r.case_id)} · {_md(person)}: {text(r)}")
    return lines + [""]


#: The formats a report is exported in, by the ending of the file's name (the app's ctrl+e).
REPORT_FORMATS = ("md", "csv", "html", "json")


def report_export(report: MonthReport, names: Mapping[str, str], fmt: str) -> str:
    """The report as a file in `fmt`: Markdown, CSV, JSON, or the Markdown as a printable HTML page."""
    if fmt == "csv":
        return report_to_csv(report)
    if fmt == "json":
        return report_to_json(report)
    markdown = report_to_markdown(report, names)
    if fmt == "html":
        from staffing_tui.present.plan import markdown_to_html

        return markdown_to_html(markdown, title=f"Staffing report — {report.month}")
    return markdown
