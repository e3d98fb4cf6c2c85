"""The shipped demo database: reproducible, up to date, and showing every outcome.

`staffing-tui generate --scale sample --seed 20261118` builds `sample.db` from
the synthetic agency (`staffing_tui/synth/`) through the real importer and
record services, and `db/build_sample.py` rebuilds the shipped file with it;
these tests hold them to that promise. That the reports show every status,
reason and flag is `tests/test_generator.py`'s coverage test, for every scale.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from staffing_tui.cli import main
from staffing_tui.domain.enums import CaseType, Flag, Reason, StaffRole, Status
from staffing_tui.domain.months import Month
from staffing_tui.sample import SAMPLE_BUILDER
from staffing_tui.store.connection import get_meta, open_database
from staffing_tui.store.evaluation import month_report
from staffing_tui.synth.sample_builder import SEED

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db import build_sample  # noqa: E402  (db/ is not an installed package)

AS_OF = date(2026, 11, 18)
#: Holds the applied-at time of each migration; not part of the sample's content.
NOT_CONTENT = {"_sqlite_migrations"}


def canonical_dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows ordered by primary key, plus the schema itself."""
    db = open_database(path, readonly=True)
    try:
        dump: dict[str, list[tuple]] = {
            "sqlite_master": db.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        }
        for table in db.table_names():
            if table in NOT_CONTENT:
                continue
            keys = ", ".join(f"[{pk}]" for pk in db[table].pks)
            dump[table] = db.execute(f"SELECT * FROM [{table}] ORDER BY {keys}").fetchall()
        return dump
    finally:
        db.conn.close()


def generate_sample(path: Path) -> Path:
    """`staffing-tui generate --scale sample` with the sample's seed, as a user would run it."""
    assert main(["generate", "--db", str(path), "--scale", "sample", "--seed", str(SEED)]) == 0
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return generate_sample(tmp_path_factory.mktemp("sample") / "sample.db")


@pytest.fixture(scope="module")
def reports(built):
    db = open_database(built, readonly=True)
    try:
        yield {month: month_report(db, Month.parse(month), AS_OF) for month in ("2026-10", "2026-11")}
    finally:
        db.conn.close()


def test_the_rebuild_script_writes_the_same_file_as_generate_scale_sample(built, tmp_path):
    again = build_sample.build(tmp_path / "again.db")
    assert canonical_dump(again) == canonical_dump(built)
    assert again.read_bytes() == built.read_bytes()  # no diff in git after a rebuild


def test_shipped_sample_db_is_what_generate_scale_sample_writes(built):
    shipped = ROOT / "sample.db"
    assert shipped.exists(), "sample.db is missing; run `python db/build_sample.py`"
    assert canonical_dump(shipped) == canonical_dump(built), (
        "sample.db is out of date with staffing_tui/synth (or the importer/records it uses); "
        "rebuild it with `python db/build_sample.py`"
    )


def test_generate_scale_sample_refuses_months_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "sample.db"
    assert main(["generate", "--db", str(path), "--scale", "sample", "--seed", str(SEED), "--months", "6"]) == 2
    err = capsys.readouterr().err
    assert "--months 6: the sample's history is fixed" in err and "Traceback" not in err
    assert not path.exists()


def test_sample_is_anchored_to_mid_november_2026(built):
    db = open_database(built, readonly=True)
    try:
        assert get_meta(db)["as_of"] == "2026-11-18"
        latest = db.execute("SELECT max(substr(occurred_at, 1, 10)) FROM notes").fetchone()[0]
        assert latest <= "2026-11-18"
    finally:
        db.conn.close()


def test_october_shows_a_late_approval_that_was_not_on_record_before_it_was_made(built, reports):
    """The child exception approved at the November 4 staffing: excused and flagged as of the
    sample's day; as of November 3 it was not on record yet (docs/policy.md "As known then")."""
    late = [row for row in reports["2026-10"].rows if Flag.RECORDED_AFTER_MONTH in row.flags]
    assert [(row.status, row.reason) for row in late] == [(Status.EXCUSED, Reason.EXCEPTION_APPROVED)]
    db = open_database(built, readonly=True)
    try:
        before = month_report(db, Month(2026, 10), date(2026, 11, 3)).rows
    finally:
        db.conn.close()
    then = next(row for row in before if (row.case_id, row.person_id) == (late[0].case_id, late[0].person_id))
    assert then.status is Status.UNMET and then.exception_id is None


def test_a_case_moves_to_another_unit_mid_october_and_each_note_is_by_the_specialist_who_had_it(built):
    """The transferred family (docs/data.md "Files and columns", case_assignments.csv): SP01 of Cottonwood
    until October 13, SP06 of Ironwood since the 14th; the notes follow the specialist of their day."""
    db = open_database(built, readonly=True)
    try:
        (case_id,) = db.execute("SELECT case_id FROM case_assignments WHERE start_on = '2026-10-14'").fetchone()
        periods = db.execute(
            "SELECT a.specialist_id, s.unit_id, a.start_on, a.end_on FROM case_assignments a "
            "JOIN staff s ON s.staff_id = a.specialist_id WHERE case_id = ? ORDER BY start_on", [case_id]).fetchall()
        authors = db.execute(
            "SELECT author_id, min(substr(occurred_at, 1, 10)), max(substr(occurred_at, 1, 10)) FROM notes "
            "WHERE case_id = ? GROUP BY author_id ORDER BY 2", [case_id]).fetchall()
        current = db.execute("SELECT specialist_id FROM cases WHERE case_id = ?", [case_id]).fetchone()[0]
    finally:
        db.conn.close()
    (old, old_unit, _, handed_over), (new, new_unit, taken_over, still) = periods
    assert (old, old_unit, handed_over, new, new_unit, taken_over, still) == (
        "SP01", "U1", "2026-10-13", "SP06", "U2", "2026-10-14", None)
    assert current == "SP06"
    assert [author for author, _, _ in authors] == ["SP01", "SP06"]
    assert authors[0][2] <= "2026-10-13" < "2026-10-14" <= authors[1][1]


def test_each_change_within_a_month_is_dated_in_october_or_november(built):
    """One named family each: a parent found, a parent moving out, a stay in jail (member_periods), rights
    ended to one child, a call to an out-of-state caregiver — all in the two months the sample shows."""
    db = open_database(built, readonly=True)
    try:
        ended = dict(db.execute("SELECT fact, end_on FROM member_periods").fetchall())
        one_child = db.execute("SELECT rights_terminated_on FROM parent_child "
                               "WHERE rights_terminated_on IS NOT NULL").fetchall()
        calls = db.execute("SELECT substr(occurred_at, 1, 10) FROM notes WHERE placement_id IS NOT NULL").fetchall()
    finally:
        db.conn.close()
    assert ended == {"whereabouts_unknown": "2026-10-13", "resides_in_home": "2026-10-08",
                     "incarcerated": "2026-11-09"}
    assert one_child == [("2026-10-07",)]
    assert calls == [("2026-10-12",)]


def _rows(reports, month: str, case_id: str) -> dict[str, tuple]:
    return {row.person_id: (row.specialist_id, row.unit_id, row.requirement.value, row.status.value, row.reason.value,
                            row.rights, row.whereabouts)
            for row in reports[month].rows if row.case_id == case_id}


def test_the_reports_show_each_change_within_a_month_as_the_revised_rules_read_it(built, reports):
    """The named families in October and November 2026 (docs/policy.md "Which day a fact is read",
    "Case transfers"): each dated fact read on the last in-scope day, the transfer credited to the
    specialist of that day."""
    db = open_database(built, readonly=True)
    try:
        (moved,) = db.execute("SELECT case_id FROM case_assignments WHERE start_on = '2026-10-14'").fetchone()
        september = {row.specialist_id for row in month_report(db, Month(2026, 9), AS_OF).rows
                     if row.case_id == moved}
        other_calls = db.execute(
            "SELECT count(*) FROM notes n JOIN note_contacts c ON c.note_id = n.note_id WHERE c.person_id = 'P2176' "
            "AND n.method IN ('phone', 'video') AND n.occurred_at >= '2026-10' AND n.occurred_at < '2026-11'"
        ).fetchone()[0]
    finally:
        db.conn.close()
    # transferred on 14 October: September stays with SP01, October is SP06's, in unit U2
    assert september == {"SP01"}
    assert {(specialist, unit) for specialist, unit, *_ in _rows(reports, "2026-10", moved).values()} == {("SP06", "U2")}
    # in jail 6 October – 9 November: a letter explains October; seen after the release in November
    assert _rows(reports, "2026-10", "C1035")["P2129"][3:5] == ("explained", "incarcerated_remote_contact")
    assert _rows(reports, "2026-11", "C1035")["P2129"][3:5] == ("met", "seen_in_person")
    # moved out on 8 October: seen anywhere in October, no longer in the home
    assert _rows(reports, "2026-10", "C1060")["P2230"][2:5] == ("monthly_face_to_face", "met", "seen_in_person")
    # found on 13 October, seen on the 21st: whereabouts known, met, no in_person_while_whereabouts_unknown
    assert _rows(reports, "2026-10", "C1067")["P2257"][3:] == ("met", "seen_in_person", "intact", "known")
    assert not [row for row in reports["2026-10"].rows if row.person_id == "P2257" and row.flags]
    # rights ended to the younger child only: still a parent to be seen, rights intact to the older
    assert _rows(reports, "2026-10", "C1021")["P2076"][2:6] == ("monthly_face_to_face", "met", "seen_in_person",
                                                                 "intact")
    # October's only call for the out-of-state child was to the caregiver (placement_id, nobody listed)
    assert other_calls == 0
    assert _rows(reports, "2026-10", "C1046")["P2176"][3:5] == ("met", "out_of_state_phone")


def test_november_is_in_progress_and_october_is_complete(reports):
    assert reports["2026-11"].in_progress and not reports["2026-10"].in_progress
    assert reports["2026-11"].summary.due > 0 and reports["2026-11"].summary.unmet == 0
    assert all(
        row.requirement.value in ("investigation_interview", "home_visit")
        for row in reports["2026-10"].rows if row.status is Status.DUE
    )


def test_a_supervisor_sees_a_mostly_green_caseload(reports):
    """Realistic, not a wall of red: most required rows met, a handful of problems per specialist."""
    october = reports["2026-10"]
    summary = october.summary
    assert summary.met / summary.required >= 0.85
    problems = Counter(row.specialist_id for row in october.rows if row.unseen_without_reason)
    assert max(problems.values()) <= 6


def test_counts_of_the_fictional_agency(built):
    db = open_database(built, readonly=True)
    try:
        def count(sql: str) -> int:
            return db.execute(sql).fetchone()[0]

        assert count("SELECT count(*) FROM units") == 3
        assert count("SELECT count(DISTINCT region) FROM units") == 2
        roles = dict(db.execute("SELECT role, count(*) FROM staff GROUP BY role").fetchall())
        assert 10 <= roles[StaffRole.SPECIALIST] <= 14
        assert roles[StaffRole.SUPERVISOR] == 3
        assert roles[StaffRole.MANAGER] == 1
        assert 70 <= count("SELECT count(*) FROM cases") <= 90
        assert {row[0] for row in db.execute("SELECT DISTINCT case_type FROM cases")} == set(CaseType)
        assert count("SELECT count(*) FROM people WHERE deceased_on IS NOT NULL") == 0
    finally:
        db.conn.close()


def test_birth_dates_fit_the_roles(built):
    db = open_database(built, readonly=True)
    try:
        ages = db.execute(
            "SELECT m.role, min(p.birth_date), max(p.birth_date) FROM case_members m "
            "JOIN people p USING (person_id) GROUP BY m.role = 'child'").fetchall()
        for role, oldest, youngest in ages:
            if role == "child":
                assert oldest > "2008-11-18" and youngest <= "2026-11-18"  # 0–17 on the as-of date
            else:
                assert youngest <= "2008-11-18"  # adults are 18 or older
    finally:
        db.conn.close()


def test_every_record_has_its_create_audit_row(built):
    db = open_database(built, readonly=True)
    try:
        for table, key in (("exceptions", "exception_id"), ("contact_plans", "contact_plan_id"),
                           ("staffing_notes", "staffing_note_id"), ("next_steps", "next_step_id")):
            ids = {str(row[0]) for row in db.execute(f"SELECT {key} FROM {table}")}
            audited = {row[0] for row in db.execute(
                "SELECT record_id FROM audit_log WHERE action = 'create' AND table_name = ? "
                "AND os_user = 'sample-builder'", [table])}
            assert ids and ids == audited, table
    finally:
        db.conn.close()


def test_the_sample_s_import_is_recorded_by_the_builder_at_its_fixed_time(built):
    db = open_database(built, readonly=True)
    try:
        (row,) = db.execute("SELECT at, os_user, actor, verified, source FROM imports").fetchall()
        assert row == ("2026-11-19T00:00:00Z", SAMPLE_BUILDER, "", 0, f"db/build_sample.py (seed {SEED})")
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'import'").fetchone()[0] == 1
    finally:
        db.conn.close()
