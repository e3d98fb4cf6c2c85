"""The people a specialist has not seen this month, unseen-without-reason first."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from staffing_tui.domain.enums import Status
from staffing_tui.domain.model import Row
from staffing_tui.store.directory import PersonName
from staffing_tui.widgets.labels import (
    date_label,
    goal_label,
    placement_label,
    reason_label,
    requirement_label,
    role_label,
    status_label,
)

#: Statuses of someone not seen in person this month, in the order the table
#: lists them: no reason first (the number that should be zero), then the
#: documented reasons.
NOT_SEEN_ORDER: dict[Status, int] = {
    Status.UNMET: 0,
    Status.DUE: 0,
    Status.EXPLAINED: 1,
    Status.EXCUSED: 1,
}

#: Who, then whether and why they were not seen: status and reason come right
#: after the name so they are on screen at 80 columns, tree and all.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("status", "Status"),
    ("reason", "Reason"),
    ("role", "Role"),
    ("case", "Case"),
    ("requirement", "Requirement"),
    ("last_seen", "Last seen"),
    ("placement", "Placement"),
    ("goal", "Goal"),
)

#: The name cell of the case-level investigation `home_visit` row (no person);
#: its role cell reads "whole case".
WHOLE_CASE = "Household"


def not_seen_rows(rows: list[Row]) -> list[Row]:
    """Rows of people not seen this month: unmet/due first, then explained/excused.

    Within each group the engine's order (case, then person) is kept.
    """
    chosen = [row for row in rows if row.status in NOT_SEEN_ORDER]
    return sorted(chosen, key=lambda row: NOT_SEEN_ORDER[row.status])


def row_key(row: Row) -> str:
    return f"{row.case_id}/{row.person_id or ''}"


class NotSeenTable(DataTable):
    """A read-only table of not-seen rows; status is a word, a symbol and a colour."""

    COMPONENT_CLASSES = {
        "not-seen-table--unmet",
        "not-seen-table--due",
        "not-seen-table--explained",
        "not-seen-table--excused",
    }

    DEFAULT_CSS = """
    NotSeenTable > .not-seen-table--unmet { color: $text-error; text-style: bold; }
    NotSeenTable > .not-seen-table--due { color: $text-warning; text-style: bold; }
    NotSeenTable > .not-seen-table--explained { color: $text-primary; }
    NotSeenTable > .not-seen-table--excused { color: $text-accent; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show_rows(self, rows: list[Row], names: dict[str, PersonName]) -> None:
        """Replace the table's rows with `rows` (already filtered and ordered)."""
        self.clear()
        for row in rows:
            self.add_row(
                self._person_cell(row, names),
                self._status_cell(row.status),
                reason_label(row.reason),
                role_label(row.role),
                Text(row.case_id),
                requirement_label(row.requirement),
                date_label(row.last_seen, missing="never"),
                placement_label(row.placement),
                goal_label(row.goal),
                key=row_key(row),
            )

    def _person_cell(self, row: Row, names: dict[str, PersonName]) -> Text:
        # Text, not str: DataTable reads a str as markup, and names are data.
        if row.person_id is None:
            return Text(WHOLE_CASE)
        person = names.get(row.person_id)
        return Text(person.display if person else row.person_id)

    def _status_cell(self, status: Status) -> Text:
        style = self.get_component_rich_style(f"not-seen-table--{status}", partial=True)
        return Text(status_label(status), style=style)
