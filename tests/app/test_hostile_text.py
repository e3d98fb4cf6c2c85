"""Issue 14 §1 in the app (Pilot): names, places and texts holding escape sequences never reach
the terminal. The cells and labels show them as visible escapes (`\\x1b`), and what the app
would send to the terminal (the compositor's full update, rendered as for the driver) holds no
control character from data: on the main screen, the detail screen, the agenda and the reports.

The database is written as an older one could be (or another program): the import and the
record services would have refused or cleaned these values.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, Tree

from staffing_tui.modals.agenda import AgendaScreen
from staffing_tui.screens.detail import CaseDetailScreen
from staffing_tui.screens.reports import ReportsScreen
from tests.conftest import SIZE, open_caseload, row_detail_text, settle, staffing_app, tree_of
from tests.present.strategies import ANY_CONTROL, CONTROL_BUT_NEWLINE

TITLE = "\x1b]0;TITLE\x07"
CLEAR = "\x1b[2J"
CONCEAL = "\x1b[8m"
CSI = "\x9b"
RLO = "\u202e"

#: Kit Lane (K1, case C1) as the screen must show him: every control an escape.
KIT_SHOWN = "Kit\\x1b]0;TITLE\\x07\\x1b[2J Lane\\x1b[8m"
#: Textual's own sequences in what it sends: colours and styles (SGR) and moving the cursor.
TEXTUAL_SEQUENCES = re.compile(r"\x1b\[[0-9;]*[mH]")


@pytest.fixture
def hostile_db(caseload_db: Path) -> Path:
    conn = sqlite3.connect(caseload_db)
    with conn:
        conn.execute("UPDATE people SET first_name = ?, last_name = ? WHERE person_id = 'K1'",
                     [f"Kit{TITLE}{CLEAR}", f"Lane{CONCEAL}"])
        conn.execute("UPDATE staff SET name = ? WHERE staff_id = 'S1'", [f"Ana{CONCEAL} Alvarez"])
        conn.execute("UPDATE units SET name = ?, region = ? WHERE unit_id = 'U1'", [f"North{CSI} Unit", f"Central{RLO}"])
        conn.execute("UPDATE placements SET location_name = ? WHERE placement_id = 'PL1'", [f"Oak{RLO} Home{TITLE}"])
        conn.execute("UPDATE notes SET text = ?, note_type = ? WHERE note_id = 'N3'",
                     [f"Saw Kit{TITLE} at {CLEAR}Oak{CONCEAL} Home{CSI}", f"placement{CLEAR}_visit"])
        conn.execute("INSERT INTO next_steps (specialist_id, case_id, person_id, text, due_on, created_at, created_by) "
                     "VALUES ('S1', 'C1', 'K1', ?, '2026-11-25', '2026-11-12T09:00:00', 'SV1')",
                     [f"Call{TITLE} the foster home{CLEAR}"])
    conn.close()
    return caseload_db


def sent_to_terminal(app) -> tuple[str, str]:
    """What the app would write to the terminal for the whole screen (as `App._display` renders
    it for the driver), and the text of its segments alone."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    text = "".join(segment.text for line in update.strips for strip in line for segment in strip
                   if segment.control is None)
    return update.render_segments(app.console), text


def assert_nothing_from_data_reaches_the_terminal(app) -> None:
    raw, text = sent_to_terminal(app)
    assert not ANY_CONTROL.search(text)
    assert not CONTROL_BUT_NEWLINE.search(TEXTUAL_SEQUENCES.sub("", raw))  # no ESC but Textual's own
    assert "\x1b]" not in raw and CLEAR not in raw and CONCEAL not in raw


def assert_cells_show_escapes(table: DataTable) -> list[str]:
    cells = [str(cell) for index in range(table.row_count) for cell in table.get_row_at(index)]
    assert not [cell for cell in cells if ANY_CONTROL.search(cell)], table.id
    return cells


def plain(widget: Static) -> str:
    visual = widget.visual
    return visual.plain if isinstance(visual, (Content, Text)) else str(widget.render())


def tree_labels(tree: Tree) -> list[str]:
    labels, nodes = [], list(tree.root.children)
    while nodes:
        node = nodes.pop()
        labels.append(node.label.plain)
        nodes.extend(node.children)
    return labels


@pytest.mark.slow
async def test_the_main_screen_shows_hostile_names_as_escapes_and_sends_none(hostile_db: Path):
    app = staffing_app(hostile_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        cells = assert_cells_show_escapes(table)
        assert any(cell.endswith("…") and KIT_SHOWN.startswith(cell[:-1]) for cell in cells)  # cut to fit
        # The row's detail line holds the name and the placement whole, as escapes.
        detail = row_detail_text(app)
        assert detail.startswith(KIT_SHOWN + " · ")
        assert "foster home since 2026-05-01 (Oak\\u202e Home\\x1b]0;TITLE\\x07)" in detail
        labels = tree_labels(tree_of(app))
        assert not [label for label in labels if ANY_CONTROL.search(label)]
        assert "North\\x9b Unit · Central\\u202e" in labels and "Ana\\x1b[8m Alvarez" in labels
        assert plain(app.screen.query_one("#people-heading", Static)).startswith("Ana\\x1b[8m Alvarez · ")
        assert_nothing_from_data_reaches_the_terminal(app)


@pytest.mark.slow
async def test_the_detail_screen_shows_hostile_names_and_notes_as_escapes_and_sends_none(hostile_db: Path):
    app = staffing_app(hostile_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("enter")  # Kit, first: due
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen) and screen.person_id == "K1"
        assert plain(screen.query_one("#detail-title", Static)).startswith(KIT_SHOWN)
        notes = assert_cells_show_escapes(screen.query_one("#notes-table", DataTable))
        assert "placement\\x1b[2J visit" in notes
        notes_table = screen.query_one("#notes-table", DataTable)  # the highlighted note's text is under it
        hostile = next(note.note_id for note in screen.detail.notes if note.text and note.text.startswith("Saw Kit"))
        notes_table.move_cursor(row=notes_table.get_row_index(hostile))
        await pilot.pause()
        text = plain(screen.query_one("#note-text", Static))
        assert "Saw Kit\\x1b]0;TITLE\\x07 at \\x1b[2JOak\\x1b[8m Home\\x9b" in text
        assert not ANY_CONTROL.search(text)
        for table in screen.query(DataTable):
            assert_cells_show_escapes(table)
        tabs = screen.query_one(TabbedContent)
        for pane in ("tab-notes", "tab-members", "tab-placements", "tab-records", "tab-steps"):
            tabs.active = pane
            await pilot.pause()
            assert_nothing_from_data_reaches_the_terminal(app)


@pytest.mark.slow
async def test_the_agenda_shows_hostile_names_and_steps_as_escapes_and_sends_none(hostile_db: Path):
    app = staffing_app(hostile_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        steps = assert_cells_show_escapes(app.screen.query_one("#steps", DataTable))
        assert "Call\\x1b]0;TITLE\\x07 the foster home\\x1b[2J" in steps
        _, text = sent_to_terminal(app)
        assert KIT_SHOWN in text and "Ana\\x1b[8m Alvarez" in text  # the Markdown, rendered
        assert_nothing_from_data_reaches_the_terminal(app)


@pytest.mark.slow
async def test_the_reports_show_hostile_names_as_escapes_and_send_none(hostile_db: Path):
    app = staffing_app(hostile_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        by_unit = assert_cells_show_escapes(screen.query_one("#by-unit", DataTable))
        by_specialist = assert_cells_show_escapes(screen.query_one("#by-specialist", DataTable))
        assert "North\\x9b Unit" in by_unit and "Ana\\x1b[8m Alvarez" in by_specialist
        assert_cells_show_escapes(screen.query_one("#flags", DataTable))
        assert_nothing_from_data_reaches_the_terminal(app)


class RawScreen(Screen):
    """A widget given data as it is, not through the label helpers."""

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Raw{TITLE} data{CLEAR}{CONCEAL}{CSI}{RLO} here"))


async def test_a_control_character_no_label_escaped_is_dropped_before_the_terminal(hostile_db: Path):
    """The last guard (`widgets.terminal_safe`): a widget showing raw data still sends none of it."""
    app = staffing_app(hostile_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(RawScreen())
        await pilot.pause()
        _, text = sent_to_terminal(app)
        assert "Raw]0;TITLE data[2J[8m here" in text
        assert_nothing_from_data_reaches_the_terminal(app)
