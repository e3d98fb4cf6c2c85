"""A list of choices to tick, each drawn `[x] word` or `[ ] word`: readable without colour.

Textual's SelectionList draws the same `X` in every box and tells ticked from not
by colour alone, against the app's rule of symbol plus word (docs/policy.md
"Statuses"; issue 17). This one keeps SelectionList's keys and messages and
only draws the box.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "[x]"
NOT_TICKED = "[ ]"


class CheckList(SelectionList[str]):
    """A SelectionList whose boxes read `[x]` (ticked) or `[ ]` (not ticked)."""

    def _get_left_gutter_width(self) -> int:
        return len(TICKED) + 1

    def render_line(self, y: int) -> Strip:
        # The prompt as OptionList draws it, then the box in front of it (SelectionList's own
        # button is skipped).
        line = OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self._selected
        underlying = next(iter(line)).style or self.rich_style
        box_style = underlying + Style(bold=ticked, meta={"option": index})
        return Strip([Segment(TICKED if ticked else NOT_TICKED, box_style), Segment(" ", underlying), *line])
