"""A list to pick from with a filter line on top, as in the command palette.

Typing narrows the list; up/down move the highlight without leaving the
filter; enter picks the highlighted entry. Used by the identity and month
pickers.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry: what it stands for, how it reads, and the words the filter matches."""

    value: Hashable
    prompt: Content | str
    words: str


class PickList(Vertical):
    """A filter input over an option list; posts `PickList.Picked` with the chosen value."""

    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False, id="pick.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="pick.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="pick.pagedown"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="pick.pageup"),
    ]

    DEFAULT_CSS = """
    PickList {
        height: auto;
    }
    PickList > Input {
        margin-bottom: 1;
    }
    PickList > OptionList {
        height: auto;
        max-height: 40vh;
    }
    """

    class Picked(Message):
        def __init__(self, pick_list: "PickList", value: Hashable) -> None:
            super().__init__()
            self.pick_list = pick_list
            self.value = value

        @property
        def control(self) -> "PickList":
            return self.pick_list

    class Typed(Message):
        """Enter was pressed on a filter that matches nothing: the text itself may be the answer."""

        def __init__(self, pick_list: "PickList", text: str) -> None:
            super().__init__()
            self.pick_list = pick_list
            self.text = text

        @property
        def control(self) -> "PickList":
            return self.pick_list

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder
        self._choices: list[Choice] = []
        self._highlight: Hashable | None = None
        self._shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder)
        yield OptionList()

    @property
    def filter_input(self) -> Input:
        return self.query_one(Input)

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def set_choices(self, choices: Sequence[Choice], highlight: Hashable | None = None) -> None:
        """Offer `choices`, highlighting the one whose value is `highlight` (else the first)."""
        self._choices = list(choices)
        self._highlight = highlight
        self._refilter()

    def focus_filter(self) -> None:
        self.filter_input.focus()

    def _visible(self) -> list[Choice]:
        terms = self.filter_input.value.casefold().split()
        return [c for c in self._choices if all(term in c.words.casefold() for term in terms)]

    def _refilter(self) -> None:
        options = self.options
        visible = self._visible()
        options.clear_options()
        options.add_options([Option(choice.prompt, id=str(index)) for index, choice in enumerate(visible)])
        self._shown = visible
        if visible:
            wanted = next((i for i, c in enumerate(visible) if c.value == self._highlight), 0)
            options.highlighted = wanted

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._highlight = None
        self._refilter()

    @on(Input.Submitted)
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._pick_highlighted(typed=event.value)

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick_highlighted(typed="")

    def _pick_highlighted(self, typed: str) -> None:
        index = self.options.highlighted
        if index is not None and index < len(self._shown):
            self.post_message(self.Picked(self, self._shown[index].value))
        elif typed.strip():
            self.post_message(self.Typed(self, typed.strip()))

    def action_move(self, step: int) -> None:
        options = self.options
        if options.option_count == 0:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(options.option_count - 1, current + step))
