"""`contact_times` (schema m012): everyone's contacts by person and time, always equal to the join of
note_contacts and notes it is derived from — after an import, a re-import and any write by hand."""

from __future__ import annotations

from datetime import date

import pytest

from staffing_tui.domain.months import Month
from staffing_tui.store.connection import open_database
from staffing_tui.store.facts import Scope, load_month_facts
from staffing_tui.store.importer import import_directory
from staffing_tui.store.schema import CONTACT_TIMES_FILL
from tests.builders import cli
from tests.store.test_import import NOW, VALID, write_files

JOIN = ("SELECT nc.person_id, n.method = 'in_person', n.occurred_at, n.note_id "
        "FROM note_contacts nc JOIN notes n ON n.note_id = nc.note_id WHERE n.method != 'none'")


def kept(db) -> set[tuple]:
    return set(db.execute("SELECT person_id, in_person, occurred_at, note_id FROM contact_times").fetchall())


def joined(db) -> set[tuple]:
    return set(db.execute(JOIN).fetchall())


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.db", create=True)
    import_directory(database, write_files(tmp_path / "valid", VALID), now=NOW)
    yield database
    database.close()


def test_an_import_into_an_empty_database_fills_it_from_the_join(db):
    assert kept(db) == joined(db)
    # N3 (method none) contacted nobody; N2 was a phone call.
    assert {(person, in_person, note) for person, in_person, _, note in kept(db)} == {
        ("P1", 1, "N1"), ("P2", 0, "N2"), ("P4", 1, "N4")}
    # The fast path filled it and put its trigger back: a later write still follows.
    db.execute("INSERT INTO note_contacts (note_id, person_id) VALUES ('N4', 'P1')")
    assert ("P1", 1, "N4") in {(person, in_person, note) for person, in_person, _, note in kept(db)}


def test_a_reimport_that_changes_notes_and_adds_contacts_keeps_it_equal(db, tmp_path):
    files = dict(VALID)
    files["notes.csv"] = (VALID["notes.csv"]
                          .replace("2026-02-10T10:00,monthly visit,in_person", "2026-02-15T10:00,monthly visit,phone")
                          .replace("home visit,in_person,home", "home visit,video,home"))
    files["note_contacts.csv"] = VALID["note_contacts.csv"] + "N2,P1\n"
    import_directory(db, write_files(tmp_path / "again", files), now=NOW)

    assert kept(db) == joined(db)
    rows = {(person, note): (in_person, at) for person, in_person, at, note in kept(db)}
    assert rows[("P1", "N1")] == (0, "2026-02-15T10:00:00-07:00")  # phoned now, five days later
    assert rows[("P4", "N4")] == (0, "2026-03-31T16:45:00-07:00")  # the closing visit by video: not seen
    assert ("P1", "N2") in rows


def test_every_write_by_hand_keeps_it_equal_to_the_join(db):
    steps = [
        "INSERT INTO notes (note_id, case_id, occurred_at, method) VALUES ('N9', 'C1', '2026-05-01T09:00:00', 'video')",
        "INSERT INTO note_contacts (note_id, person_id) VALUES ('N9', 'P1'), ('N9', 'P2')",
        "UPDATE notes SET occurred_at = '2026-05-02T09:00:00' WHERE note_id = 'N9'",
        "UPDATE notes SET method = 'none' WHERE note_id = 'N9'",
        "UPDATE notes SET method = 'in_person' WHERE note_id = 'N9'",
        "UPDATE notes SET text = 'no change to the contact' WHERE note_id = 'N9'",
        "UPDATE note_contacts SET person_id = 'P3' WHERE note_id = 'N9' AND person_id = 'P2'",
        "DELETE FROM note_contacts WHERE note_id = 'N9' AND person_id = 'P1'",
        "INSERT OR REPLACE INTO notes (note_id, case_id, occurred_at, method) "
        "VALUES ('N9', 'C1', '2026-06-01T09:00:00', 'phone')",
        "INSERT OR REPLACE INTO note_contacts (note_id, person_id) VALUES ('N9', 'P3')",
        "DELETE FROM note_contacts WHERE note_id = 'N9'",
        "DELETE FROM notes WHERE note_id = 'N9'",
    ]
    for sql in steps:
        db.execute(sql)
        assert kept(db) == joined(db), sql
    assert not any(note == "N9" for *_, note in kept(db))


def test_its_fill_rebuilds_it(db):
    before = kept(db)
    db.execute("DELETE FROM contact_times")
    db.execute(CONTACT_TIMES_FILL)
    assert kept(db) == before == joined(db)


def test_last_seen_and_last_contact_read_from_it_stop_at_the_as_of_day(db):
    """last_seen and last_contact, on any case, up to the end of the as-of day (docs/policy.md)."""
    db.execute("INSERT INTO notes (note_id, case_id, occurred_at, method) VALUES ('N8', 'C1', '2026-02-20T09:00:00', 'phone')")
    db.execute("INSERT INTO note_contacts (note_id, person_id) VALUES ('N8', 'P1')")
    february = Month(2026, 2)

    def latest(as_of: date) -> tuple:
        facts = load_month_facts(db, february, as_of, Scope(case_id="C1"))
        return facts.last_seen.get("P1"), facts.last_contact.get("P1")

    assert latest(date(2026, 2, 28)) == (date(2026, 2, 10), date(2026, 2, 20))
    assert latest(date(2026, 2, 19)) == (date(2026, 2, 10), date(2026, 2, 10))
    assert latest(date(2026, 2, 9)) == (None, None)


def test_check_names_a_dropped_trigger_and_what_it_costs(db, tmp_path, capsys):
    db.execute("DROP TRIGGER notes_update_contact_times")
    path = tmp_path / "t.db"
    db.close()

    code, out, err = cli(capsys, "check", "--db", path)

    assert (code, err) == (3, "")
    assert ("triggers: trigger notes_update_contact_times is missing: contact_times no longer follows what is "
            "written to notes, so a report's last seen and last contact may be wrong") in out
