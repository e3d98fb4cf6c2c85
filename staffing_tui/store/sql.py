"""Tiny helpers for queries that return rows as dictionaries."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

#: Ids per `IN (...)` list: well under SQLite's variable limit.
CHUNK = 500


def fetch_dict(db: Database, sql: str, params=()) -> dict | None:
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row))


def fetch_dicts(db: Database, sql: str, params=()) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def id_chunks(values: Iterable[str], size: int = CHUNK) -> Iterable[list[str]]:
    """Distinct ids, sorted, in lists small enough for one `IN (...)`."""
    unique = sorted(set(values))
    for start in range(0, len(unique), size):
        yield unique[start:start + size]


def marks(chunk: list) -> str:
    """`?, ?, ?` placeholders for an `IN (...)` list."""
    return ", ".join("?" for _ in chunk)
