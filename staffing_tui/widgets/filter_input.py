"""The small filter line above the caseload (`/`): type words, see fewer rows."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    """An input whose every change re-filters the caseload in memory.

    Enter keeps the filter and goes back to the table; escape clears it.
    """

    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", id="filter.clear",
                tooltip="Clear the filter (enter keeps it and goes back to the rows)"),
        Binding("down", "done", "To the table", show=False, id="filter.down"),
    ]

    DEFAULT_CSS = """
    FilterInput {
        border: none;
        height: 1;
        padding: 0 1;
        margin: 0 0 1 0;
        background: $boost;
    }
    FilterInput:focus {
        border: none;
        background: $surface-lighten-1;
    }
    """

    class Cleared(Message):
        """The filter was cleared with escape."""

    class Done(Message):
        """The user is done typing (enter or down): back to the table."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Filter: name, case, status or reason words…", id=id)

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())

    def action_done(self) -> None:
        self.post_message(self.Done())

    async def action_submit(self) -> None:
        self.post_message(self.Done())
