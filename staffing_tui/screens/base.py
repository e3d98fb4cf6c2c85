"""What every staffing-tui screen shares: a database path and worker plumbing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database
from textual import events, on
from textual._context import NoActiveAppError
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from staffing_tui.errors import Busy
from staffing_tui.store.connection import describe_sqlite_error, is_busy, open_database


@contextmanager
def database_at(path: Path, *, readonly: bool = False) -> Iterator[Database]:
    """A connection for the current thread worker, closed when the work is done.

    SQLite connections should not cross threads, so each worker opens its own.
    Workers that only read pass `readonly=True`: the file is not touched, and
    a read-only file can still be browsed. A write that waited out another
    user's lock raises `Busy` with its one sentence (nothing was written), so a
    form can say so and stay open with what was typed.
    """
    db = open_database(path, readonly=readonly)
    try:
        yield db
    except (Busy, sqlite3.Error) as exc:
        # The store names the file; in the app the file is the one open, so the sentence says "the database".
        if isinstance(exc, Busy) or is_busy(exc):
            raise Busy(BUSY_SENTENCE) from None
        raise
    finally:
        db.close()


#: What a form or dialog says when another user held the write lock too long.
BUSY_SENTENCE = describe_sqlite_error(sqlite3.OperationalError("database is locked")).capitalize()


class StyledOnce(Screen):
    """A screen styled once when it is first shown, not three times (issue 17, form open).

    Textual styles every widget as it is mounted, then again the whole screen when it
    resumes (right after, for a new screen), and again when its first resize sets the
    breakpoint classes (`-narrow`, `-short` …). For a form of forty widgets each pass was
    about 20 ms before the first paint. Here the breakpoint classes are set before anything
    is mounted, and the first resume keeps the styles the mount gave.
    """

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._shown_before = False
        try:
            width, height = self.app.size
        except NoActiveAppError:  # built outside an app (a test): the first resize sets them
            return
        for size, breakpoints in ((width, self.HORIZONTAL_BREAKPOINTS or self.app.HORIZONTAL_BREAKPOINTS),
                                  (height, self.VERTICAL_BREAKPOINTS or self.app.VERTICAL_BREAKPOINTS)):
            # Textual's own choice of class (what its first resize would set), so nothing changes then.
            self.add_class(*self._get_breakpoint_classes(size, breakpoints or []), update=False)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Handlers run from the subclass down: this one before Textual's own `Screen._on_screen_resume`.
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False  # just styled by its mount


class DatabaseScreen(StyledOnce):
    """A screen whose thread workers read the database at `db_path`."""

    def __init__(self, db_path: Path, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.db_path = db_path

    def work_failed(self, worker: Worker) -> None:
        """Put the screen back in a usable state after `worker` failed (override)."""

    def reload(self) -> None:
        """Read the database again (after a record was saved); override."""

    def when_drawn_again(self, callback: Callable[[], None]) -> None:
        """Call `callback` once what the last `reload()` read is shown (a form closes then: the
        supervisor sees the new rows at once, not the old ones first). Default: at once."""
        callback()

    @on(Worker.StateChanged)
    def _hand_worker_state_to_app(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged does not bubble: the screen tidies itself up,
        # then passes the event on to the app's one handler, which turns a
        # failure into a notification.
        if event.state is WorkerState.ERROR:
            self.work_failed(event.worker)
        self.app.post_message(event)
