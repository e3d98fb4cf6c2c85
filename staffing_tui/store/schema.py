"""The database schema, created and upgraded with sqlite-utils' Migrations.

Each migration is one transaction. `SCHEMA_VERSION` is the number of
migrations; it is written to `meta.schema_version`. The tables of docs/data.md
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
    "staff": ("staff_id", "name", "role", "unit_id", "login"),
    "cases": ("case_id", "case_type", "specialist_id", "opened_on", "closed_on"),
    "people": ("person_id", "first_name", "last_name", "birth_date", "deceased_on"),
    "case_members": (
        "case_id", "person_id", "role", "alleged_victim", "alleged_perpetrator",
        "resides_in_home", "rights_terminated_on", "whereabouts_unknown", "incarcerated",
        "joined_on", "left_on",
    ),
    "parent_child": ("case_id", "parent_id", "child_id", "rights_terminated_on"),
    "permanency_goals": ("case_id", "child_id", "goal", "effective_on"),
    "placements": (
        "placement_id", "case_id", "child_id", "location_type", "location_name", "start_on", "end_on",
    ),
    "notes": (
        "note_id", "case_id", "author_id", "occurred_at", "note_type", "method", "location",
        "locate_for", "text", "placement_id",
    ),
    "note_contacts": ("note_id", "person_id"),
    "case_assignments": ("case_id", "specialist_id", "start_on", "end_on"),
    "member_periods": ("case_id", "person_id", "fact", "start_on", "end_on"),
}

#: Columns a file may leave out (older exports stay valid, docs/data.md "General rules"): their cells read as empty.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff": ("login",),
    "parent_child": ("rights_terminated_on",),
    "notes": ("placement_id",),
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
    "case_assignments": ("case_id", "start_on"),
    "member_periods": ("case_id", "person_id", "fact", "start_on"),
}

#: Tables whose rows are evidence: never deleted (revoked/superseded instead).
NEVER_DELETED = ("exceptions", "contact_plans", "staffing_notes", "next_steps")


@migrations()
def m001_initial(db: Database) -> None:
    """All tables of docs/data.md with keys, foreign keys and the engine's indexes."""
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
    # --- records created in the app (docs/data.md "Records created in the app") ---
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


#: The tables a month's evaluation reads (docs/policy.md "Evaluating a month"): a change to any of
#: them bumps `generation.n`.
EVALUATED_TABLES = (
    "staff", "cases", "people", "case_members", "parent_child", "permanency_goals", "placements",
    "notes", "note_contacts", "exceptions", "contact_plans", "staffing_notes",
)


@migrations()
def m004_generation(db: Database) -> None:
    """A counter that every change to what the evaluation reads bumps, whoever writes.

    Month reports are cached per process (`store.month_cache`); an entry is
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

    m008 drops it again: the month cache learns which cases this process
    saved from the save itself (`store.month_cache.saving`).
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
    are not this program's, so the month cache does not bring a month up to date across them.
    (m008 replaces them.)
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


#: Evidence columns from m007 on: (key, columns fixed at insert, columns settable once from NULL).
#: `review_on` joins the fixed columns (nothing in the program changes it: a new review date is a
#: new record); a revocation carries its reason, and a staffing note can be withdrawn once.
EVIDENCE_COLUMNS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "exceptions": ("exception_id",
                   ("case_id", "person_id", "category", "reason", "start_month", "end_month", "review_on",
                    "approved_by", "created_at", "created_by"),
                   ("revoked_at", "revoked_by", "revoked_from", "revoked_reason")),
    "contact_plans": ("contact_plan_id",
                      ("case_id", "parent_id", "frequency_months", "methods", "arrangements", "start_month",
                       "end_month", "review_on", "approved_by", "approved_at", "created_at", "created_by"),
                      ("superseded_by",)),
    "staffing_notes": ("staffing_note_id",
                       ("case_id", "person_id", "month", "reason_code", "text", "author", "created_at", "created_by"),
                       ("withdrawn_at", "withdrawn_by", "withdrawn_reason")),
    "next_steps": ("next_step_id",
                   ("specialist_id", "case_id", "person_id", "text", "due_on", "created_at", "created_by"),
                   ("done_at", "done_by")),
}

#: Tables whose rows are reconciled with their latest audit row by `check` (docs/evidence.md): the evidence,
#: and the record of every import.
RECONCILED = (*NEVER_DELETED, "imports")

#: The schema version from which the audit log is a hash chain (m007).
AUDIT_CHAIN_VERSION = 7

#: The `prev_hash` of the first audit row.
GENESIS_HASH = "0" * 64


def _no_rewrite_triggers(db: Database, spec: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]) -> None:
    """(Re)create each evidence table's trigger refusing a change to what was approved."""
    for table, (key, fixed, once) in spec.items():
        changed = " OR ".join(
            [f"NEW.{c} IS NOT OLD.{c}" for c in (key, *fixed)]
            + [f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NOT OLD.{c})" for c in once]
        )
        db.execute(f"DROP TRIGGER IF EXISTS {table}_no_rewrite")
        db.execute(
            f"""CREATE TRIGGER {table}_no_rewrite BEFORE UPDATE ON {table} WHEN {changed}
                BEGIN SELECT RAISE(ABORT, '{table}: what was approved cannot be rewritten; revoke or supersede it'); END"""
        )


def _insert_only(db: Database, table: str, key: str) -> None:
    """Triggers that make `table` insert-only: no UPDATE, no DELETE, no INSERT OR REPLACE."""
    db.execute(f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                   BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""")
    db.execute(f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                   BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""")
    db.execute(f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
                   WHEN NEW.{key} IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key})
                   BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""")


@migrations()
def m007_evidence(db: Database) -> None:
    """Evidence a reviewer can trust (docs/evidence.md): who acted, every import, a hash-chained log.

    * `staff.login`: the operating-system account of a staff member (verified identity);
    * `audit_log.verified`, `prev_hash`, `hash`: each row's hash is SHA-256 over the hash before it
      and its own content (`store.audit.row_hash`), so the log is a hash chain; a trigger refuses
      a row that does not extend the chain (`check` recomputes it). The chain is built here over
      the rows already there, once (`meta.audit_chain_built` says how many and when);
    * `imports` and `casework_history`: every import, and the previous version of every casework
      row an import changed — both insert-only;
    * a revocation's reason, a staffing note's withdrawal (`withdrawn_at/_by/_reason`, once) and
      its version; `review_on` can no longer be changed by hand.
    """
    import hashlib
    import json

    db.execute("ALTER TABLE staff ADD COLUMN login TEXT")
    db.execute("CREATE UNIQUE INDEX idx_staff_login ON staff(login) WHERE login IS NOT NULL")
    db.execute("ALTER TABLE exceptions ADD COLUMN revoked_reason TEXT")
    db.execute("ALTER TABLE staffing_notes ADD COLUMN withdrawn_at TEXT")
    db.execute("ALTER TABLE staffing_notes ADD COLUMN withdrawn_by TEXT REFERENCES staff(staff_id)")
    db.execute("ALTER TABLE staffing_notes ADD COLUMN withdrawn_reason TEXT")
    db.execute("ALTER TABLE staffing_notes ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    _no_rewrite_triggers(db, EVIDENCE_COLUMNS)

    db.execute(
        """CREATE TABLE imports (
            import_id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            os_user TEXT NOT NULL,
            actor TEXT,
            verified INTEGER NOT NULL DEFAULT 0,
            source TEXT,
            files TEXT NOT NULL,
            counts TEXT NOT NULL,
            history_rows INTEGER NOT NULL DEFAULT 0,
            history_sha256 TEXT)"""
    )
    db.execute(
        """CREATE TABLE casework_history (
            history_id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES imports(import_id),
            table_name TEXT NOT NULL,
            key TEXT NOT NULL,
            before TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX idx_casework_history_import ON casework_history(import_id)")
    db.execute("CREATE INDEX idx_casework_history_key ON casework_history(table_name, key)")
    _insert_only(db, "imports", "import_id")
    _insert_only(db, "casework_history", "history_id")

    db.execute("ALTER TABLE audit_log ADD COLUMN verified INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT")
    db.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT")
    db.execute("CREATE INDEX idx_audit_log_record ON audit_log(table_name, record_id)")
    db.execute("CREATE UNIQUE INDEX idx_audit_log_hash ON audit_log(hash)")
    # The rows already there get their hashes now (the append-only triggers are lifted for it,
    # inside this migration's transaction): the chain starts with what this upgrade found.
    db.execute("DROP TRIGGER audit_log_no_update")
    rows = db.execute(f"SELECT {', '.join(AUDIT_HASHED)} FROM audit_log ORDER BY audit_id").fetchall()
    previous = GENESIS_HASH
    for row in rows:
        digest = hashlib.sha256(audit_payload(previous, row).encode("utf-8")).hexdigest()
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE audit_id = ?", [previous, digest, row[0]])
        previous = digest
    db.execute(
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
    )
    # A row must extend the chain: the next id, the last row's hash as its prev_hash, a hash.
    db.execute(
        f"""CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
           WHEN NEW.hash IS NULL OR length(NEW.hash) != 64
             OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_log ORDER BY audit_id DESC LIMIT 1),
                                              '{GENESIS_HASH}')
             OR NEW.audit_id IS NOT coalesce((SELECT max(audit_id) FROM audit_log), 0) + 1
           BEGIN SELECT RAISE(ABORT, 'audit_log rows extend the hash chain; write them through staffing-tui'); END"""
    )
    if rows:
        import pendulum

        db.execute("INSERT INTO meta (key, value) VALUES ('audit_chain_built', ?)",
                   [json.dumps({"at": pendulum.now("UTC").to_iso8601_string(), "rows": len(rows)})])


@migrations()
def m008_generation_state_only(db: Database) -> None:
    """The generation triggers only name the data's state again; `changed_cases` goes.

    The month cache no longer reads which cases changed from the database: this
    process's saves say so themselves (`store.month_cache.saving`), and any other
    write means evaluating from nothing, as it did. So every change to what the
    evaluation reads bumps `generation.n` and draws a new `generation.token`
    (m004, m006) and marks nothing else: no `changed_cases` row, no
    `generation.everything` — one statement per written row instead of two or
    three (a person's change marked every case they were on). The state (n, token)
    stands: a month kept for it is still the month.
    """
    for name, _table, _event in _state_triggers():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")  # first: they name the tables replaced below
    db.execute("DROP TABLE IF EXISTS changed_cases")  # its index goes with it
    # The table again without `everything` (ALTER TABLE … DROP COLUMN needs SQLite 3.35).
    db.execute("CREATE TABLE generation_state (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL, "
               "token INTEGER NOT NULL)")
    db.execute("INSERT INTO generation_state (id, n, token) SELECT id, n, token FROM generation")
    db.execute("DROP TABLE generation")
    db.execute("ALTER TABLE generation_state RENAME TO generation")
    for name, table, event in _state_triggers():
        db.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                   "BEGIN UPDATE generation SET n = n + 1, token = random(); END")


def _state_triggers() -> list[tuple[str, str, str]]:
    """(name, table, event) of each trigger keeping `generation` (m004–m006, m008): every insert,
    update or delete on an evaluated table."""
    return [(f"{table}_{event.lower()}_generation", table, event)
            for table in EVALUATED_TABLES for event in ("INSERT", "UPDATE", "DELETE")]


#: The tables the evaluation reads from schema 9 on (m009 adds the dated facts).
EVALUATED_TABLES_V9 = (*EVALUATED_TABLES, "case_assignments", "member_periods")


@migrations()
def m009_dated_facts(db: Database) -> None:
    """Facts that change over time (docs/data.md "Files and columns"): who was assigned a case when
    (`case_assignments`), when a member resided in the home, was missing or incarcerated
    (`member_periods`), a parent's rights to one child (`parent_child.rights_terminated_on`) and
    the placement a note contacted (`notes.placement_id`). Both new tables are read by the
    evaluation, so they keep `generation` like the others (m008)."""
    db.execute("ALTER TABLE parent_child ADD COLUMN rights_terminated_on TEXT")
    db.execute("ALTER TABLE notes ADD COLUMN placement_id TEXT REFERENCES placements(placement_id)")
    db.execute(
        """CREATE TABLE case_assignments (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            specialist_id TEXT NOT NULL REFERENCES staff(staff_id),
            start_on TEXT NOT NULL, end_on TEXT,
            PRIMARY KEY (case_id, start_on))"""
    )
    db.execute(
        """CREATE TABLE member_periods (
            case_id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            fact TEXT NOT NULL CHECK (fact IN ('resides_in_home','whereabouts_unknown','incarcerated')),
            start_on TEXT NOT NULL, end_on TEXT,
            PRIMARY KEY (case_id, person_id, fact, start_on),
            FOREIGN KEY (case_id, person_id) REFERENCES case_members(case_id, person_id))"""
    )
    db.execute("CREATE INDEX idx_case_assignments_specialist ON case_assignments(specialist_id, start_on)")
    for table in ("case_assignments", "member_periods"):
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER {table}_{event.lower()}_generation AFTER {event} ON {table} "
                       "BEGIN UPDATE generation SET n = n + 1, token = random(); END")


#: The tables of the months kept in the database (m010, `store.kept_months`): no evidence, no
#: generation, written by that module only.
KEPT_TABLES = ("kept_months", "kept_rows", "kept_saved")

#: The SQL function that says, on a connection of this program, whether `store.kept_months` is
#: writing (registered by `store.connection.open_database`; the sqlite3 shell does not have it).
KEEPING_FUNCTION = "staffing_keeping"


@migrations()
def m010_kept_months(db: Database) -> None:
    """Whole-database months evaluated once and kept in the database (`store.kept_months`,
    docs/data.md "Months kept"), served only while the data is in the state they were evaluated
    from.

    * `kept_months`: one month as of one day, for one calendar (`meta.timezone`, `meta.as_of`) and
      one engine (a fingerprint of the program's rules), at one state of the data (`generation`);
    * `kept_rows`: its report rows as their JSON text, keyed in the report's order (unit, specialist,
      case, person: `unit_key` is the unit or '', `person_key` the person or '' for a case-level
      row), with the status and whether the row has a flag, to count in SQL;
    * `kept_saved`: the cases this program saved since the month was kept (evaluated again when
      read).

    They are not evidence and bump no generation. A guard refuses every write to them unless
    `staffing_keeping()` says this program's `kept_months` is writing: a hand edit (the sqlite3
    shell has no such function) cannot change what a report shows. Dropping them is harmless:
    nothing kept, everything evaluated.
    """
    db.execute(
        """CREATE TABLE kept_months (
            kept_id INTEGER PRIMARY KEY,
            month TEXT NOT NULL, as_of TEXT NOT NULL, calendar TEXT NOT NULL, engine TEXT NOT NULL,
            gen_n INTEGER NOT NULL, gen_token INTEGER NOT NULL, kept_at TEXT NOT NULL,
            UNIQUE (month, as_of, calendar, engine))"""
    )
    db.execute(
        """CREATE TABLE kept_rows (
            kept_id INTEGER NOT NULL REFERENCES kept_months(kept_id) ON DELETE CASCADE,
            unit_key TEXT NOT NULL, specialist_id TEXT NOT NULL, case_id TEXT NOT NULL,
            person_key TEXT NOT NULL, status TEXT NOT NULL, flagged INTEGER NOT NULL, row TEXT NOT NULL,
            PRIMARY KEY (kept_id, unit_key, specialist_id, case_id, person_key)) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX idx_kept_rows_case ON kept_rows(kept_id, case_id)")
    db.execute(
        """CREATE TABLE kept_saved (
            kept_id INTEGER NOT NULL REFERENCES kept_months(kept_id) ON DELETE CASCADE,
            case_id TEXT NOT NULL,
            PRIMARY KEY (kept_id, case_id)) WITHOUT ROWID"""
    )
    for sql in kept_guards().values():
        db.execute(sql)


@migrations()
def m011_kept_counts_index(db: Database) -> None:
    """A kept month counted per unit, specialist and status from an index that holds just those
    (`kept_months.kept_counts`): the main screen counts the whole month at every month change and
    after every save, and the rows' JSON texts (9 MB a statewide month) no longer pass through the
    page cache to be counted (11 ms → 5 ms statewide)."""
    db.execute("CREATE INDEX idx_kept_rows_counts ON kept_rows(kept_id, unit_key, specialist_id, status)")


#: The contacts' times kept per person (m012, `contact_times`): filled from the join of
#: note_contacts and notes, then kept equal to it by `contact_times_triggers`.
CONTACT_TIMES_FILL = (
    "INSERT OR IGNORE INTO contact_times (person_id, in_person, occurred_at, note_id) "
    "SELECT nc.person_id, n.method = 'in_person', n.occurred_at, n.note_id "
    "FROM note_contacts nc JOIN notes n ON n.note_id = nc.note_id WHERE n.method != 'none' "
    "ORDER BY 1, 2, 3, 4"
)


@migrations()
def m012_contact_times(db: Database) -> None:
    """Everyone's contacts by person and time, so that "when was this person last seen (or in
    contact) up to a day" is one index look-up, not a walk through their whole history.

    `last_seen` and `last_contact` (docs/policy.md) are read for every person of the cases a report
    covers, on any case. Through note_contacts' person index that meant one look-up in notes per
    contact the person ever had: about 4,000 for the largest unit of the statewide benchmark,
    ~10 ms, half of the unit's evaluation. `contact_times` holds, for each contact whose note's
    method is not 'none', the person, whether it was in person, the note's time and the note:
    two short look-ups per person.

    It is derived, not evidence, and bumps no generation (every change to it comes with one to
    notes or note_contacts, which do). Triggers keep it equal to the join of note_contacts and
    notes under every insert, update and delete (`contact_times_triggers`; an import into an
    empty note_contacts fills it in one sorted pass instead). Dropping its rows and running
    `CONTACT_TIMES_FILL` rebuilds it.
    """
    db.execute(
        """CREATE TABLE contact_times (
            person_id TEXT NOT NULL, in_person INTEGER NOT NULL, occurred_at TEXT NOT NULL,
            note_id TEXT NOT NULL,
            PRIMARY KEY (person_id, in_person, occurred_at, note_id)) WITHOUT ROWID"""
    )
    db.execute(CONTACT_TIMES_FILL)
    for sql in contact_times_triggers().values():
        db.execute(sql)


def contact_times_triggers() -> dict[str, str]:
    """The triggers that keep `contact_times` (m012) equal to the join of note_contacts and notes,
    name → SQL. A note's rows are dropped and written again whenever a contact of it, or its id,
    time or method, changes; a note's insert drops first too, for an INSERT OR REPLACE (whose
    delete fires no trigger)."""
    rows_of_contact = ("SELECT {row}.person_id, n.method = 'in_person', n.occurred_at, n.note_id FROM notes n "
                       "WHERE n.note_id = {row}.note_id AND n.method != 'none'")
    rows_of_note = ("SELECT nc.person_id, {row}.method = 'in_person', {row}.occurred_at, {row}.note_id "
                    "FROM note_contacts nc WHERE nc.note_id = {row}.note_id AND {row}.method != 'none'")
    insert = "INSERT OR IGNORE INTO contact_times (person_id, in_person, occurred_at, note_id) "

    def drop_contact(row: str) -> str:
        return f"DELETE FROM contact_times WHERE person_id = {row}.person_id AND note_id = {row}.note_id;"

    def drop_note(row: str) -> str:
        return (f"DELETE FROM contact_times WHERE note_id = {row}.note_id AND person_id IN "
                f"(SELECT person_id FROM note_contacts WHERE note_id = {row}.note_id);")

    bodies = {
        ("note_contacts", "INSERT"): insert + rows_of_contact.format(row="NEW") + ";",  # (a replace: the same row)
        ("note_contacts", "UPDATE"): drop_contact("OLD") + drop_contact("NEW") + insert
        + rows_of_contact.format(row="NEW") + ";",
        ("note_contacts", "DELETE"): drop_contact("OLD"),
        ("notes", "INSERT"): drop_note("NEW") + insert + rows_of_note.format(row="NEW") + ";",
        ("notes", "UPDATE OF note_id, occurred_at, method"): drop_note("OLD") + drop_note("NEW") + insert
        + rows_of_note.format(row="NEW") + ";",
        ("notes", "DELETE"): drop_note("OLD"),
    }
    return {
        f"{table}_{event.split()[0].lower()}_contact_times":
            f"CREATE TRIGGER {table}_{event.split()[0].lower()}_contact_times AFTER {event} ON {table} "
            + ("WHEN OLD.note_id IS NOT NEW.note_id OR OLD.occurred_at IS NOT NEW.occurred_at "
               "OR OLD.method IS NOT NEW.method " if event.startswith("UPDATE OF") else "")
            + f"BEGIN {body} END"
        for (table, event), body in bodies.items()
    }


def kept_guards() -> dict[str, str]:
    """The guard triggers of the kept months (m010), name → SQL: `store.kept_months` serves a month
    only while all of them are there, as created here."""
    return {
        f"{table}_{event.lower()}_guard": (
            f"CREATE TRIGGER {table}_{event.lower()}_guard BEFORE {event} ON {table} "
            f"WHEN NOT {KEEPING_FUNCTION}() "
            f"BEGIN SELECT RAISE(ABORT, '{table} is written by staffing-tui only (staffing-tui prepare)'); END")
        for table in KEPT_TABLES for event in ("INSERT", "UPDATE", "DELETE")
    }


#: The audit columns a row's hash covers, in order (`audit_payload`).
AUDIT_HASHED = ("audit_id", "at", "actor", "os_user", "verified", "action", "table_name", "record_id",
                "before", "after")


def audit_payload(prev_hash: str, row) -> str:
    """The text a row's hash is taken over: the previous hash, then the row's columns of
    `AUDIT_HASHED` as a compact JSON array (before/after as the stored JSON text)."""
    import json

    return prev_hash + "\n" + json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))


#: The schema version this program writes; one per migration.
SCHEMA_VERSION = len(migrations._migrations)
