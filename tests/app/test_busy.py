"""Saving while another user holds the write lock (busy — nothing was written, try again:
docs/data.md "Exit statuses").

Another connection holds the database's write lock (`BEGIN IMMEDIATE`) longer than the
app waits (a short busy timeout): the form or dialog stays open with everything typed, says
so in one sentence, and saves once the lock is gone. Nothing is lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import Input, Select, TextArea

import staffing_tui.store.connection as connection
from staffing_tui.modals.note_form import StaffingNoteForm
from staffing_tui.modals.record_change import RecordChange, RevokeExceptionDialog
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.records import ExceptionRequest, create_exception
from tests.conftest import GOOD_REASON, NOVEMBER, Host, context, open_screen, problems_shown, query, settle

BUSY = "The database is busy: another user is writing; nothing was written, try again in a moment."
WHY = "Moved to a new foster home on the 15th; visit set for the 20th."


@contextmanager
def write_lock_held(db_path: Path) -> Iterator[None]:
    """Another user's connection holding the write lock until the block ends."""
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.rollback()
        other.close()


@pytest.fixture(autouse=True)
def _short_busy_timeout(monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)


@pytest.mark.slow
async def test_a_busy_save_keeps_the_form_open_with_its_text_and_saves_once_the_lock_is_gone(forms_db: Path):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, StaffingNoteForm(context(forms_db)))
        form.query_one("#reason-code", Select).value = "placement_change"
        form.query_one("#text", TextArea).load_text(WHY)
        with write_lock_held(forms_db):
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert pilot.app.screen is form and pilot.app.results == []
            assert problems_shown(form) == f"• {BUSY}"
            assert form.query_one("#text", TextArea).text == WHY  # nothing lost
            assert form.query_one("#reason-code", Select).value == "placement_change"
            assert not form.saving  # Save works again
        assert query(forms_db, "SELECT count(*) FROM staffing_notes") == [(1,)]  # the fixture's own note only
        await pilot.press("ctrl+s")
        await settle(pilot)
        [note_id] = pilot.app.results
        assert pilot.app.failures == []  # said in the form, not a crash
    assert query(forms_db, "SELECT text FROM staffing_notes WHERE staffing_note_id = ?", [note_id]) == [(WHY,)]


async def test_a_busy_revocation_keeps_the_dialog_open_with_its_reason(forms_db: Path):
    db = connection.open_database(forms_db)
    try:
        exception_id = create_exception(db, resolve_actor(db, "SV1"), ExceptionRequest(
            "C1", "K1", "child_in_treatment", GOOD_REASON, NOVEMBER, NOVEMBER))
    finally:
        db.close()
    change = RecordChange(forms_db, "SV1", exception_id, 1, "Kit Lane · child in treatment", NOVEMBER)
    async with Host().run_test(size=(80, 24)) as pilot:
        dialog = await open_screen(pilot, RevokeExceptionDialog(change))
        dialog.query_one("#reason", Input).value = "Kit is home again."
        with write_lock_held(forms_db):
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert pilot.app.screen is dialog and pilot.app.results == []
            assert problems_shown(dialog) == f"• {BUSY}"
            assert dialog.query_one("#reason", Input).value == "Kit is home again."
        assert query(forms_db, "SELECT revoked_at FROM exceptions") == [(None,)]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.results == [exception_id]
    assert query(forms_db, "SELECT revoked_from, revoked_reason FROM exceptions") == [("2026-11", "Kit is home again.")]
