"""The CSV import contract (docs/data.md "The CSV import"): what loads, what is rejected, and how it is reported."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing_tui.errors import UserError
from staffing_tui.store.connection import open_database, set_meta
from staffing_tui.store.importer import (
    COLUMNS,
    ImportFailed,
    LocalTime,
    import_directory,
    import_rows,
)
from staffing_tui.store.schema import IMPORT_KEYS, IMPORT_TABLES

NOW = pendulum.datetime(2026, 6, 1, 12, 0, tz="America/Phoenix")

#: A small valid dataset touching every file and most column kinds.
VALID: dict[str, str] = {
    "units.csv": """\
unit_id,name,region
U1,North Unit,North
""",
    "staff.csv": """\
staff_id,name,role,unit_id
S1,Sam Supervisor,supervisor,U1
S2,Pat Specialist,specialist,U1
""",
    "cases.csv": """\
case_id,case_type,specialist_id,opened_on,closed_on
C1,dependency,S2,2026-01-05,
C2,investigation,S2,2026-02-01,2026-03-31
""",
    "people.csv": """\
person_id,first_name,last_name,birth_date,deceased_on
P1,Ana,Lopez,2015-04-02,
P2,Maria,Lopez,1990-01-01,
P3,Jon,Doe,1988-05-05,
P4,Kim,Roe,2019-07-07,
""",
    "case_members.csv": """\
case_id,person_id,role,alleged_victim,alleged_perpetrator,resides_in_home,rights_terminated_on,whereabouts_unknown,incarcerated,joined_on,left_on
C1,P1,child,1,0,0,,0,0,,
C1,P2,parent,0,yes,false,,0,0,,
C1,P3,alleged_parent,,,,2026-02-01,TRUE,No,2026-01-10,
C2,P4,child,1,,1,,,,,2026-03-31
""",
    "parent_child.csv": """\
case_id,parent_id,child_id
C1,P2,P1
""",
    "permanency_goals.csv": """\
case_id,child_id,goal,effective_on
C1,P1,reunification,2026-01-05
C1,P1,adoption,2026-04-01
""",
    "placements.csv": """\
placement_id,case_id,child_id,location_type,location_name,start_on,end_on
PL1,C1,P1,foster_home,Smith foster home,2026-01-05,2026-03-14
PL2,C1,P1,kinship,,2026-03-15,
""",
    "notes.csv": """\
note_id,case_id,author_id,occurred_at,note_type,method,location,locate_for,text
N1,C1,S2,2026-02-10T10:00,monthly visit,in_person,placement,,"Saw the child, who is doing well."
N2,C1,S2,2026-02-11T09:30:00-05:00,call,phone,,,Called the mother
N3,C1,,2026-02-12T08:00:00,locate,none,,P3,Searched for the father
N4,C2,S2,2026-03-31T16:45,home visit,in_person,home,,Closing visit
""",
    "note_contacts.csv": """\
note_id,person_id
N1,P1
N2,P2
N4,P4
""",
    "case_assignments.csv": """\
case_id,specialist_id,start_on,end_on
C1,S2,2026-01-05,
""",
    "member_periods.csv": """\
case_id,person_id,fact,start_on,end_on
C1,P2,incarcerated,2026-02-01,2026-03-15
""",
}

#: One more row per file that is valid on top of VALID (new keys); tests spoil one cell.
NEW_ROW: dict[str, dict[str, str]] = {
    "units.csv": {"unit_id": "U2", "name": "South Unit", "region": ""},
    "staff.csv": {"staff_id": "S3", "name": "Lee Specialist", "role": "specialist", "unit_id": "U1"},
    "cases.csv": {"case_id": "C3", "case_type": "voluntary", "specialist_id": "S2",
                  "opened_on": "2026-03-01", "closed_on": ""},
    "people.csv": {"person_id": "P5", "first_name": "Zoe", "last_name": "Roe",
                   "birth_date": "2020-02-02", "deceased_on": ""},
    "case_members.csv": {"case_id": "C2", "person_id": "P2", "role": "parent", "alleged_victim": "",
                         "alleged_perpetrator": "", "resides_in_home": "", "rights_terminated_on": "",
                         "whereabouts_unknown": "", "incarcerated": "", "joined_on": "", "left_on": ""},
    "parent_child.csv": {"case_id": "C1", "parent_id": "P3", "child_id": "P1"},
    "permanency_goals.csv": {"case_id": "C2", "child_id": "P4", "goal": "other", "effective_on": "2026-02-01"},
    "placements.csv": {"placement_id": "PL3", "case_id": "C2", "child_id": "P4", "location_type": "in_home",
                       "location_name": "", "start_on": "2026-02-01", "end_on": ""},
    "notes.csv": {"note_id": "N5", "case_id": "C1", "author_id": "S2", "occurred_at": "2026-05-01T09:00",
                  "note_type": "visit", "method": "in_person", "location": "home", "locate_for": "",
                  "text": "Home visit"},
    "note_contacts.csv": {"note_id": "N1", "person_id": "P2"},
    "case_assignments.csv": {"case_id": "C2", "specialist_id": "S2", "start_on": "2026-02-01", "end_on": ""},
    "member_periods.csv": {"case_id": "C1", "person_id": "P2", "fact": "whereabouts_unknown",
                           "start_on": "2026-04-01", "end_on": ""},
}

COUNTS = {"units": 1, "staff": 2, "cases": 2, "people": 4, "case_members": 4, "parent_child": 1,
          "permanency_goals": 2, "placements": 2, "notes": 4, "note_contacts": 3,
          "case_assignments": 1, "member_periods": 1}


# --- helpers -------------------------------------------------------------------------


def write_files(directory: Path, files: dict[str, str | bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (directory / name).write_bytes(data)
    return directory


def csv_line(row: dict[str, str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row.values())
    return out.getvalue()


def with_row(file: str, files: dict[str, str] | None = None, /, **cells: str) -> dict[str, str]:
    """`files` (default VALID) plus NEW_ROW[file] with `cells` changed, appended to `file`."""
    files = dict(VALID if files is None else files)
    files[file] += csv_line({**NEW_ROW[file], **cells})
    return files


def snapshot(db) -> dict[str, list[dict]]:
    return {table: list(db.query(f"SELECT * FROM {table} ORDER BY rowid")) for table in IMPORT_TABLES}


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.db", create=True)
    yield database
    database.close()


@pytest.fixture
def loaded(db, tmp_path):
    """A database holding VALID."""
    import_directory(db, write_files(tmp_path / "valid", VALID), now=NOW)
    return db


def rejected(db, tmp_path, files: dict[str, str | bytes]) -> list[str]:
    """Import `files` over VALID (plus a renamed and a new unit, to prove the rollback);
    assert nothing changed and return the problems."""
    before = snapshot(db)
    files = dict(files)
    if isinstance(files["units.csv"], str):
        files["units.csv"] = files["units.csv"].replace("North Unit", "Renamed Unit") + "U7,Unit Seven,\n"
    with pytest.raises(ImportFailed) as failure:
        import_directory(db, write_files(tmp_path / "bad", files), now=NOW)
    assert snapshot(db) == before
    problems = failure.value.problems
    assert failure.value.message == (
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {tmp_path / 'bad'}; nothing was imported."
    )
    assert failure.value.details == problems
    return problems


def only_problem(problems: list[str], prefix: str) -> str:
    assert len(problems) == 1, problems
    assert problems[0].startswith(prefix), problems
    return problems[0]


# --- what loads ---------------------------------------------------------------------------


def test_column_contract_covers_every_import_column():
    assert {table: tuple(columns) for table, columns in COLUMNS.items()} == IMPORT_TABLES


def test_valid_dataset_imports_and_round_trips(loaded):
    db = loaded
    assert {table: db[table].count for table in IMPORT_TABLES} == COUNTS
    assert db["cases"].get("C1") == {"case_id": "C1", "case_type": "dependency", "specialist_id": "S2",
                                     "opened_on": "2026-01-05", "closed_on": None}
    assert db["case_members"].get(("C1", "P3")) == {
        "case_id": "C1", "person_id": "P3", "role": "alleged_parent", "alleged_victim": 0,
        "alleged_perpetrator": 0, "resides_in_home": 0, "rights_terminated_on": "2026-02-01",
        "whereabouts_unknown": 1, "incarcerated": 0, "joined_on": "2026-01-10", "left_on": None,
    }
    assert db["notes"].get("N1") == {
        "note_id": "N1", "case_id": "C1", "author_id": "S2", "occurred_at": "2026-02-10T10:00:00-07:00",
        "note_type": "monthly visit", "method": "in_person", "location": "placement", "locate_for": None,
        "text": "Saw the child, who is doing well.", "placement_id": None,
    }
    assert db["notes"].get("N3")["author_id"] is None
    assert db["units"].get("U1")["region"] == "North"


def test_rows_read_back_from_the_database_import_unchanged(loaded, tmp_path):
    exported = {}
    for table, columns in IMPORT_TABLES.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if value is None else value for value in row.values()] for row in loaded[table].rows)
        exported[f"{table}.csv"] = out.getvalue()
    fresh = open_database(tmp_path / "fresh.db", create=True)
    import_directory(fresh, write_files(tmp_path / "exported", exported), now=NOW)
    assert snapshot(fresh) == snapshot(loaded)
    fresh.close()


def test_summary_counts_rows_per_table(db, tmp_path):
    summary = import_directory(db, write_files(tmp_path / "in", VALID), now=NOW)
    assert summary.counts == COUNTS
    assert summary.total == sum(COUNTS.values())


def test_reimport_is_idempotent_and_updates_by_primary_key(loaded, tmp_path):
    db = loaded
    files = dict(VALID)
    files["staff.csv"] = files["staff.csv"].replace("Pat Specialist", "Pat Q. Specialist")
    files["case_members.csv"] = files["case_members.csv"].replace("C1,P2,parent,0,yes", "C1,P2,parent,1,no")
    import_directory(db, write_files(tmp_path / "again", files), now=NOW)
    assert {table: db[table].count for table in IMPORT_TABLES} == COUNTS
    assert db["staff"].get("S2")["name"] == "Pat Q. Specialist"
    member = db["case_members"].get(("C1", "P2"))
    assert (member["alleged_victim"], member["alleged_perpetrator"]) == (1, 0)


def test_absent_files_load_nothing_and_references_resolve_against_the_database(loaded, tmp_path):
    files = with_row("notes.csv", {"notes.csv": VALID["notes.csv"].split("\n")[0] + "\n"})
    files["note_contacts.csv"] = "note_id,person_id\nN5,P2\nN1,P2\n"
    summary = import_directory(loaded, write_files(tmp_path / "more", files), now=NOW)
    assert summary.counts["notes"] == 1 and summary.counts["note_contacts"] == 2 and summary.counts["cases"] == 0
    assert loaded["notes"].count == 5 and loaded["note_contacts"].count == 5


def test_header_columns_may_come_in_any_order(db, tmp_path):
    files = dict(VALID)
    files["units.csv"] = "region,name,unit_id\nNorth,North Unit,U1\n"
    import_directory(db, write_files(tmp_path / "in", files), now=NOW)
    assert db["units"].get("U1") == {"unit_id": "U1", "name": "North Unit", "region": "North"}


def test_byte_order_mark_is_tolerated(db, tmp_path):
    files: dict[str, str | bytes] = dict(VALID)
    files["units.csv"] = b"\xef\xbb\xbf" + VALID["units.csv"].encode()
    import_directory(db, write_files(tmp_path / "in", files), now=NOW)
    assert db["units"].get("U1")["name"] == "North Unit"


@pytest.mark.parametrize(
    "spelling, stored",
    [("1", 1), ("0", 0), ("true", 1), ("FALSE", 0), ("Yes", 1), ("no", 0), (" yes ", 1), ("", 0)],
)
def test_boolean_spellings(db, tmp_path, spelling, stored):
    import_directory(db, write_files(tmp_path / "in", with_row("case_members.csv", incarcerated=spelling)), now=NOW)
    assert db["case_members"].get(("C2", "P2"))["incarcerated"] == stored


@pytest.mark.parametrize(
    "written, stored",
    [
        ("2026-05-01T09:00", "2026-05-01T09:00:00-07:00"),
        ("2026-05-01T09:00:30", "2026-05-01T09:00:30-07:00"),
        ("2026-05-01 09:00:30.250", "2026-05-01T09:00:30-07:00"),
        ("2026-05-01T16:00:00Z", "2026-05-01T09:00:00-07:00"),
        ("2026-05-01T12:00:00-04:00", "2026-05-01T09:00:00-07:00"),
        ("2026-05-02T01:30:00+02:00", "2026-05-01T16:30:00-07:00"),
    ],
)
def test_datetime_with_and_without_offset_is_normalised_to_the_database_zone(db, tmp_path, written, stored):
    import_directory(db, write_files(tmp_path / "in", with_row("notes.csv", occurred_at=written)), now=NOW)
    assert db["notes"].get("N5")["occurred_at"] == stored


def test_datetime_on_a_daylight_saving_day_follows_pendulum(db):
    set_meta(db, "timezone", "America/New_York")
    rows = {name: list(csv.DictReader(io.StringIO(text))) for name, text in VALID.items()}
    rows["notes.csv"].append({**NEW_ROW["notes.csv"], "occurred_at": "2026-03-08T02:30"})  # in the spring gap
    rows["notes.csv"].append({**NEW_ROW["notes.csv"], "note_id": "N6", "occurred_at": "2026-03-09T02:30"})
    import_rows(db, rows, now=NOW)
    assert db["notes"].get("N5")["occurred_at"] == "2026-03-08T03:30:00-04:00"
    assert db["notes"].get("N6")["occurred_at"] == "2026-03-09T02:30:00-04:00"
    assert db["notes"].get("N1")["occurred_at"] == "2026-02-10T10:00:00-05:00"


ZONES = ["America/Phoenix", "America/New_York", "Europe/London", "Australia/Lord_Howe"]


def transition_days(zone: str) -> list[datetime]:
    """Local midnights of the days around each change of `zone`'s offset in 2024–2027."""
    tz = ZoneInfo(zone)
    days = set()
    day = datetime(2024, 1, 1, 12)
    while day.year < 2028:
        if day.replace(tzinfo=tz).utcoffset() != (day + timedelta(days=1)).replace(tzinfo=tz).utcoffset():
            days.update(day.replace(hour=0) + timedelta(days=shift) for shift in (-1, 0, 1, 2))
        day += timedelta(days=1)
    return sorted(days) or [datetime(2026, 1, 1)]


TRANSITION_DAYS = {zone: transition_days(zone) for zone in ZONES}


@st.composite
def local_moments(draw):
    zone = draw(st.sampled_from(ZONES))
    near_change = draw(st.booleans())
    if near_change:
        day = draw(st.sampled_from(TRANSITION_DAYS[zone]))
        moment = day + timedelta(seconds=draw(st.integers(0, 86399)))
    else:
        moment = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31)))
    return zone, moment.replace(microsecond=0)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(local_moments())
def test_fast_local_time_agrees_with_pendulum(zone_and_moment):
    zone, moment = zone_and_moment
    expected = pendulum.datetime(
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, tz=zone
    )
    now = datetime(2026, 6, 1, 19, 0)
    stored, future = LocalTime(zone, now).normalise(moment.isoformat())
    assert stored == expected.isoformat()
    assert future == (expected.in_timezone("UTC").naive() > now)


def test_note_on_the_closing_day_in_local_time_is_accepted(db, tmp_path):
    # 2026-04-01T05:00Z is still 2026-03-31 in Phoenix, the day C2 closed (end dates are inclusive).
    files = with_row("notes.csv", case_id="C2", occurred_at="2026-04-01T05:00:00Z")
    import_directory(db, write_files(tmp_path / "in", files), now=NOW)
    assert db["notes"].get("N5")["occurred_at"] == "2026-03-31T22:00:00-07:00"


def test_import_rows_loads_in_memory_rows_like_files(db):
    rows = {name: list(csv.DictReader(io.StringIO(text))) for name, text in VALID.items()}
    summary = import_rows(db, rows, now=NOW)
    assert summary.counts == COUNTS
    assert db["notes"].get("N2")["occurred_at"] == "2026-02-11T07:30:00-07:00"


def test_import_rows_reads_generators_lazily(db):
    rows = {name: list(csv.DictReader(io.StringIO(text))) for name, text in VALID.items()}
    streamed = {name: (row for row in file_rows) for name, file_rows in rows.items()}
    assert import_rows(db, streamed, now=NOW).counts == COUNTS


def test_import_rows_accepts_plain_python_values(db):
    rows = {name: list(csv.DictReader(io.StringIO(text))) for name, text in VALID.items()}
    rows["case_members.csv"][0].update(alleged_victim=True, incarcerated=None, left_on=None)
    rows["cases.csv"][0]["opened_on"] = pendulum.date(2026, 1, 5)
    import_rows(db, rows, now=NOW)
    member = db["case_members"].get(("C1", "P1"))
    assert (member["alleged_victim"], member["incarcerated"], member["left_on"]) == (1, 0, None)
    assert db["cases"].get("C1")["opened_on"] == "2026-01-05"


def test_import_rows_rejects_an_unknown_file_name(db):
    with pytest.raises(ImportFailed) as failure:
        import_rows(db, {"unit.csv": [{"unit_id": "U1"}]}, now=NOW)
    only_problem(failure.value.problems, "unit.csv:1: (file): unknown file")


def test_now_defaults_to_the_current_time(db, tmp_path):
    files = with_row("notes.csv", occurred_at="2199-01-01T00:00")
    with pytest.raises(ImportFailed) as failure:
        import_directory(db, write_files(tmp_path / "in", files))
    only_problem(failure.value.problems, "notes.csv:6: occurred_at: 2199-01-01T00:00 is in the future")


def index_definitions(db) -> list[tuple[str, str]]:
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()


def test_indexes_dropped_for_a_bulk_load_are_rebuilt(db, tmp_path):
    indexes = index_definitions(db)
    assert any(name == "idx_notes_case_time" for name, _ in indexes)
    import_directory(db, write_files(tmp_path / "in", VALID), now=NOW)
    assert index_definitions(db) == indexes


def test_indexes_dropped_for_a_bulk_load_are_restored_when_the_import_fails(db, tmp_path):
    indexes = index_definitions(db)
    with pytest.raises(ImportFailed):
        import_directory(db, write_files(tmp_path / "in", with_row("note_contacts.csv", note_id="X9")), now=NOW)
    assert index_definitions(db) == indexes
    assert all(db[table].count == 0 for table in IMPORT_TABLES)


def test_import_leaves_the_connection_cache_size_as_it_was(db, tmp_path):
    db.execute("PRAGMA cache_size = -4000")
    import_directory(db, write_files(tmp_path / "in", VALID), now=NOW)
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -4000


def test_import_rows_reports_lines_as_a_csv_file_would(db):
    rows = {"units.csv": [{"unit_id": "U1", "name": "A", "region": ""}, {"unit_id": "U2", "name": "", "region": ""}]}
    with pytest.raises(ImportFailed) as failure:
        import_rows(db, rows, now=NOW)
    assert failure.value.problems == ["units.csv:3: name: is empty; a value is required here"]
    assert db["units"].count == 0


def test_import_rows_rejects_rows_with_other_columns_than_the_first(db):
    rows = {"units.csv": [{"unit_id": "U1", "name": "A", "region": ""}, {"unit_id": "U2", "name": "B"}]}
    with pytest.raises(ImportFailed) as failure:
        import_rows(db, rows, now=NOW)
    only_problem(failure.value.problems, "units.csv:3: (row): lacks column region")


# --- file-level rejections -------------------------------------------------------------------


def test_unknown_csv_file_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, {**VALID, "note.csv": "note_id\n"})
    only_problem(problems, "note.csv:1: (file): unknown file; expected one of: units.csv, staff.csv")


def test_missing_column_is_rejected_and_the_file_skipped(loaded, tmp_path):
    files = dict(VALID)
    files["cases.csv"] = files["cases.csv"].replace(",closed_on", "").replace("2026-01-05,\n", "2026-01-05\n")
    files["cases.csv"] += "C9,not-a-type\n"  # its rows are not read, so no problem for this one
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, "cases.csv:1: closed_on: missing column")


def test_unknown_column_is_rejected(loaded, tmp_path):
    files = dict(VALID)
    files["units.csv"] = "unit_id,name,region,colour\nU1,North Unit,North,blue\n"
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, "units.csv:1: colour: unknown column; units.csv has exactly: unit_id, name, region")


def test_column_named_twice_is_rejected(loaded, tmp_path):
    files = dict(VALID)
    files["units.csv"] = "unit_id,name,region,name\nU1,North Unit,North,X\n"
    only_problem(rejected(loaded, tmp_path, files), "units.csv:1: name: column appears twice")


def test_empty_file_without_header_is_rejected(loaded, tmp_path):
    only_problem(rejected(loaded, tmp_path, {**VALID, "placements.csv": ""}), "placements.csv:1: (file): is empty")


def test_file_that_is_not_utf8_is_rejected_as_one_problem(loaded, tmp_path):
    files: dict[str, str | bytes] = dict(VALID)
    # A Latin-1 "é" on line 6; the bad date on the same line is not reported: the file is unreadable.
    files["people.csv"] = VALID["people.csv"].encode() + b"P6,Ren\xe9,Roe,2020-13-01,\n"
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, "people.csv:6: (file): is not UTF-8 (byte 0xE9); save the file as UTF-8")


def test_row_with_the_wrong_number_of_fields_is_rejected(loaded, tmp_path):
    files = dict(VALID)
    files["units.csv"] += "U3,Unit, with a comma,West\n"
    only_problem(rejected(loaded, tmp_path, files), "units.csv:3: (row): has 4 fields but the header has 3")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_numbers_count_physical_lines_of_multiline_quoted_fields(loaded, tmp_path, newline):
    files = dict(VALID)
    files["notes.csv"] += 'N6,C1,S2,2026-05-02T10:00,visit,in_person,home,,"first line\nsecond line\nthird"\n'
    files["notes.csv"] += "\nN7,C1,S2,2026-05-03T10:00,visit,teleport,home,,text\n"  # after a blank line
    files["notes.csv"] = files["notes.csv"].replace("\n", newline)
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, 'notes.csv:10: method: "teleport" is not allowed')


def test_missing_directory_is_a_user_error(db, tmp_path):
    with pytest.raises(UserError, match="is not a directory"):
        import_directory(db, tmp_path / "nowhere", now=NOW)


def test_directory_without_csv_files_is_a_user_error(db, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="has no CSV files"):
        import_directory(db, tmp_path / "empty", now=NOW)


# --- cell rejections --------------------------------------------------------------------------

REQUIRED = [
    (f"{table}.csv", column)
    for table, columns in COLUMNS.items()
    for column, spec in columns.items()
    if spec.required or column in IMPORT_KEYS[table]
]


@pytest.mark.parametrize("name, column", REQUIRED)
def test_required_value_missing_is_rejected(loaded, tmp_path, name, column):
    problems = rejected(loaded, tmp_path, with_row(name, **{column: ""}))
    line = VALID[name].count("\n") + 1
    only_problem(problems, f"{name}:{line}: {column}: is empty")


ENUMS = [
    ("staff.csv", "role"), ("cases.csv", "case_type"), ("case_members.csv", "role"),
    ("permanency_goals.csv", "goal"), ("placements.csv", "location_type"), ("notes.csv", "method"),
    ("notes.csv", "location"),
]


@pytest.mark.parametrize("name, column", ENUMS)
def test_value_outside_an_enum_is_rejected(loaded, tmp_path, name, column):
    problems = rejected(loaded, tmp_path, with_row(name, **{column: "bogus"}))
    line = VALID[name].count("\n") + 1
    only_problem(problems, f'{name}:{line}: {column}: "bogus" is not allowed; use one of: ')


def test_enum_in_the_wrong_case_is_rejected_with_a_suggestion(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("notes.csv", method="In Person"))
    only_problem(problems, 'notes.csv:6: method: "In Person" is not allowed (did you mean in_person?); use one of: ')


def test_boolean_that_is_not_yes_or_no_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("case_members.csv", incarcerated="maybe"))
    only_problem(problems, 'case_members.csv:6: incarcerated: "maybe" is not a yes/no value; use 1/0')


@pytest.mark.parametrize("value, message", [("2026-02-30", "is not a real date"), ("02/03/2026", "is not a date")])
def test_invalid_date_is_rejected(loaded, tmp_path, value, message):
    problems = rejected(loaded, tmp_path, with_row("cases.csv", opened_on=value))
    only_problem(problems, f'cases.csv:4: opened_on: "{value}" {message}')


def test_invalid_birth_date_is_rejected_without_echoing_it(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("people.csv", birth_date="2020-02-31"))
    assert only_problem(problems, "people.csv:6: birth_date: is not a real date") and "2020" not in problems[0]


@pytest.mark.parametrize("value", ["2026-05-01", "yesterday", "2026-05-01T25:00"])
def test_invalid_datetime_is_rejected(loaded, tmp_path, value):
    problems = rejected(loaded, tmp_path, with_row("notes.csv", occurred_at=value))
    only_problem(problems, f'notes.csv:6: occurred_at: "{value}" is not a date and time')


def test_duplicate_primary_key_is_rejected_on_the_second_line(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("notes.csv", note_id="N2"))
    only_problem(problems, "notes.csv:6: note_id: N2 appears twice (first on line 3)")


def test_duplicate_composite_key_is_rejected_on_the_second_line(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("case_members.csv", case_id="C1", person_id="P1", role="child"))
    only_problem(problems, "case_members.csv:6: case_id+person_id: C1, P1 appears twice (first on line 2)")


REFERENCES = [
    ("staff.csv", "unit_id", "unit"), ("cases.csv", "specialist_id", "staff member"),
    ("case_members.csv", "case_id", "case"), ("case_members.csv", "person_id", "person"),
    ("parent_child.csv", "case_id", "case"), ("parent_child.csv", "parent_id", "person"),
    ("parent_child.csv", "child_id", "person"), ("permanency_goals.csv", "case_id", "case"),
    ("permanency_goals.csv", "child_id", "person"), ("placements.csv", "case_id", "case"),
    ("placements.csv", "child_id", "person"), ("notes.csv", "case_id", "case"),
    ("notes.csv", "author_id", "staff member"), ("notes.csv", "locate_for", "person"),
    ("note_contacts.csv", "note_id", "note"), ("note_contacts.csv", "person_id", "person"),
]


@pytest.mark.parametrize("name, column, noun", REFERENCES)
def test_unknown_reference_is_rejected(loaded, tmp_path, name, column, noun):
    problems = rejected(loaded, tmp_path, with_row(name, **{column: "X9"}))
    line = VALID[name].count("\n") + 1
    only_problem(problems, f"{name}:{line}: {column}: unknown {noun} X9; it is neither in ")


# --- rules across columns and files (docs/data.md "Validation") --------------------------------------


def test_case_closed_before_it_opened_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("cases.csv", opened_on="2026-02-01", closed_on="2026-01-03"))
    only_problem(problems, "cases.csv:4: closed_on: 2026-01-03 is before opened_on 2026-02-01")


def test_member_who_left_before_joining_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("case_members.csv", joined_on="2026-03-01", left_on="2026-02-01"))
    only_problem(problems, "case_members.csv:6: left_on: 2026-02-01 is before joined_on 2026-03-01")


def test_member_who_left_before_the_case_opened_is_rejected_when_joined_on_is_blank(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("case_members.csv", left_on="2026-01-15"))
    only_problem(problems, "case_members.csv:6: left_on: 2026-01-15 is before case C2's opened_on 2026-02-01")


def test_placement_that_ended_before_it_started_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("placements.csv", end_on="2026-01-31"))
    only_problem(problems, "placements.csv:4: end_on: 2026-01-31 is before start_on 2026-02-01")


def test_person_deceased_before_birth_is_rejected_without_dates(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("people.csv", deceased_on="2019-12-31"))
    message = only_problem(problems, "people.csv:6: deceased_on: is before the person's birth_date")
    assert "2020" not in message and "2019" not in message and "Zoe" not in message


def test_note_dated_in_the_future_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("notes.csv", occurred_at="2026-06-01T12:01"))
    only_problem(problems, "notes.csv:6: occurred_at: 2026-06-01T12:01 is in the future (the import runs at "
                           "2026-06-01T12:00-07:00)")


def test_note_at_exactly_now_is_not_in_the_future(db, tmp_path):
    import_directory(db, write_files(tmp_path / "in", with_row("notes.csv", occurred_at="2026-06-01T19:00Z")), now=NOW)
    assert db["notes"].get("N5")["occurred_at"] == "2026-06-01T12:00:00-07:00"


def test_note_before_the_case_opened_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("notes.csv", occurred_at="2026-01-04T23:59"))
    only_problem(problems, "notes.csv:6: occurred_at: 2026-01-04 is before case C1 opened on 2026-01-05")


def test_note_after_the_case_closed_is_rejected(loaded, tmp_path):
    # 2026-04-01T07:00Z is 2026-04-01T00:00 in Phoenix: the day after C2 closed.
    problems = rejected(loaded, tmp_path, with_row("notes.csv", case_id="C2", occurred_at="2026-04-01T07:00Z"))
    only_problem(problems, "notes.csv:6: occurred_at: 2026-04-01 is after case C2 closed on 2026-03-31")


def test_contact_before_the_persons_birth_is_rejected_without_the_birth_date(loaded, tmp_path):
    files = with_row("people.csv", birth_date="2026-03-01")  # P5, born after note N1 (2026-02-10)
    files = with_row("note_contacts.csv", files, person_id="P5")
    problems = rejected(loaded, tmp_path, files)
    message = only_problem(problems, "note_contacts.csv:5: person_id: note N1 is dated before person P5's birth date")
    assert "2026-03-01" not in message


def test_in_person_note_without_a_location_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("notes.csv", location=""))
    only_problem(problems, "notes.csv:6: location: is empty but the note is in_person")


def test_rights_terminated_on_a_non_parent_is_rejected(loaded, tmp_path):
    files = with_row("case_members.csv", role="spouse_partner", rights_terminated_on="2026-03-01")
    problems = rejected(loaded, tmp_path, files)
    only_problem(problems, "case_members.csv:6: rights_terminated_on: is set but the member's role is spouse_partner")


def test_placement_for_a_non_child_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("placements.csv", case_id="C1", child_id="P2"))
    only_problem(problems, "placements.csv:4: child_id: person P2 is placed but is parent on case C1, not child")


def test_placement_for_a_non_member_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("placements.csv", case_id="C1", child_id="P4"))
    only_problem(problems, "placements.csv:4: child_id: person P4 is not a member of case C1")


def test_permanency_goal_for_a_non_child_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("permanency_goals.csv", case_id="C1", child_id="P3"))
    only_problem(problems, "permanency_goals.csv:4: child_id: person P3 has a permanency goal but is alleged_parent")


def test_parent_child_pair_must_both_be_members_of_the_case(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("parent_child.csv", parent_id="P4", child_id="P1"))
    only_problem(problems, "parent_child.csv:3: parent_id: person P4 is not a member of case C1")


def test_parent_child_pair_of_one_person_is_rejected(loaded, tmp_path):
    problems = rejected(loaded, tmp_path, with_row("parent_child.csv", parent_id="P1", child_id="P1"))
    only_problem(problems, "parent_child.csv:3: child_id: P1 cannot be their own parent")


def test_every_problem_is_reported_in_file_then_line_order(loaded, tmp_path):
    files = with_row("notes.csv", occurred_at="2030-01-01T00:00", method="")
    files = with_row("cases.csv", files, closed_on="2026-01-01")
    files["units.csv"] += "U1,Twice,\n"
    files["zzz.csv"] = "x\n"
    problems = rejected(loaded, tmp_path, files)
    assert [problem.split(": ")[0] + ": " + problem.split(": ")[1] for problem in problems] == [
        "units.csv:3: unit_id",
        "cases.csv:4: closed_on",
        "notes.csv:6: occurred_at",
        "notes.csv:6: method",
        "zzz.csv:1: (file)",
    ]


def test_a_file_skipped_for_its_header_does_not_flood_later_files(loaded, tmp_path):
    files = dict(VALID)
    files["notes.csv"] = files["notes.csv"].replace("note_type", "kind")
    files["note_contacts.csv"] += "N9,P1\n"  # N9 may have been in the unreadable notes.csv: not reported
    problems = rejected(loaded, tmp_path, files)
    assert problems == [
        "notes.csv:1: kind: unknown column; notes.csv has exactly: note_id, case_id, author_id, occurred_at, "
        "note_type, method, location, locate_for, text (optionally placement_id)",
        "notes.csv:1: note_type: missing column; add it to the header (its cells may be empty where optional)",
    ]
