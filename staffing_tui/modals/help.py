"""Every key of the app (`?`), read from the bindings themselves so it never goes stale.

The app gives the screen its sections (`app.binding_sections`): a modal does not know the app.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from staffing_tui.present.labels import STATUS_LABELS, STATUS_MEANINGS

Section = tuple[str, Sequence[Binding]]

#: Columns for the key names.
KEY_WIDTH = 9

#: Keys Textual's widgets provide that the app relies on, described for people.
MOVING = (
    Binding("up,down", "", "Move in a list or table; enter opens"),
    Binding("tab", "", "Next pane (shift+tab: previous)"),
    Binding("left,right", "", "Switch tab (detail, when the tabs have focus)"),
)

def own(bindings: Sequence[Binding], shared: Sequence[Binding]) -> list[Binding]:
    """A screen's bindings without the shared ones (listed once, in their own section) and help."""
    return [b for b in bindings if b not in shared and b.action != "app.help"]


def key_label(app: App, binding: Binding) -> str:
    keys = [key.strip() for key in binding.key.split(",")]
    return " ".join(app.get_key_display(Binding(key, binding.action)) for key in keys)


def help_text(app: App, sections: Sequence[Section]) -> Content:
    """Every key, section by section, then what the status words mean."""
    lines: list[Content] = []
    for title, bindings in sections:
        described = [b for b in bindings if b.description]
        if not described:
            continue
        lines.append(Content.styled(title, "bold underline"))
        for binding in described:
            lines.append(Content.assemble(
                ("  " + key_label(app, binding).ljust(KEY_WIDTH), "bold $text-accent"),
                binding.tooltip or binding.description,
            ))
        lines.append(Content(""))
    lines.append(Content.styled("Statuses (symbol, word and colour)", "bold underline"))
    for status, meaning in STATUS_MEANINGS.items():
        lines.append(Content.assemble(("  " + STATUS_LABELS[status].ljust(KEY_WIDTH + 6), "bold"), meaning))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Every key with what it does, and what the status words mean; scrolls with the arrows."""

    def __init__(self, sections: Sequence[Section]) -> None:
        super().__init__()
        self.sections = sections

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close help", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(id="help-keys")
            yield Static("↑↓ scroll · escape close", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#help-keys", Static).update(help_text(self.app, self.sections))
        self.query_one("#help-scroll").focus()
