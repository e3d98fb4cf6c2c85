"""The main screen: units → specialists with badges, and the chosen specialist's caseload (Pilot).

The fixture (conftest.py `caseload_db`) is November 2026 as of 2026-11-18:
Ana has 2 people due (Kit not seen, Ivy on runaway), 1 explained, 1 met;
Ben has everyone seen; Cora has 4 due.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from rich.style import Style
from textual.widgets import Footer
from textual.widgets.data_table import ColumnKey

import staffing_tui.screens.staffing as staffing_screen
import staffing_tui.widgets.units_tree as units_tree
from staffing_tui.app import StaffingApp, run_app
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.store.connection import open_database
from staffing_tui.store.kept_months import forget_kept
from staffing_tui.store.month_cache import MONTH_CACHE
from staffing_tui.widgets.caseload_table import CaseloadTable
from staffing_tui.widgets.units_tree import SpecialistEntry, UnitEntry, UnitsTree
from tests.builders import build_staffing_db
from tests.conftest import (
    SIZE,
    Recorder,
    caseload_of,
    column,
    header_text,
    open_caseload,
    row_detail_text,
    settle,
    staffing_app,
    table_keys,
    tree_of,
)


def drawn_lines(tree: UnitsTree) -> str:
    """The tree's lines as it draws them (its line cache included), spacing collapsed, one per line."""
    return "\n".join(" ".join(tree.render_line(y).text.split()) for y in range(tree.size.height))


def specialist_badges(tree: UnitsTree) -> dict[str, str]:
    """Specialist name → the label as drawn (name and badge, spacing collapsed)."""
    return {
        node.data.specialist.name: " ".join(tree.render_label(node, Style(), Style()).plain.split())
        for unit in tree.root.children
        for node in unit.children
        if isinstance(node.data, SpecialistEntry)
    }


async def test_tree_lists_units_then_specialists_with_unseen_without_reason_badges(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        units = [node.data for node in tree.root.children]
        assert all(isinstance(unit, UnitEntry) for unit in units)
        assert [unit.unit.label for unit in units] == ["North Unit · Central", "South Unit · Desert"]
        assert [unit.unseen for unit in units] == [2, 4]
        # The supervisor carries no case: not a specialist row in the tree.
        assert specialist_badges(tree) == {
            "Ana Alvarez": "Ana Alvarez 2 not seen",
            "Ben Brooks": "Ben Brooks ✓",
            "Cora Diaz": "Cora Diaz 4 not seen",
        }


async def test_badge_is_red_above_zero_and_green_at_zero(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        red = tree.get_component_rich_style("units-tree--unseen", partial=True).color
        green = tree.get_component_rich_style("units-tree--clear", partial=True).color
        assert red != green
        ana, ben = tree.root.children[0].children
        assert tree.render_label(ana, Style(), Style()).spans[-1].style.color == red
        assert tree.render_label(ben, Style(), Style()).spans[-1].style.color == green


@pytest.mark.slow
async def test_the_month_is_evaluated_for_the_first_unit_counted_once_for_all_and_another_unit_on_demand(
    caseload_db: Path, monkeypatch
):
    calls = []
    real_report, real_counts = staffing_screen.month_report, staffing_screen.month_counts

    def counting(db, month, *args, **kwargs):
        calls.append(("rows", month, kwargs))
        return real_report(db, month, *args, **kwargs)

    def counting_all(db, month, *args, **kwargs):
        calls.append(("counts", month, {}))
        return real_counts(db, month, *args, **kwargs)

    monkeypatch.setattr(staffing_screen, "month_report", counting)
    monkeypatch.setattr(staffing_screen, "month_counts", counting_all)
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        assert table.row_count == 4
        await pilot.press("escape", "down")  # Ben: shown from memory, at once
        assert table_keys(caseload_of(app)) == ["C2/K3"]
        assert not app.workers  # no worker was started for it
        assert tree_of(app).root.children[1].children  # the other unit's badges are known already
        await pilot.press("down", "down")  # Cora, in the other unit: her unit is evaluated now
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(caseload_of(app).rows) == 4
    # the unit shown first (the supervisor's and the tree's first), the whole database counted once
    # (the app holds no other unit's rows), then Cora's unit when the user moved to it
    assert calls == [("rows", Month(2026, 11), {"unit_id": "U1"}), ("counts", Month(2026, 11), {}),
                     ("rows", Month(2026, 11), {"unit_id": "U2"})]


@pytest.mark.slow
async def test_while_the_rest_is_counted_other_units_show_an_ellipsis_and_a_caseload_is_evaluated_on_demand(
    caseload_db: Path, monkeypatch
):
    release = threading.Event()
    real = staffing_screen.month_counts

    def slow_for_everyone(db, month, *args, **kwargs):
        release.wait(10)  # the whole database: held until the test has looked
        return real(db, month, *args, **kwargs)

    monkeypatch.setattr(staffing_screen, "month_counts", slow_for_everyone)
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.screen.evaluation is not None:
                break
            await pilot.pause(0.01)
        evaluation = app.screen.evaluation
        assert evaluation.evaluated_units == frozenset({"U1"}) and not evaluation.complete
        await pilot.pause()
        tree = tree_of(app)
        assert specialist_badges(tree) == {
            "Ana Alvarez": "Ana Alvarez 2 not seen",
            "Ben Brooks": "Ben Brooks ✓",
            "Cora Diaz": "Cora Diaz …",
        }
        assert [unit.unseen for unit in (node.data for node in tree.root.children)] == [2, None]
        assert "Cora Diaz …" in drawn_lines(tree)
        await pilot.press("down", "down", "down", "down")  # Cora, South Unit: her unit is evaluated now
        for _ in range(200):
            if caseload_of(app).row_count:
                break
            await pilot.pause(0.01)
        assert caseload_of(app).row_count == 4  # before the rest of the database is counted
        assert not app.screen.evaluation.complete
        assert specialist_badges(tree_of(app))["Cora Diaz"] == "Cora Diaz 4 not seen"
        release.set()
        await settle(pilot)
        assert app.screen.evaluation.complete
        assert "Cora Diaz 4 not seen" in drawn_lines(tree)  # as drawn on screen, not only as labelled
        assert "South Unit · Desert 4 not seen" in drawn_lines(tree)


def test_the_screen_holds_the_rows_of_the_units_shown_and_the_counts_of_everyone(caseload_db: Path):
    first, complete = staffing_screen.evaluate_for_screen(caseload_db, None, first=["U1"])
    assert first.evaluated_units == frozenset({"U1"}) and not first.complete and complete.complete
    assert set(first.rows_by_specialist) == {"S1", "S2"}
    assert complete.rows_by_specialist == first.rows_by_specialist  # no other unit's rows
    assert complete.counts.specialist("S3").unseen_without_reason == 4
    assert complete.badge(complete.specialist("S3")) == 4
    # the whole month is counted now: it comes at once
    cached = list(staffing_screen.evaluate_for_screen(caseload_db, None, first=["U2"]))
    assert [e.complete for e in cached] == [True]
    assert set(cached[0].rows_by_specialist) == {"S3"}
    MONTH_CACHE.clear()  # another process: the month was kept in the database, it comes at once
    fresh = list(staffing_screen.evaluate_for_screen(caseload_db, None, first=["U2"]))
    assert [e.complete for e in fresh] == [True]
    assert fresh[0].counts == complete.counts
    db = open_database(caseload_db)
    try:
        forget_kept(db)  # as after another program's write: the month is counted again, the shown unit first
    finally:
        db.close()
    MONTH_CACHE.clear()
    again = list(staffing_screen.evaluate_for_screen(caseload_db, None, first=["U2"]))
    assert [e.complete for e in again] == [False, True]


async def test_opens_at_the_as_of_month_and_the_header_says_month_state_date_and_user(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.month == Month(2026, 11)
        header = header_text(app)
        assert "November 2026 · in progress · as of 2026-11-18" in header
        assert header.endswith("Val Vega · supervisor · identity not verified")
        assert isinstance(app.focused, UnitsTree)


@pytest.mark.slow
async def test_a_past_month_is_complete_and_unmet_is_not_called_due(caseload_db: Path):
    app = staffing_app(caseload_db, month="2026-10")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        assert "October 2026 · complete · as of 2026-11-18" in header_text(app)
        assert column(table, "status")[:3] == ["✗ unmet"] * 3


@pytest.mark.slow
async def test_the_caseload_shows_the_runaway_child_not_seen_with_its_placement_status(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        assert isinstance(app.focused, CaseloadTable)
        # Not seen without a reason first, then the documented reason, then seen.
        assert table_keys(table) == ["C1/K1", "C1/K6", "C1/K2", "C1/P1"]
        assert column(table, "status") == ["! due", "! due", "• explained", "✓ met"]
        assert [str(cell) for cell in table.get_row("C1/K6")] == [
            "Ivy Lane", "! due", "runaway, no locate efforts this month", "runaway",
            "2026-09-15", "child", "C1", "monthly face-to-face", "reunification",
        ]
        # The placement column is the directory's status; since when and where: the detail line.
        assert str(table.get_row("C1/K1")[3]) == "foster home"
        assert "placement: foster home since 2026-05-01 (Oak Home)" in row_detail_text(app)
        heading = str(app.screen.query_one("#people-heading").render())
        assert "2 not seen without a reason" in heading and "1 with a documented reason" in heading
        assert "1 seen · 0 not required" in heading


@pytest.mark.slow
async def test_not_required_rows_come_last(caseload_db: Path):
    path = caseload_db
    db = open_database(path)
    db.execute("UPDATE case_members SET rights_terminated_on = '2026-06-01' WHERE person_id = 'P1'")
    db.conn.commit()
    db.close()
    app = staffing_app(path)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        assert table_keys(table)[-1] == "C1/P1"
        assert column(table, "status")[-1] == "– not required"
        assert column(table, "reason")[-1] == "rights ended to every child"


@pytest.mark.slow
async def test_cora_has_four_due_including_the_household_home_visit(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S3")
        assert table_keys(table) == ["C3/K4", "C3/P2", "C4/", "C4/K5"]
        assert set(column(table, "status")) == {"! due"}
        household = table.get_row("C4/")
        assert (str(household[0]), str(household[5])) == ("Household", "whole case")


@pytest.mark.slow
async def test_a_specialist_with_everyone_seen_says_so(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S2")
        assert column(table, "status") == ["✓ met"]
        heading = str(app.screen.query_one("#people-heading").render())
        assert "nobody unseen without a reason" in heading


@pytest.mark.slow
async def test_moving_the_tree_cursor_shows_that_caseload_without_enter(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down", "down")
        assert isinstance(app.focused, UnitsTree)
        assert table_keys(caseload_of(app)) == ["C3/K4", "C3/P2", "C4/", "C4/K5"]


@pytest.mark.slow
async def test_at_80_columns_the_caseload_takes_the_width_and_escape_goes_back(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_caseload(pilot, "S1")
        assert isinstance(app.focused, CaseloadTable)
        assert app.screen.has_class("-narrow", "-table-focused")
        assert app.screen.query_one("#units-pane").display is False
        assert caseload_of(app).region.width == 80
        await pilot.press("escape")
        assert isinstance(app.focused, UnitsTree)
        assert tree_of(app).cursor_node.data.specialist.staff_id == "S1"


@pytest.mark.slow
async def test_previous_month_keeps_the_chosen_specialist(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.month == Month(2026, 10)
        assert "October 2026 · complete" in header_text(app)
        assert tree_of(app).cursor_node.data.specialist.staff_id == "S1"
        assert column(caseload_of(app), "status")[0] == "✗ unmet"


async def test_next_month_stops_at_the_as_of_month(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.month == Month(2026, 11)
        assert recorder.messages() == ["December 2026 has not started as of 2026-11-18."]


async def test_a_month_after_the_as_of_date_at_start_shows_the_as_of_month_and_says_why(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db, month="2027-02")
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert app.month == Month(2026, 11)
        assert recorder.messages("warning") == [
            "February 2027 has not started as of 2026-11-18; showing November 2026."
        ]


async def test_a_failing_worker_becomes_an_error_notification_not_a_crash(caseload_db: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(staffing_screen, "month_report", broken)
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert app.is_running
        assert [n.message for n in recorder.errors()] == ["Could not evaluate the month: disk on fire."]
        assert "could not be evaluated" in str(app.screen.query_one("#people-heading").render())


async def test_a_user_error_from_the_engine_is_shown_as_its_own_sentence(caseload_db: Path, monkeypatch):
    def refuses(*args, **kwargs):
        raise UserError("The as-of date 2026-11-18 is before 2027-01 starts.")

    monkeypatch.setattr(staffing_screen, "month_report", refuses)
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert [n.message for n in recorder.errors()] == ["The as-of date 2026-11-18 is before 2027-01 starts."]


def test_run_app_reports_a_missing_database_on_stderr_with_status_2(tmp_path: Path, capsys):
    missing = tmp_path / "nowhere.db"
    assert run_app(missing) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"There is no database at {missing}")
    assert "Traceback" not in err


def test_run_app_rejects_a_malformed_month_with_status_2(caseload_db: Path, capsys):
    assert run_app(caseload_db, month="2026-13") == 2
    assert "is not a month" in capsys.readouterr().err


def test_the_app_starts_on_the_staffing_screen(caseload_db: Path):
    app = StaffingApp(str(caseload_db), as_staff="SV1", month=Month(2026, 10))
    screen = app.get_default_screen()
    assert isinstance(screen, StaffingScreen)
    assert screen.requested_month == Month(2026, 10)
    assert app.as_staff == "SV1"  # looked up (as `app.actor`) once the database is read


def test_run_app_without_a_database_opens_the_sample_working_copy_and_passes_on_its_notice(
        caseload_db: Path, monkeypatch):
    import staffing_tui.app as app_module
    from staffing_tui.sample import WorkingCopy

    opened = []
    monkeypatch.setattr(app_module, "working_copy", lambda: WorkingCopy(caseload_db, "A newer sample…"))
    monkeypatch.setattr(StaffingApp, "run", lambda self: opened.append((self.db_path, self.notice)))
    assert run_app(None) == 0
    assert opened == [(caseload_db, "A newer sample…")]


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_name_status_and_reason_are_visible_at_80_columns_and_wide(caseload_db: Path, size):
    app = staffing_app(caseload_db)
    async with app.run_test(size=size) as pilot:
        table = await open_caseload(pilot, "S1")
        reason_end = sum(table.columns[ColumnKey(key)].get_render_width(table) for key in ("name", "status", "reason"))
        assert table.region.x + reason_end <= size[0]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_long_names_are_cut_so_every_badge_stays_on_screen(tmp_path: Path, size):
    path = build_staffing_db(tmp_path / "long.db")
    db = open_database(path)
    db.execute("UPDATE staff SET name = 'Bartholomew Kowalczyk-Fairweather' WHERE staff_id = 'S2'")
    db.execute("UPDATE staff SET name = 'Ana Alvarez [acting]' WHERE staff_id = 'S1'")  # not markup
    db.execute("UPDATE units SET name = 'Saguaro Family Services Unit', region = 'Central Region'")
    db.conn.commit()
    db.close()
    app = staffing_app(path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        assert tree.virtual_size.width <= tree.scrollable_content_region.width  # no sideways scroll
        lines = [strip.text for strip in tree.render_lines(tree.scrollable_content_region.reset_offset)]
        assert any(line.rstrip().endswith("1 not seen") and "Ana Alvarez [a" in line for line in lines)
        assert any(line.rstrip().endswith("✓") and "Bartholomew" in line for line in lines)


@pytest.mark.slow
async def test_the_footer_describes_every_key_of_the_caseload(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=(200, 40)) as pilot:
        await open_caseload(pilot, "S1")
        footer = app.screen.query_one(Footer)
        shown = {key.key: key.description for key in footer.query("FooterKey")}
        assert shown == {
            "enter": "Detail", "question_mark": "Help", "slash": "Filter", "escape": "Units",
            "e": "Exception", "p": "Plan", "n": "Note", "s": "Step", "a": "Agenda",
            "left_square_bracket": "Prev", "right_square_bracket": "Next", "m": "Month", "r": "Reports",
            "x": "Mask", "q": "Quit", "ctrl+p": "palette",
        }


@pytest.mark.slow
async def test_the_tree_works_out_label_widths_as_they_are_drawn(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        nodes = [unit for unit in tree.root.children] + [n for unit in tree.root.children for n in unit.children]
        assert len(nodes) == 5
        for node in nodes:
            assert tree.get_label_width(node) == tree.render_label(node, Style(), Style()).cell_len
    narrow = staffing_app(caseload_db)
    async with narrow.run_test(size=(30, 20)) as pilot:  # too narrow to line badges up: name, gap, badge
        await settle(pilot)
        tree = tree_of(narrow)
        for node in [n for unit in tree.root.children for n in (unit, *unit.children)]:
            assert tree.get_label_width(node) == tree.render_label(node, Style(), Style()).cell_len


@pytest.mark.slow
async def test_a_large_tree_opens_the_first_unit_and_adds_a_units_specialists_when_it_is_opened(
    caseload_db: Path, monkeypatch
):
    monkeypatch.setattr(units_tree, "EXPAND_ALL_UP_TO", 3)  # five lines: "large"
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        north, south = tree.root.children
        assert north.is_expanded and [n.data.specialist.staff_id for n in north.children] == ["S1", "S2"]
        assert not south.is_expanded and not south.children
        assert specialist_badges(tree) == {"Ana Alvarez": "Ana Alvarez 2 not seen", "Ben Brooks": "Ben Brooks ✓"}
        assert " ".join(tree.render_label(south, Style(), Style()).plain.split()).endswith("4 not seen")
        await pilot.press("down", "down", "down", "enter")  # the South Unit: opened, Cora added
        await pilot.pause()
        assert south.is_expanded and [n.data.specialist.staff_id for n in south.children] == ["S3"]
        # jumping to a specialist of a closed unit opens it (command palette)
        await pilot.press("enter")  # close the South Unit again
        tree.root.children[0].collapse()
        await pilot.pause()
        assert app.screen.select_specialist("S2")
        await pilot.pause()
        assert tree.cursor_node.data.specialist.staff_id == "S2"
        assert table_keys(caseload_of(app)) == ["C2/K3"]


async def test_the_acting_users_unit_is_opened_and_has_the_cursor_when_the_screen_first_shows(
    caseload_db: Path, monkeypatch
):
    monkeypatch.setattr(units_tree, "EXPAND_ALL_UP_TO", 3)  # "large": units closed unless opened
    db = open_database(caseload_db)
    db["staff"].insert({"staff_id": "SV2", "name": "Sol Serna", "role": "supervisor", "unit_id": "U2"})
    db.close()
    app = staffing_app(caseload_db, as_staff="SV2")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        north, south = tree.root.children
        assert south.is_expanded and [n.data.specialist.staff_id for n in south.children] == ["S3"]
        assert tree.cursor_node is south
        assert app.screen.evaluation.home_unit == "U2"
        await pilot.press("down")  # Cora, South Unit
        assert app.screen.specialist.staff_id == "S3" and caseload_of(app).row_count == 4


async def test_the_acting_user_comes_with_the_first_evaluation(caseload_db: Path):
    app = staffing_app(caseload_db, as_staff="SV1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.evaluation.acting.staff_id == "SV1"
        assert app.actor is app.screen.evaluation.acting


async def test_the_app_switches_threads_every_millisecond_collects_less_often_and_gives_both_back(caseload_db: Path):
    import gc
    import sys

    from staffing_tui.perf import GC_THRESHOLD, SWITCH_INTERVAL_S

    sys.setswitchinterval(0.005)  # Python's default, whatever an earlier test left
    own = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        app = staffing_app(caseload_db)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert SWITCH_INTERVAL_S == 0.001
            assert sys.getswitchinterval() == pytest.approx(0.001)
            assert gc.get_threshold() == (GC_THRESHOLD, 10, 10) and GC_THRESHOLD > 700  # collects less often
        # the process's own values, once the app closed
        assert sys.getswitchinterval() == pytest.approx(0.005)
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        sys.setswitchinterval(0.005)
        gc.set_threshold(*own)


@pytest.mark.slow
async def test_a_save_reads_the_caseload_again_once_while_the_form_still_shows(caseload_db: Path, monkeypatch):
    from textual.widgets import Select, TextArea

    from staffing_tui.modals.note_form import StaffingNoteForm

    started_under: list[str] = []
    real = staffing_screen.evaluate_for_screen

    def counting(*args, **kwargs):
        started_under.append(type(app.screen).__name__)  # the screen on top when the reading began
        yield from real(*args, **kwargs)

    monkeypatch.setattr(staffing_screen, "evaluate_for_screen", counting)
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await settle(pilot)
        before = app.screen.evaluation
        started_under.clear()
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StaffingNoteForm) and form.existing is None
        form.query_one("#reason-code", Select).value = "placement_change"
        form.query_one("#text", TextArea).load_text("Moved to a new foster home on the 15th; visit set for the 20th.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)
        assert app.screen.evaluation is not before  # the saved row's status followed
    # read again as soon as the note was committed, with the form still on top, and only then
    assert started_under == ["StaffingNoteForm"]
