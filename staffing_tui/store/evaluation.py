"""The month report: load facts for a scope, evaluate, summarise (SPEC §4, §5)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.enums import Status
from staffing_tui.domain.evaluate import check_as_of, evaluate_month, is_in_progress
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.store.connection import default_as_of
from staffing_tui.store.facts import Latest, Scope, load_month_facts


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
        return cls(
            rows=len(rows),
            required=len(rows) - counts[Status.NOT_REQUIRED],
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

    A whole-database month is kept (`MONTH_CACHE`) until anything it was
    evaluated from changes; a unit or specialist is then read from it.
    """
    as_of = resolve_as_of(db, month, as_of)
    in_progress = is_in_progress(month, as_of)
    key = MONTH_CACHE.key(db, month, as_of)
    cached = MONTH_CACHE.get(key)
    if cached is not None:
        rows = [r for r in cached if (unit_id is None or r.unit_id == unit_id)
                and (specialist_id is None or r.specialist_id == specialist_id)]
        return MonthReport(month, as_of, in_progress, unit_id, specialist_id, rows)
    everything = unit_id is None and specialist_id is None
    latest = MONTH_CACHE.latest(key) if everything else None
    rows = evaluate_month(load_month_facts(db, month, as_of, Scope(unit_id, specialist_id), latest=latest),
                          month, as_of)
    if everything and key is not None and MONTH_CACHE.key(db, month, as_of) == key:
        MONTH_CACHE.put(key, tuple(rows), latest)  # nothing changed while it was evaluated
    return MonthReport(month, as_of, in_progress, unit_id, specialist_id, rows)


def is_cached(db: Database, month: Month, as_of: date) -> bool:
    """Whether the whole-database `month` as of `as_of` would come from the month cache now."""
    return MONTH_CACHE.get(MONTH_CACHE.key(db, month, as_of)) is not None


class MonthCache:
    """Whole-database month rows of this process, each valid while the database's generation stands.

    `generation.n` (schema m004) is bumped by triggers on every change to a
    table the evaluation reads, from any connection or process, so an entry
    is never served after a write. Nothing is cached or served inside a
    transaction (its own uncommitted changes would be mistaken for the
    state they may never become) or for a database without a file.
    The app gains most: back to a month, the reports of the month shown.
    """

    def __init__(self, size: int = 4) -> None:
        self._size = size
        self._entries: OrderedDict[tuple, tuple[Row, ...]] = OrderedDict()
        #: everyone's latest contacts per database state and as-of date (`facts.Latest`): the
        #: same for every month evaluated as of that date, so the trend's months share them
        self._latest: OrderedDict[tuple, Latest] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, db: Database, month: Month, as_of: date) -> tuple | None:
        """The entry for `month` as of `as_of` in `db` as it is now (None: not cacheable)."""
        conn = db.conn
        if conn.in_transaction:
            return None
        try:
            path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
            generation = conn.execute("SELECT n FROM generation").fetchone()
        except sqlite3.Error:
            return None
        if not path or generation is None:
            return None
        try:
            # The file itself too: one deleted and created again, or copied over, starts another history.
            stat = os.stat(path)
        except OSError:
            return None
        return (os.path.realpath(path), stat.st_ino, stat.st_ctime_ns, generation[0], month, as_of)

    def get(self, key: tuple | None) -> tuple[Row, ...] | None:
        if key is None:
            return None
        with self._lock:
            rows = self._entries.get(key)
            if rows is not None:
                self._entries.move_to_end(key)
            return rows

    def latest(self, key: tuple | None) -> Latest | None:
        """A copy of the latest contacts known for `key`'s database state and as-of date, to be
        completed by `load_month_facts` and kept by `put` (None: not cacheable)."""
        if key is None:
            return None
        with self._lock:
            return dict(self._latest.get(_latest_key(key), ()))

    def put(self, key: tuple, rows: tuple[Row, ...], latest: Latest | None = None) -> None:
        with self._lock:
            self._entries[key] = rows
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
            if latest:
                kept = self._latest.setdefault(_latest_key(key), {})
                kept.update(latest)
                self._latest.move_to_end(_latest_key(key))
                while len(self._latest) > _LATEST_AS_OFS:
                    self._latest.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._latest.clear()


#: As-of dates whose latest contacts are kept (the app's and one more).
_LATEST_AS_OFS = 2


def _latest_key(key: tuple) -> tuple:
    """A month entry's key without its month: the database state and the as-of date."""
    *state, _month, as_of = key
    return (*state, as_of)


#: The process's month cache (see `MonthCache`): the reports' twelve-month trend and one more month.
#: A statewide month holds about 5 MB.
MONTH_CACHE = MonthCache(size=13)


def report_names(db: Database, report: MonthReport, masked: bool = False) -> dict[str, str]:
    """Display names for the people, specialists and units of a report (people's initials if `masked`)."""
    from staffing_tui.store.directory import list_units, people_names, staff_members

    names: dict[str, str] = {unit.unit_id: unit.name for unit in list_units(db)}
    specialists = {r.specialist_id for r in report.rows} | {report.specialist_id} - {None}
    names.update({m.staff_id: m.name for m in staff_members(db, specialists).values()})
    people = people_names(db, (r.person_id for r in report.rows))
    names.update({pid: p.initials if masked else p.display for pid, p in people.items()})
    return names
