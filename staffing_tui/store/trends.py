"""Month-by-month trends for the reports screen (no Textual here).

The number that should be zero — people not seen without a documented reason
(`unmet` + `due`, docs/policy.md "Statuses") — followed over the last
twelve months, one line per unit. Each month is evaluated once for the whole
database and its rows grouped by unit, never once per unit; a month kept in the database
(`store.kept_months`) is counted in SQL instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.enums import Status
from staffing_tui.domain.months import Month
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.evaluation import MonthReport, month_report
from staffing_tui.store.kept_months import counts_if_kept, find_kept
from staffing_tui.store.month_cache import MONTH_CACHE


@dataclass(frozen=True, slots=True)
class UnseenTrend:
    """Not-seen-without-reason counts per unit, oldest month first."""

    months: tuple[Month, ...]
    by_unit: dict[str | None, tuple[int, ...]] = field(default_factory=dict)

    def counts(self, unit_id: str | None) -> tuple[int, ...]:
        """The counts of `unit_id` (zeros for a unit with no rows)."""
        return self.by_unit.get(unit_id, (0,) * len(self.months))


def trend_months(last_month: Month, months: int = 12) -> tuple[Month, ...]:
    """The `months` months ending with `last_month`, oldest first."""
    return tuple(last_month.shift(offset) for offset in range(1 - months, 1))


def unseen_trend(
    db: Database,
    units: Iterable[str | None],
    last_month: Month,
    months: int = 12,
    as_of: date | None = None,
    known: Iterable[MonthReport] = (),
    progress: Callable[[int, int], None] | None = None,
) -> UnseenTrend:
    """Per unit, how many people were not seen without a reason in each of `months` months.

    `units` are the unit ids to report (None: staff in no unit); a unit with
    no rows in a month counts 0. `known` are whole-database reports already
    evaluated with the same as-of date (e.g. the report of `last_month`),
    reused instead of evaluated again. Months that start after the as-of date
    cannot be evaluated and count 0. `progress(done, total)` is called after
    each month evaluated here (`total`: the months neither reused nor in the
    month cache when the trend starts, so the count does not jump).
    """
    as_of = as_of or default_as_of(db)
    window = trend_months(last_month, months)
    reused = {
        report.month: report
        for report in known
        if report.as_of == as_of and report.unit_id is None and report.specialist_id is None
    }
    counts: dict[str | None, list[int]] = {unit_id: [0] * len(window) for unit_id in units}
    pending = {month for month in window
               if month.start <= as_of and month not in reused and not MONTH_CACHE.holds(db, month, as_of)
               and find_kept(db, month, as_of) is None}
    done = 0
    for index, month in enumerate(window):
        if month.start > as_of:
            continue
        report = reused.get(month)
        if report is None and not MONTH_CACHE.holds(db, month, as_of):
            # Kept in the database and current: counted in SQL, no row built (store.kept_months).
            kept = counts_if_kept(db, month, as_of)
            if kept is not None:
                for (unit_id, _specialist), by_status in kept.items():
                    if unit_id in counts:
                        counts[unit_id][index] += by_status.get(Status.UNMET, 0) + by_status.get(Status.DUE, 0)
                continue
        if report is None:
            report = month_report(db, month, as_of)
            if progress is not None and month in pending:
                done += 1
                progress(done, len(pending))
        for row in report.rows:
            if row.unseen_without_reason and row.unit_id in counts:
                counts[row.unit_id][index] += 1
    return UnseenTrend(window, {unit_id: tuple(values) for unit_id, values in counts.items()})
