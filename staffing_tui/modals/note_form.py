"""`n` Record why someone could not be seen (docs/policy.md "Reasons recorded at a staffing"; rule 7
of docs/policy.md "Status order").

"A reason for not seeing someone may be documented in a note when the case is
staffed with the supervisor": a reason code and a sentence, for one person or
for the whole case (a case-level note explains the investigation home visit),
for the month being staffed. It turns that month's `unmet`/`due` into
`explained` (`staffing_reason`).

One note per person (or case) and month: for a row a note already explains, the form
opens on that note — its reason and text, who wrote it — and says how to change it
(withdraw it on the detail screen, or agree a next step), with Save off (issue 17:
after a save the rows re-sort, and `n` on the next row wrote a second note).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Select, Static, TextArea

from staffing_tui.domain.enums import StaffingReasonCode
from staffing_tui.modals.fields import FormRow, Reader
from staffing_tui.modals.form_base import NO_ONE, FormSetup, StaffingForm
from staffing_tui.present.labels import REASON_CODE_LABELS, shown, staff_label
from staffing_tui.store.audit import Actor
from staffing_tui.store.directory import staff_members
from staffing_tui.store.records import (
    StaffingNoteRequest,
    active_staffing_notes,
    add_staffing_note,
    staffing_note_problems,
)


@dataclass(frozen=True, slots=True)
class ExistingNote:
    """A note that already explains a row this month."""

    note_id: int
    reason_code: str
    text: str
    author: str  # the author's name (their id when not on file)
    created_on: str

    @property
    def sentence(self) -> str:
        """What the form says above the note's reason and text (the text is in the Note field)."""
        code = StaffingReasonCode(self.reason_code) if self.reason_code in set(StaffingReasonCode) else None
        reason = REASON_CODE_LABELS[code] if code is not None else shown(self.reason_code)
        return (f"Already explained by staffing note {self.note_id}: {reason} ({self.author}, {self.created_on}). "
                "To replace it, withdraw it first (enter opens the detail, then w); to add to it, agree a next "
                "step (s).")

class StaffingNoteForm(StaffingForm):
    """A staffing note for the month: why the person (or household) was not seen."""

    TITLE = "Staffing note: why not seen"
    PERSON_CHOICE = "optional"
    #: Few fields: the dialog fits its content even at 24 lines.
    VERTICAL_BREAKPOINTS = [(0, "-tall")]
    FIELD_WIDGETS = {
        "case": ("case",),
        "person": ("person",),
        "reason_code": ("reason-code",),
        "text": ("text",),
    }

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        #: The note that explains the chosen row already (None: none; Save is off while there is one).
        self.existing: ExistingNote | None = None

    def compose_fields(self) -> ComposeResult:
        yield Static(id="existing-note", classes="form-blocked")
        yield FormRow(
            "Reason",
            Select([(label, str(code)) for code, label in REASON_CODE_LABELS.items()],
                   prompt="Choose a reason", compact=True, id="reason-code"),
        )
        yield FormRow("Note", TextArea(soft_wrap=True, id="text",
                                       placeholder="What happened, and what is planned instead"))

    def load_extra(self, db: Database, setup: FormSetup) -> dict[tuple[str, str | None], ExistingNote]:
        notes = active_staffing_notes(db, list(setup.cases), self.ctx.month)
        authors = staff_members(db, {note["author"] for note in notes.values()})
        return {
            key: ExistingNote(note["staffing_note_id"], note["reason_code"], note["text"],
                              staff_label(authors[note["author"]]) if note["author"] in authors
                              else shown(note["author"]), note["created_at"][:10])
            for key, note in notes.items()
        }

    def _existing_for_choice(self) -> ExistingNote | None:
        case = self.chosen_case_choice()
        if self.setup is None or case is None:
            return None
        person = self.query_one("#person", Select).value
        person_id = person if isinstance(person, str) and person != NO_ONE else None
        return self.setup.extra.get((case.info.case_id, person_id))

    def fields_changed(self) -> None:
        existing = self._existing_for_choice()
        if existing == self.existing:
            return
        shown_before, self.existing = self.existing, existing
        state = self.query_one("#existing-note", Static)
        state.update(Content(existing.sentence if existing else ""))
        state.set_class(existing is not None, "-shown")
        reason = self.query_one("#reason-code", Select)
        text = self.query_one("#text", TextArea)
        if existing is not None:  # the note's own state, read only
            code = existing.reason_code
            reason.value = code if code in set(StaffingReasonCode) else Select.NULL
            text.load_text("" if self.ctx.masked else existing.text)
        elif shown_before is not None:  # from a row with a note to one without: a blank form again
            reason.value = Select.NULL
            text.load_text("")
        reason.disabled = text.read_only = existing is not None
        self.update_save_state()

    @property
    def may_save(self) -> bool:
        return super().may_save and self.existing is None

    def permission_problem(self, db: Database, actor: Actor, case) -> str | None:
        # The service's own sentence for who may write a staffing note.
        if case is None:
            return None
        probe = StaffingNoteRequest(case.case_id, self.ctx.month, str(StaffingReasonCode.OTHER), "probe")
        found = [p.split(": ", 1)[1] for p in staffing_note_problems(db, actor, probe) if p.startswith("author:")]
        return found[0] if found else None

    def read_request(self, reader: Reader) -> StaffingNoteRequest | None:
        case_id = self.read_case(reader)
        person_id = self.read_person(reader)
        code = reader.choice("reason-code", "reason_code", "choose the reason that fits.")
        return StaffingNoteRequest(case_id=case_id or "", month=self.ctx.month, reason_code=code,
                                   text=reader.text("text"), person_id=person_id)

    def problems_of(self, db: Database, actor: Actor, request: StaffingNoteRequest) -> list[str]:
        return staffing_note_problems(db, actor, request)

    def save_record(self, db: Database, actor: Actor, request: StaffingNoteRequest) -> int:
        return add_staffing_note(db, actor, request)
