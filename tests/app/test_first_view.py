"""The first view: units → specialists with badges, and the not-seen table (Pilot).

The fixture (conftest.py) is November 2026 as of 2026-11-18: Ana has 1 person
due and 1 explained, Ben has everyone seen, Cora has 4 due.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual.notifications import Notification, Notify
from textual.widgets import Footer, Static
from textual.widgets.data_table import ColumnKey
from textual.worker import WorkerFailed

import staffing_tui.screens.staffing as staffing_screen
from staffing_tui.app import StaffingApp, build_app, run_app
from staffing_tui.domain.enums import Status
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.store.connection import open_database
from staffing_tui.widgets.not_seen_table import NotSeenTable
from staffing_tui.widgets.units_tree import SpecialistEntry, UnitEntry, UnitsTree
from tests.app.conftest import build_staffing_db

SIZE = (120, 40)


class Recorder:
    """Collects the notifications the app posts (run_test's public message hook)."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.notifications.append(message.notification)

    def errors(self) -> list[Notification]:
        return [n for n in self.notifications if n.severity == "error"]


async def settle(pilot) -> None:
    """Let every worker finish and its message be handled."""
    for _ in range(2):  # a result can start the next worker (month → people)
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerFailed:
            pass  # the app reports it; the tests look at what the user sees
        await pilot.pause()


def tree_of(app: StaffingApp) -> UnitsTree:
    return app.screen.query_one(UnitsTree)


def table_of(app: StaffingApp) -> NotSeenTable:
    return app.screen.query_one(NotSeenTable)


def specialist_badges(tree: UnitsTree) -> dict[str, str]:
    """Specialist name → the label as drawn (name and badge, spacing collapsed)."""
    return {
        node.data.specialist.name: " ".join(tree.render_label(node, Style(), Style()).plain.split())
        for unit in tree.root.children
        for node in unit.children
        if isinstance(node.data, SpecialistEntry)
    }


def table_keys(table: NotSeenTable) -> list[str]:
    return [row_key.value for row_key in table.rows]


def status_column(table: NotSeenTable) -> list[str]:
    return [str(cell) for cell in table.get_column("status")]


async def test_tree_lists_units_then_specialists_with_unseen_without_reason_badges(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        units = [node.data for node in tree.root.children]
        assert all(isinstance(unit, UnitEntry) for unit in units)
        assert [unit.unit.label for unit in units] == ["North Unit · Central", "South Unit · Desert"]
        assert [unit.unseen for unit in units] == [1, 4]
        counts = {
            node.data.specialist.staff_id: node.data.unseen
            for unit in tree.root.children
            for node in unit.children
        }
        # The supervisor carries no case: not a specialist row in the tree.
        assert counts == {"S1": 1, "S2": 0, "S3": 4}
        assert specialist_badges(tree) == {
            "Ana Alvarez": "Ana Alvarez 1 not seen",
            "Ben Brooks": "Ben Brooks ✓",
            "Cora Diaz": "Cora Diaz 4 not seen",
        }


async def test_badge_is_red_above_zero_and_green_at_zero(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        red = tree.get_component_rich_style("units-tree--unseen", partial=True).color
        green = tree.get_component_rich_style("units-tree--clear", partial=True).color
        assert red != green
        ana, ben = tree.root.children[0].children
        ana_badge = tree.render_label(ana, Style(), Style()).spans[-1].style
        ben_badge = tree.render_label(ben, Style(), Style()).spans[-1].style
        assert ana_badge.color == red and ben_badge.color == green


async def test_the_month_is_evaluated_once_for_the_whole_database(staffing_db: Path, monkeypatch):
    calls = []
    real = staffing_screen.month_report

    def counting(db, month, *args, **kwargs):
        calls.append((month, args, kwargs))
        return real(db, month, *args, **kwargs)

    monkeypatch.setattr(staffing_screen, "month_report", counting)
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
    assert calls == [(Month(2026, 11), (), {})]  # one call, no unit/specialist scope


async def test_opens_at_the_as_of_month_and_says_it_is_in_progress(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.title == "Staffing · November 2026"
        assert app.screen.sub_title == "in progress · as of 2026-11-18"
        assert isinstance(app.focused, UnitsTree)


async def test_a_past_month_is_complete_and_unmet_is_not_called_due(staffing_db: Path):
    app = build_app(staffing_db, month="2026-10")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.sub_title == "complete · as of 2026-11-18"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert status_column(table_of(app))[0] == "✗ unmet"


async def test_enter_on_a_specialist_fills_the_table_with_its_not_seen_people(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_of(app).row_count == 0
        await pilot.press("down", "enter")  # Ana Alvarez
        await settle(pilot)
        table = table_of(app)
        # Unseen without a reason first, then the documented reason; the parent
        # seen this month (met) is not listed.
        assert table_keys(table) == ["C1/K1", "C1/K2"]
        assert status_column(table) == ["! due", "• explained"]
        assert [str(cell) for cell in table.get_row("C1/K1")] == [
            "Kit Lane", "! due", "not seen", "child", "C1", "monthly face-to-face", "never",
            "foster home since 2026-05-01", "reunification",
        ]
        heading = str(app.screen.query_one("#people-heading", Static).render())
        assert "1 not seen without a reason" in heading and "1 with a documented reason" in heading


async def test_table_lists_exactly_the_specialists_unmet_and_due_rows_first(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # Cora Diaz
        await settle(pilot)
        table = table_of(app)
        assert table_keys(table) == ["C3/K4", "C3/P2", "C4/", "C4/K5"]
        assert set(status_column(table)) == {"! due"}
        household = table.get_row("C4/")
        assert (str(household[0]), household[3]) == ("Household", "whole case")


async def test_a_specialist_with_everyone_seen_has_an_empty_table(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Ben Brooks
        await settle(pilot)
        assert table_of(app).row_count == 0
        heading = str(app.screen.query_one("#people-heading", Static).render())
        assert "everyone with a visit requirement was seen" in heading


async def test_tab_moves_to_the_table_and_escape_goes_back(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, NotSeenTable)
        assert app.screen.has_class("-narrow", "-table-focused")
        await pilot.press("escape")
        assert isinstance(app.focused, UnitsTree)
        assert tree_of(app).cursor_node.data.specialist.staff_id == "S1"


async def test_previous_month_keeps_the_chosen_specialist(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter", "left_square_bracket")
        await settle(pilot)
        assert app.screen.title == "Staffing · October 2026"
        assert app.screen.sub_title.startswith("complete")
        assert tree_of(app).cursor_node.data.specialist.staff_id == "S1"
        assert status_column(table_of(app))[0] == "✗ unmet"


async def test_next_month_stops_at_the_as_of_month(staffing_db: Path):
    recorder = Recorder()
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen.title == "Staffing · November 2026"
        assert [n.message for n in recorder.notifications] == [
            "December 2026 has not started as of 2026-11-18."
        ]


async def test_a_failing_worker_becomes_an_error_notification_not_a_crash(staffing_db: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(staffing_screen, "month_report", broken)
    recorder = Recorder()
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert app.is_running
        [error] = recorder.errors()
        assert error.message == "Could not evaluate the month: engine exploded."
        assert "Traceback" not in error.message
        assert not tree_of(app).loading
        await pilot.press("down", "enter")  # still usable: nothing to show, no crash
        assert app.is_running
    assert app.return_code in (None, 0)


async def test_a_user_error_from_the_engine_is_shown_as_its_own_sentence(staffing_db: Path, monkeypatch):
    def refuses(*args, **kwargs):
        raise UserError("The as-of date 2026-11-18 is before 2027-01 starts.")

    monkeypatch.setattr(staffing_screen, "month_report", refuses)
    recorder = Recorder()
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert [n.message for n in recorder.errors()] == ["The as-of date 2026-11-18 is before 2027-01 starts."]


async def test_a_missing_database_gives_a_clear_message(tmp_path: Path):
    missing = tmp_path / "nowhere.db"
    recorder = Recorder()
    app = build_app(missing)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert app.is_running
        [error] = recorder.errors()
        assert error.message.startswith(f"There is no database at {missing}")
        assert app.screen.sub_title == "no data"
    assert not missing.exists()  # opening never creates a database


def test_run_app_reports_a_missing_database_on_stderr_with_status_2(tmp_path: Path, capsys):
    missing = tmp_path / "nowhere.db"
    assert run_app(missing) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"There is no database at {missing}")
    assert "Traceback" not in err


def test_run_app_rejects_a_malformed_month_with_status_2(staffing_db: Path, capsys):
    assert run_app(staffing_db, month="2026-13") == 2
    assert "is not a month" in capsys.readouterr().err


def test_the_app_starts_on_the_staffing_screen(staffing_db: Path):
    app = StaffingApp(str(staffing_db), as_staff="SV1", month=Month(2026, 10))
    screen = app.get_default_screen()
    assert isinstance(screen, StaffingScreen)
    assert screen.requested_month == Month(2026, 10)
    assert app.as_staff == "SV1"


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_status_is_visible_at_80_columns_and_wide(staffing_db: Path, size):
    app = build_app(staffing_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        table = table_of(app)
        status_x = table.columns[ColumnKey("name")].get_render_width(table)
        assert table.region.x + status_x + len(Status.DUE) + 2 < size[0]


def test_run_app_without_a_database_opens_the_sample_working_copy(staffing_db: Path, monkeypatch):
    import staffing_tui.app as app_module

    opened = []
    monkeypatch.setattr(app_module, "sample_working_copy", lambda: staffing_db)
    monkeypatch.setattr(StaffingApp, "run", lambda self: opened.append(self.db_path))
    assert run_app(None) == 0
    assert opened == [staffing_db]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_long_names_are_cut_so_every_badge_stays_on_screen(tmp_path: Path, size):
    path = build_staffing_db(tmp_path / "long.db")
    db = open_database(path)
    db.execute("UPDATE staff SET name = 'Bartholomew Kowalczyk-Fairweather' WHERE staff_id = 'S2'")
    db.execute("UPDATE staff SET name = 'Ana Alvarez [acting]' WHERE staff_id = 'S1'")  # not markup
    db.execute("UPDATE units SET name = 'Saguaro Family Services Unit', region = 'Central Region'")
    db.conn.commit()
    db.close()
    app = build_app(path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        assert tree.virtual_size.width <= tree.scrollable_content_region.width  # no sideways scroll
        lines = [strip.text for strip in tree.render_lines(tree.scrollable_content_region.reset_offset)]
        assert any(line.rstrip().endswith("1 not seen") and "Ana Alvarez [a" in line for line in lines)
        assert any(line.rstrip().endswith("✓") and "Bartholomew" in line for line in lines)


async def test_the_footer_describes_the_keys_once_the_month_is_loaded(staffing_db: Path):
    app = build_app(staffing_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        shown = {key.key: key.description for key in footer.query("FooterKey")}
        assert shown["enter"] == "Show not seen"
        assert shown["left_square_bracket"] == "Prev month"
        assert shown["right_square_bracket"] == "Next month"
        assert shown["q"] == "Quit"
        assert "escape" not in shown  # "Units" only while the table has focus
