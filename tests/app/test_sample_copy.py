"""The user's working copy of the bundled sample.db (SPEC §5: the shipped file stays pristine)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from staffing_tui.errors import DatabaseProblem
from staffing_tui.sample import SHIPPED_SAMPLE, sample_working_copy


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    path = tmp_path / "shipped" / "sample.db"
    path.parent.mkdir()
    path.write_bytes(b"SQLite format 3\x00 shipped v1")
    os.chmod(path, 0o644)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    return path


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


def test_an_up_to_date_working_copy_keeps_the_users_changes(tmp_path, shipped):
    copy = sample_working_copy(tmp_path / "data", shipped=shipped)
    copy.write_bytes(b"SQLite format 3\x00 with the user's records")
    assert sample_working_copy(tmp_path / "data", shipped=shipped).read_bytes().endswith(b"user's records")


def test_a_newer_shipped_sample_replaces_an_older_copy_and_its_stale_wal(tmp_path, shipped):
    copy = sample_working_copy(tmp_path / "data", shipped=shipped)
    os.utime(copy, (1_600_000_000, 1_600_000_000))  # older than the shipped file
    stale_wal = copy.with_name("sample.db-wal")
    stale_wal.write_bytes(b"old pages")
    shipped.write_bytes(b"SQLite format 3\x00 shipped v2")
    os.utime(shipped, (1_700_000_100, 1_700_000_100))
    sample_working_copy(tmp_path / "data", shipped=shipped)
    assert copy.read_bytes().endswith(b"v2")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not stale_wal.exists()


def test_a_missing_shipped_sample_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseProblem, match="bundled sample database is missing"):
        sample_working_copy(tmp_path / "data", shipped=tmp_path / "nope.db")
