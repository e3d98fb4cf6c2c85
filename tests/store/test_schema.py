"""Schema, migrations and opening databases (issue: foundation §2)."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from staffing_tui.errors import DatabaseProblem
from staffing_tui.store import connection, schema
from staffing_tui.store.connection import get_meta, open_database, set_meta
from staffing_tui.store.schema import IMPORT_TABLES, SCHEMA_VERSION


def test_new_database_has_every_spec_table_with_its_columns(tmp_path):
    db = open_database(tmp_path / "new.db", create=True)
    for table, columns in IMPORT_TABLES.items():
        assert set(columns) <= set(db[table].columns_dict), table
    for table in ("exceptions", "contact_plans", "staffing_notes", "next_steps", "audit_log", "meta"):
        assert db[table].exists()
    assert get_meta(db) == {"timezone": "America/Phoenix", "schema_version": str(SCHEMA_VERSION)}


def test_foreign_keys_are_enforced(tmp_path):
    db = open_database(tmp_path / "fk.db", create=True)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO staff (staff_id, name, role, unit_id) VALUES ('S1', 'X', 'specialist', 'NOPE')")


def test_new_database_file_is_private(tmp_path):
    path = tmp_path / "private.db"
    open_database(path, create=True).close()
    assert path.stat().st_mode & 0o777 == 0o600


def test_database_from_a_newer_version_is_refused_clearly(tmp_path):
    path = tmp_path / "newer.db"
    db = open_database(path, create=True)
    set_meta(db, "schema_version", str(SCHEMA_VERSION + 1))
    db.conn.commit()
    db.close()
    with pytest.raises(DatabaseProblem, match="newer staffing-tui"):
        open_database(path)
    with pytest.raises(DatabaseProblem, match="newer staffing-tui"):
        open_database(path, readonly=True)


def test_older_database_is_backed_up_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "older.db"
    open_database(path, create=True).close()

    upgraded = Migrations("staffing_tui")
    for migration in schema.migrations._migrations:
        upgraded(name=migration.name)(migration.fn)

    @upgraded()
    def m002_add_unit_phone(db):
        db["units"].add_column("phone", str)

    monkeypatch.setattr(connection, "migrations", upgraded)
    monkeypatch.setattr(connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    db = open_database(path)
    assert "phone" in db["units"].columns_dict
    assert get_meta(db)["schema_version"] == str(SCHEMA_VERSION + 1)
    backups = list(tmp_path.glob(f"older.db.v{SCHEMA_VERSION}-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert "phone" not in [c[1] for c in old.execute("PRAGMA table_info(units)")]
    old.close()


def test_readonly_open_leaves_the_file_untouched(tmp_path):
    path = tmp_path / "ro.db"
    db = open_database(path, create=True)
    db.conn.execute("PRAGMA journal_mode = DELETE")
    db.close()
    before = path.read_bytes()
    ro = open_database(path, readonly=True)
    ro.execute("SELECT count(*) FROM cases").fetchone()
    ro.close()
    assert path.read_bytes() == before


@pytest.mark.parametrize("content, message", [
    (b"just some text, not a database\n", "not an SQLite file"),
    (b"SQLite format 3\x00" + b"\x00" * 200, "damaged"),
])
def test_not_sqlite_or_corrupt_file_is_a_clear_problem(tmp_path, content, message):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseProblem, match=message):
        open_database(path)


def test_missing_database_is_a_clear_problem(tmp_path):
    with pytest.raises(DatabaseProblem, match="There is no database"):
        open_database(tmp_path / "missing.db")


@pytest.mark.parametrize("name", ["a#b.db", "why?.db", "100%.db", "with space.db"])
def test_a_path_with_uri_characters_opens_read_only_the_same_file(tmp_path, name):
    path = tmp_path / name
    db = open_database(path, create=True)
    set_meta(db, "as_of", "2026-11-10")
    db.close()
    reader = open_database(path, readonly=True)
    assert get_meta(reader)["as_of"] == "2026-11-10"
    reader.close()
    # only the file and its WAL companions: no stray database made from a cut-off path
    assert {p.name for p in tmp_path.iterdir()} <= {name, f"{name}-wal", f"{name}-shm"}


@pytest.mark.parametrize("readonly", [False, True], ids=["read-write", "read-only"])
def test_installed_sqlite_utils_plugins_do_not_touch_our_connections(tmp_path, readonly, monkeypatch):
    """A sqlite-utils plugin's prepare_connection would run on every connection (and finding the
    installed ones scans every package): the app's connections are its own."""
    from sqlite_utils import hookimpl
    from sqlite_utils.plugins import pm

    monkeypatch.setattr(sys, "_called_from_test", True, raising=False)  # no real plugins loaded into pm
    prepared = []

    class Plugin:
        @hookimpl
        def prepare_connection(self, conn):
            prepared.append(conn)

    open_database(tmp_path / "plugins.db", create=True).close()
    plugin = Plugin()
    pm.register(plugin, name="test-prepare-connection")
    try:
        db = open_database(tmp_path / "plugins.db", readonly=readonly)
        db.close()
        from sqlite_utils import Database

        Database(sqlite3.connect(":memory:")).close()  # the hook is live: sqlite-utils' default runs it
    finally:
        pm.unregister(plugin)
    assert len(prepared) == 1


@pytest.mark.parametrize("version, first_missing", [(4, "m005_changed_cases"), (5, "m006_generation_token"),
                                                    (7, "m008_generation_state_only")])
def test_a_database_with_data_from_before_tokens_or_with_changed_cases_is_migrated(tmp_path, version, first_missing):
    """m005, m006 and m008 on a database holding data: its generation stands (and its token, once
    drawn), `changed_cases` and `generation.everything` are gone, and from then on every change to
    what the evaluation reads bumps the generation with a new token."""
    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path))
    schema.migrations.apply(old, stop_before=first_missing)
    set_meta(old, "schema_version", str(version))
    old.execute("INSERT INTO units VALUES ('U1', 'North', NULL)")
    columns = "staff_id, name, role, unit_id"  # `login` came with m007
    old.execute(f"INSERT INTO staff ({columns}) VALUES ('S1', 'Sam', 'specialist', 'U1')")
    old.execute("INSERT INTO cases VALUES ('C1', 'dependency', 'S1', '2026-01-05', NULL)")
    old.execute("INSERT INTO people VALUES ('K1', 'Kit', 'Lane', '2014-01-01', NULL)")
    old.execute("INSERT INTO case_members (case_id, person_id, role) VALUES ('C1', 'K1', 'child')")
    n_before, *token_before = old.execute(f"SELECT n{', token' if version >= 6 else ''} FROM generation").fetchone()
    old.conn.commit()
    old.conn.close()

    db = open_database(path)
    assert get_meta(db)["schema_version"] == str(SCHEMA_VERSION)
    assert not db["changed_cases"].exists()
    assert list(db["generation"].columns_dict) == ["id", "n", "token"]
    n, token = db.execute("SELECT n, token FROM generation").fetchone()
    assert n == n_before and token != 0
    if token_before:
        assert token == token_before[0]  # the same state: a month kept for it is still the month
    states = {(n, token)}
    for change in ("UPDATE case_members SET incarcerated = 1 WHERE case_id = 'C1'",
                   "UPDATE staff SET unit_id = NULL WHERE staff_id = 'S1'"):
        with db.atomic():
            db.execute(change)
        state = db.execute("SELECT n, token FROM generation").fetchone()
        assert state[0] == n + len(states) and state not in states
        states.add(state)
    db.close()


def _umask_now() -> int:
    current = os.umask(0o077)
    os.umask(current)
    return current


@pytest.mark.parametrize("db_mode, umask_while_opening", [(0o660, 0o017), (0o600, 0o077)], ids=["shared", "private"])
def test_a_connection_opens_with_a_umask_that_lets_sqlite_make_side_files_with_the_databases_mode(
        tmp_path, monkeypatch, db_mode, umask_while_opening):
    """WAL/SHM files get the database's mode (docs/evidence.md "Shared databases"). SQLite creates
    them through the umask and only then fchmods them, so another account of the group opening the database in between
    would fail: while a shared (0660, in a folder of its group) database opens, the umask passes the
    group's bits; a private one changes nothing, and the umask is back as it was afterwards."""
    folder = tmp_path / "unit"
    folder.mkdir()
    # A group's folder is setgid (docs/evidence.md "Shared databases").
    os.chmod(folder, 0o2770 if db_mode == 0o660 else 0o700)
    path = folder / "unit.db"
    open_database(path, create=True).close()
    os.chmod(path, db_mode)
    seen = []
    configure = connection._configure
    monkeypatch.setattr(connection, "_configure", lambda db, **kw: (seen.append(_umask_now()), configure(db, **kw)))
    previous = os.umask(0o077)
    try:
        open_database(path).close()
        assert _umask_now() == 0o077
    finally:
        os.umask(previous)
    assert seen == [umask_while_opening]
