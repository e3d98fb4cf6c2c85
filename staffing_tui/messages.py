"""Typed messages that thread workers post back to the screens.

A worker never touches a widget: it reads the database, builds one of these
and posts it; an `@on(...)` handler on the screen renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from textual.message import Message

from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.store.audit import Identity
from staffing_tui.store.caseload import CaseDetail, CaseHistory
from staffing_tui.store.directory import PersonName, StaffMember, Unit, UnitRoster
from staffing_tui.store.evaluation import MonthCounts
from staffing_tui.store.records import ExceptionSummary


@dataclass(frozen=True, slots=True)
class MonthEvaluation:
    """One month for the screens: the rows of the units looked at, the counts of everyone.

    A caseload needs its rows and names; a badge needs only a count. So the rows held are those of
    the units the user is looking at (`evaluated_units`, each a few milliseconds to evaluate) and,
    for every specialist of the database, their counts (`counts`: read from the months kept in the
    database, docs/performance.md "Months kept in the database"). Another unit's caseload is
    evaluated when the user moves to it (`with_rows`). A statewide month's 16,000 rows are never
    held by the app.

    The main screen gets it once when the month is kept in the database, otherwise twice: first
    the units it shows first, then with the counts once the whole month is evaluated.
    """

    month: Month
    as_of: date
    in_progress: bool
    rosters: tuple[UnitRoster, ...]
    rows_by_specialist: dict[str, list[Row]] = field(default_factory=dict)
    #: names of everyone in the rows
    names: dict[str, PersonName] = field(default_factory=dict)
    #: a remark for the user about what was evaluated (e.g. a month that had not started)
    notice: str | None = None
    #: the database file cannot be written: browsing works, saving will not
    read_only: bool = False
    #: the units whose rows are here (None in it: the staff in no unit)
    evaluated_units: frozenset[str | None] = frozenset()
    #: who acts: on a verified database the logged-in staff member, else the one asked for
    #: (`--as`), looked up (None: nobody, or not on file)
    acting: StaffMember | None = None
    #: who this process is in the database (docs/evidence.md "Who acted"): its OS account, verified or not
    identity: Identity | None = None
    #: the whole month counted per unit and specialist (None while it is still being evaluated)
    counts: MonthCounts | None = None

    @property
    def home_unit(self) -> str | None:
        """The acting user's unit: opened in the tree, with the cursor, when the screen first shows."""
        return self.acting.unit_id if self.acting is not None else None

    @property
    def complete(self) -> bool:
        """Every badge is known (the whole month counted)."""
        return self.counts is not None

    def covers(self, member: StaffMember) -> bool:
        """Whether `member`'s rows are here (their unit evaluated)."""
        return member.unit_id in self.evaluated_units

    def badge(self, member: StaffMember) -> int | None:
        """`member`'s unseen-without-reason count, None while it is not known yet."""
        if self.covers(member):
            return self.unseen_without_reason(member.staff_id)
        if self.counts is not None:
            return self.counts.specialist(member.staff_id).unseen_without_reason
        return None

    @property
    def latest_month(self) -> Month:
        """The last month that can be evaluated as of `as_of`."""
        return Month.of(self.as_of)

    def rows_of(self, specialist_id: str) -> list[Row]:
        return self.rows_by_specialist.get(specialist_id, [])

    def unseen_without_reason(self, specialist_id: str) -> int:
        """Rows `unmet` or `due` for the specialist: the number that should be zero."""
        return sum(1 for row in self.rows_of(specialist_id) if row.unseen_without_reason)

    def with_rows(self, units: frozenset[str | None], rows: list[Row], names: dict[str, PersonName]) -> "MonthEvaluation":
        """This month with `units`' rows added (evaluated for the same month, as of the same day)."""
        by_specialist = dict(self.rows_by_specialist)
        for spec in {row.specialist_id for row in rows}:
            by_specialist[spec] = []
        for row in rows:
            by_specialist[row.specialist_id].append(row)
        return replace(self, rows_by_specialist=by_specialist, names={**self.names, **names},
                       evaluated_units=self.evaluated_units | units)

    def specialists(self) -> list[tuple[StaffMember, Unit | None]]:
        """Everyone in the tree with their unit, in tree order."""
        return [(member, roster.unit) for roster in self.rosters for member in roster.specialists]

    def specialist(self, staff_id: str) -> StaffMember | None:
        return next((member for member, _ in self.specialists() if member.staff_id == staff_id), None)


class UnitsEvaluated(Message):
    """The rows of `units` for a month, evaluated when the user moved to one of their caseloads."""

    def __init__(self, month: Month, as_of: date, units: frozenset[str | None], rows: list[Row],
                 names: dict[str, PersonName]) -> None:
        super().__init__()
        self.month, self.as_of, self.units, self.rows, self.names = month, as_of, units, rows, names


class ExceptionRead(Message):
    """The exception a caseload row rests on, read for the row's detail line (None: not found)."""

    def __init__(self, exception_id: int, summary: ExceptionSummary | None) -> None:
        super().__init__()
        self.exception_id = exception_id
        self.summary = summary


class MonthEvaluated(Message):
    """The month worker finished: directory, rows and names for the whole database.

    It bubbles from the screen to the app, which takes the month and the
    as-of date from it.
    """

    def __init__(self, evaluation: MonthEvaluation) -> None:
        super().__init__()
        self.evaluation = evaluation


class CaseLoaded(Message):
    """The detail screen's case and its month-by-month evaluation are ready."""

    def __init__(self, case_id: str, month: Month, detail: CaseDetail | None, history: CaseHistory) -> None:
        super().__init__()
        self.case_id = case_id
        self.month = month
        self.detail = detail
        self.history = history


class StaffChoicesLoaded(Message):
    """The staff to choose an identity from, supervisors and managers first."""

    def __init__(self, choices: list[tuple[StaffMember, Unit | None]]) -> None:
        super().__init__()
        self.choices = choices
