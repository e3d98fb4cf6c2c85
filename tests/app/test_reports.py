"""The reports screen: summaries, the 12-month trend, the federal measure, integrity flags.

Fixture: the forms tests' November 2026 database (as of 2026-11-18, see
tests/builders.py `build_forms_db`), plus one duplicate entry of a visit with Kit (K1) so
there is an integrity flag.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from staffing_tui.domain.months import Month
from staffing_tui.screens.reports import ReportsScreen, TrendChart, TrendLine, trend_line
from staffing_tui.store import trends
from staffing_tui.store.connection import open_database
from staffing_tui.store.evaluation import month_report
from tests.conftest import NOVEMBER, Host, settle, staffing_app


@pytest.fixture
def flagged_db(forms_db: Path) -> Path:
    """Kit's visit of 2026-11-05 entered twice under different note types (`duplicate_note`)."""
    conn = sqlite3.connect(forms_db)
    with conn:
        for note_id, note_type in (("N3", "child_visit"), ("N4", "placement_visit")):
            conn.execute(
                "INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location) "
                "VALUES (?, 'C1', 'S1', '2026-11-05T09:00:00', ?, 'in_person', 'placement')", [note_id, note_type])
            conn.execute("INSERT INTO note_contacts (note_id, person_id) VALUES (?, 'K1')", [note_id])
    conn.close()
    return forms_db


async def show_reports(pilot, db_path: Path, month: Month | None = NOVEMBER, masked: bool = False) -> ReportsScreen:
    screen = ReportsScreen(db_path, month, masked=masked)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def table_rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_unit_and_specialist_summaries_match_the_month_report(flagged_db):
    db = open_database(flagged_db)
    report = month_report(db, NOVEMBER)
    db.close()
    south = [row for row in report.rows if row.unit_id == "U2"]
    async with Host().run_test(size=(120, 40)) as pilot:
        screen = await show_reports(pilot, flagged_db)
        assert not screen.query_one("#reports-body").loading
        units = table_rows(screen.query_one("#by-unit", DataTable))
        specialists = table_rows(screen.query_one("#by-specialist", DataTable))
        assert screen.title == "Reports · November 2026" and "in progress" in screen.sub_title
    # columns: name, no reason, required, met, excused, explained, unmet, due
    assert [row[0] for row in units] == ["North Unit", "South Unit", "All units"]
    summary = report.summary
    assert units[-1][1:] == [str(v) for v in (summary.unseen_without_reason, summary.required, summary.met,
                                              summary.excused, summary.explained, summary.unmet, summary.due)]
    assert units[1][1] == str(sum(1 for row in south if row.unseen_without_reason)) == "4"
    assert ["Ana Alvarez", "0", "3", "2", "0", "1", "0", "0", "North Unit"] == specialists[0]
    assert [row[0] for row in specialists] == ["Ana Alvarez", "Ben Brooks", "Cora Diaz"]


async def test_trend_shows_twelve_months_per_unit_ending_with_the_month(flagged_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        screen = await show_reports(pilot, flagged_db)
        chart = screen.query_one(TrendChart)
        lines = chart.lines
        shown = str(chart.render()).splitlines()
        caption = str(screen.query_one("#trend-months", Static).render())
    assert [line.unit for line in lines] == ["North Unit", "South Unit"] and all(len(line.counts) == 12 for line in lines)
    assert lines[1].counts[-1] == 4 and lines[0].counts[-1] == 0  # South: 4 not seen without a reason in November
    assert shown == [trend_line(line).plain for line in lines]
    # November is in progress: South's 4 are all still due, none unmet so far (issue 17).
    assert lines[1].due == 4 and lines[1].so_far == 0
    assert shown[1].startswith("South Unit") and shown[1].endswith("  0… +4 due")
    assert "Dec 2025 → Nov 2026" in caption and "Nov 2026 in progress: so far… +still due" in caption


def test_the_month_in_progress_is_drawn_as_so_far_with_those_due_apart():
    counts = (0, 2, 4, 0, 1, 0, 0, 0, 0, 0, 3, 4)
    line = trend_line(TrendLine("North", counts, due=3))
    # Its bar is the 1 unmet so far, not a full bar of 4; the 3 due are apart.
    assert line.plain == "North            ▁▅█▁▃▁▁▁▁▁▆▃  " + "".join(f"{n:>3}" for n in counts[:-1]) + "  1… +3 due"
    assert len(line.plain) <= 78  # the reports screen's width at 80 columns


def test_a_trend_line_is_the_unit_a_bar_per_month_and_the_numbers():
    line = trend_line(TrendLine("A unit with a long name", (0, 2, 4, 0, 1, 0, 0, 0, 0, 0, 3, 4)))
    # bar heights scaled to the line's top (4); zero is the lowest bar
    assert line.plain == "A unit with a l… ▁▅█▁▃▁▁▁▁▁▆█  " + "".join(f"{n:>3}" for n in (0, 2, 4, 0, 1, 0, 0, 0, 0, 0, 3, 4))
    assert trend_line(TrendLine("Quiet", (0,) * 12)).plain.startswith("Quiet            ▁▁▁▁▁▁▁▁▁▁▁▁")


async def test_federal_measure_year_to_date_and_integrity_flags(flagged_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        screen = await show_reports(pilot, flagged_db)
        federal = str(screen.query_one("#federal", Static).render())
        flags = table_rows(screen.query_one("#flags", DataTable))
    # FFY 2027 starts in October 2026; October is the one complete month by 2026-11-18.
    assert "FFY 2027" in federal and "complete: Oct 2026" in federal
    assert "Visit rate" in federal and "standard 95%" in federal and "standard 50%" in federal
    duplicate = "same contact entered twice under different note types"
    assert flags == [[duplicate, "Kit Lane", "C1", "child", "Ana Alvarez"]]


@pytest.mark.slow
async def test_masked_reports_show_initials_and_months_move_with_brackets(flagged_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        screen = await show_reports(pilot, flagged_db, masked=True)
        assert table_rows(screen.query_one("#flags", DataTable))[0][1] == "K. L."
        assert "names masked" in screen.sub_title
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.title == "Reports · October 2026"
        assert screen.query_one("#flags-none").display  # no flags in October
        await pilot.press("right_square_bracket", "right_square_bracket")  # December has not started
        await settle(pilot)
        assert screen.title == "Reports · November 2026"
        await pilot.press("escape")
        assert pilot.app.screen is not screen
    assert pilot.app.failures == []


async def test_the_month_is_shown_while_the_trend_is_evaluated_and_the_trend_does_not_move_the_cursor(
    flagged_db, monkeypatch
):
    import threading

    import staffing_tui.screens.reports as reports_module

    release = threading.Event()
    real = reports_module.unseen_trend

    def slow_trend(*args, **kwargs):
        release.wait(10)  # eleven statewide months take seconds: held until the test has looked
        return real(*args, **kwargs)

    monkeypatch.setattr(reports_module, "unseen_trend", slow_trend)
    async with Host().run_test(size=(120, 40)) as pilot:
        screen = ReportsScreen(flagged_db, NOVEMBER)
        await pilot.app.push_screen(screen)
        for _ in range(300):
            if screen.data is not None:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert screen.data.trend is None
        assert len(table_rows(screen.query_one("#by-unit", DataTable))) == 3  # two units and the total
        assert "evaluating the months before" in str(screen.query_one("#trend-months", Static).render())
        assert screen.query_one(TrendChart).lines == ()
        units = screen.query_one("#by-unit", DataTable)
        units.focus()
        await pilot.press("down")
        release.set()
        await settle(pilot)
        assert screen.data.trend is not None and len(screen.query_one(TrendChart).lines) == 2
        assert "one bar and one number per month" in str(screen.query_one("#trend-months", Static).render())
        assert units.cursor_row == 1  # the month's tables were not filled again


def hold_the_trend_after(monkeypatch, months: int):
    """Make the trend's month evaluations wait, after `months` of them, until the returned event is set;
    returns (event, [(thread id, month) evaluated])."""
    import threading

    release = threading.Event()
    real = trends.month_counts
    evaluated: list[tuple[int, Month]] = []

    def held(db, month, *args, **kwargs):
        if len(evaluated) == months:
            release.wait(10)  # the test looks at the screen meanwhile
        evaluated.append((threading.get_ident(), month))
        return real(db, month, *args, **kwargs)

    monkeypatch.setattr(trends, "month_counts", held)
    return release, evaluated


async def open_with_the_trend_held_at_three(pilot, db_path: Path) -> tuple[ReportsScreen, Static]:
    """November's reports, once the trend's label says three of its eleven months are evaluated."""
    screen = ReportsScreen(db_path, NOVEMBER)
    await pilot.app.push_screen(screen)
    label = screen.query_one("#trend-months", Static)
    for _ in range(500):
        if "3 of 11" in str(label.render()):
            break
        await pilot.pause(0.01)
    return screen, label


async def test_the_trend_says_how_many_of_the_months_before_are_evaluated(flagged_db, monkeypatch):
    release, _ = hold_the_trend_after(monkeypatch, 3)
    async with Host().run_test(size=(120, 40)) as pilot:
        try:
            _, label = await open_with_the_trend_held_at_three(pilot, flagged_db)
            assert str(label.render()) == "Dec 2025 → Nov 2026: evaluating the months before… 3 of 11"
        finally:
            release.set()
        await settle(pilot)
        assert str(label.render()) == ("Dec 2025 → Nov 2026, one bar and one number per month"
                                       " · Nov 2026 in progress: so far… +still due")


@pytest.mark.slow
async def test_another_month_stops_the_trend_being_evaluated_and_its_counts_are_not_shown(flagged_db, monkeypatch):
    release, evaluated = hold_the_trend_after(monkeypatch, 3)
    async with Host().run_test(size=(120, 40)) as pilot:
        try:
            screen, label = await open_with_the_trend_held_at_three(pilot, flagged_db)
            november = evaluated[0][0]  # the thread of November's load
            await pilot.press("left_square_bracket")  # October, while November's trend is held
            await pilot.pause(0.2)
        finally:
            release.set()
        await settle(pilot)
        assert screen.data.month == Month(2026, 10) and screen.data.trend is not None
        assert str(label.render()) == "Nov 2025 → Oct 2026, one bar and one number per month"
        assert [thread for thread, _ in evaluated].count(november) == 4  # three, the held one, then stopped


async def reports_from_the_main_screen(pilot) -> ReportsScreen:
    """The real app's reports, opened with `r` once the main screen has evaluated the month."""
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReportsScreen)
    return pilot.app.screen


@pytest.mark.slow
async def test_x_on_the_reports_screen_masks_its_names_and_r_does_not_open_a_second_one(flagged_db):
    app = staffing_app(flagged_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await reports_from_the_main_screen(pilot)
        assert "names masked" not in screen.sub_title
        await pilot.press("x")
        await settle(pilot)
        assert screen.masked and "names masked" in screen.sub_title
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen
        assert sum(isinstance(s, ReportsScreen) for s in app.screen_stack) == 1


def test_the_reports_only_read_the_database(flagged_db, monkeypatch):
    import staffing_tui.screens.reports as reports_module

    opened = []
    real = reports_module.database_at

    def recording(path, **kwargs):
        opened.append(kwargs)
        return real(path, **kwargs)

    monkeypatch.setattr(reports_module, "database_at", recording)
    stages = list(reports_module.build_reports(flagged_db, NOVEMBER))
    assert [data.trend is None for data in stages] == [True, False]
    assert opened == [{"readonly": True}]


@pytest.mark.slow
async def test_in_the_app_the_unit_summary_shows_every_unit_and_the_total(flagged_db):
    # The main screen's tree is #units; the app's stylesheet gives it the pane's height.
    # The reports' tables have their own ids, so none of that reaches them.
    app = staffing_app(flagged_db)
    async with app.run_test(size=(120, 40)) as pilot:
        table = (await reports_from_the_main_screen(pilot)).query_one("#by-unit", DataTable)
        assert table.row_count == 3 and table.size.height == 4  # header, two units and the total


# --- issue 17: the reports at 80×24 -----------------------------------------------------------


async def test_the_supervisors_own_unit_comes_first_in_units_specialists_and_trend(flagged_db):
    app = staffing_app(flagged_db, as_staff="SV2")  # Wes Wu, South Unit
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert [row[0] for row in table_rows(screen.query_one("#by-unit", DataTable))] == [
            "South Unit", "North Unit", "All units"]
        assert [row[0] for row in table_rows(screen.query_one("#by-specialist", DataTable))] == [
            "Cora Diaz", "Ana Alvarez", "Ben Brooks"]
        assert [line.unit for line in screen.query_one(TrendChart).lines] == ["South Unit", "North Unit"]


async def test_the_arrows_read_down_the_whole_reports_page_and_back(flagged_db):
    async with Host().run_test(size=(80, 24)) as pilot:
        screen = await show_reports(pilot, flagged_db)
        body = screen.query_one("#reports-body")
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        for _ in range(60):
            await pilot.press("down")
        assert body.scroll_y == body.max_scroll_y  # to the end of the page
        assert app_focused_id(pilot) == "flags"  # through the tables on the way
        for _ in range(60):
            await pilot.press("up")
        assert body.scroll_y == 0 and app_focused_id(pilot) == "by-unit"


async def test_at_80_columns_the_integrity_flag_is_whole_on_screen(flagged_db):
    async with Host().run_test(size=(80, 24)) as pilot:
        screen = await show_reports(pilot, flagged_db)
        flags = screen.query_one("#flags", DataTable)
        flags.focus()
        await pilot.pause()
        line = flags.render_line(1).text  # the first row under the header
        assert "same contact entered twice under different note types" in line


def app_focused_id(pilot) -> str | None:
    focused = pilot.app.focused
    return focused.id if focused is not None else None
