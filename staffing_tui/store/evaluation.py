"""The month report: load facts for a scope, evaluate, summarise (docs/policy.md "Evaluating a month"; docs/data.md "Report JSON")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.enums import Status
from staffing_tui.domain.evaluate import check_as_of, is_in_progress
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.facts import Scope
from staffing_tui.store.month_cache import MONTH_CACHE


@dataclass(frozen=True, slots=True)
class Summary:
    rows: int = 0
    required: int = 0
    met: int = 0
    excused: int = 0
    explained: int = 0
    unmet: int = 0
    due: int = 0
    not_required: int = 0
    unseen_without_reason: int = 0

    @classmethod
    def of(cls, rows: list[Row]) -> "Summary":
        counts = {status: 0 for status in Status}
        for row in rows:
            counts[row.status] += 1
        return cls.of_counts(counts)

    @classmethod
    def of_counts(cls, counts: Mapping[Status, int]) -> "Summary":
        """The summary of rows counted per status (`store.kept_months` counts them in SQL)."""
        counts = {status: counts.get(status, 0) for status in Status}
        rows = sum(counts.values())
        return cls(
            rows=rows,
            required=rows - counts[Status.NOT_REQUIRED],
            met=counts[Status.MET],
            excused=counts[Status.EXCUSED],
            explained=counts[Status.EXPLAINED],
            unmet=counts[Status.UNMET],
            due=counts[Status.DUE],
            not_required=counts[Status.NOT_REQUIRED],
            unseen_without_reason=counts[Status.UNMET] + counts[Status.DUE],
        )


@dataclass(frozen=True, slots=True)
class MonthReport:
    month: Month
    as_of: date
    in_progress: bool
    unit_id: str | None
    specialist_id: str | None
    rows: list[Row] = field(default_factory=list)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.rows)


def resolve_as_of(db: Database, month: Month, as_of: date | None) -> date:
    """The as-of date (default: meta.as_of or today), checked against the month."""
    as_of = as_of or default_as_of(db)
    try:
        check_as_of(month, as_of)
    except ValueError as exc:
        raise UserError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
    return as_of


def month_report(
    db: Database,
    month: Month,
    as_of: date | None = None,
    unit_id: str | None = None,
    specialist_id: str | None = None,
) -> MonthReport:
    """Evaluate `month` for the whole database, one unit or one specialist.

    The month cache answers (`store.month_cache`): a whole-database month is kept while the data
    stays as it was, and a unit or specialist is read from it.
    """
    as_of = resolve_as_of(db, month, as_of)
    rows = MONTH_CACHE.rows(db, month, as_of, Scope(unit_id, specialist_id))
    return MonthReport(month, as_of, is_in_progress(month, as_of), unit_id, specialist_id, rows)


def report_names(db: Database, report: MonthReport, masked: bool = False) -> dict[str, str]:
    """Display names for the people, specialists and units of a report (people's initials if `masked`)."""
    from staffing_tui.store.directory import list_units, people_names, staff_members

    names: dict[str, str] = {unit.unit_id: unit.name for unit in list_units(db)}
    specialists = {r.specialist_id for r in report.rows} | {report.specialist_id} - {None}
    names.update({m.staff_id: m.name for m in staff_members(db, specialists).values()})
    people = people_names(db, (r.person_id for r in report.rows))
    names.update({pid: p.initials if masked else p.display for pid, p in people.items()})
    return names
