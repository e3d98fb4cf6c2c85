"""docs/policy.md "Who is in scope": who gets a row for case C in month M.

"A person is in scope for case C in M when C is open on some day of M, the
person is a member on that day and alive." End dates are inclusive;
`deceased_on` is the first day no longer alive; days before `birth_date` are out
of scope. An out-of-scope person has no row at all.

Every scenario: month 2026-10, as of 2026-11-05, a dependency case opened long
before unless the test says otherwise; the child is in foster care all month so
the requirement is the plain `monthly_face_to_face`.
"""

from __future__ import annotations

from tests.domain.factories import Scenario, has_row, outcome, row_for

UNMET_NOT_SEEN = ("monthly_face_to_face", "unmet", "not_seen")
PARTIAL = ("monthly_face_to_face", "not_required", "partial_month")


def fostered_child(s: Scenario, child_id: str = "K1", **member) -> Scenario:
    return s.child(child_id, **member).place(child_id, "foster_home")


def test_case_opened_on_last_day_of_month_brings_members_in_scope():
    s = Scenario().case("C1", opened_on=31)
    s.child("K1").place("K1", "foster_home", start=31)

    assert outcome(row_for(s.evaluate(), "K1")) == PARTIAL


def test_case_opened_after_the_month_gives_no_rows():
    s = Scenario().case("C1", opened_on="2026-11-01")
    fostered_child(s)

    assert s.evaluate() == []


def test_case_closed_before_the_month_gives_no_rows():
    s = Scenario().case("C1", closed_on="2026-09-30")
    fostered_child(s)

    assert s.evaluate() == []


def test_case_is_open_on_its_closed_on_day():
    s = Scenario().case("C1", closed_on=1)
    fostered_child(s)

    assert outcome(row_for(s.evaluate(), "K1")) == PARTIAL


def test_case_closed_on_last_day_of_month_is_open_every_day():
    s = Scenario().case("C1", closed_on=31)
    fostered_child(s)

    assert outcome(row_for(s.evaluate(), "K1")) == UNMET_NOT_SEEN


def test_member_who_left_before_the_month_gives_no_row():
    s = Scenario().case("C1")
    fostered_child(s, "K1", left_on="2026-09-30")
    fostered_child(s, "K2")

    rows = s.evaluate()

    assert not has_row(rows, "K1")
    assert outcome(row_for(rows, "K2")) == UNMET_NOT_SEEN


def test_member_is_on_the_case_on_its_left_on_day():
    s = Scenario().case("C1")
    fostered_child(s, "K1", left_on=1)

    assert outcome(row_for(s.evaluate(), "K1")) == PARTIAL


def test_member_who_joined_after_the_month_gives_no_row():
    s = Scenario().case("C1")
    fostered_child(s, "K1", joined_on="2026-11-01")
    fostered_child(s, "K2")

    rows = s.evaluate()

    assert not has_row(rows, "K1")
    assert has_row(rows, "K2")


def test_member_who_joined_mid_month_has_a_partial_month():
    s = Scenario().case("C1")
    fostered_child(s, "K1", joined_on=10)

    assert outcome(row_for(s.evaluate(), "K1")) == PARTIAL


def test_member_joined_on_the_case_opening_is_on_the_case_every_day():
    """Missing `joined_on` = the case's `opened_on`; the store resolves it, so
    the facts carry joined_on == opened_on and the month is full."""
    s = Scenario().case("C1", opened_on="2026-09-01")
    fostered_child(s, "K1", joined_on="2026-09-01")

    assert outcome(row_for(s.evaluate(), "K1")) == UNMET_NOT_SEEN


def test_person_deceased_on_first_day_of_month_gives_no_row():
    """`deceased_on` is the first day the person is no longer alive."""
    s = Scenario().case("C1")
    fostered_child(s, "K1", deceased_on=1)
    fostered_child(s, "K2")

    rows = s.evaluate()

    assert not has_row(rows, "K1")
    assert has_row(rows, "K2")


def test_person_deceased_on_second_day_is_in_scope_for_a_partial_month():
    s = Scenario().case("C1")
    fostered_child(s, "K1", deceased_on=2)

    assert outcome(row_for(s.evaluate(), "K1")) == PARTIAL


def test_person_deceased_after_the_month_is_alive_every_day():
    s = Scenario().case("C1")
    fostered_child(s, "K1", deceased_on="2026-11-01")

    assert outcome(row_for(s.evaluate(), "K1")) == UNMET_NOT_SEEN


def test_child_born_after_the_month_gives_no_row():
    s = Scenario().case("C1")
    s.child("K1", birth_date="2026-11-03").place("K1", "foster_home", start="2026-11-03")
    fostered_child(s, "K2")

    rows = s.evaluate()

    assert not has_row(rows, "K1")
    assert has_row(rows, "K2")


def test_child_born_mid_month_has_a_partial_month():
    """Days before a person's `birth_date` are out of scope."""
    s = Scenario().case("C1")
    s.child("K1", birth_date=15).place("K1", "foster_home", start=15)

    assert outcome(row_for(s.evaluate(), "K1")) == PARTIAL


def test_child_born_on_first_day_of_month_has_a_full_month():
    s = Scenario().case("C1")
    s.child("K1", birth_date=1).place("K1", "foster_home", start=1)

    assert outcome(row_for(s.evaluate(), "K1")) == UNMET_NOT_SEEN


def test_person_on_two_cases_gets_one_row_per_case():
    s = Scenario()
    s.case("C1")
    fostered_child(s, "K1")
    s.case("C2")
    fostered_child(s, "K1")

    rows = s.evaluate()

    assert sorted(r.case_id for r in rows if r.person_id == "K1") == ["C1", "C2"]


def test_each_in_scope_member_gets_exactly_one_row():
    s = Scenario().case("C1")
    fostered_child(s, "K1")
    s.parent("P1", of="K1")
    s.other_adult("A1")
    fostered_child(s, "K9", left_on="2026-08-31")  # out of scope

    rows = s.evaluate()

    assert sorted(r.person_id for r in rows) == ["A1", "K1", "P1"]
