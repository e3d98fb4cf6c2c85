"""Fixtures shared by the store's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from staffing_tui.store.month_cache import MONTH_CACHE
from staffing_tui.synth.write import generate_database

#: The seed of the generated unit database (the benchmarks' seed).
UNIT_SEED = 20261020


@pytest.fixture(scope="session")
def generated_unit(tmp_path_factory) -> Path:
    """The unit scale generated once, as a build leaves it (its recent months kept): never written,
    tests take a copy (`unit_copy`)."""
    path = tmp_path_factory.mktemp("generated-unit") / "unit.db"
    generate_database(path, "unit", UNIT_SEED)
    return path


@pytest.fixture
def unit_copy(generated_unit: Path, tmp_path: Path) -> Path:
    """A copy of the generated unit database to write on, the process's month cache empty before
    and after."""
    path = tmp_path / "unit.db"
    shutil.copyfile(generated_unit, path)
    MONTH_CACHE.clear()
    yield path
    MONTH_CACHE.clear()
