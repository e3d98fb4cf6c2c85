"""The bundled demo database and the user's private working copy of it.

`staffing-tui` with no database opens a copy of `sample.db` kept in the user
data directory, so the shipped file stays pristine (SPEC §5). The copy is
made only when it is missing or older than the shipped file, and is readable
by its owner only: even demo records look like case files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import platformdirs

from staffing_tui.errors import DatabaseProblem

#: The demo database at the top of the repository / installation.
SHIPPED_SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"

APP_NAME = "staffing-tui"
WORKING_COPY_NAME = "sample.db"

#: Files SQLite keeps next to a database in WAL mode; stale ones would be
#: replayed onto a fresh copy, so they go with the copy they belong to.
_SIDECARS = ("-wal", "-shm", "-journal")


def user_data_dir() -> Path:
    """Where staffing-tui keeps its working files for this user."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def sample_working_copy(data_dir: Path | None = None, shipped: Path = SHIPPED_SAMPLE) -> Path:
    """The path of the user's working copy of the sample, (re)made when needed.

    The copy is (re)made when it is missing or older than `shipped`; an
    up-to-date copy, with the user's changes, is left alone. Raises
    DatabaseProblem when the shipped sample cannot be found or copied.
    """
    if not shipped.is_file():
        raise DatabaseProblem(
            f"The bundled sample database is missing ({shipped}); "
            "open your own database instead, e.g. `staffing-tui my.db`."
        )
    target = (data_dir or user_data_dir()) / WORKING_COPY_NAME
    if _is_up_to_date(target, shipped):
        return target
    try:
        _copy_privately(shipped, target)
    except OSError as exc:
        raise DatabaseProblem(
            f"Cannot copy the sample database to {target}: {exc.strerror or exc}."
        ) from None
    return target


def _is_up_to_date(target: Path, shipped: Path) -> bool:
    return target.is_file() and target.stat().st_mtime >= shipped.stat().st_mtime


def _copy_privately(shipped: Path, target: Path) -> None:
    """Copy `shipped` to `target` as a 0600 file, replacing it atomically."""
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
    for suffix in _SIDECARS:
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(partial, target)
