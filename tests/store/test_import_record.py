"""docs/evidence.md "Every import accounted for": every import is accounted for.

Each import writes one `imports` row and one audit row in its own transaction; a re-import writes
only the rows that are new or differ, and keeps the previous version of each changed row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from staffing_tui.store import audit
from staffing_tui.store.connection import open_database
from staffing_tui.store.import_log import ROWS_SOURCE, TableCounts
from staffing_tui.store.importer import ImportFailed, import_directory, import_rows
from staffing_tui.store.schema import GENESIS_HASH, IMPORT_TABLES
from tests.store.test_import import COUNTS, NOW, VALID, write_files

#: VALID with note N1 made a phone call and case C1 closed: one row of each table changed.
CHANGED = {
    **VALID,
    "notes.csv": VALID["notes.csv"].replace("N1,C1,S2,2026-02-10T10:00,monthly visit,in_person,placement,",
                                            "N1,C1,S2,2026-02-10T10:00,monthly visit,phone,,"),
    "cases.csv": VALID["cases.csv"].replace("C1,dependency,S2,2026-01-05,", "C1,dependency,S2,2026-01-05,2026-05-30"),
}


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.db", create=True)
    yield database
    database.close()


def load(db, tmp_path, files: dict[str, str], name: str, **kwargs):
    return import_directory(db, write_files(tmp_path / name, files), now=NOW, **kwargs)


def imports_row(db, import_id: int) -> dict:
    return db.execute_returning_dicts("SELECT * FROM imports WHERE import_id = ?", [import_id])[0]


def generation(db) -> tuple:
    return db.execute("SELECT n, token FROM generation").fetchone()


def test_first_import_counts_every_row_inserted_and_keeps_no_history(db, tmp_path):
    summary = load(db, tmp_path, VALID, "first")
    row = imports_row(db, summary.import_id)
    assert json.loads(row["counts"]) == {table: {"inserted": n, "updated": 0, "unchanged": 0}
                                         for table, n in COUNTS.items()}
    assert (row["history_rows"], row["history_sha256"]) == (0, hashlib.sha256(b"").hexdigest())
    assert db["casework_history"].count == 0


def test_reimport_counts_inserted_updated_and_unchanged_exactly(db, tmp_path):
    load(db, tmp_path, VALID, "first")
    files = {**CHANGED, "notes.csv": CHANGED["notes.csv"]
             + "N9,C1,S2,2026-05-01T09:00,visit,in_person,home,,Home visit\n"}
    summary = load(db, tmp_path, files, "second")
    expected = {table: TableCounts(unchanged=n) for table, n in COUNTS.items()}
    expected["cases"] = TableCounts(updated=1, unchanged=1)
    expected["notes"] = TableCounts(inserted=1, updated=1, unchanged=3)
    assert summary.changes == expected
    assert json.loads(imports_row(db, summary.import_id)["counts"]) == {
        table: counts.as_dict() for table, counts in expected.items()}
    assert summary.counts == {**COUNTS, "notes": 5}


def test_rows_a_reimport_changes_keep_their_previous_version(db, tmp_path):
    load(db, tmp_path, VALID, "first")
    summary = load(db, tmp_path, CHANGED, "second")
    history = db.execute_returning_dicts("SELECT * FROM casework_history ORDER BY history_id")
    assert [(h["import_id"], h["table_name"], json.loads(h["key"])) for h in history] == [
        (summary.import_id, "cases", ["C1"]), (summary.import_id, "notes", ["N1"])]
    assert json.loads(history[0]["before"]) == {"case_id": "C1", "case_type": "dependency", "specialist_id": "S2",
                                                "opened_on": "2026-01-05", "closed_on": None}
    note = json.loads(history[1]["before"])
    assert (note["method"], note["location"]) == ("in_person", "placement")
    assert db["notes"].get("N1")["method"] == "phone" and db["cases"].get("C1")["closed_on"] == "2026-05-30"


def test_history_digest_is_the_sha256_of_the_import_s_history_rows_as_check_recomputes_it(db, tmp_path):
    load(db, tmp_path, VALID, "first")
    summary = load(db, tmp_path, CHANGED, "second")
    rows = db.execute("SELECT history_id, import_id, table_name, key, before FROM casework_history "
                      "WHERE import_id = ? ORDER BY history_id", [summary.import_id]).fetchall()
    text = "\n".join(json.dumps(list(r), ensure_ascii=False, separators=(",", ":")) for r in rows)
    row = imports_row(db, summary.import_id)
    assert (row["history_rows"], row["history_sha256"]) == (2, hashlib.sha256(text.encode()).hexdigest())
    assert row["history_sha256"] == audit.casework_history_digest(rows)


def test_unchanged_reimport_writes_no_history_and_does_not_bump_generation(db, tmp_path):
    load(db, tmp_path, VALID, "first")
    before = generation(db)
    summary = load(db, tmp_path, VALID, "again")
    assert generation(db) == before  # the month cache stays valid
    assert db["casework_history"].count == 0
    assert all(counts == TableCounts(unchanged=COUNTS[table]) for table, counts in summary.changes.items())
    assert db["imports"].count == 2  # the re-import is still recorded


def test_failed_import_leaves_no_imports_row_and_no_audit_row(db, tmp_path):
    load(db, tmp_path, VALID, "first")
    broken = {**CHANGED, "cases.csv": CHANGED["cases.csv"] + "C9,dependency,NOBODY,2026-03-01,\n"}
    with pytest.raises(ImportFailed):
        load(db, tmp_path, broken, "broken")
    assert db["imports"].count == 1 and db["audit_log"].count == 1
    assert db["casework_history"].count == 0
    assert db["cases"].get("C1")["closed_on"] is None


def test_each_file_s_sha256_is_the_hash_of_its_bytes(db, tmp_path):
    files = {**VALID, "people.csv": "\ufeff" + VALID["people.csv"].replace("\n", "\r\n")}  # BOM and CRLF kept
    directory = write_files(tmp_path / "in", files)
    summary = import_directory(db, directory, now=NOW)
    recorded = json.loads(imports_row(db, summary.import_id)["files"])
    assert recorded == {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
                        for path in sorted(directory.iterdir())}
    assert imports_row(db, summary.import_id)["source"] == str(directory)


def test_rows_in_memory_are_hashed_as_the_csv_text_they_make(db):
    rows = {name: list(csv.DictReader(io.StringIO(text))) for name, text in VALID.items()}
    summary = import_rows(db, rows, now=NOW)
    recorded = json.loads(imports_row(db, summary.import_id)["files"])
    for name, table_rows in rows.items():
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(table_rows[0].keys())
        writer.writerows(row.values() for row in table_rows)
        assert recorded[name] == hashlib.sha256(text.getvalue().encode()).hexdigest(), name
    assert imports_row(db, summary.import_id)["source"] == ROWS_SOURCE


def test_imports_row_and_its_audit_row_agree(db, tmp_path):
    load(db, tmp_path, VALID, "first")
    summary = load(db, tmp_path, CHANGED, "second")
    row = imports_row(db, summary.import_id)
    logged = db.execute_returning_dicts("SELECT * FROM audit_log WHERE table_name = 'imports' AND record_id = ?",
                                        [str(summary.import_id)])
    assert len(logged) == 1
    entry = logged[0]
    assert json.loads(entry["after"]) == row and entry["before"] is None
    assert (entry["action"], entry["at"], entry["actor"], entry["os_user"], entry["verified"]) == (
        "import", row["at"], row["actor"], row["os_user"], row["verified"])
    assert (row["actor"], row["os_user"], row["verified"]) == ("", audit.os_user(), 0)  # unverified database


def test_import_audit_rows_extend_the_hash_chain(db, tmp_path):
    load(db, tmp_path, VALID, "first")
    load(db, tmp_path, CHANGED, "second")
    previous = GENESIS_HASH
    for row in db.execute("SELECT prev_hash, hash, audit_id, at, actor, os_user, verified, action, table_name, "
                          "record_id, before, after FROM audit_log ORDER BY audit_id").fetchall():
        assert row[0] == previous and row[1] == audit.row_hash(previous, row[2:])
        previous = row[1]


def test_an_explicit_time_and_os_user_make_the_record_deterministic_and_unverified(db, tmp_path):
    staff = VALID["staff.csv"].replace("staff_id,name,role,unit_id", "staff_id,name,role,unit_id,login")
    staff = staff.replace("S1,Sam Supervisor,supervisor,U1", f"S1,Sam Supervisor,supervisor,U1,{audit.os_user()}")
    files = {**VALID, "staff.csv": staff.replace("S2,Pat Specialist,specialist,U1", "S2,Pat Specialist,specialist,U1,")}
    load(db, tmp_path, files, "first")
    summary = load(db, tmp_path, files, "again", at="2026-06-01T19:00:00Z", os_user="sample-builder")
    row = imports_row(db, summary.import_id)
    # A name handed in is not the process's account: never verified, whoever runs it.
    assert (row["at"], row["os_user"], row["actor"], row["verified"]) == ("2026-06-01T19:00:00Z", "sample-builder",
                                                                          "", 0)


def test_identity_is_decided_before_the_rows_the_import_that_brings_logins_is_unverified(db, tmp_path):
    """docs/evidence.md "Who acted": rows an import brings cannot vouch for it; the next import is by the
    staff member whose login is this process's account."""
    staff = VALID["staff.csv"].replace("staff_id,name,role,unit_id", "staff_id,name,role,unit_id,login")
    staff = staff.replace("S1,Sam Supervisor,supervisor,U1", f"S1,Sam Supervisor,supervisor,U1,{audit.os_user()}")
    files = {**VALID, "staff.csv": staff.replace("S2,Pat Specialist,specialist,U1", "S2,Pat Specialist,specialist,U1,")}
    first = load(db, tmp_path, files, "first")
    second = load(db, tmp_path, files, "again")
    assert (imports_row(db, first.import_id)["actor"], imports_row(db, first.import_id)["verified"]) == ("", 0)
    assert (imports_row(db, second.import_id)["actor"], imports_row(db, second.import_id)["verified"]) == ("S1", 1)
    logged = db.execute("SELECT actor, verified FROM audit_log WHERE record_id = ? AND table_name = 'imports'",
                        [str(second.import_id)]).fetchone()
    assert logged == ("S1", 1)


def test_a_table_loaded_empty_keeps_its_fast_path_and_every_table_is_counted(db, tmp_path):
    only_units = {"units.csv": VALID["units.csv"]}
    summary = load(db, tmp_path, only_units, "units")
    assert summary.changes == {"units": TableCounts(inserted=1)}
    assert summary.counts == {table: (1 if table == "units" else 0) for table in IMPORT_TABLES}
    assert json.loads(imports_row(db, summary.import_id)["counts"]) == {
        "units": {"inserted": 1, "updated": 0, "unchanged": 0}}
