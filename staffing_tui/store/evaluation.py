"""The month report: load facts for a scope, evaluate, summarise (docs/policy.md "Evaluating a month"; docs/data.md "Report JSON")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    def of(cls, rows: Iterable[Row]) -> "Summary":
        counts = {status: 0 for status in Status}
        for row in rows:
            counts[row.status] += 1
        return cls.of_counts(counts)

    @classmethod
    def of_counts(cls, counts: Mapping[Status, int]) -> "Summary":
        """The summary of rows counted per status (`counts` may lack a status: none of it;
        `store.kept_months` counts them in SQL). Positional: a statewide month has 1,400 pairs of
        unit and specialist, counted at every month change."""
        get = counts.get
        met, excused, explained = get(Status.MET, 0), get(Status.EXCUSED, 0), get(Status.EXPLAINED, 0)
        unmet, due, not_required = get(Status.UNMET, 0), get(Status.DUE, 0), get(Status.NOT_REQUIRED, 0)
        rows = met + excused + explained + unmet + due + not_required
        return cls(rows, rows - not_required, met, excused, explained, unmet, due, not_required, unmet + due)

    def __add__(self, other: "Summary") -> "Summary":
        return Summary(self.rows + other.rows, self.required + other.required, self.met + other.met,
                       self.excused + other.excused, self.explained + other.explained, self.unmet + other.unmet,
                       self.due + other.due, self.not_required + other.not_required,
                       self.unseen_without_reason + other.unseen_without_reason)


_NONE = Summary()


@dataclass(frozen=True, slots=True)
class MonthCounts:
    """A whole-database month counted per unit and specialist, without its rows: what the badges,
    the reports' summaries and the trend show (a statewide month's rows are 16,000; its counts a few
    hundred)."""

    month: Month
    as_of: date
    #: (unit of the rows, specialist) → their summary
    by_pair: Mapping[tuple[str | None, str], Summary]
    #: specialist → their rows' summary in every unit (made from `by_pair`)
    _specialists: dict[str, Summary] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        totals: dict[str, Summary] = {}
        for (_unit, spec), summary in self.by_pair.items():
            totals[spec] = totals[spec] + summary if spec in totals else summary
        object.__setattr__(self, "_specialists", totals)

    def specialist(self, specialist_id: str) -> Summary:
        """`specialist_id`'s rows in every unit (a look-up: badges ask for hundreds)."""
        return self._specialists.get(specialist_id, _NONE)

    def by_specialist(self) -> dict[str, Summary]:
        return dict(self._specialists)

    def by_unit(self) -> dict[str | None, Summary]:
        totals: dict[str | None, Summary] = {}
        for (unit, _spec), summary in self.by_pair.items():
            totals[unit] = totals[unit] + summary if unit in totals else summary
        return totals

    @property
    def total(self) -> Summary:
        return sum(self.by_pair.values(), Summary())


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


def counts_of(month: Month, as_of: date, rows: Iterable[Row]) -> MonthCounts:
    """`rows` counted per (unit, specialist) and status."""
    counts: dict[tuple[str | None, str], dict[Status, int]] = {}
    for row in rows:
        pair = counts.setdefault((row.unit_id, row.specialist_id), {})
        pair[row.status] = pair.get(row.status, 0) + 1
    return MonthCounts(month, as_of, {pair: Summary.of_counts(c) for pair, c in counts.items()})


def kept_month_counts(db: Database, month: Month, as_of: date) -> MonthCounts | None:
    """`month`'s counts if they can be had at once — the whole month is held by this process, or
    kept in the database and current (counted in SQL) — else None."""
    from staffing_tui.store.kept_months import counts_if_kept

    if MONTH_CACHE.holds(db, month, as_of):
        return counts_of(month, as_of, MONTH_CACHE.rows(db, month, as_of))

    def counted() -> MonthCounts | None:
        kept = counts_if_kept(db, month, as_of)
        return None if kept is None else MonthCounts(month, as_of, kept)

    # Back and forth between two months: counted once while nothing is written (25 ms statewide).
    return MONTH_CACHE.per_state(db, ("counts", month, as_of), counted)


def month_counts(db: Database, month: Month, as_of: date | None = None, *, keep: bool = False) -> MonthCounts:
    """`month` for the whole database, counted per unit and specialist (docs/performance.md
    "Months kept in the database"): from the month kept in the database when it is current,
    otherwise evaluated. With `keep`, a month evaluated here is kept in the database first when
    its file can be written (the next reader, in any process, counts it in SQL), and this
    process holds none of its rows."""
    as_of = resolve_as_of(db, month, as_of)
    counted = kept_month_counts(db, month, as_of)
    if counted is not None:
        return counted
    if keep and _kept_for_later(db, month, as_of):
        counted = kept_month_counts(db, month, as_of)
        if counted is not None:
            return counted
    return counts_of(month, as_of, MONTH_CACHE.rows(db, month, as_of))


def _kept_for_later(db: Database, month: Month, as_of: date) -> bool:
    """Evaluate `month` and keep it in the database, on a connection of its own that may write
    (`db` is often read-only); False when the file cannot be written or nothing was kept."""
    import os

    from staffing_tui.store.connection import database_file, open_database
    from staffing_tui.store.kept_months import keep_months

    if db.conn.in_transaction:
        return False
    try:
        path = database_file(db.conn)
    except Exception:  # noqa: BLE001 — no file: nothing to keep
        return False
    if not path or not os.access(path, os.W_OK):
        return False
    writer = open_database(path)
    try:
        return keep_months(writer, [month], as_of) > 0
    finally:
        writer.close()


def month_flagged(db: Database, month: Month, as_of: date | None = None) -> list[Row]:
    """The rows of `month` with a flag, for the whole database, in report order (from the month kept
    in the database when it is current: only the flagged rows are read)."""
    from staffing_tui.store.kept_months import flagged_if_kept

    as_of = resolve_as_of(db, month, as_of)
    if not MONTH_CACHE.holds(db, month, as_of) and (flagged := flagged_if_kept(db, month, as_of)) is not None:
        return flagged
    return [row for row in MONTH_CACHE.rows(db, month, as_of) if row.flags]
