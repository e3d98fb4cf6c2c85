"""Issue 13 — who acted, bound to the OS account, and a hash-chained audit log (docs/evidence.md)."""

from __future__ import annotations

import os
import pwd
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from staffing_tui.errors import Busy, UserError
from staffing_tui.store import audit, connection, records, schema
from staffing_tui.store.audit import identity, os_user, resolve_actor, row_hash
from staffing_tui.store.connection import get_meta, open_database, set_meta
from staffing_tui.store.schema import AUDIT_HASHED, GENESIS_HASH, SCHEMA_VERSION
from tests.builders import cli, small_database

REPO = Path(__file__).resolve().parents[2]
NOTE = ["note", "add", "--case", "C2", "--person", "K2", "--month", "2026-10", "--reason-code", "hospitalized",
        "--text", "In hospital all month."]


def give_login(path: Path, staff_id: str, login: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE staff SET login = ? WHERE staff_id = ?", [login, staff_id])
    conn.close()


def audit_rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT {', '.join(AUDIT_HASHED)}, prev_hash, hash FROM audit_log "
                            "ORDER BY audit_id").fetchall()
    finally:
        conn.close()


def assert_chain_links(rows: list[tuple]) -> None:
    previous = GENESIS_HASH
    for row in rows:
        *content, prev_hash, digest = row
        assert prev_hash == previous and digest == row_hash(prev_hash, content), row[0]
        previous = digest


# --- identity ----------------------------------------------------------------------------------


def test_the_os_user_is_the_account_of_the_real_user_id_not_an_environment_variable(monkeypatch):
    monkeypatch.setenv("USER", "somebody-else")
    monkeypatch.setenv("LOGNAME", "somebody-else")
    monkeypatch.setenv("USERNAME", "somebody-else")
    assert os_user() == pwd.getpwuid(os.getuid()).pw_name


def test_a_database_without_logins_is_unverified_and_acts_as_whoever_as_names(db_path):
    db = open_database(db_path)
    assert identity(db) == audit.Identity(os_user(), False, None)
    actor = resolve_actor(db, "SV2")
    assert (actor.staff_id, actor.verified) == ("SV2", False)
    with pytest.raises(UserError, match="Say who is acting with --as"):
        resolve_actor(db, None)


def test_a_database_with_logins_acts_as_the_logged_in_person_only(db_path):
    give_login(db_path, "SV1", os_user())
    give_login(db_path, "SV2", "someone-else")
    db = open_database(db_path)
    assert identity(db) == audit.Identity(os_user(), True, "SV1")
    for asked in (None, "SV1"):
        actor = resolve_actor(db, asked)
        assert (actor.staff_id, actor.verified, actor.os_user) == ("SV1", True, os_user())
    with pytest.raises(UserError, match=f"you are logged in as {os_user()}, who is staff member SV1"):
        resolve_actor(db, "SV2")


def test_an_account_without_a_staff_row_may_read_but_not_write_on_a_verified_database(db_path, capsys):
    give_login(db_path, "SV2", "someone-else")
    code, out, err = cli(capsys, *NOTE[:2], "--db", db_path, "--as", "SV1", *NOTE[2:])
    assert (code, out) == (2, "")
    assert err == (f"error: The account {os_user()} is not on this database's staff list (no staff row has login "
                   f"{os_user()}); you may read, but not write. Ask for your login to be added to staff.csv.\n")
    assert cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "json")[0] == 0
    assert audit_rows(db_path) == []


def test_as_naming_someone_else_on_a_verified_database_is_refused_and_writes_nothing(db_path, capsys):
    give_login(db_path, "SV1", os_user())
    code, out, err = cli(capsys, *NOTE[:2], "--db", db_path, "--as", "M1", *NOTE[2:])
    assert (code, out) == (2, "")
    assert "--as M1: you are logged in as" in err and err.count("\n") == 1
    assert audit_rows(db_path) == []


def test_the_audit_row_records_the_verified_actor_whatever_user_and_logname_say(db_path, tmp_path):
    """A real process with USER/LOGNAME set to another account: the row still names this one."""
    give_login(db_path, "SV1", os_user())
    env = {**os.environ, "USER": "M1", "LOGNAME": "mallory", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "staffing_tui", *NOTE[:2], "--db", str(db_path), *NOTE[2:]],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (row,) = audit_rows(db_path)
    named = dict(zip(AUDIT_HASHED, row))
    assert (named["actor"], named["os_user"], named["verified"]) == ("SV1", os_user(), 1)


def test_an_unverified_write_records_verified_0(db_path, capsys):
    assert cli(capsys, *NOTE[:2], "--db", db_path, "--as", "SV1", *NOTE[2:])[0] == 0
    (row,) = audit_rows(db_path)
    assert dict(zip(AUDIT_HASHED, row))["verified"] == 0


# --- the hash chain ---------------------------------------------------------------------------------


def test_every_write_extends_the_hash_chain(db_path, capsys):
    for month in ("2026-09", "2026-10"):
        assert cli(capsys, *NOTE[:2], "--db", db_path, "--as", "SV1", *NOTE[2:7], month, *NOTE[8:])[0] == 0
    assert cli(capsys, "note", "withdraw", "1", "--db", db_path, "--as", "SV1", "--reason",
               "Recorded for the wrong month.")[0] == 0
    rows = audit_rows(db_path)
    assert [dict(zip(AUDIT_HASHED, r))["action"] for r in rows] == ["create", "create", "withdraw"]
    assert_chain_links(rows)


@pytest.mark.parametrize("forgery", [
    # written past the program: no hash, a made-up hash, a hash that skips the chain, an id out of turn
    "INSERT INTO audit_log (at, actor, action, table_name) VALUES ('2026-11-01', 'SV1', 'create', 'exceptions')",
    "INSERT INTO audit_log (audit_id, at, actor, action, table_name, prev_hash, hash) VALUES "
    "(2, '2026-11-01', 'SV1', 'create', 'exceptions', 'x', '" + "a" * 64 + "')",
    "INSERT INTO audit_log (audit_id, at, actor, action, table_name, prev_hash, hash) VALUES "
    "(9, '2026-11-01', 'SV1', 'create', 'exceptions', (SELECT hash FROM audit_log), '" + "a" * 64 + "')",
])
def test_the_database_refuses_an_audit_row_that_does_not_extend_the_chain(db_path, capsys, forgery):
    assert cli(capsys, *NOTE[:2], "--db", db_path, "--as", "SV1", *NOTE[2:])[0] == 0
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="extend the hash chain"):
            conn.execute(forgery)
    finally:
        conn.close()
    assert len(audit_rows(db_path)) == 1


def test_a_database_from_before_the_chain_gets_one_built_over_its_rows_once(tmp_path, capfd):
    """m007 on a schema-6 database holding audit rows: the chain covers them, the upgrade says so,
    and the next write extends it."""
    path = tmp_path / "v6.db"
    old = Database(sqlite3.connect(path))
    schema.migrations.apply(old, stop_before="m007_evidence")
    set_meta(old, "schema_version", "6")
    old.conn.commit()
    old.conn.close()
    small = small_database(tmp_path / "source.db")  # the same people and cases, copied into the old file
    small.close()
    conn = sqlite3.connect(path)
    conn.execute("ATTACH ? AS src", [str(tmp_path / "source.db")])
    for table in ("units", "cases", "people", "case_members"):
        conn.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
    conn.execute("INSERT INTO staff SELECT staff_id, name, role, unit_id FROM src.staff")
    conn.execute("INSERT INTO exceptions (case_id, person_id, category, reason, start_month, end_month, "
                 "approved_by, created_at, created_by) VALUES ('C1', 'K1', 'other', "
                 "'An exception approved before the upgrade.', '2026-09', '2026-10', 'SV1', '2026-09-02', 'SV1')")
    for at, action in (("2026-09-02T10:00:00Z", "create"), ("2026-09-03T10:00:00Z", "revoke")):
        conn.execute("INSERT INTO audit_log (at, actor, os_user, action, table_name, record_id, after) "
                     "VALUES (?, 'SV1', 'val', ?, 'exceptions', '1', '{}')", [at, action])
    conn.commit()
    conn.close()
    capfd.readouterr()

    db = open_database(path)
    err = capfd.readouterr().err
    assert err == (f"{path}: the audit log's hash chain was built over the 2 rows already there; from now on "
                   "every change extends it (`staffing-tui check` verifies it).\n")
    assert get_meta(db)["schema_version"] == str(SCHEMA_VERSION)
    assert '"rows": 2' in get_meta(db)["audit_chain_built"]
    actor = resolve_actor(db, "SV1")
    records.add_staffing_note(db, actor, records.StaffingNoteRequest("C2", records.Month.parse("2026-10"),
                                                                     "hospitalized", "In hospital.", "K2"))
    db.close()
    rows = audit_rows(path)
    assert [r[0] for r in rows] == [1, 2, 3] and [r[4] for r in rows] == [0, 0, 0]
    assert_chain_links(rows)
    open_database(path).close()  # once: opening again builds nothing and says nothing
    assert capfd.readouterr().err == ""
    assert list(tmp_path.glob("v6.db.v6-*.bak"))  # the pre-upgrade backup


# --- busy: exit 75 -------------------------------------------------------------------------------


def test_a_write_blocked_by_another_writer_exits_75_with_one_sentence_and_writes_nothing(
        db_path, capsys, monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another user's write transaction, open
    try:
        code, out, err = cli(capsys, *NOTE[:2], "--db", db_path, "--as", "SV1", *NOTE[2:])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (code, out) == (75, "")
    assert err == (f"error: {db_path} is busy: another user is writing; nothing was written, "
                   "try again in a moment.\n")
    assert audit_rows(db_path) == []


def test_a_record_service_blocked_by_another_writer_raises_busy(db_path, monkeypatch):
    """The app's forms get the same one sentence (errors.Busy, exit status 75 on the command line)."""
    assert Busy.exit_status == 75 and issubclass(Busy, UserError)
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    db = open_database(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Busy, match="is busy: another user is writing; nothing was written"):
            records.add_staffing_note(db, resolve_actor(db, "SV1"), records.StaffingNoteRequest(
                "C2", records.Month.parse("2026-10"), "hospitalized", "In hospital all month.", "K2"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert db.execute("SELECT count(*) FROM staffing_notes").fetchone() == (0,)
    db.close()
