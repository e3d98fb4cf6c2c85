"""Issue 7 §5 — privacy: files are owner-only (0600), messages never carry a name or a
birth date, and the privacy mask also applies to exports (`--mask`)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import cli
from tests.conftest import add_contact_plan, mode_of
from tests.reliability.datasets import write_dataset

PRIVATE_MODE = 0o600


@pytest.fixture
def open_umask():
    """A permissive umask: files must be private by their own creation mode, not by luck."""
    old = os.umask(0)
    yield
    os.umask(old)


# --- owner-only files -----------------------------------------------------------------------------


def test_init_creates_a_private_database(tmp_path, capsys, open_umask):
    db = tmp_path / "new.db"
    assert cli(capsys, "init", "--db", db)[0] == 0
    assert mode_of(db) == PRIVATE_MODE


def test_import_into_a_new_path_creates_a_private_database_and_journal(tmp_path, capsys, open_umask):
    db = tmp_path / "agency.db"
    assert cli(capsys, "import", write_dataset(tmp_path / "csv", cases=2, notes_per_case=1), "--db", db)[0] == 0
    assert mode_of(db) == PRIVATE_MODE
    # While a connection is open, SQLite's -wal and -shm files hold the same data: private too.
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO meta VALUES ('probe', '1')")
    conn.commit()
    assert {mode_of(db.with_name(db.name + suffix)) for suffix in ("-wal", "-shm")} == {PRIVATE_MODE}
    conn.close()


def test_generate_creates_a_private_database(tmp_path, capsys, open_umask):
    db = tmp_path / "demo.db"
    code, _, err = cli(capsys, "generate", "--db", db, "--scale", "demo", "--seed", "7")
    assert code == 0, err
    assert mode_of(db) == PRIVATE_MODE


def test_backup_is_private(db_path, tmp_path, capsys, open_umask):
    assert cli(capsys, "backup", "--db", db_path, tmp_path / "copy.db")[0] == 0
    assert mode_of(tmp_path / "copy.db") == PRIVATE_MODE


def touched(path: Path, mode: int) -> Path:
    """An empty file as `touch` makes it (then given `mode`, whatever the umask): a database to be."""
    path.touch()
    os.chmod(path, mode)
    return path


def side_files_of(db: Path) -> dict[str, int]:
    return {suffix: mode_of(Path(f"{db}{suffix}")) for suffix in ("-wal", "-shm")}


def test_a_database_made_by_touch_loses_what_others_could_read_when_imported_into_and_so_do_its_wal_and_shm(
        tmp_path, capsys):
    db = touched(tmp_path / "agency.db", 0o644)
    code, _, err = cli(capsys, "import", write_dataset(tmp_path / "csv", cases=2, notes_per_case=1), "--db", db)
    assert code == 0, err
    assert mode_of(db) == PRIVATE_MODE
    reader = sqlite3.connect(db)  # keeps the WAL and SHM of the next write in place
    reader.execute("SELECT count(*) FROM cases").fetchall()
    try:
        code, _, err = cli(capsys, "step", "add", "--db", db, "--as", "SV1", "--specialist", "S1", "--text", "Call.",
                           "--due", "2025-03-01")
        assert code == 0, err
        assert side_files_of(db) == {"-wal": PRIVATE_MODE, "-shm": PRIVATE_MODE}
    finally:
        reader.close()


def test_a_world_readable_database_its_wal_and_shm_become_owner_only_at_the_next_record_write(db_path, capsys):
    os.chmod(db_path, 0o644)
    reader = sqlite3.connect(db_path)  # another program: it made the WAL and SHM with the database's 0644
    reader.execute("PRAGMA journal_mode = WAL")
    reader.execute("SELECT count(*) FROM cases").fetchall()
    try:
        assert side_files_of(db_path) == {"-wal": 0o644, "-shm": 0o644}
        code, _, err = cli(capsys, "step", "add", "--db", db_path, "--as", "SV1", "--specialist", "S1",
                           "--text", "Call.", "--due", "2026-11-30")
        assert code == 0, err
        assert mode_of(db_path) == PRIVATE_MODE
        assert side_files_of(db_path) == {"-wal": PRIVATE_MODE, "-shm": PRIVATE_MODE}
    finally:
        reader.close()


def test_the_app_makes_a_world_readable_database_owner_only_when_it_opens_it(db_path, monkeypatch):
    from staffing_tui.app import StaffingApp, run_app

    os.chmod(db_path, 0o644)
    monkeypatch.setattr(StaffingApp, "run", lambda self: None)  # the screen itself is not needed
    assert run_app(db_path, as_staff="SV1") == 0
    assert mode_of(db_path) == PRIVATE_MODE


@pytest.fixture
def group_folder(tmp_path) -> Path:
    """A folder of this account's group, setgid, as `init --group` wants it (docs/evidence.md "Shared databases")."""
    folder = tmp_path / "unit"
    folder.mkdir()
    os.chmod(folder, 0o2770)
    return folder


@pytest.mark.parametrize("made, kept", [(0o640, 0o640), (0o664, 0o660), (0o644, 0o640), (0o600, 0o600)])
def test_a_shared_database_keeps_its_groups_bits_but_others_get_nothing(group_folder, tmp_path, capsys, made, kept):
    db = touched(group_folder / "unit.db", made)
    code, _, err = cli(capsys, "import", write_dataset(tmp_path / "csv", cases=2, notes_per_case=1), "--db", db)
    assert code == 0, err
    assert mode_of(db) == kept
    reader = sqlite3.connect(db)
    reader.execute("SELECT count(*) FROM cases").fetchall()
    try:
        assert cli(capsys, "step", "add", "--db", db, "--as", "SV1", "--specialist", "S1", "--text", "Call.",
                   "--due", "2025-03-01")[0] == 0
        assert side_files_of(db) == {"-wal": kept, "-shm": kept}
    finally:
        reader.close()


def test_a_database_of_another_account_is_left_as_its_owner_made_it(tmp_path, capsys):
    """Only a file's owner decides its mode (even root leaves another account's database alone)."""
    db = touched(tmp_path / "theirs.db", 0o644)
    os.chown(db, 65534, -1)
    code, _, err = cli(capsys, "import", write_dataset(tmp_path / "csv", cases=2, notes_per_case=1), "--db", db)
    assert code == 0, err
    assert mode_of(db) == 0o644 and db.stat().st_uid == 65534


# --- a killed backup's partial copy ---------------------------------------------------------------


def dead_pid() -> int:
    """The id of a process that ran and was reaped: no process has it now."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def partial_copies(folder: Path, db: Path, *pids: int) -> list[Path]:
    """Hidden partial copies of `db` in `folder`, as `backup` writes them, one per pid."""
    copies = []
    for pid in pids:
        copy = folder / f".copy-{pid}.db.partial-{pid}"
        copy.write_bytes(db.read_bytes())
        copies.append(copy)
    return copies


@pytest.mark.parametrize("command", ["backup", "check"])
def test_a_killed_backups_partial_copy_is_removed_by_the_next_backup_or_check_but_a_running_ones_is_not(
        db_path, tmp_path, capsys, command):
    gone, running = partial_copies(tmp_path, db_path, dead_pid(), os.getpid())

    def run(n: int):
        if command == "backup":
            return cli(capsys, "backup", "--db", db_path, tmp_path / f"backup-{n}.db")
        return cli(capsys, "check", "--db", db_path)

    code, out, err = run(1)
    assert code == 0, err
    assert not gone.exists() and running.exists()
    assert err == (f"removed a partial copy left in {tmp_path} by an interrupted backup (its process is gone): "
                   f"{gone.name}\n")
    assert gone.name not in out  # the command's own output stays as it was
    assert run(2)[2] == ""  # said once: nothing is left to remove


def test_a_backup_cleans_only_the_folder_it_writes_into(db_path, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (gone,) = partial_copies(tmp_path, db_path, dead_pid())
    assert cli(capsys, "backup", "--db", db_path, elsewhere / "copy.db")[0] == 0
    assert gone.exists()


@pytest.mark.parametrize("argv", [
    ["report", "--month", "2026-10", "--format", "md"],
    ["report", "--month", "2026-10", "--format", "csv", "--mask"],
    ["report", "--month", "2026-10", "--format", "json"],
    ["agenda", "--specialist", "S1", "--month", "2026-10"],
    ["agenda", "--specialist", "S1", "--month", "2026-10", "--format", "json", "--mask"],
])
def test_exports_written_with_out_are_private_even_replacing_an_open_file_with_force(db_path, tmp_path, capsys,
                                                                                      open_umask, argv):
    out = tmp_path / "export.txt"
    out.write_text("an old, world-readable export")
    os.chmod(out, 0o644)
    code, printed, err = cli(capsys, *argv, "--db", db_path, "--out", out, "--force")
    assert code == 0, err
    assert printed == f"{out}\n" and mode_of(out) == PRIVATE_MODE
    assert out.read_text() != "an old, world-readable export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_out_never_replaces_the_database(db_path, capsys):
    before = db_path.read_bytes()
    code, _, err = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--out", db_path)
    assert code == 2 and "is the database itself" in err
    assert db_path.read_bytes() == before


@pytest.fixture
def plan_db(db_path, capsys) -> Path:
    """K1's goal is adoption from August: contact plan 1 for A1, from August (K1 then at Oak Foster Home)."""
    return add_contact_plan(capsys, db_path, methods="in_person,phone",
                            arrangements="Ann Testperson meets Kit at the office; Oak Foster Home drives.")


def test_a_plan_export_never_replaces_the_database(plan_db, capsys):
    before = plan_db.read_bytes()
    code, _, err = cli(capsys, "plan", "export", "1", "--db", plan_db, "--format", "md", "--out", plan_db)
    assert code == 2 and "is the database itself" in err
    assert plan_db.read_bytes() == before


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_plan_export_with_mask_shows_initials_only_and_is_private(plan_db, tmp_path, capsys, open_umask, fmt):
    plain, masked = tmp_path / f"plain.{fmt}", tmp_path / f"masked.{fmt}"
    assert cli(capsys, "plan", "export", "1", "--db", plan_db, "--format", fmt, "--out", plain)[0] == 0
    assert cli(capsys, "plan", "export", "1", "--db", plan_db, "--format", fmt, "--out", masked, "--mask")[0] == 0
    assert {mode_of(plain), mode_of(masked)} == {PRIVATE_MODE}
    text = plain.read_text()
    assert "Ann Testperson" in text and "Kit Testperson" in text and "Oak Foster Home" in text  # the real document
    hidden = masked.read_text()
    assert not [word for word in ("Ann", "Kit", "Testperson", "Oak Foster Home") if word in hidden]
    assert "A. T." in hidden and "K. T." in hidden and "(placement)" in hidden
    assert "Val Supervisor" in hidden  # staff are not masked: the document must say who approved it


# --- messages never carry a name or a birth date ----------------------------------------------------

SECRET_PEOPLE = [  # person_id, first, last, birth date: each row spoils one rule
    ["P1", "Zenobia", "Quartermaine", "2011-02-03", ""],
    ["P1", "Ximena", "Vanterpool", "2012-03-04", ""],  # duplicate key
    ["P2", "Yusuf", "Oyelaran", "2013-13-45", ""],  # not a real date
    ["P3", "Wilhelmina", "Nakashima", "2014-05-06", "2009-01-01"],  # died before birth
    ["P4", "Valentin", "Mbeki-Stroud", "06/07/2015", ""],  # wrong format
    ["P5", "Ulrike", "Lindqvist", "2016-07-08", "", "extra"],  # wrong field count
    ["P7", "Sebastiano", "Ferreira-Lund", "2025-06-01", ""],  # contacted before birth (below)
]
SHIFTED = "P6,Tobiah,Kowalczyk,Rasmussen,2017-08-09\n"  # a surname with an unquoted comma shifts the columns


def test_import_errors_never_show_names_or_birth_dates(tmp_path, capsys):
    source = write_dataset(tmp_path / "csv", cases=2, notes_per_case=1)
    with (source / "people.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(SECRET_PEOPLE)
        handle.write(SHIFTED)
    with (source / "note_contacts.csv").open("a", encoding="utf-8") as handle:
        handle.write("N0-0,P7\n")  # the note (2025-01-02) is before P7's birth
    code, out, err = cli(capsys, "import", source, "--db", tmp_path / "agency.db")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 + len(SECRET_PEOPLE)  # every problem is listed…
    assert "note N0-0 is dated before person P7's birth date" in err and "people.csv:9: deceased_on:" in err
    secrets = {value for row in SECRET_PEOPLE for value in row[1:] if value and value != "extra"}
    secrets |= set(SHIFTED.strip().split(",")[1:])
    assert not [secret for secret in secrets if secret in err]  # …without a name or a birth date


PEOPLE_HEADER = "person_id, first_name, last_name, birth_date, deceased_on"


def drop_first_line(path: Path) -> str:
    """Remove the header of a CSV file, so its first data row is taken as the header; that row."""
    first, rest = path.read_text(encoding="utf-8").split("\n", 1)
    first, rest = rest.split("\n", 1)
    path.write_text(rest, encoding="utf-8")
    return first


def test_a_people_csv_without_a_header_names_its_columns_by_position_never_by_a_persons_name(tmp_path, capsys):
    source = write_dataset(tmp_path / "csv", cases=2, notes_per_case=1)
    row = drop_first_line(source / "people.csv")  # K0,Kid0,Family0,2015-03-04,
    code, out, err = cli(capsys, "import", source, "--db", tmp_path / "agency.db")
    assert code == 2 and out == ""
    assert (f"people.csv:1: column 2: is not a column of people.csv; the first line must be the header: "
            f"{PEOPLE_HEADER}") in err
    assert "missing column" not in err  # the header is absent, not incomplete
    assert not [value for value in row.split(",")[1:] if value and value in err]


def test_a_misspelt_people_header_is_named_by_position_too(tmp_path, capsys):
    source = write_dataset(tmp_path / "csv", cases=2, notes_per_case=1)
    people = source / "people.csv"
    people.write_text(people.read_text().replace("first_name", "Zenobia", 1))  # a name typed over the header
    code, _, err = cli(capsys, "import", source, "--db", tmp_path / "agency.db")
    assert code == 2 and "Zenobia" not in err
    assert "people.csv:1: column 2: is not a column of people.csv" in err
    assert "people.csv:1: first_name: missing column" in err


def test_a_notes_csv_without_a_header_never_quotes_the_note_text_it_took_for_one(tmp_path, capsys):
    source = write_dataset(tmp_path / "csv", cases=2, notes_per_case=1)
    notes = source / "notes.csv"
    lines = notes.read_text().splitlines()
    notes.write_text("\n".join([lines[1].replace("Visit 0 went well.", "Saw Kit Family0 at school"), *lines[2:]]))
    code, _, err = cli(capsys, "import", source, "--db", tmp_path / "agency.db")
    assert code == 2
    assert "notes.csv:1: column 9: is not a column of notes.csv; the first line must be the header" in err
    assert "Kit" not in err and "Family0" not in err


def test_a_misspelt_header_of_a_casework_file_is_still_quoted_to_help_fix_it(tmp_path, capsys):
    source = write_dataset(tmp_path / "csv", cases=2, notes_per_case=1)
    notes = source / "notes.csv"
    notes.write_text(notes.read_text().replace("note_type", "notetype", 1))
    code, _, err = cli(capsys, "import", source, "--db", tmp_path / "agency.db")
    assert code == 2 and "notes.csv:1: notetype: unknown column; notes.csv has exactly:" in err


# --- the privacy mask on exports ------------------------------------------------------------------

NAMES = ("Kit", "Ann", "Kay", "Testperson", "Oak Foster Home")
BIRTH_DATES = ("2012-04-01", "1985-01-01", "2015-06-01")


def test_markdown_report_with_mask_shows_initials_not_names(db_path, capsys):
    _, plain, _ = cli(capsys, "report", "--db", db_path, "--month", "2026-10")
    assert "Kit Testperson" in plain
    code, masked, err = cli(capsys, "report", "--db", db_path, "--month", "2026-10", "--mask")
    assert code == 0, err
    assert not [word for word in NAMES + BIRTH_DATES if word in masked]
    assert "| K. T. | child | C1 |" in masked and "| A. T. | parent | C1 |" in masked
    assert "Sam Specialist" in masked  # staff names stay: the report says whose caseload it is


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_json_and_csv_reports_with_mask_drop_placement_names(db_path, capsys, fmt):
    # August: K1 is at Oak Foster Home on the last day of the month.
    argv = ["report", "--db", db_path, "--month", "2026-08", "--format", fmt]
    assert "Oak Foster Home" in cli(capsys, *argv)[1]
    code, masked, _ = cli(capsys, *argv, "--mask")
    assert code == 0 and not [word for word in NAMES + BIRTH_DATES if word in masked]
    if fmt == "json":
        row = next(r for r in json.loads(masked)["rows"] if r["person_id"] == "K1")
        assert row["placement"] == {"location_type": "foster_home", "location_name": None, "since": "2026-01-05"}
    else:
        row = next(r for r in csv.DictReader(io.StringIO(masked)) if r["person_id"] == "K1")
        assert (row["placement_location_type"], row["placement_location_name"]) == ("foster_home", "")


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_agenda_with_mask_shows_initials_and_scrubs_free_text(plan_db, capsys, fmt):
    code, _, err = cli(capsys, "step", "add", "--db", plan_db, "--as", "SV1", "--specialist", "S1", "--case", "C1",
                       "--text", "Ask Ann Testperson about Kit's school (born 2012-04-01)", "--due", "2026-11-30")
    assert code == 0, err
    argv = ["agenda", "--db", plan_db, "--specialist", "S1", "--month", "2026-08", "--format", fmt]
    assert "Kit" in cli(capsys, *argv)[1]
    code, masked, err = cli(capsys, *argv, "--mask")
    assert code == 0, err
    assert not [word for word in NAMES + BIRTH_DATES if word in masked]
    assert "Ask A. T. about K.'s school (born (date))" in masked
    if fmt == "json":
        agenda = json.loads(masked)
        assert all("document" not in plan for plan in agenda["contact_plans_to_review"])
    else:
        assert "K. T. (child, case C1)" in masked


SHOUTED = "ANN TESTPERSON meets kit at the office; oak foster\nhome drives. The kitchen is upstairs."


@pytest.fixture
def shouting_db(db_path, capsys) -> Path:
    """Contact plan 1 (for A1, from August) and a next step whose free text writes the family's names in
    capitals, in lower case and across a line break."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO permanency_goals VALUES ('C1', 'K1', 'adoption', '2026-08-01')")
    conn.close()
    for argv in (["plan", "generate", "--as", "SV1", "--case", "C1", "--parent", "A1", "--frequency", "1",
                  "--methods", "in_person", "--arrangements", SHOUTED, "--from", "2026-08", "--review-on", "2026-12-01"],
                 ["step", "add", "--as", "SV1", "--specialist", "S1", "--case", "C1", "--due", "2026-11-30",
                  "--text", "Ask ann about KIT's school and the TESTPERSON kitchen"]):
        code, _, err = cli(capsys, *argv, "--db", db_path)
        assert code == 0, err
    return db_path


def names_in(text: str) -> list[str]:
    """The names of the small database found in `text` as whole words, in any capitalisation."""
    return [name for name in NAMES if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)]


@pytest.mark.parametrize("argv", [
    ["plan", "export", "1", "--format", "md"],
    ["plan", "export", "1", "--format", "html"],
    ["agenda", "--specialist", "S1", "--month", "2026-08", "--format", "md"],
    ["agenda", "--specialist", "S1", "--month", "2026-08", "--format", "json"],
    ["report", "--month", "2026-08", "--format", "md"],
], ids=["plan-md", "plan-html", "agenda-md", "agenda-json", "report-md"])
def test_the_mask_hides_names_written_in_capitals_or_lower_case_but_not_words_that_start_with_them(
        shouting_db, tmp_path, capsys, argv):
    plain, masked = tmp_path / "plain.txt", tmp_path / "masked.txt"
    assert cli(capsys, *argv, "--db", shouting_db, "--out", plain)[0] == 0
    code, _, err = cli(capsys, *argv, "--db", shouting_db, "--out", masked, "--mask")
    assert code == 0, err
    if argv[0] != "report":  # the report has no free text: its names are labels
        assert {"Ann", "Kit", "Testperson"} <= set(names_in(plain.read_text()))  # the family is named in it
    hidden = masked.read_text()
    assert names_in(hidden) == []
    if argv[0] == "plan":
        assert "The kitchen is upstairs." in hidden
    elif argv[0] == "agenda":
        assert "kitchen" in hidden and "K.'s school" in hidden
