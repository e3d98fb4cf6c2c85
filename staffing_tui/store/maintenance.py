"""Keeping a database trustworthy: `check` (integrity and data quality) and `backup`.

`check_database` runs SQLite's own `quick_check` (and `integrity_check` on the
evidence tables), looks for references to rows that do not exist, then the
evidence rules of `store.evidence` (`triggers`, `audit_chain`,
`reconciliation`: nothing was altered past the program), then the data-quality
rules a supervisor cannot see from one month's report:

* `duplicate_note` — the same contact entered twice under different note types
  (docs/policy.md "Integrity flags": same case, author, minute and contact-with set);
* `in_person_while_runaway` — an in-person contact with a child on a day the
  placement directory shows runaway;
* `in_person_while_whereabouts_unknown` — an in-person contact with an adult
  whose whereabouts are marked unknown;
* `not_a_member` — a note listing (or searching for) someone who is not a
  member of the note's case;
* `overlapping_placements` — two placements of one child on one case in effect
  on the same day (end dates are inclusive, docs/data.md "Files and columns");
* `placement_gap` — days between two placements of a child on a case on which
  no placement is in effect while the child is a member and the case is open
  (the placement directory does not say where the child was);
* `in_person_without_contact` — an in-person note listing nobody in
  note_contacts (the "contact with" list is who was seen, docs/data.md "Files and columns");
* `locate_for_contacted` — a note searching for a person (`locate_for`) that
  also lists them as contacted (the person searched for is never in note_contacts);
* `approver_role` — an exception, revocation, contact plan or staffing note
  recorded by someone docs/data.md "Records created in the app" does not allow (a supervisor of the case
  specialist's unit, or a manager).

Findings name records by id only — never a name or a birth date — so the
output can be pasted into a ticket.

`backup_database` uses SQLite's online backup API (a consistent copy while
others keep working), writes the copy owner-only (0600) under a temporary
name, verifies it with `integrity_check`, gives it the database's own mode and
group (a shared database's backup is the group's too, never wider: docs/evidence.md "Shared databases")
and only then its name; an existing file is never overwritten. A backup killed
before it could clean up leaves its hidden partial copy behind — a whole copy of
the database nobody would look for: the next `backup` into that folder, or the
next `check` of a database in it, removes the partial copies whose process is
gone (`remove_abandoned_partials`) and says so in one line.
"""

from __future__ import annotations

import json

import os
import re
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlite_utils import Database

from staffing_tui.domain.enums import StaffRole
from staffing_tui.errors import DatabaseProblem, UserError
from staffing_tui.store.audit import Actor
from staffing_tui.store.connection import Background, describe_sqlite_error, give_database_mode, open_database
from staffing_tui.store.evidence import (
    ChainHead,
    head_findings,
    reconciliation_findings,
    trigger_findings,
    verify_chain,
)
from staffing_tui.store.findings import Finding
from staffing_tui.store.records import approval_problem, case_info
from staffing_tui.store.schema import RECONCILED

#: Page cache while checking (KiB): a statewide file is read several times over.
CHECK_CACHE_KIB = 128 * 1024

#: The rules proving nothing was altered past the program (`store.evidence`).
EVIDENCE_RULES = ("triggers", "audit_chain", "reconciliation")

#: The rules about the casework itself.
DATA_QUALITY_RULES = (
    "duplicate_note",
    "in_person_while_runaway",
    "in_person_while_whereabouts_unknown",
    "not_a_member",
    "overlapping_placements",
    "placement_gap",
    "in_person_without_contact",
    "locate_for_contacted",
    "approver_role",
)

#: Every rule `check` runs, in the order its findings are listed.
RULES = ("integrity", "foreign_key", *EVIDENCE_RULES, *DATA_QUALITY_RULES)


# --- check ------------------------------------------------------------------------------


def check_database(db: Database, *, since_head: str | None = None) -> list[Finding]:
    """Every problem found, integrity first. The other rules are skipped on a damaged file.

    `since_head`: a head taken earlier (`check --head`) that the audit log must still contain.
    """
    # The pass over every note (about half of the work statewide; it finds the notes' missing
    # references too) runs on a second connection in a thread while this one checks the file, the
    # evidence and the other references: SQLite works without the GIL. On a damaged file its
    # result is never asked for.
    notes = Background.start(db, _note_scan, name="check: notes")
    findings = integrity_findings(db)
    if findings:
        return findings + [Finding("integrity", "the other rules were skipped because the file is damaged; "
                                                "restore it from a backup")]
    evidence = trigger_findings(db) + verify_chain(db).findings
    if since_head is not None:
        evidence += head_findings(db, since_head)
    evidence += reconciliation_findings(db)
    duplicates = duplicate_notes(db)
    findings += foreign_key_findings(db, scanned={"notes": lambda: notes.result().missing_parents})
    scan = notes.result()
    findings += evidence + duplicates
    for rule in (in_person_while_runaway, in_person_while_whereabouts_unknown,
                 partial(not_a_member, scan=scan), overlapping_placements, placement_gaps,
                 partial(in_person_without_contact, scan=scan), partial(locate_for_contacted, scan=scan),
                 approver_roles):
        findings += rule(db)
    return findings


def _note_scan(conn: sqlite3.Connection) -> "NoteScan":
    """`NoteScan.of` on `conn` (`check_database`'s second connection)."""
    conn.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
    return NoteScan.of(Database(conn, execute_plugins=False, recursive_triggers=False))


def check_chain(db: Database) -> tuple[list[Finding], ChainHead]:
    """`check --head`: the audit chain alone, verified, and its head."""
    findings = integrity_findings(db)
    if findings:
        return findings, ChainHead(0, "")
    verdict = verify_chain(db)
    return verdict.findings, verdict.head


#: The tables whose every index `check` also matches against their rows (`integrity_check`): the
#: evidence, small. The file as a whole gets `quick_check`: every page and every b-tree, what a
#: damaged disk or a torn write breaks. Matching the casework's indexes too (notes and their
#: contacts: millions of rows) took about 5 of 6 s on the statewide database, for a well-formed
#: index that disagrees with its table — a bug or a byte flipped inside a cell, not a torn page.
FULLY_CHECKED = (*RECONCILED, "casework_history", "audit_log")


def integrity_findings(db: Database) -> list[Finding]:
    try:
        lines = [row[0] for row in db.execute("PRAGMA quick_check")]
        if lines == ["ok"]:
            lines = [row[0] for table in FULLY_CHECKED for row in db.execute(f"PRAGMA integrity_check({table})")
                     if row[0] != "ok"] or ["ok"]
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


def foreign_key_findings(db: Database, *, scanned: dict[str, Callable[[], list[tuple]]] | None = None) -> list[Finding]:
    """References to rows that do not exist (e.g. written by another tool with foreign keys off).

    What `PRAGMA foreign_key_check` finds, found faster: it looks every row's parent up (statewide,
    6 million look-ups, 1.5 s of CPU). A column that leads an index is read here as its distinct
    values instead (18,000 cases for 1.5 million notes), each looked up once; only the rows of a
    value that is missing are read. `scanned`: per table, a function giving what
    `_scanned_without_parent` would find, found by a pass over the table made anyway (the notes:
    `NoteScan`, on another connection); those tables are done last, the findings kept in order.
    """
    done = scanned or {}
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    by_table = {table: _foreign_key_findings_of(db, table, done.get(table))
                for table in sorted(tables, key=lambda table: table in done)}
    return [finding for table in tables for finding in by_table[table]]


def _foreign_key_findings_of(db: Database, table: str, scanned: Callable[[], list] | None) -> list[Finding]:
    references = _references(db, table)
    if not references:
        return []
    leading = _leading_columns(db, table)
    broken = [(rowid, fkid, column, parent)
              for fkid, (column, parent, parent_column) in enumerate(references) if column in leading
              for rowid in _rows_without_parent(db, table, column, parent, parent_column)]
    broken += scanned() if scanned is not None else _scanned_without_parent(db, table, _unindexed(references, leading))
    keys = _key_columns(db, table)
    findings = []
    for rowid, _fkid, column, parent in sorted(broken):
        row = db.execute(f"SELECT {', '.join(f'[{k}]' for k in keys)}, [{column}] FROM [{table}] WHERE rowid = ?",
                         [rowid]).fetchone()
        record = ", ".join(str(v) for v in row[:-1])
        findings.append(Finding("foreign_key", f"{table} {record}: {column} {row[-1]} is not in {parent}"))
    return findings


def _references(db: Database, table: str) -> list[tuple[str, str, str]]:
    """(column, parent table, parent column) of each single-column foreign key of `table`."""
    references = []
    for _id, _seq, parent, column, parent_column, *_ in db.execute(f"PRAGMA foreign_key_list([{table}])"):
        references.append((column, parent, parent_column or _key_columns(db, parent)[0]))
    return references


def _leading_columns(db: Database, table: str) -> set[str]:
    """Columns whose values an index of `table` holds in order (its first column, or the rowid)."""
    columns = {name for _cid, name, kind, _notnull, _default, pk in db.execute(f"PRAGMA table_info([{table}])")
               if pk == 1 and kind.upper() == "INTEGER"}
    for _seq, index, _unique, _origin, partial in db.execute(f"PRAGMA index_list([{table}])"):
        first = db.execute(f"PRAGMA index_info([{index}])").fetchone()
        if first is not None and first[2] is not None and not partial:
            columns.add(first[2])
    return columns


def _unindexed(references: list[tuple[str, str, str]], leading: set[str]) -> list[tuple[int, tuple[str, str, str]]]:
    """(fkid, reference) of the references whose column leads no index: found by reading every row."""
    return [(fkid, reference) for fkid, reference in enumerate(references) if reference[0] not in leading]


def _missing_parent_tests(alias: str, references: list[tuple[int, tuple[str, str, str]]]) -> list[str]:
    """One SQL test per reference: the row of `alias` names a parent row that does not exist."""
    return [f"({alias}.[{column}] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM [{parent}] p "
            f"WHERE p.[{parent_column}] = {alias}.[{column}]))" for _fkid, (column, parent, parent_column) in references]


def _missing_parents(rowid: int, missing, references) -> list[tuple[int, int, str, str]]:
    return [(rowid, fkid, column, parent)
            for is_missing, (fkid, (column, parent, _)) in zip(missing, references) if is_missing]


def _scanned_without_parent(db: Database, table: str,
                            references: list[tuple[int, tuple[str, str, str]]]) -> list[tuple[int, int, str, str]]:
    """(rowid, fkid, column, parent) of the rows whose unindexed reference columns name no parent row:
    all of a table's such columns read in one pass (the notes have three: one pass, not three)."""
    if not references:
        return []
    tests = _missing_parent_tests("t", references)
    found = []
    for rowid, *missing in db.execute(
            f"SELECT * FROM (SELECT t.rowid, {', '.join(f'{test} AS m{i}' for i, test in enumerate(tests))} "
            f"FROM [{table}] t) WHERE {' OR '.join(f'm{i}' for i in range(len(tests)))}"):
        found += _missing_parents(rowid, missing, references)
    return found


def _rows_without_parent(db: Database, table: str, column: str, parent: str, parent_column: str) -> list[int]:
    """The rowids of `table` whose indexed `column` names no row of `parent`: its distinct values
    looked up once each, and only a missing value's rows read."""
    missing = f"NOT EXISTS (SELECT 1 FROM [{parent}] p WHERE p.[{parent_column}] = v)"
    values = [v for (v,) in db.execute(
        f"SELECT v FROM (SELECT DISTINCT [{column}] AS v FROM [{table}]) WHERE v IS NOT NULL AND {missing}")]
    return [rowid for v in values for (rowid,) in db.execute(f"SELECT rowid FROM [{table}] WHERE [{column}] = ?", [v])]


def duplicate_notes(db: Database) -> list[Finding]:
    rows = db.execute(
        # Only the notes sharing a case and a minute with another (read from the case/time index,
        # no note row touched) get their contact sets built: statewide, 91 minutes of 1.5 million
        # notes, and the rule went from 2.5 s to 0.7 s.
        """WITH candidates AS MATERIALIZED (
               SELECT case_id, substr(occurred_at, 1, 16) AS minute FROM notes
               GROUP BY case_id, minute HAVING count(*) > 1),
           sets AS (
               SELECT n.note_id, n.case_id, n.author_id, k.minute, n.note_type,
                      (SELECT group_concat(person_id, ',') FROM
                          (SELECT person_id FROM note_contacts c WHERE c.note_id = n.note_id ORDER BY person_id)
                      ) AS contacts
               FROM candidates k CROSS JOIN notes n
                 ON n.case_id = k.case_id AND substr(n.occurred_at, 1, 16) = k.minute)
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


#: The in-person contacts that count (docs/policy.md "Which notes count"): a note listing the person on
#: a case they were a member of that day — on any case of the person.
_COUNTED_CONTACT = """
    JOIN case_members cm ON cm.case_id = n.case_id AND cm.person_id = c.person_id
    JOIN cases nc ON nc.case_id = n.case_id
    WHERE n.method = 'in_person'
      AND coalesce(cm.joined_on, nc.opened_on) <= substr(n.occurred_at, 1, 10)
      AND (cm.left_on IS NULL OR substr(n.occurred_at, 1, 10) <= cm.left_on)"""


def in_person_while_runaway(db: Database) -> list[Finding]:
    """An in-person contact, on any case, with a child on a day a placement of theirs shows runaway;
    reported on the case of that placement."""
    rows = db.execute(
        f"""SELECT p.case_id, n.note_id, c.person_id, substr(n.occurred_at, 1, 10), p.placement_id
           FROM placements p
           CROSS JOIN note_contacts c ON c.person_id = p.child_id
           CROSS JOIN notes n ON n.note_id = c.note_id
           {_COUNTED_CONTACT}
             AND p.location_type = 'runaway' AND p.start_on <= substr(n.occurred_at, 1, 10)
             AND (p.end_on IS NULL OR substr(n.occurred_at, 1, 10) <= p.end_on)"""
    ).fetchall()
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return [
        Finding("in_person_while_runaway", f"case {case_id}: note {note_id} claims an in-person contact with child "
                                           f"{person_id} on {day}, when placement {placement_id} shows runaway")
        for case_id, note_id, person_id, day, placement_id in rows
    ]


#: The days a case marks an adult's whereabouts unknown: the member's flag over the membership, or
#: their whereabouts_unknown periods (within it) when they have any.
_UNKNOWN_SPANS = """
    SELECT m.case_id, m.person_id, coalesce(m.joined_on, mc.opened_on), m.left_on
    FROM case_members m JOIN cases mc ON mc.case_id = m.case_id
    WHERE m.whereabouts_unknown = 1 AND m.role != 'child' AND NOT EXISTS (
      SELECT 1 FROM member_periods d WHERE d.case_id = m.case_id AND d.person_id = m.person_id
        AND d.fact = 'whereabouts_unknown')
    UNION ALL
    SELECT d.case_id, d.person_id, max(d.start_on, coalesce(m.joined_on, mc.opened_on)),
           CASE WHEN m.left_on IS NULL THEN d.end_on WHEN d.end_on IS NULL THEN m.left_on
                ELSE min(d.end_on, m.left_on) END
    FROM member_periods d JOIN case_members m ON m.case_id = d.case_id AND m.person_id = d.person_id
    JOIN cases mc ON mc.case_id = m.case_id
    WHERE d.fact = 'whereabouts_unknown' AND m.role != 'child'"""


def in_person_while_whereabouts_unknown(db: Database) -> list[Finding]:
    """An in-person contact, on any case, with an adult on a day a case they are a member of marks
    their whereabouts unknown (the member's flag, or a whereabouts_unknown period when the member
    has any: docs/policy.md "Facts that change over time"); reported on that case.

    In two steps: the few spans first, then those people's in-person contacts through the person
    index (one statement joining both read every note to build a Bloom filter: 0.3 s statewide)."""
    spans: dict[str, list[tuple[str, str, str | None]]] = {}
    for case_id, person_id, first_day, last_day in db.execute(_UNKNOWN_SPANS):
        spans.setdefault(person_id, []).append((case_id, first_day, last_day))
    if not spans:
        return []
    contacts = db.execute(
        f"""SELECT n.note_id, c.person_id, substr(n.occurred_at, 1, 10)
           FROM json_each(?) j CROSS JOIN note_contacts c ON c.person_id = j.value
           CROSS JOIN notes n ON n.note_id = c.note_id
           {_COUNTED_CONTACT}""", [json.dumps(sorted(spans))]).fetchall()
    rows = sorted({(case_id, note_id, person_id)
                   for note_id, person_id, day in contacts
                   for case_id, first_day, last_day in spans[person_id]
                   if first_day <= day and (last_day is None or day <= last_day)})
    return [
        Finding("in_person_while_whereabouts_unknown",
                f"case {case_id}: note {note_id} claims an in-person contact with {person_id}, whose whereabouts "
                "the case marks unknown that day; fix the note or the member's whereabouts")
        for case_id, note_id, person_id in rows
    ]


def not_a_member(db: Database, scan: "NoteScan | None" = None) -> list[Finding]:
    scan = scan or NoteScan.of(db)
    contacts, searched = scan.contacted_stranger, scan.searched_stranger
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


def placement_gaps(db: Database) -> list[Finding]:
    rows = db.execute(
        # Each placement of a child on a case, in start order (idx_placements_case_child), with the
        # last day covered by the placements before it: the furthest end, not just the previous one's
        # (a long placement may enclose a short one). A later start leaves the days between uncovered;
        # only those on which the child is a member and the case is open count.
        """WITH covered AS (
               SELECT case_id, child_id, placement_id, start_on,
                      max(coalesce(end_on, '9999-12-31')) OVER (
                          PARTITION BY case_id, child_id ORDER BY start_on, placement_id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS covered_to
               FROM placements),
           gaps AS (
               SELECT g.case_id, g.child_id, g.placement_id, g.covered_to,
                      max(date(g.covered_to, '+1 day'), coalesce(m.joined_on, c.opened_on), c.opened_on) AS first_day,
                      min(date(g.start_on, '-1 day'), coalesce(m.left_on, '9999-12-31'),
                          coalesce(c.closed_on, '9999-12-31')) AS last_day
               FROM covered g
               JOIN cases c ON c.case_id = g.case_id
               JOIN case_members m ON m.case_id = g.case_id AND m.person_id = g.child_id
               WHERE date(g.covered_to, '+1 day') < g.start_on)
           SELECT case_id, child_id, placement_id, covered_to, first_day, last_day FROM gaps
           WHERE first_day <= last_day
           ORDER BY case_id, child_id, first_day"""
    ).fetchall()
    return [
        Finding("placement_gap", f"child {child_id} (case {case_id}): no placement is in effect from {first_day} to "
                                 f"{last_day}, between placements {_placement_ending(db, case_id, child_id, covered_to)} "
                                 f"and {placement_id}; record where the child was, or correct the dates")
        for case_id, child_id, placement_id, covered_to, first_day, last_day in rows
    ]


def _placement_ending(db: Database, case_id: str, child_id: str, day: str) -> str:
    """The placement of the child on the case that ends on `day` (the one before a gap)."""
    return db.execute("SELECT placement_id FROM placements WHERE case_id = ? AND child_id = ? AND end_on = ? "
                      "ORDER BY start_on DESC, placement_id DESC LIMIT 1", [case_id, child_id, day]).fetchone()[0]


@dataclass(frozen=True, slots=True)
class NoteScan:
    """Three rules' notes found in one pass over the notes and their contacts (statewide 1.5 million
    notes: one pass instead of four saves about a second of `check`):

    * `contacted_stranger` (note, case, person): someone listed as contacted who is not a member of
      the note's case; `searched_stranger` (note, case, person): locate efforts for a non-member;
    * `without_contact` (case, note, day, None): in-person notes that list nobody — a locate effort
      made in person (an address checked, a shelter visited) searches for someone and lists nobody
      by design: it is no contact, and no finding;
    * `searched_contacted` (case, note, day, person): locate efforts whose person is also listed
      as contacted.
    """

    contacted_stranger: list[tuple]
    searched_stranger: list[tuple]
    without_contact: list[tuple]
    searched_contacted: list[tuple]
    #: the notes' references to rows that do not exist, for `foreign_key_findings(scanned=…)`
    missing_parents: list[tuple[int, int, str, str]]

    @classmethod
    def of(cls, db: Database) -> "NoteScan":
        # The same pass also finds the notes' unindexed references to missing rows (the author, the
        # person searched for, the placement): `foreign_key_findings` would read every note again.
        references = _unindexed(_references(db, "notes"), _leading_columns(db, "notes"))
        tests = _missing_parent_tests("n", references)
        columns = "".join(f", {test} AS m{i}" for i, test in enumerate(tests))
        rows = db.execute(
            # Notes in their order, each probed in note_contacts' and case_members' keys.
            f"""SELECT * FROM (
                 SELECT n.case_id, n.note_id, substr(n.occurred_at, 1, 10), n.locate_for, n.method,
                   c.person_id AS person_id,
                   c.person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_members m
                     WHERE m.case_id = n.case_id AND m.person_id = c.person_id) AS stranger,
                   n.locate_for IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_members m
                     WHERE m.case_id = n.case_id AND m.person_id = n.locate_for) AS searched_stranger,
                   n.rowid{columns}
                 FROM notes n LEFT JOIN note_contacts c ON c.note_id = n.note_id)
               WHERE stranger OR searched_stranger OR person_id = locate_for
                 OR (person_id IS NULL AND method = 'in_person' AND locate_for IS NULL)
                 {''.join(f' OR m{i}' for i in range(len(tests)))}"""
        ).fetchall()
        missing = sorted({found for row in rows for found in _missing_parents(row[8], row[9:], references)})
        rows = [row[:8] for row in rows]
        rows.sort(key=lambda row: (row[0], row[1], row[5] or ""))  # sorted here: an ORDER BY changes the plan
        searched = {(case_id, note_id): locate_for for case_id, note_id, _d, locate_for, _m, _p, _s, stranger in rows
                    if stranger}
        return cls(
            [(note_id, case_id, person_id) for case_id, note_id, _d, _l, _m, person_id, stranger, _s in rows
             if stranger],
            [(note_id, case_id, person_id) for (case_id, note_id), person_id in searched.items()],
            [(case_id, note_id, day, None) for case_id, note_id, day, locate_for, method, person_id, _s, _t in rows
             if person_id is None and locate_for is None and method == "in_person"],
            [(case_id, note_id, day, locate_for) for case_id, note_id, day, locate_for, _m, person_id, _s, _t in rows
             if locate_for is not None and person_id == locate_for],
            missing,
        )


def in_person_without_contact(db: Database, scan: NoteScan | None = None) -> list[Finding]:
    return [
        Finding("in_person_without_contact", f"note {note_id} (case {case_id}) is an in-person contact on {day} that "
                                             "lists nobody in note_contacts; list who was seen, or fix the method")
        for case_id, note_id, day, _ in (scan or NoteScan.of(db)).without_contact
    ]


def locate_for_contacted(db: Database, scan: NoteScan | None = None) -> list[Finding]:
    return [
        Finding("locate_for_contacted", f"note {note_id} (case {case_id}) records locate efforts for {person_id} and "
                                        "also lists them as contacted; a person searched for was not reached — "
                                        "remove one of the two")
        for case_id, note_id, _day, person_id in (scan or NoteScan.of(db)).searched_contacted
    ]


#: Records that need an approver (docs/data.md "Records created in the app"): table, key, the staff
#: column and what it did.
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


def check_path(path: str | os.PathLike, *, since_head: str | None = None) -> list[Finding]:
    """Open `path` read-only and check it (DatabaseProblem when it cannot be opened at all)."""
    return _checked(path, lambda db: check_database(db, since_head=since_head), lambda found: found)


def chain_of_path(path: str | os.PathLike) -> tuple[list[Finding], ChainHead]:
    """Open `path` read-only and verify its audit chain alone: (problems, head)."""
    return _checked(path, check_chain, lambda found: (found, ChainHead(0, "")))


def _checked(path: str | os.PathLike, check, unreadable):
    """`check(db)` on `path` opened read-only; a file SQLite cannot read through is
    `unreadable([its one integrity finding])`. Abandoned backup copies beside it are removed."""
    db = open_database(path, readonly=True)
    say_removed(remove_abandoned_partials(Path(path).absolute().parent))
    try:
        db.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        return check(db)
    except sqlite3.DatabaseError as exc:
        return unreadable([Finding("integrity", describe_sqlite_error(exc, path))])
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
    say_removed(remove_abandoned_partials(destination.parent))
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


#: The hidden name a copy is written under until it is complete: `.NAME.partial-PID`, PID the
#: writing process (`backup_database`; the sample's working copy uses the same form).
PARTIAL_NAME = re.compile(r"\.(?P<name>.+)\.partial-(?P<pid>[0-9]{1,10})")


def remove_abandoned_partials(folder: Path) -> list[Path]:
    """Remove the partial copies in `folder` whose process is gone; the removed files, sorted.

    A partial copy of a process still running is another backup at work: never touched. Only
    regular files are removed (a link is not followed), and one that cannot be removed (a folder
    not ours to write) is left where it is.
    """
    removed = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
    for entry in entries:
        match = PARTIAL_NAME.fullmatch(entry.name)
        try:
            if match is None or not entry.is_file(follow_symlinks=False) or process_is_running(int(match["pid"])):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def process_is_running(pid: int) -> bool:
    """Whether a process `pid` runs on this host (signal 0 asks without sending anything). When
    unsure (another account's process, a number that is no process id) it is taken as running."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # PermissionError: it runs, under another account
    return True


def say_removed(removed: list[Path]) -> None:
    """One line on stderr naming the abandoned partial copies just removed (nothing when none)."""
    if not removed:
        return
    noun = "a partial copy" if len(removed) == 1 else f"{len(removed)} partial copies"
    names = ", ".join(path.name for path in removed[:5]) + (", …" if len(removed) > 5 else "")
    # Said by the store, as `migrate` does: the command's own output (text or JSON) stays as it is.
    print(f"removed {noun} left in {removed[0].parent} by an interrupted backup (its process is gone): {names}",
          file=sys.stderr)
