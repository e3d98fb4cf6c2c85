"""Issue 14 §2 — `--out` (report, agenda) and `plan export --out` never replace what they should not.

* An existing file is refused unless `--force`; with `--force` a regular file is replaced.
* Always refused, even with `--force`: anything that is not a regular file (directory, FIFO,
  device, socket, symbolic link) and the database's own files (the database, `-wal`, `-shm`,
  `-journal`), however the path is spelt and through a hard link.
* A refusal is exit 2 with one sentence and touches nothing: the target keeps its bytes, no
  temporary file is left behind, and a FIFO is never opened (which would block).
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import cli, dump
from tests.conftest import REPO, add_contact_plan, mode_of

REPORT = ["report", "--month", "2026-10", "--format", "json"]
AGENDA = ["agenda", "--specialist", "S1", "--month", "2026-10"]
PLAN_EXPORT = ["plan", "export", "1", "--format", "md"]
EXPORTS = {"report": REPORT, "agenda": AGENDA, "plan export": PLAN_EXPORT}


@pytest.fixture
def plan_db(db_path, capsys) -> Path:
    """The small database with contact plan 1 (K1's goal is adoption from August)."""
    return add_contact_plan(capsys, db_path)


def listing(folder: Path, database: Path) -> dict[str, bytes | str]:
    """Every entry of the folder: a regular file's bytes, anything else its kind — but for the
    database and its side files, whose bytes SQLite itself may change while a report reads."""
    entries: dict[str, bytes | str] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(database.name):
            continue
        if entry.is_symlink():
            entries[entry.name] = f"link to {os.readlink(entry)}"
        elif entry.is_file():
            entries[entry.name] = entry.read_bytes()
        else:
            entries[entry.name] = "not a regular file"
    return entries


def assert_refused(capsys, argv: list, db: Path, out: Path, reason: str, *, force: bool = True) -> None:
    """The export to `out` is refused with one sentence naming `reason`; nothing in the folder changed,
    the database holds what it held, and no export was written to any of its files."""
    real_db = db.resolve()
    before = listing(out.parent, real_db), listing(real_db.parent, real_db), dump(real_db)
    code, printed, err = cli(capsys, *argv, "--db", db, "--out", out, *(["--force"] if force else []))
    assert (code, printed) == (2, ""), err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert reason in err, err
    assert (listing(out.parent, real_db), listing(real_db.parent, real_db), dump(real_db)) == before
    for side in real_db.parent.glob(f"{real_db.name}*"):
        assert not side.read_bytes().startswith((b"{", b"#")), side  # an export's first byte


# --- an existing file: only with --force ------------------------------------------------------------


@pytest.mark.parametrize("command", EXPORTS)
def test_an_existing_file_is_refused_without_force(plan_db, tmp_path, capsys, command):
    out = tmp_path / "verified-backup.txt"
    out.write_text("a file someone keeps")
    assert_refused(capsys, EXPORTS[command], plan_db, out, "already exists; choose a new file name, or add --force",
                   force=False)
    assert out.read_text() == "a file someone keeps"


@pytest.mark.parametrize("command", EXPORTS)
def test_force_replaces_an_existing_regular_file_privately(plan_db, tmp_path, capsys, command):
    out = tmp_path / "old-export.txt"
    out.write_text("last week's export")
    os.chmod(out, 0o644)
    code, printed, err = cli(capsys, *EXPORTS[command], "--db", plan_db, "--out", out, "--force")
    assert (code, printed) == (0, f"{out}\n"), err
    assert out.read_text() != "last week's export" and mode_of(out) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


@pytest.mark.parametrize("command", EXPORTS)
def test_a_new_file_needs_no_force(plan_db, tmp_path, capsys, command):
    out = tmp_path / "new-export.txt"
    code, printed, err = cli(capsys, *EXPORTS[command], "--db", plan_db, "--out", out)
    assert (code, printed) == (0, f"{out}\n"), err
    assert out.stat().st_size > 0 and mode_of(out) == 0o600


# --- never, even with --force: what is not a regular file ------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the socket file stays


def _link_to_a_file(path: Path) -> None:
    (path.parent / "real.txt").write_text("the link's target")
    path.symlink_to(path.parent / "real.txt")


def _dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.txt")


@pytest.mark.parametrize("make, reason", [
    (_fifo, "is a named pipe (FIFO); give the name of a regular file"),
    (_directory, "is a directory; give the name of a regular file"),
    (_socket, "is a socket; give the name of a regular file"),
    (_link_to_a_file, "is a symbolic link; give the path of a regular file"),
    (_dangling_link, "is a symbolic link; give the path of a regular file"),
])
@pytest.mark.parametrize("command", EXPORTS)
def test_what_is_not_a_regular_file_is_refused_even_with_force(plan_db, tmp_path, capsys, command, make, reason):
    out = tmp_path / "target"
    make(out)
    assert_refused(capsys, EXPORTS[command], plan_db, out, reason)


@pytest.mark.parametrize("command", EXPORTS)
def test_a_device_is_refused_even_with_force(plan_db, capsys, command):
    before = os.stat("/dev/null")
    code, printed, err = cli(capsys, *EXPORTS[command], "--db", plan_db, "--out", "/dev/null", "--force")
    assert (code, printed) == (2, "") and "/dev/null is a character device" in err, err
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)


def test_a_fifo_is_refused_without_ever_being_opened(plan_db, tmp_path):
    """Nobody reads the pipe: opening it to write would block forever. The real process answers at once."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "staffing_tui", *REPORT, "--db", str(plan_db), "--out", str(fifo),
                           "--force"], capture_output=True, text=True, timeout=60, cwd=REPO, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert "is a named pipe (FIFO)" in done.stderr and "Traceback" not in done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --- never, even with --force: the database's own files ------------------------------------------------


@pytest.mark.parametrize("suffix, reason", [
    ("", "is the database itself"),
    ("-wal", "is the database's -wal file"),
    ("-shm", "is the database's -shm file"),
    ("-journal", "is the database's -journal file"),
])
@pytest.mark.parametrize("exists", [True, False], ids=["present", "absent"])
@pytest.mark.parametrize("command", EXPORTS)
def test_the_database_and_its_side_files_are_refused_even_with_force(plan_db, capsys, command, suffix, reason,
                                                                      exists):
    """An absent -wal is refused too: SQLite would take a file of that name for the database's log."""
    target = Path(f"{plan_db}{suffix}")
    if exists and not target.exists():
        target.write_bytes(b"")
    if not exists and suffix:
        target.unlink(missing_ok=True)
    assert_refused(capsys, EXPORTS[command], plan_db, target, reason)


@pytest.mark.parametrize("command", EXPORTS)
def test_another_spelling_of_the_wal_path_is_refused(plan_db, tmp_path, capsys, command):
    (tmp_path / "sub").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path, target_is_directory=True)  # a folder link, not a file link
    for spelling in (tmp_path / "sub" / ".." / f"{plan_db.name}-wal", tmp_path / "alias" / f"{plan_db.name}-wal"):
        assert_refused(capsys, EXPORTS[command], plan_db, spelling, "is the database's -wal file")


@pytest.mark.parametrize("command", EXPORTS)
def test_a_hard_link_to_the_database_is_refused(plan_db, tmp_path, capsys, command):
    other_name = tmp_path / "looks-like-an-export.md"
    os.link(plan_db, other_name)
    assert_refused(capsys, EXPORTS[command], plan_db, other_name, "is the database itself")


def test_a_database_reached_through_a_link_still_has_its_files_protected(plan_db, tmp_path, capsys):
    """`--db` names a link: SQLite keeps the WAL beside the real file, and that name is refused."""
    link = tmp_path / "link.db"
    link.symlink_to(plan_db)
    assert_refused(capsys, REPORT, link, Path(f"{plan_db}-wal"), "is the database's -wal file")
