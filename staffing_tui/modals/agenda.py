"""`a` The specialist's staffing agenda for the month (issue 4 §7, README.md "The app").

What must happen before the month ends — people not seen without a reason
first, then who is still to be seen, plans and exceptions to review, open next
steps and integrity flags — rendered from the same Markdown the CLI's
`agenda --format md` prints. From here the supervisor marks open next steps
done (`d`), adds one (`s`), and exports the agenda to a private Markdown file
(`ctrl+e`). The agenda ends with what the acting supervisor decided since the staffing
with this specialist began (the first time the agenda was opened for them in this session):
staffing notes, exceptions, plans and next steps, then lines to sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Markdown, Static
from textual.worker import Worker, get_current_worker

from staffing_tui.exports import default_export_path, export_path, prepare_export, privacy_mask, write_private_text
from staffing_tui.modals.context import FormContext
from staffing_tui.modals.step_form import NextStepForm
from staffing_tui.present.agenda import agenda_to_markdown, masked_agenda
from staffing_tui.present.labels import NOTHING, month_name, shown
from staffing_tui.screens.base import DatabaseScreen, database_at
from staffing_tui.store.agenda import build_agenda
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.records import complete_next_step
from staffing_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True, slots=True)
class AgendaView:
    """The agenda as the screen shows it."""

    markdown: str
    steps: tuple[dict, ...]  # open next steps, oldest due first
    specialist_name: str


def load_agenda(db_path: Path, ctx: FormContext, since: str | None = None) -> AgendaView:
    """Build the agenda; under the privacy mask, initials and no placement names (as `agenda --mask`).

    With `since` (when the staffing began) and someone acting, it ends with what they decided at
    the staffing and lines to sign (as `agenda --decided-by --since`)."""
    decided_by = ctx.actor_id if since is not None else None
    with database_at(db_path, readonly=True) as db:
        agenda = build_agenda(db, ctx.specialist_id, ctx.month, decided_by=decided_by,
                              since=since if decided_by is not None else None)
        if ctx.masked:
            mask = privacy_mask(db, person_ids=(row.person_id for row in agenda.report.rows),
                                case_ids={row.case_id for row in agenda.report.rows})
            agenda = masked_agenda(agenda, mask)
        return AgendaView(agenda_to_markdown(agenda), tuple(agenda.next_steps),
                          shown(agenda.names.get(ctx.specialist_id, ctx.specialist_id)))


class AgendaLoaded(Message):
    def __init__(self, view: AgendaView) -> None:
        super().__init__()
        self.view = view


class StepDone(Message):
    def __init__(self, step_id: int) -> None:
        super().__init__()
        self.step_id = step_id


class AgendaExported(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class AgendaScreen(DatabaseScreen, ModalScreen[int | None]):
    """The staffing agenda: read it, tick off next steps, export it.

    Dismissed with the number of records it changed (steps done or added), or
    None when it changed nothing — the caller reloads its screens on a number.
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="agenda.close"),
        Binding("d", "done", "Step done", id="agenda.done"),
        Binding("s", "new_step", "New step", id="agenda.new_step"),
        Binding("ctrl+e", "export", "Export .md", priority=True, id="agenda.export"),
    ]

    DEFAULT_CSS = """
    AgendaScreen { align: center middle; }
    AgendaScreen #agenda-dialog {
        width: 120; max-width: 100%; height: 100%;
        border: round $primary; border-title-style: bold; background: $surface; padding: 0 1;
    }
    AgendaScreen #agenda-body { height: 1fr; }
    AgendaScreen #agenda-body Markdown { margin: 0; padding: 0; }
    /* Tight at 80×24: a section heading, its list, one blank line before the next. */
    AgendaScreen #agenda MarkdownH1 { margin: 0; }
    AgendaScreen #agenda MarkdownH2 { margin: 1 0 0 0; }
    AgendaScreen #agenda MarkdownParagraph, AgendaScreen #agenda MarkdownBulletList { margin: 0; }
    AgendaScreen #steps-heading { color: $text-muted; margin-top: 1; }
    AgendaScreen #steps { height: auto; max-height: 8; }
    AgendaScreen #export-row { height: auto; margin-top: 1; }
    AgendaScreen #export-row Static { width: auto; padding-right: 1; color: $text-muted; }
    AgendaScreen #export-path { width: 1fr; margin-right: 1; background: $boost; }
    """

    def __init__(self, ctx: FormContext, since: str | None = None) -> None:
        super().__init__(ctx.db_path)
        self.ctx = ctx
        #: When the staffing began (UTC): the records the actor created since are its decisions.
        self.since = since
        self.view: AgendaView | None = None
        self.changes = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="agenda-dialog") as dialog:
            dialog.border_title = f"Staffing agenda · {month_name(self.ctx.month)}"
            with VerticalScroll(id="agenda-body"):
                yield Markdown(id="agenda")
            yield Static(Content("Open next steps — select one and press d when it is done"), id="steps-heading")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="steps")
            with Horizontal(id="export-row"):
                yield Static("Export to")
                filename = f"agenda-{self.ctx.specialist_id}-{self.ctx.month}.md"
                yield Input(default_export_path(filename), compact=True, id="export-path")
                yield Button("Export ^e", id="export", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#steps", DataTable)
        table.add_column("#", key="id")
        table.add_column("Due", key="due")
        table.add_column("What", key="text")
        table.add_column("Case", key="case")
        self.query_one("#agenda-body").loading = True
        self._load()

    # --- workers -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="agenda", name="build the agenda")
    def _load(self) -> None:
        view = load_agenda(self.db_path, self.ctx, self.since)
        if not get_current_worker().is_cancelled:
            self.post_message(AgendaLoaded(view))

    @work(thread=True, exclusive=True, exit_on_error=False, group="agenda-step", name="mark the step done")
    def _complete(self, step_id: int, version: int | None) -> None:
        with database_at(self.db_path) as db:
            # The version on screen: a step someone else changed meanwhile is refused, not overwritten.
            complete_next_step(db, resolve_actor(db, self.ctx.actor_id), step_id, expected_version=version)
        self.post_message(StepDone(step_id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="agenda-export", name="export the agenda")
    def _export(self, markdown: str, path: Path) -> None:
        prepare_export(path)
        # The path is on screen and Export was pressed: an earlier export there is replaced (the
        # form's --force); the database's own files, links, pipes and devices never are.
        write_private_text(path, markdown, replace=True, database=self.db_path)
        self.post_message(AgendaExported(path))

    # --- results -----------------------------------------------------------------------------

    @on(AgendaLoaded)
    async def _loaded(self, message: AgendaLoaded) -> None:
        self.view = message.view
        self.query_one("#agenda-dialog").border_title = (
            f"Staffing agenda · {message.view.specialist_name} · {month_name(self.ctx.month)}")
        await self.query_one("#agenda", Markdown).update(message.view.markdown)
        table = self.query_one("#steps", DataTable)
        table.clear()
        for step in message.view.steps:
            table.add_row(
                str(step["next_step_id"]), Text(shown(step["due_on"])), Text(" ".join(shown(step["text"]).split())),
                Text(shown(step["case_id"]) or NOTHING),
                key=str(step["next_step_id"]),
            )
        has_steps = bool(message.view.steps)
        table.display = has_steps
        self.query_one("#steps-heading", Static).display = has_steps
        self.query_one("#agenda-body").loading = False
        (table if has_steps else self.query_one("#agenda-body")).focus()
        self.refresh_bindings()

    @on(StepDone)
    def _step_done(self, message: StepDone) -> None:
        self.changes += 1
        self.notify(f"Next step {message.step_id} marked done.")
        self._load()

    @on(AgendaExported)
    def _exported(self, message: AgendaExported) -> None:
        self.notify(f"Agenda exported to {message.path} (readable by you only).", markup=False)

    def work_failed(self, worker: Worker) -> None:
        self.query_one("#agenda-body").loading = False

    # --- actions -----------------------------------------------------------------------------

    def selected_step(self) -> dict | None:
        table = self.query_one("#steps", DataTable)
        if self.view is None or not self.view.steps or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((s for s in self.view.steps if str(s["next_step_id"]) == row_key.value), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "done":
            return True if self.view is not None and self.view.steps else None
        if action == "export":
            return True if self.view is not None else None
        return True

    def action_done(self) -> None:
        step = self.selected_step()
        if step is not None:
            self._complete(step["next_step_id"], step.get("version"))

    def action_export(self) -> None:
        if self.view is None:
            return
        text = self.query_one("#export-path", Input).value
        if not text.strip():
            self.notify("Type the file to export to.", severity="warning")
            return
        self._export(self.view.markdown, export_path(text))

    def action_new_step(self) -> None:
        def added(step_id: int | None) -> None:
            if step_id is not None:
                self.changes += 1
                self._load()

        self.app.push_screen(NextStepForm(self.ctx), added)

    def reload(self) -> None:
        """Read the agenda again (a record was saved elsewhere)."""
        self._load()

    def action_close(self) -> None:
        self.dismiss(self.changes or None)

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()
