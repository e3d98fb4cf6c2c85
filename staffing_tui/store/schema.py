"""The database schema, created and upgraded with sqlite-utils' Migrations.

Each migration is one transaction. `SCHEMA_VERSION` is the number of
migrations; it is written to `meta.schema_version`. The tables of SPEC §3
carry the same names and columns as the CSV files so users can query them with
sqlite-utils or Datasette; the app's own record tables follow.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("staffing_tui")

DEFAULT_TIMEZONE = "America/Phoenix"

#: Tables loaded by `import`, in dependency order, with their columns (primary key first).
IMPORT_TABLES: dict[str, tuple[str, ...]] = {
    "units": ("unit_id", "name", "region"),
    "staff": ("staff_id", "name", "role", "unit_id"),
    "cases": ("case_id", "case_type", "specialist_id", "opened_on", "closed_on"),
    "people": ("person_id", "first_name", "last_name", "birth_date", "deceased_on"),
    "case_members": (
        "case_id", "person_id", "role", "alleged_victim", "alleged_perpetrator",
        "resides_in_home", "rights_terminated_on", "whereabouts_unknown", "incarcerated",
        "joined_on", "left_on",
    ),
    "parent_child": ("case_id", "parent_id", "child_id"),
    "permanency_goals": ("case_id", "child_id", "goal", "effective_on"),
    "placements": (
        "placement_id", "case_id", "child_id", "location_type", "location_name", "start_on", "end_on",
    ),
    "notes": (
        "note_id", "case_id", "author_id", "occurred_at", "note_type", "method", "location",
        "locate_for", "text",
    ),
    "note_contacts": ("note_id", "person_id"),
}

#: Primary keys of the imported tables.
IMPORT_KEYS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id",),
    "staff": ("staff_id",),
    "cases": ("case_id",),
    "people": ("person_id",),
    "case_members": ("case_id", "person_id"),
    "parent_child": ("case_id", "parent_id", "child_id"),
    "permanency_goals": ("case_id", "child_id", "effective_on"),
    "placements": ("placement_id",),
    "notes": ("note_id",),
    "note_contacts": ("note_id", "person_id"),
}

#: Tables whose rows are evidence: never deleted (revoked/superseded instead).
NEVER_DELETED = ("exceptions", "contact_plans", "staffing_notes", "next_steps")


@migrations()
def m001_initial(db: Database) -> None:
    """All tables of SPEC §3 with keys, foreign keys and the engine's indexes."""
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        """CREATE TABLE units (
            unit_id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT)"""
    )
    db.execute(
        """CREATE TABLE staff (
            staff_id TEXT PRIMARY KEY, name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('specialist','supervisor','manager')),
            unit_id TEXT REFERENCES units(unit_id))"""
    )
    db.execute(
        """CREATE TABLE cases (
            case_id TEXT PRIMARY KEY,
            case_type TEXT NOT NULL CHECK (case_type IN ('investigation','dependency','voluntary')),
            specialist_id TEXT NOT NULL REFERENCES staff(staff_id),
            opened_on TEXT NOT NULL, closed_on TEXT)"""
    )
    db.execute(
        """CREATE TABLE people (
            person_id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT,
            birth_date TEXT, deceased_on TEXT)"""
    )
    db.execute(
        """CREATE TABLE case_members (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            person_id TEXT NOT NULL REFERENCES people(person_id),
            role TEXT NOT NULL CHECK (role IN ('child','parent','alleged_parent','spouse_partner','other_adult')),
            alleged_victim INTEGER NOT NULL DEFAULT 0,
            alleged_perpetrator INTEGER NOT NULL DEFAULT 0,
            resides_in_home INTEGER NOT NULL DEFAULT 0,
            rights_terminated_on TEXT,
            whereabouts_unknown INTEGER NOT NULL DEFAULT 0,
            incarcerated INTEGER NOT NULL DEFAULT 0,
            joined_on TEXT, left_on TEXT,
            PRIMARY KEY (case_id, person_id))"""
    )
    db.execute(
        """CREATE TABLE parent_child (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            parent_id TEXT NOT NULL REFERENCES people(person_id),
            child_id TEXT NOT NULL REFERENCES people(person_id),
            PRIMARY KEY (case_id, parent_id, child_id))"""
    )
    db.execute(
        """CREATE TABLE permanency_goals (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            child_id TEXT NOT NULL REFERENCES people(person_id),
            goal TEXT NOT NULL,
            effective_on TEXT NOT NULL,
            PRIMARY KEY (case_id, child_id, effective_on))"""
    )
    db.execute(
        """CREATE TABLE placements (
            placement_id TEXT PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            child_id TEXT NOT NULL REFERENCES people(person_id),
            location_type TEXT NOT NULL, location_name TEXT,
            start_on TEXT NOT NULL, end_on TEXT)"""
    )
    db.execute(
        """CREATE TABLE notes (
            note_id TEXT PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            author_id TEXT REFERENCES staff(staff_id),
            occurred_at TEXT NOT NULL,
            note_type TEXT,
            method TEXT NOT NULL CHECK (method IN ('in_person','phone','video','written','none')),
            location TEXT,
            locate_for TEXT REFERENCES people(person_id),
            text TEXT)"""
    )
    db.execute(
        """CREATE TABLE note_contacts (
            note_id TEXT NOT NULL REFERENCES notes(note_id),
            person_id TEXT NOT NULL REFERENCES people(person_id),
            PRIMARY KEY (note_id, person_id))"""
    )
    # --- records created in the app (SPEC §3) ---
    db.execute(
        """CREATE TABLE exceptions (
            exception_id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            person_id TEXT NOT NULL REFERENCES people(person_id),
            category TEXT NOT NULL,
            reason TEXT NOT NULL,
            start_month TEXT NOT NULL, end_month TEXT NOT NULL,
            review_on TEXT,
            approved_by TEXT NOT NULL REFERENCES staff(staff_id),
            created_at TEXT NOT NULL, created_by TEXT NOT NULL REFERENCES staff(staff_id),
            revoked_at TEXT, revoked_by TEXT REFERENCES staff(staff_id), revoked_from TEXT,
            version INTEGER NOT NULL DEFAULT 1)"""
    )
    db.execute(
        """CREATE TABLE contact_plans (
            contact_plan_id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            parent_id TEXT NOT NULL REFERENCES people(person_id),
            frequency_months INTEGER NOT NULL CHECK (frequency_months IN (1,2,3)),
            methods TEXT NOT NULL,
            arrangements TEXT,
            start_month TEXT NOT NULL, end_month TEXT,
            review_on TEXT,
            approved_by TEXT NOT NULL REFERENCES staff(staff_id),
            approved_at TEXT,
            document TEXT,
            superseded_by INTEGER REFERENCES contact_plans(contact_plan_id),
            created_at TEXT NOT NULL, created_by TEXT NOT NULL REFERENCES staff(staff_id),
            version INTEGER NOT NULL DEFAULT 1)"""
    )
    db.execute(
        """CREATE TABLE staffing_notes (
            staffing_note_id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            person_id TEXT REFERENCES people(person_id),
            month TEXT NOT NULL,
            reason_code TEXT NOT NULL,
            text TEXT NOT NULL,
            author TEXT NOT NULL REFERENCES staff(staff_id),
            created_at TEXT NOT NULL, created_by TEXT NOT NULL REFERENCES staff(staff_id))"""
    )
    db.execute(
        """CREATE TABLE next_steps (
            next_step_id INTEGER PRIMARY KEY,
            specialist_id TEXT NOT NULL REFERENCES staff(staff_id),
            case_id TEXT REFERENCES cases(case_id),
            person_id TEXT REFERENCES people(person_id),
            text TEXT NOT NULL,
            due_on TEXT NOT NULL,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL REFERENCES staff(staff_id),
            done_at TEXT, done_by TEXT REFERENCES staff(staff_id),
            version INTEGER NOT NULL DEFAULT 1)"""
    )
    db.execute(
        """CREATE TABLE audit_log (
            audit_id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            os_user TEXT,
            action TEXT NOT NULL,
            table_name TEXT NOT NULL,
            record_id TEXT,
            before TEXT,
            after TEXT)"""
    )
    # Evidence is append-only: the database itself refuses rewrites.
    db.execute(
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
    )
    for table in NEVER_DELETED:
        db.execute(
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} rows are never deleted; revoke or supersede them'); END"""
        )
    # --- indexes the engine and the app use ---
    db.execute("CREATE INDEX idx_staff_unit ON staff(unit_id)")
    db.execute("CREATE INDEX idx_cases_specialist ON cases(specialist_id, opened_on, closed_on)")
    db.execute("CREATE INDEX idx_cases_open ON cases(opened_on, closed_on)")
    db.execute("CREATE INDEX idx_case_members_person ON case_members(person_id)")
    db.execute("CREATE INDEX idx_placements_case_child ON placements(case_id, child_id, start_on)")
    db.execute("CREATE INDEX idx_notes_case_time ON notes(case_id, occurred_at)")
    db.execute("CREATE INDEX idx_notes_time ON notes(occurred_at)")
    db.execute("CREATE INDEX idx_note_contacts_person ON note_contacts(person_id, note_id)")
    db.execute("CREATE INDEX idx_exceptions_case_person ON exceptions(case_id, person_id)")
    db.execute("CREATE INDEX idx_contact_plans_case_parent ON contact_plans(case_id, parent_id)")
    db.execute("CREATE INDEX idx_staffing_notes_case_month ON staffing_notes(case_id, month)")
    db.execute("CREATE INDEX idx_next_steps_specialist ON next_steps(specialist_id, done_at)")
    db.execute("INSERT INTO meta (key, value) VALUES ('timezone', ?)", [DEFAULT_TIMEZONE])


#: Evidence columns: (key, columns fixed at insert, columns settable once from NULL).
IMMUTABLE_COLUMNS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "exceptions": ("exception_id",
                   ("case_id", "person_id", "category", "reason", "start_month", "end_month", "approved_by",
                    "created_at", "created_by"),
                   ("revoked_at", "revoked_by", "revoked_from")),
    "contact_plans": ("contact_plan_id",
                      ("case_id", "parent_id", "frequency_months", "methods", "arrangements", "start_month",
                       "end_month", "approved_by", "approved_at", "created_at", "created_by"),
                      ("superseded_by",)),
    "staffing_notes": ("staffing_note_id",
                       ("case_id", "person_id", "month", "reason_code", "text", "author", "created_at", "created_by"),
                       ()),
    "next_steps": ("next_step_id",
                   ("specialist_id", "case_id", "person_id", "text", "due_on", "created_at", "created_by"),
                   ("done_at", "done_by")),
}


@migrations()
def m002_evidence_cannot_be_replaced_or_rewritten(db: Database) -> None:
    """Close the two gaps m001 left: INSERT OR REPLACE (which deletes without firing
    DELETE triggers while recursive triggers are off) and UPDATEs of approved content."""
    db.execute(
        """CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
           WHEN NEW.audit_id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE audit_id = NEW.audit_id)
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
    )
    for table, (key, fixed, once) in IMMUTABLE_COLUMNS.items():
        db.execute(
            f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
                WHEN NEW.{key} IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key})
                BEGIN SELECT RAISE(ABORT, '{table} rows are never replaced; revoke or supersede them'); END"""
        )
        changed = " OR ".join(
            [f"NEW.{c} IS NOT OLD.{c}" for c in (key, *fixed)]
            + [f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NOT OLD.{c})" for c in once]
        )
        db.execute(
            f"""CREATE TRIGGER {table}_no_rewrite BEFORE UPDATE ON {table} WHEN {changed}
                BEGIN SELECT RAISE(ABORT, '{table}: what was approved cannot be rewritten; revoke or supersede it'); END"""
        )
    db.execute(
        """CREATE TRIGGER contact_plans_document_once BEFORE UPDATE OF document ON contact_plans
           WHEN OLD.document IS NOT NULL AND OLD.document != '' AND NEW.document IS NOT OLD.document
           BEGIN SELECT RAISE(ABORT, 'contact_plans: the approved document cannot be rewritten; supersede the plan'); END"""
    )


@migrations()
def m003_notes_by_id_covering(db: Database) -> None:
    """An index that answers "when, and how" for a note id without reading the note.

    The person-driven look-ups — everyone's latest contact (`last_seen`,
    `last_contact`) and the contacts of people with an exception or a contact
    plan in the months before — go from note_contacts to notes by note_id; with
    the time and method in the index they never read the note rows (texts
    included). Measured on the statewide benchmark database: the latest-contact
    look-up for the people not seen in the month went from about 200 ms to 125 ms.
    """
    db.execute("CREATE INDEX idx_notes_id_time_method ON notes(note_id, occurred_at, method)")


#: The tables a month's evaluation reads (SPEC §4): a change to any of them bumps `generation.n`.
EVALUATED_TABLES = (
    "staff", "cases", "people", "case_members", "parent_child", "permanency_goals", "placements",
    "notes", "note_contacts", "exceptions", "contact_plans", "staffing_notes",
)


@migrations()
def m004_generation(db: Database) -> None:
    """A counter that every change to what the evaluation reads bumps, whoever writes.

    Month reports are cached per process (`store.evaluation`); an entry is
    valid while `generation.n` is what it was when the month was evaluated
    (with m006's token, while the state is).
    Triggers, not the program's write paths, keep it: an import, a record
    saved in the app, another process or the sqlite3 shell all count. It costs
    about 2 µs per written row.
    """
    db.execute("CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)")
    db.execute("INSERT INTO generation (id, n) VALUES (1, 0)")
    for table in EVALUATED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_generation AFTER {event} ON {table} "
                "BEGIN UPDATE generation SET n = n + 1; END"
            )


#: The evaluated tables whose rows belong to one case: a change to one of them changes that
#: case's rows of a month and nobody else's (`changed_cases`, m005).
CASE_TABLES = (
    "cases", "case_members", "parent_child", "permanency_goals", "placements",
    "exceptions", "contact_plans", "staffing_notes",
)


@migrations()
def m005_changed_cases(db: Database) -> None:
    """Which cases changed at which generation, so a cached month is brought up to date case by case.

    A month cached at generation g stays valid for every case not in
    `changed_cases` with a generation after g, as long as `generation.everything`
    (the last change that is not confined to cases) is not after g either. The
    app's own writes (an exception, a contact plan, a staffing note) change one
    case: the month is then re-evaluated for that case only, not for the state.

    * a row of a case table (`CASE_TABLES`) changes its case (both cases when an
      update moves it to another one);
    * a person's row changes every case they are a member of (birth and death
      dates bound their spans);
    * staff (a specialist moved to another unit), notes and their contacts
      (`last_seen` is read across cases) change everything.

    The triggers replace m004's and still bump `generation.n` once per written
    row. `changed_cases` keeps one row per case (its latest change).
    """
    db.execute("ALTER TABLE generation ADD COLUMN everything INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE generation SET everything = n")  # what changed before is not known
    db.execute("CREATE TABLE changed_cases (case_id TEXT PRIMARY KEY, generation INTEGER NOT NULL)")
    db.execute("CREATE INDEX idx_changed_cases_generation ON changed_cases(generation)")
    _generation_triggers(db, "n = n + 1")


@migrations()
def m006_generation_token(db: Database) -> None:
    """A random token drawn again at every change, beside the generation number.

    Two files at the same generation can hold different histories (two
    copies of one database, each changed once, one copied back over the
    other). With the token, (generation, token) names one state of the data:
    the month cache keys on it, so a file copied over the database is never
    taken for it, and a checkpoint that rewrites the file (its status change
    time) does not throw a kept month away.
    """
    db.execute("ALTER TABLE generation ADD COLUMN token INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE generation SET token = random()")
    _generation_triggers(db, "n = n + 1, token = random()")


def _generation_triggers(db: Database, bump: str) -> None:
    """(Re)create the triggers that keep `generation` and `changed_cases` (m004–m006); `bump` is
    what every change sets in `generation`.

    A write on a connection without `recursive_triggers` (sqlite-utils turns them on) that
    replaces a row of another case (`INSERT OR REPLACE`) marks only the new case; such writes
    are not this program's, so the month cache does not bring a month up to date across them
    (`connection.COMMIT_LISTENERS`).
    """
    mark = (
        "INSERT INTO changed_cases (case_id, generation) SELECT {case}, n FROM generation WHERE true "
        "ON CONFLICT (case_id) DO UPDATE SET generation = excluded.generation;"
    )
    for table in EVALUATED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_{event.lower()}_generation")
            rows = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}[event]
            if table in CASE_TABLES:
                body = f"UPDATE generation SET {bump}; " + " ".join(
                    mark.format(case=f"{row}.case_id") for row in rows)
            elif table == "people":
                body = f"UPDATE generation SET {bump}; " + " ".join(
                    mark.replace("SELECT {case}, n FROM generation WHERE true",
                                 "SELECT m.case_id, g.n FROM case_members m, generation g "
                                 f"WHERE m.person_id = {row}.person_id") for row in rows)
            else:
                body = f"UPDATE generation SET {bump}, everything = n + 1;"
            db.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_generation AFTER {event} ON {table} BEGIN {body} END"
            )


#: The schema version this program writes; one per migration.
SCHEMA_VERSION = len(migrations._migrations)
