"""Revoke an exception (`v`) or withdraw a staffing note (`w`), from the detail screen
(docs/data.md "Records created in the app").

Records are never deleted: a revoked exception no longer applies from a month on, a
withdrawn staffing note explains nothing from then on, and both stay on record with
who, when and why. A small dialog asks why (required) — and, for a revocation, the
first month the exception no longer applies (default: the month shown) — and saving
is the confirmation. It saves with the record service in a thread worker, passing the
version the user saw, so a record changed meanwhile is refused with the service's
"changed by X at T; reload" sentence instead of being overwritten. Whatever stops the
save (that, a busy database, the service's own checks) is said in the dialog, which
stays open with what was typed. Dismissed with the record id when saved, None when
cancelled; `stale` tells the caller to read the case again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sqlite_utils import Database
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static
from textual.worker import Worker

from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.modals.fields import FormRow, ProblemList, Reader, field_of, hint_for, month_input, show_input_hint
from staffing_tui.modals.form_base import SaveOrCancel, form_bindings
from staffing_tui.screens.base import database_at
from staffing_tui.store.audit import Actor, resolve_actor
from staffing_tui.store.records import (
    MIN_WITHDRAW_REASON_LENGTH,
    StaleRecord,
    revoke_exception,
    withdraw_staffing_note,
)
from staffing_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True, slots=True)
class RecordChange:
    """The record a dialog changes, as the user saw it."""

    db_path: Path
    actor_id: str | None  # the acting staff id (the logged-in one on a verified database)
    record_id: int
    version: int  # the version on screen: a record changed since is refused, not overwritten
    about: str  # which record, in the words on screen (initials under the privacy mask)
    month: Month  # the month shown: a revocation's default first month


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    reason: str
    month: Month | None  # a revocation's first month no longer covered; None for a withdrawal


class ChangeSaved(Message):
    pass


class ChangeRefused(Message):
    """The service (or the database) refused: its sentences, and whether the record was stale."""

    def __init__(self, problems: list[str], *, stale: bool) -> None:
        super().__init__()
        self.problems = problems
        self.stale = stale


class RecordChangeDialog(SaveOrCancel):
    """Why (and from when) a record stops counting; subclasses name the change and call its service."""

    TITLE: ClassVar[str] = "Change"
    SAVE_LABEL: ClassVar[str] = "Save"
    #: What happens to the record, said before the user confirms.
    CONSEQUENCE: ClassVar[str] = ""
    REASON_PROMPT: ClassVar[str] = "Why"
    #: The sentence for an empty reason ("reason: …").
    NO_REASON: ClassVar[str] = "say why."

    DEFAULT_CSS = """
    RecordChangeDialog { align: center middle; }
    RecordChangeDialog #change-dialog {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $error; border-title-color: $text; border-title-style: bold;
        background: $surface; padding: 0 1;
    }
    RecordChangeDialog #change-about { margin-bottom: 1; }
    RecordChangeDialog #change-consequence { color: $text-muted; margin-bottom: 1; }
    RecordChangeDialog Input { background: $boost; }
    RecordChangeDialog Input:focus { background: $block-cursor-blurred-background; }
    RecordChangeDialog Input.-problem { background: $error 25%; }
    RecordChangeDialog .month-input { width: 11; }
    RecordChangeDialog .between { width: auto; padding: 0 1; color: $text-muted; }
    RecordChangeDialog .inline { height: auto; }
    RecordChangeDialog #change-buttons { height: auto; align-horizontal: right; }
    RecordChangeDialog #change-buttons Button { margin-left: 2; }
    """

    def __init__(self, change: RecordChange) -> None:
        super().__init__(change.db_path)
        self.change = change
        self.saving = False
        #: The record changed since it was shown: the caller reads it again.
        self.stale = False

    # --- what subclasses provide ------------------------------------------------------

    def compose_month(self) -> ComposeResult:
        """The month field, for a change that takes effect from a month (default: none)."""
        yield from ()

    def read_month(self, reader: Reader) -> Month | None:
        return None

    def apply(self, db: Database, actor: Actor, request: ChangeRequest) -> None:
        """One call of the record service (one transaction, audited)."""
        raise NotImplementedError

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="change-dialog") as dialog:
            dialog.border_title = self.TITLE.format(id=self.change.record_id)
            yield Static(Content(self.change.about), id="change-about")
            yield Static(Content(self.CONSEQUENCE), id="change-consequence")
            yield from self.compose_month()
            yield FormRow("Why", Input(placeholder=self.REASON_PROMPT, compact=True, id="reason"))
            yield ProblemList(id="change-problems")
            with Horizontal(id="change-buttons"):
                yield Button(f"{self.SAVE_LABEL} ^s", id="save", variant="error", compact=True)
                yield Button("Cancel esc", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        show_input_hint(self, event)

    # --- saving -----------------------------------------------------------------------

    def read_request(self) -> tuple[ChangeRequest | None, list[str]]:
        """The request, or None with the problems found reading the fields (nothing is asked of the database)."""
        reader = Reader(self)
        month = self.read_month(reader)
        reason = reader.text("reason").strip()
        if not reason:
            reader.problems.append(f"reason: {self.NO_REASON}")
        return (None if reader.problems else ChangeRequest(reason, month)), reader.problems

    def action_save(self) -> None:
        if self.saving:
            return
        request, problems = self.read_request()
        self.show_problems(problems)
        if request is None:
            return
        self.set_saving(True)
        self._save(request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="change-save", name="save the change")
    def _save(self, request: ChangeRequest) -> None:
        try:
            with database_at(self.db_path) as db:
                self.apply(db, resolve_actor(db, self.change.actor_id), request)
        except UserError as exc:  # the service's checks, a stale record, a busy database: said here
            self.post_message(ChangeRefused(exc.details or [exc.message], stale=isinstance(exc, StaleRecord)))
            return
        self.post_message(ChangeSaved())

    @on(ChangeSaved)
    def _saved(self) -> None:
        self.dismiss(self.change.record_id)

    @on(ChangeRefused)
    def _refused(self, message: ChangeRefused) -> None:
        self.stale = self.stale or message.stale
        self.set_saving(False)
        self.show_problems(message.problems)

    def work_failed(self, worker: Worker) -> None:
        # Unexpected: the app's notification says what; the dialog stays usable.
        self.set_saving(False)
        self.show_problems(["Not saved: see the message in the corner."])

    def set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.query_one("#save", Button).disabled = saving

    def show_problems(self, problems: list[str]) -> None:
        self.query_one(ProblemList).show(problems)
        wrong = {field_of(problem) for problem in problems}
        for widget in self.query(Input):
            widget.set_class(widget.id in wrong, "-problem")


class RevokeExceptionDialog(RecordChangeDialog):
    """`v`: the exception no longer applies from a month on (`revoked_from`,
    docs/data.md "Records created in the app")."""

    TITLE = "Revoke exception {id}"
    SAVE_LABEL = "Revoke"
    BINDINGS = form_bindings("Revoke")
    CONSEQUENCE = ("From that month on it excuses nobody; the months before stay excused. "
                   "The exception stays on record as revoked, with your name and reason.")
    REASON_PROMPT = "why it no longer applies (kept with the revocation)"
    NO_REASON = "say why the exception is revoked."

    def compose_month(self) -> ComposeResult:
        yield FormRow("From", Horizontal(
            month_input(self.change.month, id="from"),
            Static("the first month it no longer applies", classes="between"),
            classes="inline",
        ), hint_for("from"))

    def read_month(self, reader: Reader) -> Month | None:
        return reader.month("from", "from")

    def apply(self, db: Database, actor: Actor, request: ChangeRequest) -> None:
        assert request.month is not None
        revoke_exception(db, actor, self.change.record_id, request.month, expected_version=self.change.version,
                         reason=request.reason)


class WithdrawNoteDialog(RecordChangeDialog):
    """`w`: a staffing note recorded in error explains nothing from now on (`withdrawn_at`,
    docs/data.md "Records created in the app")."""

    TITLE = "Withdraw staffing note {id}"
    SAVE_LABEL = "Withdraw"
    BINDINGS = form_bindings("Withdraw")
    CONSEQUENCE = ("From now on it explains nothing (a report as of an earlier day still shows it as it was). "
                   "The note stays on record as withdrawn, with your name and reason.")
    REASON_PROMPT = f"why it was recorded in error (at least {MIN_WITHDRAW_REASON_LENGTH} characters)"
    NO_REASON = "say why the note is withdrawn."

    def apply(self, db: Database, actor: Actor, request: ChangeRequest) -> None:
        withdraw_staffing_note(db, actor, self.change.record_id, request.reason,
                               expected_version=self.change.version)
