"""Late records shown in words, never as a code (docs/policy.md "As known then", Pilot).

The caseload database (as of 2026-11-18), October 2026: Ivy Lane (K6) ran away on
2026-10-20 and Kit Lane (K1) was not seen. At the staffing on 4 November — after
October ended — the supervisor approved an exception for Ivy and recorded why
Kit was not seen: both October rows rest on a record made late, and say so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from staffing_tui.domain.enums import Reason
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import recorded_after_label
from staffing_tui.screens.detail import CaseDetailScreen
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import open_database
from staffing_tui.store.records import ExceptionRequest, StaffingNoteRequest, add_staffing_note, create_exception
from tests.conftest import SIZE, open_caseload, settle, staffing_app

OCTOBER = Month(2026, 10)
AT_THE_NOVEMBER_STAFFING = "2026-11-04T17:00:00Z"


@pytest.fixture
def late_db(caseload_db: Path) -> Path:
    db = open_database(caseload_db)
    try:
        supervisor = resolve_actor(db, "SV1")
        create_exception(db, supervisor, ExceptionRequest(
            "C1", "K6", "other", "Ivy is staying with a relative out of state while the runaway report stands.",
            OCTOBER, OCTOBER), at=AT_THE_NOVEMBER_STAFFING)
        add_staffing_note(db, supervisor, StaffingNoteRequest(
            "C1", OCTOBER, "scheduling", "The October visit fell through twice; set for November 6.", "K1"),
            at=AT_THE_NOVEMBER_STAFFING)
    finally:
        db.close()
    return caseload_db


def cells(table, key: str) -> list[str]:
    return [str(cell) for cell in table.get_row(key)]


@pytest.mark.slow
async def test_caseload_rows_say_in_words_that_their_record_came_after_october_ended(late_db: Path):
    app = staffing_app(late_db, month="2026-10")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")

        assert cells(table, "C1/K6")[1:3] == ["◦ excused", "exception approved · approved after October ended"]
        assert cells(table, "C1/K1")[1:3] == ["• explained",
                                              "reason recorded at staffing · recorded after October ended"]
        assert not any("recorded_after_month" in cell for key in ("C1/K6", "C1/K1") for cell in cells(table, key))


@pytest.mark.slow
async def test_detail_screen_says_the_exception_was_approved_after_october_ended(late_db: Path):
    app = staffing_app(late_db, month="2026-10")
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        table = pilot.app.screen.query_one("#caseload")
        table.move_cursor(row=table.get_row_index("C1/K6"))
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CaseDetailScreen)

        status = " ".join(str(screen.query_one("#detail-status").render()).split())
        assert status.startswith("October 2026: ◦ excused — exception approved · approved after October ended")
        assert "⚠" not in status  # a late approval is allowed: not an integrity problem
        members = screen.query_one("#members-table")
        assert str(members.get_row("K1")[-1]) == "• explained — reason recorded at staffing · recorded after October ended"


def test_each_kind_of_late_record_has_its_own_words():
    assert recorded_after_label(Reason.EXCEPTION_APPROVED, OCTOBER) == "approved after October ended"
    assert recorded_after_label(Reason.STAFFING_REASON, OCTOBER) == "recorded after October ended"
    assert recorded_after_label(Reason.CONTACT_PLAN_FOLLOWED, OCTOBER) == "plan approved after October ended"
