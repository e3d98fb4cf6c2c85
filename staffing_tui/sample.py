"""The bundled demo database and the user's private working copy of it.

`staffing-tui` with no database opens a copy of `sample.db` kept in the user
data directory, so the shipped file stays pristine (README.md). The copy is
readable by its owner only: even demo records look like case files.

The copy is made when it is missing. When the shipped sample is newer than the
copy (a new version was installed), the copy is replaced only if that loses
nothing: it holds none of the user's work — no record or audit row that the
sample's builder did not write — and no process has it open. Otherwise the
copy is opened as it is and the user is told that a newer sample is available
and how to take it: `staffing-tui --reset-sample` (`reset_sample`), which keeps
the old copy aside as `sample-YYYYMMDDTHHMMSS.db` and never deletes it.

Whether a process has the copy open is asked of SQLite itself
(`store.connection.sole_use`), which works wherever SQLite does, and sees a
running app (it keeps its database open: `hold_open`), a command at work on
the copy, or any other SQLite program. The check and the replacement are a few
microseconds apart: an app started in exactly that moment could still open the
old file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from staffing_tui.errors import DatabaseProblem, UserError
from staffing_tui.store.connection import InUse, sole_use

#: The demo database at the top of the repository / installation.
SHIPPED_SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"

APP_NAME = "staffing-tui"
WORKING_COPY_NAME = "sample.db"

#: The operating-system user the sample's builder (db/build_sample.py) records in the audit log:
#: any other audit row in a working copy is the user's work.
SAMPLE_BUILDER = "sample-builder"

#: The records the app writes (docs/data.md "Records created in the app"), each created with an audit row.
USERS_RECORDS = ("exceptions", "contact_plans", "staffing_notes", "next_steps")

#: Files SQLite keeps next to a database; stale ones would be replayed onto a
#: fresh copy, so they go with the copy they belong to.
_SIDECARS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class WorkingCopy:
    """The working copy to open, and `notice`: what to tell the user (a newer sample that was not
    taken, and how to take it), or None."""

    path: Path
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class SampleReset:
    """What `reset_sample` did: the fresh copy at `path`, the previous one kept as `kept` (None: there was none)."""

    path: Path
    kept: Path | None

    def describe(self) -> str:
        if self.kept is None:
            return f"{self.path} is a fresh copy of the shipped sample."
        return f"{self.path} is a fresh copy of the shipped sample; your previous copy is kept as {self.kept}."


def user_data_dir() -> Path:
    """Where staffing-tui keeps its working files for this user."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def working_copy(data_dir: Path | None = None, shipped: Path | None = None) -> WorkingCopy:
    """The user's working copy of the sample, made when missing and brought up to date when that
    loses nothing (see the module's docstring). Raises DatabaseProblem when the shipped sample
    cannot be found or copied."""
    shipped, target = _shipped(shipped), _target(data_dir)
    if not target.exists():
        _install(shipped, target)
        return WorkingCopy(target)
    if _is_up_to_date(target, shipped):
        return WorkingCopy(target)
    why_kept = _replace_unless_users(target, shipped)
    if why_kept is None:
        return WorkingCopy(target)
    return WorkingCopy(target, f"A newer sample database is available, but your working copy {target} {why_kept}, "
                               "so it was not replaced; run `staffing-tui --reset-sample` to take the new one "
                               "(your copy is kept aside, not deleted).")


def sample_working_copy(data_dir: Path | None = None, shipped: Path | None = None) -> Path:
    """The path of the user's working copy of the sample (`working_copy`)."""
    return working_copy(data_dir, shipped).path


def reset_sample(data_dir: Path | None = None, shipped: Path | None = None,
                 now: datetime | None = None) -> SampleReset:
    """Replace the working copy with the shipped sample, the previous copy moved aside to
    `sample-<now>.db` beside it (with every record in it; nothing is deleted).

    Raises UserError (nothing changed) while any process has the copy open.
    """
    shipped, target = _shipped(shipped), _target(data_dir)
    if not target.exists():
        _install(shipped, target)
        return SampleReset(target, None)
    with _ready_copy(shipped, target) as partial:
        if _why_kept(target, keep_users_work=False) is not None:
            raise UserError(f"Your sample working copy {target} {IN_USE}; close it, then run "
                            "`staffing-tui --reset-sample` again. Nothing was changed.")
        kept = _keep_aside(target, now or datetime.now().astimezone())
        _put_in_place(partial, target)
    return SampleReset(target, kept)


# --- deciding ------------------------------------------------------------------------------


def _target(data_dir: Path | None) -> Path:
    return (data_dir or user_data_dir()) / WORKING_COPY_NAME


def _shipped(shipped: Path | None) -> Path:
    shipped = shipped or SHIPPED_SAMPLE
    if not shipped.is_file():
        raise DatabaseProblem(
            f"The bundled sample database is missing ({shipped}); "
            "open your own database instead, e.g. `staffing-tui my.db`."
        )
    return shipped


def _is_up_to_date(target: Path, shipped: Path) -> bool:
    return target.stat().st_mtime >= shipped.stat().st_mtime


def _replace_unless_users(target: Path, shipped: Path) -> str | None:
    """Replace `target` with `shipped` unless it is open or holds the user's work: None when it
    was replaced, else why it was kept (the end of a sentence about the copy)."""
    with _ready_copy(shipped, target) as partial:
        why = _why_kept(target, keep_users_work=True)
        if why is None:
            _put_in_place(partial, target)
        return why


#: Why a copy open elsewhere is kept (the end of a sentence about it).
IN_USE = "is open in another program (a running staffing-tui?)"


def _why_kept(target: Path, *, keep_users_work: bool) -> str | None:
    """Why the copy at `target` may not be replaced now (the end of a sentence about it), or None.

    Never while a process has it open; with `keep_users_work`, neither while it holds the user's
    work or cannot be read (whatever it holds, it is not ours to drop) — else a copy SQLite
    cannot read is moved aside as it is.
    """
    try:
        with sole_use(target) as conn:
            if keep_users_work and holds_users_work(conn):
                return "holds records of yours"
    except InUse:
        return IN_USE
    except sqlite3.DatabaseError:
        return "cannot be read as a database" if keep_users_work else None
    # Closed, as the last connection: its WAL is folded into the file and gone — unless someone
    # opened the copy in the meantime and wrote to it.
    return IN_USE if _wal_has_content(target) else None


def holds_users_work(conn: sqlite3.Connection) -> bool:
    """Whether a working copy holds work of the user's: an audit row the sample's builder did not
    write (every write of the program leaves one: records, their changes, imports), or a record
    (exception, contact plan, staffing note, next step) the builder's audit rows do not account
    for (one written past the program). A copy that cannot tell (an older schema) holds some."""
    try:
        if conn.execute("SELECT EXISTS (SELECT 1 FROM audit_log WHERE os_user IS NOT ?)",
                        [SAMPLE_BUILDER]).fetchone()[0]:
            return True
        for table in USERS_RECORDS:
            (records,) = conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()
            (created,) = conn.execute("SELECT count(*) FROM audit_log WHERE table_name = ? AND action = 'create'",
                                      [table]).fetchone()
            if records > created:
                return True
    except sqlite3.Error:
        return True
    return False


def _wal_has_content(target: Path) -> bool:
    try:
        return Path(f"{target}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


# --- files -----------------------------------------------------------------------------------


def _install(shipped: Path, target: Path) -> None:
    """A first copy of `shipped` at `target` (nothing there yet)."""
    with _ready_copy(shipped, target) as partial:
        _put_in_place(partial, target)


@contextlib.contextmanager
def _ready_copy(shipped: Path, target: Path) -> Iterator[Path]:
    """A complete 0600 copy of `shipped` under a hidden name beside `target` for the block, ready
    to take its place (made first, so that the moment between checking the copy and replacing it
    is short); removed afterwards unless it was put in place."""
    partial = _private_copy(shipped, target)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _private_copy(shipped: Path, target: Path) -> Path:
    """A 0600 copy of `shipped` at `.sample.db.partial-PID` beside `target`."""
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask or a leftover file said
            with os.fdopen(fd, "wb") as out, shipped.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise DatabaseProblem(f"Cannot copy the sample database to {target}: {exc.strerror or exc}.") from None
    return partial


def _put_in_place(partial: Path, target: Path) -> None:
    """`partial` becomes `target` at once; the side files of the file it replaces go first."""
    try:
        for suffix in _SIDECARS:
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(partial, target)
    except OSError as exc:
        raise DatabaseProblem(f"Cannot copy the sample database to {target}: {exc.strerror or exc}.") from None


def _keep_aside(target: Path, now: datetime) -> Path:
    """Give the copy at `target` a second name, `sample-<now>.db`, that it keeps when `target` is
    replaced (a hard link: the same file, never copied or lost in between); that name."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    for n in range(100):
        kept = target.with_name(f"{target.stem}-{stamp}{f'-{n}' if n else ''}{target.suffix}")
        try:
            os.link(target, kept)
            return kept
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: a copy, then the original is replaced
            try:
                fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with open(target, "rb") as source, os.fdopen(fd, "wb") as copy:
                    shutil.copyfileobj(source, copy)
                return kept
            except FileExistsError:
                continue
            except OSError as exc:
                raise DatabaseProblem(f"Cannot keep {target} aside as {kept}: {exc.strerror or exc}; "
                                      "nothing was changed.") from None
    raise DatabaseProblem(f"Cannot keep {target} aside: too many copies named {target.stem}-{stamp}*; "
                          "nothing was changed.")
