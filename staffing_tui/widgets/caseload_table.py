"""One specialist's caseload for the month: everyone on their cases, not seen without a reason first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from staffing_tui.domain.enums import Status
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import (
    date_label,
    goal_label,
    person_label,
    placement_label,
    reason_label,
    requirement_label,
    role_label,
    row_reason_label,
    shown,
    status_label,
    words,
)
from staffing_tui.store.caseload import row_key
from staffing_tui.store.directory import PersonName

#: Who, then whether and why they were not seen and where the child is: those
#: come first so they are on screen at 80 columns; the rest scrolls sideways.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("status", "Status"),
    ("reason", "Reason"),
    ("placement", "Placement"),
    ("last_seen", "Last seen"),
    ("role", "Role"),
    ("case", "Case"),
    ("requirement", "Requirement"),
    ("goal", "Goal"),
)


def filter_text(row: Row, names: dict[str, PersonName]) -> str:
    """The words a filter matches for `row`: name, initials, ids, status, reason, role, placement."""
    person = names.get(row.person_id) if row.person_id else None
    parts = [
        person_label(row.person_id, names),
        person.initials if person else "",
        row.person_id or "",
        row.case_id,
        str(row.status),
        status_label(row.status),
        reason_label(row.reason),
        role_label(row.role),
        requirement_label(row.requirement),
        words(row.placement.location_type) if row.placement else "",
        goal_label(row.goal),
    ]
    return " ".join(parts).casefold()


def matching_rows(rows: Sequence[Row], names: dict[str, PersonName], query: str) -> list[Row]:
    """The rows whose words contain every word of `query` (case-insensitive); all rows for ""."""
    terms = query.casefold().split()
    if not terms:
        return list(rows)
    return [row for row in rows if _has_all(filter_text(row, names), terms)]


def _has_all(text: str, terms: list[str]) -> bool:
    return all(term in text for term in terms)


class CaseloadTable(DataTable):
    """A read-only table of caseload rows; status is a word, a symbol and a colour."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Detail", id="caseload.open",
                tooltip="Open the person/case detail: 12 months, notes, members, records"),
    ]

    COMPONENT_CLASSES = {
        "caseload-table--unmet",
        "caseload-table--due",
        "caseload-table--explained",
        "caseload-table--excused",
        "caseload-table--met",
        "caseload-table--not_required",
    }

    DEFAULT_CSS = """
    CaseloadTable > .caseload-table--unmet { color: $text-error; text-style: bold; }
    CaseloadTable > .caseload-table--due { color: $text-warning; text-style: bold; }
    CaseloadTable > .caseload-table--explained { color: $text-primary; }
    CaseloadTable > .caseload-table--excused { color: $text-accent; }
    CaseloadTable > .caseload-table--met { color: $text-success; }
    CaseloadTable > .caseload-table--not_required { text-style: dim; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    @property
    def cursor_key(self) -> str | None:
        """The key (`case/person`) of the row under the cursor, None when empty."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def show_rows(self, rows: Sequence[Row], names: dict[str, PersonName], *, masked: bool = False,
                  month: Month | None = None) -> None:
        """Replace the table's rows with `rows` (already ordered), keeping the cursor on the same row.

        `month`: the rows' month, to say in words when a row's record was made after it ended."""
        keep = self.cursor_key
        self.clear()
        for row in rows:
            self.add_row(
                # Text, not str: DataTable reads a str as markup, and names are data.
                Text(person_label(row.person_id, names, masked=masked)),
                self._status_cell(row.status),
                Text(row_reason_label(row, month) if month is not None else reason_label(row.reason)),
                Text(placement_label(row.placement, masked=masked)),
                Text(date_label(row.last_seen, missing="never")),
                Text(role_label(row.role)),
                Text(shown(row.case_id)),
                Text(requirement_label(row.requirement)),
                Text(goal_label(row.goal)),
                key=row_key(row.case_id, row.person_id),
            )
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False, scroll=True)

    def _status_cell(self, status: Status) -> Text:
        style = self.get_component_rich_style(f"caseload-table--{status}", partial=True)
        return Text(status_label(status), style=style)
