"""Revoking an exception (`v`) and withdrawing a staffing note (`w`) from the detail screen (Pilot).

docs/data.md "Records created in the app": records are never deleted — a revoked exception
stops excusing from a month on, a withdrawn staffing note stops explaining — and both are done
in the app by a supervisor of the unit or a manager, saying why; the change is audited and every
status follows.

Database: `caseload_db` (tests/builders.py, November 2026 as of 2026-11-18) plus
exception 1 for Kit Lane (C1/K1, November–January, approved by Val Vega on 2026-11-10), so Kit
is excused; Kay Lane (C1/K2) is explained by the fixture's staffing note 1. Changes made in
these tests are made on the as-of day (the record services' clock is pinned), so "as known
then" (docs/policy.md) counts them as of that day.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Footer, Input, TabbedContent

from staffing_tui.domain.enums import Reason, Status
from staffing_tui.domain.months import Month
from staffing_tui.modals.record_change import RevokeExceptionDialog, WithdrawNoteDialog
from staffing_tui.screens.detail import CaseDetailScreen
import staffing_tui.store.records as records
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import open_database
from staffing_tui.store.records import ExceptionRequest, create_exception, revoke_exception
from tests.conftest import SIZE, Recorder, open_caseload, problems_shown, query, settle, staffing_app

#: Slow: each test drives the app through Pilot, typing whole reasons key by key.
pytestmark = pytest.mark.slow

KIT_WHY = "Kit left residential treatment early and is home."
KAY_WHY = "Recorded for the wrong month; Kay was seen on the 4th."


def add_kits_exception(db_path: Path) -> Path:
    db = open_database(db_path)
    try:
        create_exception(db, resolve_actor(db, "SV1"), ExceptionRequest(
            "C1", "K1", "child_in_treatment", "Residential treatment limits visits this quarter.",
            Month(2026, 11), Month(2027, 1)), at="2026-11-10T17:00:00Z")
    finally:
        db.close()
    return db_path


@pytest.fixture
def records_db(caseload_db: Path) -> Path:
    return add_kits_exception(caseload_db)


@pytest.fixture(autouse=True)
def _changes_made_on_the_as_of_day(monkeypatch):
    monkeypatch.setattr(records, "now_text", lambda: "2026-11-18T19:00:00Z")  # noon in Phoenix


async def open_detail(pilot, person_id: str) -> CaseDetailScreen:
    """Ana's caseload, then the detail of `person_id` on case C1."""
    table = await open_caseload(pilot, "S1")
    table.move_cursor(row=table.get_row_index(f"C1/{person_id}"))
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaseDetailScreen) and screen.person_id == person_id
    return screen


def footer_keys(screen) -> dict:
    return {key.key: key for key in screen.query_one(Footer).query("FooterKey")}


def cell(screen, table_id: str, row: int, column: int) -> str:
    return str(screen.query_one(f"#{table_id}", DataTable).get_row_at(row)[column])


async def test_revoking_an_exception_with_a_reason_is_audited_and_the_child_is_due_again(records_db: Path):
    recorder = Recorder()
    app = staffing_app(records_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        detail = await open_detail(pilot, "K1")
        assert detail.current_row().status == Status.EXCUSED
        assert app.screen_stack[0].evaluation.unseen_without_reason("S1") == 1  # Ivy, on runaway
        assert "v" not in footer_keys(detail)  # the key belongs to the Staffing records tab
        await pilot.press("v")  # shows where it is done
        assert detail.query_one(TabbedContent).active == "tab-records"
        assert detail.query_one("#exceptions-table").has_focus
        assert recorder.messages("information")[-1] == "Highlight the exception (↑↓), then press v to revoke it."
        assert not footer_keys(detail)["v"].has_class("-disabled")
        await pilot.press("v")
        dialog = app.screen
        assert isinstance(dialog, RevokeExceptionDialog)
        assert dialog.query_one("#from", Input).value == "2026-11"  # the month shown
        await pilot.press(*KIT_WHY, "ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        assert recorder.messages("information")[-1] == "Exception 1 revoked."
        # Evaluated again: Kit is not excused from November on, and the badge counts him.
        assert (detail.current_row().status, detail.current_row().reason) == (Status.DUE, Reason.NOT_SEEN)
        assert app.screen_stack[0].evaluation.unseen_without_reason("S1") == 2
        # Shown as revoked: from when, by whom, when, and why.
        state = cell(detail, "exceptions-table", 0, 3)
        assert state == "revoked from 2026-11\nby Val Vega, 2026-11-18"
        assert cell(detail, "exceptions-table", 0, 7).endswith(f"\nwhy revoked: {KIT_WHY}")
    assert query(records_db, "SELECT revoked_from, revoked_by, revoked_reason, version FROM exceptions") == [
        ("2026-11", "SV1", KIT_WHY, 2)]
    assert query(records_db, "SELECT actor, action, table_name, record_id FROM audit_log ORDER BY audit_id") == [
        ("SV1", "create", "exceptions", "1"), ("SV1", "revoke", "exceptions", "1")]


async def test_withdrawing_a_staffing_note_is_audited_and_the_child_is_no_longer_explained(records_db: Path):
    recorder = Recorder()
    app = staffing_app(records_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        detail = await open_detail(pilot, "K2")
        assert detail.current_row().reason == Reason.STAFFING_REASON
        evaluated = app.screen_stack[0].evaluation
        await pilot.press("w", "w")
        dialog = app.screen
        assert isinstance(dialog, WithdrawNoteDialog)
        await pilot.press(*KAY_WHY, "enter")  # enter in the reason does not save: ctrl+s or the button does
        assert app.screen is dialog
        await pilot.click("#save")
        await settle(pilot)
        assert app.screen is detail
        assert recorder.messages("information")[-1] == "Staffing note 1 withdrawn."
        # The month is evaluated again: a withdrawn note explains nothing (store/facts.py), so Kay is
        # back to not seen; and the note shows as withdrawn: by whom, when, why.
        assert app.screen_stack[0].evaluation is not evaluated
        assert detail.current_row().reason != Reason.STAFFING_REASON
        assert detail.current_row().status.is_unseen_without_reason
        assert cell(detail, "staffing-notes-table", 0, 3) == "withdrawn\nby Val Vega, 2026-11-18"
        assert cell(detail, "staffing-notes-table", 0, 6).endswith(f"\nwhy withdrawn: {KAY_WHY}")
        await pilot.press("w")  # nothing left to withdraw: greyed, and says so
        assert footer_keys(detail)["w"].has_class("-disabled")
        assert recorder.messages("warning")[-1] == "No staffing note of this case is left to withdraw."
    assert query(records_db, "SELECT withdrawn_by, withdrawn_reason FROM staffing_notes") == [("SV1", KAY_WHY)]
    assert query(records_db, "SELECT actor, action, record_id FROM audit_log WHERE table_name = 'staffing_notes'") == [
        ("SV1", "withdraw", "1")]


async def test_an_empty_reason_is_refused_in_the_dialog_and_nothing_is_written(records_db: Path):
    app = staffing_app(records_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "K1")
        await pilot.press("v", "v", *"   ", "ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RevokeExceptionDialog)
        assert problems_shown(dialog) == "• reason: say why the exception is revoked."
        assert dialog.query_one("#reason").has_class("-problem")
        await pilot.press("escape")
        assert isinstance(app.screen, CaseDetailScreen)
    assert query(records_db, "SELECT revoked_at FROM exceptions") == [(None,)]
    assert query(records_db, "SELECT count(*) FROM audit_log") == [(1,)]  # the exception's creation only


async def test_a_too_short_withdrawal_reason_shows_the_services_sentence(records_db: Path):
    app = staffing_app(records_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "K2")
        await pilot.press("w", "w", *"error", "ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WithdrawNoteDialog)
        assert problems_shown(dialog) == "• reason: say why the note is withdrawn (at least 10 characters)."
        assert dialog.query_one("#reason", Input).value == "error"  # kept, to be finished
    assert query(records_db, "SELECT withdrawn_at FROM staffing_notes") == [(None,)]


async def test_a_specialist_sees_revoke_and_withdraw_greyed_and_is_told_why(records_db: Path):
    recorder = Recorder()
    app = staffing_app(records_db, as_staff="S1")
    async with app.run_test(size=(200, 40), message_hook=recorder) as pilot:
        detail = await open_detail(pilot, "K1")
        detail.query_one(TabbedContent).active = "tab-records"
        await pilot.pause()
        keys = footer_keys(detail)
        assert keys["v"].has_class("-disabled") and keys["w"].has_class("-disabled")
        await pilot.press("v", "w")
        assert app.screen is detail
        assert recorder.messages("warning") == [
            "Only a supervisor of the unit or a manager can revoke exceptions; "
            "you are acting as Ana Alvarez (specialist).",
            "Only a supervisor of the unit or a manager can withdraw staffing notes; "
            "you are acting as Ana Alvarez (specialist).",
        ]


async def test_a_record_changed_since_it_was_shown_is_refused_and_the_detail_reloads(records_db: Path):
    app = staffing_app(records_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "K1")
        await pilot.press("v", "v")
        dialog = app.screen
        # Meanwhile another supervisor's session revokes it from December.
        db = open_database(records_db)
        try:
            revoke_exception(db, resolve_actor(db, "SV1"), 1, Month(2026, 12), reason="Ended by the court.")
        finally:
            db.close()
        await pilot.press(*KIT_WHY, "ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        shown = problems_shown(dialog)
        assert shown == ("• This record was changed by SV1 at 2026-11-18T19:00:00Z since you loaded it; "
                         "reload and try again.")
        await pilot.press("escape")
        await settle(pilot)
        assert cell(detail, "exceptions-table", 0, 3).startswith("revoked from 2026-12")
    assert query(records_db, "SELECT revoked_from, revoked_reason FROM exceptions") == [
        ("2026-12", "Ended by the court.")]
