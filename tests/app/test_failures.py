"""A missing, read-only or locked database gives a clear message, never a traceback (Pilot)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest

import staffing_tui.store.connection as connection
from staffing_tui.domain.months import Month
from staffing_tui.store.kept_months import keep_recent_months
from tests.conftest import SIZE, Recorder, open_caseload, settle, staffing_app, table_keys


def no_traceback(recorder: Recorder) -> None:
    for message in recorder.messages():
        assert "Traceback" not in message and "Error(" not in message, message


async def test_a_missing_database_gives_a_clear_message(tmp_path: Path):
    missing = tmp_path / "nowhere.db"
    recorder = Recorder()
    app = staffing_app(missing)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert app.is_running
        [error] = recorder.errors()
        assert error.message.startswith(f"There is no database at {missing}")
        assert "could not be evaluated" in str(app.screen.query_one("#people-heading").render())
    assert not missing.exists()  # opening never creates a database


@pytest.mark.slow
async def test_a_database_removed_while_open_is_reported_on_the_next_refresh(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        table = await open_caseload(pilot, "S1")
        for leftover in caseload_db.parent.glob(caseload_db.name + "*"):
            leftover.unlink()
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.is_running
        assert recorder.messages("error") == [
            f"There is no database at {caseload_db}; create one with `staffing-tui init --db {caseload_db}`."
        ]
        # It stays on the month it could show, with its rows.
        assert app.month == Month(2026, 11)
        assert table_keys(table)[:2] == ["C1/K1", "C1/K6"]


@pytest.mark.slow
async def test_a_read_only_copy_can_be_browsed_and_refreshed(caseload_db: Path, monkeypatch):
    os.chmod(caseload_db, 0o444)
    if os.geteuid() == 0:  # root writes anyway: answer as the file's permissions say for anyone else
        monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: not mode & os.W_OK)
    recorder = Recorder()
    app = staffing_app(caseload_db)
    try:
        async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
            table = await open_caseload(pilot, "S1")
            await pilot.press("left_square_bracket", "right_square_bracket")  # refresh twice
            await settle(pilot)
            app.reload_screens()
            await settle(pilot)
            await pilot.press("enter")  # the detail reads too
            await settle(pilot)
            assert app.is_running and app.month == Month(2026, 11)
            assert table.row_count == 4 and app.screen.detail is not None
            assert recorder.errors() == []
            no_traceback(recorder)
            # Said once, at the start.
            assert recorder.messages("warning") == [
                f"{caseload_db} is read-only: you can look around, but nothing can be saved."
            ]
    finally:
        os.chmod(caseload_db, 0o644)


@pytest.mark.slow
async def test_a_locked_database_says_it_is_busy(caseload_db: Path, monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    # The months kept first, so the app opens no connection that writes them (and switches the file
    # back to its write-ahead log, where a writer stops no reader).
    db = connection.open_database(caseload_db)
    try:
        keep_recent_months(db)
    finally:
        db.close()
    # A rollback journal: an exclusive lock stops readers. Switched before the app starts (it keeps the
    # database open while it runs, and the journal mode changes only on a file nobody else has open).
    with contextlib.closing(sqlite3.connect(caseload_db)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await open_caseload(pilot, "S1")
        writer = sqlite3.connect(caseload_db)
        writer.execute("BEGIN EXCLUSIVE")
        try:
            await pilot.press("left_square_bracket")
            await settle(pilot)
        finally:
            writer.rollback()
            writer.close()
        assert app.is_running
        [error] = recorder.messages("error")
        assert "is busy: another user is writing; nothing was written, try again in a moment." in error
        no_traceback(recorder)


@pytest.mark.slow
@pytest.mark.parametrize("failure", ["attempt to write a readonly database", "database disk image is malformed"])
async def test_sqlite_failures_become_one_sentence(caseload_db: Path, monkeypatch, failure: str):
    import staffing_tui.screens.staffing as staffing_screen

    def failing(*args, **kwargs):
        raise sqlite3.OperationalError(failure)

    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await open_caseload(pilot, "S1")
        monkeypatch.setattr(staffing_screen, "month_report", failing)
        app.reload_screens()
        await settle(pilot)
        [error] = recorder.messages("error")
        assert error in (
            "the database is read-only; ask for write access or open a copy.",
            "the database is damaged or not a staffing-tui database; restore it from a backup.",
        )
