"""The rules of docs/policy.md as the store applies them: note times, the default as-of date,
last_seen / last_contact.

The domain tests hand the engine ready-made facts; these go through the
database (tests/builders.py `small_database`, October 2026 as of 2026-11-10),
where note times are text — local time in the database zone with its offset
(`2026-10-05T14:30:00-07:00`, docs/data.md "Note times") —
and the as-of date comes from `meta` or the clock.
"""

from __future__ import annotations

from datetime import date

import pendulum
import pytest

from staffing_tui.domain.enums import Reason, Status
from staffing_tui.domain.months import Month
from staffing_tui.store.connection import default_as_of, timezone_of
from staffing_tui.store.evaluation import month_report
from staffing_tui.store.month_cache import MONTH_CACHE
from tests.builders import member, small_database

OCTOBER = Month(2026, 10)
NOVEMBER = Month(2026, 11)


@pytest.fixture(autouse=True)
def empty_cache():
    MONTH_CACHE.clear()
    yield
    MONTH_CACHE.clear()


def row_of(report, person_id, case_id):
    found = [r for r in report.rows if r.person_id == person_id and r.case_id == case_id]
    assert len(found) == 1, found
    return found[0]


def add_note(db, note_id, case_id, occurred_at, method, location, *people, author="S1", note_type="contact"):
    db["notes"].insert({"note_id": note_id, "case_id": case_id, "author_id": author, "occurred_at": occurred_at,
                        "note_type": note_type, "method": method, "location": location})
    db["note_contacts"].insert_all([{"note_id": note_id, "person_id": p} for p in people])


def test_a_note_late_on_the_last_evening_local_time_counts_for_that_month(tmp_path):
    """"Evaluate month M (calendar month in the database time zone)": 22:30 on
    October 31 in Phoenix is already November 1 in UTC, and still October."""
    db = small_database(tmp_path / "late.db")
    assert timezone_of(db) == "America/Phoenix"
    assert row_of(month_report(db, OCTOBER), "K2", "C2").status is Status.UNMET  # only seen at the office
    MONTH_CACHE.clear()
    with db.atomic():
        add_note(db, "N9", "C2", "2026-10-31T22:30:00-07:00", "in_person", "home", "K2", note_type="home_visit")

    october = row_of(month_report(db, OCTOBER), "K2", "C2")
    assert (october.status, october.reason) == (Status.MET, Reason.SEEN_IN_HOME)
    assert october.last_seen == date(2026, 10, 31)

    november = row_of(month_report(db, NOVEMBER, date(2026, 11, 30)), "K2", "C2")
    assert november.status is not Status.MET
    assert (november.status, november.reason) == (Status.DUE, Reason.NOT_SEEN)  # Nov 30 is inside November


def test_as_of_defaults_to_meta_as_of(tmp_path):
    db = small_database(tmp_path / "meta.db")  # meta as_of 2026-11-10

    report = month_report(db, OCTOBER)

    assert report.as_of == date(2026, 11, 10)
    assert not report.in_progress


def test_as_of_defaults_to_today_in_the_database_zone_without_meta(tmp_path, monkeypatch):
    """"default: today" — today where the database is, not in UTC: at 06:00 UTC
    on November 11 it is still 23:00 on November 10 in Phoenix."""
    db = small_database(tmp_path / "today.db", as_of=None)
    assert timezone_of(db) == "America/Phoenix"
    instant = pendulum.datetime(2026, 11, 11, 6, 0, tz="UTC")
    monkeypatch.setattr(pendulum.DateTime, "now",
                        classmethod(lambda cls, tz=None: instant.in_timezone(tz if tz is not None else "UTC")))
    assert pendulum.now("UTC").date() == date(2026, 11, 11)  # the clock really is frozen

    assert default_as_of(db) == date(2026, 11, 10)
    assert month_report(db, OCTOBER).as_of == date(2026, 11, 10)


def test_last_seen_looks_across_cases_and_ignores_notes_after_as_of(tmp_path):
    """"last_seen (latest in-person contact on any case, ≤ A), last_contact (any method)"."""
    db = small_database(tmp_path / "last.db")  # K2 seen in person on C2 on 2026-10-14; as of 2026-11-10
    with db.atomic():
        db["case_members"].insert(member("C3", "K2", "child"))
        add_note(db, "N10", "C3", "2026-10-20T11:00:00-07:00", "in_person", "school", "K2", author="S2")
        add_note(db, "N11", "C3", "2026-11-12T11:00:00-07:00", "in_person", "home", "K2", author="S2")  # after A

    row = row_of(month_report(db, OCTOBER), "K2", "C2")
    assert row.last_seen == date(2026, 10, 20)
    assert row.last_contact == date(2026, 10, 20)
    assert row.status is Status.UNMET  # the other case's visit does not satisfy C2's requirement

    MONTH_CACHE.clear()
    with db.atomic():
        add_note(db, "N12", "C3", "2026-10-25T15:00:00-07:00", "phone", None, "K2", author="S2")

    row = row_of(month_report(db, OCTOBER), "K2", "C2")
    assert row.last_contact == date(2026, 10, 25)
    assert row.last_seen == date(2026, 10, 20)


def test_last_seen_before_the_month_for_someone_only_called_in_it(tmp_path):
    """last_seen is the latest in-person contact ≤ A however long ago: someone only phoned
    in the month was last seen in an earlier month. The whole database answers it newest
    first (the month, then the history of those not seen in it); a unit reads whole histories.
    Both must agree."""
    db = small_database(tmp_path / "history.db")  # as of 2026-11-10
    with db.atomic():
        add_note(db, "N20", "C2", "2026-07-03T10:00:00-07:00", "in_person", "home", "K2")
        add_note(db, "N21", "C2", "2026-08-04T10:00:00-07:00", "phone", None, "K2")
    db.execute("DELETE FROM note_contacts WHERE person_id = 'K2' AND note_id NOT IN ('N20', 'N21')")
    db.conn.commit()
    unit_id = db.execute("SELECT s.unit_id FROM cases c JOIN staff s ON s.staff_id = c.specialist_id "
                         "WHERE c.case_id = 'C2'").fetchone()[0]

    whole = row_of(month_report(db, OCTOBER), "K2", "C2")
    MONTH_CACHE.clear()
    unit = row_of(month_report(db, OCTOBER, unit_id=unit_id), "K2", "C2")

    assert (whole.last_seen, whole.last_contact) == (date(2026, 7, 3), date(2026, 8, 4))
    assert (unit.last_seen, unit.last_contact) == (whole.last_seen, whole.last_contact)
    assert whole.status is Status.UNMET
