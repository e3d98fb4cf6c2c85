"""What every staffing form shares: layout, who/what it is for, problems, save and cancel.

Its fields and their validators are in `modals.fields`; what it loads comes from the store
(`store.records.specialist_cases`): no form runs SQL.

A form is a `ModalScreen[int | None]` opened with a `FormContext`. It

* loads what it needs (the acting user, the specialist's cases and their
  members, anything the form adds) in a thread worker;
* shows why the acting user may not save (and greys out Save) before anything
  is typed;
* checks dates and months as they are typed (Input validators), and the whole
  request with the record service's `*_problems` function on save — after a
  first refused save, again as the user types, so the list shrinks as they
  fix it. The messages are the services' own sentences, naming the field;
* writes nothing until saved, and saves with one call of the record service
  (one transaction) in a thread worker; then `dismiss()`es with the new
  record id. Escape cancels with None.

Worker failures are forwarded to the app's one handler (`DatabaseScreen`),
which shows a notification; the form stays open and usable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, ClassVar, Literal

from sqlite_utils import Database
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea
from textual.worker import Worker, get_current_worker

from staffing_tui.domain.enums import Role
from staffing_tui.errors import Busy, UserError, ValidationError
from staffing_tui.modals.context import FormContext
from staffing_tui.modals.fields import FormRow, ProblemList, Reader, field_of, show_input_hint
from staffing_tui.present.labels import month_name, person_label, shown, staff_label
from staffing_tui.screens.base import DatabaseScreen, database_at
from staffing_tui.store.audit import Actor, resolve_actor
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.directory import people_names, staff_members
from staffing_tui.store.records import CaseInfo, approval_problem, specialist_cases
from staffing_tui.widgets.key_footer import KeyFooter

#: Members listed in this order in the person pickers.
_ROLE_ORDER = {role: index for index, role in enumerate(Role)}


# --- what a form loads ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MemberChoice:
    person_id: str
    label: str  # name (initials when masked)
    role: Role

    @property
    def option(self) -> str:
        return f"{self.label} ({self.role.replace('_', ' ')})"


@dataclass(frozen=True, slots=True)
class CaseChoice:
    info: CaseInfo
    members: tuple[MemberChoice, ...]

    @property
    def label(self) -> str:
        closed = f", closed {self.info.closed_on}" if self.info.closed_on else ""
        return f"{shown(self.info.case_id)} · {self.info.case_type}{closed}"

    def member(self, person_id: str | None) -> MemberChoice | None:
        return next((m for m in self.members if m.person_id == person_id), None)


@dataclass(frozen=True, slots=True)
class FormSetup:
    """Everything a form needs before the user types, read in one worker."""

    actor: Actor | None
    actor_label: str
    not_allowed: str | None  # why the acting user may not save (None: they may)
    as_of: date
    specialist_name: str
    cases: dict[str, CaseChoice] = field(default_factory=dict)
    extra: Any = None  # what the form itself loads (`load_extra`)


def load_cases(db: Database, ctx: FormContext) -> dict[str, CaseChoice]:
    """The specialist's cases open in the month (plus the context's case), each with its members
    labelled (initials under the mask) and in picker order: by role, then by name."""
    cases = specialist_cases(db, ctx.specialist_id, ctx.month, also=ctx.case_id)
    names = people_names(db, (person_id for case in cases for person_id, _ in case.members))

    def label(person_id: str) -> str:
        return person_label(person_id, names, masked=ctx.masked)

    choices = {}
    for case in cases:
        found = sorted(case.members, key=lambda m: (_ROLE_ORDER[m[1]], label(m[0]).casefold(), m[0]))
        choices[case.info.case_id] = CaseChoice(case.info, tuple(MemberChoice(pid, label(pid), role)
                                                                for pid, role in found))
    return choices


# --- messages from the workers --------------------------------------------------------------

class FormLoaded(Message):
    def __init__(self, setup: FormSetup) -> None:
        super().__init__()
        self.setup = setup


class FormProblems(Message):
    """The record service's problems with the request (empty: none)."""

    def __init__(self, problems: list[str], *, from_save: bool) -> None:
        super().__init__()
        self.problems = problems
        self.from_save = from_save


class FormSaved(Message):
    def __init__(self, record_id: int) -> None:
        super().__init__()
        self.record_id = record_id


# --- the base form --------------------------------------------------------------------------

def form_bindings(save_label: str) -> list[Binding]:
    """Save (from any field, hence priority) and cancel, with the form's own word for saving."""
    return [
        Binding("ctrl+s", "save", save_label, priority=True, id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]


#: How long a save may take before Save is drawn greyed out (`StaffingForm.action_save`).
SAVING_SHOWN_AFTER_S = 0.15

PersonChoice = Literal["required", "optional", "parents"]
NO_ONE = ""  # the Select value of "whole case" / "no case"


class SaveOrCancel(DatabaseScreen, ModalScreen[int | None]):
    """A form or dialog with #save and #cancel buttons; escape (`cancel`) closes it with nothing saved.

    (A Textual screen, not a plain mixin: `@on` handlers are only collected from message pumps.)
    """

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class StaffingForm(SaveOrCancel):
    """A staffing form: subclasses add fields, build the request and call their record service."""

    TITLE: ClassVar[str] = "Staffing form"
    SAVE_LABEL: ClassVar[str] = "Save"
    #: Who the record is about: a member ("required"), a parent ("parents"), or
    #: a member or the whole case ("optional").
    PERSON_CHOICE: ClassVar[PersonChoice] = "required"
    PERSON_LABEL: ClassVar[str] = "Person"
    CASE_OPTIONAL: ClassVar[bool] = False
    NO_CASE_LABEL: ClassVar[str] = "No case (about the caseload)"
    NO_PERSON_LABEL: ClassVar[str] = "Whole case (no one person)"
    #: Problem prefix ("reason" in "reason: …") → ids of the widgets to mark.
    FIELD_WIDGETS: ClassVar[dict[str, tuple[str, ...]]] = {}

    BINDINGS = form_bindings("Save")
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    #: No automatic focus: it went to the fields' scroll container, and a container gaining (then
    #: losing) focus restyles everything in it, twice 25 ms before the first paint (issue 17).
    #: `_apply` focuses the first choice to make instead.
    AUTO_FOCUS = ""

    DEFAULT_CSS = """
    StaffingForm { align: center middle; }
    StaffingForm #form-dialog {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; border-title-color: $text; border-title-style: bold;
        background: $surface; padding: 0 1;
    }
    StaffingForm #form-subject { color: $text-muted; margin-bottom: 1; }
    StaffingForm .form-blocked {
        display: none; color: $text-warning; background: $warning 10%; padding: 0 1; margin-bottom: 1;
    }
    StaffingForm .form-blocked.-shown { display: block; }
    /* Short terminals: the dialog takes the whole height and its fields scroll.
       Taller ones (or a form short enough to fit): the dialog fits its content,
       fields scroll past 70% of the height. */
    StaffingForm.-short #form-dialog { height: 100%; }
    StaffingForm.-short #form-fields { height: 1fr; }
    StaffingForm.-tall #form-fields { height: auto; max-height: 70vh; }
    StaffingForm #form-buttons { height: auto; align-horizontal: right; }
    StaffingForm #form-buttons Button { margin-left: 2; }
    StaffingForm Input.-problem, StaffingForm Select.-problem > SelectCurrent,
    StaffingForm TextArea.-problem, StaffingForm SelectionList.-problem { background: $error 25%; }
    StaffingForm TextArea { height: 5; }
    StaffingForm Input, StaffingForm Select > SelectCurrent { background: $boost; }
    StaffingForm Input:focus, StaffingForm Select:focus > SelectCurrent {
        background: $block-cursor-blurred-background;
    }
    StaffingForm .month-input { width: 11; }
    StaffingForm .date-input { width: 14; }
    StaffingForm .between { width: auto; padding: 0 1; }
    StaffingForm .inline { height: auto; }
    """

    def __init__(self, ctx: FormContext) -> None:
        super().__init__(ctx.db_path)
        self.ctx = ctx
        self.setup: FormSetup | None = None
        self.saving = False
        #: After a refused save, the request is checked again as the user types.
        self.attempted = False
        self._recheck_timer = None
        self._people_of_case: str | None = None  # the case whose members the person picker lists
        #: The fields as the form opened them (`_field_values`): escape asks before throwing away more.
        self._opened_with: tuple | None = None
        #: What the form opens with, read before it was shown (`screens.actions`: the form is then
        #: drawn once, filled in, instead of loading and drawn again).
        self.preloaded: FormSetup | None = None
        #: Composed and mounted in advance, not shown yet (`screens.form_stock`): it reads nothing
        #: until it is taken and given its data (`preloaded`).
        self.held = False
        #: The record saved, while the form waits for the screen below to draw it (`_saved`).
        self.saved_id: int | None = None

    # --- what subclasses provide ------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        """The form's own fields (below case and person)."""
        yield from ()

    def compose_below(self) -> ComposeResult:
        """Anything between the problems and the buttons."""
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        yield Button(f"{self.SAVE_LABEL} ^s", id="save", variant="primary", compact=True)
        yield Button("Cancel esc", id="cancel", compact=True)

    def load_extra(self, db: Database, setup: FormSetup) -> Any:
        """Anything else the form needs; runs in the load worker (never touch a widget)."""
        return None

    def permission_problem(self, db: Database, actor: Actor, case: CaseInfo | None) -> str | None:
        """Why `actor` may not save this record (default: may not approve for the case's unit)."""
        return approval_problem(actor, case) if case is not None else None

    def setup_fields(self, setup: FormSetup) -> None:
        """Fill defaults that depend on what was loaded."""

    def read_request(self, reader: Reader) -> Any:
        """The service request from the fields; problems go to `reader.problems`.

        Return None when a typed value cannot be read (`reader.unreadable`);
        a missing choice still gives a request (with "") so the service can
        check everything else.
        """
        raise NotImplementedError

    def problems_of(self, db: Database, actor: Actor, request: Any) -> list[str]:
        """The record service's `*_problems` for `request`."""
        raise NotImplementedError

    def save_record(self, db: Database, actor: Actor, request: Any) -> int:
        """One call of the record service; returns the new record id."""
        raise NotImplementedError

    def fields_changed(self) -> None:
        """A field changed (counters, reminders…)."""

    def saved(self, record_id: int) -> None:
        """The record was written (default: close the form with its id)."""
        self.dismiss(record_id)

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog") as dialog:
            dialog.border_title = self.TITLE
            yield Static(Content(f"{month_name(self.ctx.month)} · loading…"), id="form-subject")
            yield Static(id="form-blocked", classes="form-blocked")
            with VerticalScroll(id="form-fields"):
                yield FormRow("Case", self._picker(
                    "case", "Choose a case", self.NO_CASE_LABEL if self.CASE_OPTIONAL else None))
                yield FormRow(self.PERSON_LABEL, self._picker(
                    "person", f"Choose a {self.PERSON_LABEL.lower()}",
                    self.NO_PERSON_LABEL if self.PERSON_CHOICE == "optional" else None))
                yield from self.compose_fields()
            yield ProblemList(id="form-problems")
            yield from self.compose_below()
            with Horizontal(id="form-buttons"):
                yield from self.compose_buttons()
        yield KeyFooter()

    @staticmethod
    def _picker(widget_id: str, prompt: str, no_one: str | None) -> Select:
        """A case or person picker; an optional one offers `no_one` (value "") instead of a blank.

        The "no one" label never changes: Select keeps showing the old label
        when new options keep the same value (Textual 8.2).
        """
        if no_one is not None:
            return Select([(no_one, NO_ONE)], allow_blank=False, compact=True, id=widget_id)
        return Select([], prompt=prompt, compact=True, id=widget_id)

    def on_mount(self) -> None:
        if self.preloaded is not None or self.held:
            return  # filled in when first shown (`on_screen_resume`)
        self.query_one("#form-fields").loading = True
        self.query_one("#save", Button).disabled = True
        self._load()

    def on_screen_resume(self) -> None:
        # Before Textual lays the screen out for its first paint (its own handler runs after this one).
        if self.setup is None and self.preloaded is not None:
            self._apply(self.preloaded)

    # --- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-load", name="open the form")
    def _load(self) -> None:
        setup = self.build_setup()
        if not get_current_worker().is_cancelled:
            self.post_message(FormLoaded(setup))

    def build_setup(self) -> FormSetup:
        """What the form opens with: the specialist's cases, who acts and whether they may save, and
        the form's own (`load_extra`). Reads the database: call it in a thread worker."""
        ctx = self.ctx
        with database_at(self.db_path) as db:
            cases = load_cases(db, ctx)
            staff = staff_members(db, [ctx.specialist_id] + ([ctx.actor_id] if ctx.actor_id else []))
            specialist = staff.get(ctx.specialist_id)
            try:
                actor = resolve_actor(db, ctx.actor_id)
            except UserError as exc:
                actor, not_allowed = None, exc.message
            else:
                first = cases.get(ctx.case_id or "") or next(iter(cases.values()), None)
                not_allowed = self.permission_problem(db, actor, first.info if first else None)
            member = staff.get(ctx.actor_id or "")
            setup = FormSetup(
                actor=actor,
                actor_label=f"{staff_label(member)} ({member.role})" if member else (shown(ctx.actor_id) or "nobody"),
                not_allowed=not_allowed,
                as_of=default_as_of(db),
                specialist_name=staff_label(specialist) if specialist else shown(ctx.specialist_id),
                cases=cases,
            )
            return replace(setup, extra=self.load_extra(db, setup))

    @on(FormLoaded)
    def _loaded(self, message: FormLoaded) -> None:
        self._apply(message.setup)

    def _apply(self, setup: FormSetup) -> None:
        """Fill the form in from `setup`."""
        self.setup = setup
        self.query_one("#form-subject", Static).update(Content.assemble(
            f"{setup.specialist_name}'s caseload · ", (month_name(self.ctx.month), "bold"),
            f" · acting as {setup.actor_label}",
        ))
        case_select = self.query_one("#case", Select)
        options = [(choice.label, case_id) for case_id, choice in setup.cases.items()]
        if self.CASE_OPTIONAL:
            options.insert(0, (self.NO_CASE_LABEL, NO_ONE))
        case_select.set_options(options)
        chosen_case = self.ctx.case_id if self.ctx.case_id in setup.cases else None
        if chosen_case is not None:
            case_select.value = chosen_case
        elif self.CASE_OPTIONAL:
            case_select.value = NO_ONE
        self._fill_people(chosen_case, preferred=self.ctx.person_id)
        self.setup_fields(setup)
        self.query_one("#form-fields").loading = False
        self.show_not_allowed(setup.not_allowed)
        self._focus_first_field()
        self.fields_changed()
        self.call_after_refresh(self._remember_opened_fields)

    def _remember_opened_fields(self) -> None:
        self._opened_with = self._field_values()

    def _field_values(self) -> tuple:
        """Every field's value, to tell whether anything was typed or chosen since the form opened."""
        values: list[object] = []
        for widget in self.query("#form-fields Input, #form-fields Select, #form-fields TextArea, "
                                 "#form-fields SelectionList"):
            if isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, SelectionList):
                values.append(tuple(widget.selected))
            else:
                values.append(widget.value)
        return tuple(values)

    @property
    def typed(self) -> bool:
        """Whether anything was typed or chosen since the form opened."""
        return self._opened_with is not None and self._field_values() != self._opened_with

    def action_cancel(self) -> None:
        """Escape: close with nothing saved — asking first when something was typed (issue 17). Once
        saved (the screen below still drawing its new rows), it closes as saved."""
        if self.saved_id is not None:
            self._close_saved()
            return
        if not self.typed:
            self.dismiss(None)
            return
        from staffing_tui.modals.discard import DiscardTyped

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(DiscardTyped(self.TITLE.split(":")[0].lower()), callback=answered)

    def _focus_first_field(self) -> None:
        # Case and person come from the row the form was opened on: start on the first choice to make.
        for widget in self.query("#form-fields Input, #form-fields Select, #form-fields TextArea, "
                                 "#form-fields SelectionList"):
            if widget.id in ("case", "person") and self._has_value(widget):
                continue
            if widget.focusable:
                widget.focus()
                return

    @staticmethod
    def _has_value(widget: Widget) -> bool:
        return not isinstance(widget, Select) or widget.value is not Select.NULL

    # --- case and person --------------------------------------------------------------------

    def person_options(self, case: CaseChoice | None) -> list[tuple[str, str]]:
        if case is None:
            return []
        if self.PERSON_CHOICE == "parents":
            members = [m for m in case.members if m.role.is_parent]
        else:
            members = list(case.members)
        return [(member.option, member.person_id) for member in members]

    def preferred_person(self, case: CaseChoice, preferred: str | None) -> str | None:
        """The person to preselect when the form opens (default: the row's person)."""
        return preferred

    def _fill_people(self, case_id: str | None, *, preferred: str | None = None) -> None:
        self._people_of_case = case_id
        case = self.chosen_case_choice(case_id)
        select = self.query_one("#person", Select)
        options = self.person_options(case)
        if self.PERSON_CHOICE == "optional":
            options.insert(0, (self.NO_PERSON_LABEL, NO_ONE))
        select.set_options(options)
        wanted = self.preferred_person(case, preferred) if case else None
        values = [value for _, value in options]
        if wanted in values:
            select.value = wanted
        elif self.PERSON_CHOICE == "optional":
            select.value = NO_ONE

    def chosen_case_choice(self, case_id: str | None = None) -> CaseChoice | None:
        if self.setup is None:
            return None
        if case_id is None:
            value = self.query_one("#case", Select).value
            case_id = value if isinstance(value, str) else None
        return self.setup.cases.get(case_id or "")

    def chosen_member(self) -> MemberChoice | None:
        case = self.chosen_case_choice()
        value = self.query_one("#person", Select).value
        return case.member(value) if case is not None and isinstance(value, str) else None

    def read_case(self, reader: Reader) -> str | None:
        value = reader.choice("case", "case", "choose a case.")
        return value or None

    def read_person(self, reader: Reader) -> str | None:
        missing = f"choose a {self.PERSON_LABEL.lower()}."
        value = reader.choice("person", self.PERSON_LABEL.lower(), missing)
        return value or None

    @on(Select.Changed, "#case")
    def _case_changed(self, event: Select.Changed) -> None:
        case_id = event.value if isinstance(event.value, str) else None
        if self.setup is not None and case_id != self._people_of_case:
            self._fill_people(case_id)

    # --- permission -------------------------------------------------------------------------

    def show_not_allowed(self, reason: str | None) -> None:
        """Say why Save is off (or clear it)."""
        blocked = self.query_one("#form-blocked", Static)
        blocked.update(Content(f"You cannot save this: {reason}" if reason else ""))
        blocked.set_class(bool(reason), "-shown")
        self.update_save_state()

    @property
    def may_save(self) -> bool:
        return self.setup is not None and not self.setup.not_allowed and not self.saving

    def update_save_state(self) -> None:
        self.query_one("#save", Button).disabled = not self.may_save
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return True if self.may_save else None  # None: shown, greyed out
        return True

    # --- typing -----------------------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        show_input_hint(self, event)
        self._changed()

    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _other_changed(self) -> None:
        self._changed()

    def _changed(self) -> None:
        if self.setup is None:
            return
        self.fields_changed()
        if self.attempted and not self.saving:
            if self._recheck_timer is not None:
                self._recheck_timer.stop()
            self._recheck_timer = self.set_timer(0.3, self._recheck)

    def _recheck(self) -> None:
        self.check_request()

    def read_fields(self) -> tuple[Any, list[str]]:
        """(the request, or None when a typed value cannot be read; the problems found reading)."""
        reader = Reader(self)
        request = self.read_request(reader)
        return (None if reader.unreadable else request), reader.problems

    def check_request(self) -> None:
        """Show every problem: those found reading the fields, then the service's for the rest."""
        request, found = self.read_fields()
        if request is None:
            self.show_problems(found)
        else:
            self._check(request, found)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-check", name="check the form")
    def _check(self, request: Any, found: list[str]) -> None:
        assert self.setup is not None and self.setup.actor is not None
        with database_at(self.db_path) as db:
            problems = self.problems_of(db, self.setup.actor, request)
        # The form's own sentence wins for a field it already found wrong (e.g. nothing chosen).
        named = {field_of(problem) for problem in found}
        problems = found + [problem for problem in problems if field_of(problem) not in named]
        if not get_current_worker().is_cancelled:
            self.post_message(FormProblems(problems, from_save=False))

    # --- problems ---------------------------------------------------------------------------

    def show_problems(self, problems: list[str]) -> None:
        self.query_one(ProblemList).show(problems)
        wrong = {field_of(problem) for problem in problems}
        for prefix, widget_ids in self.FIELD_WIDGETS.items():
            for widget_id in widget_ids:
                for widget in self.query(f"#{widget_id}"):
                    widget.set_class(prefix in wrong, "-problem")

    @on(FormProblems)
    def _problems(self, message: FormProblems) -> None:
        if message.from_save:
            self.saving = False
            self.update_save_state()
        self.show_problems(message.problems)

    # --- save and cancel --------------------------------------------------------------------

    def action_save(self) -> None:
        if not self.may_save or self.setup is None or self.setup.actor is None:
            return
        self.attempted = True
        request, found = self.read_fields()
        if request is None or found:
            self.check_request()
            return
        self.saving = True
        self._save(request)
        # Save greyed out only when saving takes a moment (another user holds the lock): drawn
        # first, it held the save back 30 ms on the statewide database (issue 17).
        self.set_timer(SAVING_SHOWN_AFTER_S, self._show_saving)

    def _show_saving(self) -> None:
        if self.saving:
            self.update_save_state()

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-save", name="save the record")
    def _save(self, request: Any) -> None:
        assert self.setup is not None and self.setup.actor is not None
        try:
            with database_at(self.db_path) as db:
                record_id = self.save_record(db, self.setup.actor, request)
        except ValidationError as exc:
            self.post_message(FormProblems(exc.details or [exc.message], from_save=True))
            return
        except Busy as exc:  # another user is writing: the form stays open with what was typed
            self.post_message(FormProblems([exc.message], from_save=True))
            return
        # The screens below read the database again now, while this form still shows (it closes
        # next): their rows are evaluated while nothing else is drawn, and are there when it has
        # closed, instead of being asked for once it has (issue 17, save → row refreshed).
        self.app.call_from_thread(self.app.reload_screens)
        self.post_message(FormSaved(record_id))

    @on(FormSaved)
    def _saved(self, message: FormSaved) -> None:
        """The record is committed, and the screens below are reading again (`_save`): the form
        closes (`saved`) once the one below has drawn its new rows, so the supervisor sees them at
        once instead of the old ones first (issue 17, save → row refreshed)."""
        self.saved_id = message.record_id
        self.show_problems([])
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        if isinstance(below, DatabaseScreen):
            below.when_drawn_again(self._close_saved)
        else:
            self._close_saved()

    def _close_saved(self) -> None:
        if self.saving and self.saved_id is not None and self.is_current:
            self.saving = False
            self.saved(self.saved_id)


    def work_failed(self, worker: Worker) -> None:
        error = worker.error
        sentence = error.message if isinstance(error, UserError) else "see the message in the corner."
        if worker.group == "form-load":
            self.query_one("#form-fields").loading = False
            self.show_not_allowed(f"the form could not be opened: {sentence}")
        elif worker.group == "form-save":
            self.saving = False
            self.update_save_state()
            self.query_one(ProblemList).show([f"Not saved: {sentence}"])
