"""The person/case detail: 12-month strip, notes, members, placements, records (Pilot).

Ivy Lane (K6, case C1) was seen at Oak Home on 2026-09-15, ran away on
2026-10-20 and has no locate efforts since: October unmet, November due.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, TabbedContent

from staffing_tui.domain.enums import Status
from staffing_tui.domain.months import Month
from staffing_tui.screens.detail import CaseDetailScreen
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.widgets.month_strip import MonthStrip
from tests.conftest import SIZE, caseload_of, column, header_text, open_caseload, settle, staffing_app

#: Slow: each test drives the app through Pilot (a second or more each).
pytestmark = pytest.mark.slow


async def open_ivy(pilot) -> CaseDetailScreen:
    await open_caseload(pilot, "S1")
    await pilot.press("down", "enter")  # Kit, then Ivy
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaseDetailScreen)
    return screen


def text_of(screen, selector: str) -> str:
    return " ".join(str(screen.query_one(selector).render()).split())


def rows_of(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_enter_on_a_caseload_row_opens_the_detail_with_a_12_month_strip(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ivy(pilot)
        assert (screen.case_id, screen.person_id) == ("C1", "K6")
        title = text_of(screen, "#detail-title")
        assert title.startswith("Ivy Lane · child · born 2011-09-09 (age 15) — case C1 · dependency")
        status = text_of(screen, "#detail-status")
        assert status.startswith("November 2026: ! due — runaway, no locate efforts this month")
        assert "placement: runaway since 2026-10-20" in status
        strip = screen.history.strip("K6")
        assert [month for month, _ in strip] == [Month(2025, 12).shift(i) for i in range(12)]
        assert strip[0][1] is None  # the case opened in January 2026
        assert [row.status for _, row in strip[-3:]] == [Status.MET, Status.UNMET, Status.DUE]
        drawn = str(screen.query_one(MonthStrip).render()).splitlines()
        assert " ".join(drawn[0].split()[-6:]) == "Sep 26 Oct 26 Nov 26"
        assert drawn[1].split()[-3:] == ["✓", "✗", "!"]
        assert "✓ met" in drawn[2] and "· not on case" in drawn[2]


async def test_detail_lists_the_case_notes_with_whom_they_contacted(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ivy(pilot)
        notes = rows_of(screen, "#notes-table")
        assert [row[0] for row in notes] == ["2026-11-03", "2026-10-05", "2026-09-15"]
        assert notes[2][:6] == ["2026-09-15", "14:00", "placement visit", "in person", "placement",
                                "Kit Lane, Kay Lane, Ivy Lane"]
        assert notes[2][-1] == "Saw Kit, Kay and Ivy at Oak Home."
        assert str(screen.query_one(TabbedContent).get_tab("tab-notes").label) == "Notes (3)"


async def test_detail_lists_members_placements_and_staffing_records(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ivy(pilot)
        members = {row[0]: row for row in rows_of(screen, "#members-table")}
        assert set(members) == {"Kit Lane", "Kay Lane", "Ivy Lane", "Pat Lane"}
        assert members["Ivy Lane"][5] == "! due — runaway, no locate efforts this month"
        assert members["Kay Lane"][5] == "• explained — reason recorded at staffing"
        assert members["Pat Lane"][1] == "parent"
        placements = rows_of(screen, "#placements-table")
        ivy = [row for row in placements if row[0] == "Ivy Lane"]
        assert ivy == [
            ["Ivy Lane", "runaway", "—", "2026-10-20", "now"],
            ["Ivy Lane", "foster home", "Oak Home", "2026-05-01", "2026-10-19"],
        ]
        notes = rows_of(screen, "#staffing-notes-table")
        assert notes[0][:6] == ["1", "Kay Lane", "2026-11", "recorded", "hospitalized", "Val Vega"]
        assert "none recorded" in text_of(screen, "#exceptions-heading")


async def test_escape_goes_back_to_the_caseload_on_the_same_row(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_ivy(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, StaffingScreen)
        assert caseload_of(app).cursor_key == "C1/K6"


async def test_changing_month_on_the_detail_moves_the_strip_and_the_caseload(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ivy(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.month == Month(2026, 10)
        assert screen.history.months[-1] == Month(2026, 10)
        assert text_of(screen, "#detail-status").startswith("October 2026: ✗ unmet — runaway, no locate efforts this month")
        assert "October 2026 · complete" in header_text(app)
        await pilot.press("escape")
        assert column(caseload_of(app), "status")[:3] == ["✗ unmet"] * 3


async def test_enter_on_a_member_shows_that_person(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ivy(pilot)
        screen.query_one(TabbedContent).active = "tab-members"
        members = screen.query_one("#members-table", DataTable)
        members.focus()
        members.move_cursor(row=members.get_row_index("P1"))
        await pilot.press("enter")
        assert screen.person_id == "P1"
        assert text_of(screen, "#detail-title").startswith("Pat Lane · parent")
        assert text_of(screen, "#detail-status").startswith("November 2026: ✓ met — seen in person")


async def test_the_household_row_opens_the_case_as_a_whole(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S3")
        await pilot.press("down", "down", "enter")  # C4/ (the investigation's home visit)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen) and screen.person_id is None
        assert text_of(screen, "#detail-title").startswith("Household · the case as a whole — case C4 · investigation")
        assert text_of(screen, "#detail-status").startswith("November 2026: ! due — no home visit seeing a member")
