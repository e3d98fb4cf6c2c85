"""Shared helpers for the reliability tests (concurrency, crashes, bad input, privacy)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import small_database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_path(tmp_path) -> Path:
    """The small two-unit database of tests/builders.py (as of 2026-11-10)."""
    path = tmp_path / "records.db"
    small_database(path).close()
    return path


def query(path: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def mode_of(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def start_python(*argv: str, **kwargs) -> subprocess.Popen:
    """A Python process at the repository root (so `tests.…` and `staffing_tui` import)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, *argv], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def kill_and_reap(process: subprocess.Popen) -> None:
    """Stop a worker we started (by its own handle) and collect it."""
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=10)
