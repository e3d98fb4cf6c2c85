"""What the tests share: settling workers, recording notifications, reading the screen (Pilot)."""

from __future__ import annotations

from pathlib import Path

from textual.notifications import Notification, Notify
from textual.worker import WorkerFailed

from staffing_tui.app import StaffingApp, build_app
from staffing_tui.widgets.caseload_table import CaseloadTable
from staffing_tui.widgets.staffing_header import StaffingHeader
from staffing_tui.widgets.units_tree import UnitsTree

SIZE = (120, 40)

#: Tree rows of the fixture from the top (the cursor starts on the first unit).
DOWN_TO = {"S1": 1, "S2": 2, "S3": 4}


class Recorder:
    """Collects the notifications the app posts (run_test's public message hook)."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.notifications.append(message.notification)

    def messages(self, severity: str | None = None) -> list[str]:
        return [n.message for n in self.notifications if severity is None or n.severity == severity]

    def errors(self) -> list[Notification]:
        return [n for n in self.notifications if n.severity == "error"]


async def settle(pilot) -> None:
    """Let every worker finish and its message be handled."""
    for _ in range(3):  # a result can start the next worker (month → actor)
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerFailed:
            pass  # the app reports it; the tests look at what the user sees
        await pilot.pause()


def staffing_app(db: Path, as_staff: str | None = "SV1", month: str | None = None) -> StaffingApp:
    """The app as the CLI builds it, acting as the North Unit supervisor unless told otherwise.

    Animations are off: they only make the tests wait.
    """
    app = build_app(db, as_staff=as_staff, month=month)
    app.animation_level = "none"
    return app


async def open_caseload(pilot, staff_id: str) -> CaseloadTable:
    """Move the tree to `staff_id` and press enter: their caseload, focused."""
    await settle(pilot)
    await pilot.press(*["down"] * DOWN_TO[staff_id], "enter")
    await settle(pilot)
    return caseload_of(pilot.app)


def tree_of(app: StaffingApp) -> UnitsTree:
    return app.screen.query_one(UnitsTree)


def caseload_of(app: StaffingApp) -> CaseloadTable:
    return app.screen.query_one(CaseloadTable)


def table_keys(table) -> list[str]:
    return [row_key.value for row_key in table.rows]


def column(table, key: str) -> list[str]:
    return [str(cell) for cell in table.get_column(key)]


def header_text(app: StaffingApp) -> str:
    return " ".join(str(app.screen.query_one(StaffingHeader).render()).split())
