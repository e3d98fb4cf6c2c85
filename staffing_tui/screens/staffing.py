"""The main screen: units → specialists with badges, and the chosen specialist's caseload.

The month is evaluated in a thread worker: first the units shown first (a
few milliseconds, so the screen paints at once on a statewide database), then
once for the whole database, with everyone's names; the rows are grouped by
specialist for the badges. Choosing a specialist, filtering or masking only
re-draws rows already in memory, so it is instant.
"""

from __future__ import annotations

import os
from dataclasses import replace
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Static, Tree
from textual.worker import Worker, get_current_worker

from staffing_tui.domain.evaluate import is_in_progress
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.messages import ExceptionRead, MonthEvaluated, MonthEvaluation, UnitsEvaluated
from staffing_tui.present.labels import month_name, shown, staff_label
from staffing_tui.screens.actions import (
    ACTION_BINDINGS,
    HELP_BINDING,
    STAFFING_ACTIONS,
    ActionTarget,
    StaffingActionScreen,
)
from staffing_tui.screens.base import database_at
from staffing_tui.store.audit import identity
from staffing_tui.store.caseload import caseload_order
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.directory import (
    PersonName,
    StaffMember,
    UnitRoster,
    people_names,
    staff_member,
    staff_with_cases,
    unit_rosters,
)
from staffing_tui.store.evaluation import Summary, kept_month_counts, month_counts, month_report
from staffing_tui.store.month_cache import MONTH_CACHE
from staffing_tui.store.records import ExceptionSummary, exception_summary
from staffing_tui.widgets.caseload_table import CaseloadTable, matching_rows
from staffing_tui.widgets.filter_input import FilterInput
from staffing_tui.widgets.row_detail import RowDetail
from staffing_tui.widgets.staffing_header import StaffingHeader
from staffing_tui.widgets.units_tree import SpecialistEntry, TreeEntry, UnitsTree
from staffing_tui.widgets.key_footer import KeyFooter


def evaluate_for_screen(
    db_path: Path,
    month: Month | None,
    *,
    fall_back: bool = False,
    first: Iterable[str | None] = (),
    acting: str | None = None,
) -> Iterator[MonthEvaluation]:
    """Evaluate `month` (default: the as-of month) for the screen: the rows of the units in `first`
    and of the acting user's unit (or else the first unit of the tree), and everyone's counts.

    Each unit is one `month_report` of a few milliseconds; the counts of the whole database come
    from the month kept in the database (`month_counts`, a few milliseconds), so the screen paints
    once, at once, even on a statewide database. When the month is not kept (a new as-of day,
    another process's write) it yields twice: the units first, then with the counts once the whole
    month is evaluated (and kept, where the database can be written).

    `acting` is the staff id the app acts as: their unit is evaluated first
    too, and opened in the tree (`home_unit`). On a database with verified
    identity (docs/evidence.md "Who acted") the logged-in staff member acts, whoever `acting` names;
    the evaluation carries the identity, so the app never reads the database itself.

    A month that has not started as of the as-of date cannot be evaluated
    (docs/policy.md "Month and as-of date"): with `fall_back` (the app is just opening) the as-of month is
    shown instead, with a notice; otherwise it is an error.
    """
    notice = None
    with database_at(db_path, readonly=True) as db:
        as_of = default_as_of(db)
        latest = Month.of(as_of)
        if month is None:
            month = latest
        elif month > latest:
            not_started = f"{month_name(month)} has not started as of {as_of.isoformat()}"
            if not fall_back:
                raise UserError(f"{not_started}.")
            notice, month = f"{not_started}; showing {month_name(latest)}.", latest
        rosters = MONTH_CACHE.per_state(
            db, ("rosters", month), lambda: tuple(unit_rosters(db, also_staff_ids=staff_with_cases(db, month))),
            follows_saves=True)
        me = identity(db)
        acting = me.staff_id if me.verified else acting
        actor = staff_member(db, acting) if acting else None
        home_unit = actor.unit_id if actor is not None else None
        units = [unit for unit in (*first, home_unit) if unit is not None]
        if not units and rosters and rosters[0].unit is not None:
            units.append(rosters[0].unit.unit_id)  # nobody's unit to start from: the top of the tree
        units = frozenset(units)
        rows, names = rows_of_units(db, month, as_of, units, rosters)
        evaluation = MonthEvaluation(
            month=month, as_of=as_of, in_progress=is_in_progress(month, as_of), rosters=rosters,
            notice=notice, read_only=not os.access(db_path, os.W_OK), acting=actor, identity=me,
            counts=kept_month_counts(db, month, as_of),
        ).with_rows(units, rows, names)
        yield evaluation
        if evaluation.counts is None:  # the notice is said once, with the first
            yield replace(evaluation, counts=month_counts(db, month, as_of, keep=True), notice=None)


def rows_of_units(db, month: Month, as_of, units: Iterable[str | None],
                  rosters: Iterable[UnitRoster]) -> tuple[list[Row], dict[str, PersonName]]:
    """The rows of `units` (None: the staff in no unit, each their own scope) and their people's names."""
    rows: list[Row] = []
    for unit in units:
        if unit is not None:
            rows.extend(month_report(db, month, as_of, unit_id=unit).rows)
            continue
        for roster in rosters:
            if roster.unit is None:
                for member in roster.specialists:
                    rows.extend(month_report(db, month, as_of, specialist_id=member.staff_id).rows)
    return rows, MONTH_CACHE.people_names(db, (row.person_id for row in rows), people_names)


def caseload_heading(specialist: StaffMember, month: Month, rows: list[Row], shown: int, query: str) -> Content:
    """"Name · Month: N not seen without a reason · N documented · N seen · N not required"."""
    summary = Summary.of(rows)
    unseen = summary.unseen_without_reason
    unseen_markup = (
        "[$text-error b]✗ $unseen not seen without a reason[/]"
        if unseen
        else "[$text-success b]✓ nobody unseen without a reason[/]"
    )
    filtered = " · [$text-warning]showing $shown of $total matching “$query”[/]" if query.strip() else ""
    return Content.from_markup(
        f"[b]$name[/b] · $month: {unseen_markup} · $documented with a documented reason · "
        f"$seen seen · $not_required not required{filtered}",
        name=staff_label(specialist),
        month=month_name(month),
        unseen=str(unseen),
        documented=str(summary.explained + summary.excused),
        seen=str(summary.met),
        not_required=str(summary.not_required),
        shown=str(shown),
        total=str(len(rows)),
        query=query.strip(),
    )


#: The longest a form that saved waits for the caseload's new rows before it closes anyway
#: (`StaffingScreen.when_drawn_again`); they take 30–60 ms on the statewide database.
RELOAD_WAIT_S = 0.3

#: The actions whose availability depends on what is chosen (see `check_action`).
_STATEFUL_ACTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("filter", ()),
    ("agenda", ()),
    *(("record", (kind,)) for kind in STAFFING_ACTIONS),
)


class StaffingScreen(StaffingActionScreen):
    """Units and specialists on the left; the chosen specialist's caseload on the right."""

    AUTO_FOCUS = "#units"

    BINDINGS = [
        HELP_BINDING,
        Binding("slash", "filter", "Filter", id="staffing.filter",
                tooltip="Filter the caseload by name, case, status or reason words"),
        Binding("escape", "focus_units", "Units", id="staffing.focus_units",
                tooltip="Back to the units and specialists"),
        *ACTION_BINDINGS,
    ]

    def __init__(self, db_path: Path, month: Month | None = None) -> None:
        super().__init__(db_path)
        self.requested_month = month
        self.evaluation: MonthEvaluation | None = None
        self.specialist: StaffMember | None = None
        self._binding_state: tuple[bool | None, ...] = ()
        #: The exceptions read for the detail line, by id (emptied when a record is saved).
        self._exceptions: dict[int, ExceptionSummary | None] = {}
        #: The month and units last asked for on demand (a caseload of a unit not evaluated yet).
        self._units_asked: tuple[Month, frozenset[str | None]] | None = None
        #: Waiting for the rows of the last `reload()` to be drawn (`when_drawn_again`).
        self._after_reload: list[Callable[[], None]] = []
        self._reloading = False

    def compose(self) -> ComposeResult:
        yield StaffingHeader()
        with Horizontal(id="body"):
            with Vertical(id="units-pane"):
                # Moving the cursor onto a specialist shows their caseload in the same frame.
                yield UnitsTree(id="units", on_specialist=self.show_specialist)
            with Vertical(id="people-pane"):
                yield Static(id="people-heading")
                yield FilterInput(id="caseload-filter")
                yield CaseloadTable(id="caseload")
                yield RowDetail(id="row-detail")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self._set_heading(Content("Evaluating the month…"))
        self.watch(self.app, "month", self._app_month_changed, init=False)
        self.watch(self.app, "masked", lambda _masked: self._show_caseload(), init=False)
        self.load_month(self.requested_month)

    # --- workers: read the database, never touch a widget ---------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="month", name="evaluate the month")
    def _evaluate_month(self, month: Month | None, fall_back: bool, first: tuple[str | None, ...],
                        acting: str | None) -> None:
        worker = get_current_worker()
        for evaluation in evaluate_for_screen(self.db_path, month, fall_back=fall_back, first=first, acting=acting):
            if worker.is_cancelled:
                return
            self.post_message(MonthEvaluated(evaluation))

    @work(thread=True, exclusive=True, exit_on_error=False, group="units", name="evaluate a unit")
    def _evaluate_units(self, evaluation: MonthEvaluation, units: frozenset[str | None]) -> None:
        with database_at(self.db_path, readonly=True) as db:
            rows, names = rows_of_units(db, evaluation.month, evaluation.as_of, units, evaluation.rosters)
        if not get_current_worker().is_cancelled:
            self.post_message(UnitsEvaluated(evaluation.month, evaluation.as_of, units, rows, names))

    @work(thread=True, exclusive=True, exit_on_error=False, group="exception", name="read the exception")
    def _read_exception(self, exception_id: int) -> None:
        with database_at(self.db_path, readonly=True) as db:
            summary = exception_summary(db, exception_id)
        if not get_current_worker().is_cancelled:
            self.post_message(ExceptionRead(exception_id, summary))

    # --- starting work ----------------------------------------------------

    def load_month(self, month: Month | None) -> None:
        """Evaluate `month`: the shown specialist's and the acting user's units first, then everyone."""
        self.query_one(UnitsTree).loading = self.evaluation is None or self.evaluation.month != month
        app = self.staffing_app
        first = (self.specialist.unit_id,) if self.specialist else ()
        self._evaluate_month(month, self.evaluation is None, first, app.actor_id or app.as_staff)

    def reload(self) -> None:
        """Evaluate the month shown again (a record was saved): badges and caseload follow."""
        self._exceptions.clear()
        self._reloading = True
        self.load_month(self.evaluation.month if self.evaluation else self.requested_month)

    def when_drawn_again(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the rows of the last `reload()` are in the caseload, or after
        `RELOAD_WAIT_S` at the most (a slow or failed evaluation keeps no form waiting)."""
        if not self._reloading:
            callback()
            return
        self._after_reload.append(callback)
        self.set_timer(RELOAD_WAIT_S, self._drawn_again)

    def _drawn_again(self) -> None:
        self._reloading = False
        callbacks, self._after_reload = self._after_reload, []
        for callback in callbacks:
            callback()

    def _app_month_changed(self, month: Month | None) -> None:
        if month is not None and (self.evaluation is None or month != self.evaluation.month):
            self.load_month(month)

    # --- results ------------------------------------------------------------

    @on(MonthEvaluated)
    def _month_evaluated(self, message: MonthEvaluated) -> None:
        # Not stopped: the message goes on to the app, which takes the month from it at first.
        asked = self.staffing_app.month
        if asked is not None and message.evaluation.month != asked:
            return  # a month asked for before the one now being read: its rows would not be wanted
        evaluation = self.evaluation = message.evaluation
        self.shown_month = evaluation.month  # the header's month changes with the rows, not before
        tree = self.query_one(UnitsTree)
        tree.show_rosters(evaluation.rosters, evaluation.badge, home_unit=evaluation.home_unit)
        tree.loading = False
        if evaluation.notice:
            self.notify(evaluation.notice, severity="warning", markup=False)
        if self.specialist is not None:
            self.specialist = evaluation.specialist(self.specialist.staff_id) or self.specialist
        self._show_caseload()
        self.refresh_bindings()  # a loading tree offers no bindings; now it does again
        self._drawn_again()

    @on(UnitsEvaluated)
    def _units_evaluated(self, message: UnitsEvaluated) -> None:
        evaluation = self.evaluation
        self._units_asked = None
        if evaluation is None or (evaluation.month, evaluation.as_of) != (message.month, message.as_of):
            return  # another month is shown now
        evaluation = self.evaluation = evaluation.with_rows(message.units, message.rows, message.names)
        self.query_one(UnitsTree).show_rosters(evaluation.rosters, evaluation.badge, home_unit=evaluation.home_unit)
        self._show_caseload()

    def show_specialist(self, specialist: StaffMember) -> None:
        """Show `specialist`'s caseload for the month: rows already in memory, no query.

        A filter typed for one specialist's caseload is cleared for another's (and the user told),
        or their caseload would open as "showing 0 of 20" for words that were never about them.
        """
        if self.specialist is not None and specialist.staff_id != self.specialist.staff_id:
            self._clear_filter_for(specialist)
        self.specialist = specialist
        self._show_caseload()

    def _clear_filter_for(self, specialist: StaffMember) -> None:
        filter_input = self.query_one(FilterInput)
        query = filter_input.value.strip()
        filter_input.value = ""
        filter_input.remove_class("-active")
        if query:
            self.notify(f"Filter “{shown(query)}” cleared: showing all of {staff_label(specialist)}'s caseload.",
                        markup=False)

    def select_specialist(self, staff_id: str) -> bool:
        """Move the tree to `staff_id`, show their caseload and focus it (command palette)."""
        tree = self.query_one(UnitsTree)
        node = tree.find_specialist(staff_id)
        if node is None or not isinstance(node.data, SpecialistEntry):
            return False
        tree.move_cursor(node)
        self.show_specialist(node.data.specialist)
        self.query_one(CaseloadTable).focus()
        return True

    def _show_caseload(self) -> None:
        if self.evaluation is None:
            return
        if self.specialist is None:
            self._set_heading(
                Content.from_markup(
                    "Move to a specialist to see their caseload for $month; [b]Enter[/b] opens it.",
                    month=month_name(self.evaluation.month),
                )
            )
            return
        if not self.evaluation.covers(self.specialist):
            units = frozenset({self.specialist.unit_id})
            if self._units_asked != (self.evaluation.month, units):  # not asked for already
                self._units_asked = (self.evaluation.month, units)
                self._evaluate_units(self.evaluation, units)
            self.query_one(CaseloadTable).show_rows([], {}, masked=self.staffing_app.masked)
            self._show_row_detail()
            self._set_heading(Content.from_markup(
                "[b]$name[/b] · $month: evaluating the unit's caseloads…",
                name=staff_label(self.specialist), month=month_name(self.evaluation.month),
            ))
            self._refresh_bindings_if_changed()
            return
        rows = caseload_order(self.evaluation.rows_of(self.specialist.staff_id))
        query = self.query_one(FilterInput).value
        shown = matching_rows(rows, self.evaluation.names, query)
        self.query_one(CaseloadTable).show_rows(shown, self.evaluation.names, masked=self.staffing_app.masked,
                                                month=self.evaluation.month)
        self._set_heading(caseload_heading(self.specialist, self.evaluation.month, rows, len(shown), query))
        self._refresh_bindings_if_changed()
        self._show_row_detail()

    @on(Tree.NodeSelected, "#units")
    def _node_selected(self, event: Tree.NodeSelected[TreeEntry]) -> None:
        if isinstance(event.node.data, SpecialistEntry):
            self.show_specialist(event.node.data.specialist)
            self.query_one(CaseloadTable).focus()

    @on(DataTable.RowSelected, "#caseload")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        target = self.action_target()
        if target is None or target.case_id is None:
            return
        from staffing_tui.screens.detail import CaseDetailScreen

        self.app.push_screen(CaseDetailScreen(self.db_path, target.specialist, target.case_id, target.person_id))

    @on(DataTable.RowHighlighted, "#caseload")
    def _row_highlighted(self) -> None:
        # Exceptions and plans are for a person: the household row greys them in the footer.
        self._refresh_bindings_if_changed()
        self._show_row_detail()

    def _show_row_detail(self) -> None:
        """The highlighted row in full under the table; an exception it rests on is read once."""
        detail = self.query_one(RowDetail)
        row = self.query_one(CaseloadTable).cursor_row_shown
        detail.display = self.evaluation is not None and row is not None
        if self.evaluation is None or row is None:
            return
        exception = None
        if row.exception_id is not None:
            if row.exception_id in self._exceptions:
                exception = self._exceptions[row.exception_id]
            else:
                self._read_exception(row.exception_id)
        detail.show_row(row, self.evaluation.names, masked=self.staffing_app.masked, month=self.evaluation.month,
                        exception=exception)

    @on(ExceptionRead)
    def _exception_read(self, message: ExceptionRead) -> None:
        self._exceptions[message.exception_id] = message.summary
        self._show_row_detail()

    def _refresh_bindings_if_changed(self) -> None:
        """Redraw the footer only when a key's state changed: it is the costly part of a keypress."""
        state = tuple(self.check_action(action, parameters) for action, parameters in _STATEFUL_ACTIONS)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    # --- the filter -----------------------------------------------------------

    def action_filter(self) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.add_class("-active")
        filter_input.focus()

    @on(FilterInput.Changed, "#caseload-filter")
    def _filter_changed(self) -> None:
        self._show_caseload()

    @on(FilterInput.Done)
    def _filter_done(self) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.set_class(bool(filter_input.value.strip()), "-active")
        self.query_one(CaseloadTable).focus()

    @on(FilterInput.Cleared)
    def _filter_cleared(self) -> None:
        self.query_one(FilterInput).remove_class("-active")
        self.query_one(CaseloadTable).focus()

    # --- state ------------------------------------------------------------------

    def action_target(self) -> ActionTarget | None:
        if self.specialist is None or self.evaluation is None:
            return None
        table = self.query_one(CaseloadTable)
        key = table.cursor_key
        if key is None or isinstance(self.app.focused, UnitsTree):
            return ActionTarget(self.specialist)
        case_id, _, person_id = key.partition("/")
        return ActionTarget(self.specialist, case_id, person_id or None)

    def work_failed(self, worker: Worker) -> None:
        self.query_one(UnitsTree).loading = False
        self.refresh_bindings()
        if worker.group != "month":
            return
        self._drawn_again()
        if self.evaluation is None:
            self._set_heading(Content("Nothing to show: the month could not be evaluated (see the message)."))
        elif self.staffing_app.month != self.evaluation.month:
            self.staffing_app.month = self.evaluation.month  # stay on the month still shown

    @on(events.DescendantFocus)
    def _track_focus(self, event: events.DescendantFocus) -> None:
        # Below 180 columns the caseload takes the whole width while it (or its filter) has focus.
        self.set_class(isinstance(event.widget, (CaseloadTable, FilterInput)), "-table-focused")

    def action_focus_units(self) -> None:
        self.remove_class("-table-focused")
        self.query_one(UnitsTree).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_units":
            return self.has_class("-table-focused")
        if action == "filter":
            return self.specialist is not None
        return super().check_action(action, parameters)

    def _set_heading(self, content: Content) -> None:
        self.query_one("#people-heading", Static).update(content)
