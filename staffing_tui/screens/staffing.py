"""The first view: units → specialists with badges, and who was not seen this month.

The month is evaluated once for the whole database in a thread worker; the
rows are grouped by specialist for the badges. Choosing a specialist fills the
table from those rows, with names read in a second worker.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Header, Static, Tree
from textual.worker import Worker, get_current_worker

from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.messages import MonthEvaluated, MonthEvaluation, NotSeenLoaded
from staffing_tui.screens.base import DatabaseScreen, database_at
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.directory import StaffMember, people_names, unit_rosters
from staffing_tui.store.evaluation import month_report
from staffing_tui.widgets.not_seen_table import NotSeenTable, not_seen_rows
from staffing_tui.widgets.units_tree import SpecialistEntry, TreeEntry, UnitsTree


def month_name(month: Month) -> str:
    """The month as people say it, e.g. "November 2026"."""
    return f"{calendar.month_name[month.month]} {month.year}"


def evaluate_for_screen(db_path: Path, month: Month | None) -> MonthEvaluation:
    """Evaluate `month` (default: the as-of month) once for the whole database.

    One `month_report` call for everyone; the rows are grouped by specialist
    here so each badge is a count, not another evaluation.
    """
    with database_at(db_path) as db:
        month = month or Month.of(default_as_of(db))
        report = month_report(db, month)
        by_specialist: dict[str, list[Row]] = defaultdict(list)
        for row in report.rows:
            by_specialist[row.specialist_id].append(row)
        rosters = unit_rosters(db, also_staff_ids=by_specialist)
    return MonthEvaluation(
        month=report.month,
        as_of=report.as_of,
        in_progress=report.in_progress,
        rosters=tuple(rosters),
        rows_by_specialist=dict(by_specialist),
    )


class StaffingScreen(DatabaseScreen):
    """Units and specialists on the left; the chosen specialist's not-seen people on the right."""

    AUTO_FOCUS = "#units"

    BINDINGS = [
        Binding("left_square_bracket", "previous_month", "Prev month", id="staffing.previous_month"),
        Binding("right_square_bracket", "next_month", "Next month", id="staffing.next_month"),
        Binding("escape", "focus_units", "Units", id="staffing.focus_units"),
    ]

    def __init__(self, db_path: Path, month: Month | None = None) -> None:
        super().__init__(db_path)
        self.requested_month = month
        self.evaluation: MonthEvaluation | None = None
        self.specialist: StaffMember | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="units-pane"):
                yield UnitsTree(id="units")
            with Vertical(id="people-pane"):
                yield Static(id="people-heading")
                yield NotSeenTable(id="not-seen")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Staffing"
        self.sub_title = "loading…"
        self.query_one("#people-heading", Static).update("Evaluating the month…")
        self.load_month(self.requested_month)

    # --- workers: read the database, never touch a widget ---------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="month", name="evaluate the month")
    def _evaluate_month(self, month: Month | None) -> None:
        evaluation = evaluate_for_screen(self.db_path, month)
        if not get_current_worker().is_cancelled:
            self.post_message(MonthEvaluated(evaluation))

    @work(thread=True, exclusive=True, exit_on_error=False, group="people", name="load the people not seen")
    def _load_not_seen(self, specialist: StaffMember, month: Month, rows: list[Row]) -> None:
        with database_at(self.db_path) as db:
            names = people_names(db, (row.person_id for row in rows))
        if not get_current_worker().is_cancelled:
            self.post_message(NotSeenLoaded(specialist, month, rows, names))

    # --- starting work ----------------------------------------------------

    def load_month(self, month: Month | None) -> None:
        self.query_one(UnitsTree).loading = True
        self._evaluate_month(month)

    def show_specialist(self, specialist: StaffMember) -> None:
        """Fill the table with `specialist`'s not-seen people for the current month."""
        if self.evaluation is None:
            return
        self.specialist = specialist
        rows = not_seen_rows(self.evaluation.rows_of(specialist.staff_id))
        self.query_one(NotSeenTable).loading = True
        self._load_not_seen(specialist, self.evaluation.month, rows)

    # --- results ------------------------------------------------------------

    @on(MonthEvaluated)
    def _month_evaluated(self, message: MonthEvaluated) -> None:
        evaluation = self.evaluation = message.evaluation
        self.title = f"Staffing · {month_name(evaluation.month)}"
        state = "in progress" if evaluation.in_progress else "complete"
        self.sub_title = f"{state} · as of {evaluation.as_of.isoformat()}"
        tree = self.query_one(UnitsTree)
        tree.show_rosters(evaluation.rosters, evaluation.unseen_without_reason)
        tree.loading = False
        self.refresh_bindings()  # a loading tree offers no bindings; now it does again
        if self.specialist is not None:
            self.show_specialist(self.specialist)
        else:
            self._set_heading(
                Content.from_markup(
                    "Choose a specialist and press [b]Enter[/b] to see who was not seen in $month.",
                    month=month_name(evaluation.month),
                )
            )

    @on(NotSeenLoaded)
    def _not_seen_loaded(self, message: NotSeenLoaded) -> None:
        current = self.evaluation.month if self.evaluation else None
        if message.specialist != self.specialist or message.month != current:
            return  # a newer choice is on its way
        table = self.query_one(NotSeenTable)
        table.show_rows(message.rows, message.names)
        table.loading = False
        self.refresh_bindings()
        self._set_heading(self._heading_for(message.specialist, message.month, message.rows))

    @on(Tree.NodeSelected, "#units")
    def _node_selected(self, event: Tree.NodeSelected[TreeEntry]) -> None:
        if isinstance(event.node.data, SpecialistEntry):
            self.show_specialist(event.node.data.specialist)

    def work_failed(self, worker: Worker) -> None:
        self.query_one(UnitsTree).loading = False
        self.query_one(NotSeenTable).loading = False
        self.refresh_bindings()
        if worker.group == "month" and self.evaluation is None:
            self.sub_title = "no data"
            self._set_heading(Content("Nothing to show: the month could not be evaluated (see the message)."))

    @on(events.DescendantFocus)
    def _track_focus(self, event: events.DescendantFocus) -> None:
        # At 80 columns the table takes the whole width while it has focus.
        self.set_class(isinstance(event.widget, NotSeenTable), "-table-focused")
        self.refresh_bindings()

    # --- actions ------------------------------------------------------------

    def action_focus_units(self) -> None:
        self.remove_class("-table-focused")
        self.query_one(UnitsTree).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_units":
            return self.has_class("-table-focused")
        return True

    def action_previous_month(self) -> None:
        if self.evaluation is not None:
            self.load_month(self.evaluation.month.previous())

    def action_next_month(self) -> None:
        if self.evaluation is None:
            return
        following = self.evaluation.month.next()
        if following > self.evaluation.latest_month:
            self.notify(
                f"{month_name(following)} has not started as of {self.evaluation.as_of.isoformat()}.",
                severity="warning",
                markup=False,
            )
            return
        self.load_month(following)

    # --- helpers ------------------------------------------------------------

    def _set_heading(self, content: Content) -> None:
        self.query_one("#people-heading", Static).update(content)

    @staticmethod
    def _heading_for(specialist: StaffMember, month: Month, rows: list[Row]) -> Content:
        unseen = sum(1 for row in rows if row.unseen_without_reason)
        documented = len(rows) - unseen
        if not rows:
            return Content.from_markup(
                "[b]$name[/b] · $month: [$text-success]✓ everyone with a visit requirement was seen[/]",
                name=specialist.name,
                month=month_name(month),
            )
        unseen_markup = (
            "[$text-error b]$unseen not seen without a reason[/]"
            if unseen
            else "[$text-success b]✓ none without a reason[/]"
        )
        return Content.from_markup(
            f"[b]$name[/b] · $month: {unseen_markup} · $documented with a documented reason",
            name=specialist.name,
            month=month_name(month),
            unseen=str(unseen),
            documented=str(documented),
        )
