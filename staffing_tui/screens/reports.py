"""`r` Reports for program managers and supervisors (issue 5 §4; docs/policy.md "The federal measure").

For one month: a summary per unit and per specialist (required, met, excused,
explained, unmet, due and — the number that should be zero — not seen
without a reason), a twelve-month trend of that number per unit, the federal
caseworker-visit measure for the fiscal year to date, and the integrity flags
to fix. Everything is computed in one thread worker; the screen shows a
loading indicator meanwhile. Under the privacy mask people appear as initials.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Header, Label, Static
from textual.worker import Worker, get_current_worker

from staffing_tui.domain.enums import Role
from staffing_tui.domain.evaluate import is_in_progress
from staffing_tui.domain.federal import RESIDENCE_STANDARD, VISIT_STANDARD, FederalMeasure, fiscal_year_of
from staffing_tui.domain.months import Month
from staffing_tui.present.federal import percent
from staffing_tui.present.labels import flags_label, month_name, short_month, shown
from staffing_tui.screens.base import DatabaseScreen, database_at
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.directory import list_units, people_names, staff_members
from staffing_tui.store.evaluation import (
    Summary,
    month_counts,
    month_flagged,
    month_report,
    report_names,
    resolve_as_of,
)
from staffing_tui.store.federal import federal_report
from staffing_tui.store.trends import trend_months, unseen_trend
from staffing_tui.widgets.key_footer import KeyFooter

#: Summary columns: (Summary field, header). "No reason" = unmet + due, the
#: number that should be zero: first, so it stays on screen at 80 columns.
SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("unseen_without_reason", "No reason"),
    ("required", "Required"),
    ("met", "Met"),
    ("excused", "Excused"),
    ("explained", "Explained"),
    ("unmet", "Unmet"),
    ("due", "Due"),
)

NO_UNIT = "No unit"


@dataclass(frozen=True, slots=True)
class SummaryLine:
    label: str
    unit: str
    summary: Summary
    #: The specialist whose caseload the row opens (a unit's row: its first specialist), if any.
    opens: str | None = None


@dataclass(frozen=True, slots=True)
class TrendLine:
    unit: str
    counts: tuple[int, ...]
    #: The last month is in progress: of its count, this many are only due (the month has days
    #: left to see them), None when the month is complete.
    due: int | None = None

    @property
    def so_far(self) -> int:
        """The last month's count that is final: not seen without a reason so far (unmet)."""
        latest = self.counts[-1] if self.counts else 0
        return latest - (self.due or 0)


@dataclass(frozen=True, slots=True)
class FlagLine:
    case_id: str
    person: str
    role: str
    specialist: str
    flag: str
    #: What the row opens: the case (for the person, None: the whole case) on its specialist's caseload.
    opens: tuple[str, str, str | None] | None = None  # (specialist_id, case_id, person_id)


@dataclass(frozen=True, slots=True)
class ReportsData:
    month: Month
    as_of: date
    in_progress: bool
    units: tuple[SummaryLine, ...]
    total: Summary
    specialists: tuple[SummaryLine, ...]
    trend_months: tuple[Month, ...]
    #: None while the eleven months before are still being evaluated
    trend: tuple[TrendLine, ...] | None
    federal: FederalMeasure
    flags: tuple[FlagLine, ...]


def build_reports(db_path: Path, month: Month | None, masked: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  home_unit: str | None = None) -> Iterator[ReportsData]:
    """Everything the reports screen shows, from one connection (runs in the worker).

    `home_unit` (the acting supervisor's unit) comes first: in the units, the specialists
    and the trend (issue 17).

    Yields twice: first the month (summaries, federal measure, flags) with
    `trend` None, then the same with the twelve-month trend, which needs the
    eleven months before evaluated too (seconds on a statewide database,
    nothing once they are in the month cache); `progress(done, total)` after
    each of them evaluated.
    """
    with database_at(db_path, readonly=True) as db:
        month = month or Month.of(default_as_of(db))
        as_of = resolve_as_of(db, month, None)
        counts = month_counts(db, month, as_of, keep=True)
        flagged = month_flagged(db, month, as_of)
        units = list_units(db)
        specialists = {spec for _unit, spec in counts.by_pair}
        names: dict[str, str] = {unit.unit_id: unit.name for unit in units}
        names.update({m.staff_id: m.name for m in staff_members(db, specialists).values()})
        people = people_names(db, (row.person_id for row in flagged))
        names.update({pid: p.initials if masked else p.display for pid, p in people.items()})
        by_unit = counts.by_unit()
        unit_ids: list[str | None] = sorted((unit.unit_id for unit in units), key=lambda u: u != home_unit)
        if None in by_unit:
            unit_ids.append(None)

        def unit_label(unit_id: str | None) -> str:
            return shown(names.get(unit_id, unit_id)) if unit_id else NO_UNIT

        order = {unit_id: index for index, unit_id in enumerate(unit_ids)}
        # A specialist's line is under the unit of their rows (a specialist moved mid-month: the first).
        pairs = sorted(counts.by_pair, key=lambda pair: (order.get(pair[0], len(order)),
                                                         names.get(pair[1], pair[1]).casefold(), pair[1]))
        unit_of: dict[str, str | None] = {}
        for unit_id, spec in pairs:
            unit_of.setdefault(spec, unit_id)
        by_specialist = counts.by_specialist()
        specialist_lines = tuple(
            SummaryLine(shown(names.get(spec, spec)), unit_label(unit_id), by_specialist[spec], spec)
            for spec, unit_id in unit_of.items()
        )
        first_of_unit: dict[str | None, str] = {}
        for spec in sorted(unit_of, key=lambda spec: names.get(spec, spec).casefold()):
            first_of_unit.setdefault(unit_of[spec], spec)
        unit_lines = tuple(SummaryLine(unit_label(u), unit_label(u), by_unit.get(u, Summary()), first_of_unit.get(u))
                           for u in unit_ids)
        federal = federal_report(db, fiscal_year_of(month), min(as_of, month.end))
        flags = tuple(
            FlagLine(
                shown(row.case_id),
                shown(names.get(row.person_id, row.person_id)) if row.person_id else "whole case",
                str(row.role).replace("_", " ") if isinstance(row.role, Role) else "",
                shown(names.get(row.specialist_id, row.specialist_id)),
                flags_label((flag,)),
                (row.specialist_id, row.case_id, row.person_id),
            )
            for row in flagged
            for flag in row.integrity_flags
        )
        in_progress = is_in_progress(month, as_of)
        data = ReportsData(
            month=month, as_of=as_of, in_progress=in_progress,
            units=unit_lines, total=counts.total, specialists=specialist_lines,
            trend_months=trend_months(month), trend=None, federal=federal, flags=flags,
        )
        yield data
        trend = unseen_trend(db, unit_ids, month, as_of=as_of, known=[counts], progress=progress)
        due = {u: by_unit.get(u, Summary()).due for u in unit_ids} if in_progress else {}
        yield replace(data, trend=tuple(TrendLine(unit_label(u), trend.counts(u), due.get(u)) for u in unit_ids))


def _trend_span(data: ReportsData) -> str:
    return f"{short_month(data.trend_months[0])} → {short_month(data.trend_months[-1])}"


def federal_text(measure: FederalMeasure) -> Content:
    """The measure in words: rates against the standards, meets or below (fits 80 columns)."""
    ffy = measure.ffy
    heading = f"FFY {ffy} (Oct {ffy - 1} – Sep {ffy})"
    if not measure.months:
        return Content.assemble((heading, "bold"), f": no complete month yet as of {measure.as_of.isoformat()}.")

    def verdict(ok: bool | None) -> tuple[str, str]:
        if ok is None:
            return ("n/a", "$text-muted")
        return ("✓ meets", "bold $text-success") if ok else ("✗ below", "bold $text-error")

    first, last = short_month(measure.months[0]), short_month(measure.months[-1])
    through = first if first == last else f"{first} – {last}"
    visits = f"{measure.visited_months}/{measure.full_months} child-months visited"
    residence = f"{measure.residence_months}/{measure.visited_months} visits at the residence"
    return Content.assemble(
        (heading, "bold"), f" · complete: {through} · {measure.children} children in care\n",
        "Visit rate     ", (f"{percent(measure.visit_rate):>6}", "bold"), f"  {visits:<30}",
        f"standard {VISIT_STANDARD:.0%}: ", verdict(measure.meets_visit_standard), "\n",
        "Residence rate ", (f"{percent(measure.residence_rate):>6}", "bold"), f"  {residence:<30}",
        f"standard {RESIDENCE_STANDARD:.0%}: ", verdict(measure.meets_residence_standard),
    )


class ReportsLoaded(Message):
    def __init__(self, worker: Worker, data: ReportsData, *, trend_only: bool = False) -> None:
        super().__init__()
        #: the load it comes from: one cancelled since (another month, the mask) is ignored
        self.worker = worker
        self.data = data
        #: the second of `build_reports`' two: only the trend is new
        self.trend_only = trend_only


class TrendProgress(Message):
    """`done` of the `total` months the trend still needed are evaluated."""

    def __init__(self, worker: Worker, done: int, total: int) -> None:
        super().__init__()
        self.worker, self.done, self.total = worker, done, total


class ReportExported(Message):
    def __init__(self, month: Month, path: Path) -> None:
        super().__init__()
        self.month, self.path = month, path


def export_report(db_path: Path, month: Month, masked: bool, path: Path) -> None:
    """Write the month's staffing report (every row, as `staffing-tui report`) to `path`, in the
    format its ending names; under the mask with initials and no placement names."""
    from staffing_tui.exports import prepare_export, write_private_text
    from staffing_tui.modals.export_prompt import export_format
    from staffing_tui.present.report import REPORT_FORMATS, masked_report, report_export

    fmt = export_format(path, REPORT_FORMATS)
    with database_at(db_path, readonly=True) as db:
        report = month_report(db, month)
        names = report_names(db, report, masked=masked)
    if masked:
        report = masked_report(report)
    text = report_export(report, names, fmt)
    prepare_export(path)
    # The path was typed (or accepted) and Export pressed: an earlier export there is replaced, as
    # the agenda's; the database's own files, links, pipes and devices never are.
    write_private_text(path, text, replace=True, database=db_path)


class _Stopped(Exception):
    """The load was cancelled (another month was asked for): stop evaluating its trend."""


#: Bar heights, lowest first (the same blocks as Textual's Sparkline).
_BARS = "▁▂▃▄▅▆▇█"
#: Columns of the unit's name in the trend (the months' caption is indented as much).
TREND_LABEL_WIDTH = 17


def trend_bars(counts: tuple[int, ...]) -> Content:
    """One bar per month, as high as its count among the line's (zero: the lowest bar, green)."""
    top = max(counts, default=0)
    return Content.assemble(*(
        (_BARS[round(count / top * (len(_BARS) - 1)) if top else 0], "$text-error" if count else "$text-success")
        for count in counts
    ))


#: After the count of a month in progress: it is the count so far, not the month's.
SO_FAR_MARK = "…"


def trend_line(line: TrendLine) -> Content:
    """A unit's line: its name, a bar per month, then the numbers (the last one, the month shown, in bold).

    A month in progress is not held against the unit as if it were over (docs/policy.md: a
    person is due until the month ends): its bar and number are the unmet so far, marked `…`,
    and those still due are shown apart ("+3 due")."""
    name = line.unit if len(line.unit) < TREND_LABEL_WIDTH else line.unit[:TREND_LABEL_WIDTH - 2] + "…"
    earlier = "".join(f"{n:>3}" for n in line.counts[:-1])
    counts = (*line.counts[:-1], line.so_far) if line.counts else line.counts
    latest = line.so_far
    parts: list[str | tuple[str, str]] = [
        f"{name:<{TREND_LABEL_WIDTH}}", trend_bars(counts), "  ", earlier,
        (f"{latest:>3}", "bold $text-error" if latest else "bold $text-success"),
    ]
    if line.due is not None:
        parts += [(SO_FAR_MARK, "bold"), (f" +{line.due} due", "$text-warning" if line.due else "$text-muted")]
    return Content.assemble(*parts)


class TrendChart(Static):
    """Every unit's twelve months of not-seen-without-reason, one line each (`trend_line`).

    One widget for all the lines: a statewide database has 250 units, and three
    widgets per line took about two seconds to mount and lay out.
    """

    DEFAULT_CSS = "TrendChart { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines: tuple[TrendLine, ...] = ()

    def show(self, lines: tuple[TrendLine, ...]) -> None:
        self.lines = lines
        self.update(Content("\n").join(trend_line(line) for line in lines))


class ReportTable(DataTable):
    """A table in the scrolling reports page: an arrow past its first or last row reads on, into
    the next table when it shows already, else a line of the page (`ReportsScreen.read_past`)."""

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row < self.row_count - 1:
            super().action_cursor_down()
        elif isinstance(self.screen, ReportsScreen):
            self.screen.read_past(self, 1)

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row > 0:
            super().action_cursor_up()
        elif isinstance(self.screen, ReportsScreen):
            self.screen.read_past(self, -1)


class ReportsScreen(DatabaseScreen):
    """Unit and specialist summaries, the trend, the federal measure and integrity flags for a month."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="reports.close"),
        Binding("left_square_bracket", "previous_month", "Prev month", id="reports.previous_month"),
        Binding("right_square_bracket", "next_month", "Next month", id="reports.next_month"),
        Binding("ctrl+e", "export", "Export", id="reports.export",
                tooltip="Export the month's staffing report: Markdown, CSV, HTML or JSON"),
    ]

    DEFAULT_CSS = """
    ReportsScreen #reports-body { height: 1fr; padding: 0 1; }
    ReportsScreen .section-title { text-style: bold; margin-top: 1; color: $text-primary; }
    ReportsScreen .section-note { color: $text-muted; }
    ReportsScreen DataTable { height: auto; max-height: 14; }
    ReportsScreen #trend-months { color: $text-muted; padding-left: 17; }
    ReportsScreen #federal { height: auto; }
    ReportsScreen #flags-none { color: $text-success; }
    """

    def __init__(self, db_path: Path, month: Month | None = None, masked: bool = False,
                 home_unit: str | None = None) -> None:
        super().__init__(db_path)
        self.month = month
        self.masked = masked
        #: the acting supervisor's unit, listed first
        self.home_unit = home_unit
        self.data: ReportsData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="reports-body"):
            yield Static(id="reports-state", classes="section-note")
            yield Label("By unit", classes="section-title")
            yield ReportTable(cursor_type="row", zebra_stripes=True, id="by-unit")
            yield Label("By specialist", classes="section-title")
            yield ReportTable(cursor_type="row", zebra_stripes=True, id="by-specialist")
            yield Static(Content("“No reason” = not seen without a documented reason (unmet + due): "
                                 "the number that should be zero."), classes="section-note")
            yield Label("Not seen without a reason, last 12 months", classes="section-title")
            yield Static(id="trend-months")
            yield TrendChart(id="trend")
            yield Label("Federal caseworker-visit measure, year to date", classes="section-title")
            yield Static(id="federal")
            yield Label("Integrity flags to fix", classes="section-title")
            yield Static(Content("None this month."), id="flags-none")
            yield ReportTable(cursor_type="row", zebra_stripes=True, id="flags")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Reports"
        self.sub_title = "loading…"
        for table_id, last in (("#by-unit", []), ("#by-specialist", [("Unit", "unit")])):
            table = self.query_one(table_id, DataTable)
            table.add_column("Unit" if table_id == "#by-unit" else "Specialist", key="name")
            for key, label in SUMMARY_COLUMNS:
                table.add_column(label, key=key)
            for label, key in last:
                table.add_column(label, key=key)
        flags = self.query_one("#flags", DataTable)
        # The flag first: its words are the longest, and what there is to fix (whole at 80 columns).
        for label, key in (("Flag", "flag"), ("Person", "person"), ("Case", "case"), ("Role", "role"),
                           ("Specialist", "specialist")):
            flags.add_column(label, key=key)
        self.watch(self.app, "masked", self._mask_changed, init=False)
        self.load(self.month)

    def _mask_changed(self, masked: bool) -> None:
        # `x` anywhere in the app: names here are masked (or shown) too, not only on the main screen.
        self.masked = masked
        self.load(self.month)

    # --- the worker --------------------------------------------------------------------------

    def load(self, month: Month | None) -> None:
        self.query_one("#reports-body").loading = True
        self._build(month)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports", name="build the reports")
    def _build(self, month: Month | None) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Stopped  # the months left would be evaluated for nobody
            self.post_message(TrendProgress(worker, done, total))

        try:
            for stage, data in enumerate(build_reports(self.db_path, month, self.masked, progress,
                                                                 home_unit=self.home_unit)):
                if worker.is_cancelled:
                    return
                self.post_message(ReportsLoaded(worker, data, trend_only=stage > 0))
        except _Stopped:
            return

    def work_failed(self, worker: Worker) -> None:
        if worker.group == "reports-export":
            return  # the message says why; the reports on screen are untouched
        self.query_one("#reports-body").loading = False
        if self.data is not None and self.data.trend is None:
            self.query_one("#trend-months", Static).update(Content(
                f"{_trend_span(self.data)}: the trend could not be evaluated (see the message)."))
        if self.data is None:
            self.sub_title = "no data"
            self.query_one("#reports-state", Static).update(
                Content("Nothing to show: the reports could not be built (see the message)."))

    # --- rendering ---------------------------------------------------------------------------

    @on(ReportsLoaded)
    def _loaded(self, message: ReportsLoaded) -> None:
        if message.worker.is_cancelled:
            return  # posted just before another load replaced it
        data = self.data = message.data
        if message.trend_only:
            self._show_trend(data)  # the rest is on screen already (and may have been scrolled)
            return
        self.month = data.month
        state = "in progress" if data.in_progress else "complete"
        self.title = f"Reports · {month_name(data.month)}"
        self.sub_title = f"{state} · as of {data.as_of.isoformat()}" + (" · names masked" if self.masked else "")
        unseen = data.total.unseen_without_reason
        self.query_one("#reports-state", Static).update(Content.assemble(
            f"{data.total.required} visit requirements, ",
            (f"{unseen} not seen without a reason", "bold $text-error" if unseen else "bold $text-success"),
            f" ({state}, as of {data.as_of.isoformat()})."))
        self._fill_summary("#by-unit", [(line.label,) for line in data.units], [line.summary for line in data.units],
                           total=data.total)
        self._fill_summary("#by-specialist", [(line.label, line.unit) for line in data.specialists],
                           [line.summary for line in data.specialists])
        self._show_trend(data)
        self.query_one("#federal", Static).update(federal_text(data.federal))
        flags = self.query_one("#flags", DataTable)
        flags.clear()
        for index, line in enumerate(data.flags):
            flags.add_row(line.flag, Text(line.person), Text(line.case_id), line.role, Text(line.specialist),
                          key=str(index))
        flags.display = bool(data.flags)
        self.query_one("#flags-none").display = not data.flags
        self.query_one("#reports-body").loading = False
        self.query_one("#by-unit", DataTable).focus(scroll_visible=False)
        self.query_one("#reports-body").scroll_home(animate=False)
        self.refresh_bindings()

    @on(TrendProgress)
    def _trend_progress(self, message: TrendProgress) -> None:
        if not message.worker.is_cancelled and self.data is not None and self.data.trend is None:
            self.query_one("#trend-months", Static).update(Content(
                f"{_trend_span(self.data)}: evaluating the months before… {message.done} of {message.total}"))

    def _show_trend(self, data: ReportsData) -> None:
        self.query_one("#trend-months", Static).update(Content(
            f"{_trend_span(data)}: evaluating the months before…" if data.trend is None
            else f"{_trend_span(data)}, one bar and one number per month"
            + (f" · {short_month(data.month)} in progress: so far{SO_FAR_MARK} +still due"
               if data.in_progress else "")))
        self.query_one("#trend", TrendChart).show(data.trend or ())

    def _fill_summary(self, table_id: str, labels: list[tuple[str, ...]], summaries: list[Summary],
                      total: Summary | None = None) -> None:
        table = self.query_one(table_id, DataTable)
        table.clear()
        for index, ((name, *rest), summary) in enumerate(zip(labels, summaries, strict=True)):
            table.add_row(Text(name), *self._numbers(summary), *(Text(part) for part in rest), key=str(index))
        if total is not None:
            table.add_row(Text("All units", style="bold"), *self._numbers(total, bold=True))

    def _numbers(self, summary: Summary, bold: bool = False) -> list[Text]:
        colours = self.app.theme_variables
        cells = []
        for key, _ in SUMMARY_COLUMNS:
            value = getattr(summary, key)
            style = "bold" if bold or key == "unseen_without_reason" else ""
            if key == "unseen_without_reason":
                # Colour follows the theme; the number itself carries the meaning.
                style += f" {colours['text-error'] if value else colours['text-success']}"
            cells.append(Text(str(value), style=style.strip(), justify="right"))
        return cells

    # --- reading with the arrows ----------------------------------------------------------------

    def read_past(self, table: ReportTable, step: int) -> None:
        """An arrow past `table`'s last (`step` 1) or first (-1) row: into the next (previous) table
        when part of it shows, else the page scrolls a line that way."""
        body = self.query_one("#reports-body", VerticalScroll)
        tables = [each for each in self.query(ReportTable) if each.display]
        index = tables.index(table) + step if table in tables else -1
        if 0 <= index < len(tables) and tables[index].row_count:
            following, view = tables[index], body.region
            showing = following.region.y < view.bottom if step > 0 else following.region.bottom > view.y
            if showing:
                following.move_cursor(row=0 if step > 0 else following.row_count - 1, animate=False)
                following.focus()
                return
        body.scroll_relative(y=step, animate=False)

    # --- actions -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Build the reports again (a record was saved elsewhere)."""
        self.load(self.month)

    def action_close(self) -> None:
        self.app.pop_screen()

    # --- export (ctrl+e) ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return True if self.data is not None else None
        return True

    def action_export(self) -> None:
        if self.data is None:
            return
        from staffing_tui.exports import default_export_path
        from staffing_tui.modals.export_prompt import ExportPrompt
        from staffing_tui.present.report import REPORT_FORMATS

        month = self.data.month

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._export(month, self.masked, path)

        self.app.push_screen(ExportPrompt(f"Export the staffing report for {month_name(month)} to",
                                          default_export_path(f"report-{month}.md"), REPORT_FORMATS), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports-export", name="export the report")
    def _export(self, month: Month, masked: bool, path: Path) -> None:
        export_report(self.db_path, month, masked, path)
        self.post_message(ReportExported(month, path))

    @on(ReportExported)
    def _exported(self, message: ReportExported) -> None:
        self.notify(f"Staffing report for {month_name(message.month)} exported to {message.path} "
                    "(readable by you only).", markup=False)

    # --- a row opens the caseload (enter) ---------------------------------------------------

    @on(DataTable.RowSelected, "#by-unit, #by-specialist")
    def _summary_selected(self, event: DataTable.RowSelected) -> None:
        if self.data is None or event.row_key.value is None:
            return
        lines = self.data.units if event.data_table.id == "by-unit" else self.data.specialists
        index = int(event.row_key.value)
        if index >= len(lines):
            return  # the "All units" line
        if lines[index].opens is None:
            self.notify("Nobody on this unit has a caseload this month.", severity="warning", markup=False)
            return
        if (jump := getattr(self.app, "jump_to_specialist", None)) is not None:  # the app, not a test's host
            jump(lines[index].opens)

    @on(DataTable.RowSelected, "#flags")
    def _flag_selected(self, event: DataTable.RowSelected) -> None:
        if self.data is None or event.row_key.value is None:
            return
        line = self.data.flags[int(event.row_key.value)]
        if line.opens is not None and (open_case := getattr(self.app, "open_case", None)) is not None:
            open_case(*line.opens)

    def action_previous_month(self) -> None:
        if self.data is not None:
            self.load(self.data.month.previous())

    def action_next_month(self) -> None:
        if self.data is None:
            return
        following = self.data.month.next()
        if following.start > self.data.as_of:
            self.notify(f"{month_name(following)} has not started as of "
                        f"{self.data.as_of.isoformat()}.", severity="warning", markup=False)
            return
        self.load(following)
