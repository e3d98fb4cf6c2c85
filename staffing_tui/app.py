"""The Textual app: bindings, the screen stack and worker error handling.

Kept thin on purpose: screens do the work, `store`/`domain` hold the rules.
`build_app` is the one factory used by `run_app` (the CLI) and the tests.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.sample import sample_working_copy
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.store.connection import describe_sqlite_error, open_database


def describe_failure(action: str, error: BaseException | None) -> str:
    """One readable sentence for a failed worker, never a traceback."""
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, sqlite3.Error):
        return describe_sqlite_error(error)
    detail = str(error).strip().rstrip(".") if error is not None else ""
    detail = detail or type(error).__name__
    return f"Could not {action}: {detail}."


class StaffingApp(App[int]):
    """Monthly visit requirements, staffed one specialist at a time."""

    TITLE = "staffing-tui"
    CSS_PATH = "app.tcss"
    #: Below -wide the not-seen table takes the whole width while it has focus.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-medium"), (180, "-wide")]

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        as_staff: str | None = None,
        month: Month | str | None = None,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        #: The acting user (`--as`); decides what they may approve (later issues).
        self.as_staff = as_staff
        self.initial_month = Month.parse(month) if isinstance(month, str) else month

    def get_default_screen(self) -> Screen:
        return StaffingScreen(self.db_path, self.initial_month)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker becomes a notification (screens forward theirs)."""
        if event.state is not WorkerState.ERROR:
            return
        worker = event.worker
        self.log.error(f"worker {worker.name!r} failed", worker.error)
        self.notify(
            describe_failure(worker.name or "finish the work", worker.error),
            title="Something went wrong" if not isinstance(worker.error, UserError) else "Cannot do that",
            severity="error",
            timeout=12,
            markup=False,  # paths and messages may hold [brackets]
        )


def build_app(
    db_path: str | os.PathLike[str],
    as_staff: str | None = None,
    month: Month | str | None = None,
) -> StaffingApp:
    """The app for `db_path`; the CLI, Pilot tests and snapshot tests all start here."""
    return StaffingApp(db_path, as_staff=as_staff, month=month)


def run_app(
    db_path: str | os.PathLike[str] | None,
    as_staff: str | None = None,
    month: Month | str | None = None,
) -> int:
    """Run the app full screen; return the exit status (2: the database cannot be used).

    Without `db_path`, opens the user's working copy of the bundled sample.
    The database is opened once before the screen takes over, so a missing,
    damaged or too-new file is reported as one sentence on stderr.
    """
    try:
        path = Path(db_path) if db_path is not None else sample_working_copy()
        parsed = Month.parse(month) if isinstance(month, str) else month
        open_database(path).close()
    except (UserError, ValueError) as exc:
        print(getattr(exc, "message", None) or str(exc), file=sys.stderr)
        return 2
    app = build_app(path, as_staff=as_staff, month=parsed)
    app.run()
    return app.return_code or 0
