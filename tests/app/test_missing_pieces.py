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
from tests.conftest import query
from tests.conftest import NOVEMBER, SIZE, Recorder, caseload_of, open_caseload, settle, staffing_app


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
    assert recheck.strip() == "- Kit Lane (child, case C1): excused · exception approved"
    decided = source.split("## Decided at this staffing", 1)[1]
    assert "Recorded by Val Vega" in decided and ": 2 records." in decided
    assert "- exception 1 · Kit Lane (C1): child in treatment, 2026-11 – 2026-12" in decided
    assert "- #1 due 2026-11-25: Call the school (C1)" in decided
    assert "Kay was in hospital" not in decided  # the fixture's note was written before the staffing
    assert "Specialist: ____" in decided and "Supervisor: ____" in decided
    out = tmp_path / "staffing-tui-exports" / "agenda-S1-2026-11.md"
    assert os.stat(out).st_mode & 0o777 == 0o600 and out.read_text() == source


# --- the reports: export (ctrl+e) and rows that open the caseload ------------------------------

async def test_reports_export_writes_the_months_report_in_the_format_its_file_name_ends_with(
        forms_db: Path, tmp_path: Path, monkeypatch):
    from textual.widgets import Input

    from staffing_tui.modals.export_prompt import ExportPrompt
    from staffing_tui.screens.reports import ReportsScreen

    monkeypatch.setenv("HOME", str(tmp_path))
    app = staffing_app(forms_db)
    recorder = Recorder()
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, ExportPrompt)
        assert prompt.query_one(Input).value == "~/staffing-tui-exports/report-2026-11.md"
        await pilot.press("enter")  # the default: Markdown
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        for name in ("report.csv", "report.html", "report.txt"):
            await pilot.press("ctrl+e")
            await settle(pilot)
            app.screen.query_one(Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await settle(pilot)
        problem = str(app.screen.query_one("#export-problem").render())
        await pilot.press("escape")
    folder = tmp_path / "staffing-tui-exports"
    markdown = (folder / "report-2026-11.md").read_text()
    assert markdown.startswith("# Staffing report — 2026-11 (in progress") and "Kit Lane" in markdown
    assert (tmp_path / "report.csv").read_text().startswith("case_id,person_id,role")
    assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert problem == "report.txt does not say which format to write; end the file name with .md, .csv, .html or .json."
    assert not (tmp_path / "report.txt").exists()
    assert all(os.stat(path).st_mode & 0o777 == 0o600
               for path in (folder / "report-2026-11.md", tmp_path / "report.csv", tmp_path / "report.html"))
    assert recorder.messages()[-1] == (f"Staffing report for November 2026 exported to {tmp_path / 'report.html'} "
                                       "(readable by you only).")


async def test_masked_reports_export_shows_initials(forms_db: Path, tmp_path: Path):
    from staffing_tui.screens.reports import export_report

    out = tmp_path / "masked.md"
    export_report(forms_db, NOVEMBER, True, out)
    text = out.read_text()
    assert "K. L." in text and "Kit Lane" not in text and "Oak Home" not in text


async def test_a_reports_row_opens_that_specialists_caseload_and_a_flag_its_case(forms_db: Path):
    import sqlite3

    from staffing_tui.screens.detail import CaseDetailScreen
    from staffing_tui.screens.reports import ReportsScreen
    from textual.widgets import DataTable

    conn = sqlite3.connect(forms_db)  # Kit's visit entered twice under two note types: a flag
    with conn:
        for note_id, note_type in (("N3", "child_visit"), ("N4", "placement_visit")):
            conn.execute("INSERT INTO notes (note_id, case_id, author_id, occurred_at, note_type, method, location) "
                         "VALUES (?, 'C1', 'S1', '2026-11-05T09:00:00', ?, 'in_person', 'placement')", [note_id, note_type])
            conn.execute("INSERT INTO note_contacts (note_id, person_id) VALUES (?, 'K1')", [note_id])
    conn.close()
    app = staffing_app(forms_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#by-specialist", DataTable).focus()
        await pilot.press("down", "enter")  # Ben Brooks
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)
        assert app.screen.specialist.staff_id == "S2" and caseload_of(app).has_focus
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#by-unit", DataTable).focus()
        await pilot.press("down", "enter")  # South Unit: its first specialist, Cora Diaz
        await settle(pilot)
        assert app.screen.specialist.staff_id == "S3"
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        app.screen.query_one("#flags", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        assert (detail.case_id, detail.person_id, detail.specialist.staff_id) == ("C1", "K1", "S1")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen) and app.screen.specialist.staff_id == "S1"


# --- the command palette finds people and cases ------------------------------------------------

async def _palette_hits(pilot, query: str) -> list[str]:
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*query)
    await pilot.pause(0.3)  # the palette searches as you type (debounced)
    await settle(pilot)
    options = pilot.app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_palette_finds_a_person_by_name_and_opens_the_case_detail(forms_db: Path):
    from staffing_tui.screens.detail import CaseDetailScreen

    app = staffing_app(forms_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hits = await _palette_hits(pilot, "kit la")
        assert any("Open Kit Lane · child · case C1" in hit for hit in hits), hits
        assert not any("Kay Lane" in hit for hit in hits)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        assert (detail.case_id, detail.person_id, detail.specialist.staff_id) == ("C1", "K1", "S1")


async def test_the_palette_finds_a_case_by_id_and_masks_names(forms_db: Path):
    from staffing_tui.screens.detail import CaseDetailScreen

    app = staffing_app(forms_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")  # the privacy mask
        hits = await _palette_hits(pilot, "rita")
        assert any("Open R. R. · parent · case C3" in hit for hit in hits) and not any("Rita" in hit for hit in hits)
        await pilot.press("escape")
        await settle(pilot)
        hits = await _palette_hits(pilot, "c4")
        assert hits and "Open case C4" in hits[0], hits
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert (app.screen.case_id, app.screen.person_id, app.screen.specialist.staff_id) == ("C4", None, "S3")


# --- a contact plan's document, read and exported again from the case detail -------------------

async def test_o_on_a_plan_shows_its_stored_document_and_exports_it_again(adoption_forms_db: Path, tmp_path: Path,
                                                                            monkeypatch, capsys):
    forms_db = adoption_forms_db
    from textual.widgets import Input, TabbedContent

    from staffing_tui.modals.export_prompt import ExportPrompt
    from staffing_tui.modals.plan_document import PlanDocumentScreen

    code, _, err = cli(capsys, "plan", "generate", "--db", forms_db, "--as", "SV1", "--case", "C1", "--parent", "P1",
                       "--frequency", "1", "--methods", "phone", "--arrangements", "Calls on Fridays.",
                       "--from", "2026-11", "--review-on", "2027-01-15")
    assert code == 0, err
    monkeypatch.setenv("HOME", str(tmp_path))
    app = staffing_app(forms_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case("S1", "C1", "P1")
        await settle(pilot)
        app.screen.query_one(TabbedContent).active = "tab-records"
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, PlanDocumentScreen)
        source = shown.query_one(Markdown).source
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, ExportPrompt)
        assert app.screen.query_one(Input).value == "~/staffing-tui-exports/plan-1.md"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        app.screen.query_one(Input).value = str(tmp_path / "plan-1.html")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("x", "o")  # under the mask
        await settle(pilot)
        masked = app.screen.query_one(Markdown).source
    stored = query(forms_db, "SELECT document FROM contact_plans WHERE contact_plan_id = 1")[0][0]
    assert source == stored and source.startswith("# Contact plan #1 — case C1") and "Pat Lane" in source
    assert (tmp_path / "staffing-tui-exports" / "plan-1.md").read_text() == stored
    html = (tmp_path / "plan-1.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<title>Contact plan 1 — case C1</title>" in html
    assert "Pat Lane" not in masked and "P. L." in masked
