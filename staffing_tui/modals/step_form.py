"""`s` Agree a next step (docs/data.md "Records created in the app": next_steps).

Who (the specialist, and optionally a case and person), what, and by when
(default: a week after today, or the database's as-of date). Open steps
reappear on the specialist's agenda until marked done there (`a`, then `d`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlite_utils import Database
from textual.app import ComposeResult
from textual.widgets import Input

from staffing_tui.modals.fields import FormRow, Reader, date_input, hint_for
from staffing_tui.modals.form_base import FormSetup, StaffingForm
from staffing_tui.store.audit import Actor
from staffing_tui.store.records import NextStepRequest, add_next_step, next_step_problems

#: A next step is time-limited and actionable: due within the week unless said otherwise.
DEFAULT_DAYS = 7


class NextStepForm(StaffingForm):
    """A next step for the specialist, due on a date."""

    TITLE = "Next step"
    PERSON_CHOICE = "optional"
    #: Few fields: the dialog fits its content even at 24 lines.
    VERTICAL_BREAKPOINTS = [(0, "-tall")]
    CASE_OPTIONAL = True
    NO_PERSON_LABEL = "No one person"
    FIELD_WIDGETS = {
        "case": ("case",),
        "person": ("person",),
        "text": ("text",),
    }

    def compose_fields(self) -> ComposeResult:
        yield FormRow("What", Input(placeholder="What must happen, e.g. call the shelter about a visit",
                                    compact=True, id="text"))
        yield FormRow("Due on", date_input(None, id="due"), hint_for("due"))

    def setup_fields(self, setup: FormSetup) -> None:
        self.query_one("#due", Input).value = (setup.as_of + timedelta(days=DEFAULT_DAYS)).isoformat()

    def permission_problem(self, db: Database, actor: Actor, case) -> str | None:
        # The service's own sentence for who may record next steps.
        probe = NextStepRequest(self.ctx.specialist_id, "probe", self.ctx.month.start)
        found = [p.split(": ", 1)[1] for p in next_step_problems(db, actor, probe) if p.startswith("created_by:")]
        return found[0] if found else None

    def read_request(self, reader: Reader) -> NextStepRequest | None:
        case_id = self.read_case(reader)
        person_id = self.read_person(reader)
        due = reader.date("due", "due")
        if reader.unreadable:
            return None
        return NextStepRequest(specialist_id=self.ctx.specialist_id, text=reader.text("text"), due_on=due,
                               case_id=case_id, person_id=person_id)

    def problems_of(self, db: Database, actor: Actor, request: NextStepRequest) -> list[str]:
        return next_step_problems(db, actor, request)

    def save_record(self, db: Database, actor: Actor, request: NextStepRequest) -> int:
        return add_next_step(db, actor, request)
