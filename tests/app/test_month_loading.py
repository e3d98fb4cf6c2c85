"""The month shown changes with its rows: meanwhile the header says which month is loading, and a
form opened then is for the month whose rows are on screen (Pilot, with slowed loaders)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import staffing_tui.screens.actions as actions
from staffing_tui.screens import form_stock
import staffing_tui.screens.detail as detail_screen
import staffing_tui.screens.staffing as staffing_screen
from staffing_tui.domain.months import Month
from tests.app import stubs
from tests.conftest import NOVEMBER, SIZE, caseload_of, column, header_text, open_caseload, settle, staffing_app

#: Slow: each test drives the app through Pilot.
pytestmark = pytest.mark.slow

OCTOBER = Month(2026, 10)


@pytest.fixture
def october_held(monkeypatch) -> threading.Event:
    """October's caseload and case history are read only once the returned event is set."""
    release = threading.Event()
    evaluate, history = staffing_screen.evaluate_for_screen, detail_screen.case_history

    def slow_evaluate(db_path, month, **kwargs):
        if month == OCTOBER:
            release.wait(10)
        yield from evaluate(db_path, month, **kwargs)

    def slow_history(db, case_id, month):
        if month == OCTOBER:
            release.wait(10)
        return history(db, case_id, month)

    monkeypatch.setattr(staffing_screen, "evaluate_for_screen", slow_evaluate)
    monkeypatch.setattr(detail_screen, "case_history", slow_history)
    return release


@pytest.fixture
def forms_recorded(monkeypatch) -> list:
    """Every form opens the stand-in that stays open and records its context (tests.app.stubs)."""
    stubs.OPENED.clear()
    monkeypatch.setattr(form_stock, "form_of", lambda kind: stubs.OpenScreen)
    return stubs.OPENED


async def test_the_header_names_the_month_of_the_rows_and_a_form_meanwhile_is_for_them(
        caseload_db: Path, october_held: threading.Event, forms_recorded: list):
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_caseload(pilot, "S1")
        november = column(table, "status")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.month == OCTOBER  # asked for, being read
        header = header_text(app)  # at 80 columns
        assert header.startswith("Nov 2026 · ") and "loading Oct 2026…" in header and "October" not in header
        assert app.screen.shown_month == NOVEMBER and column(table, "status") == november
        await pilot.press("n")
        [(_, (context,))] = forms_recorded
        assert context.month == NOVEMBER  # the rows on screen, not the month still loading
        await pilot.press("escape")
        october_held.set()
        await settle(pilot)
        assert header_text(app).startswith("Oct 2026 · complete") and "loading" not in header_text(app)
        assert column(caseload_of(app), "status")[:3] == ["✗ unmet"] * 3


async def test_the_detail_keeps_its_month_until_the_case_is_read_for_the_next(
        caseload_db: Path, october_held: threading.Event, forms_recorded: list):
    app = staffing_app(caseload_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("down", "enter")  # Ivy's detail
        await settle(pilot)
        screen = app.screen
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "November 2026 · in progress · as of 2026-11-18 · loading October 2026…" in header_text(app)
        assert str(screen.query_one("#detail-status").render()).startswith("November 2026: ! due")
        await pilot.press("e")
        [(_, (context,))] = forms_recorded
        assert (context.month, context.person_id) == (NOVEMBER, "K6")
        await pilot.press("escape")
        october_held.set()
        await settle(pilot)
        assert "October 2026 · complete" in header_text(app) and "loading" not in header_text(app)
        assert str(screen.query_one("#detail-status").render()).startswith("October 2026: ✗ unmet")
