"""`e` Record an exception to the visit requirement (docs/data.md "Records created in the app"; docs/policy.md "Status order", rule 2).

Exceptions are allowed but rare: a category, a reason of at least 20
characters, the months it covers (at most six) and a review date. Only a
supervisor of the specialist's unit or a manager approves; anyone else sees
why and a greyed-out Save. For a parent (any adult), the form reminds that
telephone or written contact is still required at least once every three
months.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, Select, Static, TextArea

from staffing_tui.domain.limits import parse_month
from staffing_tui.domain.months import Month
from staffing_tui.modals.context import FormContext
from staffing_tui.modals.fields import FormRow, Reader, date_input, hint_for, month_input
from staffing_tui.modals.form_base import FormSetup, StaffingForm, form_bindings
from staffing_tui.present.labels import CATEGORY_LABELS
from staffing_tui.store.audit import Actor
from staffing_tui.store.records import (
    MAX_EXCEPTION_MONTHS,
    MIN_REASON_LENGTH,
    ExceptionRequest,
    create_exception,
    exception_problems,
)

#: docs/policy.md "Exceptions": "When an exception is made to parent contact, telephone or written
#: contact is still required at least once every three months."
QUARTERLY_REMINDER = (
    "For an adult, telephone or written contact is still required at least once every three months "
    "while the exception applies; without it the month stays unmet."
)


class ExceptionForm(StaffingForm):
    """Approve an exception for one person on one case."""

    TITLE = "Record an exception"
    SAVE_LABEL = "Approve & save"
    BINDINGS = form_bindings(SAVE_LABEL)
    #: The whole form fits from 28 lines up; below that its fields scroll.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]
    FIELD_WIDGETS = {
        "case": ("case",),
        "person": ("person",),
        "category": ("category",),
        "reason": ("reason",),
        "months": ("start", "end"),
        "review_on": ("review",),
    }

    def __init__(self, ctx: FormContext) -> None:
        super().__init__(ctx)
        #: The review date the form proposed; it follows the first month until the user edits it.
        self._review_default: str | None = None

    def compose_fields(self) -> ComposeResult:
        first = self.ctx.month
        yield FormRow(
            "Category",
            Select([(label, str(category)) for category, label in CATEGORY_LABELS.items()],
                   prompt="Choose a category", compact=True, id="category"),
        )
        yield FormRow(
            "Reason",
            TextArea(soft_wrap=True, show_line_numbers=False, id="reason",
                     placeholder=f"Why the visit requirement cannot be met (at least {MIN_REASON_LENGTH} characters)"),
            Static(id="reason-count"),
        )
        yield FormRow(
            "Months",
            Horizontal(
                month_input(first, id="start"),
                Label("to", classes="between"),
                month_input(first.shift(2), id="end"),
                Label(f"(at most {MAX_EXCEPTION_MONTHS} months)", classes="between"),
                classes="inline",
            ),
            hint_for("start"),
            hint_for("end"),
        )
        yield FormRow("Review on", date_input(self.default_review(first), id="review", optional=True),
                      hint_for("review"))

    def compose_below(self) -> ComposeResult:
        # Outside the scrolling fields, above the buttons: visible without scrolling at 80×24 (issue 17).
        yield Static(id="quarterly", classes="form-blocked")

    @staticmethod
    def default_review(first_month: Month) -> date:
        """About a month after the first month ends: the end of the second month."""
        return first_month.next().end

    def setup_fields(self, setup: FormSetup) -> None:
        self._review_default = self.query_one("#review").value

    def fields_changed(self) -> None:
        count = len(self.query_one("#reason", TextArea).text.strip())
        counter = self.query_one("#reason-count", Static)
        if count >= MIN_REASON_LENGTH:
            counter.update(Content.from_markup("[$text-success]✓ $count characters[/]", count=str(count)))
        else:
            counter.update(Content.from_markup(
                "[$text-muted]$count of at least $min characters[/]", count=str(count), min=str(MIN_REASON_LENGTH)))
        self._follow_start_month()
        member = self.chosen_member()
        reminder = self.query_one("#quarterly", Static)
        adult = member is not None and member.role.is_adult
        reminder.update(Content(QUARTERLY_REMINDER if adult else ""))
        reminder.set_class(adult, "-shown")

    def _follow_start_month(self) -> None:
        # Keep the review date a month after the first month until the user types their own.
        review = self.query_one("#review")
        default = self._review_default
        if default is None or review.value != default:
            return
        start = self.query_one("#start")
        if start.is_valid:
            new_default = self.default_review(parse_month(start.value)).isoformat()
            if new_default != default:
                self._review_default = review.value = new_default

    def read_request(self, reader: Reader) -> ExceptionRequest:
        case_id = self.read_case(reader)
        person_id = self.read_person(reader)
        category = reader.choice("category", "category", "choose the category that fits.")
        start = reader.month("start", "months")
        end = reader.month("end", "months")
        review = reader.date("review", "review_on", optional=True)
        if reader.unreadable:
            return None
        return ExceptionRequest(
            case_id=case_id or "", person_id=person_id or "", category=category,
            reason=reader.text("reason"), start_month=start, end_month=end, review_on=review,
        )

    def problems_of(self, db: Database, actor: Actor, request: ExceptionRequest) -> list[str]:
        return exception_problems(db, actor, request)

    def save_record(self, db: Database, actor: Actor, request: ExceptionRequest) -> int:
        return create_exception(db, actor, request)
