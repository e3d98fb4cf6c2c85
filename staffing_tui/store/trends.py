"""Month-by-month trends for the reports screen (no Textual here).

The number that should be zero — people not seen without a documented reason
(`unmet` + `due`, docs/policy.md "Statuses") — followed over the last
twelve months, one line per unit. Each month is counted once for the whole
database (read from the month kept in the database, docs/performance.md
"Months kept in the database"), never evaluated once per unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.months import Month
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.evaluation import MonthCounts, kept_month_counts, month_counts


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
    known: Iterable[MonthCounts] = (),
    progress: Callable[[int, int], None] | None = None,
) -> UnseenTrend:
    """Per unit, how many people were not seen without a reason in each of `months` months.

    `units` are the unit ids to report (None: staff in no unit); a unit with
    no rows in a month counts 0. `known` are whole-database months counted
    already with the same as-of date (e.g. `last_month`), reused instead of
    counted again. Months that start after the as-of date cannot be evaluated
    and count 0. Each month's counts come from the month kept in the database
    (`month_counts`); `progress(done, total)` is called after each month that
    was not and had to be evaluated (`total`: those months, so the count does
    not jump).
    """
    as_of = as_of or default_as_of(db)
    window = trend_months(last_month, months)
    reused = {counted.month: counted for counted in known if counted.as_of == as_of}
    counts: dict[str | None, list[int]] = {unit_id: [0] * len(window) for unit_id in units}
    pending = {month for month in window
               if month.start <= as_of and month not in reused and kept_month_counts(db, month, as_of) is None}
    done = 0
    for index, month in enumerate(window):
        if month.start > as_of:
            continue
        counted = reused.get(month)
        if counted is None:
            counted = month_counts(db, month, as_of, keep=True)
            if progress is not None and month in pending:
                done += 1
                progress(done, len(pending))
        for unit_id, summary in counted.by_unit().items():
            if unit_id in counts:
                counts[unit_id][index] = summary.unseen_without_reason
    return UnseenTrend(window, {unit_id: tuple(values) for unit_id, values in counts.items()})
