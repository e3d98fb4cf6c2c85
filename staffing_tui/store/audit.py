"""Who is acting, and the hash-chained, append-only audit trail every write leaves (docs/evidence.md).

Identity (docs/evidence.md "Who acted"): when any staff row has a `login`, the database runs with
*verified identity*. The acting staff member is the one whose `login` is the
operating-system account of this process's real user id, looked up from the
id itself (`pwd`), never from `USER`, `LOGNAME` or anything else a user can
set. Without any login the database is *unverified* (a demo or single-user
file): `--as` or the app's picker says who acts, and every audit row records
`verified = 0`.

The audit log is a hash chain: each row's `hash` is SHA-256 over the hash of
the row before it and the row's own content (`schema.audit_payload`), so a row
changed, removed or slipped in by hand breaks the chain from there on, and
`check` finds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
from dataclasses import dataclass

from sqlite_utils import Database

from staffing_tui.domain.enums import StaffRole
from staffing_tui.errors import UserError
from staffing_tui.store.schema import AUDIT_HASHED, GENESIS_HASH, audit_payload


@dataclass(frozen=True, slots=True)
class Actor:
    """The staff member on whose authority a record is written."""

    staff_id: str
    role: StaffRole
    unit_id: str | None
    os_user: str
    #: bound to the operating-system account (docs/evidence.md "Who acted")
    verified: bool = False

    @property
    def may_approve(self) -> bool:
        return self.role in (StaffRole.SUPERVISOR, StaffRole.MANAGER)


def may_approve_for(role: StaffRole, actor_unit: str | None, unit: str | None) -> bool:
    """A manager approves anywhere, a supervisor only for their own unit's cases
    (docs/data.md "Records created in the app")."""
    return role is StaffRole.MANAGER or (role is StaffRole.SUPERVISOR and actor_unit == unit)


def os_user() -> str:
    """The account name of this process's real user id (never an environment variable)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a user id with no account entry (some containers)
        return f"uid {uid}"


def is_verified(db: Database) -> bool:
    """Whether the database runs with verified identity: some staff row has a login."""
    try:
        row = db.execute("SELECT EXISTS (SELECT 1 FROM staff WHERE login IS NOT NULL AND login != '')").fetchone()
    except Exception:  # a database without staff.login (not migrated yet): unverified
        return False
    return bool(row[0])


@dataclass(frozen=True, slots=True)
class Identity:
    """Who this process is in `db`: the OS account, whether identity is verified, and the staff
    member bound to the account (None: verified, but the account has no staff row)."""

    os_user: str
    verified: bool
    staff_id: str | None = None


def identity(db: Database) -> Identity:
    """This process's identity in `db` (docs/evidence.md "Who acted")."""
    account = os_user()
    if not is_verified(db):
        return Identity(account, False)
    row = db.execute("SELECT staff_id FROM staff WHERE login = ?", [account]).fetchone()
    return Identity(account, True, row[0] if row else None)


def not_on_staff_list(me: Identity) -> str:
    """What an account with no staff row on a verified database is told: it may read, not write."""
    return (f"The account {me.os_user} is not on this database's staff list (no staff row has "
            f"login {me.os_user}); you may read, but not write. Ask for your login to be added to staff.csv.")


def as_refusal(me: Identity, staff_id: str | None) -> str | None:
    """Why `--as staff_id` is refused (None: accepted). docs/evidence.md "Who acted": on a verified database `--as` may
    only name the logged-in staff member; on an unverified one it names whoever is acting."""
    if not me.verified or not staff_id or staff_id == me.staff_id:
        return None
    if me.staff_id is None:
        return (f"--as {staff_id}: you are logged in as {me.os_user}, who is not on this database's staff "
                "list; leave --as out to browse (you may read, but not write).")
    return (f"--as {staff_id}: you are logged in as {me.os_user}, who is staff member "
            f"{me.staff_id}; on this database you can only act as yourself (leave --as out).")


def resolve_actor(db: Database, staff_id: str | None) -> Actor:
    """The acting staff member: the logged-in one on a verified database (where `staff_id`, from
    `--as` or the app, must name that same person or be left out), else the one `staff_id` names."""
    me = identity(db)
    if me.verified:
        if me.staff_id is None:
            raise UserError(not_on_staff_list(me))
        if (refusal := as_refusal(me, staff_id)) is not None:
            raise UserError(refusal)
        staff_id = me.staff_id
    elif not staff_id:
        raise UserError("Say who is acting with --as STAFF_ID (a staff id from the staff table).")
    row = db.execute("SELECT staff_id, role, unit_id FROM staff WHERE staff_id = ?", [staff_id]).fetchone()
    if row is None:
        raise UserError(f"--as {staff_id}: there is no such staff member in this database.")
    return Actor(row[0], StaffRole(row[1]), row[2], me.os_user, me.verified)


def now_text() -> str:
    """A UTC timestamp for created_at / revoked_at / audit `at`."""
    import pendulum  # here, not at the top: the app starts faster without it (the screens import this module)

    return pendulum.now("UTC").to_iso8601_string()


def row_hash(prev_hash: str, row) -> str:
    """The hash of an audit row: SHA-256 over the previous row's hash and this row's content."""
    return hashlib.sha256(audit_payload(prev_hash, row).encode("utf-8")).hexdigest()


def _json(value: dict | None) -> str | None:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str) if value is not None else None


def write_audit(
    db: Database,
    actor: Actor,
    action: str,
    table: str,
    record_id: object,
    *,
    before: dict | None = None,
    after: dict | None = None,
    at: str | None = None,
) -> None:
    """Append one audit row, extending the hash chain; call inside the write's transaction.

    The transaction holds the write lock (`BEGIN IMMEDIATE`), so the last row read here is the
    last row of the log when this one is added: two writers cannot fork the chain.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("write_audit runs inside the write's transaction")
    last = db.execute("SELECT audit_id, hash FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone()
    audit_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    row = dict(zip(AUDIT_HASHED, (
        audit_id, at or now_text(), actor.staff_id, actor.os_user, int(actor.verified), action, table,
        str(record_id), _json(before), _json(after),
    )))
    row["prev_hash"] = prev_hash
    row["hash"] = row_hash(prev_hash, [row[column] for column in AUDIT_HASHED])
    columns = ", ".join(row)
    db.execute(f"INSERT INTO audit_log ({columns}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))


def casework_history_digest(rows) -> str:
    """SHA-256 hex of an import's `casework_history` rows, as `imports.history_sha256` records them.

    `rows` are `(history_id, import_id, table_name, key, before)` in history_id order; each is
    serialised as compact JSON and they are joined with newlines (no rows: the empty string's
    hash). The import writes it; `check` recomputes it, so a history row changed or removed by hand
    is found even though the rows themselves carry no hash.
    """
    digest = hashlib.sha256()
    for index, row in enumerate(rows):
        if index:
            digest.update(b"\n")
        digest.update(json.dumps(list(row), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return digest.hexdigest()
