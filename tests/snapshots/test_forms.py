"""Snapshots of the staffing forms and the reports screen (100×30, meta.as_of fixed at 2026-11-18).

Both are pushed onto a bare app over the forms tests' fixture database, so a
change to the caseload screens behind them does not change these pictures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input

from staffing_tui.domain.months import Month
from staffing_tui.modals.context import FormContext
from staffing_tui.modals.exception_form import ExceptionForm
from staffing_tui.modals.record_change import RecordChange, RevokeExceptionDialog
from staffing_tui.screens.reports import ReportsScreen
from tests.app.test_forms import build_forms_db

SIZE = (100, 30)
NOVEMBER = Month(2026, 11)


class Host(App):
    """A bare app whose first screen is `make_screen()`'s."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return build_forms_db(tmp_path / "snap.db")


def test_exception_form_for_a_parent(snap_compare, db_path):
    ctx = FormContext(db_path, "SV1", "S1", NOVEMBER, "C1", "P1")
    assert snap_compare(Host(lambda: ExceptionForm(ctx)), terminal_size=SIZE, run_before=settle)


def test_exception_form_refused_for_a_specialist(snap_compare, db_path):
    ctx = FormContext(db_path, "S1", "S1", NOVEMBER, "C1", "K1")
    assert snap_compare(Host(lambda: ExceptionForm(ctx)), terminal_size=SIZE, run_before=settle)


def test_reports_screen(snap_compare, db_path):
    assert snap_compare(Host(lambda: ReportsScreen(db_path, NOVEMBER)), terminal_size=SIZE, run_before=settle)


def test_revoke_exception_dialog_refuses_an_empty_reason(snap_compare, db_path):
    change = RecordChange(db_path, "SV1", 1, 1, "Kit Lane · child in treatment · 2026-11 – 2027-01 · "
                          "approved by Val Vega", NOVEMBER)

    async def save_without_a_reason(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#reason", Input).cursor_blink = False  # the same picture every time
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(Host(lambda: RevokeExceptionDialog(change)), terminal_size=SIZE,
                        run_before=save_without_a_reason)
