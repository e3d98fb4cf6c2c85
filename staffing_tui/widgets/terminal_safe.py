"""The last guard between data and the terminal (issue 14).

Names, ids and free text reach the screen through the label helpers (`present.labels`),
which show a control character as a visible escape (`present.escape.for_terminal`). This
filter sees every line the app draws, after every widget rendered it, and drops any
control character still in a segment's text: an escape sequence in data can then never
clear the screen, set the title or hide a row, whatever widget it came through. Control
characters take no cell, so a line keeps its width.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from staffing_tui.domain.text import CONTROL


def _without_controls(segment: Segment) -> Segment:
    text, style, control = segment
    return Segment(CONTROL.sub("", text), style, control)


class DropControlCharacters(LineFilter):
    """Removes control characters from the text of every segment of a line (see the module)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(CONTROL.search(segment.text) for segment in segments if segment.control is None):
            return segments  # every line, every frame: nearly always this
        cleaned = [_without_controls(segment) if segment.control is None else segment for segment in segments]
        return [segment for segment in cleaned if segment.text or segment.control]
