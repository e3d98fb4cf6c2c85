"""Who is acting, and the append-only audit trail every write leaves (SPEC §3)."""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass

from sqlite_utils import Database

from staffing_tui.domain.enums import StaffRole
from staffing_tui.errors import UserError


@dataclass(frozen=True, slots=True)
class Actor:
    """The staff member on whose authority a record is written."""

    staff_id: str
    role: StaffRole
    unit_id: str | None
    os_user: str

    @property
    def may_approve(self) -> bool:
        return self.role in (StaffRole.SUPERVISOR, StaffRole.MANAGER)


def may_approve_for(role: StaffRole, actor_unit: str | None, unit: str | None) -> bool:
    """SPEC §3: a manager approves anywhere, a supervisor only for their own unit's cases."""
    return role is StaffRole.MANAGER or (role is StaffRole.SUPERVISOR and actor_unit == unit)


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, services)
        return "unknown"


def resolve_actor(db: Database, staff_id: str | None) -> Actor:
    """The acting user given by `--as` (or picked in the app)."""
    if not staff_id:
        raise UserError("Say who is acting with --as STAFF_ID (a staff id from the staff table).")
    row = db.execute("SELECT staff_id, role, unit_id FROM staff WHERE staff_id = ?", [staff_id]).fetchone()
    if row is None:
        raise UserError(f"--as {staff_id}: there is no such staff member in this database.")
    return Actor(row[0], StaffRole(row[1]), row[2], os_user())


def now_text() -> str:
    """A UTC timestamp for created_at / revoked_at / audit `at`."""
    import pendulum  # here, not at the top: the app starts faster without it (the screens import this module)

    return pendulum.now("UTC").to_iso8601_string()


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
    """Append one audit row; call inside the write's transaction."""
    db.execute(
        "INSERT INTO audit_log (at, actor, os_user, action, table_name, record_id, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            at or now_text(),
            actor.staff_id,
            actor.os_user,
            action,
            table,
            str(record_id),
            json.dumps(before, sort_keys=True) if before is not None else None,
            json.dumps(after, sort_keys=True) if after is not None else None,
        ],
    )
