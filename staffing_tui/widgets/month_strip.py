"""Twelve months of one person's status on one case, oldest first, the month shown last.

Each month is a cell: the month's short name over a symbol (and the status
word when the cell is wide enough), coloured by status. The legend under it
spells every symbol out, so colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widget import Widget

from staffing_tui.domain.enums import Status
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import OFF_CASE_SYMBOL, STATUS_SYMBOLS, short_month

#: Short words for a status in a strip cell.
STRIP_WORDS: dict[Status, str] = {
    Status.MET: "met",
    Status.EXCUSED: "excused",
    Status.EXPLAINED: "explained",
    Status.UNMET: "unmet",
    Status.DUE: "due",
    Status.NOT_REQUIRED: "not req.",
}
OFF_CASE_WORD = "off case"

#: The legend, in the order a reader scans: good, documented, missing, nothing to do.
LEGEND: tuple[tuple[str, str, str], ...] = (
    (STATUS_SYMBOLS[Status.MET], "met", "met"),
    (STATUS_SYMBOLS[Status.EXCUSED], "excused", "excused"),
    (STATUS_SYMBOLS[Status.EXPLAINED], "explained", "explained"),
    (STATUS_SYMBOLS[Status.DUE], "due", "due"),
    (STATUS_SYMBOLS[Status.UNMET], "unmet", "unmet"),
    (STATUS_SYMBOLS[Status.NOT_REQUIRED], "not required", "not_required"),
    (OFF_CASE_SYMBOL, "not on case", "off"),
)

#: Theme colours per status (and "off": not on the case that month).
STRIP_STYLES: dict[str, str] = {
    "met": "$text-success",
    "excused": "$text-accent",
    "explained": "$text-primary",
    "due": "$text-warning bold",
    "unmet": "$text-error bold",
    "not_required": "$text-muted",
    "off": "$text-muted",
}

#: A cell needs this many columns to show the status word beside its symbol.
_WORDY_CELL = 11


class MonthStrip(Widget):
    """One cell per month: month name, then the status symbol (and word when it fits)."""

    DEFAULT_CSS = """
    MonthStrip {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cells: list[tuple[Month, Row | None]] = []
        self._current: Month | None = None

    def show(self, cells: Sequence[tuple[Month, Row | None]], current: Month | None) -> None:
        """Show `cells` (month, the person's row that month or None), marking `current`."""
        self._cells = list(cells)
        self._current = current
        self.refresh()

    def render(self) -> Content:
        if not self._cells:
            return Content("")
        width = self.content_region.width or 80
        cell = max(4, min(width // len(self._cells), 14))
        wordy = cell >= _WORDY_CELL
        months: list[Content] = []
        marks: list[Content] = []
        for month, row in self._cells:
            key = str(row.status) if row is not None else "off"
            symbol = STATUS_SYMBOLS[row.status] if row is not None else OFF_CASE_SYMBOL
            word = (STRIP_WORDS[row.status] if row is not None else OFF_CASE_WORD) if wordy else ""
            style = STRIP_STYLES[key]
            name_style = "bold underline" if month == self._current else ""
            label = short_month(month, two_digit_year=True) if cell >= 7 else short_month(month)[:3]
            months.append(Content.styled(label.center(cell - 1) + " ", name_style))
            mark = f"{symbol} {word}".strip()
            marks.append(Content.assemble((mark.center(cell - 1), style), " "))
        legend = Content("  ").join(
            Content.assemble((symbol, STRIP_STYLES[key]), f" {word}")
            for symbol, word, key in LEGEND
        )
        return Content("\n").join([Content("").join(months), Content("").join(marks), legend])
