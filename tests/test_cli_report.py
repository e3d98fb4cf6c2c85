"""The report command: formats, scope, ordering, summary and exit codes (docs/data.md "Outputs",
docs/data.md "Exit statuses")."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.builders import cli


def test_report_json_gives_status_and_reason_per_person(db_path, capsys):
    code, out, err = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["month"] == "2026-10"
    assert report["as_of"] == "2026-11-10"  # meta.as_of is the default
    assert report["in_progress"] is False
    got = {(r["case_id"], r["person_id"]): (r["requirement"], r["status"], r["reason"]) for r in report["rows"]}
    assert got == {
        ("C1", "A1"): ("monthly_face_to_face", "met", "seen_in_person"),
        ("C1", "K1"): ("monthly_face_to_face", "unmet", "runaway_no_locate_efforts"),
        ("C2", "K2"): ("monthly_face_to_face_in_home", "unmet", "seen_not_in_home"),
        ("C3", "K3"): ("monthly_face_to_face", "met", "seen_in_person"),
    }
    k1 = next(r for r in report["rows"] if r["person_id"] == "K1")
    assert k1["placement"] == {"location_type": "runaway", "location_name": None, "since": "2026-09-20"}
    assert k1["unit_id"] == "U1" and k1["specialist_id"] == "S1"


def test_report_json_is_one_compact_ascii_line(db_path, capsys):
    """docs/data.md "Report JSON": compact (no indentation, no spaces between tokens), ASCII, one line."""
    _, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "json")
    assert out.endswith("\n") and out.count("\n") == 1
    assert out.isascii()
    report = json.loads(out)
    assert out == json.dumps(report, separators=(",", ":")) + "\n"


def test_report_summary_counts_agree_with_rows(db_path, capsys):
    _, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "json")
    report = json.loads(out)
    statuses = [r["status"] for r in report["rows"]]
    s = report["summary"]
    assert s["rows"] == len(statuses) == 4
    assert s["met"] == statuses.count("met") == 2
    assert s["unmet"] == statuses.count("unmet") == 2
    assert s["required"] == 4 and s["not_required"] == 0
    assert s["unseen_without_reason"] == s["unmet"] + s["due"] == 2


def test_report_rows_sorted_by_unit_specialist_case_person(db_path, capsys):
    _, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "json")
    keys = [(r["unit_id"], r["specialist_id"], r["case_id"], r["person_id"]) for r in json.loads(out)["rows"]]
    assert keys == [("U1", "S1", "C1", "A1"), ("U1", "S1", "C1", "K1"), ("U1", "S1", "C2", "K2"), ("U2", "S2", "C3", "K3")]


def test_report_scoped_to_unit_and_specialist(db_path, capsys):
    _, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--unit", "U2", "--format", "json")
    report = json.loads(out)
    assert report["scope"] == {"unit_id": "U2", "specialist_id": None}
    assert {r["case_id"] for r in report["rows"]} == {"C3"}
    _, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--specialist", "S1", "--format", "json")
    assert {r["case_id"] for r in json.loads(out)["rows"]} == {"C1", "C2"}


def test_month_in_progress_reports_due(db_path, capsys):
    _, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-11", "--format", "json")
    report = json.loads(out)
    assert report["in_progress"] is True
    assert {r["status"] for r in report["rows"]} == {"due"}
    assert report["summary"]["due"] == 4 == report["summary"]["unseen_without_reason"]


def test_report_csv_flattens_placement(db_path, capsys):
    code, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    k1 = next(r for r in rows if r["person_id"] == "K1")
    assert k1["placement_location_type"] == "runaway"
    assert k1["placement_since"] == "2026-09-20"
    assert k1["status"] == "unmet"


def test_report_markdown_groups_by_specialist_unseen_first(db_path, capsys):
    code, out, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "md")
    assert code == 0
    assert out.index("## Sam Specialist") < out.index("## Sue Specialist")
    sam = out[out.index("## Sam Specialist"):out.index("## Sue Specialist")]
    assert sam.index("**UNMET**") < sam.index("**MET**")
    assert "runaway, no locate efforts this month" in sam
    assert "Not seen without a reason: 2" in out


@pytest.fixture
def late_note_db(db_path):
    """K2's October miss explained by a staffing note recorded on 3 November, after October ended."""
    from staffing_tui.domain.months import Month
    from staffing_tui.store.audit import resolve_actor
    from staffing_tui.store.connection import open_database
    from staffing_tui.store.records import StaffingNoteRequest, add_staffing_note

    db = open_database(db_path)
    add_staffing_note(db, resolve_actor(db, "SV1"), StaffingNoteRequest(
        "C2", Month(2026, 10), "scheduling", "Family away all month; visit set for November 4.", "K2"),
        at="2026-11-03T17:00:00Z")
    db.close()
    return db_path


def test_recorded_after_month_is_a_flag_in_json_and_csv(late_note_db, capsys):
    _, out, _ = cli(capsys, "report", "--db", late_note_db, "--month", "2026-10", "--format", "json")
    k2 = next(r for r in json.loads(out)["rows"] if r["person_id"] == "K2")
    assert (k2["status"], k2["reason"], k2["flags"]) == ("explained", "staffing_reason", ["recorded_after_month"])
    _, out, _ = cli(capsys, "report", "--db", late_note_db, "--month", "2026-10", "--format", "csv")
    k2 = next(r for r in csv.DictReader(io.StringIO(out)) if r["person_id"] == "K2")
    assert k2["flags"] == "recorded_after_month"


def test_recorded_after_month_shows_in_markdown_apart_from_the_flags_to_fix(late_note_db, capsys):
    """A late record is allowed: it shows on its row and in its own list, not among the integrity flags."""
    _, out, _ = cli(capsys, "report", "--db", late_note_db, "--month", "2026-10", "--format", "md")
    k2_line = next(line for line in out.splitlines() if "| C2 |" in line)
    assert "reason recorded at staffing" in k2_line and k2_line.endswith("| recorded after month |")
    assert "## Recorded after 2026-10 ended\n\n- C2 · Kay Testperson: reason recorded at staffing\n" in out
    assert "Integrity flags to fix" not in out


def test_a_late_record_is_not_an_integrity_flag_to_fix_on_the_agenda(late_note_db, capsys):
    _, out, _ = cli(capsys, "agenda", "--db", late_note_db, "--specialist", "S1", "--month", "2026-10",
                    "--format", "json")
    assert json.loads(out)["integrity_flags"] == []


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["report", "--db", "{db}", "--month", "2026-13"], "not a month"),
        (["report", "--db", "{db}", "--month", "2026-10", "--as-of", "yesterday"], "not a date"),
        (["report", "--db", "{db}", "--month", "2026-12", "--as-of", "2026-11-01"], "before 2026-12 starts"),
        (["report", "--db", "{db}", "--month", "2026-10", "--unit", "NOPE"], "no such unit"),
        (["report", "--db", "{db}", "--month", "2026-10", "--format", "pdf"], "invalid choice"),
        (["report", "--db", "{missing}", "--month", "2026-10"], "There is no database"),
        (["report", "--db", "{db}"], "--month"),
    ],
)
def test_bad_report_input_exits_2_with_one_message(db_path, tmp_path, capsys, argv, fragment):
    argv = [a.format(db=db_path, missing=tmp_path / "missing.db") for a in argv]
    code, out, err = cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_not_a_database_file_is_a_clear_error(tmp_path, capsys):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello, I am not SQLite\n")
    code, _, err = cli(capsys, "report", "--db", bogus, "--month", "2026-10")
    assert code == 2
    assert "not an SQLite file" in err


def test_init_creates_current_schema_and_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "new.db"
    assert cli(capsys, "init", "--db", path)[0] == 0
    from staffing_tui.store.connection import get_meta, open_database
    from staffing_tui.store.schema import SCHEMA_VERSION

    db = open_database(path)
    assert get_meta(db)["schema_version"] == str(SCHEMA_VERSION)
    assert {"exceptions", "contact_plans", "staffing_notes", "next_steps", "audit_log", "meta"} <= set(db.table_names())
    db.close()
    code, _, err = cli(capsys, "init", "--db", path)
    assert code == 2 and "already exists" in err


def test_report_html_is_the_markdown_report_as_a_printable_page(db_path, capsys):
    code, out, err = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--format", "html")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>") and "<title>Staffing report — 2026-10</title>" in out
    assert "<h1>Staffing report — 2026-10 (complete, as of 2026-11-10)</h1>" in out and "Kit Testperson" in out
    assert "<script" not in out
