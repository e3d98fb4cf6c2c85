"""The month cache: whole-database months kept in this process while the data stays as it was.

Evaluating a statewide month from nothing costs about half a second; the app shows the same
month again and again (back to a month, the reports of the month shown, the trend's twelve
months). So a whole-database month is kept, keyed on the state of the data it was evaluated
from, and a unit or a specialist is read from it.

The state: triggers on every table the evaluation reads bump `generation.n` and draw a new
`generation.token` at every change (schema m004, m006, m008), whoever writes — this program,
another process, the sqlite3 shell. (n, token) names one state of the data: a kept month is
served only while it is unchanged, so it is never served after anybody's write, nor for a file
copied over the database (another history, even at the same n). Nothing is kept or served inside
a transaction (its own uncommitted changes would be mistaken for the state they may never
become) or for a database without a file.

This process's own saves: a record saved on a case changes that case's rows and nobody else's.
The record services save through `saving(db, case_id)`, which tells the cache which cases the
write changed and between which two states (read inside the write's transaction, under the
write lock, so nobody else's write can hide between them). The kept months of the state before
move to the state after, with those cases to evaluate again the next time they are asked for
(`MonthCache.rows`): a few milliseconds statewide, not half a second. Any other write — an
import, another process, a write not made through `saving` — leaves the kept months behind at
the old state, so the month is evaluated from nothing.

The months kept in the database (`store.kept_months`) follow the same saves inside their write
transaction, and are read when this process holds nothing for a month.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from bisect import insort
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlite_utils import Database

from staffing_tui.domain.evaluate import evaluate_month, row_sort_key
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.perf import paused_gc
from staffing_tui.store.connection import database_file
from staffing_tui.store.facts import Latest, Scope, database_calendar, load_month_facts

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: (generation, token): one state of what the evaluation reads (schema m004, m006).
State = tuple[int, int]


def data_state(conn: sqlite3.Connection) -> State | None:
    """The data's state now; None when the database has none (not created yet, or an older schema
    being migrated)."""
    try:
        row = conn.execute("SELECT n, token FROM generation").fetchone()
    except sqlite3.Error:
        return None
    return (row[0], row[1]) if row else None


@contextmanager
def saving(db: Database, *case_ids: str) -> Iterator[set[str]]:
    """The write transaction of a record on `case_ids` (the block may add the cases it learns
    inside, to the set it is given: a revocation reads its record first). Once it is committed,
    the month cache is told (`MonthCache.saved`).

    The block must change nothing another case's rows are evaluated from: rows of those cases in
    the case tables (cases, case_members, parent_child, permanency_goals, placements, exceptions,
    contact_plans, staffing_notes), a new person joining them. A person already on other cases, a
    staff member or a note changes other cases' rows too (a note's contacts are everyone's latest
    contacts): write those with `db.atomic()`, and the kept months are evaluated from nothing.
    Inside another transaction it is a plain nested `atomic()` and tells nothing (what is
    committed, and when, is the outer transaction's to say).
    """
    cases = set(case_ids)
    if db.conn.in_transaction:
        with db.atomic():
            yield cases
        return
    with db.atomic():
        before = data_state(db.conn)
        yield cases
        after = data_state(db.conn)
        if before is not None and after is not None:
            # The months kept in the database follow inside the write (under its lock, so nobody
            # else's write hides between the two states); a failure there leaves them behind.
            from staffing_tui.store.kept_months import kept_moved  # (it reads this module)

            kept_moved(db, before, after, frozenset(cases))
    if before is None or after is None:
        return
    try:
        MONTH_CACHE.saved(db, before, after, frozenset(cases))
    except Exception:  # the write is committed: the cache's failure must not say otherwise
        logger.debug("the month cache could not take in a save", exc_info=True)  # (no traceback on screen)


def evaluated(db: Database, month: Month, as_of: date, scope: Scope, latest: Latest | None = None) -> list[Row]:
    """`month`'s rows for `scope`, evaluated from the database, with the garbage collector paused
    while the rows are built (`perf.paused_gc`; the loader pauses it for the facts)."""
    facts = load_month_facts(db, month, as_of, scope, latest=latest)
    with paused_gc():
        rows = evaluate_month(facts, month, as_of)
    if scope.unit_id is None and scope.specialist_id is None:
        return rows
    # The scope's cases include those transferred in or out during the month; each row is the
    # unit's or specialist's of the day its facts are read (docs/policy.md "Case transfers").
    return [row for row in rows if scope.holds(row)]


@dataclass(frozen=True, slots=True)
class _Kept:
    """A kept whole-database month: its rows, and the cases this process saved since they were
    evaluated (their rows are evaluated again before the month is served)."""

    rows: tuple[Row, ...]
    saved: frozenset[str] = frozenset()


class MonthCache:
    """Whole-database months of this process, each valid while the data stays in one state."""

    def __init__(self, size: int = 4) -> None:
        self._size = size
        #: (file, state, month, as-of date, calendar) → the month kept
        self._entries: OrderedDict[tuple, _Kept] = OrderedDict()
        #: everyone's latest contacts per (file, state, as-of date) (`facts.Latest`): the same
        #: for every month evaluated as of that date, so the trend's months share them
        self._latest: OrderedDict[tuple, Latest] = OrderedDict()
        #: people's names per (file, state): one state kept (the app's), the ids asked for so far
        self._names: dict[tuple, dict] = {}
        #: `per_state` values per (file, state, calendar, key)
        self._values: OrderedDict[tuple, object] = OrderedDict()
        #: `case_rows` per (file, state, calendar, kept month) → case → its rows
        self._case_rows: dict[tuple, dict[str, tuple[Row, ...]]] = {}
        self._lock = threading.Lock()
        #: whether months kept in the database are read (`store.kept_months`); the benchmark's
        #: "from nothing" figures turn it off to time the engine itself
        self.read_kept = True

    def people_names(self, db: Database, person_ids: Iterable[str | None], lookup) -> dict:
        """`lookup(db, ids)` (`directory.people_names`) for the ids not asked for before in `db`'s
        present state: going back to a month, or saving a record, looks up no name twice (a
        statewide month names 16,000 people: 0.1 s). Valid while the data stays in its state; a
        save through `saving` writes no one's name, so the names move on with it (`saved`)."""
        file = _file_of(db)
        state = None if db.conn.in_transaction or file is None else data_state(db.conn)
        if state is None:
            return lookup(db, person_ids)
        key = (file, state)
        wanted = dict.fromkeys(pid for pid in person_ids if pid is not None)
        with self._lock:
            known = self._names.get(key, {})
        missing = [pid for pid in wanted if pid not in known]
        found = lookup(db, missing) if missing else {}
        if data_state(db.conn) == state:
            with self._lock:
                kept = self._names.get(key)
                if kept is None:
                    self._names.clear()
                    kept = self._names[key] = dict(known)
                kept.update(found)
        return {pid: name for pid in wanted if (name := known.get(pid) or found.get(pid)) is not None}

    def per_state(self, db: Database, key: tuple, compute: Callable[[], T], *, follows_saves: bool = False) -> T:
        """`compute()` once per `key` while `db`'s data stays in its state (the tree's rosters of a
        month: 15 ms statewide; a month's counts: 25 ms; at every month change). Not kept inside a
        transaction or without a file; a few values are kept, the newest. With `follows_saves`, a
        value no record saved through `saving` can change (rosters: a case's record moves no staff
        member): it moves on with such a save (`saved`). A None is not kept."""
        file = _file_of(db)
        state = None if db.conn.in_transaction or file is None else data_state(db.conn)
        if state is None:
            return compute()
        full = (file, state, database_calendar(db), follows_saves, *key)
        with self._lock:
            if full in self._values:
                self._values.move_to_end(full)
                return self._values[full]
        value = compute()
        if value is not None and data_state(db.conn) == state:  # None (not there yet) is asked again
            with self._lock:
                self._values[full] = value
                while len(self._values) > _VALUES:
                    self._values.popitem(last=False)
        return value

    def case_rows(self, db: Database, kept: tuple, cases: frozenset[str],
                  evaluate: Callable[[frozenset[str]], Iterable[Row]]) -> list[Row]:
        """The rows of `cases` in the month kept in the database as `kept` (its id, month and
        as-of date), evaluated now
        (`evaluate(cases)`), in report order (`row_sort_key`).

        A case saved since its month was kept is evaluated again at every read of the month; after
        each save, every case saved before it was evaluated again too (eleven saves: eleven cases,
        20 ms statewide at every save). Each case's rows are kept here instead while the data stays
        in its state, and move on with this process's saves of other cases (`saved`): a record
        saved on a case changes that case's rows only.
        """
        file = _file_of(db)
        state = None if db.conn.in_transaction or file is None else data_state(db.conn)
        if state is None:
            return sorted(evaluate(cases), key=row_sort_key)
        key = (file, state, database_calendar(db), *kept)
        with self._lock:
            known = dict(self._case_rows.get(key, {}))
        missing = frozenset(cases - known.keys())
        if missing:
            fresh: dict[str, list[Row]] = {case_id: [] for case_id in missing}
            for row in evaluate(missing):
                fresh[row.case_id].append(row)
            known.update({case_id: tuple(rows) for case_id, rows in fresh.items()})
            if data_state(db.conn) == state:
                with self._lock:
                    entry = self._case_rows.setdefault(key, {})
                    entry.update({case_id: known[case_id] for case_id in missing})
                    while len(self._case_rows) > _CASE_ROWS_MONTHS:
                        self._case_rows.pop(next(iter(self._case_rows)))
        return sorted((row for case_id in cases for row in known[case_id]), key=row_sort_key)

    def rows(self, db: Database, month: Month, as_of: date, scope: Scope = Scope()) -> list[Row]:
        """`month`'s rows as of `as_of` for `scope` (the whole database, a unit or a specialist).

        From the kept whole month when there is one (its saved cases evaluated again first);
        else from the month kept in the database when it is current (`store.kept_months`: a unit or
        a specialist read by SQL, nothing else decoded); otherwise evaluated, and a whole-database
        month kept.
        """
        key = self.key(db, month, as_of)
        kept = self._get(key)
        if kept is not None:
            rows = kept.rows if not kept.saved else self._brought_up_to_date(db, key, kept, month, as_of)
            return list(rows) if scope == Scope() else [row for row in rows if scope.holds(row)]
        from staffing_tui.store.kept_months import rows_if_kept  # (it reads this module)

        rows = rows_if_kept(db, month, as_of, scope) if self.read_kept else None
        if rows is not None:  # kept in the database (`store.kept_months`), current
            if scope == Scope() and key is not None and self.key(db, month, as_of) == key:
                self._put(key, _Kept(tuple(rows)), None)
            return rows
        if scope != Scope():
            return evaluated(db, month, as_of, scope)
        latest = self.latest(key)
        rows = evaluated(db, month, as_of, scope, latest)
        if key is not None and self.key(db, month, as_of) == key:  # nothing changed while it was evaluated
            self._put(key, _Kept(tuple(rows)), latest)
        return rows

    def holds(self, db: Database, month: Month, as_of: date) -> bool:
        """Whether the whole-database `month` as of `as_of` is kept for `db` as it is now, up to date:
        it comes at once, nothing evaluated. (After a save its case is evaluated again first: the
        main screen then shows the saved case's unit first, with the rows it shows for the others.)"""
        kept = self._get(self.key(db, month, as_of))
        return kept is not None and not kept.saved

    def key(self, db: Database, month: Month, as_of: date) -> tuple | None:
        """The entry for `month` as of `as_of` in `db` as it is now (None: not cacheable).

        Records written, revoked, superseded or withdrawn change the data's state like any other
        write; the day each was made, which decides whether it counts as of `as_of`
        (docs/policy.md "As known then"), also depends on the database's calendar (`meta.timezone`,
        `meta.as_of`);
        `meta` bumps no generation, so the calendar is part of the key.
        """
        if db.conn.in_transaction:
            return None
        state = data_state(db.conn)
        file = _file_of(db)
        if file is None or state is None:
            return None
        return (file, state, month, as_of, database_calendar(db))

    def saved(self, db: Database, before: State, after: State, cases: frozenset[str]) -> None:
        """This process committed a write that took `db` from `before` to `after`, changing the rows
        of `cases` only (`saving`): the months kept at `before` move to `after`, those cases to be
        evaluated again. Everyone's latest contacts stand (a case's records are not contacts)."""
        file = _file_of(db)
        if file is None or before == after:
            return
        with self._lock:
            for key in [key for key in self._entries if key[:2] == (file, before)]:
                kept = self._entries.pop(key)
                moved = (file, after, *key[2:])
                stale = kept.saved | cases
                # Evaluated already at `after` (another thread was quicker): that one stands.
                if moved not in self._entries and len(stale) <= _SAVED_CASES_LIMIT:
                    self._entries[moved] = _Kept(kept.rows, stale)
            for key in [key for key in self._latest if key[:2] == (file, before)]:
                self._latest.setdefault((file, after, key[2]), self._latest.pop(key))
            if (file, before) in self._names:
                self._names.setdefault((file, after), self._names.pop((file, before)))
            # A case's record writes no staff member and moves no case: the rosters stand.
            for key in [key for key in self._values if key[:2] == (file, before) and key[3]]:
                self._values.setdefault((file, after, *key[2:]), self._values.pop(key))
            # The saved cases' rows changed; every other case's stand.
            for key in [key for key in self._case_rows if key[:2] == (file, before)]:
                kept = {case_id: rows for case_id, rows in self._case_rows.pop(key).items() if case_id not in cases}
                self._case_rows.setdefault((file, after, *key[2:]), kept)

    def latest(self, key: tuple | None) -> Latest | None:
        """A copy of the latest contacts known for `key`'s database state and as-of date, to be
        completed by `load_month_facts` and kept by `_put` (None: not cacheable)."""
        if key is None:
            return None
        with self._lock:
            return dict(self._latest.get(_latest_key(key), ()))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._latest.clear()
            self._names.clear()
            self._values.clear()
            self._case_rows.clear()

    def _get(self, key: tuple | None) -> _Kept | None:
        if key is None:
            return None
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
            return kept

    def _brought_up_to_date(self, db: Database, key: tuple, kept: _Kept, month: Month, as_of: date) -> list[Row]:
        """The kept month with the cases saved since evaluated again, and kept so.

        Each case's rows depend on that case's facts only, plus everyone's latest contacts,
        which a saved record does not change: the other rows and the kept latest contacts stand.
        """
        latest = self.latest(key)
        saved = kept.saved
        rows = [row for row in kept.rows if row.case_id not in saved]
        for row in evaluated(db, month, as_of, Scope(case_ids=saved), latest):
            insort(rows, row, key=row_sort_key)
        if self.key(db, month, as_of) == key:  # nothing changed meanwhile
            self._put(key, _Kept(tuple(rows)), latest, replacing=kept)
        return rows

    def _put(self, key: tuple, kept: _Kept, latest: Latest | None, *, replacing: _Kept | None = None) -> None:
        """Keep `kept` (and `latest`) for `key`; with `replacing`, only while that entry is still
        the one kept there (a save since moved it on: the rows evaluated here are of the past)."""
        with self._lock:
            if replacing is not None and self._entries.get(key) is not replacing:
                return
            self._entries[key] = kept
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
            if latest:
                # `latest` is a copy of what was kept, completed (`latest()`): it replaces it rather
                # than being merged in (merging 50,000 people statewide costs 5 ms; what another
                # thread added meanwhile is only looked up again).
                self._latest[_latest_key(key)] = latest
                self._latest.move_to_end(_latest_key(key))
                while len(self._latest) > _LATEST_AS_OFS:
                    self._latest.popitem(last=False)


#: More cases saved since a month was kept than this: it is evaluated from nothing instead
#: (case by case costs about 0.2 ms a case; the whole state about 600 ms).
_SAVED_CASES_LIMIT = 1000

#: `per_state` values kept.
_VALUES = 8

#: Kept months whose saved cases' rows `case_rows` keeps (the trend's thirteen).
_CASE_ROWS_MONTHS = 13

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


#: The process's month cache: the reports' twelve-month trend and one more month.
#: A statewide month holds about 5 MB.
MONTH_CACHE = MonthCache(size=13)
