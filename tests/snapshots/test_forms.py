"""Snapshots of the staffing forms and the reports screen (100×30, meta.as_of fixed at 2026-11-18).

Both are pushed onto a bare app over the forms tests' fixture database, so a
change to the caseload screens behind them does not change these pictures.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from staffing_tui.modals.context import FormContext
from staffing_tui.modals.exception_form import ExceptionForm
from staffing_tui.modals.record_change import RecordChange, RevokeExceptionDialog
from staffing_tui.screens.reports import ReportsScreen
from tests.conftest import NOVEMBER, Host, settle

SIZE = (100, 30)


@pytest.mark.slow
def test_exception_form_for_a_parent(snap_compare, forms_db):
    ctx = FormContext(forms_db, "SV1", "S1", NOVEMBER, "C1", "P1")
    assert snap_compare(Host(lambda: ExceptionForm(ctx)), terminal_size=SIZE, run_before=settle)


def test_exception_form_refused_for_a_specialist(snap_compare, forms_db):
    ctx = FormContext(forms_db, "S1", "S1", NOVEMBER, "C1", "K1")
    assert snap_compare(Host(lambda: ExceptionForm(ctx)), terminal_size=SIZE, run_before=settle)


def test_reports_screen(snap_compare, forms_db):
    assert snap_compare(Host(lambda: ReportsScreen(forms_db, NOVEMBER)), terminal_size=SIZE, run_before=settle)


def test_revoke_exception_dialog_refuses_an_empty_reason(snap_compare, forms_db):
    change = RecordChange(forms_db, "SV1", 1, 1, "Kit Lane · child in treatment · 2026-11 – 2027-01 · "
                          "approved by Val Vega", NOVEMBER)

    async def save_without_a_reason(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#reason", Input).cursor_blink = False  # the same picture every time
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(Host(lambda: RevokeExceptionDialog(change)), terminal_size=SIZE,
                        run_before=save_without_a_reason)
