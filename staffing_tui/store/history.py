"""What changed, when and on whose authority (`history`, docs/evidence.md "Every import accounted for"):
imports, the casework rows they changed, and the audit trail of a case or a record. Read-only;
plain dataclasses for the CLI.

A casework row changed by an import keeps its previous version in `casework_history`
(`store.import_log`). The value an import *gave* a column is the row as the next import that
changed the row found it (that history row's `before`), or the current row when no later import
changed it. People's names and dates (`Column.private` in the import contract) are never carried
here: such a change says which column changed, never the values. Free text (`FREE_TEXT_COLUMNS`)
is carried as stored, with the case it belongs to, so that a caller that prints it can first
scrub it of the names it knows (the CLI does, with the privacy mask).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlite_utils import Database

from staffing_tui.domain.limits import parse_record_id
from staffing_tui.errors import UserError
from staffing_tui.store.importer import COLUMNS
from staffing_tui.store.schema import IMPORT_KEYS, IMPORT_TABLES, NEVER_DELETED
from staffing_tui.store.sql import fetch_dict, fetch_dicts

#: (table, column) whose values are never shown: people's names, birth and death dates.
PRIVATE_COLUMNS = frozenset(
    (table, name) for table, columns in COLUMNS.items() for name, spec in columns.items() if spec.private
)

#: Columns of free text (notes, reasons, plan documents) that may name people.
FREE_TEXT_COLUMNS = frozenset({"text", "reason", "revoked_reason", "arrangements", "document", "withdrawn_reason"})

#: Tables whose records carry audit rows, with their key column: the evidence, and the imports.
AUDITED_KEYS = {"exceptions": "exception_id", "contact_plans": "contact_plan_id",
                "staffing_notes": "staffing_note_id", "next_steps": "next_step_id", "imports": "import_id"}


@dataclass(frozen=True, slots=True)
class ImportEntry:
    """One row of `imports`."""

    import_id: int
    at: str
    os_user: str
    actor: str
    verified: bool
    source: str | None
    files: dict[str, str]
    counts: dict[str, dict[str, int]]
    history_rows: int
    history_sha256: str | None


@dataclass(frozen=True, slots=True)
class ColumnChange:
    """One column's change: old → new, or only that it changed (`private`)."""

    column: str
    old: object = None
    new: object = None
    #: a person's name or date: that it changed is said, never the values
    private: bool = False
    #: a later import that changed this column again (`new` is the value this change gave it)
    changed_again_by: int | None = None


@dataclass(frozen=True, slots=True)
class RowChange:
    """A casework row an import changed (one `casework_history` row)."""

    history_id: int
    import_id: int
    at: str
    table: str
    key: tuple[str, ...]
    columns: tuple[ColumnChange, ...]
    #: the case the row belonged to before the change (None: a row of no case)
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class ImportChanges:
    """An import and every row it changed, in the order it changed them."""

    entry: ImportEntry
    rows: list[RowChange]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row, with the columns its write changed."""

    audit_id: int
    at: str
    actor: str
    os_user: str | None
    verified: bool
    action: str
    table: str
    record_id: str | None
    #: for a write with no `before` (a record created, an import recorded): its values, as `new`
    columns: tuple[ColumnChange, ...]
    created: bool = False
    #: the case of the record (None: a record of no case, an import)
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class Trail:
    """A case's or a record's trail, oldest first."""

    subject: str
    entries: list[AuditEntry | RowChange] = field(default_factory=list)


# --- imports -----------------------------------------------------------------------------------


def _import_entry(row: dict) -> ImportEntry:
    return ImportEntry(row["import_id"], row["at"], row["os_user"], row["actor"] or "", bool(row["verified"]),
                       row["source"], json.loads(row["files"]), json.loads(row["counts"]), row["history_rows"],
                       row["history_sha256"])


def list_imports(db: Database) -> list[ImportEntry]:
    """Every import, oldest first."""
    return [_import_entry(row) for row in fetch_dicts(db, "SELECT * FROM imports ORDER BY import_id")]


def import_changes(db: Database, import_id: int) -> ImportChanges:
    """The import `import_id` and every casework row it changed; UserError when there is no such import."""
    row = fetch_dict(db, "SELECT * FROM imports WHERE import_id = ?", [import_id])
    if row is None:
        raise UserError(f"There is no import {import_id}; `staffing-tui history --db PATH` lists the imports.")
    changes = _changes(db, "m.import_id = :import", {"import": import_id})
    return ImportChanges(_import_entry(row), [change for change in changes if change.import_id == import_id])


# --- casework rows' versions ------------------------------------------------------------------------


def _private(table: str, column: str) -> bool:
    return (table, column) in PRIVATE_COLUMNS


def _change(table: str, column: str, old: object, new: object, again: int | None = None) -> ColumnChange:
    if _private(table, column):
        return ColumnChange(column, private=True, changed_again_by=again)
    return ColumnChange(column, old, new, changed_again_by=again)


def _changed_columns(before: dict, after: dict | None) -> list[str]:
    return [column for column in before if after is None or before[column] != after.get(column)]


def _chain_changes(table: str, key_text: str, links: list[dict], current: dict | None) -> list[RowChange]:
    """The changes of one row from its history rows `links` (oldest first, each with its import's
    `at` and parsed `before`) and the row as it is now: each `before` against the next one."""
    befores = [link["before"] for link in links]
    afters = [*befores[1:], current]
    changed = [_changed_columns(before, after) for before, after in zip(befores, afters)]
    key = tuple(json.loads(key_text))
    result = []
    for index, link in enumerate(links):
        after = afters[index] or {}
        columns = tuple(
            _change(table, column, befores[index][column], after.get(column),
                    next((links[later]["import_id"] for later in range(index + 1, len(links))
                          if column in changed[later]), None))
            for column in changed[index]
        )
        result.append(RowChange(link["history_id"], link["import_id"], link["at"], table, key, columns,
                                befores[index].get("case_id")))
    return result


def _changes(db: Database, where: str, params: dict) -> list[RowChange]:
    """The changes recorded for the casework rows whose history rows (alias m) `where` selects,
    from the first one selected on, in history order. Three queries whatever their number: the
    history rows, then the current rows table by table (by primary key)."""
    links = fetch_dicts(
        db,
        "SELECT DISTINCT h.history_id, h.import_id, i.at, h.table_name, h.key, h.before "
        "FROM casework_history m JOIN casework_history h "
        "ON h.table_name = m.table_name AND h.key = m.key AND h.history_id >= m.history_id "
        f"JOIN imports i ON i.import_id = h.import_id WHERE {where} ORDER BY h.history_id",
        params,
    )
    chains: dict[tuple[str, str], list[dict]] = {}
    for link in links:
        link["before"] = json.loads(link["before"])
        chains.setdefault((link["table_name"], link["key"]), []).append(link)
    current: dict[tuple[str, str], dict] = {}
    for table in sorted({table for table, _ in chains}):
        current.update(((table, key), row) for key, row in _current_rows(db, table, where, params))
    changes = [change for (table, key), chain in chains.items()
               for change in _chain_changes(table, key, chain, current.get((table, key)))]
    return sorted(changes, key=lambda change: change.history_id)


def _current_rows(db: Database, table: str, where: str, params: dict):
    """(key text, row) of the rows of `table` whose history rows (alias m) `where` selects."""
    columns = ", ".join(f"t.[{column}]" for column in IMPORT_TABLES[table])
    match = " AND ".join(f"t.[{key}] = json_extract(m.key, '$[{index}]')"
                         for index, key in enumerate(IMPORT_KEYS[table]))
    cursor = db.execute(
        f"SELECT DISTINCT m.key, {columns} FROM casework_history m JOIN [{table}] t ON {match} "
        f"WHERE m.table_name = '{table}' AND ({where})",
        params,
    )
    names = IMPORT_TABLES[table]
    for key, *values in cursor:
        yield key, dict(zip(names, values))


def _row_exists(db: Database, table: str, values: list[str]) -> bool:
    where = " AND ".join(f"[{key}] = ?" for key in IMPORT_KEYS[table])
    return db.execute(f"SELECT 1 FROM [{table}] WHERE {where}", values).fetchone() is not None


# --- audit rows --------------------------------------------------------------------------------------


def _audit_entry(row: dict) -> AuditEntry:
    """An audit row with the columns its write changed; one with no `before` lists what it wrote."""
    created = not row["before"]
    before = {} if created else json.loads(row["before"])
    after = json.loads(row["after"]) if row["after"] else {}
    table = row["table_name"]
    columns = tuple(
        _change(table, column, before.get(column), after.get(column))
        for column in dict.fromkeys([*before, *after])
        if before.get(column) != after.get(column)
    )
    return AuditEntry(row["audit_id"], row["at"], row["actor"], row["os_user"], bool(row["verified"]), row["action"],
                      table, row["record_id"], columns, created, after.get("case_id", before.get("case_id")))


def _audit_rows(db: Database, where: str, params: list) -> list[AuditEntry]:
    return [_audit_entry(row) for row in fetch_dicts(
        db, f"SELECT audit_id, at, actor, os_user, verified, action, table_name, record_id, before, after "
            f"FROM audit_log WHERE {where} ORDER BY audit_id", params)]


# --- trails ------------------------------------------------------------------------------------------


def _moment(at: str | None) -> datetime:
    """A stored time as a UTC instant (a time without an offset is UTC, like every `at` the
    program writes; one that is not a time at all sorts first rather than failing the trail)."""
    try:
        moment = datetime.fromisoformat(at or "")
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _oldest_first(entries: list[AuditEntry | RowChange]) -> list[AuditEntry | RowChange]:
    """By time (parsed: stored texts differ in their fractions of a second), then as written."""
    def order(entry: AuditEntry | RowChange) -> tuple:
        if isinstance(entry, AuditEntry):
            return _moment(entry.at), 0, entry.audit_id
        return _moment(entry.at), 1, entry.history_id
    return sorted(entries, key=order)


def _case_history_condition() -> str:
    """SQL selecting the history rows (alias m) of the casework rows of case `:case`.

    A table with a case_id column: rows of the case now, or before the import changed them;
    note_contacts: the contacts of the case's notes."""
    parts = []
    for table, columns in IMPORT_TABLES.items():
        if "case_id" in columns:
            keys = ", ".join(f"[{key}]" for key in IMPORT_KEYS[table])
            parts.append(f"(m.table_name = '{table}' AND (m.key IN (SELECT json_array({keys}) FROM [{table}] "
                         f"WHERE case_id = :case) OR json_extract(m.before, '$.case_id') = :case))")
    parts.append("(m.table_name = 'note_contacts' AND json_extract(m.key, '$[0]') IN "
                 "(SELECT note_id FROM notes WHERE case_id = :case))")
    return " OR ".join(parts)


def case_trail(db: Database, case_id: str) -> Trail:
    """The trail of case `case_id`, oldest first: the audit rows of its evidence records and what
    imports changed in its casework rows; UserError when there is no such case."""
    if db.execute("SELECT 1 FROM cases WHERE case_id = ?", [case_id]).fetchone() is None:
        raise UserError(f"There is no case {case_id} in this database; check the case id.")
    entries: list[AuditEntry | RowChange] = []
    for table in NEVER_DELETED:
        key = AUDITED_KEYS[table]
        entries += _audit_rows(
            db, f"table_name = ? AND record_id IN (SELECT CAST({key} AS TEXT) FROM {table} WHERE case_id = ?)",
            [table, case_id])
    entries += _changes(db, _case_history_condition(), {"case": case_id})
    return Trail(f"case {case_id}", _oldest_first(entries))


def record_trail(db: Database, reference: str) -> Trail:
    """The trail of one record, oldest first: `TABLE:ID` — an evidence record or an import (its
    audit rows), or a casework row by its key, `notes:N1`, `case_members:C1,P1` (what imports
    changed in it). UserError for an unknown table or record."""
    table, _, record_id = reference.partition(":")
    table, record_id = table.strip(), record_id.strip()
    if not record_id:
        raise UserError(f"--record {reference}: write it as TABLE:ID, e.g. exceptions:3 or notes:N1.")
    if table in AUDITED_KEYS:
        return _audited_record_trail(db, table, record_id)
    if table in IMPORT_TABLES:
        return _casework_record_trail(db, table, record_id)
    known = ", ".join([*AUDITED_KEYS, *IMPORT_TABLES])
    raise UserError(f"--record {reference}: {table or '(nothing)'} is not a table with a trail; use one of: {known}.")


def _audited_record_trail(db: Database, table: str, record_id: str) -> Trail:
    key = AUDITED_KEYS[table]
    try:
        number = parse_record_id(record_id)
    except ValueError as exc:
        raise UserError(f"--record {table}:{record_id}: {exc}, e.g. {table}:1.") from None
    entries = _audit_rows(db, "table_name = ? AND record_id = ?", [table, str(number)])
    exists = db.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", [number]).fetchone()
    if not entries and exists is None:
        raise UserError(f"There is no {table} record {number} in this database; check the id.")
    return Trail(f"{table} {number}", entries)


def _casework_record_trail(db: Database, table: str, record_id: str) -> Trail:
    keys = IMPORT_KEYS[table]
    values = [value.strip() for value in record_id.split(",")]
    if len(values) != len(keys) or not all(values):
        raise UserError(f"--record {table}:{record_id}: a {table} row is named by {','.join(keys)} "
                        f"({len(keys)} value{'s' if len(keys) > 1 else ''}, separated by commas).")
    key_text = db.execute(f"SELECT json_array({', '.join('?' for _ in keys)})", values).fetchone()[0]
    entries = _changes(db, "m.table_name = :table AND m.key = :key", {"table": table, "key": key_text})
    if not entries and not _row_exists(db, table, values):
        raise UserError(f"There is no {table} row {', '.join(values)} in this database; check the key.")
    return Trail(f"{table} {', '.join(values)}", _oldest_first(entries))
