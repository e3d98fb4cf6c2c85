"""Where to export (ctrl+e on the reports, `o` then ctrl+e on a contact plan): a file name,
prefilled with a default in ~/staffing-tui-exports; its ending chooses the format."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from staffing_tui.errors import UserError
from staffing_tui.exports import export_path


def export_format(path: Path, formats: tuple[str, ...]) -> str:
    """The format a file name asks for by its ending ("md", "csv", "html"), or a UserError
    saying which endings may be used."""
    suffix = path.suffix.lower().lstrip(".")
    suffix = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
    if suffix in formats:
        return suffix
    endings = ", ".join(f".{name}" for name in formats[:-1]) + f" or .{formats[-1]}"
    raise UserError(f"{path.name} does not say which format to write; end the file name with {endings}.")


class ExportPrompt(ModalScreen[Path | None]):
    """Ask for the file; dismisses with its path (the format checked), or None (escape)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="export.cancel")]

    DEFAULT_CSS = """
    ExportPrompt { align: center middle; }
    """

    def __init__(self, title: str, default: str, formats: tuple[str, ...]) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.formats = formats

    def compose(self) -> ComposeResult:
        endings = ", ".join(f".{name}" for name in self.formats)
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(self.default, id="export-file")
            yield Static(id="export-problem", classes="dialog-problem")
            yield Static(Content(f"enter export ({endings}: the ending chooses the format; readable by you only) "
                                 "· escape cancel"), classes="dialog-help")

    @on(Input.Submitted, "#export-file")
    def _submitted(self, event: Input.Submitted) -> None:
        problem = self.query_one("#export-problem", Static)
        if not event.value.strip():
            problem.update(Content("Type the file to export to."))
            return
        path = export_path(event.value)
        try:
            export_format(path, self.formats)
        except UserError as exc:
            problem.update(Content(exc.message))
            return
        self.dismiss(path)
