"""Months kept in the database: whole-database months evaluated once, served while provably current.

Why: the first `report` after an import, as a fresh process, and the app's twelve-month trend
evaluate whole statewide months from nothing (0.85 s each). The month cache
(`store.month_cache`) keeps months in one process only; a month kept in the database serves every
process, the next one included. Schema m010 holds them (docs/data.md "Months kept"):

* `kept_months`: one entry per (month, as-of day, calendar, engine), evaluated at one state of the
  data, `(gen_n, gen_token)` — the `generation` the triggers keep on every table the evaluation
  reads, whoever writes (m004, m006, m008, m009);
* `kept_rows`: its report rows as their compact JSON text (`row_codec.row_text`), keyed in the
  report's order (`evaluate.row_sort_key`: `unit_key` is the unit or '', `person_key` the person
  or '' for a case-level row), with the status and whether the row has a flag, so that counts
  are a `GROUP BY` and a unit's or a specialist's rows an index range;
* `kept_saved`: the cases this program saved since (see below).

When an entry is served (`find_kept`), and only then:

* its state is the data's state now: any write to what the evaluation reads — an import, a note,
  a member period, a staff member moved to another unit, a hand edit in the sqlite3 shell, a
  file copied over the database — draws another state, and the entry is never served again;
* its calendar is the database's now (`meta.timezone`, `meta.as_of` decide which records count as
  of a day, and `meta` bumps no generation);
* its engine is this program's: `ENGINE` is a fingerprint of the source of the rules
  (`domain/*.py`), of the loader (`store/facts.py`), of the row codec and of this module; rows kept
  by another version of the program are never served;
* and the reader is not inside a transaction (its own uncommitted writes would be mistaken for a
  state they may never become).

A reader checks the state again after reading the rows (`rows_if_kept`, `report_json`): a write
that came between is never mixed into an answer (it then evaluates, as without a kept month).

This program's own saves (`month_cache.saving`): a record saved on a case changes that case's
rows only. Inside the save's transaction, once the block has written, the entries at the state
before move to the state after and the saved cases go into `kept_saved` (`kept_moved`: a few
milliseconds); a reader evaluates those cases again and puts their rows in place of the kept
ones. If the move fails the save still commits, and the entries stay behind (never served).

Who keeps months (`keep_months`, `keep_recent_months`): the importer after a committed import,
the synthetic generator at the end of a build, and `staffing-tui prepare` (a nightly job: a new
as-of day is a new key). Nothing is kept on a read-only database, inside a transaction, or for a
database without a file; keeping never fails a caller (it only logs at debug level, no names).

The guard: every insert, update or delete on the three tables is refused by a trigger unless
`staffing_keeping()` says this module is writing on that connection (`connection.keeping_switch`):
the sqlite3 shell has no such function, so a hand edit cannot change what a report shows. A month
is served only while every guard trigger is there as m010 creates it (`_guarded`): with one
dropped, the rows could have been edited, and `check` says a guard is missing.
Dropping the tables is harmless: nothing kept, everything evaluated. They are not evidence: no
audit row, no generation, and `check`, backups and exports leave them alone.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from staffing_tui.domain.enums import Status
from staffing_tui.domain.evaluate import is_in_progress, row_sort_key
from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.store.connection import default_as_of, keeping_switch
from staffing_tui.store.evaluation import Summary
from staffing_tui.store.facts import Latest, Scope, database_calendar
from staffing_tui.store.month_cache import MONTH_CACHE, State, _file_of, data_state, evaluated
from staffing_tui.store.row_codec import COMPACT, report_head, row_from_dict, row_text
from staffing_tui.store.schema import kept_guards

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Months `keep_recent_months` keeps by default: the as-of month and the twelve before (the
#: reports' twelve-month trend and the month in progress).
RECENT_MONTHS = 13

#: More cases saved since a month was kept than this: the entry goes (evaluating case by case
#: costs about 0.2 ms a case; the whole state under a second).
SAVED_CASES_LIMIT = 1000

_PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def engine() -> str:
    """The fingerprint of the program's rules as far as a kept row depends on them: the source of
    `domain/*.py`, `store/facts.py`, `store/row_codec.py` and this module (computed once)."""
    digest = hashlib.sha256()
    files = sorted((_PACKAGE / "domain").glob("*.py")) + [
        _PACKAGE / "store" / "facts.py", _PACKAGE / "store" / "row_codec.py", Path(__file__).resolve()]
    for path in files:
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def __getattr__(name: str) -> str:
    if name == "ENGINE":  # lazily: reading the sources costs a millisecond nobody else pays
        return engine()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class Kept:
    """A month kept in the database and current: its entry, and the cases saved since it was kept."""

    kept_id: int
    month: Month
    as_of: date
    saved: frozenset[str]
    #: the data's state it is current for (a reader checks it again after reading)
    state: State


def _calendar(db: Database) -> str:
    zone, anchor = database_calendar(db)
    return json.dumps([zone, anchor.isoformat() if anchor else None])


@contextmanager
def _keeping(db: Database) -> Iterator[None]:
    """While it lasts, `staffing_keeping()` is 1 on `db`'s connection: the guard lets this module write."""
    switch = keeping_switch(db)
    switch[0] += 1
    try:
        yield
    finally:
        switch[0] -= 1


def _can_keep(db: Database) -> bool:
    """Whether months may be kept in `db` now: a writable file, no transaction open."""
    return (getattr(db, "immediate", True) and not db.conn.in_transaction and _file_of(db) is not None
            and data_state(db.conn) is not None)


# --- keeping ------------------------------------------------------------------------------------


def keep_months(db: Database, months: Iterable[Month], as_of: date) -> int:
    """Evaluate each of `months` for the whole database as of `as_of` and keep it at the data's
    state now, one transaction per month, replacing an entry of the same key; entries of another
    state, calendar or engine go (they can never be served again), and those of another as-of day
    (the database keeps one day's months: a statewide month is about 9 MB). How many months were
    kept.

    Nothing on a read-only database, inside a transaction, or without a file; months that start
    after `as_of` cannot be evaluated and are left out. Never raises: a caller that already
    committed its write must not be told it failed (logged at debug level, without names).
    """
    if not _can_keep(db):
        return 0
    try:
        return _keep(db, [month for month in months if month.start <= as_of], as_of)
    except Exception as exc:  # noqa: BLE001 — see the docstring
        logger.debug("months could not be kept: %s", type(exc).__name__)
        return 0


def keep_recent_months(db: Database, months: int = RECENT_MONTHS, as_of: date | None = None) -> int:
    """`keep_months` of the as-of month (default `default_as_of`) and the `months - 1` before it."""
    as_of = as_of or default_as_of(db)
    last = Month.of(as_of)
    return keep_months(db, [last.shift(offset) for offset in range(1 - months, 1)], as_of)


def _keep(db: Database, months: list[Month], as_of: date) -> int:
    conn = db.conn
    latest: Latest = {}  # everyone's latest contacts as of `as_of`: the same for every month
    kept = 0
    for month in months:
        state, calendar = data_state(conn), _calendar(db)
        rows = evaluated(db, month, as_of, Scope(), latest)
        with _keeping(db), db.atomic():
            if state is None or data_state(conn) != state or _calendar(db) != calendar:
                return kept  # written meanwhile: what was evaluated is of the past
            key = [str(month), as_of.isoformat(), calendar, engine()]
            # What can never be served again goes (another state, calendar or engine), and so do other
            # as-of days: the database holds one day's months (a statewide month is about 9 MB).
            conn.execute("DELETE FROM kept_months WHERE gen_n != ? OR gen_token != ? OR as_of != ? OR calendar != ? "
                         "OR engine != ?", [*state, *key[1:]])
            conn.execute("DELETE FROM kept_months WHERE month = ? AND as_of = ? AND calendar = ? AND engine = ?", key)
            # An id made from what the rows were evaluated from (`_kept_id_of`), never the one of
            # an entry deleted above that held other rows: a process holds what it read of an entry
            # by its id (`_base_counts`, `MonthCache.case_rows`), and SQLite would give a new entry
            # the id of the last one deleted.
            kept_id = conn.execute(
                "INSERT INTO kept_months (kept_id, month, as_of, calendar, engine, gen_n, gen_token, kept_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [_kept_id_of(key, state), *key, *state,
                 datetime.now(timezone.utc).isoformat(timespec="seconds")]).lastrowid
            conn.executemany(
                "INSERT INTO kept_rows (kept_id, unit_key, specialist_id, case_id, person_key, status, flagged, row) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((kept_id, row.unit_id or "", row.specialist_id, row.case_id, row.person_id or "", row.status.value,
                  1 if row.flags else 0, row_text(row)) for row in rows))
        kept += 1
    return kept


def _kept_id_of(key: list[str], state: State) -> int:
    """A kept month's id: a hash of its month, as-of day, calendar and engine and of the data's
    state it was evaluated at, so the same id always means the same rows (an evaluation at one
    state is the same wherever and whenever it runs), and the same database built twice is the same."""
    digest = hashlib.blake2b(json.dumps([*key, *state]).encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 2) + 1  # positive, within SQLite's 64-bit integers


def kept_moved(db: Database, before: State, after: State, cases: frozenset[str]) -> None:
    """Inside the write transaction of a save that took the data from `before` to `after` and
    changed the rows of `cases` only (`month_cache.saving`): the entries at `before` move to `after`
    with those cases to evaluate again. In a savepoint: when it fails, the save still commits and
    the entries stay behind, never served. An entry with more than `SAVED_CASES_LIMIT` saved cases
    goes."""
    if before == after:
        return
    try:
        with _keeping(db), db.atomic():
            conn = db.conn
            conn.execute(
                "INSERT OR IGNORE INTO kept_saved (kept_id, case_id) SELECT k.kept_id, j.value "
                "FROM kept_months k, json_each(?) j WHERE k.gen_n = ? AND k.gen_token = ?",
                [json.dumps(sorted(cases)), *before])
            conn.execute(
                "DELETE FROM kept_months WHERE gen_n = ? AND gen_token = ? "
                "AND (SELECT count(*) FROM kept_saved s WHERE s.kept_id = kept_months.kept_id) > ?",
                [*before, SAVED_CASES_LIMIT])
            conn.execute("UPDATE kept_months SET gen_n = ?, gen_token = ? WHERE gen_n = ? AND gen_token = ?",
                         [*after, *before])
    except Exception as exc:  # noqa: BLE001 — the save must commit whatever happens here
        logger.debug("kept months could not follow a save: %s", type(exc).__name__)


def forget_kept(db: Database) -> int:
    """Delete every kept month (a benchmark's cold run, a database handed over without them);
    how many entries went. Nothing on a read-only database or inside a transaction."""
    if not _can_keep(db):
        return 0
    with _keeping(db), db.atomic():
        return db.conn.execute("DELETE FROM kept_months").rowcount


# --- reading --------------------------------------------------------------------------------------


def find_kept(db: Database, month: Month, as_of: date) -> Kept | None:
    """The kept month `month` as of `as_of`, if it is current: kept at the data's state now, for
    the database's calendar and this program's engine, and the reader is not in a transaction."""
    conn = db.conn
    if conn.in_transaction:
        return None
    state = data_state(conn)
    if state is None:
        return None
    try:
        if not _guarded(conn):
            return None
        found = conn.execute(
            "SELECT kept_id, gen_n, gen_token FROM kept_months "
            "WHERE month = ? AND as_of = ? AND calendar = ? AND engine = ?",
            [str(month), as_of.isoformat(), _calendar(db), engine()]).fetchone()
        if found is None or (found[1], found[2]) != state:
            return None
        saved = frozenset(case_id for (case_id,) in conn.execute(
            "SELECT case_id FROM kept_saved WHERE kept_id = ?", [found[0]]))
    except sqlite3.Error:  # an older schema read as it is (m010 not there yet)
        return None
    return Kept(found[0], month, as_of, saved, state)


def _guarded(conn: sqlite3.Connection) -> bool:
    """Whether every guard trigger of the kept tables is there as schema m010 creates it: without
    one, anybody could have changed the kept rows, and none is served."""
    guards = kept_guards()
    found = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (SELECT value FROM json_each(?))",
        [json.dumps(list(guards))]).fetchall())
    return found == guards


def _where(kept: Kept, scope: Scope) -> tuple[str, dict]:
    """The kept rows of `scope`, the saved cases' left out (their rows are evaluated again)."""
    where = ["kept_id = :kept_id"]
    params: dict = {"kept_id": kept.kept_id}
    if scope.unit_id is not None:
        where.append("unit_key = :unit_id")
        params["unit_id"] = scope.unit_id
    if scope.specialist_id is not None:
        where.append("specialist_id = :specialist_id")
        params["specialist_id"] = scope.specialist_id
    if scope.case_id is not None:
        where.append("case_id = :case_id")
        params["case_id"] = scope.case_id
    if scope.case_ids is not None:
        where.append("case_id IN (SELECT value FROM json_each(:case_ids))")
        params["case_ids"] = json.dumps(sorted(scope.case_ids))
    if kept.saved:
        where.append("case_id NOT IN (SELECT value FROM json_each(:saved))")
        params["saved"] = json.dumps(sorted(kept.saved))
    return " AND ".join(where), params


_ORDER = "ORDER BY unit_key, specialist_id, case_id, person_key"


def _saved_rows(db: Database, kept: Kept, scope: Scope) -> list[Row]:
    """The rows of the cases saved since the month was kept, evaluated now, within `scope` (the
    same rule as the month cache: the whole database's rows of those cases, read by `scope.holds`)."""
    if not kept.saved:
        return []
    # Each case evaluated once, not again at every later save of another case (`MonthCache.case_rows`).
    rows = MONTH_CACHE.case_rows(db, (kept.kept_id, kept.month, kept.as_of), kept.saved, lambda cases: evaluated(
        db, kept.month, kept.as_of, Scope(case_ids=cases)))
    return [row for row in rows if scope.holds(row)]


def _decoded(texts: list[str]) -> list[Row]:
    # One json.loads of the whole array: a C call instead of one per row.
    return [row_from_dict(d) for d in json.loads("[" + ",".join(texts) + "]")] if texts else []


def kept_rows(db: Database, kept: Kept, scope: Scope = Scope()) -> list[Row]:
    """The month's rows for `scope` in `row_sort_key` order: the kept ones (chosen in SQL), the
    saved cases' evaluated now in their place."""
    where, params = _where(kept, scope)
    rows = _decoded([text for (text,) in db.conn.execute(f"SELECT row FROM kept_rows WHERE {where} {_ORDER}", params)])
    fresh = _saved_rows(db, kept, scope)
    return list(heapq.merge(rows, fresh, key=row_sort_key)) if fresh else rows


_STATUS_OF = {status.value: status for status in Status}

Pair = tuple[str | None, str]


def _grouped(db: Database, kept: Kept, where: str = "", params: Iterable[object] = ()) -> Iterator[
        tuple[Pair, Status, int]]:
    """The kept month's rows (those matching `where` too) counted per (unit, specialist) and status."""
    status_of = _STATUS_OF
    for unit_key, specialist_id, status, count in db.conn.execute(
            f"SELECT unit_key, specialist_id, status, count(*) FROM kept_rows WHERE kept_id = ? {where} "
            "GROUP BY unit_key, specialist_id, status", [kept.kept_id, *params]):
        yield (unit_key or None, specialist_id), status_of[status], count


def _base_counts(db: Database, kept: Kept) -> tuple[dict[Pair, dict[Status, int]], dict[Pair, Summary]]:
    """Every row of the kept month counted per (unit, specialist) and status, saved cases and all,
    and their summaries: read from the counts index once per process (`MonthCache.per_state`,
    moved on with this process's saves). A kept month's rows never change while it is kept (a save
    moves it on and lists the case as saved; keeping it again at another state makes an entry with
    another id: `_kept_id_of`), so the counts hold for the id."""

    def counted() -> tuple[dict[Pair, dict[Status, int]], dict[Pair, Summary]]:
        counts: dict[Pair, dict[Status, int]] = {}
        for pair, status, count in _grouped(db, kept):
            counts.setdefault(pair, {})[status] = count
        return counts, {pair: Summary.of_counts(by_status) for pair, by_status in counts.items()}

    return MONTH_CACHE.per_state(db, ("kept counts", kept.kept_id, kept.month, kept.as_of), counted,
                                 follows_saves=True)


def kept_counts(db: Database, kept: Kept) -> dict[Pair, Summary]:
    """Per (unit, specialist), the summary of their rows: every kept row counted from the counts
    index (once per process: `_base_counts`), the saved cases' kept rows taken off (found by the
    case index) and their rows evaluated now put in.

    After a save this was one count leaving the saved cases out, which had to read every row's
    case, then a summary for each of the 1,400 pairs: 36 ms statewide at every save, against
    about 2 ms now (issue 17, save → row refreshed)."""
    counts, summaries = _base_counts(db, kept)
    if not kept.saved:
        return dict(summaries)
    changed: dict[Pair, dict[Status, int]] = {}
    for pair, status, count in _grouped(db, kept, "AND case_id IN (SELECT value FROM json_each(?))",
                                        [json.dumps(sorted(kept.saved))]):
        changed.setdefault(pair, dict(counts[pair]))[status] -= count
    for row in _saved_rows(db, kept, Scope()):
        pair = (row.unit_id, row.specialist_id)
        by_status = changed.setdefault(pair, dict(counts.get(pair, {})))
        by_status[row.status] = by_status.get(row.status, 0) + 1
    result = dict(summaries)
    for pair, by_status in changed.items():
        if any(by_status.values()):
            result[pair] = Summary.of_counts(by_status)
        else:
            result.pop(pair, None)
    return result


def kept_flagged(db: Database, kept: Kept) -> list[Row]:
    """The rows with a flag (`Row.flags`), in `row_sort_key` order, the saved cases' evaluated now."""
    where, params = _where(kept, Scope())
    rows = _decoded([text for (text,) in db.conn.execute(
        f"SELECT row FROM kept_rows WHERE {where} AND flagged = 1 {_ORDER}", params)])
    fresh = [row for row in _saved_rows(db, kept, Scope()) if row.flags]
    return list(heapq.merge(rows, fresh, key=row_sort_key)) if fresh else rows


def _current(db: Database, kept: Kept) -> bool:
    """Whether nothing was written since `kept` was found (checked after reading it)."""
    return not db.conn.in_transaction and data_state(db.conn) == kept.state


def _if_kept(db: Database, month: Month, as_of: date, read: Callable[[Kept], T]) -> T | None:
    """`read(kept)` of `month` as of `as_of` when it is kept and current, and nothing was written
    while it was read; None otherwise (the caller evaluates)."""
    kept = find_kept(db, month, as_of)
    if kept is None:
        return None
    try:
        value = read(kept)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    return value if _current(db, kept) else None


def rows_if_kept(db: Database, month: Month, as_of: date, scope: Scope = Scope()) -> list[Row] | None:
    """`kept_rows` of `month` as of `as_of` for `scope` when it is kept and current; None otherwise."""
    return _if_kept(db, month, as_of, lambda kept: kept_rows(db, kept, scope))


def counts_if_kept(db: Database, month: Month, as_of: date) -> dict[Pair, Summary] | None:
    """`kept_counts` of `month` as of `as_of` when it is kept and current; None otherwise."""
    return _if_kept(db, month, as_of, lambda kept: kept_counts(db, kept))


def flagged_if_kept(db: Database, month: Month, as_of: date) -> list[Row] | None:
    """`kept_flagged` of `month` as of `as_of` when it is kept and current; None otherwise."""
    return _if_kept(db, month, as_of, lambda kept: kept_flagged(db, kept))


def report_json(db: Database, month: Month, as_of: date, unit_id: str | None = None,
                specialist_id: str | None = None) -> str | None:
    """The text `report_to_json(month_report(db, month, as_of, unit_id, specialist_id))` prints,
    byte for byte, spliced from the kept rows' texts (nothing decoded) with the summary counted from
    their statuses; None when the month is not kept and current, a kept text is not printable
    ASCII, or something was written meanwhile (the caller evaluates)."""
    kept = find_kept(db, month, as_of)
    if kept is None:
        return None
    try:
        scope = Scope(unit_id, specialist_id)
        where, params = _where(kept, scope)
        texts: list[str]
        statuses: Counter[str]
        fresh = _saved_rows(db, kept, scope)
        if not fresh:
            found = db.conn.execute(f"SELECT status, row FROM kept_rows WHERE {where} {_ORDER}", params).fetchall()
            statuses = Counter(status for status, _ in found)
            texts = [text for _, text in found]
        else:
            found = db.conn.execute(
                f"SELECT unit_key, specialist_id, case_id, person_key, status, row FROM kept_rows WHERE {where} {_ORDER}",
                params).fetchall()
            evaluated_now = [(row.unit_id or "", row.specialist_id, row.case_id, row.person_id or "", row.status.value,
                              row_text(row)) for row in fresh]
            merged = list(heapq.merge(found, evaluated_now, key=lambda r: r[:4]))
            statuses = Counter(r[4] for r in merged)
            texts = [r[5] for r in merged]
        joined = ",".join(texts)
        if not (joined.isascii() and joined.isprintable()):
            return None  # not what this program writes: evaluate instead
        summary = Summary.of_counts({Status(status): count for status, count in statuses.items()})
        head = report_head(str(month), as_of, is_in_progress(month, as_of), unit_id, specialist_id, asdict(summary))
        text = json.dumps(head, separators=COMPACT)[:-1] + ',"rows":[' + joined + "]}\n"
    except (sqlite3.Error, ValueError, KeyError):
        return None
    return text if _current(db, kept) else None
