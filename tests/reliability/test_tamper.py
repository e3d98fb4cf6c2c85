"""The audit log is tamper-evident: `check` finds what was altered past staffing-tui
(docs/evidence.md "The audit log is a hash chain").

The records are written through the command line (as the app writes them); the tampering is
done by another process with a plain sqlite3 connection, as someone with the sqlite3 shell
would: drop the trigger in the way, then edit, delete or insert. Each alteration is reported
with its table and record id, exit status 3.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from staffing_tui.cli import main
from staffing_tui.domain.enums import StaffRole
from staffing_tui.store.audit import Actor, casework_history_digest, row_hash, write_audit
from staffing_tui.store.connection import open_database
from staffing_tui.store.maintenance import check_path, foreign_key_findings
from staffing_tui.store.schema import AUDIT_HASHED
from tests.builders import cli, small_database
from tests.conftest import REPO, query

#: What the records below put in the log, in order.
AUDITED = ["exceptions 1 create", "exceptions 2 create", "contact_plans 1 create", "staffing_notes 1 create",
           "next_steps 1 create", "exceptions 2 revoke"]

RECORDS = [
    ["exception", "add", "--as", "SV1", "--case", "C1", "--person", "K1", "--category", "child_in_treatment",
     "--reason", "Residential treatment limits visits.", "--from", "2026-10", "--to", "2026-12",
     "--review-on", "2026-12-01"],
    ["exception", "add", "--as", "SV1", "--case", "C2", "--person", "K2", "--category", "other",
     "--reason", "Hospital stay limits visits this month.", "--from", "2026-10", "--to", "2026-10",
     "--review-on", "2026-10-20"],
    ["plan", "generate", "--as", "SV1", "--case", "C1", "--parent", "A1", "--frequency", "1", "--methods",
     "phone", "--arrangements", "Calls on Fridays.", "--from", "2026-09", "--review-on", "2027-01-15"],
    ["note", "add", "--as", "SV1", "--case", "C2", "--person", "K2", "--month", "2026-10",
     "--reason-code", "hospitalized", "--text", "In hospital all month."],
    ["step", "add", "--as", "SV1", "--specialist", "S1", "--text", "Call the school", "--due", "2026-11-30"],
    ["exception", "revoke", "2", "--as", "M1", "--from", "2026-10", "--reason", "Discharged early."],
]


@pytest.fixture(scope="module")
def recorded_template(tmp_path_factory) -> Path:
    """tests/builders.py's database with one record of every kind and a revocation, all written
    through the command line (built once; each test gets a copy)."""
    path = tmp_path_factory.mktemp("tamper") / "records.db"
    small_database(path).close()
    with sqlite3.connect(path) as conn:  # a goal other than reunification, so A1 may have a contact plan
        conn.execute("INSERT INTO permanency_goals VALUES ('C1', 'K1', 'adoption', '2026-08-01')")
    conn.close()
    for argv in RECORDS:
        assert main([*argv[:2], "--db", str(path), *argv[2:]]) == 0
    assert [f"{t} {r} {a}" for t, r, a in query(path, "SELECT table_name, record_id, action FROM audit_log "
                                                     "ORDER BY audit_id")] == AUDITED
    return path


@pytest.fixture
def recorded(recorded_template, tmp_path) -> Path:
    path = tmp_path / "records.db"
    source, copy = sqlite3.connect(recorded_template), sqlite3.connect(path)
    source.backup(copy)  # every committed page, whatever is still in the template's WAL
    source.close()
    copy.close()
    return path


def tamper(path: Path, script: str) -> None:
    """Run SQL on the database from another process with a plain sqlite3 connection."""
    code = "import sqlite3, sys\nconn = sqlite3.connect(sys.argv[1])\nconn.executescript(sys.argv[2])\nconn.close()\n"
    done = subprocess.run([sys.executable, "-c", code, str(path), script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def check_process(*argv) -> tuple[int, str, str]:
    """`python -m staffing_tui check ...` as a separate process: (exit status, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "staffing_tui", "check", *map(str, argv)], cwd=REPO,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return done.returncode, done.stdout, done.stderr


def problems(capsys, path: Path, *options) -> list[str]:
    """The problems `check` lists (exit status 3 asserted)."""
    code, out, err = cli(capsys, "check", "--db", path, *options)
    assert (code, err) == (3, ""), out + err
    lines = out.splitlines()
    assert lines[0] == f"{path}: {len(lines) - 1} problem{'s' if len(lines) > 2 else ''} found"
    return lines[1:]


def missing(trigger: str, purpose: str) -> str:
    return f"triggers: trigger {trigger} is missing: the database no longer refuses {purpose}"


def head_of(path: Path) -> str:
    code, out, err = check_process("--db", path, "--head")
    assert (code, err) == (0, ""), out + err
    return out.split()[-1]


# --- a sound database -----------------------------------------------------------------------------


def test_records_written_through_staffing_tui_pass_check_in_a_separate_process(recorded):
    code, out, err = check_process("--db", recorded)
    assert (code, err) == (0, "")
    assert out == (f"{recorded}: ok (integrity, foreign keys, triggers, the audit chain and its reconciliation, "
                   "and 9 data-quality rules)\n")


# --- (a) triggers ---------------------------------------------------------------------------------


def test_a_dropped_trigger_is_reported_by_name_with_what_it_refused(recorded):
    tamper(recorded, "DROP TRIGGER exceptions_no_delete;")
    code, out, err = check_process("--db", recorded)
    assert (code, err) == (3, "")
    assert out.splitlines() == [f"{recorded}: 1 problem found",
                                missing("exceptions_no_delete", "deleting exceptions")]


def test_an_altered_or_added_trigger_is_reported_by_name(recorded, capsys):
    tamper(recorded, """
        DROP TRIGGER staffing_notes_no_delete;
        CREATE TRIGGER staffing_notes_no_delete BEFORE DELETE ON staffing_notes WHEN 0
            BEGIN SELECT RAISE(ABORT, 'staffing_notes rows are never deleted'); END;
        CREATE TRIGGER quietly AFTER INSERT ON notes BEGIN SELECT 1; END;
    """)
    assert problems(capsys, recorded) == [
        "triggers: trigger quietly is not one of staffing-tui's: something added it to run on every write; find out "
        "who, and drop it",
        "triggers: trigger staffing_notes_no_delete was altered: it is no longer the one staffing-tui creates, so it "
        "may not do its part (the database no longer refuses deleting staffing_notes)",
    ]


# --- (b) a record changed by hand ------------------------------------------------------------------


def test_an_exceptions_review_date_changed_by_hand_names_the_column_not_the_value(recorded, capsys):
    tamper(recorded, """
        DROP TRIGGER exceptions_no_rewrite;
        UPDATE exceptions SET review_on = '2027-06-01' WHERE exception_id = 1;
    """)
    found = problems(capsys, recorded)
    assert found == [
        missing("exceptions_no_rewrite", "rewriting what was approved in exceptions"),
        "reconciliation: exceptions 1: review_on differs from its latest audit row (audit_log 1): the record was "
        "changed by hand",
    ]
    assert "2027-06-01" not in "\n".join(found)


def test_a_revocation_set_by_hand_is_found_though_no_trigger_refuses_it(recorded, capsys):
    # revoked_* may go from NULL to a value (that is what a revocation does), so nothing stops this.
    tamper(recorded, "UPDATE exceptions SET revoked_at = '2026-11-01', revoked_by = 'M1', revoked_from = '2026-11' "
                     "WHERE exception_id = 1;")
    assert problems(capsys, recorded) == [
        "reconciliation: exceptions 1: revoked_at, revoked_by, revoked_from differ from its latest audit row "
        "(audit_log 1): the record was changed by hand",
    ]


# --- (c) an audit row removed ---------------------------------------------------------------------


def test_a_removed_audit_row_is_a_gap_in_the_chain_and_leaves_its_record_unaudited(recorded, capsys):
    tamper(recorded, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE audit_id = 4;")
    assert problems(capsys, recorded) == [
        missing("audit_log_no_delete", "deleting audit_log"),
        "audit_chain: audit_log 4: missing (the log goes from 3 to 5): rows were removed",
        "reconciliation: staffing_notes 1: it has no audit row: it was inserted by hand, or its audit rows were "
        "removed",
    ]


def test_an_audit_row_changed_and_hashed_again_breaks_the_link_to_the_next_row(recorded, capsys):
    """Someone who knows the algorithm edits row 3 and gives it a matching hash: row 4 still names
    the old hash."""
    conn = sqlite3.connect(recorded)  # a plain connection, as the sqlite3 shell has
    conn.execute("DROP TRIGGER audit_log_no_update")
    row = conn.execute(f"SELECT {', '.join(AUDIT_HASHED)}, prev_hash FROM audit_log WHERE audit_id = 3").fetchone()
    content = list(row[:-1])
    content[AUDIT_HASHED.index("actor")] = "M1"
    conn.execute("UPDATE audit_log SET actor = 'M1', hash = ? WHERE audit_id = 3", [row_hash(row[-1], content)])
    conn.commit()
    conn.close()
    assert problems(capsys, recorded) == [
        missing("audit_log_no_update", "changing audit_log"),
        "audit_chain: audit_log 4: its prev_hash is not the hash of audit_log 3: a row before it was removed or "
        "changed",
    ]


# --- (d) a forged audit row -----------------------------------------------------------------------


def test_a_forged_revocation_with_a_naive_hash_is_found_by_the_chain(recorded, capsys):
    """The revocation is set by hand and an audit row written to match it; its hash is not the chain's."""
    conn = sqlite3.connect(recorded)
    conn.row_factory = sqlite3.Row
    conn.execute("UPDATE exceptions SET revoked_at = '2026-11-01T00:00:00Z', revoked_by = 'M1', "
                 "revoked_from = '2026-11', version = 2 WHERE exception_id = 1")
    after = json.dumps(dict(conn.execute("SELECT * FROM exceptions WHERE exception_id = 1").fetchone()),
                       sort_keys=True)
    head = conn.execute("SELECT hash FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone()[0]
    conn.execute("DROP TRIGGER audit_log_extends_chain")
    conn.execute("INSERT INTO audit_log (audit_id, at, actor, os_user, verified, action, table_name, record_id, "
                 "after, prev_hash, hash) VALUES (7, '2026-11-01T00:00:00Z', 'M1', 'm1', 0, 'revoke', 'exceptions', "
                 "'1', ?, ?, ?)", [after, head, hashlib.sha256(after.encode()).hexdigest()])
    conn.commit()
    conn.close()
    assert problems(capsys, recorded) == [
        missing("audit_log_extends_chain", "audit rows that do not extend the hash chain"),
        "audit_chain: audit_log 7: its hash does not match its content: the row was changed, or written past "
        "staffing-tui",
    ]


def test_an_audit_row_for_a_record_that_was_never_written_is_found(recorded, capsys):
    """A forger who extends the chain correctly still cannot show the record the row claims."""
    db = open_database(recorded)
    with db.atomic():
        write_audit(db, Actor("M1", StaffRole.MANAGER, None, "m1"), "create", "exceptions", 9,
                    after={"exception_id": 9, "case_id": "C3"})
    db.close()
    assert problems(capsys, recorded) == [
        "reconciliation: exceptions 9: its audit row (audit_log 7) remains but the record is gone: it was deleted "
        "by hand, or the audit row forged",
    ]


def test_an_audit_row_without_a_hash_is_found(recorded, capsys):
    tamper(recorded, """
        DROP TRIGGER audit_log_extends_chain;
        INSERT INTO audit_log (audit_id, at, actor, action, table_name, record_id)
            VALUES (7, '2026-11-01', 'M1', 'note', 'cases', 'C1');
    """)
    assert problems(capsys, recorded)[1:] == [
        "audit_chain: audit_log 7: its prev_hash is not the hash of audit_log 6: a row before it was removed or "
        "changed",
        "audit_chain: audit_log 7: it has no hash: it was written past staffing-tui",
    ]


# --- (e) an evidence record deleted ---------------------------------------------------------------


def test_a_deleted_next_step_is_found_by_its_remaining_audit_row(recorded):
    tamper(recorded, "DROP TRIGGER next_steps_no_delete; DELETE FROM next_steps WHERE next_step_id = 1;")
    code, out, err = check_process("--db", recorded)
    assert (code, err) == (3, "")
    assert out.splitlines()[1:] == [
        missing("next_steps_no_delete", "deleting next_steps"),
        "reconciliation: next_steps 1: its audit row (audit_log 5) remains but the record is gone: it was deleted "
        "by hand, or the audit row forged",
    ]


# --- (f) an evidence record inserted by hand ------------------------------------------------------


def test_a_staffing_note_inserted_by_hand_has_no_audit_row(recorded, capsys):
    tamper(recorded, """
        INSERT INTO staffing_notes (case_id, person_id, month, reason_code, text, author, created_at, created_by)
            VALUES ('C2', 'K2', '2026-10', 'other', 'Seen at the clinic instead.', 'SV1', '2026-11-01', 'SV1');
    """)
    assert problems(capsys, recorded) == [
        "reconciliation: staffing_notes 2: it has no audit row: it was inserted by hand, or its audit rows were "
        "removed",
    ]


# --- (g) an audit row's after edited ---------------------------------------------------------------


def test_an_edited_audit_after_breaks_its_hash_and_no_longer_matches_the_record(recorded, capsys):
    tamper(recorded, """
        DROP TRIGGER audit_log_no_update;
        UPDATE audit_log SET after = json_set(after, '$.text', 'Edited afterwards.') WHERE audit_id = 4;
    """)
    found = problems(capsys, recorded)
    assert found == [
        missing("audit_log_no_update", "changing audit_log"),
        "audit_chain: audit_log 4: its hash does not match its content: the row was changed, or written past "
        "staffing-tui",
        "reconciliation: staffing_notes 1: text differs from its latest audit row (audit_log 4): the record was "
        "changed by hand",
    ]
    assert not [word for word in ("Edited", "hospital") if word in "\n".join(found)]


def test_json_output_carries_the_evidence_findings(recorded, capsys):
    tamper(recorded, "DROP TRIGGER next_steps_no_delete; DELETE FROM next_steps;")
    code, out, _ = cli(capsys, "check", "--db", recorded, "--format", "json")
    report = json.loads(out)
    assert code == 3 and report["ok"] is False
    assert [(p["rule"], p["message"].split(":")[0]) for p in report["problems"]] == [
        ("triggers", "trigger next_steps_no_delete is missing"), ("reconciliation", "next_steps 1")]


# --- records audited before m007 --------------------------------------------------------------------


def test_an_older_audit_row_without_the_new_columns_compares_with_their_defaults(recorded, capsys):
    """Creates audited before m007 carried the record as requested: no version, no revoked_reason."""
    db = open_database(recorded)
    record = {"case_id": "C3", "person_id": "K3", "category": "other", "reason": "Audited the way it used to be.",
              "start_month": "2026-10", "end_month": "2026-10", "review_on": None, "approved_by": "SV2",
              "created_at": "2026-10-01T00:00:00Z", "created_by": "SV2"}
    with db.atomic():
        exception_id = db["exceptions"].insert(record).last_pk
        write_audit(db, Actor("SV2", StaffRole.SUPERVISOR, "U2", "sv2"), "create", "exceptions", exception_id,
                    after={**record, "exception_id": exception_id})
    db.close()
    assert cli(capsys, "check", "--db", recorded)[0] == 0
    tamper(recorded, f"UPDATE exceptions SET version = 2 WHERE exception_id = {exception_id};")
    assert problems(capsys, recorded) == [
        f"reconciliation: exceptions {exception_id}: version differs from its latest audit row (audit_log 7): the "
        "record was changed by hand",
    ]


# --- imports and their casework history ---------------------------------------------------------------


def record_import(path: Path) -> None:
    """An import that changed two casework rows, recorded as the importer records one: the imports
    row with its history digest, the history rows, one audit row with the imports row as stored."""
    history = [(1, 1, "placements", '["PL1"]', '{"end_on": null}'),
               (2, 1, "notes", '["N2"]', '{"note_type": "visit"}')]
    imports = {"import_id": 1, "at": "2026-11-05T10:00:00Z", "os_user": "m1", "actor": "M1", "verified": 0,
               "source": "/exports/2026-11-05", "files": '{"placements.csv": "ab12"}',
               "counts": '{"placements": {"inserted": 0, "updated": 1, "unchanged": 1}}',
               "history_rows": 2, "history_sha256": casework_history_digest(history)}
    db = open_database(path)
    with db.atomic():
        db["imports"].insert(imports)
        db.execute("INSERT INTO casework_history VALUES (?, ?, ?, ?, ?)", history[0])
        db.execute("INSERT INTO casework_history VALUES (?, ?, ?, ?, ?)", history[1])
        stored = dict(zip([c for c in imports], db.execute("SELECT * FROM imports").fetchone()))
        write_audit(db, Actor("M1", StaffRole.MANAGER, None, "m1"), "import", "imports", 1, after=stored)
    db.close()


def test_an_import_recorded_as_the_importer_does_passes(recorded, capsys):
    record_import(recorded)
    assert cli(capsys, "check", "--db", recorded)[0] == 0


@pytest.mark.parametrize("script, counted", [
    ("DROP TRIGGER casework_history_no_update; UPDATE casework_history SET before = '{}' WHERE history_id = 2;",
     "2 rows found"),
    ("DROP TRIGGER casework_history_no_delete; DELETE FROM casework_history WHERE history_id = 1;", "1 row found"),
])
def test_casework_history_changed_or_removed_by_hand_breaks_its_imports_digest(recorded, capsys, script, counted):
    record_import(recorded)
    tamper(recorded, script)
    assert problems(capsys, recorded)[1:] == [
        f"reconciliation: imports 1: its casework history does not match history_sha256 ({counted}, 2 recorded): "
        "history rows were changed, removed or added by hand",
    ]


def test_an_imports_row_changed_by_hand_is_reconciled_with_its_audit_row(recorded, capsys):
    record_import(recorded)
    tamper(recorded, "DROP TRIGGER imports_no_update; UPDATE imports SET actor = 'SV1';")
    assert problems(capsys, recorded)[1:] == [
        "reconciliation: imports 1: actor differs from its latest audit row (audit_log 7): the record was changed "
        "by hand",
    ]


# --- check --head and --since-head ----------------------------------------------------------------------


def test_head_prints_the_chains_length_and_last_hash(recorded):
    code, out, err = check_process("--db", recorded, "--head")
    assert (code, err) == (0, "")
    [(last,)] = query(recorded, "SELECT hash FROM audit_log WHERE audit_id = 6")
    assert out == f"audit chain: 6 rows, head {last}\n"


def test_head_of_a_broken_chain_lists_the_problems_instead(recorded, capsys):
    tamper(recorded, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'M1' WHERE audit_id = 2;")
    code, out, err = cli(capsys, "check", "--db", recorded, "--head")
    assert (code, err) == (3, "")
    assert out.splitlines() == [f"{recorded}: 1 problem found",
                                "audit_chain: audit_log 2: its hash does not match its content: the row was changed, "
                                "or written past staffing-tui"]


def test_head_in_json_carries_the_head(recorded, capsys):
    code, out, _ = cli(capsys, "check", "--db", recorded, "--head", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["rules"] == ["audit_chain"]
    assert report["head"] == {"rows": 6, "hash": query(recorded, "SELECT hash FROM audit_log WHERE audit_id = 6")[0][0]}


def test_since_an_earlier_head_passes_after_legitimate_writes(recorded, capsys):
    head = head_of(recorded)
    assert cli(capsys, "step", "done", "1", "--db", recorded, "--as", "SV1")[0] == 0
    assert cli(capsys, "note", "add", "--db", recorded, "--as", "SV1", "--case", "C1", "--person", "K1", "--month",
               "2026-10", "--reason-code", "other", "--text", "Court hearing moved the visit.")[0] == 0
    code, out, err = check_process("--db", recorded, "--since-head", head.upper())
    assert (code, err) == (0, "")
    assert out.endswith(f"data-quality rules); the audit log still extends head {head}\n")
    code, out, _ = cli(capsys, "check", "--db", recorded, "--since-head", head, "--format", "json")
    assert code == 0 and json.loads(out)["since_head"] == head


def test_since_a_head_whose_row_was_deleted_fails(recorded, capsys):
    head = head_of(recorded)
    tamper(recorded, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE audit_id = 6;")
    assert cli(capsys, "check", "--db", recorded, "--head")[0] == 0  # the shorter chain is still a chain
    assert problems(capsys, recorded, "--since-head", head) == [
        missing("audit_log_no_delete", "deleting audit_log"),
        f"audit_chain: the audit log no longer contains head {head}: rows were removed or rewritten since it was "
        "taken",
        "reconciliation: exceptions 2: revoked_at, revoked_by, revoked_from, version, revoked_reason differ from its "
        "latest audit row (audit_log 2): the record was changed by hand",
    ]


@pytest.mark.parametrize("head", ["3f9a", "g" * 64, "0" * 63, "0" * 65])
def test_a_malformed_head_is_one_sentence_and_exit_2(recorded, head):
    code, out, err = check_process("--db", recorded, "--since-head", head)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "is not an audit head" in err and "Traceback" not in err


def test_head_and_since_head_together_is_bad_input(recorded, capsys):
    code, out, err = cli(capsys, "check", "--db", recorded, "--head", "--since-head", "0" * 64)
    assert (code, out) == (2, "") and "not allowed with argument" in err


# --- foreign keys: what SQLite's own check finds -------------------------------------------------------


def test_foreign_key_findings_are_what_sqlites_foreign_key_check_finds(recorded):
    tamper(recorded, """
        PRAGMA foreign_keys = OFF;
        INSERT INTO notes VALUES ('N20', 'NOCASE', 'NOBODY', '2026-10-05T10:00:00-07:00', 'visit', 'none', NULL,
                                  'GHOST', NULL, NULL);
        INSERT INTO note_contacts VALUES ('NONOTE', 'K1'), ('N1', 'GHOST');
        INSERT INTO case_members (case_id, person_id, role) VALUES ('C1', 'GHOST', 'other_adult');
    """)
    conn = sqlite3.connect(recorded)
    expected = []
    for table, rowid, parent, fkid in conn.execute("PRAGMA foreign_key_check"):
        column = [row[3] for row in conn.execute(f"PRAGMA foreign_key_list({table})") if row[0] == fkid][0]
        expected.append((table, rowid, column, parent))
    conn.close()
    db = open_database(recorded, readonly=True)
    try:
        found = [f.message for f in foreign_key_findings(db)]
    finally:
        db.close()
    assert len(found) == len(expected) == 6
    assert sorted(found) == sorted([
        "case_members C1, GHOST: person_id GHOST is not in people",
        "notes N20: case_id NOCASE is not in cases",
        "notes N20: author_id NOBODY is not in staff",
        "notes N20: locate_for GHOST is not in people",
        "note_contacts NONOTE, K1: note_id NONOTE is not in notes",
        "note_contacts N1, GHOST: person_id GHOST is not in people",
    ])
    assert {(m.split()[0], m.split(": ")[1].split()[0]) for m in found} == {(t, c) for t, _r, c, _p in expected}
    # `check` finds the notes' unindexed references in its one pass over the notes (on a second
    # connection): the same findings, in the same order.
    assert [f.message for f in check_path(recorded) if f.rule == "foreign_key"] == found
