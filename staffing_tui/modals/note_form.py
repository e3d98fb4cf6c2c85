"""`n` Record why someone could not be seen (docs/policy.md "Reasons recorded at a staffing"; rule 7
of docs/policy.md "Status order").

"A reason for not seeing someone may be documented in a note when the case is
staffed with the supervisor": a reason code and a sentence, for one person or
for the whole case (a case-level note explains the investigation home visit),
for the month being staffed. It turns that month's `unmet`/`due` into
`explained` (`staffing_reason`).
"""

from __future__ import annotations

from sqlite_utils import Database
from textual.app import ComposeResult
from textual.widgets import Select, TextArea

from staffing_tui.domain.enums import StaffingReasonCode
from staffing_tui.modals.fields import FormRow, Reader
from staffing_tui.modals.form_base import StaffingForm
from staffing_tui.present.labels import REASON_CODE_LABELS
from staffing_tui.store.audit import Actor
from staffing_tui.store.records import StaffingNoteRequest, add_staffing_note, staffing_note_problems

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

    def compose_fields(self) -> ComposeResult:
        yield FormRow(
            "Reason",
            Select([(label, str(code)) for code, label in REASON_CODE_LABELS.items()],
                   prompt="Choose a reason", compact=True, id="reason-code"),
        )
        yield FormRow("Note", TextArea(soft_wrap=True, id="text",
                                       placeholder="What happened, and what is planned instead"))

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
