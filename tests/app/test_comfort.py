"""Month picking, the filter, the privacy mask, help and the command palette (Pilot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Markdown

from staffing_tui.domain.months import Month
from staffing_tui.modals.agenda import AgendaScreen
from staffing_tui.app import binding_sections
from staffing_tui.modals.help import HelpScreen, key_label
from staffing_tui.modals.month_picker import MonthPicker
from staffing_tui.screens.detail import CaseDetailScreen
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.widgets.caseload_table import CaseloadTable
from staffing_tui.widgets.filter_input import FilterInput
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
)
from tests.builders import cli


@pytest.mark.slow
async def test_m_picks_a_month_from_the_list_or_typed(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("m")
        assert isinstance(app.screen, MonthPicker)
        await pilot.press("down", "down", "enter")  # November (highlighted), October, September
        await settle(pilot)
        assert app.month == Month(2026, 9)
        assert "September 2026 · complete" in header_text(app)
        await pilot.press("m", *"2026-06", "enter")
        await settle(pilot)
        assert app.month == Month(2026, 6)
        assert isinstance(app.screen, StaffingScreen)


@pytest.mark.slow
async def test_the_month_picker_refuses_a_month_that_has_not_started(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", *"2027-01", "enter")
        assert isinstance(app.screen, MonthPicker)
        problem = str(app.screen.query_one("#month-problem").render())
        assert problem == "January 2027 has not started yet; the latest month is November 2026."
        await pilot.press("escape")
        assert app.month == Month(2026, 11)


@pytest.mark.slow
async def test_slash_filters_the_caseload_in_memory_and_escape_clears(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        await pilot.press("slash")
        assert isinstance(app.focused, FilterInput)
        await pilot.press(*"runaway")
        assert table_keys(table) == ["C1/K6"]
        assert not app.workers  # no query for a keypress
        heading = str(app.screen.query_one("#people-heading").render())
        assert "showing 1 of 4 matching “runaway”" in heading
        await pilot.press("enter")  # keep the filter, back to the rows
        assert isinstance(app.focused, CaseloadTable) and table_keys(table) == ["C1/K6"]
        await pilot.press("slash", "ctrl+u", *"due lane", "escape")
        assert table_keys(table) == ["C1/K1", "C1/K6", "C1/K2", "C1/P1"]
        assert isinstance(app.focused, CaseloadTable)
        assert not app.screen.query_one(FilterInput).display


@pytest.mark.slow
async def test_another_specialist_clears_the_filter_and_says_so(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        table = await open_caseload(pilot, "S1")
        await pilot.press("slash", *"runaway", "enter")
        assert table_keys(table) == ["C1/K6"]
        await pilot.press("escape", "down")  # back to the tree, on to the next specialist
        await pilot.pause()
        line = app.screen.query_one(FilterInput)
        assert line.value == "" and not line.display
        heading = str(app.screen.query_one("#people-heading").render())
        assert "matching" not in heading
        assert table_keys(table) == ["C2/K3"]  # the next specialist's whole caseload
        assert any("“runaway”" in message and "cleared" in message for message in recorder.messages())


@pytest.mark.slow
async def test_the_filter_matches_names_case_ids_statuses_and_reason_words(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S3")
        await pilot.press("slash")
        line = app.screen.query_one(FilterInput)
        for words, keys in [
            ("c4", ["C4/", "C4/K5"]),  # a case id
            ("HOME VISIT", ["C4/"]),  # reason words, any case
            ("rita", ["C3/P2"]),  # a first name
            ("alleged due", []),  # every word must match
            ("explained", []),  # a status nobody has
            ("", ["C3/K4", "C3/P2", "C4/", "C4/K5"]),
        ]:
            line.value = words
            await pilot.pause()
            assert table_keys(table) == keys, words


@pytest.mark.slow
async def test_typing_e_in_the_filter_types_it(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db, as_staff="S1")  # a specialist: `e` would be refused
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("slash", *"pen")
        assert app.screen.query_one(FilterInput).value == "pen"
        assert recorder.messages() == []


@pytest.mark.slow
async def test_x_masks_names_birth_dates_and_placement_names_everywhere(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        await pilot.press("x")
        assert app.masked
        assert "MASKED" in header_text(app)
        assert column(table, "name") == ["K. L.", "I. L.", "K. L.", "P. L."]
        assert column(table, "placement")[0] == "foster home"
        assert "placement: foster home since 2026-05-01 · " in row_detail_text(app)  # no "(Oak Home)"
        await pilot.press("down", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        title = str(detail.query_one("#detail-title").render())
        assert title.startswith("I. L. · child — case C1") and "born" not in title
        placements = detail.query_one("#placements-table", DataTable)
        assert "Oak Home" not in " ".join(str(c) for r in range(placements.row_count) for c in placements.get_row_at(r))
        notes = detail.query_one("#notes-table", DataTable)
        assert str(notes.get_row_at(2)[5]) == "K. L., K. L., I. L."
        assert "Oak Home" not in str(notes.get_row_at(2)[-1])
        members = detail.query_one("#members-table", DataTable)
        assert {str(members.get_row_at(r)[2]) for r in range(members.row_count)} == {"—"}
        await pilot.press("x")  # off again, on the detail too
        assert str(detail.query_one("#detail-title").render()).startswith("Ivy Lane · child · born 2011-09-09")
        await pilot.press("escape")
        assert column(caseload_of(app), "name")[0] == "Kit Lane"


@pytest.mark.slow
async def test_question_mark_lists_every_binding(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        lines = [" ".join(line.split()) for line in text.splitlines()]
        for title, bindings in binding_sections():
            assert title in lines
            for binding in bindings:
                key = key_label(app, binding)
                assert f"{key} {binding.tooltip or binding.description}" in lines, binding
        for words in ("Approve an exception", "contact plan", "could not be seen", "next step", "agenda",
                      "Filter the caseload", "Previous month", "Next month", "Pick a month", "Reports",
                      "Quit", "Back to the caseload", "person/case detail", "Clear the filter", "Command palette"):
            assert words in text, words
        assert "✗ unmet not seen, no documented reason (the number that should be zero)" in lines
        await pilot.press("escape")
        assert isinstance(app.screen, StaffingScreen)


def test_every_binding_of_the_app_has_a_description():
    for _, bindings in binding_sections():
        for binding in bindings:
            assert binding.description, binding


@pytest.mark.slow
async def test_ctrl_p_jumps_to_a_specialist(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("enter")  # into a detail: the jump comes back to the caseload
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"jump cora")
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)
        assert table_keys(caseload_of(app)) == ["C3/K4", "C3/P2", "C4/", "C4/K5"]
        assert isinstance(app.focused, CaseloadTable)


@pytest.mark.slow
async def test_the_palette_offers_the_actions_and_every_specialist(caseload_db: Path):
    from staffing_tui.screens.commands import StaffingCommands

    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        provider = StaffingCommands(app.screen)
        titles = [title for title, _, _ in provider.commands()]
        assert titles[:7] == ["Previous month", "Next month", "Pick a month…", "Reports",
                              "Privacy mask: turn on", "Act as…", "Keys and help"]
        assert "Record: exception" in titles and "Staffing agenda" in titles
        assert [t for t in titles if t.startswith("Jump")] == [
            "Jump to specialist: Ana Alvarez", "Jump to specialist: Ben Brooks", "Jump to specialist: Cora Diaz",
        ]
        helps = {title: help_text for title, help_text, _ in provider.commands()}
        # The tree's badges, in the tree's words
        assert helps["Jump to specialist: Ben Brooks"] == "North Unit · ✓"
        assert helps["Jump to specialist: Cora Diaz"] == "South Unit · 4 not seen"


@pytest.mark.slow
async def test_light_theme_renders_the_caseload_and_detail(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await open_caseload(pilot, "S1")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert "runaway" in app.export_screenshot()


@pytest.mark.slow
async def test_the_agenda_names_people_and_categories_in_words_not_ids_or_codes(caseload_db: Path, capsys):
    for argv in (("exception", "add", "--db", caseload_db, "--as", "SV1", "--case", "C1", "--person", "P1",
                  "--category", "parent_declines", "--reason", "Pat declines visits until the hearing.",
                  "--from", "2026-11", "--to", "2026-11", "--review-on", "2026-11-25"),
                 ("step", "add", "--db", caseload_db, "--as", "SV1", "--specialist", "S1", "--case", "C1",
                  "--person", "K1", "--due", "2026-11-30", "--text", "Ask the school about attendance.")):
        code, _, err = cli(capsys, *argv)
        assert code == 0, err
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("a")
        await settle(pilot)
        source = app.screen.query_one(Markdown).source
    assert "- exception 1 for Pat Lane (case C1, parent declines contact): ends 2026-11" in source
    assert "Ask the school about attendance. (Kit Lane, case C1)" in source
    assert "Ivy Lane (child, case C1)" in source
    assert not re.search(r"\b(P1|K1|parent_declines)\b", source)


@pytest.mark.slow
async def test_x_masks_names_in_free_text_whatever_their_capitals_but_not_words_starting_with_them(
        caseload_db: Path, capsys):
    code, _, err = cli(capsys, "step", "add", "--db", caseload_db, "--as", "SV1", "--specialist", "S1",
                       "--case", "C1", "--due", "2026-11-30",
                       "--text", "Call KIT LANE's school; ivy knows the kitchen rota")
    assert code == 0, err
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("x", "a")
        await settle(pilot)
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen)
        source = agenda.query_one(Markdown).source
        steps = " ".join(str(cell) for cell in agenda.query_one("#steps", DataTable).get_column("text"))
    for shown in (source, steps):
        assert "Call K. L.'s school; I. knows the kitchen rota" in shown
        assert not re.search(r"\b(kit|ivy|lane)\b", shown, re.IGNORECASE)
