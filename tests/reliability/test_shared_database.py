"""docs/evidence.md "Shared databases" and docs/evidence.md "Who acted", proved with real operating-system accounts.

A throw-away group and three accounts of it are created for this module (`accounts`): a
supervisor and a manager, whose logins are on the staff list, and an outsider, who has no staff
row. Each command runs in a real process of the account that gives it; the database lives in a
folder of the group in /tmp (group, mode 2770), as it would on an agency's host.

How a process of an account is made (tests/reliability/os_accounts.py):

* The tests run as root (this machine and CI do). Another account cannot start this Python: the
  interpreter and its standard library live under /root, which is 0700. So the test process
  forks, and the fork drops root for good — `os.setgroups([group])`, `os.setgid`, `os.setuid`,
  in that order, and proves it cannot `setuid(0)` back — then calls `staffing_tui.cli.main`.
  Its real and effective user id are the account's: `audit.os_user()` finds the account from
  the uid, and every file it makes is the account's, with the account's group and a umask the
  test chooses (077 unless said: whatever the group may use was given on purpose).
* A fork can read nothing under /root, so it must import nothing new. Before the first fork
  the module imports every headless module of the program and `warm_up` runs each kind of
  command these tests run once, as root, on a scratch database, which loads what the commands
  import lazily (`grp`, the importer's, pendulum's time zones...). A fork records every import it
  still attempts and a failing one reports them, naming the module to warm up.
* A fork sends its result back through a pipe (JSON) and leaves with `os._exit`, never running
  pytest's cleanup; the test reaps it by its pid and kills it (by that pid) if it hangs.
* Accounts, group and folders are named `sttui-<pid>-<random>` and removed afterwards even when
  a test fails; leftovers of a killed earlier run (whose pid no longer runs) are removed first.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlite_utils import Database

from staffing_tui.cli import EXIT_BAD_INPUT, EXIT_BUSY, EXIT_OK
from staffing_tui.domain.months import Month
from staffing_tui.store import schema
from staffing_tui.store.audit import row_hash
from staffing_tui.store.connection import connect_readonly, open_database, set_meta
from staffing_tui.store.schema import AUDIT_HASHED, GENESIS_HASH, SCHEMA_VERSION
from tests.reliability import os_accounts
from tests.reliability.datasets import write_csv, write_dataset, write_staff_with_logins
from tests.reliability.os_accounts import Account, Runner, cli

#: Slow: accounts and a group are created for the module and each command runs in a process of its own.
pytestmark = pytest.mark.slow

#: Writes each account makes while the other writes too.
WRITES_PER_ACCOUNT = 20
MONTH = "2025-02"


@dataclass(frozen=True)
class Group:
    name: str  # also the prefix of everything the tests make
    gid: int
    supervisor: Account  # staff SV1, supervisor of unit U1
    manager: Account  # staff MG1, manager
    outsider: Account  # in the group, but on no staff row


def staff_rows(supervisor_login: str, manager_login: str | None = None) -> list[list[str]]:
    return [["S1", "Sam Specialist", "specialist", "U1", ""],
            ["SV1", "Val Supervisor", "supervisor", "U1", supervisor_login],
            ["MG1", "Mo Manager", "manager", "U1", manager_login or ""]]


def write_unit_csv(directory: Path, supervisor_login: str, manager_login: str | None = None) -> Path:
    """The reliability data set (one unit, specialist S1, four cases), with logins on staff.csv;
    child K0's goal is guardianship, so parent A0 may have a contact plan."""
    write_dataset(directory, cases=4, notes_per_case=2)
    write_staff_with_logins(directory, staff_rows(supervisor_login, manager_login))
    write_csv(directory, "permanency_goals", [[f"C{i}", f"K{i}", "guardianship" if i == 0 else "reunification",
                                               "2025-01-01"] for i in range(4)])
    return directory


def older_database(path: Path, owner: Account, mode: int) -> None:
    """A database at the schema before the newest migration (as tests/store/test_schema.py builds
    them), owned by `owner` with `mode` and the owner's group."""
    old = Database(sqlite3.connect(path))
    schema.migrations.apply(old, stop_before=schema.migrations._migrations[-1].name)
    set_meta(old, "schema_version", str(SCHEMA_VERSION - 1))
    old.conn.commit()
    old.conn.close()
    os.chown(path, owner.uid, owner.gid)
    os.chmod(path, mode)


def note_add(db: Path, case: str, person: str, n: int, *extra: str) -> list[str]:
    """The `n`th write's note: each one for its own month (one staffing note per person and month)."""
    month = str(Month.parse(MONTH).shift(n))
    return ["note", "add", "--db", str(db), "--case", case, "--person", person, "--month", month,
            "--reason-code", "scheduling", "--text", f"Write {n}: the visit could not be scheduled.", *extra]


def step_add(db: Path, case: str, n: int) -> list[str]:
    return ["step", "add", "--db", str(db), "--specialist", "S1", "--case", case,
            "--text", f"Step {n}: schedule the visit.", "--due", "2025-03-10"]


def plan_generate(db: Path) -> list[str]:
    return ["plan", "generate", "--db", str(db), "--case", "C0", "--parent", "A0", "--frequency", "1",
            "--methods", "in_person", "--arrangements", "At the office, supervised.", "--from", MONTH,
            "--review-on", "2025-05-01"]


def warm_up(folder: Path, group: str) -> None:
    """Run, as root and in this process, each kind of command the accounts run, so every module
    they import lazily is loaded before the first fork (see the module docstring)."""
    db = folder / "warm.db"
    older_database(folder / "older.db", Account("root", 0, 0), 0o600)
    for argv in (["init", "--db", db, "--group", group],
                 ["import", write_unit_csv(folder / "csv", "root"), "--db", db],
                 note_add(db, "C0", "K0", 0), step_add(db, "C0", 0), plan_generate(db),
                 ["report", "--db", db, "--month", MONTH, "--format", "json"],
                 ["report", "--db", db, "--month", MONTH, "--format", "json", "--out", folder / "r.json"],
                 ["plan", "export", "1", "--db", db, "--format", "html", "--out", folder / "p.html"],
                 ["backup", "--db", db, folder / "copy.db"],
                 ["check", "--db", db],
                 ["check", "--db", folder / "older.db"]):
        result = cli(*argv)
        assert result["code"] == EXIT_OK, (argv, result)


@pytest.fixture(scope="module")
def group() -> Group:
    """A throw-away group with a supervisor, a manager and an outsider; all removed afterwards."""
    if os.geteuid() != 0:
        pytest.fail("these tests create operating-system accounts: run them as root (as CI does)")
    os_accounts.remove_leftovers()
    prefix = os_accounts.new_prefix()
    made: list[str] = []
    group_name = None
    try:
        gid = os_accounts.create_group(prefix)
        group_name = prefix
        accounts = []
        for role in ("sv", "mg", "nx"):
            accounts.append(os_accounts.create_account(f"{prefix}-{role}", prefix))
            made.append(accounts[-1].name)
        os_accounts.import_headless_modules()
        scratch = os_accounts.shared_folder(prefix, gid)
        try:
            warm_up(scratch, prefix)
        finally:
            shutil.rmtree(scratch)
        yield Group(prefix, gid, *accounts)
    finally:
        os_accounts.remove_accounts(made, group_name)


@pytest.fixture
def folder(group: Group):
    """A fresh folder of the group (2770) in /tmp, removed afterwards."""
    path = os_accounts.shared_folder(group.name, group.gid)
    try:
        yield path
    finally:
        shutil.rmtree(path)


@pytest.fixture
def runner():
    runner = Runner()
    try:
        yield runner
    finally:
        runner.close()


def shared_unit(runner: Runner, group: Group, folder: Path) -> Path:
    """`init --group` by the supervisor, then the supervisor imports the unit (logins of the
    supervisor and the manager on staff.csv)."""
    db = folder / "unit.db"
    assert runner.run(group.supervisor, "init", "--db", db, "--group", group.name)["code"] == EXIT_OK
    csv = write_unit_csv(folder / "csv", group.supervisor.name, group.manager.name)
    result = runner.run(group.supervisor, "import", csv, "--db", db)
    assert result["code"] == EXIT_OK, result
    return db


def mode_and_group(path: Path) -> tuple[int, int]:
    st = path.stat()
    return stat.S_IMODE(st.st_mode), st.st_gid


def query(db: Path, sql: str, params=()) -> list[tuple]:
    conn = connect_readonly(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def one_sentence(err: str) -> bool:
    return err.startswith("error: ") and err.strip().count("\n") == 0 and "Traceback" not in err


# --- files: the database, its side files, backups, exports --------------------------------------

def test_init_with_a_group_makes_a_database_the_group_may_read_and_write(runner, group, folder):
    result = runner.run(group.supervisor, "init", "--db", folder / "unit.db", "--group", group.name)
    assert result["code"] == EXIT_OK, result
    assert mode_and_group(folder / "unit.db") == (0o660, group.gid)
    assert (folder / "unit.db").stat().st_uid == group.supervisor.uid


def test_wal_and_shm_beside_a_shared_database_are_the_groups_while_two_accounts_use_it(runner, group, folder):
    db = shared_unit(runner, group, folder)
    ready_r, ready_w = os.pipe()
    release_r, release_w = os.pipe()

    def hold_open() -> str:
        database = open_database(db)
        database.execute("SELECT count(*) FROM staff").fetchone()  # WAL mode: makes -wal and -shm
        os.write(ready_w, b"r")
        os.read(release_r, 1)
        database.close()
        return "closed"

    holder = runner.start(group.supervisor, hold_open)
    os.close(ready_w)
    os.close(release_r)
    try:
        assert os.read(ready_r, 1) == b"r", holder.result()
        written = runner.run(group.manager, *note_add(db, "C1", "K1", 1))  # into the supervisor's WAL
        assert written["code"] == EXIT_OK, written
        for suffix in ("-wal", "-shm"):
            assert mode_and_group(Path(f"{db}{suffix}")) == (0o660, group.gid), suffix
    finally:
        with contextlib.suppress(BrokenPipeError):  # the holder may have died already
            os.write(release_w, b"x")
        os.close(release_w)
        os.close(ready_r)
    assert holder.result() == "closed"


def test_a_backup_of_a_shared_database_gets_its_mode_and_group(runner, group, folder):
    db = folder / "unit.db"
    assert runner.run(group.supervisor, "init", "--db", db, "--group", group.name)["code"] == EXIT_OK
    result = runner.run(group.manager, "backup", "--db", db, folder / "unit-copy.db")  # umask 077
    assert result["code"] == EXIT_OK, result
    assert mode_and_group(folder / "unit-copy.db") == (0o660, group.gid)
    assert not list(folder.glob(".unit-copy.db.partial-*"))


def test_a_backup_of_a_private_database_stays_owner_only_even_in_a_shared_folder(runner, group, folder):
    db = folder / "mine.db"
    assert runner.run(group.supervisor, "init", "--db", db, umask=0o002)["code"] == EXIT_OK
    assert mode_and_group(db)[0] == 0o600
    result = runner.run(group.supervisor, "backup", "--db", db, folder / "mine-copy.db", umask=0o002)
    assert result["code"] == EXIT_OK, result
    assert mode_and_group(folder / "mine-copy.db")[0] == 0o600  # never wider than the database


@pytest.mark.parametrize("mode, umask", [(0o660, 0o077), (0o600, 0o002)], ids=["shared", "private"])
def test_a_migration_backup_gets_the_databases_mode_and_group_never_wider(runner, group, folder, mode, umask):
    db = folder / "older.db"
    owner = group.supervisor if mode == 0o660 else group.manager
    older_database(db, owner, mode)
    result = runner.run(group.manager, "check", "--db", db, umask=umask)  # upgrades the file first
    assert result["code"] == EXIT_OK, result
    (backup,) = folder.glob(f"older.db.v{SCHEMA_VERSION - 1}-*.bak")
    assert mode_and_group(backup) == (mode, group.gid)
    assert mode_and_group(db) == (mode, group.gid)


def test_exports_stay_owner_only_in_a_shared_folder(runner, group, folder):
    db = shared_unit(runner, group, folder)
    plan = runner.run(group.supervisor, *plan_generate(db))
    assert plan["code"] == EXIT_OK, plan
    exports = {
        "report.json": ["report", "--db", db, "--month", MONTH, "--format", "json", "--out", folder / "report.json"],
        "plan.html": ["plan", "export", plan["out"].strip(), "--db", db, "--format", "html",
                      "--out", folder / "plan.html"],
    }
    for name, argv in exports.items():
        result = runner.run(group.supervisor, *argv, umask=0o002)  # a umask that would let the group read
        assert result["code"] == EXIT_OK, result
        assert mode_and_group(folder / name)[0] == 0o600, name


def test_init_with_an_unknown_group_is_refused_and_creates_nothing(runner, group, folder):
    result = runner.run(group.supervisor, "init", "--db", folder / "unit.db", "--group", f"{group.name}-none")
    assert result["code"] == EXIT_BAD_INPUT and one_sentence(result["err"]), result
    assert "no such group" in result["err"]
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("gid_of, mode", [("group", 0o2750), ("root", 0o1777), ("group", 0o0770)],
                         ids=["the-groups-but-read-only", "everyones-like-tmp", "the-groups-without-setgid"])
def test_init_with_a_group_into_a_folder_the_group_cannot_write_is_refused_and_creates_nothing(
        runner, group, folder, gid_of, mode):
    inner = folder / "inner"
    inner.mkdir()
    os.chown(inner, 0, group.gid if gid_of == "group" else 0)
    os.chmod(inner, mode)
    result = runner.run(group.supervisor, "init", "--db", inner / "unit.db", "--group", group.name)
    assert result["code"] == EXIT_BAD_INPUT and one_sentence(result["err"]), result
    assert f"not writable by group {group.name}" in result["err"]
    assert list(inner.iterdir()) == []


# --- identity: each account acts as itself --------------------------------------------------------

def audit_of(db: Path, table: str) -> list[tuple]:
    return query(db, "SELECT record_id, actor, os_user, verified FROM audit_log WHERE table_name = ? "
                     "ORDER BY audit_id", [table])


def test_user_logname_and_home_naming_the_other_account_change_nothing(runner, group, folder):
    db = shared_unit(runner, group, folder)
    posing = {group.supervisor: group.manager, group.manager: group.supervisor}
    ids = {}
    for n, (account, other) in enumerate(posing.items(), 1):
        result = runner.run(account, *note_add(db, "C1", "K1", n), env=other.login_environment)
        assert result["code"] == EXIT_OK, result
        ids[account] = result["out"].strip()
    assert audit_of(db, "staffing_notes") == [(ids[group.supervisor], "SV1", group.supervisor.name, 1),
                                              (ids[group.manager], "MG1", group.manager.name, 1)]


def test_as_naming_another_person_is_refused_saying_who_you_are_logged_in_as(runner, group, folder):
    db = shared_unit(runner, group, folder)
    refused = runner.run(group.supervisor, *note_add(db, "C1", "K1", 1, "--as", "MG1"))
    assert refused["code"] == EXIT_BAD_INPUT and one_sentence(refused["err"]), refused
    assert f"logged in as {group.supervisor.name}, who is staff member SV1" in refused["err"]
    assert query(db, "SELECT count(*) FROM staffing_notes") == [(0,)]
    myself = runner.run(group.supervisor, *note_add(db, "C1", "K1", 2, "--as", "SV1"))
    assert myself["code"] == EXIT_OK, myself


def test_an_account_of_the_group_with_no_staff_row_may_read_but_not_write(runner, group, folder):
    db = shared_unit(runner, group, folder)
    report = runner.run(group.outsider, "report", "--db", db, "--month", MONTH, "--format", "json")
    assert report["code"] == EXIT_OK, report
    assert json.loads(report["out"])["summary"]["rows"] > 0
    refused = runner.run(group.outsider, *note_add(db, "C1", "K1", 1))
    assert refused["code"] == EXIT_BAD_INPUT and one_sentence(refused["err"]), refused
    assert f"The account {group.outsider.name} is not on this database's staff list" in refused["err"]
    assert query(db, "SELECT count(*) FROM staffing_notes") == [(0,)]


# --- two accounts writing at once -----------------------------------------------------------------

def write_in_turn(db: Path, case: str, person: str, go: int) -> dict:
    """Wait for the go, then alternate staffing notes and next steps; a busy write (exit 75:
    nothing was written) is tried again."""
    os.read(go, 1)
    start, written, busy = time.time(), [], 0
    for n in range(WRITES_PER_ACCOUNT):
        table, argv = ("staffing_notes", note_add(db, case, person, n)) if n % 2 == 0 else \
            ("next_steps", step_add(db, case, n))
        result = cli(*argv)
        while result["code"] == EXIT_BUSY and busy < 100:
            busy += 1
            result = cli(*argv)
        if result["code"] != EXIT_OK:
            return {"failed": result}
        written.append([table, result["out"].strip()])
    return {"written": written, "start": start, "end": time.time(), "busy": busy}


@pytest.fixture(scope="module")
def written_at_once(group):
    """The supervisor and the manager each make WRITES_PER_ACCOUNT writes to one shared database,
    both at the same time: (database, {account: what its process reported})."""
    folder = os_accounts.shared_folder(group.name, group.gid)
    runner = Runner()
    try:
        db = shared_unit(runner, group, folder)
        go_r, go_w = os.pipe()
        children = {account: runner.start(account, write_in_turn, db, case, person, go_r)
                    for account, case, person in ((group.supervisor, "C1", "K1"), (group.manager, "C2", "K2"))}
        os.write(go_w, b"go")  # both are forked and waiting: they start together
        os.close(go_w)
        os.close(go_r)
        yield db, {account: child.result() for account, child in children.items()}
    finally:
        runner.close()
        shutil.rmtree(folder)


def test_two_accounts_writing_at_once_lose_nothing(written_at_once):
    db, reports = written_at_once
    for report in reports.values():
        assert "failed" not in report, report
        assert len(report["written"]) == WRITES_PER_ACCOUNT
    first, second = reports.values()
    assert first["start"] < second["end"] and second["start"] < first["end"], "the writes did not overlap"
    for table, key in (("staffing_notes", "staffing_note_id"), ("next_steps", "next_step_id")):
        acked = sorted(int(i) for report in reports.values() for t, i in report["written"] if t == table)
        assert sorted(i for (i,) in query(db, f"SELECT {key} FROM {table}")) == acked


def test_each_audit_row_names_the_staff_member_bound_to_the_account_verified(written_at_once, group):
    db, reports = written_at_once
    staff = {group.supervisor: "SV1", group.manager: "MG1"}
    for table in ("staffing_notes", "next_steps"):
        expected = sorted((record_id, staff[account], account.name, 1)
                          for account, report in reports.items() for t, record_id in report["written"] if t == table)
        assert sorted(audit_of(db, table)) == expected, table


def test_check_passes_and_the_audit_chain_links_after_two_accounts_wrote_at_once(written_at_once, group):
    db, _ = written_at_once
    runner = Runner()
    try:
        result = runner.run(group.outsider, "check", "--db", db)
    finally:
        runner.close()
    assert result["code"] == EXIT_OK, result
    rows = query(db, f"SELECT {', '.join(AUDIT_HASHED)}, prev_hash, hash FROM audit_log ORDER BY audit_id")
    assert len(rows) >= 2 * WRITES_PER_ACCOUNT
    previous = GENESIS_HASH
    for row in rows:
        content, (prev_hash, digest) = row[:len(AUDIT_HASHED)], row[len(AUDIT_HASHED):]
        assert prev_hash == previous and digest == row_hash(previous, content), row[0]
        previous = digest
