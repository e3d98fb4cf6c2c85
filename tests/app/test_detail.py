"""The person/case detail: 12-month strip, notes, members, placements, records (Pilot).

Ivy Lane (K6, case C1) was seen at Oak Home on 2026-09-15, ran away on
2026-10-20 and has no locate efforts since: October unmet, November due.
`dated_facts_db` adds a transfer of C1 and Pat Lane's dated facts (tests/builders.py `add_dated_facts`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, TabbedContent

from staffing_tui.domain.enums import Status
from staffing_tui.domain.months import Month
from staffing_tui.screens.detail import CaseDetailScreen
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.store.connection import open_database
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
        assert notes[2][-1] == "Ana Alvarez"  # who wrote it; its text is under the table
        assert str(screen.query_one(TabbedContent).get_tab("tab-notes").label) == "Notes (3)"
        await pilot.press("down", "down")
        assert text_of(screen, "#note-text") == "2026-09-15 14:00 · Ana Alvarez: Saw Kit, Kay and Ivy at Oak Home."


#: A note longer than any table column: its whole text is read under the table.
LONG_NOTE = ("Court review: the judge kept the current plan, asked for a sibling visit schedule before the next "
             "hearing, and ordered a school records check for Ivy before December.")


def add_many_notes(path: Path, count: int) -> None:
    """`count` more October phone calls with Pat on case C1, the latest (2026-10-31) with `LONG_NOTE`."""
    db = open_database(path)
    with db.atomic():
        db["notes"].insert_all(
            {"note_id": f"NX{i}", "case_id": "C1", "author_id": "S1",
             "occurred_at": f"2026-10-{31 - i // 4:02d}T{11 - i % 4:02d}:00:00", "note_type": "phone_call",
             "method": "phone", "text": LONG_NOTE if i == 0 else f"Call {i} with Pat."}
            for i in range(count)
        )
        db["note_contacts"].insert_all({"note_id": f"NX{i}", "person_id": "P1"} for i in range(count))
    db.close()


async def test_notes_say_how_many_are_listed_of_how_many_and_l_lists_them_all(caseload_db: Path):
    add_many_notes(caseload_db, 58)  # 61 notes in all by November
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ivy(pilot)
        tab = screen.query_one(TabbedContent).get_tab("tab-notes")
        assert str(tab.label) == "Notes (40 of 61)"
        assert "The latest 40 of 61 notes; l lists them all." in text_of(screen, "#note-text")
        assert [key.label.plain for key in screen.query_one("#notes-table", DataTable).columns.values()] == [
            "Date", "Time", "Type", "Method", "Where", "Contact with", "Locate for", "By"]
        await pilot.press("down")  # the 2026-10-31 call, whose text is longer than 80 characters
        assert f"2026-10-31 11:00 · Ana Alvarez: {LONG_NOTE}" in text_of(screen, "#note-text")
        await pilot.press("l")
        await settle(pilot)
        assert str(tab.label) == "Notes (61)"
        assert screen.query_one("#notes-table", DataTable).row_count == 61
        assert screen.highlighted_note() == "NX0"  # still on the note being read
        assert "lists them all" not in text_of(screen, "#note-text")
        await pilot.press("x")  # the mask hides note text, which may name people
        assert LONG_NOTE[:20] not in text_of(screen, "#note-text")


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


# --- dated facts and assignment history -------------------------------------------------------


async def open_members(pilot, person_id: str) -> CaseDetailScreen:
    """Ivy's detail on the Members tab, with `person_id` highlighted."""
    screen = await open_ivy(pilot)
    screen.query_one(TabbedContent).active = "tab-members"
    members = screen.query_one("#members-table", DataTable)
    members.focus()
    members.move_cursor(row=members.get_row_index(person_id))
    await settle(pilot)
    return screen


def flags_of(screen: CaseDetailScreen, person_id: str) -> str:
    return str(screen.query_one("#members-table", DataTable).get_row(person_id)[4])


async def go_back_months(pilot, count: int) -> None:
    for _ in range(count):
        await pilot.press("left_square_bracket")
        await settle(pilot)


async def test_a_transferred_case_shows_each_specialist_and_their_dates(dated_facts_db: Path):
    app = staffing_app(dated_facts_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ivy(pilot)
        assert text_of(screen, "#detail-assigned") == (
            "Assigned: Ben Brooks 2026-01-05 – 2026-06-30 · Ana Alvarez since 2026-07-01")
        assert text_of(screen, "#detail-title").endswith("opened 2026-01-05 · Ana Alvarez")
        await go_back_months(pilot, 5)  # June 2026: the month Ben Brooks still had the case
        assert app.month == Month(2026, 6)
        assert text_of(screen, "#detail-title").endswith("opened 2026-01-05 · Ben Brooks")
        assert screen.query_one("#detail-assigned").display


async def test_a_case_never_transferred_has_no_assignment_line(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ivy(pilot)
        assert not screen.query_one("#detail-assigned").display
        assert text_of(screen, "#detail-title").endswith("opened 2026-01-05 · Ana Alvarez")


async def test_a_member_with_an_incarceration_period_shows_it_and_is_flagged_only_in_its_months(
        dated_facts_db: Path):
    app = staffing_app(dated_facts_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot, "P1")
        assert text_of(screen, "#member-facts") == (
            "Pat Lane: in the home 2026-01-05 – 2026-04-30, since 2026-11-16 · "
            "whereabouts unknown 2026-05-10 – 2026-06-20 · incarcerated 2026-08-03 – 2026-10-14 · "
            "rights to Kay Lane ended 2026-07-01")
        # November, read on the as-of date: home again, out of prison, rights ended to Kay alone.
        assert flags_of(screen, "P1") == "lives in the home, rights ended to 1 of 3 children"
        await go_back_months(pilot, 2)  # September 2026: in prison, not in the home
        assert flags_of(screen, "P1") == "rights ended to 1 of 3 children, incarcerated"
        await go_back_months(pilot, 3)  # June 2026: missing until the 20th, rights still intact
        assert flags_of(screen, "P1") == "—"


async def test_the_highlighted_member_line_follows_the_cursor(dated_facts_db: Path):
    app = staffing_app(dated_facts_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot, "P1")
        assert text_of(screen, "#member-facts").startswith("Pat Lane: in the home")
        await pilot.press("up")  # Ivy
        await settle(pilot)
        assert text_of(screen, "#member-facts") == "Ivy Lane: no dated facts recorded"


async def test_the_masked_detail_shows_no_name_in_the_dated_facts_or_anywhere(dated_facts_db: Path):
    app = staffing_app(dated_facts_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot, "P1")
        await pilot.press("x")
        await settle(pilot)
        assert app.masked
        assert text_of(screen, "#member-facts") == (
            "P. L.: in the home 2026-01-05 – 2026-04-30, since 2026-11-16 · "
            "whereabouts unknown 2026-05-10 – 2026-06-20 · incarcerated 2026-08-03 – 2026-10-14 · "
            "rights to K. L. ended 2026-07-01")
        seen = screenshot_text(app)
        assert "P. L." in seen and "Ben Brooks" in seen  # the screen is there; staff are not masked
        for name in ("Lane", "Pat", "Kay", "Kit", "Ivy", "1985-01-01"):
            assert name not in seen, name


def screenshot_text(app) -> str:
    """The text of the screen as a screenshot shows it (the SVG's text, without its markup)."""
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]*>", "", svg)).replace("\xa0", " ")
