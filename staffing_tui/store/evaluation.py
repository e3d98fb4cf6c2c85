"""The month report: load facts for a scope, evaluate, summarise (docs/policy.md "Evaluating a month")."""

from __future__ import annotations

import os
import sqlite3
import threading
from bisect import insort
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from staffing_tui.domain.enums import Status
from staffing_tui.domain.evaluate import check_as_of, evaluate_month, is_in_progress, row_sort_key
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.store.connection import COMMIT_LISTENERS, data_state, database_file, default_as_of
from staffing_tui.store.facts import Latest, Scope, database_calendar, load_month_facts


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

    A whole-database month is kept (`MONTH_CACHE`); a unit or specialist is
    then read from it. After a write that changed some cases only (a record
    saved in the app), the kept month is brought up to date by evaluating
    those cases again (`_brought_up_to_date`); after any other write it is
    evaluated from nothing.
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
    rows = _brought_up_to_date(db, key, month, as_of) if everything else None
    if rows is None:
        latest = MONTH_CACHE.latest(key) if everything else None
        rows = evaluate_month(load_month_facts(db, month, as_of, Scope(unit_id, specialist_id), latest=latest),
                              month, as_of)
        if everything and key is not None and MONTH_CACHE.key(db, month, as_of) == key:
            MONTH_CACHE.put(key, tuple(rows), latest)  # nothing changed while it was evaluated
    return MonthReport(month, as_of, in_progress, unit_id, specialist_id, rows)


#: More changed cases than this since a month was kept: it is evaluated from nothing instead
#: (case by case costs about 0.2 ms a case; the whole state about 600 ms).
_CHANGED_CASES_LIMIT = 1000


def _brought_up_to_date(db: Database, key: tuple | None, month: Month, as_of: date) -> list[Row] | None:
    """The whole-database month kept before this process's own writes, with the cases they
    changed evaluated again; None when there is none (or the writes changed more than cases,
    or somebody else wrote in between).

    Each case's rows depend on that case's facts only, plus everyone's latest contacts, which
    change only with notes (and so not with a change confined to cases, see schema m005): the
    other rows and the kept latest contacts stand as they are.
    """
    earlier = MONTH_CACHE.earlier(key)
    if earlier is None:
        return None
    old_key, old_rows, changed = earlier
    if len(changed) > _CHANGED_CASES_LIMIT:
        return None
    latest = MONTH_CACHE.latest(old_key)
    kept_latest = bool(latest)
    rows = [row for row in old_rows if row.case_id not in changed]
    if changed:
        facts = load_month_facts(db, month, as_of, Scope(case_ids=changed), latest=latest)
        for row in evaluate_month(facts, month, as_of):
            insort(rows, row, key=row_sort_key)
    if MONTH_CACHE.key(db, month, as_of) == key:  # nothing changed meanwhile
        # Latest contacts no longer kept for the old state are not kept as if they were everyone's.
        MONTH_CACHE.put(key, tuple(rows), latest if kept_latest else None, replacing=old_key)
    return rows


def is_cached(db: Database, month: Month, as_of: date) -> bool:
    """Whether the whole-database `month` as of `as_of` would come from the month cache now."""
    return MONTH_CACHE.get(MONTH_CACHE.key(db, month, as_of)) is not None


class MonthCache:
    """Whole-database month rows of this process, each valid while the data stays in one state.

    Triggers on every table the evaluation reads bump `generation.n` and draw
    a new `generation.token` (schema m004, m006) at every change, from any
    connection or process: an entry is keyed on that state, (n, token), so it
    is never served after a write, nor for a file copied over the database
    (another history, even at the same n). Nothing is cached or served
    inside a transaction (its own uncommitted changes would be mistaken for
    the state they may never become) or for a database without a file. The
    app gains most: back to a month, the reports of the month shown.

    After this process's own writes (`witness`, told by every transaction
    committed through `StaffingDatabase.atomic`, see
    `connection.COMMIT_LISTENERS`) that changed some cases only, an entry is
    not thrown away: `earlier` hands it over with those cases, and
    `month_report` evaluates them again (a record saved in the app costs a
    few milliseconds, not a statewide evaluation).
    """

    def __init__(self, size: int = 4) -> None:
        self._size = size
        #: (file, state, month, as-of date, calendar) → the month's rows
        self._entries: OrderedDict[tuple, tuple[Row, ...]] = OrderedDict()
        #: everyone's latest contacts per (file, state, as-of date) (`facts.Latest`): the same
        #: for every month evaluated as of that date, so the trend's months share them
        self._latest: OrderedDict[tuple, Latest] = OrderedDict()
        #: this process's own writes: (file, state after) → (state before, the cases changed)
        self._writes: OrderedDict[tuple, tuple[tuple[int, int], frozenset[str] | None]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, db: Database, month: Month, as_of: date) -> tuple | None:
        """The entry for `month` as of `as_of` in `db` as it is now (None: not cacheable).

        Records written, revoked, superseded or withdrawn change the data's state like any other
        write; the day each was made, which decides whether it counts as of `as_of`
        (docs/policy.md "As known then"), also depends on the database's calendar
        (`meta.timezone`, `meta.as_of`); `meta` bumps no generation, so the calendar is part of
        the key.
        """
        if db.conn.in_transaction:
            return None
        state = data_state(db.conn)
        file = _file_of(db)
        if file is None or state is None:
            return None
        return (file, state, month, as_of, database_calendar(db))

    def get(self, key: tuple | None) -> tuple[Row, ...] | None:
        if key is None:
            return None
        with self._lock:
            rows = self._entries.get(key)
            if rows is not None:
                self._entries.move_to_end(key)
            return rows

    def witness(self, db: Database, before: tuple[int, int], after: tuple[int, int],
                cases: frozenset[str] | None) -> None:
        """A write transaction of this process took `db` from state `before` to `after`, changing
        `cases` only (None: more than cases). See `connection.COMMIT_LISTENERS`."""
        file = _file_of(db)
        if file is None:
            return
        with self._lock:
            self._writes[(file, after)] = (before, cases)
            while len(self._writes) > _WRITES_KEPT:
                self._writes.popitem(last=False)

    def earlier(self, key: tuple | None) -> tuple[tuple, tuple[Row, ...], frozenset[str]] | None:
        """An entry for `key`'s file, month and as-of date kept before this process's own writes
        since, with the cases they changed: (its key, its rows, the cases).

        Only writes witnessed inside their transaction count, each starting from the state the
        one before left, from the entry's state to `key`'s: a gap (another process wrote, a file
        was copied over) means the rows in between are not known.
        """
        if key is None:
            return None
        file, state, month, as_of, calendar = key
        with self._lock:
            kept = {old[1]: (old, rows) for old, rows in self._entries.items()
                    if (old[0], old[2], old[3], old[4]) == (file, month, as_of, calendar)}
            changed: set[str] = set()
            for _ in range(len(self._writes)):  # each write at most once (there can be no cycle)
                if state in kept:
                    break
                write = self._writes.get((file, state))
                if write is None or write[1] is None:
                    return None
                state = write[0]
                changed.update(write[1])
            if state not in kept:
                return None
            old, rows = kept[state]
        return old, rows, frozenset(changed)

    def latest(self, key: tuple | None) -> Latest | None:
        """A copy of the latest contacts known for `key`'s database state and as-of date, to be
        completed by `load_month_facts` and kept by `put` (None: not cacheable)."""
        if key is None:
            return None
        with self._lock:
            return dict(self._latest.get(_latest_key(key), ()))

    def put(self, key: tuple, rows: tuple[Row, ...], latest: Latest | None = None, *,
            replacing: tuple | None = None) -> None:
        """Keep `rows` (and `latest`) for `key`, instead of the entry `replacing` if given."""
        with self._lock:
            if replacing is not None:
                self._entries.pop(replacing, None)
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
            self._writes.clear()


#: As-of dates whose latest contacts are kept (the app's and one more).
_LATEST_AS_OFS = 2


def _latest_key(key: tuple) -> tuple:
    """A month entry's key without its month: the file, the data's state and the as-of date
    (the latest contacts are read from the notes' local times alone, not from the calendar)."""
    file, state, _month, as_of, _calendar = key
    return (file, state, as_of)


def _file_of(db: Database) -> str | None:
    """The real path of the database's file; None without one."""
    try:
        path = database_file(db.conn)
    except sqlite3.Error:
        return None
    return os.path.realpath(path) if path else None


#: Own writes remembered (`MonthCache.witness`): a session's saves, many times over.
_WRITES_KEPT = 256


#: The process's month cache (see `MonthCache`): the reports' twelve-month trend and one more month.
#: A statewide month holds about 5 MB.
MONTH_CACHE = MonthCache(size=13)
COMMIT_LISTENERS.append(MONTH_CACHE.witness)


def report_names(db: Database, report: MonthReport, masked: bool = False) -> dict[str, str]:
    """Display names for the people, specialists and units of a report (people's initials if `masked`)."""
    from staffing_tui.store.directory import list_units, people_names, staff_members

    names: dict[str, str] = {unit.unit_id: unit.name for unit in list_units(db)}
    specialists = {r.specialist_id for r in report.rows} | {report.specialist_id} - {None}
    names.update({m.staff_id: m.name for m in staff_members(db, specialists).values()})
    people = people_names(db, (r.person_id for r in report.rows))
    names.update({pid: p.initials if masked else p.display for pid, p in people.items()})
    return names
