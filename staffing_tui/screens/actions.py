"""The staffing actions the caseload and the detail screen share: `e` `p` `n` `s` `a`.

Each opens a modal form (one module per form, `modals/`) with a `FormContext`
for the chosen person or case. Only a supervisor of the
specialist's unit, or a manager, may approve (docs/data.md "Records created in the app"): for anyone else the
keys stay in the footer, greyed, and pressing one says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import events, on, work
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.worker import get_current_worker

from staffing_tui.domain.enums import StaffRole
from staffing_tui.domain.months import Month
from staffing_tui.modals.context import FormContext
from staffing_tui.present.labels import shown, staff_label
from staffing_tui.screens import form_stock
from staffing_tui.screens.base import DatabaseScreen
from staffing_tui.store.audit import Identity, may_approve_for
from staffing_tui.store.directory import StaffMember

if TYPE_CHECKING:
    from staffing_tui.app import StaffingApp
    from staffing_tui.modals.form_base import FormSetup, StaffingForm


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """Whom an action is about: a specialist, and perhaps one of their cases and a person on it."""

    specialist: StaffMember
    case_id: str | None = None
    person_id: str | None = None


@dataclass(frozen=True, slots=True)
class StaffingAction:
    """A form the supervisor fills in during a staffing."""

    noun: str  # "Exception" → "Exception 12 saved"
    verb: str  # "approve exceptions" → "only a supervisor … can approve exceptions"
    needs_case: bool
    needs_person: bool


STAFFING_ACTIONS: dict[str, StaffingAction] = {
    "exception": StaffingAction("Exception", "approve exceptions", True, True),
    "plan": StaffingAction("Contact plan", "approve contact plans", True, True),
    "note": StaffingAction("Staffing note", "record staffing notes", True, False),
    "step": StaffingAction("Next step", "agree next steps", False, False),
}

#: Help first in the footer so it shows even at 80 columns (the app binds `?` too).
HELP_BINDING = Binding("question_mark", "app.help", "Help", id="screen.help", tooltip="Every key (this list)")

#: The staffing keys; each screen lists them after its own so its own keys come first in the footer.
ACTION_BINDINGS = [
    Binding("e", "record('exception')", "Exception", id="staffing.exception",
            tooltip="Approve an exception for the person (supervisor of the unit or manager)"),
    Binding("p", "record('plan')", "Plan", id="staffing.plan",
            tooltip="Generate, edit and approve a contact plan with the parent (supervisor or manager)"),
    Binding("n", "record('note')", "Note", id="staffing.note",
            tooltip="Record why the person (or household) could not be seen this month"),
    Binding("s", "record('step')", "Step", id="staffing.step",
            tooltip="Agree a next step: who, what, by when (reappears until done)"),
    Binding("a", "agenda", "Agenda", id="staffing.agenda",
            tooltip="The specialist's staffing agenda for the month (exportable)"),
]

class FormReady(Message):
    """A form's opening data is read (`StaffingActionScreen._open_form`): show it."""

    def __init__(self, form: StaffingForm, setup: FormSetup, noun: str, *, wanted: bool) -> None:
        super().__init__()
        self.form, self.setup, self.noun = form, setup, noun
        #: False: the reading was superseded (another form asked for meanwhile).
        self.wanted = wanted


#: Keys whose refusal is explained when pressed (a disabled binding is otherwise silent).
ACTION_KEYS: dict[str, str] = {"e": "exception", "p": "plan", "n": "note", "s": "step", "a": "agenda"}


def approval_refusal(actor: StaffMember | None, specialist: StaffMember, verb: str,
                     me: Identity | None = None) -> str | None:
    """Why `actor` may not `verb` for `specialist`'s cases (None: they may).

    docs/data.md "Records created in the app": approved by a supervisor of the case specialist's unit, or a manager. Nobody
    acting: on a verified database (`me`, docs/evidence.md "Who acted") the account is not on the staff list;
    otherwise nobody was chosen yet.
    """
    if actor is None and me is not None and me.verified:
        return (f"Only a supervisor of the unit or a manager can {verb}; you are logged in as {shown(me.os_user)}, "
                "who is not on this database's staff list, so you can browse but not write.")
    if actor is None:
        return (f"Only a supervisor of the unit or a manager can {verb}; choose who you are first "
                "(ctrl+p, then “Act as…”).")
    if may_approve_for(actor.role, actor.unit_id, specialist.unit_id):
        return None
    if actor.role is StaffRole.SUPERVISOR:
        return (f"Only a supervisor of {staff_label(specialist)}'s unit or a manager can {verb}; "
                f"{staff_label(actor)} supervises another unit.")
    return (f"Only a supervisor of the unit or a manager can {verb}; "
            f"you are acting as {staff_label(actor)} ({actor.role}).")



class StaffingActionScreen(DatabaseScreen):
    """A screen from which a staffing can record exceptions, plans, notes and next steps.

    Subclasses put `ACTION_BINDINGS` in their own `BINDINGS`.
    """

    #: The month whose rows the screen shows, set when they are drawn: the app's `month` is the one
    #: asked for, and may still be loading. The header says both; a form is for this one.
    shown_month: var[Month | None] = var(None)

    @property
    def staffing_app(self) -> StaffingApp:
        return cast("StaffingApp", self.app)

    def action_target(self) -> ActionTarget | None:
        """The specialist, case and person an action is about (override)."""
        return None

    def refusal(self, kind: str) -> str | None:
        """Why the action `kind` cannot run right now (None: it can)."""
        target = self.action_target()
        if target is None:
            return "Choose a specialist first."
        if self.shown_month is None:
            return "The month is still being read; try again in a moment."
        if kind == "agenda":
            return None
        action = STAFFING_ACTIONS[kind]
        app = self.staffing_app
        if (problem := approval_refusal(app.actor, target.specialist, action.verb, app.identity)) is not None:
            return problem
        if action.needs_person and target.person_id is None:
            return f"Choose a person first (a row of the caseload): an {action.noun.lower()} is for one person."
        if action.needs_case and target.case_id is None:
            return f"Choose a case first (a row of the caseload): a {action.noun.lower()} is about one case."
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None keeps the key in the footer, greyed; `on_key` says why when pressed.
        if action == "record":
            return None if self.refusal(str(parameters[0])) else True
        if action == "agenda":
            return None if self.refusal("agenda") else True
        return True

    def on_key(self, event: events.Key) -> None:
        kind = ACTION_KEYS.get(event.key)
        if kind is None:
            return
        if (reason := self.refusal(kind)) is not None:
            event.stop()
            self.notify(reason, title="Not available", severity="warning", markup=False)

    def form_context(self, target: ActionTarget) -> FormContext:
        app = self.staffing_app
        # The month of the rows on screen, not the one asked for: while another month loads, a form
        # opened from these rows is about them (`refusal`: none before the first rows are drawn).
        assert self.shown_month is not None
        return FormContext(
            db_path=self.db_path,
            actor_id=app.actor_id,
            specialist_id=target.specialist.staff_id,
            month=self.shown_month,
            case_id=target.case_id,
            person_id=target.person_id,
            masked=app.masked,
        )

    def action_record(self, kind: str) -> None:
        self.record(kind)

    def record(self, kind: str) -> None:
        """Open the form for `kind` ("exception", "plan", "note", "step"), or say why not."""
        if (reason := self.refusal(kind)) is not None:
            self.notify(reason, title="Not available", severity="warning", markup=False)
            return
        target = self.action_target()
        assert target is not None
        action = STAFFING_ACTIONS[kind]

        from staffing_tui.modals.form_base import StaffingForm  # imported already by `form_of`

        form = self.staffing_app.form_stock.take(kind, self.form_context(target))
        if isinstance(form, StaffingForm):
            self._open_form(form, action.noun)
        else:
            self._show_form(form, None, action.noun)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-open", name="open the form")
    def _open_form(self, form: StaffingForm, noun: str) -> None:
        """Read what `form` opens with, then show it: drawn once, filled in (a form shown first and
        filled in after took two full draws of the screen, and its reading waited on the first)."""
        setup = form.build_setup()
        self.post_message(FormReady(form, setup, noun, wanted=not get_current_worker().is_cancelled))

    @on(FormReady)
    def _form_ready(self, message: FormReady) -> None:
        if message.wanted and self.app.screen is self:  # else the user went elsewhere meanwhile
            self._show_form(message.form, message.setup, message.noun)
        else:  # it may have been composed in advance: not shown, it goes
            self.staffing_app.form_stock.discard(message.form)

    def prepare_form(self) -> None:
        """Have the next form composed in advance (`FormStock`), for this screen's month, when a
        form could be opened from here now."""
        stock = self.staffing_app.form_stock
        if stock.kind is None or self.app.screen is not self:
            return
        try:
            target = self.action_target()
        except NoMatches:  # the app is closing: its widgets went before the idle tick stopped
            return
        if target is None or self.refusal(stock.kind):
            return
        stock.prepare(self.form_context(target))

    def _show_form(self, form: Screen[Any], setup: FormSetup | None, noun: str) -> None:
        """Show `form`; `setup` is what a staffing form opens with, read already (None: another
        kind of screen). A staffing form has the screens read again when its record is committed
        (`StaffingForm._save`), so its closing asks for no second reading."""

        def saved(record_id: object) -> None:
            if record_id is not None:
                self.staffing_app.record_saved(noun, record_id, reload=setup is None)
            # The next form composed once this screen is drawn (after a save, with its new rows:
            # the form waited for them, `StaffingForm._saved`).
            self.call_after_refresh(self.prepare_form)

        if setup is not None:
            form.preloaded = setup  # type: ignore[attr-defined]
        self.app.push_screen(form, callback=saved)

    def action_agenda(self) -> None:
        target = self.action_target()
        if target is None:
            self.notify("Choose a specialist first.", severity="warning")
            return

        def closed(result: object) -> None:
            if result is not None:  # the agenda changed something (a step marked done)
                self.staffing_app.reload_screens()

        since = self.staffing_app.staffing_began(target.specialist.staff_id)
        self.app.push_screen(form_stock.form_of("agenda")(self.form_context(ActionTarget(target.specialist)), since=since),
                             callback=closed)
