"""The layers hold: import-linter's contracts (pyproject.toml, `[tool.importlinter]`) pass.

Run here, so the README's test command (and `.ci/run`) enforces them: the domain imports only
itself and the standard library; the store never imports the UI and renders only escaped
messages and the plan document it stores; `present` is headless; widgets and modals never
import the app, and widgets no screen or modal.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_imports() -> str:
    """`lint-imports` of this environment (beside its Python), else the one on the PATH."""
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is not installed: pip install -e '.[test]'"
    return found


def test_every_import_contract_of_the_layers_is_kept():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    result = subprocess.run([lint_imports(), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken." in result.stdout
