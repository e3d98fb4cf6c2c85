"""`staffing-tui history` as text (a readable list) and as JSON-ready data mirroring it.

Pure functions of `store.history`'s dataclasses. A private column (a person's name or date)
carries no values to render: text and JSON alike say only that it changed; free text is
scrubbed of the names of its case's people first (`without_names`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from staffing_tui.exports import PrivacyMask
from staffing_tui.present.escape import for_terminal
from staffing_tui.store.history import (
    FREE_TEXT_COLUMNS,
    AuditEntry,
    ColumnChange,
    ImportChanges,
    ImportEntry,
    RowChange,
    Trail,
)

#: Longest value shown in text; JSON carries values whole.
MAX_SHOWN = 60


# --- no names in free text --------------------------------------------------------------------


def _scrubbed_entry(entry: AuditEntry | RowChange, mask_for: Callable[[str | None], PrivacyMask]):
    if not any(change.column in FREE_TEXT_COLUMNS for change in entry.columns):
        return entry
    mask = mask_for(entry.case_id)

    def scrub(value: object) -> object:
        return mask.text(value) if isinstance(value, str) else value

    columns = tuple(
        dataclasses.replace(change, old=scrub(change.old), new=scrub(change.new))
        if change.column in FREE_TEXT_COLUMNS else change
        for change in entry.columns
    )
    return dataclasses.replace(entry, columns=columns)


def without_names(found, mask_for: Callable[[str | None], PrivacyMask]):
    """`found` (what a `history` query returned) with every free-text value scrubbed of the names
    and birth dates of its case's people (`mask_for(case_id)`): a note's text or a reason may
    name the people it is about."""
    if isinstance(found, ImportChanges):
        return dataclasses.replace(found, rows=[_scrubbed_entry(row, mask_for) for row in found.rows])
    if isinstance(found, Trail):
        return dataclasses.replace(found, entries=[_scrubbed_entry(entry, mask_for) for entry in found.entries])
    return found


# --- JSON-ready data ----------------------------------------------------------------------------


def import_to_dict(entry: ImportEntry) -> dict:
    return {"import_id": entry.import_id, "at": entry.at, "os_user": entry.os_user, "actor": entry.actor or None,
            "verified": entry.verified, "source": entry.source, "files": entry.files, "counts": entry.counts,
            "history_rows": entry.history_rows, "history_sha256": entry.history_sha256}


def column_to_dict(change: ColumnChange) -> dict:
    if change.private:
        return {"column": change.column, "private": True, "changed_again_by": change.changed_again_by}
    return {"column": change.column, "old": change.old, "new": change.new, "changed_again_by": change.changed_again_by}


def entry_to_dict(entry: AuditEntry | RowChange) -> dict:
    columns = [column_to_dict(change) for change in entry.columns]
    if isinstance(entry, AuditEntry):
        return {"kind": "audit", "audit_id": entry.audit_id, "at": entry.at, "actor": entry.actor or None,
                "os_user": entry.os_user, "verified": entry.verified, "action": entry.action, "table": entry.table,
                "record_id": entry.record_id, "created": entry.created, "columns": columns}
    return {"kind": "import", "import_id": entry.import_id, "history_id": entry.history_id, "at": entry.at,
            "table": entry.table, "key": list(entry.key), "columns": columns}


def imports_to_dict(entries: list[ImportEntry]) -> dict:
    return {"imports": [import_to_dict(entry) for entry in entries]}


def import_changes_to_dict(changes: ImportChanges) -> dict:
    return {"import": import_to_dict(changes.entry), "changes": [entry_to_dict(row) for row in changes.rows]}


def trail_to_dict(trail: Trail) -> dict:
    return {"subject": trail.subject, "entries": [entry_to_dict(entry) for entry in trail.entries]}


# --- text ---------------------------------------------------------------------------------------


def _one_line(value: object) -> str:
    return " ".join(str(value).split())  # a note's text or a plan document may span many lines


def _shown(value: object, start: int = 0) -> str:
    """`value` on one line, at most MAX_SHOWN characters from `start` ("..." marks what is cut)."""
    if value is None or value == "":
        return "(empty)"
    text = _one_line(value)
    head = "..." if start else ""
    if len(text) - start + len(head) <= MAX_SHOWN:
        return head + text[start:]
    return head + text[start:start + MAX_SHOWN - 3 - len(head)] + "..."


def _difference_start(old: object, new: object) -> int:
    """Where to start showing two long texts so that where they differ is in sight."""
    if not isinstance(old, str) or not isinstance(new, str):
        return 0
    old, new = _one_line(old), _one_line(new)
    common = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    return max(0, common - MAX_SHOWN // 3) if common > MAX_SHOWN * 2 // 3 else 0


def _column_line(change: ColumnChange, created: bool = False) -> str:
    if change.private:
        line = f"  {change.column}: changed (a person's name or date: not shown)"
    elif created:
        line = f"  {change.column}: {_shown(change.new)}"
    else:
        start = _difference_start(change.old, change.new)
        line = f"  {change.column}: {_shown(change.old, start)} → {_shown(change.new, start)}"
    if change.changed_again_by is not None:
        line += f" (changed again by import {change.changed_again_by})"
    return line


def _who(actor: str, os_user: str | None, verified: bool) -> str:
    staff = f"staff member {actor}" if actor else "no staff member"
    return f"{staff}, os user {os_user or '(unknown)'}, {'verified' if verified else 'identity not verified'}"


def _counts_line(table: str, counts: dict[str, int]) -> str:
    parts = [f"{counts[what]} {what}" for what in ("inserted", "updated", "unchanged") if counts.get(what)]
    return f"  {table}: {', '.join(parts) or 'no rows'}"


def _import_header(entry: ImportEntry) -> list[str]:
    return [
        f"import {entry.import_id} at {entry.at} by {_who(entry.actor, entry.os_user, entry.verified)}",
        f"  source: {entry.source or '(not recorded)'}",
        *(_counts_line(table, counts) for table, counts in entry.counts.items()),
    ]


def _row_heading(change: RowChange) -> str:
    return f"{change.table} {', '.join(change.key)}"


def _entry_lines(entry: AuditEntry | RowChange) -> list[str]:
    if isinstance(entry, AuditEntry):
        record = f"{entry.table} {entry.record_id}"
        heading = f"{entry.at}  {record}: {entry.action} by {_who(entry.actor, entry.os_user, entry.verified)}"
        return [heading, *(_column_line(change, entry.created) for change in entry.columns)]
    heading = f"{entry.at}  import {entry.import_id} changed {_row_heading(entry)}"
    return [heading, *(_column_line(change) for change in entry.columns)]


def _text(lines: list[str]) -> str:
    """The lines as printed: every id, path, login and value in them was data (terminal-safe)."""
    return for_terminal("\n".join(lines)) + "\n"


def imports_text(entries: list[ImportEntry]) -> str:
    if not entries:
        return "No imports recorded.\n"
    lines: list[str] = []
    for entry in entries:
        lines += _import_header(entry)
    return _text(lines)


def import_changes_text(changes: ImportChanges) -> str:
    entry = changes.entry
    lines = _import_header(entry)
    lines += ["  files (SHA-256):", *(f"    {name} {digest}" for name, digest in entry.files.items())]
    rows = len(changes.rows)
    lines.append(f"{rows} row{'' if rows == 1 else 's'} changed" if rows else "No rows changed.")
    for row in changes.rows:
        lines += [_row_heading(row), *(_column_line(change) for change in row.columns)]
    return _text(lines)


def trail_text(trail: Trail) -> str:
    count = len(trail.entries)
    if not count:
        return _text([f"{trail.subject}: nothing recorded."])
    lines = [f"{trail.subject}: {count} entr{'y' if count == 1 else 'ies'}, oldest first"]
    for entry in trail.entries:
        lines += _entry_lines(entry)
    return _text(lines)
