"""Typed messages that thread workers post back to the screens.

A worker never touches a widget: it reads the database, builds one of these
and posts it; an `@on(...)` handler on the screen renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from textual.message import Message

from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.store.directory import PersonName, StaffMember, UnitRoster


@dataclass(frozen=True, slots=True)
class MonthEvaluation:
    """One month evaluated for the whole database, grouped for the screens."""

    month: Month
    as_of: date
    in_progress: bool
    rosters: tuple[UnitRoster, ...]
    rows_by_specialist: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def latest_month(self) -> Month:
        """The last month that can be evaluated as of `as_of`."""
        return Month.of(self.as_of)

    def rows_of(self, specialist_id: str) -> list[Row]:
        return self.rows_by_specialist.get(specialist_id, [])

    def unseen_without_reason(self, specialist_id: str) -> int:
        """Rows `unmet` or `due` for the specialist: the number that should be zero."""
        return sum(1 for row in self.rows_of(specialist_id) if row.unseen_without_reason)


class MonthEvaluated(Message):
    """The month worker finished: directory and rows for the whole database."""

    def __init__(self, evaluation: MonthEvaluation) -> None:
        super().__init__()
        self.evaluation = evaluation


class NotSeenLoaded(Message):
    """The names for one specialist's not-seen rows of a month are ready."""

    def __init__(
        self,
        specialist: StaffMember,
        month: Month,
        rows: list[Row],
        names: dict[str, PersonName],
    ) -> None:
        super().__init__()
        self.specialist = specialist
        self.month = month
        self.rows = rows
        self.names = names
