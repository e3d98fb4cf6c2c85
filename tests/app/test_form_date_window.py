"""Issue 14 §4 — the app's forms refuse dates and months outside 1900-01-01 … 2200-12-31
(`domain.limits`, the window of the command line and the import) with the form's own problem
message: nothing crashes and nothing is saved."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, TextArea

from staffing_tui.domain.months import Month
from staffing_tui.modals.exception_form import ExceptionForm
from staffing_tui.modals.fields import FieldHint
from staffing_tui.modals.month_picker import month_problem
from staffing_tui.modals.step_form import NextStepForm
from tests.conftest import GOOD_REASON, Host, context, open_screen, problems_shown, query, settle


async def _type_into(pilot, form, widget_id: str, value: str) -> None:
    field = form.query_one(f"#{widget_id}", Input)
    field.focus()
    field.value = ""
    await pilot.press(*value)
    await pilot.pause()


@pytest.mark.slow
@pytest.mark.parametrize("review, why", [
    ("0001-01-01", "0001-01-01 is before 1900-01-01; dates from 1900-01-01 to 2200-12-31 are accepted"),
    ("9999-12-31", "9999-12-31 is after 2200-12-31; dates from 1900-01-01 to 2200-12-31 are accepted"),
])
async def test_exception_form_refuses_a_review_date_outside_the_window(forms_db, review, why):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db)))
        form.query_one("#category", Select).value = "other"
        form.query_one("#reason", TextArea).load_text(GOOD_REASON)
        await _type_into(pilot, form, "review", review)
        hint = form.query_one("#review-hint", FieldHint)
        assert why in str(hint.render()) and hint.has_class("-shown")  # said while typing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"review_on: {why}" in problems_shown(form)
        assert pilot.app.screen is form and pilot.app.results == [] and pilot.app.failures == []
    assert query(forms_db, "SELECT count(*) FROM exceptions") == [(0,)]


@pytest.mark.slow
@pytest.mark.parametrize("start", ["0001-01", "9999-12"])
async def test_exception_form_refuses_a_month_outside_the_window(forms_db, start):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db)))
        form.query_one("#category", Select).value = "other"
        form.query_one("#reason", TextArea).load_text(GOOD_REASON)
        await _type_into(pilot, form, "start", start)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"months: {start} is outside the months 1900-01 to 2200-12 that are accepted" in problems_shown(form)
        assert pilot.app.screen is form and pilot.app.results == [] and pilot.app.failures == []
    assert query(forms_db, "SELECT count(*) FROM exceptions") == [(0,)]


@pytest.mark.slow
async def test_next_step_form_refuses_a_due_date_outside_the_window(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, NextStepForm(context(forms_db)))
        form.query_one("#text", Input).value = "Call the placement about the visit."
        await _type_into(pilot, form, "due", "9999-12-31")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "due: 9999-12-31 is after 2200-12-31" in problems_shown(form)
        assert pilot.app.screen is form and pilot.app.results == [] and pilot.app.failures == []
    assert query(forms_db, "SELECT count(*) FROM next_steps") == [(0,)]


@pytest.mark.parametrize("typed", ["0001-01", "9999-12"])
def test_the_month_picker_refuses_a_typed_month_outside_the_window(typed):
    assert month_problem(typed, Month(2026, 11)) == (
        None, f"{typed} is outside the months 1900-01 to 2200-12 that are accepted.")
