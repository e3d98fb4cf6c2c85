"""Opening a database: checks, pragmas, migrations, meta values.

Every entry point (CLI, app, tests) opens the database through
`open_database`, so the same pragmas and the same clear errors apply
everywhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from staffing_tui.errors import Busy, DatabaseProblem, UserError
from staffing_tui.store.schema import (
    AUDIT_CHAIN_VERSION, DEFAULT_TIMEZONE, KEEPING_FUNCTION, SCHEMA_VERSION, migrations,
)

BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"

#: The page cache of each connection the app opens (KiB; `staffing_tui.perf.tuned_for_the_app`).
#: SQLite's default is 2 MiB a connection. The app's workers each open their own, often at the same
#: time, and what a closed connection's cache held stays in the process's heap: statewide, 2–4 MB
#: of the app's 60 MB peak, for no speed (its reads are index look-ups and kept months, and the
#: file's pages stay in the OS's cache either way; docs/performance.md "What keeps it fast").
APP_PAGE_CACHE_KIB = 512

#: The page cache (KiB) this process gives every connection it opens; None: SQLite's default.
_page_cache_kib: int | None = None


def page_cache_kib() -> int | None:
    """The page cache (KiB) of the connections this process opens; None: SQLite's default."""
    return _page_cache_kib


def use_page_cache(kib: int | None) -> None:
    """Every connection this process opens from now on gets a page cache of `kib` (None: SQLite's
    default). The app sets `APP_PAGE_CACHE_KIB` while it runs; the commands keep SQLite's default,
    and `check` and the importer set larger ones on their connections."""
    global _page_cache_kib
    _page_cache_kib = kib


def _size_page_cache(conn: sqlite3.Connection) -> None:
    if _page_cache_kib is not None:
        conn.execute(f"PRAGMA cache_size = -{int(_page_cache_kib)}")


class StaffingDatabase(Database):
    """sqlite-utils' Database whose outermost `atomic()` takes the write lock at once.

    sqlite-utils begins a plain (deferred) transaction. In WAL mode a deferred
    transaction that reads first and then writes fails at once with "database
    is locked" when another process committed in between: busy_timeout cannot
    help, because the snapshot it read is already stale. `BEGIN IMMEDIATE`
    waits for the lock (up to busy_timeout) before the first read, so every
    read-validate-write of a record service or an import sees the latest data.
    A read-only connection keeps the deferred BEGIN (it can take no write lock).
    """

    immediate = True

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic():  # nested: a savepoint
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE" if self.immediate else "BEGIN")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):  # another user held the write lock past busy_timeout: nothing was written
                raise Busy(describe_sqlite_error(exc, database_file(self.conn) or None)) from None
            raise
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


def database_file(conn: sqlite3.Connection) -> str:
    """The path of the connection's main database file ('' for an in-memory one)."""
    return next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


# --- shared databases (docs/evidence.md "Shared databases") -----------------------------------

#: What SQLite keeps beside a database file.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def is_group_folder(folder: os.stat_result, gid: int) -> bool:
    """Whether a folder is the group `gid`'s as a shared database needs it
    (docs/evidence.md "Shared databases"): the group's, which the group may read, write and enter,
    and setgid (files made in it are the group's)."""
    return folder.st_gid == gid and folder.st_mode & 0o070 == 0o070 and bool(folder.st_mode & stat.S_ISGID)


def _is_shared(db_path: str | os.PathLike, st: os.stat_result) -> bool:
    """Whether the database file (stat `st`) is a shared one: in a folder of its own group."""
    try:
        return is_group_folder(os.stat(Path(db_path).absolute().parent), st.st_gid)
    except OSError:
        return False


def database_mode(db_path: str | os.PathLike) -> tuple[int, int]:
    """(mode, group) of the database at `db_path` and of every file the program makes beside it
    (WAL/SHM, backups, migration backups): the one rule — owner read/write, the group's read/write
    only where a shared database grants them, never wider than the database, nothing for others.

    A database of ours is shared when it lies in a folder of its group (what `init --group` makes);
    anywhere else it is owner-only, whatever `touch` or a umask gave it (0644 → 0600). A database of
    another account keeps the group bits its owner gave it: only a file's owner may change its mode
    (chmod fails with EPERM for anyone else, and even as root it is the owner's decision), and the
    files made beside it must stay usable by that owner and the group.
    """
    st = os.stat(db_path)
    group = st.st_mode & 0o060
    if group and st.st_uid == os.geteuid() and not _is_shared(db_path, st):
        group = 0
    return 0o600 | group, st.st_gid


def give_database_mode(path: str | os.PathLike, db_path: str | os.PathLike) -> None:
    """Give `path` (a file of ours: the database itself, or one made beside it) the mode and group
    `database_mode` decides for the database at `db_path`.

    When the group cannot be given (this account is not in it), the group gets nothing.
    """
    mode, gid = database_mode(db_path)
    st = os.stat(path)
    if st.st_gid != gid:
        try:
            os.chown(path, -1, gid)
        except OSError:
            mode &= 0o600
    if st.st_mode & 0o777 != mode:
        os.chmod(path, mode)


def _align_files(path: Path, suffixes: tuple[str, ...]) -> None:
    """The database's files of ours (`path` plus each suffix: "" the database itself) that do not
    carry the mode and group `database_mode` decides get them.

    SQLite gives the WAL/SHM the database's permission bits; their group is the creating account's
    unless the directory passes its own on (setgid), so a shared database's other users could not
    open them. Files of other accounts are left to them (see `database_mode`).
    """
    uid = os.geteuid()
    for suffix in suffixes:
        file = Path(f"{path}{suffix}")
        try:
            if file.stat().st_uid == uid:
                give_database_mode(file, path)
        except OSError:
            continue  # gone meanwhile, or not ours to change


@contextlib.contextmanager
def _group_umask(db_path: Path) -> Iterator[None]:
    """While it lasts, the umask lets through the group bits of the database at `db_path`
    (`database_mode`: a shared database's).

    SQLite creates a missing WAL or SHM file with the database's mode through the umask and only
    then fchmods it to that mode: in between, another account of the group opening the database
    finds it 0600 or 0640 and fails ("cannot be opened", "read-only"). With those bits out of the
    umask the files are the database's mode from the start — never wider, SQLite asks for no more.
    The umask is the process's, so the change is kept to opening a connection (files this program
    makes itself are opened with an explicit owner-only mode and are not affected).
    """
    try:
        granted = database_mode(db_path)[0] & 0o060
    except OSError:
        granted = 0
    if not granted:
        yield
        return
    previous = os.umask(0o077)
    os.umask(previous & ~granted)
    try:
        yield
    finally:
        os.umask(previous)


def create_shared_database_file(path: Path, group: str) -> None:
    """Create an empty database file for the group `group`: 0660, group `group`, in a directory
    the group can write (SQLite creates its WAL and lock files there). Refuses with one sentence
    when the group does not exist, this account cannot give files to it, or the directory is
    not the group's."""
    import grp

    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise UserError(f"--group {group}: there is no such group on this host; create it first "
                        f"(groupadd {group}) and add the staff's accounts to it.") from None
    if os.geteuid() != 0 and gid != os.getegid() and gid not in os.getgroups():
        raise UserError(f"--group {group}: your account is not in that group, so it cannot share a "
                        "database with it; ask for it to be added (then log in again).")
    directory = path.parent
    if not directory.exists():
        directory.mkdir(parents=True)
        os.chown(directory, -1, gid)
        os.chmod(directory, 0o2770)  # the group's, and new files in it are too (setgid)
    # setgid: the WAL and SHM another account creates there are the group's from their first moment.
    if not is_group_folder(directory.stat(), gid):
        raise UserError(f"--group {group}: the folder {directory} is not writable by group {group} with the setgid "
                        "bit, and SQLite creates its WAL and lock files beside the database; run "
                        f"`chgrp {group} {directory} && chmod 2770 {directory}` first.")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchown(fd, -1, gid)
        os.fchmod(fd, 0o660)  # not left to the umask
    finally:
        os.close(fd)


def _allowed(path: Path, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def _check_is_readable(path: Path) -> None:
    """Refuse a directory or a file this account may not read, without opening it (see
    `_not_sqlite`: a database file is only ever opened through SQLite)."""
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a directory, not a database file.")
    if not _allowed(path, os.R_OK):
        raise DatabaseProblem(f"{path} cannot be read: permission denied.")


def _not_sqlite(path: Path) -> DatabaseProblem | None:
    """The problem to report when SQLite found no database in `path` and the file does not even
    start as an SQLite file does; None when it does (then it is a damaged one).

    Read only after SQLite failed on the file: closing any descriptor of a file drops every POSIX
    lock this process holds on it, SQLite's included (an app's worker reading the header beside
    the connection the app keeps open would hide it from `sole_use` in other processes). SQLite
    itself never closes a descriptor while its locks are held.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError:
        return None
    if header and header != SQLITE_HEADER:
        return DatabaseProblem(f"{path} is not a staffing-tui database (not an SQLite file).")
    return None


def _configure(db: Database, *, readonly: bool) -> None:
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    _size_page_cache(conn)
    if not readonly:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            try:
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # e.g. a read-only directory: keep the default journal
        # FULL: each commit is on disk before it is acknowledged, so an approved
        # decision survives a power cut too (one fsync per commit; imports are one commit).
        conn.execute("PRAGMA synchronous = FULL")


def _refuse_foreign(db: Database, path: Path) -> None:
    """An SQLite file of another program is never given our tables."""
    if db["meta"].exists():
        return
    tables = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != '_sqlite_migrations'"
    ).fetchone()[0]
    if tables:
        raise DatabaseProblem(
            f"{path} is an SQLite database of another program, not a staffing-tui database; "
            "check the path (nothing was changed)."
        )


def schema_version_of(db: Database) -> int:
    """The version recorded in `meta`, 0 for an empty database."""
    if not db["meta"].exists():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _backup_before_migration(path: Path, version: int) -> Path:
    import pendulum  # here, not at the top: the app starts faster without it

    stamp = pendulum.now("UTC").format("YYYYMMDDTHHmmss")
    backup = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with open(path, "rb") as source, os.fdopen(fd, "wb", closefd=False) as target:
            shutil.copyfileobj(source, target)
    finally:
        os.close(fd)
    give_database_mode(backup, path)  # a shared database's backup is the group's too, never wider
    return backup


def migrate(db: Database, path: Path | None = None) -> None:
    """Apply pending migrations, each in its own transaction, and record the version."""
    version = schema_version_of(db)
    if version > SCHEMA_VERSION:
        where = f"{path}" if path else "this database"
        raise DatabaseProblem(
            f"{where} was written by a newer staffing-tui (schema {version}, this program knows "
            f"{SCHEMA_VERSION}); upgrade staffing-tui to open it."
        )
    if not migrations.pending(db):
        return
    if version > 0 and path is not None:
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _backup_before_migration(path, version)
    chain_was = 0 < version < AUDIT_CHAIN_VERSION and db["audit_log"].exists()
    migrations.apply(db)
    if chain_was:
        built = get_meta(db).get("audit_chain_built")
        if built:
            rows = json.loads(built)["rows"]
            # Said once, by the program that upgraded the file (it is in meta for later readers).
            print(f"{path or 'the database'}: the audit log's hash chain was built over the {rows} rows already "
                  "there; from now on every change extends it (`staffing-tui check` verifies it).",
                  file=sys.stderr)
    with db.atomic():
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )


def connect_readonly(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection to the file at `path` (a URI, so `#`, `?` and `%` in the path are quoted)."""
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    _size_page_cache(conn)
    return conn


class Background:
    """Run `work(connection, *args)` on a second, read-only connection to the same file, in a
    thread, while the caller goes on with its own connection (SQLite runs without the GIL: on two
    cores the two statements run side by side); `result()` waits for it.

    Falls back to running it on the caller's connection, when `result()` is asked, when there is
    no second connection to be had (an in-memory database, an open transaction whose changes
    another connection could not see, or a file that cannot be opened a second time). A job
    whose result is never asked for is left to end on its own.
    """

    def __init__(self, db: Database, work: Callable, args: tuple) -> None:
        self._db, self._work, self._args = db, work, args
        self._result = self._error = None
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls, db: Database, work: Callable, *args, name: str = "background read") -> "Background":
        job = cls(db, work, args)
        path = database_file(db.conn)
        if path and not db.conn.in_transaction:
            job._thread = threading.Thread(target=job._run, args=(path,), name=name, daemon=True)
            job._thread.start()
        return job

    def _run(self, path: str) -> None:
        try:
            conn = connect_readonly(path)
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                self._result = self._work(conn, *self._args)
            finally:
                conn.close()
        except sqlite3.Error as exc:
            self._error = exc

    def result(self):
        if self._thread is None:
            return self._work(self._db.conn, *self._args)
        self._thread.join()
        if self._error is not None:  # e.g. the file cannot be opened a second time: do it here
            return self._work(self._db.conn, *self._args)
        return self._result


class InUse(Exception):
    """Another connection (of this or another process) has the database file open: `sole_use`."""


@contextlib.contextmanager
def sole_use(path: str | os.PathLike) -> Iterator[sqlite3.Connection]:
    """A connection that has the database at `path` to itself until the block ends; `InUse` at
    once (no busy wait) when any other connection has the file open.

    SQLite's own locks say so, on every system SQLite runs on: in exclusive locking mode a
    connection takes an EXCLUSIVE lock on the file and keeps it until it closes, which it cannot
    while another connection has the file open in WAL mode — even idle, that one holds its shared
    lock for as long as it is open (`hold_open`). A database in rollback-journal mode shows only
    connections inside a transaction. Leaving the block closes the connection: as the last one, it
    checkpoints the WAL into the file and removes it, so the file alone holds everything.
    sqlite3.DatabaseError when the file is not a database.
    """
    conn = sqlite3.connect(Path(path).absolute().as_uri() + "?mode=rw", uri=True, timeout=0,
                           isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
            conn.execute("COMMIT")  # the lock stays: exclusive locking mode keeps it until close
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise InUse(str(exc)) from None
            raise
        yield conn
    finally:
        conn.close()


def hold_open(path: str | os.PathLike) -> sqlite3.Connection | None:
    """A read-only connection that has read the database at `path`, to keep while the file is in
    use (the app keeps one as long as it runs): while it is open, `sole_use` in any process fails,
    so the sample's working copy is never replaced under a running app. Idle, it stops no reader,
    writer or checkpoint. None when the file cannot be read (the screens say why)."""
    try:
        conn = connect_readonly(path)
    except sqlite3.Error:
        return None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.Error:
        conn.close()
        return None
    return conn


def open_database(path: str | os.PathLike, *, create: bool = False, readonly: bool = False) -> Database:
    """Open (and migrate) the database at `path`.

    `readonly=True` is for commands that only read: the file is not modified
    (no journal-mode change), so opening the shipped sample.db leaves it intact.

    Raises DatabaseProblem with one readable sentence when the file is missing
    (and `create` is false), is not SQLite, is corrupt, locked, read-only or
    from a newer version.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise DatabaseProblem(
                f"There is no database at {path}; create one with `staffing-tui init --db {path}`."
            )
        try:
            _create_private_file(path)
        except OSError as exc:
            raise DatabaseProblem(f"Cannot create a database at {path}: {exc.strerror}.") from None
    _check_is_readable(path)
    if not readonly and not _allowed(path, os.W_OK):
        raise DatabaseProblem(f"{path} is read-only; ask for write access or work on a copy.")
    with _group_umask(path):  # SQLite makes the WAL and SHM files while the connection opens
        return _connect_and_migrate(path, readonly)


def _connect_and_migrate(path: Path, readonly: bool) -> Database:
    db: Database | None = None
    try:
        if readonly:
            conn = connect_readonly(path)
        else:
            conn = sqlite3.connect(str(path), check_same_thread=False)
        # No sqlite-utils plugins: whatever else is installed does not get to change our
        # connections (and finding them scans every installed package, ~20 ms a process).
        db = StaffingDatabase(conn, execute_plugins=False)
        db.immediate = not readonly
        keeping_switch(db)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _refuse_foreign(db, path)  # before anything (even the journal mode) is changed
        if not readonly:
            _align_files(path, ("",))  # before WAL mode: the WAL and SHM are made with the mode decided here
        _configure(db, readonly=readonly)
        if not readonly:
            _align_files(path, SIDE_SUFFIXES)
        if readonly:
            version = schema_version_of(db)
            if version < SCHEMA_VERSION:
                # An older database is upgraded once (with its backup), then read.
                db.close()
                open_database(path).close()
                return open_database(path, readonly=True)
            if version > SCHEMA_VERSION:
                migrate(db, path)  # raises the "newer version" message
        else:
            migrate(db, path)
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB and (problem := _not_sqlite(path)):
            raise problem from None
        raise (Busy if is_busy(exc) else DatabaseProblem)(describe_sqlite_error(exc, path)) from None
    except DatabaseProblem:
        if db is not None:
            db.close()
        raise
    return db


def keeping_switch(db: Database) -> list[int]:
    """The switch of `staffing_keeping()` on `db`'s connection (schema m010): the SQL function the
    guard of the kept months asks, 1 while `store.kept_months` writes on this connection (the
    switch's count is above 0), else 0. Registered once per connection, here for every connection
    `open_database` makes; the sqlite3 shell has no such function, so its writes are refused."""
    switch = getattr(db, "_keeping_switch", None)
    if switch is None:
        switch = [0]
        db.conn.create_function(KEEPING_FUNCTION, 0, lambda: 1 if switch[0] > 0 else 0)
        db._keeping_switch = switch  # type: ignore[attr-defined]
    return switch


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` is SQLite giving up on a lock another connection holds (SQLITE_BUSY/LOCKED)."""
    if not isinstance(exc, sqlite3.Error):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def describe_sqlite_error(exc: sqlite3.Error, path: Path | str | None = None) -> str:
    """One readable sentence for an SQLite failure."""
    text = str(exc).lower()
    where = f"{path}" if path else "the database"
    if is_busy(exc):
        return f"{where} is busy: another user is writing; nothing was written, try again in a moment."
    if "readonly" in text or "read-only" in text:
        return f"{where} is read-only; ask for write access or open a copy."
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"{where} is damaged or not a staffing-tui database; restore it from a backup."
    if "unable to open" in text:
        return f"{where} cannot be opened; check the path and its permissions."
    return f"{where} could not be used: {exc}."


def get_meta(db: Database) -> dict[str, str]:
    return {row[0]: row[1] for row in db.execute("SELECT key, value FROM meta")}


def set_meta(db: Database, key: str, value: str | None) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def timezone_of(db: Database) -> str:
    return get_meta(db).get("timezone") or DEFAULT_TIMEZONE


def default_as_of(db: Database, today: date | None = None) -> date:
    """`meta.as_of` when set, else today in the database time zone (docs/policy.md "Month and as-of date")."""
    meta = get_meta(db)
    if meta.get("as_of"):
        return date.fromisoformat(meta["as_of"])
    if today is not None:
        return today
    import pendulum  # here, not at the top: the app starts faster without it

    return pendulum.today(meta.get("timezone") or DEFAULT_TIMEZONE).date()
