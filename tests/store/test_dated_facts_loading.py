"""The store reads the dated facts (docs/policy.md "Facts that change over time", "Case transfers",
"Which notes count"): a transfer moves rows between units and specialists, contacts on a case
outside the scope still count, and a change dated after a month leaves that month as known then.
"""

from __future__ import annotations

from datetime import date

import pytest

from staffing_tui.domain.months import Month
from staffing_tui.store.agenda import build_agenda
from staffing_tui.store.evaluation import month_report
from staffing_tui.store.month_cache import MONTH_CACHE
from tests.builders import member, small_database

OCTOBER = Month(2026, 10)
AS_OF = date(2026, 11, 10)


@pytest.fixture
def db(tmp_path):
    MONTH_CACHE.clear()
    db = small_database(tmp_path / "dated.db")
    yield db
    db.close()
    MONTH_CACHE.clear()


def outcomes(db, month=OCTOBER, as_of=AS_OF, **scope) -> dict[tuple[str, str | None], tuple]:
    return {(r.case_id, r.person_id): (r.specialist_id, r.unit_id, r.requirement.value, r.status.value,
                                       r.reason.value, r.flags)
            for r in month_report(db, month, as_of, **scope).rows}


def transfer_c2_to_unit_2(db) -> None:
    """C2 (K2) passes from S1 (unit U1) to S2 (unit U2) on 15 October."""
    with db.atomic():
        db["case_assignments"].insert_all([
            {"case_id": "C2", "specialist_id": "S1", "start_on": "2026-02-01", "end_on": "2026-10-14"},
            {"case_id": "C2", "specialist_id": "S2", "start_on": "2026-10-15", "end_on": None},
        ])
        db["cases"].update("C2", {"specialist_id": "S2"})


def test_a_transferred_case_s_month_belongs_to_the_new_unit_and_specialist(db):
    transfer_c2_to_unit_2(db)

    assert outcomes(db)[("C2", "K2")][:2] == ("S2", "U2")
    assert ("C2", "K2") in outcomes(db, unit_id="U2") and ("C2", "K2") in outcomes(db, specialist_id="S2")
    assert ("C2", "K2") not in outcomes(db, unit_id="U1") and ("C2", "K2") not in outcomes(db, specialist_id="S1")


def test_the_months_before_a_transfer_stay_with_the_old_specialist(db):
    transfer_c2_to_unit_2(db)
    september = Month(2026, 9)

    assert ("C2", "K2") in outcomes(db, september, unit_id="U1")
    assert ("C2", "K2") not in outcomes(db, september, specialist_id="S2")


def test_the_agenda_follows_the_transfer(db):
    transfer_c2_to_unit_2(db)

    assert [row.person_id for row in build_agenda(db, "S2", OCTOBER, AS_OF).not_seen] == ["K2"]
    assert "K2" not in [row.person_id for row in build_agenda(db, "S1", OCTOBER, AS_OF).not_seen]


def test_a_contact_on_a_case_outside_the_scope_counts(db):
    """K3 is also a child in foster care on C4 (unit U1); the visit is on C3 (unit U2)."""
    with db.atomic():
        db["cases"].insert({"case_id": "C4", "case_type": "dependency", "specialist_id": "S1",
                            "opened_on": "2026-03-01"})
        db["case_members"].insert(member("C4", "K3", "child"))
        db["placements"].insert({"placement_id": "PL4", "case_id": "C4", "child_id": "K3",
                                 "location_type": "foster_home", "start_on": "2026-03-01"})

    assert outcomes(db, unit_id="U1")[("C4", "K3")][2:5] == ("monthly_face_to_face", "met", "seen_in_person")
    assert outcomes(db)[("C4", "K3")][2:5] == ("monthly_face_to_face", "met", "seen_in_person")


def test_an_investigation_interview_on_another_case_before_the_month_counts(db):
    """Investigation C5 opened in September; K2 was seen on C2 (another case) on 25 September."""
    with db.atomic():
        db["cases"].insert({"case_id": "C5", "case_type": "investigation", "specialist_id": "S2",
                            "opened_on": "2026-09-20"})
        db["case_members"].insert(member("C5", "K2", "child", alleged_victim=1))
        db["notes"].insert({"note_id": "N9", "case_id": "C2", "author_id": "S1",
                            "occurred_at": "2026-09-25T09:00:00-07:00", "note_type": "visit",
                            "method": "in_person", "location": "school"})
        db["note_contacts"].insert({"note_id": "N9", "person_id": "K2"})

    for scope in ({}, {"unit_id": "U2"}, {"specialist_id": "S2"}):
        assert outcomes(db, **scope)[("C5", "K2")][2:5] == ("investigation_interview", "met", "interviewed"), scope


def test_october_as_of_10_november_is_unchanged_by_a_november_member_periods_change(db):
    before = outcomes(db)
    with db.atomic():
        db["member_periods"].insert_all([
            {"case_id": "C1", "person_id": "A1", "fact": "whereabouts_unknown", "start_on": "2026-11-03"},
            {"case_id": "C1", "person_id": "A1", "fact": "incarcerated", "start_on": "2026-11-05",
             "end_on": "2026-11-08"},
        ])

    assert outcomes(db) == before


def test_an_october_member_periods_change_does_change_october(db):
    """The counterpart: the test above can fail — a period inside October is read."""
    before = outcomes(db)
    with db.atomic():
        db["member_periods"].insert(
            {"case_id": "C1", "person_id": "A1", "fact": "whereabouts_unknown", "start_on": "2026-10-01"})

    after = outcomes(db)
    assert "in_person_while_whereabouts_unknown" in after[("C1", "A1")][5]  # seen on the 12th, "missing" since the 1st
    assert after != before


def test_per_child_rights_are_read_from_parent_child(db):
    with db.atomic():
        db["parent_child"].update(("C1", "A1", "K1"), {"rights_terminated_on": "2026-08-01"})

    assert outcomes(db)[("C1", "A1")][2:5] == ("none", "not_required", "rights_terminated")
