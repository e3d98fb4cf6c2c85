"""Forms composed in advance (screens/form_stock.py) and a save's form closing on the new rows
(issue 17: a form opens, and a save shows its row, in under 100 ms on the statewide database).

The fixture (conftest.py `caseload_db`) is November 2026 as of 2026-11-18; SV1 supervises the
North Unit, S1 is one of its specialists.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select, TextArea

from staffing_tui.modals.form_base import StaffingForm
from staffing_tui.modals.note_form import StaffingNoteForm
from staffing_tui.modals.step_form import NextStepForm
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.widgets.caseload_table import CaseloadTable
from tests.conftest import caseload_of, open_caseload, settle, staffing_app

SIZE = (120, 40)


async def prepared(pilot) -> StaffingForm:
    """Let the app's idle tick compose the next form; the form held."""
    app = pilot.app
    await settle(pilot, pause=0.8)  # idle (perf.IDLE_AFTER_S), a tick or two (perf.IDLE_TICK_S)
    held = app.form_stock.held
    assert held is not None
    return held


async def a_note_opened_and_closed(pilot) -> None:
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StaffingNoteForm)
    await pilot.press("escape")
    await settle(pilot)


async def a_held_note(pilot) -> StaffingForm:
    """S1's caseload, a staffing note opened and closed: the next one held."""
    await open_caseload(pilot, "S1")
    await a_note_opened_and_closed(pilot)
    return await prepared(pilot)


async def test_nothing_is_composed_in_advance_before_a_first_form_is_opened(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await settle(pilot, pause=0.8)
        assert app.form_stock.held is None  # a supervisor who only looks needs no form in memory
        await a_note_opened_and_closed(pilot)
        assert isinstance(await prepared(pilot), StaffingNoteForm)


async def test_the_next_form_is_composed_while_the_caseload_is_read_and_n_shows_it_filled_in(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        held = await a_held_note(pilot)
        table = caseload_of(app)
        assert isinstance(held, StaffingNoteForm) and held.is_running and held.setup is None
        assert held not in app.screen_stack  # mounted out of sight, not shown
        row = table.cursor_row_shown
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is held and app.form_stock.held is None
        # Filled in for the row under the cursor, as a form made on the spot is.
        assert held.ctx.person_id == row.person_id and held.ctx.case_id == row.case_id
        assert held.query_one("#person", Select).value == row.person_id
        assert held.query_one("#case", Select).value == row.case_id
        assert app.focused is held.query_one("#reason-code", Select)  # the first choice to make


async def test_a_form_is_shown_once_what_was_typed_in_it_never_comes_back(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        first = await a_held_note(pilot)
        await pilot.press("n")
        await settle(pilot)
        first.query_one("#text", TextArea).load_text("Typed, then thrown away.")
        await pilot.press("escape", "y")  # discard what was typed
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen) and not first.is_attached  # closed: gone
        second = await prepared(pilot)  # composed again once the caseload was drawn
        assert second is not first
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is second and second.query_one("#text", TextArea).text == ""


async def test_a_held_form_of_another_month_or_kind_is_not_used(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        held = await a_held_note(pilot)
        await pilot.press("left_square_bracket")  # October: a form of November's would be wrong
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, StaffingNoteForm) and app.screen is not held
        assert str(app.screen.ctx.month) == "2026-10"
        assert not held.is_attached  # thrown away, not left mounted
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")  # a next step: the note held now is not it
        await settle(pilot)
        assert isinstance(app.screen, NextStepForm)


async def test_a_save_closes_its_form_on_the_caseload_already_showing_the_new_row(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        target = next(row for row in table.rows_by_key.values() if row.status.value in ("unmet", "due") and row.person_id)
        table.move_cursor(row=list(table.rows_by_key.values()).index(target))
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form, staffing = app.screen, app.screen_stack[0]
        assert isinstance(form, StaffingNoteForm) and form.existing is None
        shown_when_closed = []
        real_dismiss = form.dismiss

        def dismiss(result=None):
            # What the caseload below holds at the moment the form closes.
            row = next((r for r in staffing.query_one(CaseloadTable).rows_by_key.values()
                        if (r.case_id, r.person_id) == (target.case_id, target.person_id)), None)
            shown_when_closed.append(row.status.value if row else None)
            return real_dismiss(result)

        form.dismiss = dismiss
        form.query_one("#reason-code", Select).value = "placement_change"
        form.query_one("#text", TextArea).load_text("Moved to a new foster home; visit set for the 20th.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)
        assert shown_when_closed == ["explained"]  # not the old status first


async def test_the_caseload_draws_what_its_rows_hold_now_its_drawn_cells_kept_or_not(caseload_db: Path):
    """The caseload keeps its rendered cells across new rows (`CaseloadTable._render_cell`): a cell
    whose text or place changed is drawn anew, one that did not is drawn as before."""
    from dataclasses import replace

    from staffing_tui.domain.enums import Status

    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        rows, names, masked, month = table._shown

        def drawn() -> list[str]:
            return [table.render_line(y).text for y in range(1, 1 + len(rows))]

        before = drawn()
        assert "due" in before[0] and "Ivy Lane" in before[1]
        table.show_rows([replace(rows[0], status=Status.EXPLAINED), *rows[1:]], names, masked=masked, month=month)
        await settle(pilot)
        after = drawn()
        assert "explained" in after[0] and "! due" not in after[0]
        assert after[1:] == before[1:]
        table.show_rows([rows[1], rows[0], *rows[2:]], names, masked=masked, month=month)  # two rows swap places
        await settle(pilot)
        assert drawn()[:2] == [before[1], before[0]]


async def test_the_idle_tick_while_the_app_closes_prepares_nothing_and_raises_nothing(caseload_db: Path,
                                                                                        monkeypatch):
    from textual.css.query import NoMatches

    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        app.form_stock.discard(await a_held_note(pilot))
        screen = app.screen

        def widgets_gone():  # as when the app closes: its widgets go before its timers stop
            raise NoMatches("No nodes match 'CaseloadTable'")

        monkeypatch.setattr(screen, "action_target", widgets_gone)
        screen.prepare_form()
        assert app.form_stock.held is None
