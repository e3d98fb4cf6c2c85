"""Tiny helpers for queries that return rows as dictionaries."""

from __future__ import annotations

from sqlite_utils import Database


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
