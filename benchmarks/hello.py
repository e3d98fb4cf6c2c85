"""The yardstick for the app's cold start: a Textual hello world with a DataTable.

    .venv/bin/python benchmarks/hello.py      # run it (q quits)

`benchmarks/run.py` starts it headless (`run_test`) in a fresh process and
times how long it takes until the table's rows are painted, exactly as it
times the app until the first caseload is painted: the ratio of the two is
what the app adds to the bare cost of starting Textual.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

COLUMNS = ("Person", "Role", "Requirement", "Status", "Reason", "Last seen")
ROWS = [
    (f"Person {n:02d}", "child" if n % 3 else "parent", "monthly_face_to_face",
     "met" if n % 5 else "unmet", "seen_in_person" if n % 5 else "not_seen", f"2026-09-{n % 28 + 1:02d}")
    for n in range(40)
]


class HelloTable(App[None]):
    """A header, a footer and a table of forty rows: the least a caseload screen does."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="table")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(ROWS)


if __name__ == "__main__":
    HelloTable().run()
