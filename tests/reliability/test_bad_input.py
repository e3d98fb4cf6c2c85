"""Issue 7 §4 — bad input never hurts: malformed CSV files (property-based), and
databases that are missing, not SQLite, damaged, another program's or read-only.

Every case answers with exit status 2 and one clear message on stderr, no
traceback, and leaves the database exactly as it was.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from staffing_tui.cli import COMMANDS, main
from staffing_tui.domain.text import clean_free_text, first_control
from staffing_tui.store.importer import BOOLEANS, COLUMNS, DATE, DATETIME, BOOL, ID, LOGIN, TEXT
from staffing_tui.store.schema import IMPORT_KEYS, IMPORT_TABLES
from tests.builders import small_database
from tests.reliability.datasets import write_dataset

FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORMULAS = ("=cmd()", "=1+1", "+1", "-1", "@SUM(A1:A9)", '=HYPERLINK("http://example.invalid","open")',
            "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def fingerprint(path: Path) -> tuple[str, list[str]]:
    """The file's bytes and every row of every table."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    conn = sqlite3.connect(path)
    try:
        return digest, list(conn.iterdump())
    finally:
        conn.close()


def assert_one_clear_refusal(code: int, out: str, err: str) -> None:
    assert code == 2, (code, out, err[:2000])
    assert out == ""
    assert err.startswith("error: ") and "Traceback" not in err
    # Clear and bounded: a 1 MB cell is never echoed back whole.
    assert len(err) < 20_000 and max(len(line) for line in err.splitlines()) < 1_000, err[:2000]


# --- the CSV importer, fed malformed files ----------------------------------------------------


def _read_dataset(prefix: str) -> dict[str, list[list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = write_dataset(Path(tmp) / "csv", cases=3, notes_per_case=2, prefix=prefix)
        return {path.stem: list(csv.reader(path.open(encoding="utf-8", newline="")))
                for path in sorted(directory.iterdir())}


#: Rows of a valid import (header first) that would add new records (prefix F) on top of
#: the database's own (prefix B): any mutation that slipped through would change it.
VALID_ROWS = _read_dataset("F")
TABLES = sorted(VALID_ROWS)


def to_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # Excel's line ends: a lone \r gets quoted
    return out.getvalue()


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("fuzz")
    path = base / "agency.db"
    assert run("import", write_dataset(base / "csv", cases=3, notes_per_case=2, prefix="B"), "--db", path)[0] == 0
    return path


def import_refused(db: Path, files: dict[str, bytes | str]) -> None:
    """Import `files` (the valid set with some replaced) and assert exit 2, nothing changed."""
    before = fingerprint(db)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for table in TABLES:
            content = files.get(table, to_text(VALID_ROWS[table]))
            data = content.encode("utf-8") if isinstance(content, str) else content
            (directory / f"{table}.csv").write_bytes(data)
        code, out, err = run("import", directory, "--db", db)
    assert_one_clear_refusal(code, out, err)
    assert fingerprint(db) == before


def with_cell(table: str, row: int, column: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in VALID_ROWS[table]]
    if column not in rows[0]:  # an optional column the valid set leaves out: added, empty elsewhere
        rows = [[*r, column if i == 0 else ""] for i, r in enumerate(rows)]
    rows[row][rows[0].index(column)] = value
    return rows


#: (table, column, kind) of every column whose value is checked (not free text).
TYPED = [(table, column, spec) for table, specs in COLUMNS.items() for column, spec in specs.items()
         if spec.kind not in (TEXT, ID) or spec.refers_to]
LETTERS = st.text(st.characters(categories=("Lu", "Ll")), min_size=1, max_size=20)


def wrong_value(spec) -> st.SearchStrategy[str]:
    """A non-empty value of the wrong type for the column."""
    if spec.refers_to:
        return st.text(st.characters(categories=("Lu", "Nd")), min_size=1, max_size=12).map(lambda v: f"ZZ{v}")
    if spec.kind == DATE:
        return st.one_of(LETTERS, st.sampled_from(
            ["01/02/2026", "2026/01/02", "2026-13-01", "2026-02-30", "2026-1-5", "20260105", "N/A", "3.14"]))
    if spec.kind == DATETIME:
        return st.one_of(LETTERS, st.sampled_from(
            ["2026-01-05", "01/05/2026 10:00", "2026-13-05T10:00", "2026-01-05T25:00", "noon", "42"]))
    if spec.kind == BOOL:
        return st.one_of(LETTERS, st.sampled_from(["maybe", "2", "-1", "Y", "N", "on", "off", "1.0"])).filter(
            lambda v: v.strip().lower() not in BOOLEANS)
    if spec.kind == LOGIN:  # not one word of letters, digits, '.', '_', '-' (an account name), or too long
        return st.sampled_from(["two words", "dom/user", "user@host", "-dash", ".dot", "tab\tname", "dollar$inside",
                                "x" * 65, "é"])
    allowed = {member.value for member in spec.kind}
    return st.one_of(LETTERS, st.integers().map(str)).filter(lambda v: v.strip() not in allowed)


@pytest.mark.slow
@FUZZ
@given(table=st.sampled_from(TABLES), encoding=st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le"]),
       accents=st.text(st.characters(min_codepoint=0xC0, max_codepoint=0xFF), min_size=1, max_size=6))
def test_a_file_in_another_encoding_is_refused(fuzz_db, table, encoding, accents):
    rows = [list(r) for r in VALID_ROWS[table]]
    rows[1][-1] += accents  # e.g. "Visit went well.é" saved as latin-1 by a spreadsheet
    import_refused(fuzz_db, {table: to_text(rows).encode(encoding)})


@FUZZ
@given(table=st.sampled_from(TABLES), data=st.binary(max_size=3000))
def test_random_bytes_are_refused(fuzz_db, table, data):
    import_refused(fuzz_db, {table: data})


@FUZZ
@given(table=st.sampled_from(TABLES), data=st.data(), junk=st.sampled_from(["", "x", " tail"]))
def test_a_stray_quote_is_refused(fuzz_db, table, data, junk):
    rows = VALID_ROWS[table]
    row = data.draw(st.integers(1, len(rows) - 1), label="row")
    column = data.draw(st.integers(0, len(rows[row]) - 1), label="column")
    # Raw text: '"' opens a field that never closes, or closes with junk after it ('"x"tail').
    lines = to_text(rows).split("\n")
    fields = lines[row].split(",")
    fields[column] = f'"{fields[column]}' + (f'"{junk}' if junk else "")
    lines[row] = ",".join(fields)
    import_refused(fuzz_db, {table: "\n".join(lines)})


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed=st.sampled_from(TYPED), size=st.integers(1_000_001, 1_100_000), char=st.sampled_from("x7é-"))
def test_a_huge_field_in_a_checked_column_is_refused_without_echoing_it(fuzz_db, typed, size, char):
    table, column, _ = typed
    import_refused(fuzz_db, {table: to_text(with_cell(table, 1, column, char * size))})


@pytest.mark.slow
@FUZZ
@given(data=st.data(), typed=st.sampled_from(TYPED))
def test_a_value_of_the_wrong_type_is_refused(fuzz_db, data, typed):
    table, column, spec = typed
    row = data.draw(st.integers(1, len(VALID_ROWS[table]) - 1), label="row")
    value = data.draw(wrong_value(spec), label="value")
    import_refused(fuzz_db, {table: to_text(with_cell(table, row, column, value))})


@FUZZ
@given(table=st.sampled_from(TABLES), data=st.data())
def test_a_duplicate_key_is_refused(fuzz_db, table, data):
    rows = [list(r) for r in VALID_ROWS[table]]
    copy = rows[data.draw(st.integers(1, len(rows) - 1), label="row")]
    rows.insert(data.draw(st.integers(1, len(rows)), label="at"), list(copy))
    import_refused(fuzz_db, {table: to_text(rows)})


@FUZZ
@given(typed=st.sampled_from(TYPED), formula=st.sampled_from(FORMULAS))
def test_a_formula_in_a_checked_column_is_refused(fuzz_db, typed, formula):
    table, column, spec = typed
    if spec.kind == BOOL:
        assume(formula.strip().lower() not in BOOLEANS)
    import_refused(fuzz_db, {table: to_text(with_cell(table, 1, column, formula))})


def test_a_field_beyond_the_csv_limit_is_refused(fuzz_db):
    import_refused(fuzz_db, {"notes": to_text(with_cell("notes", 1, "text", "x" * (17 * 1024 * 1024)))})


#: Text columns where a formula-like value is just text (docs/data.md does not forbid it): names are
#: stored as written, free text as cleaned (issue 14: a tab stays, a lone "\r" is a line break).
NAME_CELLS = [("units", "name"), ("staff", "name"), ("people", "first_name"), ("people", "last_name"),
              ("placements", "location_name")]
FREE_TEXT_CELLS = [("notes", "note_type"), ("notes", "text")]
TEXT_CELLS = NAME_CELLS + FREE_TEXT_CELLS


def import_text_cells(tmp_path, table: str, column: str, values) -> tuple[list[list[str]], dict]:
    """Import the valid set with `table`.`column` of each row set from `values`: (rows, stored)."""
    key = IMPORT_KEYS[table][0]
    rows = [list(r) for r in VALID_ROWS[table]]
    position = IMPORT_TABLES[table].index(column)
    for n, row in enumerate(rows[1:]):
        row[position] = values[(n + len(TEXT_CELLS)) % len(values)]
    directory = tmp_path / "csv"
    directory.mkdir()
    for name in TABLES:
        (directory / f"{name}.csv").write_text(to_text(rows if name == table else VALID_ROWS[name]), encoding="utf-8")
    db = tmp_path / "agency.db"
    code, _, err = run("import", directory, "--db", db)
    assert code == 0, err
    conn = sqlite3.connect(db)
    stored = dict(conn.execute(f"SELECT {key}, {column} FROM {table}").fetchall())
    conn.close()
    return rows, stored


@pytest.mark.parametrize("table, column", TEXT_CELLS)
def test_formula_like_text_in_a_text_column_imports_as_text(tmp_path, table, column):
    free = (table, column) in FREE_TEXT_CELLS
    formulas = FORMULAS if free else [f for f in FORMULAS if first_control(f) is None]
    rows, stored = import_text_cells(tmp_path, table, column, formulas)
    position = IMPORT_TABLES[table].index(column)
    assert stored == {row[0]: clean_free_text(row[position]) if free else row[position] for row in rows[1:]}


def test_a_huge_note_text_imports_intact(tmp_path):
    text = "Long narrative. " * 70_000  # > 1 MB of legitimate free text
    directory = tmp_path / "csv"
    directory.mkdir()
    for name in TABLES:
        rows = with_cell("notes", 1, "text", text) if name == "notes" else VALID_ROWS[name]
        (directory / f"{name}.csv").write_text(to_text(rows), encoding="utf-8")
    db = tmp_path / "agency.db"
    assert run("import", directory, "--db", db)[0] == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT length(text) FROM notes WHERE note_id = ?", [VALID_ROWS["notes"][1][0]]).fetchone() == (
        len(text),)
    conn.close()


# --- databases that cannot be used ------------------------------------------------------------

#: A valid invocation of every command that takes --db (ids exist in tests/builders.py's
#: database once `recorded_db` has added one record of each kind). True: it writes.
COMMAND_LINES: dict[str, tuple[bool, list[str]]] = {
    "init": (True, ["init", "--db", "{db}"]),
    "import": (True, ["import", "{csv}", "--db", "{db}"]),
    "report": (False, ["report", "--db", "{db}", "--month", "2026-10", "--format", "json"]),
    "prepare": (True, ["prepare", "--db", "{db}", "--months", "2"]),
    "federal": (False, ["federal", "--db", "{db}", "--ffy", "2027", "--as-of", "2026-11-10"]),
    "exception add": (True, ["exception", "add", "--db", "{db}", "--as", "SV1", "--case", "C2", "--person", "K2",
                             "--category", "other", "--reason", "Hospital stay limits visits this month.",
                             "--from", "2026-10", "--to", "2026-10", "--review-on", "2026-10-20"]),
    "exception revoke": (True, ["exception", "revoke", "1", "--db", "{db}", "--as", "SV1", "--from", "2026-11"]),
    "exception list": (False, ["exception", "list", "--db", "{db}"]),
    "plan generate": (True, ["plan", "generate", "--db", "{db}", "--as", "SV1", "--case", "C1", "--parent", "A1",
                             "--frequency", "1", "--methods", "phone", "--arrangements", "Calls on Fridays.",
                             "--from", "2026-10", "--review-on", "2027-01-15"]),
    "plan list": (False, ["plan", "list", "--db", "{db}"]),
    "plan export": (False, ["plan", "export", "1", "--db", "{db}", "--format", "md", "--out", "{out}"]),
    "note add": (True, ["note", "add", "--db", "{db}", "--as", "SV1", "--case", "C2", "--person", "K2",
                        "--month", "2026-10", "--reason-code", "hospitalized", "--text", "In hospital."]),
    "step add": (True, ["step", "add", "--db", "{db}", "--as", "SV1", "--specialist", "S1", "--text", "Call",
                        "--due", "2026-11-30"]),
    "step done": (True, ["step", "done", "1", "--db", "{db}", "--as", "SV1"]),
    "step list": (False, ["step", "list", "--db", "{db}", "--specialist", "S1"]),
    "agenda": (False, ["agenda", "--db", "{db}", "--specialist", "S1", "--month", "2026-10"]),
    "check": (False, ["check", "--db", "{db}"]),
    "backup": (False, ["backup", "--db", "{db}", "{out}"]),
}
if "generate" in COMMANDS:  # the synthetic-data generator (another issue)
    COMMAND_LINES["generate"] = (True, ["generate", "--db", "{db}", "--scale", "demo", "--seed", "1"])


def test_every_command_that_takes_a_database_is_covered():
    from staffing_tui.cli import build_parser

    covered = {name.split()[0] for name in COMMAND_LINES}
    takes_db = {c for c in COMMANDS if "--db" in build_parser(c).format_help() or c in ("exception", "plan", "note",
                                                                                         "step")}
    assert takes_db <= covered


def argv_for(name: str, db: Path, tmp_path: Path) -> list[str]:
    csv_dir = write_dataset(tmp_path / "csv", cases=1, notes_per_case=1, prefix="I") \
        if not (tmp_path / "csv").exists() else tmp_path / "csv"
    values = {"db": str(db), "csv": str(csv_dir), "out": str(tmp_path / "export.out")}
    return [part.format(**values) for part in COMMAND_LINES[name][1]]


def _not_sqlite(path: Path) -> None:
    path.write_text("case_id,person_id\nC1,P1\n")


def _damaged(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))


def _another_programs(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()


BROKEN = {"not SQLite": (_not_sqlite, "not an SQLite file"),
          "damaged": (_damaged, "damaged or not a staffing-tui database"),
          "another program's": (_another_programs, "SQLite database of another program")}


@pytest.mark.parametrize("problem", BROKEN)
@pytest.mark.parametrize("command", COMMAND_LINES)
def test_an_unusable_database_gets_one_clear_sentence(tmp_path, command, problem):
    db = tmp_path / "agency.db"
    make, message = BROKEN[problem]
    make(db)
    before = db.read_bytes()
    code, out, err = run(*argv_for(command, db, tmp_path))
    if command == "init":  # init refuses any existing file before looking inside it
        message = "already exists"
    assert_one_clear_refusal(code, out, err)
    assert message in err and str(db) in err and err.count("\n") == 1
    assert db.read_bytes() == before


#: Commands that create the database they are given (and its folder).
CREATORS = ("init", "import", "generate")


@pytest.mark.parametrize("command", [c for c in COMMAND_LINES if c not in CREATORS])
def test_a_missing_database_gets_one_clear_sentence(tmp_path, command):
    db = tmp_path / "no-such-folder" / "agency.db"
    code, out, err = run(*argv_for(command, db, tmp_path))
    assert_one_clear_refusal(code, out, err)
    assert f"There is no database at {db}" in err and err.count("\n") == 1
    assert not db.parent.exists()


# --- a read-only database: reading works, writing says so -------------------------------------


@contextlib.contextmanager
def as_another_user(directory: Path):
    """Run as a user for whom 0444 means read-only: root ignores file modes, so a root test
    drops to `nobody` (effective uid only, restored after) and lends them the folder."""
    if os.geteuid() != 0:
        yield
        return
    nobody = 65534
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, nobody, nobody)
    os.setegid(nobody)
    os.seteuid(nobody)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def recorded_db(tmp_path) -> Path:
    """tests/builders.py's database with exception 1, plan 1 and next step 1 recorded."""
    path = tmp_path / "agency.db"
    small_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO permanency_goals VALUES ('C1', 'K1', 'adoption', '2026-08-01')")
    conn.commit()
    conn.close()
    for argv in (COMMAND_LINES["exception add"][1], COMMAND_LINES["step add"][1]):
        assert run(*[a.format(db=path) for a in argv])[0] == 0
    plan = [a.format(db=path) for a in COMMAND_LINES["plan generate"][1]]
    assert run(*plan)[0] == 0
    return path


@pytest.mark.parametrize("command", [c for c in COMMAND_LINES if c != "init"])  # init never opens a file
def test_a_read_only_database_can_be_read_and_refuses_writes_clearly(tmp_path, recorded_db, command):
    scratch = tmp_path / "scratch.db"  # run it once as ourselves: every module it needs is imported
    shutil.copy(recorded_db, scratch)
    run(*argv_for(command, scratch, tmp_path))
    folder = Path(tempfile.mkdtemp(prefix="readonly-"))  # outside tmp_path: another user must reach it
    try:
        db = folder / "copy.db"
        shutil.copy(recorded_db, db)
        os.chmod(db, 0o444)
        before = fingerprint(db)
        writes, _ = COMMAND_LINES[command]
        argv = argv_for(command, db, folder)
        with as_another_user(folder):
            code, out, err = run(*argv)
        if command == "generate":  # refuses a database that holds data, read-only or not
            assert_one_clear_refusal(code, out, err)
        elif writes:
            assert_one_clear_refusal(code, out, err)
            assert f"{db} is read-only" in err and err.count("\n") == 1
        else:
            assert code in (0, 1) and "Traceback" not in err, err  # check: 1 = problems found
            assert err == ""
        assert fingerprint(db) == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)
