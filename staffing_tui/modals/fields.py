"""The fields of a staffing form: typed inputs and their validators, the reader that turns them
into a request, and the small widgets around them (a labelled row, a hint line, the problem list).

Every problem is one sentence starting with the field it names ("reason: explain …", `field_of`),
whether the form found it while reading or the record service did.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from staffing_tui.domain.limits import parse_day, parse_month
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import shown


# --- typed values ---------------------------------------------------------------------------

class _ParsedText(Validator):
    """An Input validator from a parse function; blank passes when `optional`."""

    def __init__(self, parse: Callable[[str], object], *, optional: bool = False) -> None:
        super().__init__()
        self.parse = parse
        self.optional = optional

    def validate(self, value: str) -> ValidationResult:
        if self.optional and not value.strip():
            return self.success()
        try:
            self.parse(value)
        except ValueError as exc:
            return self.failure(f"{str(exc).rstrip('.')}.")
        return self.success()


def field_of(problem: str) -> str:
    """The field a problem sentence names: "reason" in "reason: explain …"."""
    return problem.split(":", 1)[0]


def month_input(value: Month | None, *, id: str, optional: bool = False) -> Input:
    """A one-line YYYY-MM input that says how to write a month when it is wrong."""
    return Input(
        str(value) if value else "", placeholder="YYYY-MM" + (" (optional)" if optional else ""),
        validators=[_ParsedText(parse_month, optional=optional)], validate_on=["changed", "blur"],
        max_length=7, compact=True, id=id, classes="month-input",
    )


def date_input(value: date | None, *, id: str, optional: bool = False) -> Input:
    """A one-line YYYY-MM-DD input that says how to write a date when it is wrong."""
    return Input(
        value.isoformat() if value else "", placeholder="YYYY-MM-DD" + (" (optional)" if optional else ""),
        validators=[_ParsedText(parse_day, optional=optional)], validate_on=["changed", "blur"],
        max_length=10, compact=True, id=id, classes="date-input",
    )


class Reader:
    """Reads typed values off a form, collecting one "field: sentence" problem per bad value."""

    def __init__(self, screen: ModalScreen) -> None:
        self.screen = screen
        self.problems: list[str] = []
        #: A typed value (month, date) could not be read, so no request can be built.
        self.unreadable = False

    def text(self, widget_id: str) -> str:
        widget = self.screen.query_one(f"#{widget_id}")
        return widget.text if isinstance(widget, TextArea) else widget.value

    def month(self, widget_id: str, field_name: str, *, optional: bool = False) -> Month | None:
        return self._parsed(widget_id, field_name, parse_month, optional)

    def date(self, widget_id: str, field_name: str, *, optional: bool = False) -> date | None:
        return self._parsed(widget_id, field_name, parse_day, optional)

    def choice(self, widget_id: str, field_name: str, missing: str) -> Any:
        """The chosen value of a Select; "" and a problem `missing` when nothing is chosen."""
        value = self.screen.query_one(f"#{widget_id}", Select).value
        if value is Select.NULL:
            self.problems.append(f"{field_name}: {missing}")
            return ""
        return value

    def _parsed(self, widget_id: str, field_name: str, parse: Callable[[str], Any], optional: bool) -> Any:
        text = self.text(widget_id)
        if optional and not text.strip():
            return None
        try:
            return parse(text)
        except ValueError as exc:
            self.problems.append(f"{field_name}: {exc}.")
            self.unreadable = True
            return None


# --- small widgets --------------------------------------------------------------------------

class FormRow(Horizontal):
    """A label on the left, the field (and its hint) on the right."""

    DEFAULT_CSS = """
    FormRow { height: auto; margin-bottom: 1; }
    FormRow > .form-label { width: 13; color: $text-muted; }
    FormRow > .form-value { width: 1fr; height: auto; }
    """

    def __init__(self, label: str, *children: Widget, id: str | None = None) -> None:
        super().__init__(Label(label, classes="form-label"), Vertical(*children, classes="form-value"), id=id)


class FieldHint(Static):
    """How to fix the field above; hidden while there is nothing to say."""

    DEFAULT_CSS = """
    FieldHint { color: $text-error; display: none; height: auto; }
    FieldHint.-shown { display: block; }
    FieldHint.-note { color: $text-muted; }
    """

    def say(self, text: str | None, *, note: bool = False) -> None:
        self.update(Content(shown(text)))
        self.set_class(bool(text), "-shown")
        self.set_class(note, "-note")


def hint_for(widget_id: str) -> FieldHint:
    """The hint line of the Input `widget_id` (filled from its validators as the user types)."""
    return FieldHint(id=f"{widget_id}-hint")


def show_input_hint(screen: ModalScreen, event: Input.Changed) -> None:
    """Fill the changed Input's hint line (`hint_for`) from its validators, or clear it."""
    hint = next(iter(screen.query(f"#{event.input.id}-hint").results(FieldHint)), None) if event.input.id else None
    if hint is not None:
        result = event.validation_result
        hint.say(result.failure_descriptions[0] if result and not result.is_valid else None)


class ProblemList(Static):
    """The record service's sentences, one per line; hidden when there are none."""

    DEFAULT_CSS = """
    ProblemList {
        display: none; height: auto; max-height: 8; overflow-y: auto;
        color: $text-error; background: $error 10%; padding: 0 1; margin-bottom: 1;
    }
    ProblemList.-shown { display: block; }
    """

    _shown: tuple[str, ...] = ()

    def show(self, problems: list[str]) -> None:
        if tuple(problems) == self._shown:
            return  # an update lays the whole form out again (25 ms statewide, while a save is read)
        self._shown = tuple(problems)
        self.update(Content("\n".join(f"• {shown(problem)}" for problem in problems)))
        self.set_class(bool(problems), "-shown")
