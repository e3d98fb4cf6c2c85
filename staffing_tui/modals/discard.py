"""Ask before a form's typed text is thrown away (escape in a form with something typed; issue 17)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class DiscardTyped(ModalScreen[bool]):
    """"Discard what you typed?" — y discards (True), n or escape keeps editing (False)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Discard", id="discard.yes"),
        Binding("n", "answer(False)", "Keep editing", id="discard.no"),
        Binding("escape", "answer(False)", "Keep editing", show=False, id="discard.escape"),
    ]

    DEFAULT_CSS = """
    DiscardTyped { align: center middle; }
    DiscardTyped #discard-dialog {
        width: 60; max-width: 100%; height: auto; border: round $warning; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-dialog") as dialog:
            dialog.border_title = "Discard?"
            yield Static(f"Close the {self.what} and throw away what you typed? Nothing was saved.")
            yield Static("y discard · n keep editing", classes="dialog-help")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)
