"""Proving nothing was altered (docs/evidence.md): the evidence rules `check` runs.

* `triggers` — the database's triggers are exactly the ones this version's migrations create:
  a dropped one no longer refuses what it refused (an evidence row deleted, the audit log
  rewritten), an altered or added one may do anything;
* `audit_chain` — every audit row's hash is recomputed in audit_id order: a row whose hash does
  not match its content, a row whose prev_hash is not the hash of the row before it, a gap in
  audit_id, a row with no hash; `--since-head` adds that a head taken earlier is still in the log;
* `reconciliation` — every evidence record (`schema.RECONCILED`) equals the `after` of its latest
  audit row, every such audit row still has its record, and every import's casework history
  still has the digest recorded with it.

The three together catch what the sqlite3 shell can do past the program: a trigger dropped and
a record edited or deleted (triggers, reconciliation), an audit row edited, removed or forged
(chain, reconciliation). What they cannot catch is a log rewritten whole from some row on, with
every later hash recomputed — that is what a head kept elsewhere is for (`check --head`).

Findings name tables, columns and record ids, never values (values may be names).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from itertools import groupby

from sqlite_utils import Database

from staffing_tui.store.audit import casework_history_digest, row_hash
from staffing_tui.store.findings import Finding
from staffing_tui.store.schema import AUDIT_HASHED, GENESIS_HASH, RECONCILED, migrations

#: A head as `check --head` prints it: the 64 hex digits of one audit row's hash.
HEAD_PATTERN = re.compile(r"[0-9a-f]{64}")

#: The digest of an import that changed no casework row.
EMPTY_HISTORY_DIGEST = casework_history_digest(())


# --- triggers ---------------------------------------------------------------------------------


@functools.cache
def expected_triggers() -> dict[str, str]:
    """Trigger name → SQL as this version's migrations create them (on an empty in-memory
    database, once per process)."""
    db = Database(memory=True, execute_plugins=False)
    try:
        migrations.apply(db)
        return _triggers_of(db)
    finally:
        db.close()


def _triggers_of(db: Database) -> dict[str, str]:
    # Whitespace is not meaning: a database upgraded by an older copy of a migration whose
    # source was re-indented since holds the same trigger.
    return {name: " ".join(sql.split())
            for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}


#: What a trigger makes the database refuse, by the end of its name (schema m001, m002, m007).
_REFUSALS = (
    ("_no_delete", "deleting {table}"),
    ("_no_update", "changing {table}"),
    ("_no_replace", "replacing rows of {table}"),
    ("_no_rewrite", "rewriting what was approved in {table}"),
    ("_document_once", "rewriting an approved plan's document"),
    ("_extends_chain", "audit rows that do not extend the hash chain"),
)
_GENERATION = re.compile(r"(?P<table>\w+)_(?P<event>insert|update|delete)_generation")
#: The triggers keeping `contact_times` (m012).
_CONTACT_TIMES = re.compile(r"(?P<table>notes|note_contacts)_(?P<event>insert|update|delete)_contact_times")
#: The guards of the months kept in the database (m010).
_GUARD = re.compile(r"(?P<table>kept_\w+)_(?P<event>insert|update|delete)_guard")


def trigger_purpose(name: str) -> str:
    """What the database no longer does without the trigger `name`, in plain words."""
    for suffix, refusal in _REFUSALS:
        if name.endswith(suffix):
            return "the database no longer refuses " + refusal.format(table=name.removesuffix(suffix))
    if match := _GUARD.fullmatch(name):
        return (f"the database no longer refuses hand edits of {match['table']}, so no month kept there is served "
                "(every month is evaluated); dropping the tables kept_saved, kept_rows and kept_months is harmless")
    if match := _CONTACT_TIMES.fullmatch(name):
        return (f"contact_times no longer follows what is written to {match['table']}, so a report's last seen and "
                "last contact may be wrong (docs/data.md \"Contact times\" says how to rebuild it)")
    if match := _GENERATION.fullmatch(name):
        past = {"insert": "inserted", "update": "updated", "delete": "deleted"}[match["event"]]
        return f"the app's kept reports no longer learn of rows {past} in {match['table']} (they may show old data)"
    return "the database no longer does what it did"


def trigger_findings(db: Database) -> list[Finding]:
    """Each trigger missing, altered or added, by name."""
    expected, actual = expected_triggers(), _triggers_of(db)
    # The kept months' tables may be dropped (nothing kept: every month evaluated); their guards go
    # with them, and that is no finding.
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    expected = {name: sql for name, sql in expected.items()
                if (guard := _GUARD.fullmatch(name)) is None or guard["table"] in tables}
    findings = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            findings.append(Finding("triggers", f"trigger {name} is missing: {trigger_purpose(name)}"))
        elif name not in expected:
            findings.append(Finding("triggers", f"trigger {name} is not one of staffing-tui's: something added it "
                                                "to run on every write; find out who, and drop it"))
        elif actual[name] != expected[name]:
            findings.append(Finding("triggers", f"trigger {name} was altered: it is no longer the one staffing-tui "
                                                f"creates, so it may not do its part ({trigger_purpose(name)})"))
    return findings


# --- the hash chain ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainHead:
    """How long the audit log is and the hash of its last row (the genesis hash when empty)."""

    rows: int
    hash: str


@dataclass(slots=True)
class ChainVerdict:
    """The problems found walking the chain, and its head as stored."""

    findings: list[Finding] = field(default_factory=list)
    head: ChainHead = ChainHead(0, GENESIS_HASH)


_CHAIN_SQL = f"SELECT {', '.join(AUDIT_HASHED)}, prev_hash, hash FROM audit_log ORDER BY audit_id"


def verify_chain(db: Database) -> ChainVerdict:
    """Walk the audit log once, in audit_id order, recomputing every row's hash.

    Streamed (a statewide log has tens of thousands of rows): one row in memory at a time.
    """
    verdict = ChainVerdict()
    expected_id, previous, rows = 1, GENESIS_HASH, 0
    for row in db.execute(_CHAIN_SQL):
        content, prev_hash, digest = row[:-2], row[-2], row[-1]
        audit_id = content[0]
        if problem := link_problem(audit_id, expected_id, prev_hash, previous):
            verdict.findings.append(Finding("audit_chain", problem))
        if problem := content_problem(content, prev_hash, digest):
            verdict.findings.append(Finding("audit_chain", f"audit_log {audit_id}: {problem}"))
        expected_id, previous, rows = audit_id + 1, digest, rows + 1
    verdict.head = ChainHead(rows, previous or "")
    return verdict


def link_problem(audit_id: int, expected_id: int, prev_hash: str | None, previous: str | None) -> str | None:
    """Why the row does not follow the one before it (None when it does)."""
    if audit_id > expected_id:
        missing = f"{expected_id}" if audit_id - expected_id == 1 else f"{expected_id} to {audit_id - 1}"
        return (f"audit_log {missing}: missing (the log goes from {expected_id - 1 or 'its start'} to {audit_id}): "
                "rows were removed")
    if audit_id != expected_id:
        return (f"audit_log {audit_id}: its id is out of sequence (expected {expected_id}): it was written past "
                "staffing-tui")
    if prev_hash != previous:
        before = f"audit_log {audit_id - 1}" if audit_id > 1 else "the chain's start"
        return (f"audit_log {audit_id}: its prev_hash is not the hash of {before}: a row before it was removed "
                "or changed")
    return None


def content_problem(content, prev_hash: str | None, digest: str | None) -> str | None:
    """Why the row's own hash does not vouch for it (None when it does)."""
    if not digest:
        return "it has no hash: it was written past staffing-tui"
    if row_hash(prev_hash or "", content) != digest:
        return "its hash does not match its content: the row was changed, or written past staffing-tui"
    return None


def head_findings(db: Database, head: str) -> list[Finding]:
    """`--since-head`: the head taken earlier is the hash of a row still in the log."""
    if head == GENESIS_HASH or db.execute("SELECT 1 FROM audit_log WHERE hash = ?", [head]).fetchone():
        return []
    return [Finding("audit_chain", f"the audit log no longer contains head {head}: rows were removed or rewritten "
                                   "since it was taken")]


# --- reconciliation ---------------------------------------------------------------------------


def reconciliation_findings(db: Database) -> list[Finding]:
    """Every evidence record against its latest audit row, then every import's history digest."""
    findings = []
    for table in RECONCILED:
        findings += reconcile_table(db, table)
    return findings + history_findings(db)


def reconcile_table(db: Database, table: str) -> list[Finding]:
    """The records of `table` against the `after` of their latest audit rows, by record id."""
    key = _primary_key(db, table)
    defaults = column_defaults(db, table)
    latest = latest_audit(db, table)
    found: list[tuple[int | str, str]] = []
    cursor = db.execute(f"SELECT * FROM [{table}] ORDER BY [{key}]")
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        record = dict(zip(columns, row))
        audit = latest.pop(str(record[key]), None)
        if problem := record_problem(record, audit, defaults):
            found.append((record[key], f"{table} {record[key]}: {problem}"))
    for record_id, (audit_id, _after) in latest.items():
        found.append((_id_order(record_id), f"{table} {record_id}: its audit row (audit_log {audit_id}) remains "
                                            "but the record is gone: it was deleted by hand, or the audit row "
                                            "forged"))
    found.sort(key=lambda item: (isinstance(item[0], str), item[0]))
    return [Finding("reconciliation", message) for _, message in found]


def _id_order(record_id: str) -> int | str:
    return int(record_id) if record_id.lstrip("-").isdigit() else record_id


def latest_audit(db: Database, table: str) -> dict[str, tuple[int, str | None]]:
    """record_id → (audit_id, after) of each record's latest audit row in `table`."""
    return {record_id: (audit_id, after) for record_id, audit_id, after in db.execute(
        # Grouped on the (table_name, record_id) index, which carries audit_id (the rowid).
        "SELECT record_id, audit_id, after FROM audit_log WHERE audit_id IN "
        "(SELECT max(audit_id) FROM audit_log WHERE table_name = ? GROUP BY record_id)", [table])}


def record_problem(record: dict, audit: tuple[int, str | None] | None, defaults: dict) -> str | None:
    """Why a record is not what its latest audit row says it is (None when it is)."""
    if audit is None:
        return "it has no audit row: it was inserted by hand, or its audit rows were removed"
    audit_id, after = audit
    try:
        audited = json.loads(after) if after is not None else None
    except ValueError:
        audited = None
    if not isinstance(audited, dict):
        return f"its latest audit row (audit_log {audit_id}) does not record its content: the row was changed by hand"
    differing = differing_columns(record, audited, defaults)
    if not differing:
        return None
    verb = "differs" if len(differing) == 1 else "differ"
    return (f"{', '.join(differing)} {verb} from its latest audit row (audit_log {audit_id}): the record was "
            "changed by hand")


def differing_columns(record: dict, audited: dict, defaults: dict) -> list[str]:
    """The record's columns whose value is not the audited one. A column an older audit row
    does not carry (written before it existed, m007) stands for the column's default."""
    return [column for column, value in record.items()
            if not _same(value, audited[column] if column in audited else defaults.get(column))]


def _same(stored: object, audited: object) -> bool:
    if stored == audited:
        return True
    # A JSON column (imports.files, counts) may be audited parsed rather than as its text.
    if isinstance(stored, str) and isinstance(audited, (dict, list)):
        try:
            return json.loads(stored) == audited
        except ValueError:
            return False
    return False


def column_defaults(db: Database, table: str) -> dict[str, object]:
    """Column → its declared default value (None when it has none)."""
    defaults = {}
    for _cid, name, _type, _notnull, default, _pk in db.execute(f"PRAGMA table_info([{table}])"):
        # The default is an SQL literal from the schema itself; SQLite evaluates it.
        defaults[name] = db.execute(f"SELECT {default}").fetchone()[0] if default is not None else None
    return defaults


def _primary_key(db: Database, table: str) -> str:
    return next(name for _cid, name, _type, _notnull, _default, pk in db.execute(f"PRAGMA table_info([{table}])")
                if pk == 1)


def history_findings(db: Database) -> list[Finding]:
    """Every import's casework history, digested again, against the digest recorded with it."""
    history = db.execute("SELECT history_id, import_id, table_name, key, before FROM casework_history "
                         "ORDER BY import_id, history_id")
    # Streamed, one import's rows at a time, straight into its digest.
    digests = {import_id: casework_history_digest(rows) for import_id, rows in groupby(history, key=lambda r: r[1])}
    counts = dict(db.execute("SELECT import_id, count(*) FROM casework_history GROUP BY import_id").fetchall())
    findings = []
    for import_id, rows, digest in db.execute(
            "SELECT import_id, history_rows, history_sha256 FROM imports ORDER BY import_id").fetchall():
        found = counts.get(import_id, 0)
        if digests.get(import_id, EMPTY_HISTORY_DIGEST) != digest or found != rows:
            findings.append(Finding("reconciliation", f"imports {import_id}: its casework history does not match "
                                                      f"history_sha256 ({_rows(found)} found, {rows} recorded): "
                                                      "history rows were changed, removed or added by hand"))
    return findings


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
