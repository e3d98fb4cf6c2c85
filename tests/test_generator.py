"""`staffing-tui generate`: deterministic, valid, and showing every situation of the policy.

The unit scale (one unit, six specialists, about eighty children over three
years) is generated once per module; the statewide scale is the same code with
more families, exercised by `benchmarks/run.py`; the sample scale (`sample.db`)
has its own module, `test_sample_db.py`. No test here is timed.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from staffing_tui.cli import main
from staffing_tui.domain.enums import Flag, MemberFact, Reason, Status
from staffing_tui.domain.months import Month
from staffing_tui.store.connection import get_meta, open_database
from staffing_tui.store.evaluation import month_report
from staffing_tui.store.importer import import_directory
from staffing_tui.store.schema import IMPORT_TABLES
from staffing_tui.synth import sample_builder
from staffing_tui.synth.scales import AS_OF, OS_USER
from staffing_tui.synth.write import generate_database
from tests.builders import dump

SEED = 20261020
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def unit_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "unit.db"
    generate_database(path, "unit", SEED)
    return path


def rows(path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_the_same_seed_gives_the_same_database(unit_db, tmp_path):
    again = tmp_path / "again.db"
    generate_database(again, "unit", SEED)

    assert dump(again) == dump(unit_db)


def test_another_seed_gives_other_data(unit_db, tmp_path):
    other = tmp_path / "other.db"
    generate_database(other, "unit", SEED + 1)

    assert rows(other, "SELECT * FROM notes LIMIT 50") != rows(unit_db, "SELECT * FROM notes LIMIT 50")


def test_generated_data_passes_the_import_validation_again_as_csv_files(unit_db, tmp_path):
    """The rows went through `import_rows`; written out as CSV they import cleanly too."""
    directory = tmp_path / "csv"
    directory.mkdir()
    for table, columns in IMPORT_TABLES.items():
        with (directory / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows(unit_db, f"SELECT {', '.join(columns)} FROM {table}"))
    db = open_database(tmp_path / "reimported.db", create=True)
    try:
        summary = import_directory(db, directory, now=None)
    finally:
        db.close()

    for table in IMPORT_TABLES:
        assert summary.counts[table] == rows(unit_db, f"SELECT count(*) FROM {table}")[0][0]


def test_the_data_is_anchored_to_a_fixed_as_of_date(unit_db):
    db = open_database(unit_db, readonly=True)
    try:
        assert get_meta(db)["as_of"] == AS_OF.isoformat()
        assert AS_OF == date(2026, 10, 20)  # the documented anchor, not whatever the generator says
    finally:
        db.close()
    latest = rows(unit_db, "SELECT max(substr(occurred_at, 1, 10)) FROM notes")[0][0]
    assert latest <= AS_OF.isoformat()
    assert rows(unit_db, "SELECT min(substr(occurred_at, 1, 7)) FROM notes")[0][0] == str(Month.of(AS_OF).shift(-35))


def test_unit_scale_has_every_case_type_and_special_situation(unit_db):
    def count(sql: str) -> int:
        return rows(unit_db, sql)[0][0]

    assert {r[0] for r in rows(unit_db, "SELECT DISTINCT case_type FROM cases")} == {
        "investigation", "dependency", "voluntary"}
    placements = {r[0] for r in rows(unit_db, "SELECT DISTINCT location_type FROM placements")}
    assert {"runaway", "out_of_state", "in_home", "shelter", "foster_home", "kinship"} <= placements
    assert count("SELECT count(*) FROM case_members WHERE whereabouts_unknown = 1") > 0
    assert count("SELECT count(*) FROM case_members WHERE incarcerated = 1") > 0
    assert count("SELECT count(*) FROM case_members WHERE rights_terminated_on IS NOT NULL") > 0  # terminations
    assert count("SELECT count(*) FROM case_members WHERE left_on IS NOT NULL OR joined_on IS NOT NULL") > 0
    assert count("SELECT count(*) FROM permanency_goals WHERE goal NOT IN ('reunification', 'remain_with_family')") > 0
    assert count("SELECT count(*) FROM cases WHERE closed_on IS NOT NULL") > 0
    assert count("SELECT count(*) FROM notes WHERE locate_for IS NOT NULL") > 0
    assert {r[0] for r in rows(unit_db, "SELECT DISTINCT method FROM notes")} == {
        "in_person", "phone", "video", "written", "none"}
    for table in ("exceptions", "contact_plans", "staffing_notes"):
        created = count(f"SELECT count(*) FROM {table}")
        assert created > 0, table
        assert count(f"SELECT count(*) FROM audit_log WHERE table_name = '{table}' AND action = 'create'") == created


#: The special situations every unit of a small generated agency gets a family of, as the reports show them.
SPECIAL_SITUATIONS = (
    {Reason.RUNAWAY_LOCATE_EFFORTS, Reason.WHEREABOUTS_UNKNOWN_LOCATE_EFFORTS, Reason.OUT_OF_STATE_PHONE,
     Reason.CONTACT_PLAN_FOLLOWED, Reason.EXCEPTION_APPROVED, Reason.INTERVIEWED, Reason.RIGHTS_TERMINATED},
    {Flag.DUPLICATE_NOTE, Flag.IN_PERSON_WHILE_RUNAWAY, Flag.RECORDED_AFTER_MONTH},
)
#: What the reports of the last complete month and the month in progress show, by scale: every status
#: in each; every reason and flag in the hand-made sample, the special situations in a generated agency.
SHOWN = {
    "sample": (set(Reason), set(Flag)),
    "demo": SPECIAL_SITUATIONS,
    "unit": SPECIAL_SITUATIONS,
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory, unit_db):
    """A database of each scale, generated once by the command line (the unit one is `unit_db`)."""
    made = {"unit": unit_db}

    def of(scale: str) -> Path:
        if scale not in made:
            path = tmp_path_factory.mktemp(scale) / f"{scale}.db"
            seed = sample_builder.SEED if scale == "sample" else SEED
            assert main(["generate", "--db", str(path), "--scale", scale, "--seed", str(seed)]) == 0
            made[scale] = path
        return made[scale]

    return of


@pytest.mark.parametrize("scale", sorted(SHOWN))
def test_the_last_two_months_show_every_status_and_the_situations_of_the_scale(scale, generated):
    db = open_database(generated(scale), readonly=True)
    try:
        as_of = date.fromisoformat(get_meta(db)["as_of"])
        rows = [row for month in (Month.of(as_of).previous(), Month.of(as_of))
                for row in month_report(db, month, as_of).rows]
    finally:
        db.close()
    reasons, flags = SHOWN[scale]

    assert [s.value for s in Status if s not in {row.status for row in rows}] == []
    assert sorted(r.value for r in reasons - {row.reason for row in rows}) == []
    assert sorted(f.value for f in flags - {flag for row in rows for flag in row.flags}) == []


# --- what changes within a month, shown in the last two months of every scale ------------------------------

#: The scales whose last two months show each change (statewide: the same code, one family per unit).
CHANGING_SCALES = ("unit", "demo", "sample")


def last_two_months(path: Path) -> tuple[str, str]:
    """The first day of the month before `meta.as_of`'s, and `meta.as_of` (ISO dates)."""
    (as_of,) = rows(path, "SELECT value FROM meta WHERE key = 'as_of'")[0]
    return str(Month.of(date.fromisoformat(as_of)).previous().start), as_of


@pytest.mark.parametrize("scale", CHANGING_SCALES)
def test_a_case_transferred_mid_month_keeps_its_earlier_specialist_for_the_days_before(scale, generated):
    path = generated(scale)
    since, as_of = last_two_months(path)
    transfers = rows(path, """
        SELECT a.specialist_id, b.specialist_id, b.start_on FROM case_assignments a
        JOIN case_assignments b ON b.case_id = a.case_id AND b.start_on = date(a.end_on, '+1 day')
        WHERE b.start_on BETWEEN ? AND ?""", since, as_of)
    assert transfers and all(old != new and start[8:] != "01" for old, new, start in transfers)
    # Every case is assigned from its opening, last to cases.specialist_id, without a gap or an overlap.
    assert rows(path, """
        SELECT count(*) FROM cases c WHERE NOT EXISTS (
            SELECT 1 FROM case_assignments a WHERE a.case_id = c.case_id AND a.start_on = c.opened_on)
        OR NOT EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.case_id AND a.end_on IS NULL
                       AND a.specialist_id = c.specialist_id)""") == [(0,)]
    assert rows(path, """
        SELECT count(*) FROM case_assignments a WHERE a.end_on IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM case_assignments b WHERE b.case_id = a.case_id AND b.start_on = date(a.end_on, '+1 day'))
        """) == [(0,)]
    # A note's author is the specialist who had the case on its day.
    assert rows(path, """
        SELECT count(*) FROM notes n JOIN case_assignments a ON a.case_id = n.case_id
        AND substr(n.occurred_at, 1, 10) BETWEEN a.start_on AND coalesce(a.end_on, '9999-12-31')
        WHERE n.author_id != a.specialist_id""") == [(0,)]


@pytest.mark.parametrize("scale", CHANGING_SCALES)
def test_a_parent_found_moving_out_and_out_of_jail_are_dated_facts_that_end_in_the_last_two_months(scale, generated):
    path = generated(scale)
    since, as_of = last_two_months(path)
    ended = {fact for (fact,) in rows(path, "SELECT fact FROM member_periods WHERE end_on BETWEEN ? AND ?",
                                      since, as_of)}
    assert ended == {str(fact) for fact in MemberFact}
    # The case_members column says whether the fact holds on the member's last day on the case (for
    # readers of older exports); the periods are what counts.
    periods: dict[tuple[str, str, str], list[tuple[str, str | None]]] = {}
    for case_id, person_id, fact, start, end in rows(path, "SELECT * FROM member_periods"):
        periods.setdefault((case_id, person_id, fact), []).append((start, end))
    for (case_id, person_id, fact), dated in periods.items():
        ((column, last_day),) = rows(path, f"""
            SELECT m.[{fact}], min(coalesce(c.closed_on, ?), coalesce(m.left_on, ?), ?) FROM case_members m
            JOIN cases c USING (case_id) WHERE case_id = ? AND person_id = ?""", as_of, as_of, as_of, case_id, person_id)
        holds = any(start <= last_day and (end is None or last_day <= end) for start, end in dated)
        assert column == holds, (case_id, person_id, fact)


@pytest.mark.parametrize("scale", CHANGING_SCALES)
def test_a_parents_rights_end_to_one_child_but_not_to_a_sibling(scale, generated):
    path = generated(scale)
    assert rows(path, """
        SELECT count(*) FROM parent_child a JOIN parent_child b ON b.case_id = a.case_id
        AND b.parent_id = a.parent_id AND b.child_id != a.child_id
        JOIN case_members m ON m.case_id = a.case_id AND m.person_id = a.parent_id
        WHERE a.rights_terminated_on BETWEEN ? AND ? AND b.rights_terminated_on IS NULL
        AND m.rights_terminated_on IS NULL""", *last_two_months(path))[0][0] > 0


@pytest.mark.parametrize("scale", CHANGING_SCALES)
def test_a_call_to_an_out_of_state_placement_names_a_placement_of_the_same_case_in_effect_that_day(scale, generated):
    path = generated(scale)
    calls = rows(path, """
        SELECT n.method, p.location_type, p.case_id = n.case_id,
               substr(n.occurred_at, 1, 10) BETWEEN p.start_on AND coalesce(p.end_on, '9999-12-31'),
               (SELECT count(*) FROM note_contacts c WHERE c.note_id = n.note_id AND c.person_id NOT IN (
                   SELECT person_id FROM case_members m WHERE m.case_id = n.case_id))
        FROM notes n JOIN placements p USING (placement_id)""")
    since, as_of = last_two_months(path)
    recent = rows(path, "SELECT count(*) FROM notes WHERE placement_id IS NOT NULL AND substr(occurred_at, 1, 10) "
                        "BETWEEN ? AND ?", since, as_of)
    assert recent[0][0] > 0
    assert set(calls) == {("phone", "out_of_state", 1, 1, 0)}  # lists nobody but members (the caregiver is none)


@pytest.mark.parametrize("scale", CHANGING_SCALES)
def test_no_note_with_method_none_lists_anyone_contacted(scale, generated):
    path = generated(scale)
    assert rows(path, "SELECT count(*) FROM notes WHERE method = 'none'")[0][0] > 0
    assert rows(path, "SELECT count(*) FROM notes JOIN note_contacts USING (note_id) WHERE method = 'none'") == [(0,)]


def test_generate_refuses_a_database_that_holds_data(unit_db, capsys):
    assert main(["generate", "--db", str(unit_db), "--scale", "unit", "--seed", "1"]) == 2
    assert "already holds data" in capsys.readouterr().err


def test_generate_fills_an_empty_database(tmp_path, capsys):
    path = tmp_path / "empty.db"
    assert main(["init", "--db", str(path)]) == 0
    assert main(["generate", "--db", str(path), "--scale", "demo", "--seed", "3", "--months", "4"]) == 0
    assert "generated units 3" in capsys.readouterr().out
    assert rows(path, "SELECT count(DISTINCT substr(occurred_at, 1, 7)) FROM notes")[0][0] == 4


@pytest.mark.slow  # 20–45 s: it builds and times every figure of benchmarks/run.py
def test_benchmark_script_runs_at_unit_scale(tmp_path):
    """A smoke run: every figure is measured and the summary line is printed (nothing is timed here)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "unit", "--runs", "1", "--data", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("benchmark: ")
    names = {item.split("=")[0] for item in last.removeprefix("benchmark: ").split()}
    assert {"eval_first_ratio", "eval_saved_ratio", "eval_cached_ratio", "eval_inputs_ratio", "unit_eval_ms", "cold_start_ratio", "keypress_ms", "import_ratio",
            "report_process_ratio", "report_process_cold_s", "eval_kept_ratio", "unit_kept_ms", "report_rss_mb", "check_s", "audit_write_ms", "audit_write_nohash_ms", "audit_hash_us"} <= names


def test_the_generated_import_is_recorded_deterministically(unit_db):
    """docs/data.md "Evidence", imports: the generator's import has its row, at the fixed "now", by the generator's OS user."""
    (row,) = rows(unit_db, "SELECT import_id, at, os_user, actor, verified, source, counts, history_rows FROM imports")
    import_id, at, os_user, actor, verified, source, counts, history_rows = row
    assert (import_id, at, os_user, actor, verified, history_rows) == (1, "2026-10-21T01:00:00Z", OS_USER, "", 0, 0)
    assert source == f"staffing-tui generate --scale unit --seed {SEED} --months 36"
    for table, table_counts in json.loads(counts).items():
        assert table_counts == {"inserted": rows(unit_db, f"SELECT count(*) FROM {table}")[0][0],
                                "updated": 0, "unchanged": 0}
    assert rows(unit_db, "SELECT action, record_id, os_user FROM audit_log WHERE table_name = 'imports'") == [
        ("import", "1", OS_USER)]
