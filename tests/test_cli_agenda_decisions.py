"""`agenda --decided-by … --on/--since`: what the staffing decided, and lines to sign; people not
seen for a reason to re-check (issue 17)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from tests.builders import cli


def _decide(capsys, db) -> None:
    """At the staffing SV1 excuses Kay (C2) with an exception, notes why Kit (C1) was not seen,
    and agrees a next step and marks it done."""
    for argv in (
        ("exception", "add", "--case", "C2", "--person", "K2", "--category", "child_in_treatment",
         "--reason", "In a treatment program", "--from", "2026-10", "--to", "2026-12", "--review-on", "2026-12-01"),
        ("note", "add", "--case", "C1", "--person", "K1", "--month", "2026-10", "--reason-code", "other",
         "--text", "Police report filed"),
        ("step", "add", "--specialist", "S1", "--case", "C1", "--text", "Call the runaway unit", "--due", "2026-11-20"),
        ("step", "done", "1"),
    ):
        code, _, err = cli(capsys, *argv, "--db", db, "--as", "SV1")
        assert code == 0, err


def test_agenda_decided_by_on_the_day_records_the_staffings_records_and_lines_to_sign(db_path, capsys):
    _decide(capsys, db_path)
    today = datetime.now(timezone.utc).date().isoformat()
    code, out, err = cli(capsys, "agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-10",
                         "--decided-by", "SV1", "--on", today)
    assert code == 0, err
    decided = out.split("## Decided at this staffing", 1)[1]
    assert "Recorded by Val Supervisor" in decided and "4 records" in decided
    assert "- note 1 · Kit Testperson (C1), 2026-10: other — Police report filed" in decided
    assert "- exception 1 · Kay Testperson (C2): child in treatment, 2026-10 – 2026-12" in decided
    assert "- #1 due 2026-11-20: Call the runaway unit (C1)" in decided
    assert "- [x] #1: Call the runaway unit (C1)" in decided
    assert "Specialist: ____" in decided and "Supervisor: ____" in decided and "Date: ____" in decided


def test_agenda_lists_people_not_seen_for_a_reason_to_recheck(db_path, capsys):
    _decide(capsys, db_path)
    code, out, _ = cli(capsys, "agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-10")
    assert code == 0
    recheck = out.split("## Not seen, for a reason: re-check", 1)[1].split("##", 1)[0]
    assert recheck.strip() == "- Kay Testperson (child, case C2): excused · exception approved"
    assert "Decided at this staffing" not in out and "Signatures" not in out  # only when asked for


def test_agenda_json_carries_the_decisions_and_the_rows_to_recheck(db_path, capsys):
    _decide(capsys, db_path)
    code, out, _ = cli(capsys, "agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-10",
                       "--format", "json", "--decided-by", "SV1", "--since", "2000-01-01T00:00")
    data = json.loads(out)
    assert [r["person_id"] for r in data["not_seen_for_a_reason_to_recheck"]] == ["K2"]
    decided = data["decided_at_the_staffing"]
    assert decided["since"] == "2000-01-01T00:00:00" and decided["until"] is None
    assert [n["staffing_note_id"] for n in decided["staffing_notes"]] == [1]
    assert [s["next_step_id"] for s in decided["steps_done"]] == [1]


def test_agenda_decisions_of_another_day_or_person_are_left_out(db_path, capsys):
    _decide(capsys, db_path)
    for extra in (("--decided-by", "SV1", "--on", "2026-01-01"), ("--decided-by", "SV2", "--since", "2000-01-01T00:00")):
        code, out, _ = cli(capsys, "agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-10", *extra)
        assert code == 0 and ": 0 records." in out


def test_agenda_decided_by_needs_a_day_a_known_person_and_a_valid_time(db_path, capsys):
    base = ("agenda", "--db", db_path, "--specialist", "S1", "--month", "2026-10")
    for extra, says in (
        (("--decided-by", "SV1"), "--decided-by and --on (or --since) go together"),
        (("--on", "2026-11-10"), "--decided-by and --on (or --since) go together"),
        (("--decided-by", "NOPE", "--on", "2026-11-10"), "There is no staff member 'NOPE'"),
        (("--decided-by", "SV1", "--since", "2026-11-1"), "is not a time"),
    ):
        code, out, err = cli(capsys, *base, *extra)
        assert code == 2 and out == "" and says in err and len(err.strip().splitlines()) == 1
