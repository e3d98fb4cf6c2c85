"""What the screens look like, at a fixed size on a fixed date (pytest-textual-snapshot).

Database: tests/conftest.py `caseload_db` (`dated_facts_db` where said), November 2026 as of 2026-11-18,
acting as Val Vega (North Unit supervisor). Review a changed snapshot in the
report before accepting it with `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import settle, staffing_app

#: Slow: each snapshot drives the app through Pilot and renders it.
pytestmark = pytest.mark.slow

SIZE = (100, 30)


def keys_then_settle(*keys: str):
    """A `run_before` that presses `keys` once the month is shown, then lets the workers finish."""

    async def run(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run


# --- caseload -------------------------------------------------------------------


def test_caseload_beside_the_tree(snap_compare, caseload_db: Path):
    """Ana highlighted in the tree: her caseload beside it, Ivy (runaway) among the unseen."""
    assert snap_compare(staffing_app(caseload_db), terminal_size=SIZE, run_before=keys_then_settle("down"))


def test_caseload_focused(snap_compare, caseload_db: Path):
    """Enter on Ana: the caseload takes the width, unseen without a reason first."""
    assert snap_compare(staffing_app(caseload_db), terminal_size=SIZE, run_before=keys_then_settle("down", "enter"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_caseload_at_80x24_and_120x40(snap_compare, caseload_db: Path, size):
    """Enter on Ana, down to Ivy: name, status, reason and placement without scrolling sideways;
    Ivy's row whole in the detail line under the table (issue 17)."""
    assert snap_compare(staffing_app(caseload_db), terminal_size=size,
                        run_before=keys_then_settle("down", "enter", "down"))


def test_caseload_masked_and_filtered(snap_compare, caseload_db: Path):
    """Privacy mask on and the filter "lane due": initials, no placement names, MASKED in the header."""
    keys = ("down", "enter", "x", "slash", *"lane due", "enter")
    assert snap_compare(staffing_app(caseload_db), terminal_size=SIZE, run_before=keys_then_settle(*keys))


# --- detail ---------------------------------------------------------------------


def test_detail_of_the_runaway_child(snap_compare, caseload_db: Path):
    """Ivy Lane: the 12-month strip (met in September, unmet October, due November) and the case notes."""
    keys = ("down", "enter", "down", "enter")
    assert snap_compare(staffing_app(caseload_db), terminal_size=SIZE, run_before=keys_then_settle(*keys))


def test_detail_in_the_light_theme(snap_compare, caseload_db: Path):
    """The same detail in textual-light: every status stays readable."""
    app = staffing_app(caseload_db)

    async def run(pilot) -> None:
        app.theme = "textual-light"
        await keys_then_settle("down", "enter", "down", "enter")(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_detail_of_a_transferred_case_with_a_parents_dated_facts(snap_compare, dated_facts_db: Path):
    """Ivy's case, on the Members tab with Pat Lane highlighted: the assignment history under the
    title, Pat's flags in November, and under the table when each of his facts held."""
    keys = ("down", "enter", "down", "enter", "tab", "right", "tab", "down")
    assert snap_compare(staffing_app(dated_facts_db), terminal_size=SIZE, run_before=keys_then_settle(*keys))
