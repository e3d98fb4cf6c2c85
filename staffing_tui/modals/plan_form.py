"""`p` Develop a contact plan with a parent (docs/policy.md "Contact plans"; docs/data.md "Records created in the app").

When a child's permanency goal is no longer reunification, the supervisor and
specialist develop a contact plan with each parent whose rights are intact and
whose whereabouts are known. The form

1. checks the parent is eligible (`plan_eligibility_problem`) and says why not;
2. takes frequency, methods, arrangements, months and review date;
3. **Preview** (ctrl+g) generates the document from the case data and shows it
   rendered (Markdown); **Edit** (ctrl+t) turns it into an editable text area
   and back into the rendered view;
4. **Approve & save** (ctrl+s) creates the plan with that (edited) document in
   one transaction — or with a freshly generated one when no preview was made;
5. after saving, **Export** (ctrl+e) writes the stored document as Markdown or
   HTML to a file the user chooses, readable by them only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlite_utils import Database
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Markdown, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from staffing_tui.domain.enums import PLAN_METHODS
from staffing_tui.errors import UserError
from staffing_tui.exports import default_export_path, export_path, prepare_export, write_private_text
from staffing_tui.modals.context import FormContext
from staffing_tui.modals.fields import FormRow, Reader, date_input, hint_for, month_input
from staffing_tui.modals.form_base import CaseChoice, FormSetup, StaffingForm, form_bindings
from staffing_tui.present.labels import METHOD_WORDS, shown
from staffing_tui.present.plan import plan_export
from staffing_tui.screens.base import database_at
from staffing_tui.store.audit import Actor
from staffing_tui.store.plan_document import plan_document_text
from staffing_tui.store.records import (
    PlanRequest,
    active_plan_for,
    create_contact_plan,
    get_contact_plan,
    plan_eligibility_problem,
    plan_problems,
    today_in,
)
from staffing_tui.widgets.check_list import CheckList

#: The document names the family: not shown while the screen is being shared.
MASKED_DOCUMENT = ("The document names the family, so it is not shown under the privacy mask (x). "
                   "Approving saves the document generated from the case data; export it to read it.")

FREQUENCIES = ((1, "Every month"), (2, "At least every 2 months"), (3, "At least every 3 months"))
#: Export formats: (label, file suffix).
FORMATS = (("Markdown", "md"), ("HTML (printable)", "html"))


@dataclass(frozen=True, slots=True)
class PlanExtra:
    #: (case id, parent id) → why a plan does not fit (None: eligible).
    eligibility: dict[tuple[str, str], str | None]
    today: date
    #: (case id, parent id) → the plan in force (a new one replaces it, and says so)
    active: dict[tuple[str, str], dict]


class DocumentGenerated(Message):
    def __init__(self, request: PlanRequest, document: str) -> None:
        super().__init__()
        self.request = request
        self.document = document


class PlanExported(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class ContactPlanForm(StaffingForm):
    """Generate, edit, approve, save and export a parent's contact plan."""

    TITLE = "Contact plan"
    SAVE_LABEL = "Approve & save"
    PERSON_CHOICE = "parents"
    PERSON_LABEL = "Parent"
    FIELD_WIDGETS = {
        "case": ("case",),
        "parent": ("person",),
        "frequency": ("frequency",),
        "methods": ("methods",),
        "from": ("start",),
        "to": ("end",),
        "review_on": ("review",),
    }
    BINDINGS = [
        *form_bindings(SAVE_LABEL),
        Binding("ctrl+g", "preview", "Preview document", priority=True, id="plan.preview"),
        Binding("ctrl+t", "edit_document", "Edit document", priority=True, id="plan.edit_document",
                tooltip="Edit the previewed document as text; again: show it rendered"),
        Binding("ctrl+e", "export", "Export", priority=True, id="plan.export"),
        # Once saved, escape closes with the plan id (shown instead of "Cancel").
        Binding("escape", "close", "Close", id="plan.close"),
    ]

    DEFAULT_CSS = """
    ContactPlanForm #form-dialog { width: 110; }
    ContactPlanForm #methods { height: auto; border: none; padding: 0; background: $boost; }
    ContactPlanForm #arrangements { height: 5; }
    ContactPlanForm #document { height: 16; display: none; }
    ContactPlanForm.-editing #document { display: block; }
    ContactPlanForm #document-view { display: none; height: auto; margin: 0; padding: 0 1; background: $boost; }
    ContactPlanForm.-previewed #document-view { display: block; }
    ContactPlanForm.-editing #document-view { display: none; }
    ContactPlanForm #document-view MarkdownH1 { margin: 0; }
    ContactPlanForm #document-state { color: $text-muted; }
    ContactPlanForm #export-row { display: none; height: auto; margin-bottom: 1; }
    ContactPlanForm.-saved #export-row { display: block; }
    ContactPlanForm #export-row Select { width: 22; }
    ContactPlanForm #export-path { width: 1fr; margin: 0 1; }
    ContactPlanForm #export-state { display: none; color: $text-muted; height: auto; margin-bottom: 1; }
    ContactPlanForm #export-state.-done { color: $text-success; }
    ContactPlanForm.-saved #export-state { display: block; }
    ContactPlanForm #eligibility { margin-bottom: 1; }
    ContactPlanForm #replace-row { display: none; height: auto; margin-bottom: 1; }
    ContactPlanForm #replace-row.-shown { display: block; }
    ContactPlanForm #replaces { width: 1fr; color: $warning; }
    """

    def __init__(self, ctx: FormContext) -> None:
        super().__init__(ctx)
        self.plan_id: int | None = None
        #: (case, parent) whose plan in force the fields were last filled in from
        self._filled_from: tuple[str, str] | None = None
        #: The request the document in the text area was generated from (None: no preview yet).
        self._previewed: PlanRequest | None = None

    # --- layout ------------------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        first = self.ctx.month
        yield Static(id="eligibility", classes="form-blocked")
        with Horizontal(id="replace-row"):
            yield Checkbox("", id="confirm-replace", compact=True)
            yield Static(id="replaces")
        yield FormRow("Frequency", Select([(label, n) for n, label in FREQUENCIES], value=1,
                                          allow_blank=False, compact=True, id="frequency"))
        yield FormRow("Methods", CheckList(
            *(Selection(METHOD_WORDS[str(m)], str(m), m == PLAN_METHODS[0]) for m in PLAN_METHODS),
            id="methods",
        ))
        yield FormRow("Arrangements", TextArea(
            soft_wrap=True, id="arrangements",
            placeholder="Where contact happens, who supervises, transport, interpreter…",
        ))
        yield FormRow(
            "Months",
            Horizontal(
                month_input(first, id="start"),
                Label("to", classes="between"),
                month_input(None, id="end", optional=True),
                Label("(blank: until reviewed)", classes="between"),
                classes="inline",
            ),
            hint_for("start"),
            hint_for("end"),
        )
        yield FormRow("Review on", date_input(first.shift(2).end, id="review", optional=True), hint_for("review"))
        yield FormRow(
            "Document",
            Static(Content(MASKED_DOCUMENT if self.ctx.masked else
                           "Press ctrl+g (Preview) to generate the document from the case data, then edit it."),
                   id="document-state"),
            # Rendered, not raw Markdown (issue 17); the text area holds the text and edits it.
            Markdown(id="document-view"),
            TextArea(soft_wrap=True, id="document", language=None),
        )

    def compose_below(self) -> ComposeResult:
        with Horizontal(id="export-row"):
            yield Select([(label, suffix) for label, suffix in FORMATS], value="md", allow_blank=False,
                         compact=True, id="export-format")
            yield Input(compact=True, id="export-path")
            yield Button("Export ^e", id="export", compact=True, variant="primary")
        yield Static(id="export-state")

    def compose_buttons(self) -> ComposeResult:
        yield Button("Preview ^g", id="preview", compact=True)
        yield from super().compose_buttons()

    # --- loading -----------------------------------------------------------------------------

    def load_extra(self, db: Database, setup: FormSetup) -> PlanExtra:
        # People by their names on screen (initials under the mask), never by their ids.
        labels = {m.person_id: m.label for choice in setup.cases.values() for m in choice.members}
        eligibility = {
            (case_id, member.person_id): plan_eligibility_problem(db, case_id, member.person_id, self.ctx.month,
                                                                  name=lambda person_id: labels.get(person_id, person_id))
            for case_id, choice in setup.cases.items()
            for member in choice.members
            if member.role.is_parent
        }
        active = {key: plan for key in eligibility if (plan := active_plan_for(db, *key)) is not None}
        return PlanExtra(eligibility, today_in(db), active)

    def preferred_person(self, case: CaseChoice, preferred: str | None) -> str | None:
        """The row's parent; on another member's row, the case's first eligible parent."""
        parents = [m.person_id for m in case.members if m.role.is_parent]
        if preferred in parents or self.setup is None:
            return preferred
        eligible = [p for p in parents if self.setup.extra.eligibility.get((case.info.case_id, p)) is None]
        return (eligible or parents or [None])[0]

    # --- eligibility -------------------------------------------------------------------------

    @property
    def ineligible_reason(self) -> str | None:
        case, member = self.chosen_case_choice(), self.chosen_member()
        if self.setup is None or case is None or member is None:
            return None
        return self.setup.extra.eligibility.get((case.info.case_id, member.person_id))

    @property
    def replaced_plan(self) -> dict | None:
        """The plan in force for the chosen parent, which saving this one replaces."""
        case, member = self.chosen_case_choice(), self.chosen_member()
        if self.setup is None or case is None or member is None:
            return None
        return self.setup.extra.active.get((case.info.case_id, member.person_id))

    @property
    def may_save(self) -> bool:
        replacing = self.replaced_plan is not None
        confirmed = not replacing or self.query_one("#confirm-replace", Checkbox).value
        return super().may_save and self.plan_id is None and self.ineligible_reason is None and confirmed

    def _show_replacement(self) -> None:
        """A parent with a plan in force: its terms filled in (once per parent) and the replacement
        said, to be confirmed before saving — a plan is never replaced silently."""
        plan = self.replaced_plan
        row = self.query_one("#replace-row")
        row.set_class(plan is not None, "-shown")
        if plan is None:
            return
        self.query_one("#replaces", Static).update(Content(
            f"Replaces contact plan {plan['contact_plan_id']} (in force from {plan['start_month']}, its terms "
            "filled in below): tick to confirm the replacement."))
        key = (plan["case_id"], plan["parent_id"])
        if self._filled_from == key:
            return
        self._filled_from = key
        self.query_one("#frequency", Select).value = int(plan["frequency_months"])
        methods = self.query_one("#methods", SelectionList)
        methods.deselect_all()
        for method in (m for m in plan["methods"].split(",") if m):
            methods.select(method)
        self.query_one("#arrangements", TextArea).text = plan["arrangements"] or ""

    @property
    def may_preview(self) -> bool:
        return self.may_save and not self.ctx.masked

    def fields_changed(self) -> None:
        self._show_replacement()
        reason = self.ineligible_reason
        eligibility = self.query_one("#eligibility", Static)
        eligibility.update(Content(f"No contact plan for this parent: {shown(reason)}" if reason else ""))
        eligibility.set_class(bool(reason), "-shown")
        self.query_one("#preview", Button).disabled = not self.may_preview
        self.update_save_state()
        if self._previewed is not None and self.plan_id is None:
            current, _ = self.read_fields()
            stale = current is None or replace(current, document=None) != self._previewed
            self.query_one("#document-state", Static).update(Content(
                "The details changed since the preview: ctrl+g generates it again (your edits are replaced)."
                if stale else "Generated from the case data; edit it before approving if needed."
            ))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("preview", "save", "cancel"):
            if self.plan_id is not None:
                return False  # saved: only export and close remain
        elif action == "close":
            return self.plan_id is not None
        if action == "preview":
            return True if self.may_preview else None
        if action == "export":
            return self.plan_id is not None
        if action == "edit_document":
            return self._previewed is not None and self.plan_id is None
        return super().check_action(action, parameters)

    # --- the request -------------------------------------------------------------------------

    def read_request(self, reader: Reader) -> PlanRequest | None:
        case_id = self.read_case(reader)
        parent_id = self.read_person(reader)
        start = reader.month("start", "from")
        end = reader.month("end", "to", optional=True)
        review = reader.date("review", "review_on", optional=True)
        if reader.unreadable:
            return None
        return PlanRequest(
            case_id=case_id or "", parent_id=parent_id or "",
            frequency_months=self.query_one("#frequency", Select).value,
            methods=tuple(self.query_one("#methods", SelectionList).selected),
            arrangements=reader.text("arrangements"),
            start_month=start, end_month=end, review_on=review,
            # The previewed (and maybe edited) text; None lets the service generate it.
            document=self.query_one("#document", TextArea).text if self._previewed is not None else None,
            replaces=(self.replaced_plan or {}).get("contact_plan_id"),
        )

    def problems_of(self, db: Database, actor: Actor, request: PlanRequest) -> list[str]:
        return plan_problems(db, actor, request)

    def save_record(self, db: Database, actor: Actor, request: PlanRequest) -> int:
        return create_contact_plan(db, actor, request)

    # --- preview -----------------------------------------------------------------------------

    def action_preview(self) -> None:
        if not self.may_preview or self.setup is None or self.setup.actor is None:
            return
        request, found = self.read_fields()
        if request is None or found:
            self.check_request()
            return
        self._generate(replace(request, document=None))

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-preview", name="generate the plan document")
    def _generate(self, request: PlanRequest) -> None:
        assert self.setup is not None and self.setup.actor is not None
        with database_at(self.db_path) as db:
            # The document as it will read once the acting user approves the plan today.
            document = plan_document_text(db, request, approved_by=self.setup.actor.staff_id,
                                          approved_at=self.setup.extra.today.isoformat())
        if not get_current_worker().is_cancelled:
            self.post_message(DocumentGenerated(request, document))

    @on(DocumentGenerated)
    async def _document_generated(self, message: DocumentGenerated) -> None:
        self._previewed = message.request
        self.query_one("#document", TextArea).load_text(message.document)
        self.query_one("#document-state", Static).update(
            Content("Generated from the case data; ctrl+t edits it before approving if needed."))
        self.remove_class("-editing")
        self.add_class("-previewed")
        view = self.query_one("#document-view", Markdown)
        await view.update(message.document)
        view.scroll_visible(animate=False)
        self.refresh_bindings()

    async def action_edit_document(self) -> None:
        """The previewed document as text to edit, or (again) rendered with the edits."""
        area = self.query_one("#document", TextArea)
        if self.has_class("-editing"):
            self.remove_class("-editing")
            view = self.query_one("#document-view", Markdown)
            await view.update(area.text)
            view.scroll_visible(animate=False)
        else:
            self.add_class("-editing")
            area.focus()
            area.scroll_visible(animate=False)

    @on(Button.Pressed, "#preview")
    def _preview_pressed(self) -> None:
        self.action_preview()

    # --- after saving: export ----------------------------------------------------------------

    def saved(self, record_id: int) -> None:
        """Stay open to export the stored document; escape closes with the plan id."""
        self.plan_id = record_id
        self.add_class("-saved")
        for widget in self.query("#form-fields Input, #form-fields Select, #form-fields SelectionList"):
            widget.disabled = True
        self.query_one("#arrangements", TextArea).read_only = True
        self.query_one("#document", TextArea).read_only = True
        if self.has_class("-editing"):
            self.remove_class("-editing")
            self.query_one("#document-view", Markdown).update(self.query_one("#document", TextArea).text)
        for button_id in ("#preview", "#save"):
            self.query_one(button_id).display = False
        self.query_one("#cancel", Button).label = "Close esc"
        self.query_one("#form-subject", Static).update(Content.assemble(
            (f"Contact plan {record_id} approved and saved.", "bold"), " Export it, or press escape to close."))
        self.query_one("#export-state", Static).update(Content(
            "Choose Markdown or printable HTML and a file; ctrl+e writes it, readable by you only."))
        path = self.query_one("#export-path", Input)
        path.value = default_export_path(f"plan-{record_id}.md")
        self.update_save_state()
        path.focus()

    def action_cancel(self) -> None:
        if self.plan_id is None:
            super().action_cancel()  # not saved: asks before throwing away what was typed
        else:
            self.dismiss(self.plan_id)  # after saving the Close button lands here too

    def action_close(self) -> None:
        self.dismiss(self.plan_id)

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#export-path", Input)
        for _, suffix in FORMATS:
            if path.value.endswith(f".{suffix}"):
                path.value = path.value[: -len(suffix)] + str(event.value)
                break

    def action_export(self) -> None:
        if self.plan_id is None:
            return
        suffix = self.query_one("#export-format", Select).value
        text = self.query_one("#export-path", Input).value
        if not text.strip():
            self.query_one("#export-state", Static).update(Content("Type the file to export to."))
            return
        self._export(self.plan_id, export_path(text), str(suffix))

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-export", name="export the plan")
    def _export(self, plan_id: int, path: Path, suffix: str) -> None:
        with database_at(self.db_path) as db:
            plan = get_contact_plan(db, plan_id)
        prepare_export(path)
        # As the agenda's export: an earlier export at the path on screen is replaced, nothing else.
        write_private_text(path, plan_export(plan["document"], plan_id, plan["case_id"], suffix), replace=True,
                           database=self.db_path)
        self.post_message(PlanExported(path))

    @on(PlanExported)
    def _exported(self, message: PlanExported) -> None:
        state = self.query_one("#export-state", Static)
        state.update(Content(f"✓ Exported to {message.path} (readable by you only)."))
        state.add_class("-done")
        self.notify(f"Contact plan {self.plan_id} exported to {message.path}.", markup=False)

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    def work_failed(self, worker) -> None:
        if worker.group == "plan-export":
            error = worker.error
            sentence = error.message if isinstance(error, UserError) else "see the message in the corner."
            state = self.query_one("#export-state", Static)
            state.update(Content(f"Not exported: {sentence}"))
            state.remove_class("-done")
            return
        super().work_failed(worker)
