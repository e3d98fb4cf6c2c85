"""Who is acting, what they may approve, and the staffing keys (Pilot).

Val Vega (SV1) supervises North Unit (Ana, Ben); Cora is in South Unit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Footer, OptionList

from staffing_tui.domain.months import Month
from staffing_tui.modals.context import FormContext
from staffing_tui.modals.identity import IdentityScreen
from staffing_tui.screens import actions
from staffing_tui.screens import form_stock
from staffing_tui.screens.staffing import StaffingScreen
from staffing_tui.store.connection import open_database
from tests.app import stubs
from tests.conftest import SIZE, Recorder, column, header_text, open_caseload, query, settle, staffing_app

#: Slow: each test drives the app through Pilot (a second or more each).
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _forget_opened():
    stubs.OPENED.clear()


def stub_action(monkeypatch, kind: str, stub: str) -> None:
    """Open the stand-in `stub` (tests.app.stubs) instead of the form of `kind`."""
    real = form_stock.form_of
    monkeypatch.setattr(form_stock, "form_of", lambda asked: getattr(stubs, stub) if asked == kind else real(asked))


async def test_without_as_the_app_asks_who_is_using_it_supervisors_first(caseload_db: Path):
    app = staffing_app(caseload_db, as_staff=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IdentityScreen)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt).split("  ")[0] for i in range(options.option_count)]
        assert prompts == ["Val Vega", "Ana Alvarez", "Ben Brooks", "Cora Diaz"]
        await pilot.press(*"cora", "enter")
        assert isinstance(app.screen, StaffingScreen)
        assert app.actor_id == "S3"
        assert header_text(app).endswith("Cora Diaz · specialist · identity not verified")


async def test_an_unknown_as_id_says_so_and_asks(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db, as_staff="NOPE")
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        assert recorder.messages("error") == [
            "There is no staff member 'NOPE' in this database (--as); choose who you are."
        ]
        assert isinstance(app.screen, IdentityScreen)
        await pilot.press("enter")  # the first: Val Vega
        assert app.actor_id == "SV1"


async def test_escape_at_the_identity_question_browses_without_approving(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db, as_staff=None)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        assert app.actor is None
        assert header_text(app).endswith("browsing only: ctrl+p → Act as…")
        await open_caseload(pilot, "S1")
        await pilot.press("e")
        assert "choose who you are first" in recorder.messages("warning")[-1]


async def test_a_specialist_sees_approvals_greyed_and_is_told_why(caseload_db: Path, monkeypatch):
    stub_action(monkeypatch, "exception", "SavingExceptionForm")
    recorder = Recorder()
    app = staffing_app(caseload_db, as_staff="S1")
    async with app.run_test(size=(200, 40), message_hook=recorder) as pilot:
        await open_caseload(pilot, "S1")
        keys = {key.key: key for key in app.screen.query_one(Footer).query("FooterKey")}
        assert all(keys[k].has_class("-disabled") for k in "epns")
        assert not keys["a"].has_class("-disabled")  # the agenda is for everyone
        await pilot.press("e")
        assert isinstance(app.screen, StaffingScreen) and stubs.OPENED == []
        assert recorder.messages("warning") == [
            "Only a supervisor of the unit or a manager can approve exceptions; "
            "you are acting as Ana Alvarez (specialist)."
        ]


async def test_a_supervisor_of_another_unit_cannot_approve(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await open_caseload(pilot, "S3")
        await pilot.press("p")
        assert recorder.messages("warning") == [
            "Only a supervisor of Cora Diaz's unit or a manager can approve contact plans; "
            "Val Vega supervises another unit."
        ]


async def test_an_exception_needs_a_person_chosen_in_the_caseload(caseload_db: Path):
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("escape", "e")  # back on the tree: a specialist, nobody in particular
        assert recorder.messages("warning") == [
            "Choose a person first (a row of the caseload): an exception is for one person."
        ]


async def test_e_opens_the_exception_form_for_the_person_and_a_save_refreshes_the_status(
    caseload_db: Path, monkeypatch
):
    stub_action(monkeypatch, "exception", "SavingExceptionForm")
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        table = await open_caseload(pilot, "S1")
        assert table.cursor_key == "C1/K1"
        await pilot.press("e")
        await settle(pilot)
        [(name, (ctx,))] = stubs.OPENED
        assert name == "SavingExceptionForm"
        assert ctx == FormContext(caseload_db, "SV1", "S1", Month(2026, 11), "C1", "K1", False)
        assert recorder.messages("information") == ["Exception 1 saved."]
        # Evaluated again at once: Kit is excused now, and the badge counts one fewer.
        assert column(table, "status")[:2] == ["! due", "◦ excused"]
        assert table.get_row("C1/K1")[2].plain == "exception approved"
        assert app.screen.evaluation.unseen_without_reason("S1") == 1


async def test_the_same_keys_work_on_the_detail_and_refresh_it(caseload_db: Path, monkeypatch):
    stub_action(monkeypatch, "exception", "SavingExceptionForm")
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("enter", "e")  # Kit's detail, then an exception
        await settle(pilot)
        detail = app.screen
        assert detail.current_row().reason == "exception_approved"
        assert "Exceptions (1)" in str(detail.query_one("#exceptions-heading").render())


async def test_excused_has_one_symbol_in_the_caseload_and_in_the_strip_legend(caseload_db: Path, monkeypatch):
    from staffing_tui.widgets.month_strip import MonthStrip

    stub_action(monkeypatch, "exception", "SavingExceptionForm")
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        await pilot.press("e")  # Kit excused
        await settle(pilot)
        [in_caseload] = [label for label in column(table, "status") if label.endswith(" excused")]
        await pilot.press("down", "enter")  # Kit's row (now second) → the detail
        await settle(pilot)
        legend = str(app.screen.query_one(MonthStrip).render()).splitlines()[-1].split()
        in_legend = legend[legend.index("excused") - 1]
        assert in_caseload == f"{in_legend} excused"
        explained = legend[legend.index("explained") - 1]
        assert in_legend != explained  # told apart without colour, where the strip has no word


async def test_with_as_the_header_never_says_browsing_only(caseload_db: Path, monkeypatch):
    """Issue 17: "browsing only" flashed at start with `--as`. Every state the header is asked to
    draw (it redraws whenever who-is-acting changes) names the acting user, never "browsing only"."""
    from staffing_tui.widgets.staffing_header import StaffingHeader, right_variants

    asked: list[str] = []
    real_refresh = StaffingHeader.refresh

    def refresh(header, *args, **kwargs):
        app = header.app
        asked.append(" · ".join(right_variants(app.actor, app.identity)[0]))
        return real_refresh(header, *args, **kwargs)

    monkeypatch.setattr(StaffingHeader, "refresh", refresh)
    app = staffing_app(caseload_db, as_staff="SV1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert header_text(app).endswith("Val Vega · supervisor · identity not verified")
    assert "Val Vega · supervisor · identity not verified" in asked
    assert not [words for words in asked if "browsing only" in words]


async def test_a_cancelled_form_changes_nothing(caseload_db: Path, monkeypatch):
    stub_action(monkeypatch, "note", "CancelledForm")
    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("n")
        await settle(pilot)
        assert [name for name, _ in stubs.OPENED] == ["CancelledForm"]
        assert recorder.messages() == []


async def test_the_real_exception_form_end_to_end_excuses_the_child(caseload_db: Path):
    from textual.widgets import TextArea

    from staffing_tui.modals.exception_form import ExceptionForm
    from staffing_tui.modals.plan_form import ContactPlanForm

    recorder = Recorder()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        table = await open_caseload(pilot, "S1")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ExceptionForm)
        await pilot.press("enter", *"chi", "enter", "tab")  # category: child in treatment
        form.query_one("#reason", TextArea).insert("Residential treatment limits visits this month.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)
        assert recorder.messages("information") == ["Exception 1 saved."]
        assert str(table.get_row("C1/K1")[1]) == "◦ excused"
        await pilot.press("down", "down", "down", "p")  # Pat Lane, the parent
        assert isinstance(app.screen, ContactPlanForm)


async def test_n_again_after_a_save_opens_the_saved_note_instead_of_writing_a_second(caseload_db: Path):
    """Issue 17: after a save the rows re-sort and the cursor follows the saved person; `n` again
    wrote a second staffing note for the same person and month without a word."""
    from textual.widgets import Button, Select, Static, TextArea

    from staffing_tui.modals.note_form import StaffingNoteForm

    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_caseload(pilot, "S1")
        person = table.cursor_key.split("/")[1]
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#reason-code", Select).value = "scheduling"
        app.screen.query_one("#text", TextArea).load_text("Visit moved twice by the placement.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffingScreen)
        assert table.cursor_key.split("/")[1] == person  # the cursor followed the saved person
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StaffingNoteForm)
        [(note_id,)] = query(caseload_db, "SELECT staffing_note_id FROM staffing_notes WHERE person_id = ?", [person])
        assert str(form.query_one("#existing-note", Static).render()).startswith(
            f"Already explained by staffing note {note_id}: Could not be scheduled")
        assert form.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert query(caseload_db, "SELECT count(*) FROM staffing_notes WHERE person_id = ?", [person]) == [(1,)]


async def test_after_a_save_the_state_is_brought_up_to_date_for_the_saved_case_only(caseload_db: Path, monkeypatch):
    """The main screen evaluates the whole database after a save too; it re-evaluates only the
    case the record was saved on (the rest is the month it kept), and shows what a fresh start shows."""
    from textual.widgets import TextArea

    import staffing_tui.store.month_cache as month_cache
    from staffing_tui.store.facts import Scope

    scopes: list[Scope] = []
    real = month_cache.load_month_facts
    monkeypatch.setattr(month_cache, "load_month_facts",
                        lambda db, month, as_of, scope=Scope(), **kw: scopes.append(scope) or real(db, month, as_of,
                                                                                                    scope, **kw))
    month_cache.MONTH_CACHE.clear()
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        assert Scope() in scopes  # the whole state, once, in the background
        del scopes[:]
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter", *"chi", "enter", "tab")
        app.screen.query_one("#reason", TextArea).insert("Residential treatment limits visits this month.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Scope(case_ids=frozenset({"C1"})) in scopes and Scope() not in scopes
        shown = {staff_id: list(rows) for staff_id, rows in app.screen.evaluation.rows_by_specialist.items()}
    month_cache.MONTH_CACHE.clear()
    fresh = staffing_app(caseload_db)
    async with fresh.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await settle(pilot)
        assert {staff_id: list(rows) for staff_id, rows in fresh.screen.evaluation.rows_by_specialist.items()} == shown
    month_cache.MONTH_CACHE.clear()


async def test_a_opens_the_specialists_agenda_and_r_the_reports(caseload_db: Path, monkeypatch):
    import staffing_tui.screens.reports as reports_module  # the app imports it when `r` is first pressed

    stub_action(monkeypatch, "agenda", "OpenScreen")
    monkeypatch.setattr(reports_module, "ReportsScreen", stubs.OpenScreen)
    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        await pilot.press("a")
        [(_, (ctx,))] = stubs.OPENED
        assert (ctx.specialist_id, ctx.case_id, ctx.person_id, ctx.actor_id) == ("S1", None, None, "SV1")
        await pilot.press("escape", "r")
        assert stubs.OPENED[-1][1] == (caseload_db, Month(2026, 11), False)


async def test_each_staffing_key_opens_its_own_form_for_the_chosen_row(caseload_db: Path):
    from staffing_tui.modals.agenda import AgendaScreen
    from staffing_tui.modals.exception_form import ExceptionForm
    from staffing_tui.modals.note_form import StaffingNoteForm
    from staffing_tui.modals.plan_form import ContactPlanForm
    from staffing_tui.modals.step_form import NextStepForm

    app = staffing_app(caseload_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S1")
        for key, form in (("e", ExceptionForm), ("p", ContactPlanForm), ("n", StaffingNoteForm),
                          ("s", NextStepForm), ("a", AgendaScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen) is form, key
            assert (app.screen.ctx.specialist_id, app.screen.ctx.actor_id) == ("S1", "SV1")
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, StaffingScreen)


async def test_a_manager_may_approve_in_any_unit(caseload_db: Path, monkeypatch):
    db = open_database(caseload_db)
    db["staff"].insert({"staff_id": "M1", "name": "Mo Manager", "role": "manager", "unit_id": None})
    db.close()
    stub_action(monkeypatch, "exception", "SavingExceptionForm")
    app = staffing_app(caseload_db, as_staff="M1")
    async with app.run_test(size=SIZE) as pilot:
        await open_caseload(pilot, "S3")
        await pilot.press("e")
        await settle(pilot)
        assert [name for name, _ in stubs.OPENED] == ["SavingExceptionForm"]
