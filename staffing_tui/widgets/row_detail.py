"""The caseload's detail line: the highlighted row in full, under the table.

The table's cells are cut to fit 80 columns; here the same row is whole: name,
status, the full reason, where the person is (type, since when, the placement's
name unless masked), when last seen, and for a row an exception rests on, the
exception's category and last month.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import (
    NOTHING,
    category_label,
    date_label,
    month_name,
    person_label,
    placement_label,
    reason_label,
    row_reason_label,
    status_label,
)
from staffing_tui.store.directory import PersonName
from staffing_tui.store.records import ExceptionSummary


def row_detail(row: Row, names: dict[str, PersonName], *, masked: bool, month: Month | None,
               exception: ExceptionSummary | None) -> Content:
    """"Name · ✗ unmet: not seen · placement: foster home since … · last seen …" and the exception."""
    parts = [
        Content.from_markup("[b]$name[/b] · $status: $reason", name=person_label(row.person_id, names, masked=masked),
                            status=status_label(row.status),
                            reason=row_reason_label(row, month) if month is not None else reason_label(row.reason)),
    ]
    if row.placement is not None:
        parts.append(Content.from_markup("placement: $placement", placement=placement_label(row.placement,
                                                                                            masked=masked)))
    elif row.whereabouts == "unknown":
        parts.append(Content("whereabouts unknown"))
    parts.append(Content(f"last seen {date_label(row.last_seen, missing='never')}"))
    if row.exception_id is not None:
        if exception is None or exception.exception_id != row.exception_id:
            parts.append(Content("exception: …"))
        else:
            parts.append(Content.from_markup("exception: $category, through $last",
                                             category=category_label(exception.category),
                                             last=month_name(exception.last_month)))
    return Content(" · ").join(parts)


class RowDetail(Static):
    """The highlighted caseload row in full (cut cells, placement dates and names, the exception)."""

    DEFAULT_CSS = """
    RowDetail {
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $boost;
    }
    """

    def show_row(self, row: Row | None, names: dict[str, PersonName], *, masked: bool, month: Month | None,
                 exception: ExceptionSummary | None = None) -> None:
        self.update(NOTHING if row is None else row_detail(row, names, masked=masked, month=month,
                                                           exception=exception))
