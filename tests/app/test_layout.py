"""Issue 17: a layout that works at 80×24 first (the caseload, its detail line, the header).

Database: tests/conftest.py `caseload_db`, November 2026 as of 2026-11-18, acting as Val Vega.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from textual.widgets.data_table import ColumnKey

from staffing_tui.domain.months import Month
from staffing_tui.modals.exception_form import ExceptionForm
from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import open_database
from staffing_tui.store.records import ExceptionRequest, create_exception
from staffing_tui.widgets.caseload_table import FITTED, fitted_widths
from staffing_tui.widgets.staffing_header import StaffingHeader
from tests.conftest import Host, context, header_text, open_caseload, open_screen, row_detail_text, settle, staffing_app

#: Slow: each test drives the app through Pilot.
pytestmark = pytest.mark.slow


def visible_text(table) -> list[str]:
    """The table's lines as drawn on screen (what is not scrolled to is not there)."""
    return [strip.text for strip in table.render_lines(table.scrollable_content_region.reset_offset)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_name_status_reason_and_placement_are_on_screen_without_scrolling(caseload_db: Path, size):
    app = staffing_app(caseload_db)
    async with app.run_test(size=size) as pilot:
        table = await open_caseload(pilot, "S1")
        fitted_end = sum(table.columns[ColumnKey(key)].get_render_width(table) for key in FITTED)
        assert table.region.x + fitted_end <= table.scrollable_content_region.right
        ivy = next(line for line in visible_text(table) if line.startswith(" Ivy Lane"))
        name, status, reason, placement = (ivy[table.region.x + sum(
            table.columns[ColumnKey(k)].get_render_width(table) for k in FITTED[:i]):][
            :table.columns[ColumnKey(key)].get_render_width(table)].strip() for i, key in enumerate(FITTED))
        assert (name, status, placement) == ("Ivy Lane", "! due", "runaway")
        assert reason.startswith("runaway, no")


def test_the_fitted_columns_give_way_so_all_four_fit_in_80_columns():
    natural = {"name": 33, "status": 14, "reason": 41, "placement": 19}
    widths = fitted_widths(78, natural)
    assert sum(widths.values()) + 2 * len(FITTED) <= 78
    assert widths["status"] == 14 and widths["placement"] == 19  # words never cut
    assert widths["reason"] >= 12


async def test_the_detail_line_shows_the_highlighted_rows_reason_whole_when_its_cell_is_cut(caseload_db: Path):
    db = open_database(caseload_db)
    db.execute("UPDATE people SET first_name = 'Maximiliana', last_name = 'Featherstonehaugh' WHERE person_id = 'K6'")
    db.conn.commit()
    db.close()
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_caseload(pilot, "S1")
        await pilot.press("down")  # Ivy, the runaway child, renamed to a long name
        assert table.cursor_key == "C1/K6"
        line = next(line for line in visible_text(table) if line.startswith(" Maximiliana"))
        assert "…" in line and "runaway, no locate efforts this month" not in line
        detail = row_detail_text(app)
        assert detail.startswith("Maximiliana Featherstonehaugh · ! due: runaway, no locate efforts this month")
        assert "placement: runaway since 2026-10-20" in detail and "last seen 2026-09-15" in detail
        assert app.screen.query_one("#row-detail").region.bottom <= 23  # above the footer


async def test_an_excused_rows_detail_line_names_the_exceptions_category_and_last_month(caseload_db: Path):
    db = open_database(caseload_db)
    create_exception(db, resolve_actor(db, "SV1"), ExceptionRequest(
        "C1", "K1", "child_in_treatment", "Residential treatment limits visits this quarter.",
        Month(2026, 11), Month(2027, 1)), at="2026-11-10T17:00:00Z")
    db.close()
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_caseload(pilot, "S1")
        keys = [key.value for key in table.rows]
        await pilot.press(*["down"] * keys.index("C1/K1"))
        await settle(pilot)
        assert table.cursor_row_shown.status == "excused"
        detail = row_detail_text(app)
        assert "◦ excused: exception approved" in detail
        assert "exception: Child is in treatment, through January 2027" in detail


async def test_the_detail_line_keeps_the_placement_name_off_screen_under_the_mask(caseload_db: Path):
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_caseload(pilot, "S1")
        assert "(Oak Home)" in row_detail_text(app) and "Kit" in row_detail_text(app)
        await pilot.press("x")
        detail = row_detail_text(app)
        assert "Oak Home" not in detail and "Kit" not in detail
        assert "placement: foster home since 2026-05-01" in detail




@pytest.mark.parametrize("name", ["Marisol Brandtner", "Marisol Brandtner-Okonkwo de la Fuente"])
async def test_at_80_columns_the_header_keeps_who_is_acting_and_the_mask_badge(caseload_db: Path, name: str):
    db = open_database(caseload_db)
    db.execute("UPDATE staff SET name = ? WHERE staff_id = 'SV1'", [name])
    db.conn.commit()
    db.close()
    app = staffing_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        header = header_text(app)
        assert header.endswith(f"{name} · not verified MASKED")
        assert header.startswith("Nov 2026")  # the month stays; the as-of date gives way first
        assert app.screen.query_one(StaffingHeader).render().cell_length <= 78


async def test_at_80x24_the_exception_forms_quarterly_contact_reminder_shows_without_scrolling(forms_db):
    async with Host().run_test(size=(80, 24)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db, person="P1")))
        reminder = form.query_one("#quarterly", Static)
        assert reminder.has_class("-shown")
        region = reminder.region
        assert region.height >= 1 and region.bottom <= 24
        # Every line drawn where it is, none scrolled away under the fields.
        assert all(form.get_widget_at(region.x + 1, y)[0] is reminder for y in range(region.y, region.bottom))


async def test_the_plan_preview_is_rendered_markdown_and_ctrl_t_edits_its_text(adoption_forms_db):
    from textual.widgets import Markdown, TextArea
    from textual.widgets._markdown import MarkdownH1

    from staffing_tui.modals.plan_form import ContactPlanForm

    async with Host().run_test(size=(80, 24)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="K1")))
        await pilot.press("ctrl+g")
        await settle(pilot)
        view = form.query_one("#document-view", Markdown)
        area = form.query_one("#document", TextArea)
        assert view.display and not area.display  # rendered, the raw text out of sight
        assert view.source == area.text and "# Contact plan — case C1" in view.source
        heading = view.query_one(MarkdownH1)
        assert "Contact plan — case C1" in str(heading.content) and "#" not in str(heading.content).split("—")[0]
        await pilot.press("ctrl+t")
        assert area.display and not view.display and form.focused is area
        area.insert("\nSaturday visits.\n", area.document.end)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert view.display and "Saturday visits." in view.source
