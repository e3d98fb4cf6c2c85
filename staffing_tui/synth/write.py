"""Writing a synthetic agency into a database, the way user data and the app's records get there.

The case data (the twelve CSV tables of docs/data.md "Files and columns") goes through `import_rows`, so it
passes exactly the validation user data passes; the notes are streamed to it a
batch (a month) at a time. The app's records (exceptions, contact plans,
staffing notes, next steps) are then written through the record services
(`store/records.py`), as the app writes them, each with its `audit_log` row, at
fixed times, by the supervisor of the case's unit. The import's "now" and the
migrations' times are pinned, so the same scale and seed give the same rows.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pendulum
from sqlite_utils import Database

from staffing_tui.domain.enums import StaffRole
from staffing_tui.errors import UserError
from staffing_tui.store.connection import open_database, set_meta
from staffing_tui.store.importer import import_rows
from staffing_tui.store.kept_months import keep_recent_months
from staffing_tui.store.schema import IMPORT_TABLES, NEVER_DELETED
from staffing_tui.synth.model import TIMEZONE, Agency, Ids, Person, note_order
from staffing_tui.synth.progress import Progress, counted
from staffing_tui.synth.scales import SCALES, Scale

Rows = dict[str, list[dict[str, object]]]


@dataclass
class GenerationSummary:
    """What a run wrote, and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def generate_database(path: str | os.PathLike, scale: Scale | str, seed: int, *, months: int | None = None,
                      progress: Progress | None = None) -> GenerationSummary:
    """Generate the synthetic agency of `scale` into the database at `path` (created when missing).

    Refuses (UserError) a database that already holds data. Deterministic: the
    same scale, seed and months give the same rows (but for `generation.token`,
    drawn at random by design, schema m006 — except in a shipped file).
    """
    started = time.perf_counter()
    scale = SCALES[scale] if isinstance(scale, str) else scale
    scale.check_months(months)
    progress = progress or Progress()
    path = Path(path)
    created = not path.exists()
    db = open_database(path, create=created)
    if not created and not _is_empty(db):
        db.close()
        raise UserError(f"{path} already holds data; generate into a new file or an empty database "
                        "(nothing was changed).")
    finished = False
    try:
        counts = _write_agency(db, scale, seed, months, progress)
        _keep(db, scale, progress)
        _seal(db, scale, progress)
        finished = True
    finally:
        db.close()
        progress.done()
        if not finished and created:
            # A half-written database is worse than none: the file was ours, remove it.
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
    return GenerationSummary(counts, time.perf_counter() - started)


def _write_agency(db: Database, scale: Scale, seed: int, months: int | None, progress: Progress) -> dict[str, int]:
    """Plan the agency, import its case data, write its records; the rows written, by table."""
    progress.phase("planning families", None)
    agency = scale.plan(seed, months)
    agency.number(scale.ids)
    files: dict[str, object] = case_rows(agency)
    contacts: list[tuple[str, tuple[str, ...]]] = []
    files["notes.csv"] = _with_progress(note_rows(agency, scale.ids, contacts, progress), progress,
                                        "notes (simulated month by month)", agency.note_batch_count)
    files["note_contacts.csv"] = _contact_rows(contacts, progress)
    # Recorded in `imports` at the scale's "now", by its OS user: two runs give the same row.
    # Months are kept once the records are written too (`_keep`), not after the import alone.
    summary = import_rows(db, files, now=scale.now, at=scale.now.in_tz("UTC").to_iso8601_string(),
                          os_user=scale.os_user, source=scale.source(seed, agency), keep=False)
    progress.phase("records and audit", None)
    with db.atomic():
        for key, value in scale.meta(seed, agency).items():
            set_meta(db, key, value)
        records = write_records(db, agency, scale.os_user)
        # The one wall-clock value in the file, pinned (in sqlite-utils' format) so that two runs
        # give the same rows.
        applied_at = datetime.fromtimestamp(scale.now.timestamp(), timezone.utc)
        db.execute("UPDATE _sqlite_migrations SET applied_at = ?", [str(applied_at)])
        if scale.shipped:
            _pin_state_token(db)
    return {**summary.counts, **records}


def _keep(db: Database, scale: Scale, progress: Progress) -> None:
    """A working database is left as after an import: its recent months evaluated and kept
    (`kept_months.keep_recent_months`), so its first report is instant. Not a shipped file
    (sample.db): its months take milliseconds to evaluate, and kept rows carry the engine's
    fingerprint and the time they were kept, so the file would change with every change to the
    rules and no rebuild would be byte for byte the same."""
    if scale.shipped:
        return
    progress.phase("keeping the recent months", None)
    keep_recent_months(db)


def _seal(db: Database, scale: Scale, progress: Progress) -> None:
    """A shipped file is made self-contained (no WAL beside it, no free pages); a working database
    gets its statistics for the query planner and its WAL folded in."""
    progress.phase("analysing", None)
    if scale.shipped:
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.conn.execute("VACUUM")
    else:
        db.execute("ANALYZE")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def summary_line(summary: GenerationSummary) -> str:
    """One line saying what was generated."""
    counts = summary.counts
    parts = [f"{table} {counts[table]:,}" for table in (*IMPORT_TABLES, "exceptions", "contact_plans", "staffing_notes",
                                                        "next_steps", "audit_log") if counts.get(table)]
    return f"generated {', '.join(parts)} in {summary.seconds:.1f} s"


def _is_empty(db: Database) -> bool:
    tables = [t for t in (*IMPORT_TABLES, *NEVER_DELETED, "audit_log") if db[t].exists()]
    return all(db.execute(f"SELECT 1 FROM [{t}] LIMIT 1").fetchone() is None for t in tables)


def _pin_state_token(db: Database) -> None:
    """The data's state token (schema m006) is drawn at random by design: pinned to a hash of the
    content, a rebuild is byte-for-byte identical and other content has another token."""
    content = "\n".join(line for line in db.conn.iterdump() if not line.startswith('INSERT INTO "generation"'))
    digest = hashlib.sha256(content.encode()).digest()
    db.execute("UPDATE generation SET token = ?", [int.from_bytes(digest[:8], "big", signed=True)])


# --- the rows of the twelve files ---------------------------------------------------------------------------


def flag(value: bool) -> str:
    """A boolean cell as the CSV contract spells it."""
    return "1" if value else "0"


def case_rows(agency: Agency) -> Rows:
    """The case data but the notes (small enough to hold), as rows of CSV cells.

    A cell may also be None (empty), a date or an enumeration: the importer takes each as the text
    `str()` gives (`importer.memory_records`), as it would read it from a file.
    """
    files: Rows = {f"{t}.csv": [] for t in IMPORT_TABLES if t not in ("notes", "note_contacts")}
    files["units.csv"] = [dict(unit_id=u, name=n, region=r) for u, n, r in agency.units]
    files["staff.csv"] = [dict(staff_id=s, name=n, role=r, unit_id=u) for s, n, r, u in agency.staff]
    files["people.csv"] = [
        dict(person_id=p.person_id, first_name=p.first_name, last_name=p.last_name, birth_date=p.birth_date,
             deceased_on=p.deceased_on) for p in agency.people()
    ]
    cases, members, links, goals, placements, assignments, periods = (files[f"{t}.csv"] for t in (
        "cases", "case_members", "parent_child", "permanency_goals", "placements", "case_assignments",
        "member_periods"))
    for case in agency.cases:
        cases.append(dict(case_id=case.case_id, case_type=case.case_type, specialist_id=case.specialist_id,
                          opened_on=case.opened_on, closed_on=case.closed_on))
        for specialist, start, end in case.assignment_periods():
            assignments.append(dict(case_id=case.case_id, specialist_id=specialist, start_on=start, end_on=end))
        for m in case.members:
            members.append(dict(
                case_id=case.case_id, person_id=m.person.person_id, role=m.role, alleged_victim=flag(m.alleged_victim),
                alleged_perpetrator=flag(m.alleged_perpetrator), resides_in_home=flag(m.resides_in_home),
                rights_terminated_on=m.rights_terminated_on, whereabouts_unknown=flag(m.whereabouts_unknown),
                incarcerated=flag(m.incarcerated), joined_on=m.joined_on, left_on=m.left_on))
            for fact, dated in (m.periods or {}).items():
                periods.extend(dict(case_id=case.case_id, person_id=m.person.person_id, fact=fact, start_on=start,
                                    end_on=end) for start, end in dated)
        pairs = set()
        for parent, child in case.links:
            if (parent.person_id, child.person_id) not in pairs:
                pairs.add((parent.person_id, child.person_id))
                links.append(dict(case_id=case.case_id, parent_id=parent.person_id, child_id=child.person_id,
                                  rights_terminated_on=case.rights_ended.get((parent, child))))
        for kid, goal, effective in case.goals:
            goals.append(dict(case_id=case.case_id, child_id=kid.person_id, goal=goal, effective_on=effective))
        for p in sorted(case.placements, key=lambda p: p.placement_id):
            placements.append(dict(placement_id=p.placement_id, case_id=case.case_id, child_id=p.child.person_id,
                                   location_type=p.location_type, location_name=p.location_name,
                                   start_on=p.start_on, end_on=p.end_on))
    return files


def note_rows(agency: Agency, ids: Ids, contacts: list[tuple[str, tuple[str, ...]]],
              progress: Progress) -> Iterator[dict[str, object]]:
    """notes.csv rows, a batch at a time, numbered in time order; each note's contact list (person ids)
    is appended to `contacts`."""
    number = ids.note.offset
    template = ids.note.template  # applied here: a method call per note costs a second statewide
    for batch in agency.note_batches():
        batch.sort(key=note_order)
        for occurred_at, case_id, author_id, note_type, method, location, locate_for, text, placement_id, people \
                in batch:
            number += 1
            note_id = template % number
            if people:
                contacts.append((note_id, people))
            yield {"note_id": note_id, "case_id": case_id, "author_id": author_id, "occurred_at": occurred_at,
                   "note_type": note_type, "method": method, "location": location, "locate_for": locate_for,
                   "text": text, "placement_id": placement_id}
        progress.advance(1)


def _with_progress(rows: Iterator[dict[str, object]], progress: Progress, phase: str,
                   total: int) -> Iterator[dict[str, object]]:
    progress.phase(phase, total)
    yield from rows


def _contact_rows(contacts: list[tuple[str, tuple[str, ...]]], progress: Progress) -> Iterator[dict[str, str]]:
    progress.phase("note contacts", sum(len(people) for _, people in contacts))
    rows = ({"note_id": note_id, "person_id": person_id} for note_id, people in contacts for person_id in people)
    yield from counted(rows, progress)
    contacts.clear()


# --- the app's records ---------------------------------------------------------------------------------

#: Records agreed at the same time are written in this order.
_EXCEPTION, _PLAN, _STAFFING_NOTE, _STEP, _REVOCATION, _DONE = range(6)


def write_records(db: Database, agency: Agency, os_user: str) -> dict[str, int]:
    """Exceptions, contact plans, staffing notes and next steps, each with its audit rows.

    Written through the record services (`store/records.py`), as the app would,
    in the order they were agreed, at their local times, by the supervisor of
    the case's unit; only the clock and the OS user are fixed. A record the
    services refuse is a bug of the simulation.
    """
    from staffing_tui.store import records
    from staffing_tui.store.audit import Actor

    exceptions = [spec for case in agency.cases for spec in case.exceptions]
    events = [(spec.at, _EXCEPTION, spec) for spec in exceptions]
    events += [(spec.at, _PLAN, spec) for case in agency.cases for spec in case.plans]
    events += [(spec.at, _STAFFING_NOTE, spec) for spec in agency.staffing_notes]
    events += [(spec.at, _STEP, spec) for spec in agency.steps]
    events += [(spec.revoked_at, _REVOCATION, spec) for spec in exceptions if spec.revoked_from is not None]
    events += [(spec.done_at, _DONE, spec) for spec in agency.steps if spec.done_at is not None]
    events.sort(key=lambda event: event[:2])
    counts = {"exceptions": 0, "contact_plans": 0, "staffing_notes": 0, "next_steps": 0, "audit_log": 0}
    written: dict[int, int | None] = {}  # id(spec) → the record's id, for its revocation or completion
    problems: list[str] = []
    audited = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    def write(table: str | None, service, *args, **kwargs) -> int | None:
        """One record through its service; a refusal is noted (and raised at the end)."""
        try:
            record_id = service(db, *args, **kwargs)
        except UserError as exc:
            problems.append(f"{table or service.__name__}: {exc}")
            return None
        if table is not None:
            counts[table] += 1
        return record_id

    for local, kind, spec in events:
        case = spec.case
        who = Actor(agency.supervisors[case.unit_id], StaffRole.SUPERVISOR, case.unit_id, os_user)
        stamp = _utc_stamp(local)
        if kind == _EXCEPTION:
            written[id(spec)] = write("exceptions", records.create_exception, who, records.ExceptionRequest(
                case.case_id, spec.person.person_id, str(spec.category), spec.reason, spec.start, spec.end, spec.review_on),
                at=stamp)
        elif kind == _PLAN:  # replaces the parent's plan in force, naming it, as the app does
            in_force = records.active_plan_for(db, case.case_id, spec.parent.person_id)
            write("contact_plans", records.create_contact_plan, who, records.PlanRequest(
                case.case_id, spec.parent.person_id, spec.frequency, tuple(str(m) for m in spec.methods),
                spec.arrangements, spec.start, spec.end, spec.review_on,
                replaces=in_force["contact_plan_id"] if in_force else None), at=stamp)
        elif kind == _STAFFING_NOTE:
            write("staffing_notes", records.add_staffing_note, who, records.StaffingNoteRequest(
                case.case_id, spec.month, str(spec.reason_code), spec.text, _id_of(spec.person)), at=stamp)
        elif kind == _STEP:
            written[id(spec)] = write("next_steps", records.add_next_step, who, records.NextStepRequest(
                case.specialist_id, spec.text, spec.due, case.case_id, _id_of(spec.person)), at=stamp)
        elif written.get(id(spec)) is not None:  # a revocation or a completion of a record that was written
            if kind == _REVOCATION:
                write(None, records.revoke_exception, who, written[id(spec)], spec.revoked_from, at=stamp)
            else:
                write(None, records.complete_next_step, who, written[id(spec)], at=stamp)
    if problems:
        # A simulation bug, not a user error: the records must pass the services' validation.
        raise RuntimeError(f"generated records would be refused by the app ({len(problems)}): "
                           + "; ".join(problems[:5]))
    counts["audit_log"] = db.execute("SELECT count(*) FROM audit_log").fetchone()[0] - audited
    return counts


def _id_of(person: Person | None) -> str | None:
    """The person a staffing note or next step is about (None: the whole case or caseload)."""
    return person.person_id if person else None


def _utc_stamp(local: datetime) -> str:
    """A record timestamp as the record services write it (UTC, ISO 8601), for a local wall time."""
    return pendulum.datetime(local.year, local.month, local.day, local.hour, local.minute,
                             tz=TIMEZONE).in_tz("UTC").to_iso8601_string()

