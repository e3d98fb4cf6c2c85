"""Stand-ins for the forms, so the screens' side of the contract is tested on its own.

Each records the arguments it was opened with; the saving one writes a real
exception through the record service, as the real form does, and dismisses
with its id.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from staffing_tui.modals.context import FormContext
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import open_database
from staffing_tui.store.records import ExceptionRequest, create_exception

OPENED: list[tuple[str, tuple]] = []


class _Stub(ModalScreen[object]):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__()
        self.args = args
        self.kwargs = kwargs  # the agenda's `since`
        OPENED.append((type(self).__name__, args))

    def compose(self) -> ComposeResult:
        yield Static(type(self).__name__)


class SavingExceptionForm(_Stub):
    """Approves a one-month exception for the context's person, then dismisses with its id."""

    def on_mount(self) -> None:
        ctx: FormContext = self.args[0]
        db = open_database(ctx.db_path)
        try:
            exception_id = create_exception(db, resolve_actor(db, ctx.actor_id), ExceptionRequest(
                ctx.case_id, ctx.person_id, "child_in_treatment",
                "Residential treatment limits visits this month.", ctx.month, ctx.month,
            ))
        finally:
            db.close()
        self.dismiss(exception_id)


class CancelledForm(_Stub):
    def on_mount(self) -> None:
        self.dismiss(None)


class OpenScreen(_Stub):
    """Stays open (agenda, reports) until escape."""

    BINDINGS = [("escape", "dismiss(None)", "Close")]
