"""docs/policy.md "Integrity flags".

"in_person_while_runaway (an in-person contact in M with a child on a day the
placement directory shows runaway), in_person_while_whereabouts_unknown (an
in-person contact in M with a parent marked whereabouts unknown),
duplicate_note (two notes in M with the same case, author, minute and
contact-with set under different note types: on the row of every person in
that set)."
"""

from __future__ import annotations

from staffing_tui.domain.enums import Flag
from tests.domain.factories import Scenario, outcome, row_for

RUNAWAY = Flag.IN_PERSON_WHILE_RUNAWAY
WHEREABOUTS = Flag.IN_PERSON_WHILE_WHEREABOUTS_UNKNOWN
DUPLICATE = Flag.DUPLICATE_NOTE


def flags(row) -> set[Flag]:
    return set(row.flags)


# --------------------------------------------------------------- runaway


def test_in_person_contact_on_a_runaway_day_is_flagged():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway")
    s.seen(10, "K1", location="community")

    row = row_for(s.evaluate(), "K1")

    assert flags(row) == {RUNAWAY}
    assert outcome(row) == ("monthly_face_to_face", "met", "seen_in_person")


def test_in_person_contact_on_a_day_not_on_runaway_is_not_flagged():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway", end=10).place("K1", "foster_home", start=11)
    s.seen(20, "K1")

    assert flags(row_for(s.evaluate(), "K1")) == set()


def test_in_person_contact_on_the_last_runaway_day_is_flagged():
    """The runaway placement is in effect on its end_on day (inclusive)."""
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway", end=10).place("K1", "foster_home", start=11)
    s.seen(10, "K1")

    assert flags(row_for(s.evaluate(), "K1")) == {RUNAWAY}


def test_phone_contact_with_a_runaway_child_is_not_flagged():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway")
    s.note(10, "phone", "K1")

    assert flags(row_for(s.evaluate(), "K1")) == set()


def test_in_person_contact_with_runaway_child_in_previous_month_is_not_flagged():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway", start="2026-09-01")
    s.seen("2026-09-20", "K1", location="community")

    assert flags(row_for(s.evaluate(), "K1")) == set()


# --------------------------------------------------------- whereabouts unknown


def test_in_person_contact_with_whereabouts_unknown_parent_is_flagged():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "reunification")
    s.parent("P1", of="K1", whereabouts_unknown=True)
    s.seen(10, "P1", location="community")

    row = row_for(s.evaluate(), "P1")

    assert flags(row) == {WHEREABOUTS}
    assert outcome(row) == ("monthly_face_to_face", "met", "seen_in_person")


def test_in_person_contact_with_whereabouts_unknown_non_reunification_parent_is_flagged():
    """The flag is about the note, not the requirement: it shows on the
    not_required row too."""
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.parent("P1", of="K1", whereabouts_unknown=True)
    s.seen(10, "P1", location="community")

    row = row_for(s.evaluate(), "P1")

    assert outcome(row) == ("none", "not_required", "whereabouts_unknown")
    assert flags(row) == {WHEREABOUTS}


def test_phone_contact_with_whereabouts_unknown_parent_is_not_flagged():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1", whereabouts_unknown=True)
    s.note(10, "phone", "P1")

    assert flags(row_for(s.evaluate(), "P1")) == set()


def test_in_person_contact_with_parent_whose_whereabouts_are_known_is_not_flagged():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1")
    s.seen(10, "P1", location="office")

    assert flags(row_for(s.evaluate(), "P1")) == set()


# ---------------------------------------------------------------- duplicates


def duplicate_case() -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.child("K2").place("K2", "foster_home")
    s.parent("P1", of=["K1", "K2"])
    return s


def test_duplicate_note_flags_every_person_in_the_contact_set():
    s = duplicate_case()
    s.seen(10, "K1", "P1", note_type="home visit", at="14:05")
    s.seen(10, "K1", "P1", note_type="parent contact", at="14:05")

    rows = s.evaluate()

    assert flags(row_for(rows, "K1")) == {DUPLICATE}
    assert flags(row_for(rows, "P1")) == {DUPLICATE}
    assert flags(row_for(rows, "K2")) == set()


def test_same_note_type_twice_is_not_a_duplicate():
    s = duplicate_case()
    s.seen(10, "K1", "P1", note_type="home visit", at="14:05")
    s.seen(10, "K1", "P1", note_type="home visit", at="14:05")

    rows = s.evaluate()

    assert flags(row_for(rows, "K1")) == set()
    assert flags(row_for(rows, "P1")) == set()


def test_notes_in_different_minutes_are_not_duplicates():
    s = duplicate_case()
    s.seen(10, "K1", "P1", note_type="home visit", at="14:05")
    s.seen(10, "K1", "P1", note_type="parent contact", at="14:06")

    assert flags(row_for(s.evaluate(), "K1")) == set()


def test_notes_by_different_authors_are_not_duplicates():
    s = duplicate_case()
    s.seen(10, "K1", "P1", note_type="home visit", at="14:05", author="S1")
    s.seen(10, "K1", "P1", note_type="parent contact", at="14:05", author="S2")

    assert flags(row_for(s.evaluate(), "K1")) == set()


def test_notes_with_different_contact_sets_are_not_duplicates():
    s = duplicate_case()
    s.seen(10, "K1", "P1", note_type="home visit", at="14:05")
    s.seen(10, "K1", note_type="child contact", at="14:05")

    rows = s.evaluate()

    assert flags(row_for(rows, "K1")) == set()
    assert flags(row_for(rows, "P1")) == set()


def test_notes_on_different_cases_are_not_duplicates():
    s = duplicate_case()
    s.case("C2", "voluntary").child("K1", resides=True)
    s.seen(10, "K1", note_type="home visit", at="14:05", case="C1")
    s.seen(10, "K1", note_type="child contact", at="14:05", case="C2")

    rows = s.evaluate()

    assert flags(row_for(rows, "K1", "C1")) == set()
    assert flags(row_for(rows, "K1", "C2")) == set()


def test_duplicate_notes_in_the_previous_month_are_not_flagged():
    s = duplicate_case()
    s.seen("2026-09-10", "K1", "P1", note_type="home visit", at="14:05")
    s.seen("2026-09-10", "K1", "P1", note_type="parent contact", at="14:05")

    assert flags(row_for(s.evaluate(), "K1")) == set()


def test_duplicate_remote_notes_are_flagged_too():
    s = duplicate_case()
    s.note(10, "phone", "P1", note_type="parent contact", at="09:00")
    s.note(10, "phone", "P1", note_type="case management", at="09:00")

    assert flags(row_for(s.evaluate(), "P1")) == {DUPLICATE}


def test_duplicate_note_still_counts_the_contact():
    s = duplicate_case()
    s.seen(10, "K1", note_type="home visit", at="14:05")
    s.seen(10, "K1", note_type="child contact", at="14:05")

    row = row_for(s.evaluate(), "K1")

    assert outcome(row) == ("monthly_face_to_face", "met", "seen_in_person")
    assert flags(row) == {DUPLICATE}


def test_several_flags_on_one_row():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway")
    s.seen(10, "K1", location="community", note_type="home visit", at="11:11")
    s.seen(10, "K1", location="community", note_type="child contact", at="11:11")

    assert flags(row_for(s.evaluate(), "K1")) == {RUNAWAY, DUPLICATE}


def test_clean_row_has_no_flags():
    s = duplicate_case()
    s.seen(10, "K1", "K2", "P1", location="home")

    rows = s.evaluate()

    assert all(tuple(r.flags) == () for r in rows)
