"""The CSV import (docs/data.md "The CSV import"): validate everything, then load it all or nothing.

`import_directory` reads a folder of CSV files; `import_rows` takes the same
rows from memory (the synthetic-data generator and the sample builder use it),
so one validator decides what may enter the database.

How it stays fast enough for ~1.5 million notes:

* Files are read in `IMPORT_TABLES` (dependency) order and streamed. Each row
  is validated and converted, and — while no problem has been found anywhere —
  handed straight to sqlite-utils' `upsert_all` (list mode) inside ONE
  transaction. The first problem stops the writing; validation continues so
  that every problem is reported, and the transaction is rolled back, so the
  database is left exactly as it was.
* Loading into an empty table, its secondary indexes are dropped and rebuilt
  once at the end (inside the same transaction); SQLite gets a larger page
  cache for the duration of the import. Every row there is "inserted".
* Into a table that already holds rows, the rows are staged in a TEMP table
  and compared set-wise (`store.import_log`): only new and changed rows are
  written, and the previous version of each changed row is kept in
  `casework_history`; identical rows are left alone, so a re-import of the
  same data changes nothing the month cache depends on.
* The import leaves one `imports` row (who, when, each file's SHA-256, per
  table inserted/updated/unchanged) and one audit row, in the same
  transaction; a failed import writes neither.
* References are checked against dicts of the rows this import has already
  accepted, falling back to cached primary-key lookups in the database (imports
  may be incremental).
* Datetimes without an offset are parsed by `datetime.fromisoformat` and given
  the database zone's offset cached per local date; pendulum is only consulted
  on the rare days where the offset changes (DST), so it decides those.

Messages never contain a person's name or birth date (privacy rule), and every problem
line is terminal-safe (`present.escape`): a value echoed shows its control characters as
escapes. Control characters never enter as data (`domain.text`, issue 14): an id, name,
enumeration value or placement name holding one is refused, and free text (a note's type
and text) is cleaned of them as it is read.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import heapq
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from operator import itemgetter
from pathlib import Path

import pendulum
from sqlite_utils import Database

from staffing_tui.domain.enums import CaseType, Goal, Location, LocationType, MemberFact, Method, Role, StaffRole
from staffing_tui.domain.limits import date_out_of_range
from staffing_tui.domain.text import clean_free_text, code_point, first_control
from staffing_tui.errors import MAX_LISTED_PROBLEMS, UserError, listed_problems
from staffing_tui.present.escape import for_terminal_cell
from staffing_tui.store import import_log
from staffing_tui.store.connection import timezone_of
from staffing_tui.store.import_log import ROWS_SOURCE, CsvRowsDigest, TableCounts
from staffing_tui.store.kept_months import keep_recent_months
from staffing_tui.store.schema import (
    CONTACT_TIMES_FILL,
    IMPORT_KEYS,
    IMPORT_TABLES,
    OPTIONAL_COLUMNS,
    contact_times_triggers,
)

__all__ = ["ImportFailed", "ImportSummary", "TableCounts", "import_directory", "import_rows"]

#: sqlite-utils caps each statement at 999 variables, so this becomes 111 notes rows.
BATCH_SIZE = 1000
#: SQLite page cache while importing (KiB). Index pages of a large notes table stay in
#: memory instead of being re-read for each random insert: ~35% faster at 1.5M notes.
IMPORT_CACHE_KIB = 128 * 1024
#: A long note text must not make the csv module give up (its default is 128 KiB).
FIELD_SIZE_LIMIT = 16 * 1024 * 1024

FILE_NAMES = tuple(f"{table}.csv" for table in IMPORT_TABLES)

# Pseudo column names for problems that are not about one column.
FILE = "(file)"
ROW = "(row)"


class ImportFailed(UserError):
    """The import found problems; nothing was written. `problems` lists the first of them in file
    order (MAX_LISTED_PROBLEMS), `total` counts them all; `details` ends with that count."""

    def __init__(self, where: str, problems: list[str], total: int | None = None):
        count = len(problems) if total is None else total
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in {where}; nothing was imported.",
                         details=listed_problems(problems, count))
        self.problems = problems[:MAX_LISTED_PROBLEMS]
        self.total = count


@dataclass
class ImportSummary:
    """Rows loaded per table (every imported table, 0 when its file was absent), what happened to
    them (`changes`: tables whose file was present) and the import's id in `imports`."""

    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, TableCounts] = field(default_factory=dict)
    import_id: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- the column contract ------------------------------------------------------------

TEXT = "text"
ID = "id"
DATE = "date"
DATETIME = "datetime"
BOOL = "bool"
LOGIN = "login"


@dataclass(frozen=True, slots=True)
class Column:
    kind: str | type[StrEnum]
    required: bool = False
    refers_to: str | None = None  # the table whose primary key this column names
    private: bool = False  # never echo the value (names, birth dates)
    free_text: bool = False  # TEXT a person wrote: cleaned of control characters, never refused


def _ref(table: str, *, required: bool = False) -> Column:
    return Column(ID, required=required, refers_to=table)


#: What each column must hold (docs/data.md "Files and columns"). Primary-key columns are required too.
COLUMNS: dict[str, dict[str, Column]] = {
    "units": {"unit_id": Column(ID), "name": Column(TEXT, required=True), "region": Column(TEXT)},
    "staff": {
        "staff_id": Column(ID),
        "name": Column(TEXT, required=True),
        "role": Column(StaffRole, required=True),
        "unit_id": _ref("units"),
        "login": Column(LOGIN),
    },
    "cases": {
        "case_id": Column(ID),
        "case_type": Column(CaseType, required=True),
        "specialist_id": _ref("staff", required=True),
        "opened_on": Column(DATE, required=True),
        "closed_on": Column(DATE),
    },
    "people": {
        "person_id": Column(ID),
        "first_name": Column(TEXT, private=True),
        "last_name": Column(TEXT, private=True),
        "birth_date": Column(DATE, private=True),
        "deceased_on": Column(DATE, private=True),
    },
    "case_members": {
        "case_id": _ref("cases"),
        "person_id": _ref("people"),
        "role": Column(Role, required=True),
        "alleged_victim": Column(BOOL),
        "alleged_perpetrator": Column(BOOL),
        "resides_in_home": Column(BOOL),
        "rights_terminated_on": Column(DATE),
        "whereabouts_unknown": Column(BOOL),
        "incarcerated": Column(BOOL),
        "joined_on": Column(DATE),
        "left_on": Column(DATE),
    },
    "parent_child": {"case_id": _ref("cases"), "parent_id": _ref("people"), "child_id": _ref("people"),
                     "rights_terminated_on": Column(DATE)},
    "permanency_goals": {
        "case_id": _ref("cases"),
        "child_id": _ref("people"),
        "goal": Column(Goal, required=True),
        "effective_on": Column(DATE),
    },
    "placements": {
        "placement_id": Column(ID),
        "case_id": _ref("cases", required=True),
        "child_id": _ref("people", required=True),
        "location_type": Column(LocationType, required=True),
        "location_name": Column(TEXT),
        "start_on": Column(DATE, required=True),
        "end_on": Column(DATE),
    },
    "notes": {
        "note_id": Column(ID),
        "case_id": _ref("cases", required=True),
        "author_id": _ref("staff"),
        "occurred_at": Column(DATETIME, required=True),
        "note_type": Column(TEXT, free_text=True),
        "method": Column(Method, required=True),
        "location": Column(Location),
        "locate_for": _ref("people"),
        "text": Column(TEXT, free_text=True),
        "placement_id": _ref("placements"),
    },
    "note_contacts": {"note_id": _ref("notes"), "person_id": _ref("people")},
    "case_assignments": {
        "case_id": _ref("cases"),
        "specialist_id": _ref("staff", required=True),
        "start_on": Column(DATE),
        "end_on": Column(DATE),
    },
    "member_periods": {
        "case_id": _ref("cases"),
        "person_id": _ref("people"),
        "fact": Column(MemberFact),
        "start_on": Column(DATE),
        "end_on": Column(DATE),
    },
}

def _getter(table: str, *names: str) -> Callable[[list], object]:
    return itemgetter(*(IMPORT_TABLES[table].index(name) for name in names))


_OCCURRED_AT = IMPORT_TABLES["notes"].index("occurred_at")
_METHOD = IMPORT_TABLES["notes"].index("method")
#: One shared (day, method) tuple per pair: ~1.5 million notes share a few thousand days.
_NOTE_FACTS: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}


def _note_day_and_method(row: list) -> tuple[str | None, str | None]:
    """A note's local date (a contact before a birth) and method (`none` lists nobody)."""
    occurred_at = row[_OCCURRED_AT]
    facts = (None if occurred_at is None else occurred_at[:10], row[_METHOD])
    return _NOTE_FACTS.setdefault(facts, facts)


#: What later files need to know about a row of a referenced table (besides that it
#: exists): SQL to read it from the database, and a getter for a converted import row.
REMEMBERED: dict[str, tuple[str, Callable[[list], object]]] = {
    "units": ("1", lambda row: True),
    "staff": ("1", lambda row: True),
    "cases": ("opened_on, closed_on", _getter("cases", "opened_on", "closed_on")),
    "people": ("birth_date", _getter("people", "birth_date")),
    "case_members": ("role", _getter("case_members", "role")),
    "notes": ("substr(occurred_at, 1, 10), method", _note_day_and_method),
    "placements": ("case_id", _getter("placements", "case_id")),
}

NOUNS = {"units": "unit", "staff": "staff member", "cases": "case", "people": "person", "notes": "note",
         "placements": "placement"}

PARENT_ROLES = frozenset({Role.PARENT.value, Role.ALLEGED_PARENT.value})
BOOLEANS = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}


# --- problems -----------------------------------------------------------------------


class Invalid(Exception):
    """A cell's value is unacceptable; `message` says why and how to fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Problems:
    """The problems found: how many, and the first MAX_LISTED_PROBLEMS of them in file order (known
    files first), then line, then column — in bounded memory, however many there are (a header of
    a million unknown columns is a million problems).

    Each file keeps its own first ones (a max-heap), so that dropping a file's problems when it
    turns out unreadable (`drop_file`) leaves the other files' first ones intact.
    """

    def __init__(self) -> None:
        #: Not empty once a problem is found: the row loop's test, on a plain list, is the fastest.
        self.found: list[bool] = []
        self._counts: dict[str, int] = {}
        self._first: dict[str, list[tuple[tuple[int, int, int, int], str]]] = {}
        self._order = itertools.count()  # equal positions keep the order they were found in

    def __bool__(self) -> bool:
        return bool(self.found)

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    def add(self, file: str, line: int, column: str, message: str) -> None:
        columns = IMPORT_TABLES.get(file.removesuffix(".csv"), ())
        column_rank = columns.index(column) if column in columns else -1
        file_rank = FILE_NAMES.index(file) if file in FILE_NAMES else len(FILE_NAMES)
        if not self.found:
            self.found.append(True)
        self._counts[file] = self._counts.get(file, 0) + 1
        # heapq keeps the smallest on top: negated positions put the last of the first ones there.
        position = (-file_rank, -line, -column_rank, -next(self._order))
        first = self._first.setdefault(file, [])
        if len(first) == MAX_LISTED_PROBLEMS and position <= first[0][0]:
            return  # after the first ones: counted, not kept
        if len(message) > MAX_MESSAGE:  # a last guard: a huge cell never floods the terminal
            message = message[:MAX_MESSAGE - 3] + "..."
        # One line, terminal-safe: a file name, a header cell or a value echoed is data.
        entry = (position, for_terminal_cell(f"{file}:{line}: {column}: {message}"))
        if len(first) == MAX_LISTED_PROBLEMS:
            heapq.heapreplace(first, entry)
        else:
            heapq.heappush(first, entry)

    def drop_file(self, file: str) -> None:
        self._first.pop(file, None)
        self._counts.pop(file, None)
        if not self._counts:
            self.found.clear()

    def first(self) -> list[str]:
        """The first MAX_LISTED_PROBLEMS problems, in order."""
        kept = sorted((entry for first in self._first.values() for entry in first), reverse=True)
        return [text for _, text in kept[:MAX_LISTED_PROBLEMS]]


def _fields(count: int) -> str:
    return "1 field" if count == 1 else f"{count} fields"


#: Longest problem message; values inside it are clipped to 40 characters first.
MAX_MESSAGE = 500


def _clip(raw: str) -> str:
    """A value echoed in a message, cut to 40 characters (a cell may hold megabytes)."""
    return raw if len(raw) <= 40 else raw[:37] + "..."


def _shown(raw: str) -> str:
    return f'"{_clip(raw)}"'


def _header_may_be_shown(table: str, names: list[str]) -> bool:
    """Whether the cells of a file's first line may be quoted in messages about its header.

    Privacy: not in a file of private columns (people.csv: a first line that is not the header is
    a person's row — a name, a birth date), and not when no cell names a column of the file: that
    line is a data row taken for the header, whose cells may be a child's name in a note's text,
    a foster family's placement name or a staff member's name. Such cells are named by position.
    """
    if any(spec.private for spec in COLUMNS[table].values()):
        return False
    return any(name in IMPORT_TABLES[table] for name in names)


# --- reading records ----------------------------------------------------------------

Record = tuple[int, list[str]]


class Unreadable(Exception):
    """A file cannot be read as CSV at all; reported as one problem for the whole file."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _BadRecord:
    """A record that cannot be lined up with the header; len() 0 never matches a header."""

    def __init__(self, message: str):
        self.message = message

    def __len__(self) -> int:
        return 0


def csv_records(path: Path, digest=None) -> Iterator[Record]:
    """(physical first line, fields) of each non-blank record; the header comes first.

    `digest` (a hashlib object), when given, is fed every byte of the file as it is read."""
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        if digest is None:
            handle = path.open(encoding="utf-8-sig", newline="")
        else:
            handle = import_log.open_hashed_text(path, digest)
    except OSError as exc:
        raise Unreadable(1, f"cannot be read ({exc.strerror}); check the file's permissions") from None
    with handle:
        # strict: a quote left open would otherwise swallow the rest of the file into one
        # field without a word (non-strict csv accepts end-of-file inside quotes).
        reader = csv.reader(handle, strict=True)
        line = 1
        try:
            for fields in reader:
                if fields:  # a blank line is not a record
                    yield line, fields
                # A quoted field may span lines: the next record starts after the last line read.
                line = reader.line_num + 1
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
        except csv.Error as exc:
            raise Unreadable(line, f"is not valid CSV here ({exc}); check the quoting") from None


def _not_utf8(path: Path) -> Unreadable:
    data = path.read_bytes()
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        data[start:].decode("utf-8")
        offset = len(data)
    except UnicodeDecodeError as exc:
        offset = start + exc.start
    line = data.count(b"\n", 0, offset) + 1
    byte = f" (byte 0x{data[offset]:02X})" if offset < len(data) else ""
    return Unreadable(line, f"is not UTF-8{byte}; save the file as UTF-8 (Excel: CSV UTF-8)")


def memory_records(table: str, rows: Iterable[Mapping[str, object]], digest=None) -> Iterator[Record]:
    """The rows of `import_rows` as a CSV reader would give them (header = line 1).

    `rows` is consumed lazily, so a generator streams (the synthetic-data generator
    hands over ~1.5 million notes without holding them all in memory). `digest`
    (a hashlib object), when given, gets the rows' canonical CSV text
    (`import_log.CsvRowsDigest`) as they pass."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        yield 1, list(IMPORT_TABLES[table])  # no rows: nothing to load, and no header to fault
        return
    header = list(first)
    names = set(header)
    text = CsvRowsDigest(digest) if digest is not None else None
    if text is not None:
        text.row(header)
    yield 1, header
    for line, row in enumerate(itertools.chain((first,), rows), start=2):
        if row.keys() != names:
            extra = sorted(set(row) - names)
            missing = sorted(names - set(row))
            what = f"has column {', '.join(extra)} not in the first row" if extra else (
                f"lacks column {', '.join(missing)} of the first row"
            )
            yield line, _BadRecord(f"{what}; give every row the same columns")  # type: ignore[misc]
            continue
        fields = [_as_text(row[name]) for name in header]
        if text is not None:
            text.row(fields)
        yield line, fields
    if text is not None:
        text.flush()


def _as_text(value: object) -> str:
    if type(value) is str:
        return value
    return "" if value is None else str(value)


# --- local time ---------------------------------------------------------------------

_TRANSITION = object()


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


class LocalTime:
    """Normalises ISO 8601 datetimes to the database zone, `YYYY-MM-DDTHH:MM:SS±HH:MM`,
    and tells whether they are after `now` (naive UTC)."""

    def __init__(self, zone: str, now_utc: datetime):
        self.zone = pendulum.timezone(zone)
        self.now_utc = now_utc
        # Local day ordinal → (offset, offset text, whether the whole day is before now),
        # or _TRANSITION when the offset changes on or next to that day.
        self._days: dict[int, object] = {}

    def normalise(self, text: str) -> tuple[str, bool]:
        """(stored text, is after now); ValueError when `text` is not a date and time."""
        if len(text) <= 10:  # a bare date: the time of day matters (duplicates, future)
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
        if moment.microsecond:
            moment = moment.replace(microsecond=0)
        if moment.tzinfo is None:
            day = moment.toordinal()
            steady = self._days.get(day)
            if steady is None:
                steady = self._days[day] = self._steady(day)
            if steady is not _TRANSITION:
                offset, suffix, past = steady  # type: ignore[misc]
                return moment.isoformat() + suffix, not past and moment - offset > self.now_utc
            # The offset changes on this day: pendulum decides gaps (move forward) and folds.
            local = pendulum.datetime(
                moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
                tz=self.zone,
            )
        else:
            local = moment.astimezone(self.zone)
        utc = local.astimezone(timezone.utc).replace(tzinfo=None)
        return f"{local:%Y-%m-%dT%H:%M:%S}{format_offset(local.utcoffset())}", utc > self.now_utc

    def _steady(self, day: int) -> object:
        try:
            today = date.fromordinal(day)
            samples = (
                datetime.combine(today - timedelta(days=1), time(23, 59, 59)),
                datetime.combine(today, time()),
                datetime.combine(today, time(23, 59, 59)),
                datetime.combine(today + timedelta(days=1), time()),
            )
        except (ValueError, OverflowError):
            return _TRANSITION
        offsets = {
            sample.replace(tzinfo=self.zone, fold=fold).utcoffset() for sample in samples for fold in (0, 1)
        }
        if len(offsets) != 1:
            return _TRANSITION
        offset = offsets.pop()
        return offset, format_offset(offset), samples[2] - offset <= self.now_utc


# --- what is known: this import's rows, then the database -----------------------------

_MISSING = object()


class Known:
    """Keys (and remembered values) of a referenced table: this import first, then the database.

    Tables are only referenced by later files, so by the time anyone asks, this
    import's rows of the table are all in `rows`; a key not there is looked up in
    the database once and the answer kept in `rows` (found) or `_absent`.
    """

    def __init__(self, db: Database, table: str):
        self.rows: dict[object, object] = {}
        self.skipped = False  # its file could not be read: absent keys prove nothing
        keys = IMPORT_KEYS[table]
        selected, self.remember = REMEMBERED[table]
        where = " AND ".join(f"{key} = ?" for key in keys)
        self._sql = f"SELECT {selected} FROM {table} WHERE {where}"
        self._composite = len(keys) > 1
        self._db = db
        self._absent: set[object] = set()

    def get(self, key: object) -> object:
        """The remembered value(s) for `key`, or _MISSING."""
        value = self.rows.get(key, _MISSING)
        if value is not _MISSING or key in self._absent:
            return value
        params = list(key) if self._composite else [key]  # type: ignore[arg-type]
        row = self._db.execute(self._sql, params).fetchone()
        if row is None:
            self._absent.add(key)
            return _MISSING
        value = self.rows[key] = row[0] if len(row) == 1 else tuple(row)
        return value


# --- assignment periods -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Period:
    start_on: str
    end_on: str | None  # None: still assigned
    line: int | None  # None: a row in the database

    def reaches(self, day: str) -> bool:
        """Whether the period is still in effect on `day` (or later): end dates are inclusive."""
        return self.end_on is None or self.end_on >= day


@dataclass(frozen=True, slots=True)
class Overlap:
    """A problem with one row of case_assignments.csv: its line, column and message."""

    line: int
    column: str
    message: str


class AssignmentPeriods:
    """The case_assignments rows of an import, per case, with the periods the database already
    holds for those cases (read when a case first appears, before any of its rows is written).

    A file row with the key (case_id, start_on) of a stored row replaces it (the import updates by
    primary key), so the two are never compared with each other.
    """

    def __init__(self, db: Database):
        self._db = db
        self._read: dict[str, dict[str, _Period]] = {}
        self._stored: dict[str, list[_Period]] = {}

    def add(self, case_id: str, start_on: str, end_on: str | None, line: int) -> None:
        periods = self._read.get(case_id)
        if periods is None:
            periods = self._read[case_id] = {}
            self._stored[case_id] = [
                _Period(start, end, None) for start, end in self._db.execute(
                    "SELECT start_on, end_on FROM case_assignments WHERE case_id = ?", [case_id])
            ]
        periods.setdefault(start_on, _Period(start_on, end_on, line))  # a repeated key is reported already

    def overlaps(self) -> Iterator[Overlap]:
        """One problem per file row that overlaps an earlier-starting period of its case, or (when the
        later one is in the database) on the file row whose period runs into it."""
        for case_id, read in self._read.items():
            stored = [period for period in self._stored[case_id] if period.start_on not in read]
            yield from _overlaps_of_case(case_id, sorted([*read.values(), *stored], key=lambda p: p.start_on))


def _overlaps_of_case(case_id: str, periods: list[_Period]) -> Iterator[Overlap]:
    """The overlaps among one case's `periods` (sorted by start): each period is compared with the
    earlier one that reaches furthest, which overlaps it if any earlier one does."""
    furthest: _Period | None = None
    for period in periods:
        if furthest is not None and furthest.reaches(period.start_on):
            overlap = _overlap(case_id, furthest, period)
            if overlap is not None:
                yield overlap
        if furthest is None or (furthest.end_on is not None and (period.end_on or OPEN_END) > furthest.end_on):
            furthest = period


#: Later than any end date: a period without one is still in effect.
OPEN_END = "9999-12-31"


def _overlap(case_id: str, earlier: _Period, later: _Period) -> Overlap | None:
    """The problem to report when `later` starts while `earlier` is in effect: on the later row when
    it is in the file, else on the earlier row (the database's own rows are not this import's)."""
    if later.line is not None:
        where = "in the database" if earlier.line is None else f"on line {earlier.line}"
        return Overlap(later.line, "start_on",
                       f"{later.start_on} overlaps the assignment of case {case_id} from {earlier.start_on} {where}; "
                       "end one period before the next starts")
    if earlier.line is not None:
        what = f"{earlier.end_on} is on or after" if earlier.end_on else "is empty (still assigned) past"
        return Overlap(earlier.line, "end_on",
                       f"{what} the start of the assignment of case {case_id} from {later.start_on} in the database; "
                       "end this period before that one starts")
    return None


# --- the import ------------------------------------------------------------------------

Converter = Callable[[str], object]


class ImportRun:
    """One import: validates files in dependency order and streams good rows to the database."""

    def __init__(self, db: Database, now: datetime | None):
        self.db = db
        zone = timezone_of(db)
        if now is None:
            now = pendulum.now(zone)
        elif now.tzinfo is None:
            now = pendulum.instance(now, tz=zone)
        # A plain naive-UTC datetime: compared with every note, so no pendulum subclass here.
        self.local = LocalTime(zone, datetime.fromtimestamp(now.timestamp(), timezone.utc).replace(tzinfo=None))
        local_now = now.astimezone(self.local.zone)
        self.now_text = f"{local_now:%Y-%m-%dT%H:%M}{format_offset(local_now.utcoffset())}"
        self.problems = _Problems()
        self.known = {table: Known(db, table) for table in REMEMBERED}
        self._dates: set[str] = set()
        #: staff logins seen: login → (staff id, line in staff.csv; None when found in the database)
        self._logins: dict[str, tuple[str, int | None]] = {}
        #: The assignment periods read, per case, to find overlaps once the file is read.
        self.assignments = AssignmentPeriods(db)
        #: Columns of the current row whose value was rejected (and is None now).
        self.invalid: set[str] = set()
        self._file = ""
        self._line = 0
        self.row_count = 0

    # -- reporting

    def report(self, column: str, message: str) -> None:
        self.problems.add(self._file, self._line, column, message)

    # -- per table

    def load(self, table: str, records: Iterator[Record]) -> TableCounts:
        """Validate `records` and, while nothing is wrong, write them; say what they did."""
        self.row_count = 0
        rows = self._validated(table, records)
        if self.db.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
            self._load_empty(table, rows)
            return TableCounts(inserted=self.row_count)
        import_log.stage(self.db, table, rows)
        if self.problems:  # nothing will be written: the transaction is rolled back
            return TableCounts()
        return import_log.apply_staged(self.db, table)

    def _load_empty(self, table: str, rows: Iterator[list]) -> None:
        """The fast path into an empty table: nothing to compare, no history to keep."""
        keys = IMPORT_KEYS[table]
        # Build its secondary indexes once at the end (one sort) instead of updating them at
        # random for every row; DDL is transactional, so a rollback restores them too.
        indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            [table],
        ).fetchall()
        for name, _ in indexes:
            self.db.execute(f"DROP INDEX [{name}]")
        # Likewise `contact_times` (m012): filled from the join in one sorted pass at the end, not
        # by its insert trigger at random, once per row.
        trigger = f"{table}_insert_contact_times"
        trigger_sql = contact_times_triggers().get(trigger)
        if trigger_sql is not None:
            self.db.execute(f"DROP TRIGGER IF EXISTS [{trigger}]")
        # List mode: the first item names the columns, then plain lists (no dict per row).
        self.db[table].upsert_all(rows, pk=keys[0] if len(keys) == 1 else keys, batch_size=BATCH_SIZE)
        for _, sql in indexes:
            self.db.execute(sql)
        if trigger_sql is not None:
            self.db.execute(CONTACT_TIMES_FILL)
            self.db.execute(trigger_sql)

    def _validated(self, table: str, records: Iterator[Record]) -> Iterator[list]:
        """Yield the column names, then every converted row — as long as no problem exists."""
        columns = IMPORT_TABLES[table]
        self._file = f"{table}.csv"
        yield list(columns)
        try:
            header_record = next(records, None)
            if header_record is None:
                self._line = 1
                self.report(FILE, f"is empty; its first line must be the header: {', '.join(columns)}")
                self._skip(table)
                return
            self._line, header = header_record
            order = self._match_header(table, header)
            if order is None:
                self._skip(table)
                return
            yield from self._rows(table, records, order)
        except Unreadable as exc:
            self.problems.drop_file(self._file)
            self._line = exc.line
            self.report(FILE, exc.message)
            self._skip(table)

    def _skip(self, table: str) -> None:
        if table in self.known:
            self.known[table].skipped = True

    def _match_header(self, table: str, header: list[str]) -> list[int] | None:
        """Positions of the table's columns in the file, or None (problems reported)."""
        columns = IMPORT_TABLES[table]
        names = [name.strip() for name in header]
        ok = True
        echo = _header_may_be_shown(table, names)
        for index, name in enumerate(names):
            if name not in columns:
                self.report(*self._unknown_column(table, name if echo else "", index))
                ok = False
            elif names.index(name) != index:
                self.report(name, "column appears twice in the header; keep one")
                ok = False
        optional = OPTIONAL_COLUMNS.get(table, ())
        is_a_header = any(name in columns for name in names)
        for name in columns:
            # A line naming no column at all is a data row, not a header: "missing column" says nothing more.
            if is_a_header and name not in names and name not in optional:
                self.report(name, "missing column; add it to the header (its cells may be empty where optional)")
                ok = False
        # An optional column left out of the file (an older export) reads as empty cells: position -1,
        # an empty string appended to each record.
        return [names.index(name) if name in names else -1 for name in columns] if ok else None

    def _unknown_column(self, table: str, shown: str, index: int) -> tuple[str, str]:
        """(column, message) for the header cell at `index` that names no column; the cell itself
        is quoted only when `shown` (see `_header_may_be_shown`), else it is named by its position."""
        optional = OPTIONAL_COLUMNS.get(table, ())
        expected = ", ".join(name for name in IMPORT_TABLES[table] if name not in optional)
        if optional:
            expected += " (optionally " + ", ".join(optional) + ")"
        if shown:
            return _clip(shown), f"unknown column; {self._file} has exactly: {expected}"
        return f"column {index + 1}", f"is not a column of {self._file}; the first line must be the header: {expected}"

    def _rows(self, table: str, records: Iterator[Record], order: list[int]) -> Iterator[list]:
        columns = IMPORT_TABLES[table]
        width = len(columns)
        padded = -1 in order
        reorder = order != list(range(width))
        if padded:
            width = len([i for i in order if i != -1])  # the file's own columns
        # Optional free text only turns "" into None: done inline, it is most of a notes row.
        plain = [i for i, name in enumerate(columns) if self._is_plain_text(table, name)]
        converters = [(i, self._converter(table, name)) for i, name in enumerate(columns) if i not in plain]
        references = [
            (i, name, spec.refers_to, self.known[spec.refers_to])
            for i, (name, spec) in enumerate(COLUMNS[table].items())
            if spec.refers_to
        ]
        key_positions = tuple(columns.index(key) for key in IMPORT_KEYS[table])
        single_key = key_positions[0] if len(key_positions) == 1 else None
        key_label = "+".join(IMPORT_KEYS[table])
        known = self.known.get(table)
        check = getattr(self, f"_check_{table}", None)
        problems = self.problems.found  # checked once per row: a plain list is fastest
        invalid = self.invalid
        first_lines: dict[object, int] = {}
        count = 0

        for line, fields in records:
            self._line = line
            count += 1
            if len(fields) != width:
                if isinstance(fields, _BadRecord):
                    self.report(ROW, fields.message)
                else:
                    self.report(
                        ROW,
                        f"has {_fields(len(fields))} but the header has {width}; quote values that contain commas",
                    )
                continue
            if padded:
                fields = [*fields, ""]
            values = [fields[i] for i in order] if reorder else fields
            if invalid:
                invalid.clear()
            for i in plain:
                value = values[i]
                if not value:
                    values[i] = None
                elif not value.isprintable():  # rare: a line break, a tab or a control character
                    values[i] = clean_free_text(value)
            for i, convert in converters:
                try:
                    values[i] = convert(values[i])
                except Invalid as exc:
                    values[i] = None
                    invalid.add(columns[i])
                    self.report(columns[i], exc.message)
            for i, name, target, target_known in references:
                value = values[i]
                if value is not None and value not in target_known.rows:
                    if target_known.get(value) is _MISSING and not target_known.skipped:
                        self.report(
                            name,
                            f"unknown {NOUNS[target]} {_clip(value)}; it is neither in {target}.csv nor in the database",
                        )
            if single_key is not None:
                key = seen = values[single_key]
            else:
                key = tuple(values[i] for i in key_positions)
                # One string per composite key while looking for duplicates: a third of the memory.
                seen = None if None in key else "\x1f".join(key)  # type: ignore[arg-type]
            if seen is not None:
                first = first_lines.get(seen)
                if first is not None:
                    shown = _clip(seen.replace("\x1f", ", "))
                    self.report(
                        key_label, f"{shown} appears twice (first on line {first}); keep one row per {key_label}"
                    )
                    seen = None
                else:
                    first_lines[seen] = line
            if check is not None:
                check(values)
            if seen is not None and known is not None:
                known.rows[key] = known.remember(values)
            if not problems:
                yield values
        finish = getattr(self, f"_finish_{table}", None)
        if finish is not None:
            finish()
        self.row_count = count

    # -- cell converters

    @staticmethod
    def _is_plain_text(table: str, name: str) -> bool:
        spec = COLUMNS[table][name]
        return spec.free_text and not spec.required and name not in IMPORT_KEYS[table]

    def _converter(self, table: str, name: str) -> Converter:
        spec = COLUMNS[table][name]
        required = spec.required or name in IMPORT_KEYS[table]
        kind = spec.kind
        if kind == TEXT:
            return _name(required)
        if kind == ID:
            return _identifier(required)
        if kind == BOOL:
            return _boolean
        if kind == LOGIN:
            return _login
        if kind == DATE:
            return self._date(required, spec.private)
        if kind == DATETIME:
            return self._datetime(required)
        return _enumeration(kind, required)  # type: ignore[arg-type]

    def _date(self, required: bool, private: bool) -> Converter:
        valid = self._dates

        def convert(raw: str) -> str | None:
            if raw in valid:
                return raw
            value = raw.strip()
            if not value:
                if required:
                    raise Invalid("is empty; a date is required here (YYYY-MM-DD)")
                return None
            if value in valid:
                return value
            subject = "" if private else f"{_shown(value)} "  # privacy: never echo a birth date
            if len(value) != 10 or value[4] != "-" or value[7] != "-":
                raise Invalid(f"{subject}is not a date; write it as YYYY-MM-DD")
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise Invalid(f"{subject}is not a real date; check the day and the month") from None
            problem = date_out_of_range(day)
            if problem:
                raise Invalid(f"{subject}{problem}")
            valid.add(value)
            return value

        return convert

    def _datetime(self, required: bool) -> Converter:
        normalise = self.local.normalise

        def convert(raw: str) -> str | None:
            value = raw.strip()
            if not value:
                if required:
                    raise Invalid("is empty; a date and time is required here (YYYY-MM-DDTHH:MM)")
                return None
            problem = _written_day_out_of_range(value)
            if problem:
                raise Invalid(f"{_shown(value)} {problem}")
            try:
                stored, future = normalise(value)
            except (ValueError, OverflowError):
                raise Invalid(
                    f"{_shown(value)} is not a date and time; write it as YYYY-MM-DDTHH:MM[:SS], "
                    "optionally with an offset such as -07:00"
                ) from None
            if future:
                raise Invalid(f"{value} is in the future (the import runs at {self.now_text}); fix the date")
            return stored

        return convert

    # -- rules that look across columns or files (docs/data.md "Validation")

    def _check_staff(self, row: list) -> None:
        staff_id, _, _, _, login = row
        if login is None:
            return
        first = self._logins.get(login)
        if first is None:
            found = self.db.execute("SELECT staff_id FROM staff WHERE login = ?", [login]).fetchone()
            first = self._logins[login] = (staff_id, self._line) if found is None else (found[0], None)
        holder, line = first
        if holder != staff_id:
            where = f"staff member {holder} on line {line}" if line else f"staff member {holder} in the database"
            self.report("login", f"{login} is already the login of {where}; one account is one person")

    def _check_cases(self, row: list) -> None:
        _, _, _, opened_on, closed_on = row
        if opened_on and closed_on and closed_on < opened_on:
            self.report("closed_on", f"{closed_on} is before opened_on {opened_on}; fix one of the dates")

    def _check_people(self, row: list) -> None:
        _, _, _, birth_date, deceased_on = row
        if birth_date and deceased_on and deceased_on < birth_date:
            # Privacy: no dates of birth in messages.
            self.report("deceased_on", "is before the person's birth_date; check both dates")

    def _check_case_members(self, row: list) -> None:
        (case_id, _person, role, _victim, _perpetrator, _resides, rights_terminated_on, _whereabouts,
         _incarcerated, joined_on, left_on) = row
        if rights_terminated_on and role and role not in PARENT_ROLES:
            self.report(
                "rights_terminated_on",
                f"is set but the member's role is {role}; only a parent or alleged_parent has parental "
                "rights — clear the date or fix the role",
            )
        if left_on and joined_on and left_on < joined_on:
            self.report("left_on", f"{left_on} is before joined_on {joined_on}; fix one of the dates")
        elif left_on and not joined_on and case_id:
            # docs/data.md "Files and columns": a missing joined_on is the case's opened_on.
            case = self.known["cases"].get(case_id)
            opened_on = None if case is _MISSING else case[0]  # type: ignore[index]
            if opened_on and left_on < opened_on:
                self.report(
                    "left_on",
                    f"{left_on} is before case {case_id}'s opened_on {opened_on}, when a member with a blank "
                    "joined_on joined; fix left_on or fill in joined_on",
                )

    def _check_parent_child(self, row: list) -> None:
        case_id, parent_id, child_id, rights_terminated_on = row
        if parent_id and parent_id == child_id:
            self.report("child_id", f"{child_id} cannot be their own parent; fix parent_id or child_id")
            return
        self._require_member(case_id, parent_id, "parent_id")
        self._require_member(case_id, child_id, "child_id")
        role = self._membership(case_id, parent_id)
        if rights_terminated_on and role not in (None, _MISSING) and role not in PARENT_ROLES:
            # The same rule as case_members.rights_terminated_on: only a parent has parental rights.
            self.report(
                "rights_terminated_on",
                f"is set but person {parent_id} is {role} on case {case_id}; only a parent or alleged_parent has "
                "parental rights — clear the date or fix the member's role",
            )

    def _check_permanency_goals(self, row: list) -> None:
        self._require_child(row[0], row[1], "child_id", "has a permanency goal")

    def _check_placements(self, row: list) -> None:
        _, case_id, child_id, _, _, start_on, end_on = row
        self._require_child(case_id, child_id, "child_id", "is placed")
        self._ends_before_start(start_on, end_on)

    def _check_notes(self, row: list) -> None:
        _, case_id, _, occurred_at, _, method, location, _, _, placement_id = row
        if placement_id and case_id:
            self._require_placement_of_case(placement_id, case_id)
        if occurred_at and case_id:
            case = self.known["cases"].get(case_id)
            if case is not _MISSING:
                opened_on, closed_on = case  # type: ignore[misc]
                day = occurred_at[:10]
                if opened_on and day < opened_on:
                    self.report(
                        "occurred_at",
                        f"{day} is before case {case_id} opened on {opened_on}; fix the date or the case's opened_on",
                    )
                elif closed_on and day > closed_on:
                    self.report(
                        "occurred_at",
                        f"{day} is after case {case_id} closed on {closed_on}; fix the date or the case's closed_on",
                    )
        if method == Method.IN_PERSON and location is None and "location" not in self.invalid:
            self.report(
                "location",
                f"is empty but the note is in_person; say where ({', '.join(Location)})",
            )

    def _require_placement_of_case(self, placement_id: str, case_id: str) -> None:
        """docs/data.md "Validation": the placement a note contacted is one of the note's own case."""
        placement_case = self.known["placements"].get(placement_id)
        if placement_case not in (_MISSING, None) and placement_case != case_id:
            self.report(
                "placement_id",
                f"placement {placement_id} is on case {placement_case}, not on the note's case {case_id}; "
                f"name a placement of case {case_id} or leave placement_id empty",
            )

    def _check_note_contacts(self, row: list) -> None:
        note_id, person_id = row
        if not note_id:
            return
        note = self.known["notes"].get(note_id)
        if note is _MISSING:
            return  # an unknown note: already reported as a reference
        note_day, method = note  # type: ignore[misc]
        if method == Method.NONE:
            # docs/data.md "Validation": a locate effort or a failed attempt contacted nobody.
            self.report(
                "note_id",
                f"note {note_id} has method none (a locate effort or a failed attempt), which contacts nobody; "
                "remove this row or fix the note's method",
            )
            return
        birth_date = self.known["people"].get(person_id) if person_id else None
        if note_day is None or birth_date in (_MISSING, None):
            return
        if note_day < birth_date:  # type: ignore[operator]
            # Privacy: no dates of birth in messages.
            self.report(
                "person_id",
                f"note {note_id} is dated before person {person_id}'s birth date; fix the note's date, "
                "the contact or the birth date",
            )

    def _check_case_assignments(self, row: list) -> None:
        case_id, _specialist, start_on, end_on = row
        if self._ends_before_start(start_on, end_on):
            return
        if case_id and start_on and self.known["cases"].get(case_id) is not _MISSING:
            self.assignments.add(case_id, start_on, end_on, self._line)

    def _finish_case_assignments(self) -> None:
        """docs/data.md "Validation": the periods of one case may not overlap — the file's, and the file's
        with those already in the database (imports are incremental)."""
        for overlap in self.assignments.overlaps():
            self.problems.add(self._file, overlap.line, overlap.column, overlap.message)

    def _check_member_periods(self, row: list) -> None:
        case_id, person_id, _fact, start_on, end_on = row
        self._require_member(case_id, person_id, "person_id")
        self._ends_before_start(start_on, end_on)

    def _ends_before_start(self, start_on: str | None, end_on: str | None) -> bool:
        """Report a period whose `end_on` is before its `start_on` (end dates are inclusive)."""
        if start_on and end_on and end_on < start_on:
            self.report("end_on", f"{end_on} is before start_on {start_on}; fix one of the dates")
            return True
        return False

    def _membership(self, case_id: str | None, person_id: str | None) -> object:
        """The person's role on the case, _MISSING if not a member, None when it cannot be told."""
        if not case_id or not person_id:
            return None
        members = self.known["case_members"]
        if self.known["cases"].get(case_id) is _MISSING or self.known["people"].get(person_id) is _MISSING:
            return None  # already reported as an unknown reference
        role = members.get((case_id, person_id))
        if role is _MISSING and members.skipped:
            return None
        return role

    def _require_member(self, case_id: str | None, person_id: str | None, column: str) -> None:
        if self._membership(case_id, person_id) is _MISSING:
            self.report(column, f"person {person_id} is not a member of case {case_id}; add them to case_members.csv")

    def _require_child(self, case_id: str | None, person_id: str | None, column: str, what: str) -> None:
        role = self._membership(case_id, person_id)
        if role is _MISSING:
            self.report(
                column,
                f"person {person_id} is not a member of case {case_id}; add them to case_members.csv as a child",
            )
        elif role is not None and role != Role.CHILD:
            self.report(
                column,
                f"person {person_id} {what} but is {role} on case {case_id}, not child; "
                "fix the id or the member's role",
            )


# --- stateless converters ----------------------------------------------------------------


def _written_day_out_of_range(value: str) -> str | None:
    """Why the day a date and time is written on is outside `domain.limits`' window; None when
    it is inside, or is no date at all (the parse that follows says so)."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return date_out_of_range(day)


def _refuse_control(value: str, *, echo: bool) -> None:
    """Invalid when `value` (not printable: the caller's quick test) holds a control character,
    named by its code point; the value itself is shown (escaped) only if `echo` (an id), never
    for a name (a person's name stays out of messages)."""
    if (character := first_control(value)) is not None:
        shown = f"{_shown(value)} " if echo else ""
        raise Invalid(f"{shown}contains a control character ({code_point(character)}); remove it")


def _name(required: bool) -> Converter:
    """A name or label (a unit's, a staff member's, a person's, a placement's): stored as written,
    but never with a control character, and never echoed in a message."""

    def convert(raw: str) -> str | None:
        if not raw.strip():
            if required:
                raise Invalid("is empty; a value is required here")
            return raw or None
        if not raw.isprintable():
            _refuse_control(raw, echo=False)
        return raw

    return convert


def _identifier(required: bool) -> Converter:
    def convert(raw: str) -> str | None:
        value = raw.strip()
        if not value:
            if required:
                raise Invalid("is empty; an id is required here")
            return None
        if not value.isprintable():  # a quick test per id: ~1.5 million notes
            _refuse_control(value, echo=True)
        return value

    return convert


def _login(raw: str) -> str | None:
    """An operating-system account name (staff.login, docs/evidence.md "Who acted"): one word, as the
    system spells it."""
    value = raw.strip()
    if not value:
        return None
    if len(value) > 64 or not LOGIN_PATTERN.fullmatch(value):
        raise Invalid(f"{_shown(value.encode('unicode_escape').decode('ascii'))} is not an account name; "
                      "write the person's operating-system login (letters, digits, '.', '_', '-')")
    return value


LOGIN_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\$?")


def _boolean(raw: str) -> int:
    value = BOOLEANS.get(raw)
    if value is not None:
        return value
    text = raw.strip()
    if not text:
        return 0  # docs/data.md "General rules": empty = null, and a flag that is not set is 0
    value = BOOLEANS.get(text.lower())
    if value is None:
        raise Invalid(f"{_shown(text)} is not a yes/no value; use 1/0, true/false or yes/no")
    return value


def _enumeration(enum: type[StrEnum], required: bool) -> Converter:
    allowed = frozenset(member.value for member in enum)
    choices = ", ".join(member.value for member in enum)

    def convert(raw: str) -> str | None:
        if raw in allowed:
            return raw
        value = raw.strip()
        if not value:
            if required:
                raise Invalid(f"is empty; use one of: {choices}")
            return None
        if value in allowed:
            return value
        guess = value.lower().replace(" ", "_").replace("-", "_")
        close = [guess] if guess in allowed else difflib.get_close_matches(guess, allowed, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise Invalid(f"{_shown(value)} is not allowed{hint}; use one of: {choices}")

    return convert


# --- entry points ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    """What an import reads: each present table's records, each file's digest (filled as the
    records are read), names of files it does not know, and how the source is described."""

    records: dict[str, Iterator[Record]]
    digests: dict[str, object]
    unknown: Iterable[str]
    where: str
    label: str


def _run(db: Database, source: _Source, now: datetime | None, at: str | None, os_user: str | None,
         keep: bool = True) -> ImportSummary:
    run = ImportRun(db, now)
    for file in source.unknown:
        run.problems.add(file, 1, FILE, f"unknown file; expected one of: {', '.join(FILE_NAMES)} (check the spelling)")
    counts: dict[str, TableCounts] = {}
    cache_sizes = [(schema, db.execute(f"PRAGMA {schema}.cache_size").fetchone()[0]) for schema in ("main", "temp")]
    for schema, _ in cache_sizes:  # temp: the staging tables of a re-import
        db.execute(f"PRAGMA {schema}.cache_size = -{IMPORT_CACHE_KIB}")
    try:
        with db.atomic():
            actor = import_log.importing_actor(db, os_user)
            import_log.begin_history(db)
            for table in IMPORT_TABLES:
                if table in source.records:
                    counts[table] = run.load(table, source.records[table])
            if run.problems:
                # Rolls the transaction back.
                raise ImportFailed(source.where, run.problems.first(), run.problems.total)
            files = {name: digest.hexdigest() for name, digest in source.digests.items()}  # type: ignore[attr-defined]
            import_id = import_log.record_import(db, actor, at=at, source=source.label, files=files, counts=counts)
    finally:
        for schema, size in cache_sizes:
            db.execute(f"PRAGMA {schema}.cache_size = {size}")
    if keep:
        # Committed: the as-of month and the twelve before are evaluated once and kept in the
        # database, so the first report and the app's trend after an import are instant
        # (store.kept_months; never fails the import).
        keep_recent_months(db)
    rows = {table: counts[table].total if table in counts else 0 for table in IMPORT_TABLES}
    return ImportSummary(rows, counts, import_id)


def import_directory(db: Database, directory: Path, *, now: datetime | None = None, at: str | None = None,
                     os_user: str | None = None, keep: bool = True) -> ImportSummary:
    """Import the CSV files (docs/data.md) found in `directory`, all or nothing.

    Raises ImportFailed (every problem as `file:line: column: message`) and
    writes nothing when any row is invalid; `now` (default: the current time)
    decides which notes are in the future. The import is recorded in `imports`
    (source: the directory; each file's SHA-256 of its bytes) at `at` (UTC ISO
    8601; default: now) under `os_user` (default: this process's account,
    `store.import_log.importing_actor`). Once committed, the recent months are kept in the
    database (`kept_months.keep_recent_months`) unless `keep` is false.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(f"{directory} is not a directory of CSV files.")
    files = {path.name: path for path in directory.iterdir() if path.suffix.lower() == ".csv" and path.is_file()}
    if not files:
        raise UserError(f"{directory} has no CSV files; expected one or more of: {', '.join(FILE_NAMES)}.")
    digests = {name: hashlib.sha256() for name in FILE_NAMES if name in files}
    records = {
        name.removesuffix(".csv"): csv_records(files[name], digest) for name, digest in digests.items()
    }
    return _run(db, _Source(records, digests, set(files) - set(FILE_NAMES), str(directory), str(directory)),
                now, at, os_user, keep)


def import_rows(
    db: Database, files: Mapping[str, Iterable[Mapping[str, object]]], *, now: datetime | None = None,
    source: str = ROWS_SOURCE, at: str | None = None, os_user: str | None = None, keep: bool = True,
) -> ImportSummary:
    """Import in-memory rows exactly as `import_directory` imports files.

    `files` maps a file name ("notes.csv") to its rows: dicts of raw strings as
    csv.DictReader gives them (line numbers: header 1, then 2, 3, …). Rows may be
    any iterable, read lazily in table (dependency) order. The import is recorded
    like a directory's, with `source` as its source and, for each file, the
    SHA-256 of its rows' canonical CSV text (`import_log.CsvRowsDigest`).
    """
    digests = {name: hashlib.sha256() for name in FILE_NAMES if name in files}
    records = {
        name.removesuffix(".csv"): memory_records(name.removesuffix(".csv"), files[name], digest)
        for name, digest in digests.items()
    }
    return _run(db, _Source(records, digests, set(files) - set(FILE_NAMES), "the imported rows", source),
                now, at, os_user, keep)
