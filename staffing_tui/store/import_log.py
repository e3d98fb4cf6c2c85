"""What every import leaves behind (docs/evidence.md "Every import accounted for"; docs/data.md "Evidence").

An import (`store.importer`) records, in its own transaction:

* one `imports` row: when (`at`, UTC ISO 8601), the OS user, the actor (the
  staff member bound to the OS account on a verified database, else "") and
  `verified` (1 exactly when there is such an actor: the audit row says the
  same), the source, each file's SHA-256, per table (whose file was present)
  the rows inserted, updated and unchanged, and the count and digest of its
  history rows;
* the previous version of every casework row it changed, in
  `casework_history` (unchanged rows are not rewritten at all);
* one audit row (action "import", table "imports", record id = import id,
  `after` = the imports row as stored), extending the hash chain.

How `imports.history_sha256` is computed (`check` recomputes it the same way,
with `audit.casework_history_digest`): the import's `casework_history` rows in
`history_id` order, each as the compact JSON array
`[history_id, import_id, table_name, key, before]` — `key` and `before` being
the stored JSON *text*, not parsed — encoded as UTF-8 and joined with "\\n";
SHA-256 hex of that. No history rows: the SHA-256 of the empty string.
`key` is `json_array(...)` of the row's primary-key values, `before` is
`json_object(...)` of every column of the table (`schema.IMPORT_TABLES`) as it
was, both written by SQLite.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from sqlite_utils import Database

from staffing_tui.domain.enums import StaffRole
from staffing_tui.store import audit
from staffing_tui.store.schema import IMPORT_KEYS, IMPORT_TABLES
from staffing_tui.store.sql import fetch_dict

#: Rows per `executemany` while staging a table that already holds rows.
STAGE_BATCH = 5000
#: The `source` of an `import_rows` import unless the caller names one.
ROWS_SOURCE = "rows in memory"


@dataclass(frozen=True, slots=True)
class TableCounts:
    """What an import did to one table's rows (docs/data.md "Evidence": imports)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged}


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- each file's SHA-256, taken while it is read --------------------------------------------------


class _HashingReader(io.RawIOBase):
    """A binary file whose every byte read also goes into `digest`: the hash is of exactly
    the bytes imported, read once."""

    def __init__(self, raw, digest) -> None:
        super().__init__()
        self._raw = raw
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        if count:
            self._digest.update(memoryview(buffer)[:count])
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_hashed_text(path: Path, digest) -> io.TextIOWrapper:
    """`path` opened as CSV text (UTF-8, BOM tolerated), feeding `digest` with its bytes."""
    raw = _HashingReader(path.open("rb"), digest)
    return io.TextIOWrapper(io.BufferedReader(raw, buffer_size=1 << 20), encoding="utf-8-sig", newline="")


class CsvRowsDigest:
    """SHA-256 of the CSV text that rows given in memory make, without holding the text.

    The canonical serialisation of `import_rows`' rows: the header (the first
    row's column names, in its order), then each row's cells as imported
    (`None` empty, other values `str()`), written by `csv.writer` with "\\n" line
    ends — i.e. the SHA-256 of the file `csv.writer(f, lineterminator="\\n")`
    would write. No rows: the SHA-256 of the empty string.
    """

    FLUSH_PARTS = 4096

    def __init__(self, digest) -> None:
        self._digest = digest
        self._parts: list[str] = []
        # The writer's "file" appends to a list: a C call per row, no Python frame (~1.5 M notes).
        self._writer = csv.writer(SimpleNamespace(write=self._parts.append), lineterminator="\n")

    def row(self, fields: list[str]) -> None:
        self._writer.writerow(fields)
        if len(self._parts) >= self.FLUSH_PARTS:
            self.flush()

    def flush(self) -> None:
        self._digest.update("".join(self._parts).encode("utf-8"))
        self._parts.clear()


# --- a table that already holds rows: stage, compare, write only what changed --------------------


def _key_match(table: str, left: str, right: str) -> str:
    return " AND ".join(f"{left}.[{key}] = {right}.[{key}]" for key in IMPORT_KEYS[table])


def _value_columns(table: str) -> list[str]:
    keys = IMPORT_KEYS[table]
    return [column for column in IMPORT_TABLES[table] if column not in keys]


def begin_history(db: Database) -> None:
    """A TEMP table for this import's history rows, until the imports row can be written."""
    db.execute("DROP TABLE IF EXISTS temp.import_history")
    db.execute("CREATE TEMP TABLE import_history (seq INTEGER PRIMARY KEY, table_name TEXT NOT NULL, "
               "key TEXT NOT NULL, before TEXT NOT NULL)")


def stage(db: Database, table: str, rows: Iterator[list]) -> None:
    """Put the import's rows of `table` (list mode: the column names first) in temp.import_stage."""
    columns = next(rows)
    names = ", ".join(f"[{column}]" for column in columns)
    db.execute("DROP TABLE IF EXISTS temp.import_stage")
    # Same columns and affinities as the table, no constraints: values compare exactly as stored.
    db.execute(f"CREATE TEMP TABLE import_stage AS SELECT {names} FROM main.[{table}] WHERE 0")
    insert = f"INSERT INTO temp.import_stage ({names}) VALUES ({', '.join('?' for _ in columns)})"
    while batch := list(itertools.islice(rows, STAGE_BATCH)):
        db.conn.executemany(insert, batch)


def apply_staged(db: Database, table: str) -> TableCounts:
    """Write the staged rows of `table` that are new or differ, keeping the previous version of
    each differing row in temp.import_history; identical rows are not touched (no trigger fires,
    so `generation` and the month cache stay as they were)."""
    columns = IMPORT_TABLES[table]
    values = _value_columns(table)
    names = ", ".join(f"[{column}]" for column in columns)
    staged = db.execute("SELECT count(*) FROM temp.import_stage").fetchone()[0]
    updated = 0
    if values:
        differs = " OR ".join(f"t.[{column}] IS NOT s.[{column}]" for column in values)
        key = ", ".join(f"t.[{column}]" for column in IMPORT_KEYS[table])
        before = ", ".join(f"'{column}', t.[{column}]" for column in columns)
        # CROSS JOIN keeps the staged rows outside (file order), each looked up by primary key.
        updated = db.execute(
            f"INSERT INTO temp.import_history (table_name, key, before) "
            f"SELECT ?, json_array({key}), json_object({before}) "
            f"FROM temp.import_stage AS s CROSS JOIN main.[{table}] AS t ON {_key_match(table, 't', 's')} "
            f"WHERE {differs} ORDER BY s.rowid",
            [table],
        ).rowcount
    same = " AND ".join(f"t.[{column}] IS s.[{column}]" for column in values) or "1"
    upsert = (
        f" ON CONFLICT ({', '.join(IMPORT_KEYS[table])}) DO UPDATE SET "
        + ", ".join(f"[{column}] = excluded.[{column}]" for column in values)
        if values else ""
    )
    written = db.execute(
        f"INSERT INTO main.[{table}] ({names}) SELECT {names} FROM temp.import_stage AS s "
        f"WHERE NOT EXISTS (SELECT 1 FROM main.[{table}] AS t WHERE {_key_match(table, 't', 's')} AND {same}) "
        f"ORDER BY s.rowid{upsert}"
    ).rowcount
    db.execute("DROP TABLE temp.import_stage")
    inserted = written - updated
    return TableCounts(inserted, updated, staged - written)


# --- who imported ----------------------------------------------------------------------------------


def importing_actor(db: Database, os_user: str | None = None) -> audit.Actor:
    """On whose authority an import runs, decided before its rows are read (rows it brings
    cannot vouch for it): the logged-in staff member on a verified database; otherwise no staff
    member (staff id "") under the OS account, unverified.

    `os_user` names the account for synthetic data (the generator, the sample builder); a name
    handed in is not the process's account, so it is never verified.
    """
    if os_user is None:
        me = audit.identity(db)
        if me.verified and me.staff_id is not None:
            role, unit_id = db.execute("SELECT role, unit_id FROM staff WHERE staff_id = ?", [me.staff_id]).fetchone()
            return audit.Actor(me.staff_id, StaffRole(role), unit_id, me.os_user, True)
        os_user = me.os_user
    # No staff member bound: the role is never consulted (an import approves nothing); the least one.
    return audit.Actor("", StaffRole.SPECIALIST, None, os_user, False)


# --- the record ------------------------------------------------------------------------------------


def record_import(db: Database, actor: audit.Actor, *, at: str | None, source: str, files: dict[str, str],
                  counts: dict[str, TableCounts]) -> int:
    """Write the imports row, its casework_history rows (from temp.import_history) and its audit
    row; return the import id. Call inside the import's transaction, after its tables are loaded."""
    at = at or audit.now_text()
    import_id = db.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
    # The write lock is held (BEGIN IMMEDIATE), so the ids after the last ones are this import's.
    first = db.execute("SELECT coalesce(max(history_id), 0) FROM casework_history").fetchone()[0]
    history = "SELECT ? + seq, ?, table_name, key, before FROM temp.import_history ORDER BY seq"
    rows = db.execute("SELECT count(*) FROM temp.import_history").fetchone()[0]
    digest = audit.casework_history_digest(db.execute(history, [first, import_id]))
    db.execute(
        "INSERT INTO imports (import_id, at, os_user, actor, verified, source, files, counts, history_rows, "
        "history_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, at, actor.os_user, actor.staff_id, int(actor.verified), source, _compact(files),
         _compact({table: table_counts.as_dict() for table, table_counts in counts.items()}), rows, digest],
    )
    db.execute(f"INSERT INTO casework_history (history_id, import_id, table_name, key, before) {history}",
               [first, import_id])
    db.execute("DROP TABLE temp.import_history")
    stored = fetch_dict(db, "SELECT * FROM imports WHERE import_id = ?", [import_id])
    audit.write_audit(db, actor, "import", "imports", import_id, after=stored, at=at)
    return import_id
