"""The snapshot tests use the Pilot tests' database (fixed as-of date: meta.as_of 2026-11-18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import add_runaway_and_history, build_staffing_db


@pytest.fixture
def caseload_db(tmp_path: Path) -> Path:
    return add_runaway_and_history(build_staffing_db(tmp_path / "caseload.db"))
