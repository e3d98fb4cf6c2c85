"""The Textual app: the session's state, app-wide bindings, the screen stack and worker errors.

Kept thin on purpose: screens do the work, `store`/`domain` hold the rules.
`build_app` is the one factory used by `run_app` (the CLI) and the tests.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import date
from pathlib import Path

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.filter import LineFilter
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.messages import MonthEvaluated, MonthEvaluation
from staffing_tui.modals.help import MOVING, HelpScreen, Section, own
from staffing_tui.perf import IDLE_TICK_S, IdleCollector, ProcessSettings, restore, tuned_for_the_app
from staffing_tui.present.escape import for_terminal_cell
from staffing_tui.present.labels import month_name
from staffing_tui.sample import WorkingCopy, working_copy
from staffing_tui.screens.actions import ACTION_BINDINGS, StaffingActionScreen
from staffing_tui.screens.base import DatabaseScreen
from staffing_tui.screens.commands import StaffingCommands
from staffing_tui.screens.form_stock import FormStock
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.store.audit import Identity, as_refusal, identity, not_on_staff_list
from staffing_tui.store.connection import describe_sqlite_error, hold_open, open_database
from staffing_tui.store.directory import StaffMember
from staffing_tui.widgets.caseload_table import CaseloadTable
from staffing_tui.widgets.filter_input import FilterInput
from staffing_tui.widgets.terminal_safe import DropControlCharacters
from staffing_tui.widgets.units_tree import UnitsTree


def describe_failure(action: str, error: BaseException | None) -> str:
    """One readable sentence for a failed worker, never a traceback (terminal-safe: a message
    can carry an id or a value read from the database)."""
    if isinstance(error, UserError):
        return for_terminal_cell(error.message)
    if isinstance(error, sqlite3.Error):
        return for_terminal_cell(describe_sqlite_error(error))
    detail = str(error).strip().rstrip(".") if error is not None else ""
    detail = detail or type(error).__name__
    return for_terminal_cell(f"Could not {action}: {detail}.")


class StaffingApp(App[int]):
    """Monthly visit requirements, staffed one specialist at a time."""

    TITLE = "staffing-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {StaffingCommands}
    #: Below -wide the caseload takes the whole width while it has focus.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-medium"), (180, "-wide")]

    BINDINGS = [
        Binding("left_square_bracket", "previous_month", "Prev", tooltip="Previous month", id="app.previous_month"),
        Binding("right_square_bracket", "next_month", "Next", tooltip="Next month", id="app.next_month"),
        Binding("m", "pick_month", "Month", tooltip="Pick a month", id="app.pick_month"),
        Binding("r", "reports", "Reports", id="app.reports",
                tooltip="Reports: unit and specialist summaries, trend, federal measure"),
        Binding("x", "toggle_mask", "Mask", tooltip="Privacy mask: initials, no birth dates or placements",
                id="app.mask"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key (this list)"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit staffing-tui"),
    ]

    #: The staff member acting (the logged-in one on a verified database, else `--as` or picked
    #: at start); None: browsing only.
    actor: var[StaffMember | None] = var(None)
    #: Who this process is in the database (docs/evidence.md "Who acted"); None until the first evaluation.
    identity: var[Identity | None] = var(None)
    #: The month asked for (`[` `]` `m`; None until the first evaluation). Each screen says which
    #: month its rows are for (`shown_month`): until they are read, the header says "loading …".
    month: var[Month | None] = var(None)
    #: The as-of date of the month shown (meta.as_of or today).
    as_of: var[date | None] = var(None)
    #: Privacy mask for screen sharing: initials, no birth dates, no placement names.
    masked: var[bool] = var(False)

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        as_staff: str | None = None,
        month: Month | str | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        #: Said once the screen is up (a newer sample that was not taken, and how to take it).
        self.notice = notice
        #: A connection kept open while the app runs: see `on_mount`.
        self._held: sqlite3.Connection | None = None
        #: The staff id asked for with `--as`; `actor` is that person once looked up.
        self.as_staff = as_staff
        self.initial_month = Month.parse(month) if isinstance(month, str) else month
        #: The process's own interpreter settings while the app runs tuned (`perf`).
        self._settings_before: ProcessSettings | None = None
        self._collector: IdleCollector | None = None
        self._drop_controls = DropControlCharacters()
        #: When the staffing with each specialist began: the first time their agenda was opened.
        self._staffings: dict[str, str] = {}
        #: The next staffing form, composed while the user reads the screen (`FormStock`).
        self.form_stock = FormStock(self)

    def get_line_filters(self) -> list[LineFilter]:
        """Textual's filters (monochrome, dim…), then the guard that keeps control characters in
        data off the terminal (`widgets.terminal_safe`)."""
        return [*super().get_line_filters(), self._drop_controls]

    @property
    def actor_id(self) -> str | None:
        """The acting staff id, passed to every form (None: nobody chosen)."""
        return self.actor.staff_id if self.actor is not None else None

    def on_load(self) -> None:
        self._settings_before = tuned_for_the_app()
        self._collector = IdleCollector()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)) and self._collector is not None:
            self._collector.input()
        await super().on_event(event)

    def on_mount(self) -> None:
        # The database stays open while the app runs, so every other process can tell (SQLite's own
        # lock, `store.connection.sole_use`): the sample's working copy is never replaced under us.
        self._held = hold_open(self.db_path)
        self.set_interval(IDLE_TICK_S, self._when_idle, name="collect and prepare when idle")
        if self.notice:
            self.notify(self.notice, title="A newer sample", timeout=20, markup=False)

    def _when_idle(self) -> None:
        """Between the user's keys: collect garbage (`IdleCollector`), then have the next form
        composed in advance (`FormStock`)."""
        assert self._collector is not None
        self._collector.tick()
        stack = self.screen_stack  # empty while the app closes
        if self._collector.idle and stack and isinstance(stack[-1], StaffingActionScreen):
            stack[-1].prepare_form()

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None
        if self._settings_before is not None:
            restore(self._settings_before)
            self._settings_before = None

    def get_default_screen(self) -> Screen:
        return StaffingScreen(self.db_path, self.initial_month)

    # --- the month ----------------------------------------------------------------

    @on(MonthEvaluated)
    def _month_evaluated(self, message: MonthEvaluated) -> None:
        evaluation = message.evaluation
        first = self.month is None
        self.as_of = evaluation.as_of
        if first:
            self.month = evaluation.month  # perhaps not the one asked for (one that had not started)
        if first and evaluation.read_only:
            self.notify(f"{self.db_path} is read-only: you can look around, but nothing can be saved.",
                        title="Read-only database", severity="warning", timeout=10, markup=False)
        if first:
            self._settle_identity(evaluation)

    def change_month(self, month: Month) -> bool:
        """Show `month`, unless it has not started as of the as-of date (then say so and stay)."""
        if self.as_of is not None and month > Month.of(self.as_of):
            self.notify(f"{month_name(month)} has not started as of {self.as_of.isoformat()}.",
                        severity="warning", markup=False)
            return False
        self.month = month
        return True

    def action_previous_month(self) -> None:
        if self.month is not None:
            self.change_month(self.month.previous())

    def action_next_month(self) -> None:
        if self.month is not None:
            self.change_month(self.month.next())

    def action_pick_month(self) -> None:
        if self.month is None or self.as_of is None:
            return
        from staffing_tui.modals.month_picker import MonthPicker

        def picked(month: Month | None) -> None:
            if month is not None:
                self.change_month(month)

        self.push_screen(MonthPicker(self.month, Month.of(self.as_of)), callback=picked)

    def staffing_evaluation(self) -> MonthEvaluation | None:
        """The month as evaluated by the main screen (for the command palette)."""
        base = self.screen_stack[0] if self.screen_stack else None
        return base.evaluation if isinstance(base, StaffingScreen) else None

    # --- who is acting ----------------------------------------------------------------

    def _settle_identity(self, evaluation: MonthEvaluation) -> None:
        """The month's worker looked up who acts (`evaluation.acting`): on a verified database the
        logged-in staff member; else `--as`, or without it, ask."""
        me = evaluation.identity
        # Who acts is set before who this process is: the header says "browsing only" for an
        # identity without an actor, so the other order flashed it at start with `--as` (issue 17).
        if me is not None and me.verified:
            self._act_as_logged_in(me, evaluation.acting)
            self.identity = me
        elif evaluation.acting is not None and self.as_staff:
            self.actor = evaluation.acting
            self.identity = me
        else:
            self.identity = me  # the picker is offered on an unverified database only
            if self.as_staff:
                self.notify(f"There is no staff member {self.as_staff!r} in this database (--as); "
                            "choose who you are.", title="Unknown user", severity="error", timeout=12, markup=False)
            self.action_choose_identity()

    def _act_as_logged_in(self, me: Identity, member: StaffMember | None) -> None:
        """Verified identity (docs/evidence.md "Who acted"): act as the logged-in staff member, never as anyone else.

        `run_app` refuses a `--as` naming someone else before the app starts (exit 2, as the CLI);
        an app built with one anyway (a host program) says so and only browses.
        """
        if (refusal := as_refusal(me, self.as_staff)) is not None:
            self.notify(f"{refusal} You are browsing only.", title="Not who you are", severity="error",
                        timeout=12, markup=False)
        elif member is None:
            self.notify(not_on_staff_list(me), title="Browsing only", severity="warning", timeout=12, markup=False)
        else:
            self.actor = member

    @property
    def may_choose_identity(self) -> bool:
        """Only an unverified database lets the user say who they are (docs/evidence.md "Who acted")."""
        return self.identity is not None and not self.identity.verified

    def watch_actor(self) -> None:
        # What may be approved changed: the footer follows. The look-up can finish
        # after the screens are gone (the app is closing): nothing to refresh then.
        if self.screen_stack:
            self.screen.refresh_bindings()

    def action_choose_identity(self) -> None:
        if not self.may_choose_identity:
            self.notify(self._why_identity_is_fixed(), title="Not available", severity="warning", markup=False)
            return
        from staffing_tui.modals.identity import IdentityScreen

        def chosen(member: StaffMember | None) -> None:
            if member is not None:
                self.actor = member

        self.push_screen(IdentityScreen(self.db_path, current=self.actor_id), callback=chosen)

    def _why_identity_is_fixed(self) -> str:
        if self.identity is None:
            return "Who you are is still being looked up; try again in a moment."
        return (f"This database knows who you are (logged in as {self.identity.os_user}); "
                "nobody can act as someone else here.")

    def staffing_began(self, specialist_id: str) -> str:
        """When the staffing with `specialist_id` began (UTC, as records are stamped): the first
        time their agenda was opened in this session. What the actor recorded for them since is
        what the staffing decided (the agenda export records it)."""
        from staffing_tui.store.audit import now_text

        return self._staffings.setdefault(specialist_id, now_text())

    # --- comfort ----------------------------------------------------------------------

    def action_toggle_mask(self) -> None:
        self.masked = not self.masked

    def action_help(self) -> None:
        self.push_screen(HelpScreen(binding_sections()))

    def action_reports(self) -> None:
        # Imported when first opened, not at start: the reports screen and the federal measure are a
        # tenth of the app's import time and memory the main screen never needs.
        from staffing_tui.screens.reports import ReportsScreen

        if self.month is not None:
            self.push_screen(ReportsScreen(self.db_path, self.month, self.masked,
                                           home_unit=self.actor.unit_id if self.actor is not None else None))

    def jump_to_specialist(self, staff_id: str) -> None:
        """Back to the main screen with `staff_id`'s caseload (command palette)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, StaffingScreen):
            self.pop_screen()
        if isinstance(self.screen, StaffingScreen):
            self.screen.select_specialist(staff_id)

    def open_case(self, specialist_id: str, case_id: str, person_id: str | None) -> None:
        """Back to the main screen with `specialist_id`'s caseload, then the case's detail for
        `person_id` (None: the case as a whole) on it (reports' flags, the command palette)."""
        self.jump_to_specialist(specialist_id)
        evaluation = self.staffing_evaluation()
        specialist = evaluation.specialist(specialist_id) if evaluation is not None else None
        if specialist is None:
            self.notify(f"Case {case_id} has no specialist in the units shown this month.",
                        severity="warning", markup=False)
            return
        from staffing_tui.screens.detail import CaseDetailScreen

        self.push_screen(CaseDetailScreen(self.db_path, specialist, case_id, person_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reports" and any(type(screen).__name__ == "ReportsScreen" for screen in self.screen_stack):
            return False  # open already: one reports screen, not a stack of them
        if action in ("previous_month", "next_month", "pick_month", "reports"):
            return self.month is not None  # nothing to move from before the first evaluation
        return True

    # --- after a save -------------------------------------------------------------------

    def record_saved(self, noun: str, record_id: object, done: str = "saved", *, reload: bool = True) -> None:
        """A form saved (or a dialog revoked, withdrew…) a record: say so, and evaluate again so
        every status follows (`reload` False: the form had the screens read again already, as
        soon as the record was committed)."""
        self.notify(f"{noun} {record_id} {done}.", markup=False)
        if reload:
            self.reload_screens()

    def reload_screens(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, DatabaseScreen):
                screen.reload()

    # --- failures -----------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker becomes a notification (screens forward theirs)."""
        if event.state is not WorkerState.ERROR:
            return
        worker = event.worker
        self.log.error(f"worker {worker.name!r} failed", worker.error)
        self.notify(
            describe_failure(worker.name or "finish the work", worker.error),
            title="Something went wrong" if not isinstance(worker.error, UserError) else "Cannot do that",
            severity="error",
            timeout=12,
            markup=False,  # paths and messages may hold [brackets]
        )


def binding_sections() -> list[Section]:
    """The bindings of the app, its screens and widgets, grouped by where they work (the help, `?`)."""
    from staffing_tui.screens.detail import CaseDetailScreen  # as the caseload opens it: when first used

    palette = Binding(StaffingApp.COMMAND_PALETTE_BINDING, "command_palette",
                      "Command palette: every action, jump to a specialist")
    return [
        ("Everywhere", [*StaffingApp.BINDINGS, palette]),
        ("Units and specialists", UnitsTree.BINDINGS),
        ("Caseload", [*CaseloadTable.BINDINGS, *own(StaffingScreen.BINDINGS, ACTION_BINDINGS)]),
        ("Filter line", FilterInput.BINDINGS),
        ("Caseload and detail: the staffing", ACTION_BINDINGS),
        ("Person/case detail", [*own(CaseDetailScreen.BINDINGS, ACTION_BINDINGS),
                                Binding("enter", "", "On a member: show that person")]),
        ("Moving around", MOVING),
    ]


def build_app(
    db_path: str | os.PathLike[str],
    as_staff: str | None = None,
    month: Month | str | None = None,
    notice: str | None = None,
) -> StaffingApp:
    """The app for `db_path`; the CLI, Pilot tests and snapshot tests all start here. `notice`:
    a sentence to show once the screen is up."""
    return StaffingApp(db_path, as_staff=as_staff, month=month, notice=notice)


def check_can_open(path: Path, as_staff: str | None) -> None:
    """Refuse (UserError) a database that cannot be used, or a `--as` that is not who you are
    (docs/evidence.md "Who acted"): the same sentence and exit status 2 as the record commands."""
    db = open_database(path)
    try:
        refusal = as_refusal(identity(db), as_staff)
    finally:
        db.close()
    if refusal is not None:
        raise UserError(refusal)


def run_app(
    db_path: str | os.PathLike[str] | None,
    as_staff: str | None = None,
    month: Month | str | None = None,
) -> int:
    """Run the app full screen; return the exit status (2: the database cannot be used).

    Without `db_path`, opens the user's working copy of the bundled sample
    (saying so when a newer sample was not taken, `sample.working_copy`).
    The database is opened once before the screen takes over, so a missing,
    damaged or too-new file, or a `--as` naming someone other than the
    logged-in user of a verified database, is reported as one sentence on stderr.
    """
    try:
        copy = WorkingCopy(Path(db_path)) if db_path is not None else working_copy()
        parsed = Month.parse(month) if isinstance(month, str) else month
        check_can_open(copy.path, as_staff)
    except (UserError, ValueError) as exc:
        print(for_terminal_cell(getattr(exc, "message", None) or str(exc)), file=sys.stderr)
        return 2
    app = build_app(copy.path, as_staff=as_staff, month=parsed, notice=copy.notice)
    app.run()
    return app.return_code or 0
