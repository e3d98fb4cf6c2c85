"""Issue 17, the missing pieces: the agenda records what the staffing decided, people not seen for
a reason are on it, plans are viewed and exported again, reports are exported and open the
caseload, the palette finds people and cases, the trend draws the month in progress as such."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Markdown

from staffing_tui.modals.agenda import AgendaScreen
from staffing_tui.screens.staffing import StaffingScreen
from tests.builders import cli
from tests.conftest import SIZE, open_caseload, settle, staffing_app


async def test_agenda_export_records_what_the_supervisor_decided_since_the_staffing_began(
        forms_db: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = staffing_app(forms_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("a")  # the staffing with Ana begins
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        for argv in (
            ("exception", "add", "--case", "C1", "--person", "K1", "--category", "child_in_treatment", "--reason",
             "In a treatment program", "--from", "2026-11", "--to", "2026-12", "--review-on", "2026-12-01"),
            ("step", "add", "--specialist", "S1", "--case", "C1", "--text", "Call the school", "--due", "2026-11-25"),
        ):
            assert cli(capsys, *argv, "--db", forms_db, "--as", "SV1")[0] == 0
        await pilot.press("a")
        await settle(pilot)
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen)
        source = agenda.query_one(Markdown).source
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)
    recheck = source.split("## Not seen, for a reason: re-check", 1)[1].split("##", 1)[0]
    assert recheck.strip() == "- Kit Lane (child, C1): excused · exception approved"
    decided = source.split("## Decided at this staffing", 1)[1]
    assert "Recorded by Val Vega" in decided and ": 2 records." in decided
    assert "- exception 1 · Kit Lane (C1): child in treatment, 2026-11 – 2026-12" in decided
    assert "- #1 due 2026-11-25: Call the school (C1)" in decided
    assert "Kay was in hospital" not in decided  # the fixture's note was written before the staffing
    assert "Specialist: ____" in decided and "Supervisor: ____" in decided
    out = tmp_path / "staffing-tui-exports" / "agenda-S1-2026-11.md"
    assert os.stat(out).st_mode & 0o777 == 0o600 and out.read_text() == source
