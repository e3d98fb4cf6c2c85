"""The user's working copy of the bundled sample.db (README.md: the shipped file stays pristine; the
user's work in the copy is never lost to a newer shipped sample)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

import staffing_tui.sample as sample
from staffing_tui.app import build_app
from staffing_tui.errors import DatabaseProblem
from staffing_tui.sample import SHIPPED_SAMPLE, sample_working_copy, working_copy
from tests.conftest import SIZE, Recorder, settle
from tests.builders import cli
from tests.conftest import kill_and_reap, start_python

#: An app in a process of its own, on the database given as its argument, started as `run_app`
#: starts it (the database checked, then the app built) but headless: it says "running" once its
#: screen is up and stops at the first line on its standard input.
APP_PROCESS = """
import asyncio, sys
from pathlib import Path
from staffing_tui.app import build_app, check_can_open

async def main(path):
    check_can_open(Path(path), None)
    app = build_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        print("running", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

asyncio.run(main(sys.argv[1]))
"""


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A shipped sample (a copy of the real one), installed a while ago, readable by everyone."""
    path = tmp_path / "shipped" / "sample.db"
    path.parent.mkdir()
    path.write_bytes(SHIPPED_SAMPLE.read_bytes())
    os.chmod(path, 0o644)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    return path


@pytest.fixture
def data(tmp_path: Path, monkeypatch, shipped: Path) -> Path:
    """The user data directory, where the command line finds the working copy too (XDG), with
    `shipped` as the bundled sample."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sample, "SHIPPED_SAMPLE", shipped)
    return sample.user_data_dir()


def ship_a_newer_sample(shipped: Path) -> None:
    """A new version installed: the shipped sample says so (meta `edition`) and is newer than any copy."""
    with closing(sqlite3.connect(shipped)) as conn, conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('edition', 'newer')")
    later = os.stat(shipped).st_mtime + 10 ** 6
    os.utime(shipped, (later, later))


def edition(db: Path) -> str | None:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'edition'").fetchone()
    return row[0] if row else None


def add_a_step(capsys, db: Path) -> str:
    """The user's work: a next step agreed in a staffing (through the command line); its id."""
    code, out, err = cli(capsys, "step", "add", "--db", db, "--as", "SV01", "--specialist", "SP01",
                         "--text", "Call the school about the bus.", "--due", "2026-11-30")
    assert code == 0, err
    return out.strip()


def steps_in(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [text for (text,) in conn.execute("SELECT text FROM next_steps ORDER BY next_step_id")]


def test_shipped_sample_is_looked_for_at_the_top_of_the_repository():
    assert SHIPPED_SAMPLE == Path(__file__).resolve().parents[2] / "sample.db"


def test_missing_working_copy_is_made_private_and_the_shipped_file_is_untouched(tmp_path, shipped):
    before = (shipped.read_bytes(), shipped.stat().st_mtime, stat.S_IMODE(shipped.stat().st_mode))
    copy = sample_working_copy(tmp_path / "data", shipped=shipped)
    assert copy == tmp_path / "data" / "sample.db"
    assert copy.read_bytes() == shipped.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert (shipped.read_bytes(), shipped.stat().st_mtime, stat.S_IMODE(shipped.stat().st_mode)) == before
    assert sorted(p.name for p in copy.parent.iterdir()) == ["sample.db"]  # no partial file left


def test_an_up_to_date_working_copy_keeps_the_users_changes(tmp_path, shipped, capsys):
    copy = sample_working_copy(tmp_path / "data", shipped=shipped)
    add_a_step(capsys, copy)
    assert working_copy(tmp_path / "data", shipped=shipped) == sample.WorkingCopy(copy)
    assert steps_in(copy)[-1] == "Call the school about the bus."


def test_a_newer_shipped_sample_silently_replaces_a_copy_without_the_users_records_and_its_stale_wal(
        tmp_path, shipped):
    copy = sample_working_copy(tmp_path / "data", shipped=shipped)
    stale_wal = copy.with_name("sample.db-wal")
    stale_wal.write_bytes(b"")  # left by an app that was killed (nothing in it: the copy holds no records)
    ship_a_newer_sample(shipped)
    assert working_copy(tmp_path / "data", shipped=shipped) == sample.WorkingCopy(copy)  # nothing to say
    assert edition(copy) == "newer"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not stale_wal.exists()


def test_a_newer_shipped_sample_never_replaces_a_copy_holding_the_users_records(tmp_path, shipped, capsys):
    copy = sample_working_copy(tmp_path / "data", shipped=shipped)
    add_a_step(capsys, copy)
    ship_a_newer_sample(shipped)
    for _ in range(2):  # a second start too
        found = working_copy(tmp_path / "data", shipped=shipped)
        assert found.path == copy and edition(copy) is None
        assert steps_in(copy)[-1] == "Call the school about the bus."
        assert found.notice == (f"A newer sample database is available, but your working copy {copy} holds records "
                                "of yours, so it was not replaced; run `staffing-tui --reset-sample` to take the new "
                                "one (your copy is kept aside, not deleted).")
    assert sorted(p.name for p in copy.parent.iterdir()) == ["sample.db"]


@pytest.mark.slow
def test_a_newer_shipped_sample_never_replaces_a_copy_an_app_in_another_process_has_open(data, shipped, capsys):
    copy = sample_working_copy()
    app = start_python("-c", APP_PROCESS, str(copy), stdin=subprocess.PIPE)
    try:
        assert app.stdout.readline() == "running\n", app.stderr.read()
        ship_a_newer_sample(shipped)
        found = working_copy()  # a second start, while the first app runs
        assert found.path == copy and edition(copy) is None
        assert "is open in another program (a running staffing-tui?), so it was not replaced" in found.notice
        code, out, err = cli(capsys, "--reset-sample")
        assert (code, out) == (2, "")
        assert err == (f"error: Your sample working copy {copy} is open in another program (a running "
                       "staffing-tui?); close it, then run `staffing-tui --reset-sample` again. Nothing was changed.\n")
        assert edition(copy) is None and sorted(p.name for p in data.iterdir() if p.suffix == ".db") == ["sample.db"]
        app.stdin.write("\n")
        app.stdin.flush()
        assert app.wait(timeout=30) == 0
    finally:
        kill_and_reap(app)
    assert working_copy() == sample.WorkingCopy(copy)  # closed, and it held no records: now it is replaced
    assert edition(copy) == "newer"


def test_reset_sample_takes_the_newer_sample_and_keeps_the_users_copy_aside_with_its_records(data, shipped, capsys):
    copy = sample_working_copy()
    add_a_step(capsys, copy)
    ship_a_newer_sample(shipped)
    code, out, err = cli(capsys, "--reset-sample")
    assert code == 0, err
    (kept,) = [p for p in data.iterdir() if p.name.startswith("sample-")]
    assert out == f"{copy} is a fresh copy of the shipped sample; your previous copy is kept as {kept}.\n"
    assert edition(copy) == "newer" and "Call the school about the bus." not in steps_in(copy)
    assert steps_in(kept)[-1] == "Call the school about the bus."  # every record of the user's, in the kept copy
    assert stat.S_IMODE(kept.stat().st_mode) == stat.S_IMODE(copy.stat().st_mode) == 0o600
    with closing(sqlite3.connect(kept)) as conn:  # a whole database, not a torn file
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_copy_that_is_not_a_database_is_never_replaced_silently_and_reset_moves_it_aside(data, shipped, capsys):
    copy = sample_working_copy()
    copy.write_bytes(b"whatever this is, it is the user's")
    os.utime(copy, (1_600_000_000, 1_600_000_000))
    found = working_copy()
    assert "cannot be read as a database, so it was not replaced" in found.notice
    assert copy.read_bytes() == b"whatever this is, it is the user's"
    assert cli(capsys, "--reset-sample")[0] == 0
    (kept,) = [p for p in data.iterdir() if p.name.startswith("sample-")]
    assert kept.read_bytes() == b"whatever this is, it is the user's"
    assert copy.read_bytes() == shipped.read_bytes()


def test_reset_sample_takes_no_database(data, capsys):
    code, _, err = cli(capsys, "my.db", "--reset-sample")
    assert code == 2 and err.startswith("error: --reset-sample only replaces the working copy")


async def test_the_app_says_a_newer_sample_is_available_and_how_to_take_it(tmp_path, shipped, capsys):
    copy = sample_working_copy(tmp_path / "data", shipped=shipped)
    add_a_step(capsys, copy)
    ship_a_newer_sample(shipped)
    found = working_copy(tmp_path / "data", shipped=shipped)
    recorder = Recorder()
    app = build_app(found.path, as_staff="SV01", notice=found.notice)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
    assert [n for n in recorder.messages() if "newer sample" in n] == [found.notice]
    assert "staffing-tui --reset-sample" in found.notice


def test_a_missing_shipped_sample_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseProblem, match="bundled sample database is missing"):
        sample_working_copy(tmp_path / "data", shipped=tmp_path / "nope.db")
