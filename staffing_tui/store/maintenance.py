"""Keeping a database trustworthy: `check` (integrity and data quality) and `backup`.

`check_database` runs SQLite's own `integrity_check` and `foreign_key_check`,
then the data-quality rules a supervisor cannot see from one month's report:

* `duplicate_note` — the same contact entered twice under different note types
  (SPEC §2, §4: same case, author, minute and contact-with set);
* `in_person_while_runaway` — an in-person contact with a child on a day the
  placement directory shows runaway;
* `in_person_while_whereabouts_unknown` — an in-person contact with an adult
  whose whereabouts are marked unknown;
* `not_a_member` — a note listing (or searching for) someone who is not a
  member of the note's case;
* `overlapping_placements` — two placements of one child on one case in effect
  on the same day (end dates are inclusive, SPEC §3);
* `approver_role` — an exception, revocation, contact plan or staffing note
  recorded by someone SPEC §3 does not allow (a supervisor of the case
  specialist's unit, or a manager).

Findings name records by id only — never a name or a birth date — so the
output can be pasted into a ticket.

`backup_database` uses SQLite's online backup API (a consistent copy while
others keep working), writes the copy owner-only (0600) under a temporary
name, verifies it with `integrity_check`, gives it the database's own mode and
group (a shared database's backup is the group's too, never wider: SPEC §5)
and only then its name; an existing file is never overwritten.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlite_utils import Database

from staffing_tui.domain.enums import StaffRole
from staffing_tui.errors import DatabaseProblem, UserError
from staffing_tui.store.audit import Actor
from staffing_tui.store.connection import describe_sqlite_error, give_database_mode, open_database
from staffing_tui.store.records import approval_problem, case_info

#: Page cache while checking (KiB): a statewide file is read several times over.
CHECK_CACHE_KIB = 128 * 1024

#: Every rule `check` runs, in the order its findings are listed.
RULES = (
    "integrity",
    "foreign_key",
    "duplicate_note",
    "in_person_while_runaway",
    "in_person_while_whereabouts_unknown",
    "not_a_member",
    "overlapping_placements",
    "approver_role",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: the rule it breaks and a sentence naming records by id."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


# --- check ------------------------------------------------------------------------------


def check_database(db: Database) -> list[Finding]:
    """Every problem found, integrity first. Data-quality rules are skipped on a damaged file."""
    findings = integrity_findings(db)
    if findings:
        return findings + [Finding("integrity", "the data-quality rules were skipped because the file is damaged; "
                                                "restore it from a backup")]
    findings += foreign_key_findings(db)
    for rule in (duplicate_notes, in_person_while_runaway, in_person_while_whereabouts_unknown,
                 not_a_member, overlapping_placements, approver_roles):
        findings += rule(db)
    return findings


def integrity_findings(db: Database) -> list[Finding]:
    try:
        lines = [row[0] for row in db.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [Finding("integrity", describe_sqlite_error(exc))]
    if lines == ["ok"]:
        return []
    # One finding per line (a row may hold several); SQLite's own header line is noise.
    return [Finding("integrity", part.strip()) for line in lines for part in str(line).splitlines()
            if part.strip() and not part.startswith("*** in database")]


def _key_columns(db: Database, table: str) -> list[str]:
    columns = [row for row in db.execute(f"PRAGMA table_info([{table}])")]
    keys = [row[1] for row in sorted(columns, key=lambda row: row[5]) if row[5]]
    return keys or ["rowid"]


def foreign_key_findings(db: Database) -> list[Finding]:
    """References to rows that do not exist (e.g. written by another tool with foreign keys off)."""
    findings = []
    for table, rowid, parent, fkid in db.execute("PRAGMA foreign_key_check").fetchall():
        column = next((row[3] for row in db.execute(f"PRAGMA foreign_key_list([{table}])") if row[0] == fkid), "?")
        keys = _key_columns(db, table)
        row = db.execute(f"SELECT {', '.join(f'[{k}]' for k in keys)}, [{column}] FROM [{table}] WHERE rowid = ?",
                         [rowid]).fetchone()
        if row is None:
            continue
        record = ", ".join(str(v) for v in row[:-1])
        findings.append(Finding("foreign_key", f"{table} {record}: {column} {row[-1]} is not in {parent}"))
    return findings


def duplicate_notes(db: Database) -> list[Finding]:
    rows = db.execute(
        """WITH sets AS (
               SELECT n.note_id, n.case_id, n.author_id, substr(n.occurred_at, 1, 16) AS minute, n.note_type,
                      (SELECT group_concat(person_id, ',') FROM
                          (SELECT person_id FROM note_contacts c WHERE c.note_id = n.note_id ORDER BY person_id)
                      ) AS contacts
               FROM notes n)
           SELECT case_id, author_id, minute, contacts, group_concat(note_id, ', ')
           FROM (SELECT * FROM sets WHERE contacts IS NOT NULL ORDER BY note_id)
           GROUP BY case_id, author_id, minute, contacts
           HAVING count(DISTINCT coalesce(note_type, char(0))) > 1
           ORDER BY case_id, minute"""
    ).fetchall()
    return [
        Finding("duplicate_note", f"case {case_id}: notes {notes} record the same contact (author {author or '-'}, "
                                  f"{minute}, with {contacts}) under different note types; keep one")
        for case_id, author, minute, contacts, notes in rows
    ]


def in_person_while_runaway(db: Database) -> list[Finding]:
    rows = db.execute(
        """SELECT n.note_id, n.case_id, c.person_id, substr(n.occurred_at, 1, 10), p.placement_id
           FROM notes n
           JOIN note_contacts c ON c.note_id = n.note_id
           JOIN placements p ON p.case_id = n.case_id AND p.child_id = c.person_id AND p.location_type = 'runaway'
                AND p.start_on <= substr(n.occurred_at, 1, 10)
                AND (p.end_on IS NULL OR substr(n.occurred_at, 1, 10) <= p.end_on)
           WHERE n.method = 'in_person'
           ORDER BY n.case_id, n.note_id, c.person_id"""
    ).fetchall()
    return [
        Finding("in_person_while_runaway", f"note {note_id} (case {case_id}) claims an in-person contact with child "
                                           f"{person_id} on {day}, when placement {placement_id} shows runaway")
        for note_id, case_id, person_id, day, placement_id in rows
    ]


def in_person_while_whereabouts_unknown(db: Database) -> list[Finding]:
    rows = db.execute(
        # From the few flagged members to their contacts (not from every note): fast at scale.
        """SELECT n.note_id, n.case_id, c.person_id
           FROM case_members m
           JOIN note_contacts c ON c.person_id = m.person_id
           JOIN notes n ON n.note_id = c.note_id AND n.case_id = m.case_id
           WHERE m.whereabouts_unknown = 1 AND m.role != 'child' AND n.method = 'in_person'"""
    ).fetchall()
    rows.sort(key=lambda row: (row[1], row[0], row[2]))  # sorted here: an ORDER BY changes the plan
    return [
        Finding("in_person_while_whereabouts_unknown",
                f"note {note_id} (case {case_id}) claims an in-person contact with {person_id}, whose whereabouts "
                "are marked unknown; fix the note or the member's whereabouts")
        for note_id, case_id, person_id in rows
    ]


def not_a_member(db: Database) -> list[Finding]:
    contacts = db.execute(
        # Notes and their contacts are both read in note_id order (one pass, no random reads).
        """SELECT n.note_id, n.case_id, c.person_id
           FROM notes n JOIN note_contacts c ON c.note_id = n.note_id
           WHERE NOT EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = n.case_id AND m.person_id = c.person_id)"""
    ).fetchall()
    contacts.sort(key=lambda row: (row[1], row[0], row[2]))  # sorted here: an ORDER BY changes the plan
    searched = db.execute(
        """SELECT n.note_id, n.case_id, n.locate_for
           FROM notes n
           WHERE n.locate_for IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = n.case_id AND m.person_id = n.locate_for)"""
    ).fetchall()
    searched.sort(key=lambda row: (row[1], row[0]))
    return [
        Finding("not_a_member", f"note {note_id} (case {case_id}) lists {person_id} as contacted, who is not a "
                                f"member of case {case_id}")
        for note_id, case_id, person_id in contacts
    ] + [
        Finding("not_a_member", f"note {note_id} (case {case_id}) records locate efforts for {person_id}, who is "
                                f"not a member of case {case_id}")
        for note_id, case_id, person_id in searched
    ]


def overlapping_placements(db: Database) -> list[Finding]:
    rows = db.execute(
        """SELECT a.case_id, a.child_id, a.placement_id, b.placement_id,
                  max(a.start_on, b.start_on) AS first_day
           FROM placements a JOIN placements b
             ON a.case_id = b.case_id AND a.child_id = b.child_id AND a.placement_id < b.placement_id
           WHERE a.start_on <= coalesce(b.end_on, '9999-12-31') AND b.start_on <= coalesce(a.end_on, '9999-12-31')
           ORDER BY a.case_id, a.child_id, a.placement_id, b.placement_id"""
    ).fetchall()
    return [
        Finding("overlapping_placements", f"child {child_id} (case {case_id}): placements {first} and {second} are "
                                          f"both in effect on {day}; end one before the other starts")
        for case_id, child_id, first, second, day in rows
    ]


#: Records that need an approver (SPEC §3): table, key, the staff column and what it did.
_APPROVALS = (
    ("exceptions", "exception_id", "approved_by", "approved"),
    ("exceptions", "exception_id", "revoked_by", "revoked"),
    ("contact_plans", "contact_plan_id", "approved_by", "approved"),
    ("staffing_notes", "staffing_note_id", "author", "written"),
)


def approver_roles(db: Database) -> list[Finding]:
    staff = {sid: (role, unit) for sid, role, unit in db.execute("SELECT staff_id, role, unit_id FROM staff")}
    cases: dict[str, object] = {}
    findings = []
    for table, key, column, verb in _APPROVALS:
        noun = table.rstrip("s").replace("_", " ")
        for record_id, case_id, staff_id in db.execute(
            f"SELECT {key}, case_id, {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY {key}"
        ).fetchall():
            if staff_id not in staff:
                findings.append(Finding("approver_role", f"{noun} {record_id} (case {case_id}) was {verb} by "
                                                         f"{staff_id}, who is not on the staff list"))
                continue
            if case_id not in cases:
                cases[case_id] = case_info(db, case_id)
            case = cases[case_id]
            if case is None:
                continue  # reported by the foreign-key check
            role, unit_id = staff[staff_id]
            try:
                actor = Actor(staff_id, StaffRole(role), unit_id, "")
            except ValueError:
                continue  # an unknown role is refused by the schema's CHECK constraint
            problem = approval_problem(actor, case)  # type: ignore[arg-type]
            if problem is not None:
                findings.append(Finding("approver_role", f"{noun} {record_id} (case {case_id}) was {verb} by "
                                                         f"{staff_id}: {problem}"))
    return findings


def check_path(path: str | os.PathLike) -> list[Finding]:
    """Open `path` read-only and check it (DatabaseProblem when it cannot be opened at all)."""
    db = open_database(path, readonly=True)
    try:
        db.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        return check_database(db)
    except sqlite3.DatabaseError as exc:
        return [Finding("integrity", describe_sqlite_error(exc, path))]
    finally:
        db.close()


# --- backup -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackupResult:
    destination: Path
    pages: int


def backup_database(source: str | os.PathLike, destination: str | os.PathLike) -> BackupResult:
    """Copy the database at `source` to the new file `destination` with SQLite's online backup.

    The copy is consistent even while others write, has the database's mode and
    group (owner-only for a private database), is in rollback-journal mode (one
    self-contained file) and is checked with `integrity_check` before it gets its
    name. Never overwrites.
    """
    destination = Path(destination)
    if destination.exists() or destination.is_symlink():
        raise UserError(f"{destination} already exists; choose a new file name (backup never overwrites).")
    if not destination.parent.is_dir():
        raise UserError(f"The folder {destination.parent} does not exist; create it or choose another destination.")
    db = open_database(source, readonly=True)
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            os.close(fd)
        except OSError as exc:
            raise UserError(f"Cannot write {destination}: {exc.strerror}; choose a folder you can write to.") from None
        copy = sqlite3.connect(str(partial))
        try:
            db.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            verdict = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise DatabaseProblem(f"The backup failed: {describe_sqlite_error(exc, source)}") from None
        finally:
            copy.close()
        if verdict != ["ok"]:
            raise DatabaseProblem(f"The backup of {source} failed its integrity check; run "
                                  f"`staffing-tui check --db {source}`.")
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        give_database_mode(partial, source)  # before it has its name: never seen with another mode
        _name_without_overwriting(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
        db.close()
    return BackupResult(destination, pages)


def _name_without_overwriting(partial: Path, destination: Path) -> None:
    try:
        os.link(partial, destination)  # atomic, and fails when the name was taken meanwhile
    except FileExistsError:
        raise UserError(f"{destination} already exists; choose a new file name (backup never overwrites).") from None
    except OSError:
        # A file system without hard links (some network shares): check, then rename.
        if destination.exists():
            raise UserError(f"{destination} already exists; choose a new file name (backup never overwrites).") \
                from None
        os.rename(partial, destination)
