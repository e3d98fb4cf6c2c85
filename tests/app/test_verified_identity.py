"""Verified identity in the app (docs/evidence.md "Who acted"): who you are comes from the OS account.

A database where some staff row has a `login` knows who is using it: the app acts as the
staff member whose login is this process's account (`audit.os_user()`, the account running
the tests), offers no identity picker, and says so in the header. An account with no staff
row browses only. Without any login (the fixture as built, and sample.db) the picker works
as before and the header says "identity not verified".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Button, Static

from staffing_tui.app import run_app
from staffing_tui.modals.exception_form import ExceptionForm
from staffing_tui.modals.identity import IdentityScreen
from staffing_tui.screens import actions
from staffing_tui.screens import form_stock
from staffing_tui.screens.actions import ActionTarget
from staffing_tui.screens.commands import StaffingCommands
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.store.audit import os_user
from tests.app import stubs
from tests.conftest import SIZE, Recorder, header_text, open_caseload, settle, staffing_app


def give_logins(db_path: Path, logins: dict[str, str]) -> Path:
    """Set `staff.login` for the staff ids given: the database now runs with verified identity."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany("UPDATE staff SET login = ? WHERE staff_id = ?", [(v, k) for k, v in logins.items()])
    conn.close()
    return db_path


@pytest.fixture
def verified_db(caseload_db: Path) -> Path:
    """Val Vega (SV1, North Unit supervisor) is the account running the tests; Ben has another login."""
    return give_logins(caseload_db, {"SV1": os_user(), "S2": "someone-else"})


@pytest.fixture
def stranger_db(caseload_db: Path) -> Path:
    """Verified identity, but the account running the tests is on no staff row."""
    return give_logins(caseload_db, {"S2": "someone-else"})


@pytest.fixture(autouse=True)
def _forget_opened():
    stubs.OPENED.clear()


@pytest.mark.slow
async def test_a_verified_database_acts_as_the_logged_in_person_without_a_picker(verified_db: Path, monkeypatch):
    monkeypatch.setattr(form_stock, "form_of", lambda kind: stubs.SavingExceptionForm)
    recorder = Recorder()
    app = staffing_app(verified_db, as_staff=None)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)  # no "who are you?" question
        assert app.actor_id == "SV1"
        assert header_text(app).endswith("Val Vega · supervisor · verified")
        # The form acts as the logged-in person: its context names them, and the save is theirs.
        await open_caseload(pilot, "S1")
        await pilot.press("e")
        await settle(pilot)
        [(_, (ctx,))] = stubs.OPENED
        assert ctx.actor_id == "SV1"
        assert recorder.messages("information") == ["Exception 1 saved."]
    conn = sqlite3.connect(verified_db)
    assert conn.execute("SELECT actor, os_user, verified FROM audit_log").fetchall() == [("SV1", os_user(), 1)]
    conn.close()


@pytest.mark.slow
async def test_a_verified_database_offers_no_way_to_act_as_someone_else(verified_db: Path):
    recorder = Recorder()
    app = staffing_app(verified_db, as_staff=None)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await open_caseload(pilot, "S1")
        titles = [title for title, _, _ in StaffingCommands(app.screen).commands()]
        assert "Act as…" not in titles
        app.action_choose_identity()  # e.g. a palette opened before the identity was known
        await pilot.pause()
        assert not isinstance(app.screen, IdentityScreen)
        assert app.actor_id == "SV1"
        assert recorder.messages("warning") == [
            f"This database knows who you are (logged in as {os_user()}); nobody can act as someone else here."
        ]


@pytest.mark.slow
async def test_an_account_without_a_staff_row_browses_and_cannot_save(stranger_db: Path):
    recorder = Recorder()
    app = staffing_app(stranger_db, as_staff=None)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen) and app.actor is None
        assert header_text(app).endswith(f"{os_user()}: not on the staff list · browsing only")
        assert "is not on this database's staff list" in recorder.messages("warning")[0]
        table = await open_caseload(pilot, "S1")
        assert table.row_count == 4  # browsing works
        screen = app.screen
        await pilot.press("e")
        assert recorder.messages("warning")[-1] == (
            f"Only a supervisor of the unit or a manager can approve exceptions; you are logged in as {os_user()}, "
            "who is not on this database's staff list, so you can browse but not write.")
        # Even a form opened with the app's context (e.g. from the agenda) cannot save.
        target = screen.action_target()
        assert isinstance(target, ActionTarget)
        form = ExceptionForm(screen.form_context(target))
        await app.push_screen(form)
        await settle(pilot)
        assert form.query_one("#save", Button).disabled
        assert "is not on this database's staff list" in str(form.query_one("#form-blocked", Static).render())


async def test_as_naming_someone_else_on_a_verified_database_is_refused_at_start(verified_db: Path, capsys):
    assert run_app(verified_db, as_staff="S1") == 2
    assert capsys.readouterr().err == (
        f"--as S1: you are logged in as {os_user()}, who is staff member SV1; "
        "on this database you can only act as yourself (leave --as out).\n")


async def test_an_app_built_with_someone_elses_as_only_browses_and_says_why(verified_db: Path):
    recorder = Recorder()
    app = staffing_app(verified_db, as_staff="S1")
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert app.actor is None and isinstance(app.screen, StaffingScreen)
        [error] = recorder.messages("error")
        assert error.startswith("--as S1: you are logged in as") and error.endswith("You are browsing only.")


async def test_an_unverified_database_asks_and_says_identity_not_verified(caseload_db: Path):
    app = staffing_app(caseload_db, as_staff=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IdentityScreen)
        await pilot.press("enter")  # Val Vega, listed first
        assert header_text(app).endswith("Val Vega · supervisor · identity not verified")


@pytest.mark.parametrize("verified", [False, True], ids=["unverified", "verified"])
async def test_the_header_fits_80_columns_with_the_mask_on(caseload_db: Path, verified: bool):
    if verified:
        give_logins(caseload_db, {"SV1": os_user()})
    app = staffing_app(caseload_db, as_staff=None if verified else "SV1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        header = header_text(app)
        assert "…" not in header  # abbreviated, not cut off
        assert "2026 · in progress · as of 2026-11-18" in header  # the month may be abbreviated
        assert header.endswith("Val Vega · verified MASKED" if verified else "Val Vega · not verified MASKED")


async def test_the_sample_database_has_no_logins_so_the_readmes_first_command_asks_who_you_are(tmp_path: Path):
    from staffing_tui.sample import SHIPPED_SAMPLE, sample_working_copy

    app = staffing_app(sample_working_copy(tmp_path, shipped=SHIPPED_SAMPLE), as_staff=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IdentityScreen)
        assert app.identity is not None and not app.identity.verified
