"""`staffing-tui history` (docs/evidence.md "Every import accounted for"): what an import changed,
and a case's or a record's trail.

Every test runs the real command line; one runs it in a separate process (`python -m staffing_tui`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from staffing_tui.cli import main
from tests.test_cli_import import FILES, write

ROOT = Path(__file__).resolve().parent.parent

#: The October visit N1 was really a phone call; case C1 closed at the end of October.
CORRECTED = {
    **FILES,
    "notes.csv": FILES["notes.csv"].replace("N1,C1,S1,2026-10-03T10:00,placement_visit,in_person,placement,",
                                            "N1,C1,S1,2026-10-03T10:00,placement_visit,phone,,"),
    "cases.csv": FILES["cases.csv"].replace("C1,dependency,S1,2026-01-05,", "C1,dependency,S1,2026-01-05,2026-10-31"),
}
#: What nobody may print: the people's names and birth dates in FILES.
PRIVATE = ("Kit", "Ann", "Example", "2014-02-02", "1988-03-03")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def corrected_db(tmp_path, capsys) -> Path:
    """Imported twice: FILES (import 1), then CORRECTED (import 2)."""
    db = tmp_path / "agency.db"
    assert run(capsys, "import", str(write(tmp_path / "first", FILES)), "--db", str(db))[0] == 0
    assert run(capsys, "import", str(write(tmp_path / "second", CORRECTED)), "--db", str(db))[0] == 0
    return db


def test_history_of_a_reimport_shows_the_note_and_the_closed_case_with_old_and_new_values(corrected_db, capsys):
    code, out, err = run(capsys, "history", "--db", str(corrected_db), "--import", "2")
    assert (code, err) == (0, "")
    assert "2 rows changed" in out
    assert "cases C1\n  closed_on: (empty) → 2026-10-31\n" in out
    assert "notes N1\n  method: in_person → phone\n  location: placement → (empty)\n" in out
    assert "  cases: 1 updated\n" in out and "  notes: 1 updated, 1 unchanged\n" in out


def test_history_json_mirrors_the_text(corrected_db, capsys):
    code, out, _ = run(capsys, "history", "--db", str(corrected_db), "--import", "2", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["import"]["import_id"] == 2
    assert data["import"]["counts"]["notes"] == {"inserted": 0, "updated": 1, "unchanged": 1}
    changes = {(c["table"], tuple(c["key"])): c["columns"] for c in data["changes"]}
    assert changes[("cases", ("C1",))] == [{"column": "closed_on", "old": None, "new": "2026-10-31",
                                            "changed_again_by": None}]
    assert [(c["column"], c["old"], c["new"]) for c in changes[("notes", ("N1",))]] == [
        ("method", "in_person", "phone"), ("location", "placement", None)]


def test_a_value_changed_again_later_shows_what_that_import_gave_it_and_who_changed_it_next(corrected_db, tmp_path,
                                                                                             capsys):
    later = {**CORRECTED, "cases.csv": CORRECTED["cases.csv"].replace("2026-10-31", "2026-11-15")}
    assert run(capsys, "import", str(write(tmp_path / "third", later)), "--db", str(corrected_db))[0] == 0
    _, out, _ = run(capsys, "history", "--db", str(corrected_db), "--import", "2")
    assert "  closed_on: (empty) → 2026-10-31 (changed again by import 3)\n" in out
    _, out, _ = run(capsys, "history", "--db", str(corrected_db), "--import", "3")
    assert "  closed_on: 2026-10-31 → 2026-11-15\n" in out


def test_history_lists_every_import_with_who_and_the_counts(corrected_db, capsys):
    code, out, _ = run(capsys, "history", "--db", str(corrected_db))
    assert code == 0
    assert out.count("\nimport ") + out.startswith("import ") == 2
    assert "import 1 at " in out and "import 2 at " in out and "identity not verified" in out
    assert "  people: 2 inserted\n" in out and "  people: 2 unchanged\n" in out
    listed = json.loads(run(capsys, "history", "--db", str(corrected_db), "--format", "json")[1])["imports"]
    assert [(i["import_id"], i["verified"], i["actor"]) for i in listed] == [(1, False, None), (2, False, None)]


def test_case_trail_merges_records_and_imported_changes_oldest_first(corrected_db, capsys):
    code, out, _ = run(capsys, "exception", "add", "--db", str(corrected_db), "--as", "SV1", "--case", "C1",
                       "--person", "A1", "--category", "parent_incarcerated", "--from", "2026-09", "--to", "2026-10",
                       "--review-on", "2026-11-01", "--reason", "Father is in county jail until his hearing.")
    assert code == 0
    trail = json.loads(run(capsys, "history", "--db", str(corrected_db), "--case", "C1", "--format", "json")[1])
    kinds = [(e["kind"], e["table"]) for e in trail["entries"]]
    assert kinds == [("import", "cases"), ("import", "notes"), ("audit", "exceptions")]
    stamps = [e["at"] for e in trail["entries"]]
    assert stamps == sorted(stamps)
    _, out, _ = run(capsys, "history", "--db", str(corrected_db), "--case", "C1")
    assert out.index("import 2 changed cases C1") < out.index("exceptions 1: create by staff member SV1")


def test_record_trail_lists_a_record_s_audit_rows_oldest_first(corrected_db, capsys):
    add = ["exception", "add", "--db", str(corrected_db), "--as", "SV1", "--case", "C1", "--person", "A1",
           "--category", "parent_incarcerated", "--from", "2026-09", "--to", "2026-10", "--review-on", "2026-12-01",
           "--reason", "Father is in county jail until his hearing."]
    assert run(capsys, *add)[0] == 0
    assert run(capsys, "exception", "revoke", "1", "--db", str(corrected_db), "--as", "SV1", "--from", "2026-10",
               "--reason", "Released early.")[0] == 0
    trail = json.loads(run(capsys, "history", "--db", str(corrected_db), "--record", "exceptions:1",
                           "--format", "json")[1])
    assert [e["action"] for e in trail["entries"]] == ["create", "revoke"]
    assert [e["audit_id"] for e in trail["entries"]] == sorted(e["audit_id"] for e in trail["entries"])
    revoke = {c["column"]: (c["old"], c["new"]) for c in trail["entries"][1]["columns"]}
    assert revoke["revoked_from"] == (None, "2026-10")


def test_record_trail_of_an_import_and_of_a_casework_row(corrected_db, capsys):
    imported = json.loads(run(capsys, "history", "--db", str(corrected_db), "--record", "imports:2",
                              "--format", "json")[1])
    assert [(e["action"], e["record_id"]) for e in imported["entries"]] == [("import", "2")]
    code, out, _ = run(capsys, "history", "--db", str(corrected_db), "--record", "notes:N1")
    assert code == 0 and "import 2 changed notes N1\n  method: in_person → phone" in out
    code, out, _ = run(capsys, "history", "--db", str(corrected_db), "--record", "case_members:C1,K1")
    assert (code, out) == (0, "case_members C1, K1: nothing recorded.\n")


def test_history_never_prints_names_or_birth_dates(corrected_db, tmp_path, capsys):
    renamed = {**CORRECTED, "people.csv": CORRECTED["people.csv"].replace("K1,Kit,Example,2014-02-02",
                                                                          "K1,Kat,Sample,2014-02-03")}
    assert run(capsys, "import", str(write(tmp_path / "renamed", renamed)), "--db", str(corrected_db))[0] == 0
    outputs = []
    for view in (["--import", "3"], ["--record", "people:K1"], ["--case", "C1"], []):
        for fmt in ("text", "json"):
            code, out, _ = run(capsys, "history", "--db", str(corrected_db), *view, "--format", fmt)
            assert code == 0
            outputs.append(out)
    for private in (*PRIVATE, "Kat", "Sample", "2014-02-03"):
        assert all(private not in out for out in outputs), private
    assert "first_name: changed" in outputs[0] and "birth_date: changed" in outputs[0]
    changed = json.loads(outputs[1])["changes"][0]["columns"]
    assert {c["column"] for c in changed} == {"first_name", "last_name", "birth_date"}
    assert all(c.keys() == {"column", "private", "changed_again_by"} for c in changed)


@pytest.mark.parametrize("argv, message", [
    (["--import", "9"], "There is no import 9"),
    (["--import", "x"], "'x' is not a record number"),
    (["--import", "99999999999999999999999"], "is not a record number; write a whole number from 1 to"),
    (["--case", "C9"], "There is no case C9"),
    (["--record", "exceptions:7"], "There is no exceptions record 7"),
    (["--record", "exceptions:seven"], "'seven' is not a record number"),
    (["--record", "exceptions:99999999999999999999999"], "is not a record number; write a whole number from 1 to"),
    (["--record", "notes:N9"], "There is no notes row N9"),
    (["--record", "case_members:C1"], "named by case_id,person_id"),
    (["--record", "audit_log:1"], "not a table with a trail"),
    (["--record", "notes"], "write it as TABLE:ID"),
    (["--import", "1", "--case", "C1"], "not allowed with argument"),
])
def test_unknown_ids_and_tables_exit_2_with_one_sentence(corrected_db, capsys, argv, message):
    code, out, err = run(capsys, "history", "--db", str(corrected_db), *argv)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_history_runs_as_a_real_process(corrected_db):
    done = subprocess.run([sys.executable, "-m", "staffing_tui", "history", "--db", str(corrected_db), "--import", "2"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert "cases C1\n  closed_on: (empty) → 2026-10-31\n" in done.stdout
    assert "notes N1\n  method: in_person → phone\n" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "staffing_tui", "history", "--db", str(corrected_db),
                              "--case", "C9"], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert missing.returncode == 2 and missing.stdout == "" and "There is no case C9" in missing.stderr


def test_history_opens_the_database_read_only(corrected_db, capsys):
    before = corrected_db.read_bytes()
    assert run(capsys, "history", "--db", str(corrected_db), "--case", "C1")[0] == 0
    assert corrected_db.read_bytes() == before


def test_free_text_in_history_is_scrubbed_of_the_case_s_names(corrected_db, tmp_path, capsys):
    retold = {**CORRECTED, "notes.csv": CORRECTED["notes.csv"].replace(
        "Letter to the facility.", "\"Letter to Ann Example about Kit, born 2014-02-02.\"")}
    assert run(capsys, "import", str(write(tmp_path / "retold", retold)), "--db", str(corrected_db))[0] == 0
    for fmt in ("text", "json"):
        code, out, _ = run(capsys, "history", "--db", str(corrected_db), "--import", "3", "--format", fmt)
        assert code == 0 and "Letter to A" in out
        assert all(private not in out for private in PRIVATE), out


def test_a_long_text_changed_at_its_end_is_shown_where_it_differs(corrected_db, tmp_path, capsys):
    long_text = "Letter to the facility about the visiting schedule for the coming months and the transport plan."
    edited = {**CORRECTED, "notes.csv": CORRECTED["notes.csv"].replace("Letter to the facility.", long_text)}
    assert run(capsys, "import", str(write(tmp_path / "long", edited)), "--db", str(corrected_db))[0] == 0
    again = {**edited, "notes.csv": edited["notes.csv"].replace("transport plan.", "transport plan; signed.")}
    assert run(capsys, "import", str(write(tmp_path / "signed", again)), "--db", str(corrected_db))[0] == 0
    _, out, _ = run(capsys, "history", "--db", str(corrected_db), "--import", "4")
    (line,) = [line for line in out.splitlines() if line.startswith("  text: ")]
    old, new = line.removeprefix("  text: ").split(" → ")
    assert old.startswith("...") and old.endswith("the transport plan.")
    assert new.startswith("...") and new.endswith("the transport plan; signed.")
