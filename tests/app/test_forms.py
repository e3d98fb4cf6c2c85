"""Staffing forms driven with Pilot: each save changes the month's report and lands in the audit log.

The fixture (`forms_db` of tests/conftest.py, also used by the reports and snapshot tests) is
November 2026 as of 2026-11-18, the month in progress, so "unmet" reads "due":

* North Unit (U1): supervisor Val Vega (SV1); specialists Ana Alvarez (S1), Ben Brooks (S2).
  * C1 dependency (S1): child K1 Kit Lane (foster home) not seen → due; child K2
    Kay Lane (foster home) not seen, staffing note → explained; parent P1 Pat Lane
    (reunification) seen in person at the office on 2026-11-03 → met.
  * C2 dependency (S2): child K3 Kim Moss seen at the placement → met.
* South Unit (U2): supervisor Wes Wu (SV2); specialist Cora Diaz (S3).
  * C3 voluntary: child K4 and parent P2 in the home, not seen → due, due.
  * C4 investigation (opened 2026-10-20): K5 not interviewed → due; no home visit → due.

Forms are pushed onto a bare app so these tests depend on the forms alone,
not on the caseload screens.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, Input, Markdown, Select, SelectionList, Static, TextArea

from staffing_tui.domain.enums import Reason, Status
from staffing_tui.modals.agenda import AgendaScreen
from staffing_tui.modals.exception_form import ExceptionForm
from staffing_tui.modals.fields import FieldHint
from staffing_tui.modals.note_form import StaffingNoteForm
from staffing_tui.modals.plan_form import ContactPlanForm
from staffing_tui.modals.step_form import NextStepForm
from staffing_tui.store.connection import open_database
from staffing_tui.store.evaluation import month_report
from tests.builders import cli
from tests.conftest import GOOD_REASON, NOVEMBER, Host, context, open_screen, problems_shown, query, settle


def status_of(db_path: Path, person_id: str):
    db = open_database(db_path)
    try:
        row = next(r for r in month_report(db, NOVEMBER).rows if r.person_id == person_id)
        return row.status, row.reason
    finally:
        db.close()


# --- exceptions -----------------------------------------------------------------------------

@pytest.mark.slow
async def test_exception_by_the_unit_supervisor_excuses_the_child_and_is_audited(forms_db):
    assert status_of(forms_db, "K1") == (Status.DUE, Reason.NOT_SEEN)
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db)))
        assert form.query_one("#person", Select).value == "K1"
        assert form.focused is form.query_one("#category")  # case and person came from the row
        await pilot.press("enter", *"chi", "enter")  # open the list, type to find "Child is in treatment", choose
        assert form.query_one("#category", Select).value == "child_in_treatment"
        await pilot.press("tab", *"Res")
        form.query_one("#reason", TextArea).insert(GOOD_REASON[len("Res"):])  # the rest, as if pasted
        await pilot.pause()
        assert "✓" in str(form.query_one("#reason-count", Static).render())
        assert query(forms_db, "SELECT count(*) FROM exceptions") == [(0,)]  # nothing written while typing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is not form
        [exception_id] = pilot.app.results
    assert isinstance(exception_id, int)
    assert status_of(forms_db, "K1") == (Status.EXCUSED, Reason.EXCEPTION_APPROVED)
    assert query(forms_db, "SELECT category, reason, start_month, end_month, review_on, approved_by FROM exceptions") == [
        ("child_in_treatment", GOOD_REASON, "2026-11", "2027-01", "2026-12-31", "SV1")]
    audit = query(forms_db, "SELECT actor, os_user, action, table_name, record_id FROM audit_log")
    assert [(a, act, t, r) for a, _, act, t, r in audit] == [("SV1", "create", "exceptions", str(exception_id))]
    assert audit[0][1]  # the OS user is recorded too


@pytest.mark.slow
async def test_specialist_sees_save_disabled_with_the_reason(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db, actor="S1")))
        blocked = str(form.query_one("#form-blocked", Static).render())
        assert "S1 is a specialist" in blocked and "supervisor of unit U1 or a manager" in blocked
        assert form.query_one("#save", Button).disabled
        form.query_one("#category", Select).value = "other"
        form.query_one("#reason", TextArea).load_text(GOOD_REASON)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
    assert query(forms_db, "SELECT count(*) FROM exceptions") == [(0,)]


@pytest.mark.slow
async def test_too_short_reason_shows_the_service_message_and_writes_nothing(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db)))
        form.query_one("#reason", TextArea).load_text("too short")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Every problem at once: the form's own (nothing chosen) and the service's.
        shown = problems_shown(form)
        assert "category: choose the category that fits." in shown
        assert "reason: explain the exception in at least 20 characters." in shown
        assert form.query_one("#reason").has_class("-problem") and form.query_one("#category").has_class("-problem")
        assert pilot.app.screen is form and pilot.app.results == []
        assert query(forms_db, "SELECT count(*) FROM exceptions") == [(0,)]
        # After a refused save the form checks again as the user types: the messages go away.
        form.query_one("#category", Select).value = "worker_safety"
        form.query_one("#reason", TextArea).load_text(GOOD_REASON)
        await settle(pilot, pause=0.4)
        assert problems_shown(form) == ""
    assert query(forms_db, "SELECT count(*) FROM exceptions") == [(0,)]


@pytest.mark.slow
async def test_month_typed_wrong_says_how_to_write_it(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db)))
        form.query_one("#end", Input).focus()
        await pilot.press("end", "backspace")  # 2027-01 → 2027-0
        hint = form.query_one("#end-hint", FieldHint)
        assert "'2027-0' is not a month; write it as YYYY-MM" in str(hint.render()) and hint.has_class("-shown")
        form.query_one("#category", Select).value = "other"
        form.query_one("#reason", TextArea).load_text(GOOD_REASON)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "months: '2027-0' is not a month; write it as YYYY-MM" in problems_shown(form)
    assert query(forms_db, "SELECT count(*) FROM exceptions") == [(0,)]


async def test_exception_form_reminds_of_quarterly_contact_for_a_parent_and_masks_names(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ExceptionForm(context(forms_db, person="P1", masked=True)))
        reminder = form.query_one("#quarterly", Static)
        assert reminder.has_class("-shown") and "every three months" in str(reminder.render())
        assert ("P. L. (parent)", "P1") in [(str(label), value) for label, value in form.query_one("#person")._options]
        form.query_one("#person", Select).value = "K1"
        await pilot.pause()
        assert not reminder.has_class("-shown")


# --- contact plans ----------------------------------------------------------------------------

@pytest.mark.slow
async def test_contact_plan_generated_edited_approved_and_exported(adoption_forms_db, tmp_path):
    assert status_of(adoption_forms_db, "P1") == (Status.DUE, Reason.NO_CONTACT_PLAN)
    async with Host().run_test(size=(120, 40)) as pilot:
        # Opened on the child's row: the form picks the child's parent.
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="K1")))
        assert form.query_one("#person", Select).value == "P1"
        form.query_one("#arrangements", TextArea).load_text("Office visits, supervised by the specialist.")
        await pilot.press("ctrl+g")
        await settle(pilot)
        document = form.query_one("#document", TextArea)
        assert "# Contact plan — case C1" in document.text and "adoption" in document.text
        assert "Approved by Val Vega (supervisor)" in document.text
        document.insert("\nEdited at the staffing: parent asked for Saturday visits.\n", document.document.end)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.plan_id is not None and pilot.app.screen is form  # stays open for the export
        plan_id = form.plan_id
        form.query_one("#export-format", Select).value = "html"
        await pilot.pause()
        assert form.query_one("#export-path", Input).value.endswith(f"plan-{plan_id}.html")
        out = tmp_path / "plan.html"
        form.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.results == [plan_id]
    assert pilot.app.failures == []
    assert status_of(adoption_forms_db, "P1") == (Status.MET, Reason.CONTACT_PLAN_FOLLOWED)
    [(stored, approved_by, methods)] = query(
        adoption_forms_db, "SELECT document, approved_by, methods FROM contact_plans WHERE contact_plan_id = ?", [plan_id])
    assert "Saturday visits" in stored and approved_by == "SV1" and methods == "in_person"
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert "<html" in out.read_text() and "Saturday visits" in out.read_text()


@pytest.mark.slow
async def test_the_form_and_the_cli_export_the_same_plan_page_with_one_title(adoption_forms_db, tmp_path, capsys):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="P1")))
        form.query_one("#arrangements", TextArea).load_text("Office visits.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        plan_id = form.plan_id
        form.query_one("#export-format", Select).value = "html"
        out = tmp_path / "plan.html"
        form.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+e")
        await settle(pilot)
    assert pilot.app.failures == []
    exported = tmp_path / "cli.html"
    code, _, err = cli(capsys, "plan", "export", plan_id, "--db", adoption_forms_db, "--format", "html", "--out", exported)
    assert code == 0, err
    page = exported.read_text()
    assert out.read_text() == page
    assert f"<title>Contact plan {plan_id} — case C1</title>" in page


@pytest.mark.slow
async def test_contact_plan_by_phone_only_is_not_followed_by_an_office_visit(adoption_forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="P1")))
        methods = form.query_one("#methods", SelectionList)
        methods.deselect("in_person")
        methods.select("phone")
        form.query_one("#arrangements", TextArea).load_text("Monthly call on Tuesday evenings.")
        await pilot.press("ctrl+s")  # no preview: the service generates the document
        await settle(pilot)
        plan_id = form.plan_id
    assert status_of(adoption_forms_db, "P1") == (Status.DUE, Reason.CONTACT_PLAN_NOT_FOLLOWED)
    [(document,)] = query(adoption_forms_db, "SELECT document FROM contact_plans WHERE contact_plan_id = ?", [plan_id])
    assert f"Contact plan #{plan_id}" in document and "by telephone" in document


async def test_p_on_a_parent_with_a_plan_opens_its_terms_and_replaces_it_only_when_confirmed(adoption_forms_db,
                                                                                               capsys):
    """Issue 17, bug 2: `p` on a parent with a plan in force opened a blank form, and saving
    superseded the plan without a word. Now the form opens on its terms, says what it replaces,
    saves only once the replacement is confirmed, and the new document names the plan it replaces."""
    code, out, err = cli(capsys, "plan", "generate", "--db", adoption_forms_db, "--as", "SV1", "--case", "C1",
                         "--parent", "P1", "--frequency", "2", "--methods", "phone,written",
                         "--arrangements", "Calls on Tuesday evenings; letters forwarded by the specialist.",
                         "--from", "2026-10", "--review-on", "2027-01-15")
    assert code == 0, err
    first = int(out)
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="P1")))
        await settle(pilot)
        assert form.query_one("#replace-row").has_class("-shown")
        assert f"Replaces contact plan {first} (in force from 2026-10" in str(form.query_one("#replaces").render())
        assert form.query_one("#frequency", Select).value == 2
        assert sorted(form.query_one("#methods", SelectionList).selected) == ["phone", "written"]
        assert form.query_one("#arrangements", TextArea).text.startswith("Calls on Tuesday evenings")
        await pilot.press("ctrl+s")  # not confirmed: nothing is replaced
        await settle(pilot)
        assert form.plan_id is None and query(adoption_forms_db, "SELECT count(*) FROM contact_plans") == [(1,)]
        form.query_one("#confirm-replace", Checkbox).value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        second = form.plan_id
    assert second is not None
    assert query(adoption_forms_db, "SELECT superseded_by FROM contact_plans WHERE contact_plan_id = ?",
                 [first]) == [(second,)]
    [(document,)] = query(adoption_forms_db, "SELECT document FROM contact_plans WHERE contact_plan_id = ?", [second])
    assert document.startswith(f"# Contact plan #{second} — case C1") and f"contact plan \\#{first}" in document


async def test_contact_methods_read_ticked_or_not_without_colour(adoption_forms_db):
    """Issue 17: every box showed `X`, ticked or not; symbol and word, as every status."""
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="P1")))
        methods = form.query_one("#methods", SelectionList)

        def drawn() -> list[str]:
            return [methods.render_line(y).text.rstrip() for y in range(4)]

        assert drawn() == ["[x] in person", "[ ] by telephone", "[ ] by video call", "[ ] in writing"]
        methods.select("phone")
        methods.deselect("in_person")
        await pilot.pause()
        assert drawn() == ["[ ] in person", "[x] by telephone", "[ ] by video call", "[ ] in writing"]


@pytest.mark.slow
async def test_plan_form_says_why_a_reunification_parent_needs_no_plan(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(forms_db, person="P1")))
        eligibility = str(form.query_one("#eligibility", Static).render())
        # Named as on screen, never by id ("child K1's goal…, so P1 is seen…").
        assert eligibility == ("No contact plan for this parent: Kit Lane's goal in 2026-11 is reunification, "
                               "so Pat Lane is seen monthly; a contact plan is for goals other than reunification.")
        assert form.query_one("#save", Button).disabled and form.query_one("#preview", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert query(forms_db, "SELECT count(*) FROM contact_plans") == [(0,)]


@pytest.mark.slow
async def test_plan_form_names_the_child_and_parent_by_initials_under_the_mask(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(forms_db, person="P1", masked=True)))
        eligibility = str(form.query_one("#eligibility", Static).render())
        assert eligibility.startswith("No contact plan for this parent: K. L.'s goal in 2026-11 is reunification, "
                                      "so P. L. is seen monthly")


@pytest.mark.slow
async def test_plan_document_is_not_shown_under_the_privacy_mask(adoption_forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="P1", masked=True)))
        assert form.query_one("#preview", Button).disabled and not form.query_one("#save", Button).disabled
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert form.query_one("#document", TextArea).text == ""
        assert "privacy mask" in str(form.query_one("#document-state", Static).render())


# --- staffing notes and next steps ----------------------------------------------------------

async def test_staffing_note_explains_why_the_child_was_not_seen(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, StaffingNoteForm(context(forms_db)))
        form.query_one("#reason-code", Select).value = "placement_change"
        form.query_one("#text", TextArea).load_text("Moved to a new foster home on the 15th; visit set for the 20th.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [note_id] = pilot.app.results
        assert pilot.app.reloads == 1  # the screens read again once the note was committed
    assert status_of(forms_db, "K1") == (Status.EXPLAINED, Reason.STAFFING_REASON)
    assert query(forms_db, "SELECT person_id, month, reason_code, author FROM staffing_notes WHERE staffing_note_id = ?",
               [note_id]) == [("K1", "2026-11", "placement_change", "SV1")]


async def test_staffing_note_needs_a_reason_code(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, StaffingNoteForm(context(forms_db, person=None)))
        assert form.query_one("#person", Select).value == ""  # whole case
        form.query_one("#text", TextArea).load_text("Household away all month.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "reason_code: choose the reason that fits." in problems_shown(form)
    assert query(forms_db, "SELECT count(*) FROM staffing_notes") == [(1,)]  # the fixture's own note


async def test_a_row_explained_by_a_staffing_note_opens_on_that_note_and_cannot_get_a_second(forms_db):
    [(note_id, text)] = query(forms_db, "SELECT staffing_note_id, text FROM staffing_notes")
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, StaffingNoteForm(context(forms_db, person="K2")))  # Kay: explained
        existing = str(form.query_one("#existing-note", Static).render())
        assert existing.startswith(f"Already explained by staffing note {note_id}: ")
        assert "To replace it, withdraw it first" in existing
        assert form.query_one("#text", TextArea).text == text and form.query_one("#text", TextArea).read_only
        assert form.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        # Another person of the case has no note: a blank form, Save on.
        form.query_one("#person", Select).value = "K1"
        await pilot.pause()
        assert not form.query_one("#existing-note", Static).has_class("-shown")
        assert form.query_one("#text", TextArea).text == "" and not form.query_one("#save", Button).disabled
    assert query(forms_db, "SELECT count(*) FROM staffing_notes") == [(1,)]


@pytest.mark.slow
async def test_next_step_appears_on_the_agenda_and_is_marked_done_there(forms_db, tmp_path, monkeypatch):
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, NextStepForm(context(forms_db)))
        assert form.query_one("#due", Input).value == "2026-11-25"  # a week after the as-of date
        form.query_one("#text", Input).value = "Visit Kit at Oak Home before Friday"
        await pilot.press("ctrl+s")
        await settle(pilot)
        [step_id] = pilot.app.results

        agenda = await open_screen(pilot, AgendaScreen(context(forms_db)))
        assert f"#{step_id} due 2026-11-25: Visit Kit at Oak Home before Friday" in agenda.query_one(Markdown).source
        assert "Kit Lane" in agenda.query_one(Markdown).source
        # The default file, in a folder created on first use (owner only).
        monkeypatch.setenv("HOME", str(tmp_path))
        assert agenda.query_one("#export-path", Input).value == "~/staffing-tui-exports/agenda-S1-2026-11.md"
        out = tmp_path / "staffing-tui-exports" / "agenda-S1-2026-11.md"
        await pilot.press("ctrl+e")
        await settle(pilot)
        agenda.query_one("#steps").focus()
        await pilot.press("d")
        await settle(pilot)
        assert "Visit Kit" not in agenda.query_one(Markdown).source
        await pilot.press("escape")
        assert pilot.app.results[-1] == 1  # one change: the caller reloads its screens
    assert query(forms_db, "SELECT done_by FROM next_steps WHERE next_step_id = ?", [step_id]) == [("SV1",)]
    assert os.stat(out).st_mode & 0o777 == 0o600 and "Visit Kit at Oak Home" in out.read_text()
    assert os.stat(out.parent).st_mode & 0o777 == 0o700


async def test_a_supervisor_of_another_unit_cannot_mark_a_next_step_done_on_the_agenda(forms_db, capsys):
    step_id = cli(capsys, "step", "add", "--db", forms_db, "--as", "SV1", "--specialist", "S1",
                  "--text", "Call the school", "--due", "2026-11-25")[1].strip()
    async with Host().run_test(size=(120, 40)) as pilot:
        agenda = await open_screen(pilot, AgendaScreen(context(forms_db, actor="SV2")))  # South's supervisor
        agenda.query_one("#steps").focus()
        await pilot.press("d")
        await settle(pilot)
        assert [str(failure) for failure in pilot.app.failures] == [
            f"SV2 cannot close next step {step_id} of S1; only S1, a supervisor of unit U1 or a manager can mark "
            "it done."]
        assert "Call the school" in agenda.query_one(Markdown).source  # still open on the agenda
    assert query(forms_db, "SELECT done_at FROM next_steps") == [(None,)]


async def test_masked_agenda_shows_initials(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        agenda = await open_screen(pilot, AgendaScreen(context(forms_db, masked=True)))
        source = agenda.query_one(Markdown).source
    assert "K. L." in source and "Kit Lane" not in source


@pytest.mark.slow
async def test_escape_cancels_with_none_and_writes_nothing(forms_db):
    async with Host().run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, StaffingNoteForm(context(forms_db)))
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert pilot.app.results == [None]
    assert query(forms_db, "SELECT count(*) FROM audit_log") == [(0,)]


@pytest.mark.slow
async def test_escape_asks_before_throwing_away_what_was_typed(forms_db):
    from staffing_tui.modals.discard import DiscardTyped

    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, StaffingNoteForm(context(forms_db)))
        form.query_one("#reason-code", Select).value = "scheduling"
        form.query_one("#text", TextArea).focus()
        await pilot.press(*"Visit moved")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DiscardTyped) and pilot.app.results == []
        await pilot.press("n")  # keep editing: everything typed is still there
        await settle(pilot)
        assert pilot.app.screen is form and form.query_one("#text", TextArea).text == "Visit moved"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert pilot.app.results == [None]
    assert query(forms_db, "SELECT count(*) FROM audit_log") == [(0,)]
