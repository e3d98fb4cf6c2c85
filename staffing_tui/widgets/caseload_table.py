"""One specialist's caseload for the month: everyone on their cases, not seen without a reason first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.widgets import DataTable
from textual.widgets._data_table import SegmentLines

from staffing_tui.domain.enums import Status
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import (
    date_label,
    goal_label,
    person_label,
    placement_status_label,
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
#: come first and are fitted to the width (`fitted_widths`), so they are on screen at 80 columns;
#: the rest scrolls sideways. What a cell cuts short is whole in the row's detail line.
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


#: Rendered cells kept across replaced rows (`CaseloadTable._render_cell`): a few screens' worth.
DRAWN_CELLS = 4000

#: The fitted columns, and how narrow each may get before the reason is cut instead.
FITTED: tuple[str, ...] = ("name", "status", "reason", "placement")
NAME_AT_MOST = 22
PLACEMENT_AT_MOST = 19
REASON_AT_LEAST = 12


def fitted_widths(available: int, natural: dict[str, int], padding: int = 1) -> dict[str, int]:
    """Widths (without padding) for the fitted columns, so that all four fit in `available` cells.

    Status and placement keep their words (placement up to `PLACEMENT_AT_MOST`); the name is cut at
    `NAME_AT_MOST`; the reason takes what is left, and below `REASON_AT_LEAST` the name gives way."""
    room = available - 2 * padding * len(FITTED)
    status = natural["status"]
    placement = min(natural["placement"], PLACEMENT_AT_MOST)
    name = min(natural["name"], NAME_AT_MOST)
    reason = room - status - placement - name
    if reason < REASON_AT_LEAST:
        name = max(8, name - (REASON_AT_LEAST - reason))
        reason = room - status - placement - name
    return {"name": name, "status": status, "reason": max(4, min(reason, natural["reason"])),
            "placement": placement}


def cut(text: str, width: int) -> Text:
    """`text` in one line of `width` cells, with an ellipsis where it is cut (Text: never markup)."""
    cell = Text(text, no_wrap=True, overflow="ellipsis")
    cell.truncate(width, overflow="ellipsis")
    return cell


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
        #: What `show_rows` was last given, to fit again when the width changes.
        self._shown: tuple[Sequence[Row], dict[str, PersonName], bool, Month | None] = ((), {}, False, None)
        self._widths: dict[str, int] = {}
        #: The rows shown, by key (the screen's detail line reads the highlighted one).
        self.rows_by_key: dict[str, Row] = {}
        #: Rendered cells by what they show and where (`_render_cell`): kept when the rows are replaced.
        self._drawn_cells: LRUCache[tuple, SegmentLines] = LRUCache(DRAWN_CELLS)

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key, width=self._widths.get(key))

    def on_resize(self) -> None:
        rows, names, masked, month = self._shown
        if rows and self._fit(rows, names, masked, month) != self._widths:
            self.show_rows(rows, names, masked=masked, month=month)

    def _available_width(self) -> int:
        # The vertical scrollbar's room is kept whether or not it shows, so the fit does not flip.
        return self.size.width - self.styles.scrollbar_size_vertical

    def _fit(self, rows: Sequence[Row], names: dict[str, PersonName], masked: bool,
             month: Month | None) -> dict[str, int]:
        if self._available_width() <= 0:
            return {}
        natural = {
            "name": max(len(label) for label in ("Name", *(person_label(r.person_id, names, masked=masked)
                                                             for r in rows))),
            "status": max(len(label) for label in ("Status", *(status_label(r.status) for r in rows))),
            "reason": max(len(label) for label in ("Reason", *(self._reason(r, month) for r in rows))),
            "placement": max(len(label) for label in ("Placement", *(placement_status_label(r) for r in rows))),
        }
        return fitted_widths(self._available_width(), natural, self.cell_padding)

    @staticmethod
    def _reason(row: Row, month: Month | None) -> str:
        return row_reason_label(row, month) if month is not None else reason_label(row.reason)

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
        self._shown = (rows, names, masked, month)
        widths = self._fit(rows, names, masked, month) if rows else self._widths
        if widths != self._widths:
            self._widths = widths
            self.clear(columns=True)
            self._add_columns()
        else:
            self.clear()
        self.rows_by_key = {}
        wide = 1 << 16
        for row in rows:
            key = row_key(row.case_id, row.person_id)
            self.rows_by_key[key] = row
            self.add_row(
                # Text, not str: DataTable reads a str as markup, and names are data.
                cut(person_label(row.person_id, names, masked=masked), widths.get("name", wide)),
                self._status_cell(row.status),
                cut(self._reason(row, month), widths.get("reason", wide)),
                cut(placement_status_label(row), widths.get("placement", wide)),
                Text(date_label(row.last_seen, missing="never")),
                Text(role_label(row.role)),
                Text(shown(row.case_id)),
                Text(requirement_label(row.requirement)),
                Text(goal_label(row.goal)),
                key=key,
            )
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False, scroll=True)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> SegmentLines:
        """Textual's cell rendering, behind a cache that outlives the table's rows.

        Textual forgets every rendered cell whenever a row is added or the rows are replaced, and
        renders each again through Rich: about 0.25 ms a cell, 25 ms for a caseload on the
        statewide benchmark machine. After a save, a month change or a move to the next specialist
        most cells show what they showed before at the same place (the same names, roles, case
        ids), so they are kept by what they show and where (a cell's place is in its segments,
        for the mouse) and by everything else its look depends on; a change of style forgets them
        (`notify_style_update`)."""
        if row_index < 0 or column_index < 0:  # the header
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        cell = self._data[row_key][self._column_locations.get_key(column_index)]
        if not isinstance(cell, Text):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (row_index, column_index, cell.plain, cell.style, tuple(cell.spans), cell.justify, cell.overflow,
               cell.no_wrap, base_style, width, cursor, hover, self._show_hover_cursor, self._pseudo_class_state,
               self.rows[row_key].height, self.show_cursor, self.cell_padding, self.fixed_rows, self.fixed_columns,
               self.cursor_foreground_priority, self.cursor_background_priority)
        lines = self._drawn_cells.get(key)
        if lines is None:
            lines = self._drawn_cells[key] = super()._render_cell(
                row_index, column_index, base_style, width, cursor, hover)
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn_cells.clear()

    @property
    def cursor_row_shown(self) -> Row | None:
        """The row under the cursor (None when the table is empty)."""
        key = self.cursor_key
        return self.rows_by_key.get(key) if key is not None else None

    def _status_cell(self, status: Status) -> Text:
        style = self.get_component_rich_style(f"caseload-table--{status}", partial=True)
        return Text(status_label(status), style=style)
