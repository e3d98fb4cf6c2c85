"""An approved contact plan's document, read again from the case detail (`o` on a plan, or enter):
shown as it was stored, and exported again as Markdown or printable HTML (ctrl+e), under the
privacy mask when it is on (as `plan export --mask`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static
from textual.worker import Worker

from staffing_tui.exports import default_export_path, prepare_export, privacy_mask, write_private_text
from staffing_tui.modals.export_prompt import ExportPrompt, export_format
from staffing_tui.present.escape import for_terminal
from staffing_tui.present.plan import plan_export
from staffing_tui.screens.base import DatabaseScreen, database_at
from staffing_tui.store.records import get_contact_plan
from staffing_tui.widgets.key_footer import KeyFooter

#: The endings a plan is exported with.
PLAN_FORMATS = ("md", "html")


@dataclass(frozen=True, slots=True)
class StoredPlan:
    plan_id: int
    case_id: str
    document: str
    superseded_by: int | None


def read_plan(db_path: Path, plan_id: int, masked: bool) -> StoredPlan:
    """The stored document of plan `plan_id`; under the mask without the names, placements and birth
    dates of its case's members."""
    with database_at(db_path, readonly=True) as db:
        plan = get_contact_plan(db, plan_id)
        document = plan["document"] or ""
        if masked:
            document = privacy_mask(db, case_ids=[plan["case_id"]]).text(document) or ""
    return StoredPlan(plan_id, plan["case_id"], document, plan["superseded_by"])


class PlanRead(Message):
    def __init__(self, plan: StoredPlan) -> None:
        super().__init__()
        self.plan = plan


class PlanReExported(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class PlanDocumentScreen(DatabaseScreen, ModalScreen[None]):
    """A stored contact plan's document: read it, export it again."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="plan-document.close"),
        Binding("ctrl+e", "export", "Export", priority=True, id="plan-document.export",
                tooltip="Export the plan again: Markdown or printable HTML"),
    ]

    DEFAULT_CSS = """
    PlanDocumentScreen { align: center middle; }
    PlanDocumentScreen #plan-dialog {
        width: 100; max-width: 100%; height: 100%;
        border: round $primary; border-title-style: bold; background: $surface; padding: 0 1;
    }
    PlanDocumentScreen #plan-state { color: $text-warning; height: auto; }
    PlanDocumentScreen Markdown { margin: 0; padding: 0; }
    """

    def __init__(self, db_path: Path, plan_id: int, masked: bool = False) -> None:
        super().__init__(db_path)
        self.plan_id = plan_id
        self.masked = masked
        self.plan: StoredPlan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="plan-dialog") as dialog:
            dialog.border_title = f"Contact plan {self.plan_id}" + (" · names masked" if self.masked else "")
            yield Static(id="plan-state")
            with VerticalScroll(id="plan-body"):
                yield Markdown(id="plan-document")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#plan-state").display = False
        self.query_one("#plan-body").loading = True
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-document", name="read the plan")
    def _read(self) -> None:
        self.post_message(PlanRead(read_plan(self.db_path, self.plan_id, self.masked)))

    @on(PlanRead)
    async def _plan_read(self, message: PlanRead) -> None:
        plan = self.plan = message.plan
        if plan.superseded_by is not None:
            state = self.query_one("#plan-state", Static)
            state.update(f"Superseded by plan {plan.superseded_by}: this is the plan as it was approved.")
            state.display = True
        await self.query_one("#plan-document", Markdown).update(
            for_terminal(plan.document) or "_No document was stored with this plan._")
        self.query_one("#plan-body").loading = False
        self.query_one("#plan-body").focus()
        self.refresh_bindings()

    def work_failed(self, worker: Worker) -> None:
        self.query_one("#plan-body").loading = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return True if self.plan is not None else None
        return True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_export(self) -> None:
        if self.plan is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None and self.plan is not None:
                self._export(self.plan, path)

        self.app.push_screen(ExportPrompt(f"Export contact plan {self.plan_id} again to",
                                          default_export_path(f"plan-{self.plan_id}.md"), PLAN_FORMATS), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-reexport", name="export the plan")
    def _export(self, plan: StoredPlan, path: Path) -> None:
        text = plan_export(plan.document, plan.plan_id, plan.case_id, export_format(path, PLAN_FORMATS))
        prepare_export(path)
        write_private_text(path, text, replace=True, database=self.db_path)
        self.post_message(PlanReExported(path))

    @on(PlanReExported)
    def _exported(self, message: PlanReExported) -> None:
        self.notify(f"Contact plan {self.plan_id} exported to {message.path} (readable by you only).", markup=False)
