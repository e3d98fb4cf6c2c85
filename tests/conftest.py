"""What the tests share: the test databases as fixtures, reading SQLite, starting processes, and
driving the app with Pilot (settling workers, recording notifications, reading the screen).

The databases themselves are built in tests/builders.py; a helper used by one test file stays in it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.notifications import Notification, Notify
from textual.screen import Screen
from textual.worker import WorkerFailed, WorkerState

from staffing_tui.app import StaffingApp, build_app
from staffing_tui.domain.months import Month
from staffing_tui.modals.context import FormContext
from staffing_tui.modals.form_base import ProblemList
from staffing_tui.widgets.caseload_table import CaseloadTable
from staffing_tui.widgets.staffing_header import StaffingHeader
from staffing_tui.widgets.units_tree import UnitsTree
from tests.builders import (
    add_dated_facts,
    add_runaway_and_history,
    build_forms_db,
    build_staffing_db,
    cli,
    small_database,
)

REPO = Path(__file__).resolve().parents[1]

# --- databases --------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path) -> Path:
    """The small two-unit database of tests/builders.py (October 2026, as of 2026-11-10)."""
    path = tmp_path / "records.db"
    small_database(path).close()
    return path


@pytest.fixture
def staffing_db(tmp_path: Path) -> Path:
    """The app's November 2026 database (`build_staffing_db`)."""
    return build_staffing_db(tmp_path / "staffing.db")


@pytest.fixture
def caseload_db(tmp_path: Path) -> Path:
    """The staffing database plus a runaway child and some history (see `add_runaway_and_history`)."""
    return add_runaway_and_history(build_staffing_db(tmp_path / "caseload.db"))


@pytest.fixture
def dated_facts_db(caseload_db: Path) -> Path:
    """The caseload database with a transfer, dated facts and a per-child termination (`add_dated_facts`)."""
    return add_dated_facts(caseload_db)


@pytest.fixture
def forms_db(tmp_path: Path) -> Path:
    """The staffing database plus unit U2's supervisor and a manager (`build_forms_db`)."""
    return build_forms_db(tmp_path / "forms.db")


@pytest.fixture
def adoption_forms_db(forms_db: Path) -> Path:
    """The forms database, with both of P1's children's goal changed to adoption in June 2026."""
    conn = sqlite3.connect(forms_db)
    with conn:
        conn.executemany(
            "INSERT INTO permanency_goals (case_id, child_id, goal, effective_on) "
            "VALUES ('C1', ?, 'adoption', '2026-06-01')",
            [("K1",), ("K2",)])
    conn.close()
    return forms_db


def add_contact_plan(capsys, db_path: Path, *, methods: str = "phone",
                     arrangements: str = "Calls on Fridays.") -> Path:
    """The small database with contact plan 1 for A1 from August, by SV1 (K1's goal is adoption from
    August, so A1 needs one), made through the command line."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO permanency_goals VALUES ('C1', 'K1', 'adoption', '2026-08-01')")
    conn.close()
    code, _, err = cli(capsys, "plan", "generate", "--db", db_path, "--as", "SV1", "--case", "C1", "--parent", "A1",
                       "--frequency", "1", "--methods", methods, "--arrangements", arrangements,
                       "--from", "2026-08", "--review-on", "2026-12-01")
    assert code == 0, err
    return db_path


def query(path: Path, sql: str, params=()) -> list[tuple]:
    """The rows of one statement, on a connection of its own (not the program's)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def mode_of(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


# --- processes --------------------------------------------------------------------------------


def start_python(*argv: str, **kwargs) -> subprocess.Popen:
    """A Python process at the repository root (so `tests.…` and `staffing_tui` import)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, *argv], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def start_note_writer(db_path: Path) -> subprocess.Popen:
    """A process adding staffing notes for K1 as SV1 until it is stopped, acknowledging each
    (tests/reliability/workers.py)."""
    return start_python("-m", "tests.reliability.workers", "notes", "--db", str(db_path), "--as", "SV1",
                        "--case", "C1", "--person", "K1", "--count", "0", "--first-month", "2026-10")


def acknowledged(writer: subprocess.Popen, count: int) -> list[int]:
    """The record ids of the writer's next `count` acknowledgements (a minute at most)."""
    acked: list[int] = []
    deadline = time.monotonic() + 60
    while len(acked) < count:
        line = writer.stdout.readline()
        assert line and time.monotonic() < deadline, writer.communicate()
        if line.startswith("ack "):
            acked.append(int(line.split()[2]))
    return acked


def kill_and_reap(process: subprocess.Popen) -> None:
    """Stop a worker we started (by its own handle) and collect it."""
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=10)


# --- Pilot ------------------------------------------------------------------------------------

SIZE = (120, 40)

#: Tree rows of the fixture from the top (the cursor starts on the first unit).
DOWN_TO = {"S1": 1, "S2": 2, "S3": 4}


class Recorder:
    """Collects the notifications the app posts (run_test's public message hook)."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.notifications.append(message.notification)

    def messages(self, severity: str | None = None) -> list[str]:
        return [n.message for n in self.notifications if severity is None or n.severity == severity]

    def errors(self) -> list[Notification]:
        return [n for n in self.notifications if n.severity == "error"]


async def settle(pilot, pause: float = 0.0) -> None:
    """Let timers fire (`pause` seconds), then every worker finish and its message be handled.

    The app tells the user about a failed worker, and the tests look at what the user sees; a bare
    `Host` has nobody to tell, so there the failure fails the test (a test that expects one reads
    `Host.failures`)."""
    if pause:
        await pilot.pause(pause)
    for _ in range(3):  # a result can start the next worker (month → actor)
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerFailed:
            if not isinstance(pilot.app, StaffingApp):
                raise
        await pilot.pause()


def staffing_app(db: Path, as_staff: str | None = "SV1", month: str | None = None) -> StaffingApp:
    """The app as the CLI builds it, acting as the North Unit supervisor unless told otherwise.

    Animations are off: they only make the tests wait.
    """
    app = build_app(db, as_staff=as_staff, month=month)
    app.animation_level = "none"
    return app


async def open_caseload(pilot, staff_id: str) -> CaseloadTable:
    """Move the tree to `staff_id` and press enter: their caseload, focused."""
    await settle(pilot)
    await pilot.press(*["down"] * DOWN_TO[staff_id], "enter")
    await settle(pilot)
    return caseload_of(pilot.app)


def tree_of(app: StaffingApp) -> UnitsTree:
    return app.screen.query_one(UnitsTree)


def caseload_of(app: StaffingApp) -> CaseloadTable:
    return app.screen.query_one(CaseloadTable)


def table_keys(table) -> list[str]:
    return [row_key.value for row_key in table.rows]


def column(table, key: str) -> list[str]:
    return [str(cell) for cell in table.get_column(key)]


def row_detail_text(app: StaffingApp) -> str:
    """The caseload's detail line (the highlighted row in full), spaces folded."""
    return " ".join(str(app.screen.query_one("#row-detail").render()).split())


def header_text(app: StaffingApp) -> str:
    return " ".join(str(app.screen.query_one(StaffingHeader).render()).split())


# --- one screen on a bare app (forms, dialogs, reports, their snapshots) ----------------------

NOVEMBER = Month(2026, 11)
GOOD_REASON = "Residential treatment program limits visits this quarter."


class Host(App):
    """A bare app to show one screen on, so a test depends on that screen alone, not on the
    caseload screens; keeps what the screens opened with `open_screen` return and which workers
    failed. `first_screen` (for a snapshot) is shown as the app starts."""

    def __init__(self, first_screen: Callable[[], Screen] | None = None) -> None:
        super().__init__()
        self.first_screen = first_screen
        self.results: list[object] = []
        self.failures: list[BaseException | None] = []
        #: How many times a form had the screens read again (`StaffingApp.reload_screens`).
        self.reloads = 0

    def on_mount(self) -> None:
        if self.first_screen is not None:
            self.push_screen(self.first_screen())

    def on_worker_state_changed(self, event) -> None:
        if event.state is WorkerState.ERROR:
            self.failures.append(event.worker.error)

    def reload_screens(self) -> None:
        self.reloads += 1


def context(db_path: Path, actor: str | None = "SV1", *, case: str | None = "C1", person: str | None = "K1",
            masked: bool = False) -> FormContext:
    """A form opened by `actor` on Ana's (S1) caseload in November 2026."""
    return FormContext(db_path, actor, "S1", NOVEMBER, case, person, masked)


async def open_screen(pilot, screen):
    await pilot.app.push_screen(screen, pilot.app.results.append)
    await settle(pilot)
    return screen


def problems_shown(form) -> str:
    """The problems a form or dialog shows, "" when it shows none."""
    problems = form.query_one(ProblemList)
    return str(problems.render()) if problems.has_class("-shown") else ""
