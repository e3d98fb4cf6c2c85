"""Pick the month to evaluate (`m`): the recent months to choose from, or type YYYY-MM."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from staffing_tui.domain.limits import parse_month
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import month_name
from staffing_tui.widgets.pick_list import Choice, PickList

#: How many months back the list offers; older months can be typed.
OFFERED_MONTHS = 36


def month_choice(month: Month, latest: Month) -> Choice:
    state = "  in progress" if month == latest else ""
    prompt = Content.assemble((month_name(month), "bold"), (f"  {month}", "dim"), (state, "$text-warning"))
    return Choice(month, prompt, f"{month_name(month)} {month}")


def month_problem(text: str, latest: Month) -> tuple[Month | None, str | None]:
    """The month typed as YYYY-MM, or why it cannot be shown."""
    try:
        month = parse_month(text)
    except ValueError as exc:
        return None, f"{exc}."
    if month > latest:
        return None, f"{month_name(month)} has not started yet; the latest month is {month_name(latest)}."
    return month, None


class MonthPicker(ModalScreen[Month | None]):
    """Choose a month up to `latest` (the as-of month); dismisses with it, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="month.cancel"),
    ]

    def __init__(self, current: Month, latest: Month) -> None:
        super().__init__()
        self.current = current
        self.latest = latest

    def compose(self) -> ComposeResult:
        with Vertical(id="month-dialog", classes="dialog"):
            yield Static("Show which month?", classes="dialog-title")
            yield PickList("Type a month (YYYY-MM) or a name…", id="month-list")
            yield Static(id="month-problem", classes="dialog-problem")
            yield Static("enter show · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        picker = self.query_one(PickList)
        months = [self.latest.shift(-offset) for offset in range(OFFERED_MONTHS)]
        picker.set_choices([month_choice(m, self.latest) for m in months], highlight=self.current)
        picker.focus_filter()

    @on(PickList.Picked)
    def _picked(self, event: PickList.Picked) -> None:
        self.dismiss(event.value)

    @on(PickList.Typed)
    def _typed(self, event: PickList.Typed) -> None:
        month, problem = month_problem(event.text, self.latest)
        if month is not None:
            self.dismiss(month)
        else:
            self.query_one("#month-problem", Static).update(Content(problem or ""))
