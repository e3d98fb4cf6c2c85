"""docs/policy.md "Requirements": the investigation case (not monthly; met once for the whole investigation).

"children who are alleged victims or reside in the home →
investigation_interview; parents/alleged parents who are alleged perpetrators or
reside in the home, and every spouse_partner → investigation_interview; other
members not_required. Plus one case-level row (person_id null) home_visit: an
in-person note at location home since the case opened. Met once an in-person
contact exists from opened_on to the end of M (and ≤ A). When the status order
ends in unmet and the case is still open at the end of M, the row is due (the
investigation is not over); closed by then → unmet. An adult interviewed only by
phone/video → explained (remote_interview)."

Rule 7: "a case-level staffing note (no person) explains the case-level
home_visit row." Month 2026-10, as of 2026-11-05.
"""

from __future__ import annotations

import pytest

from staffing_tui.domain.enums import CaseType
from tests.domain.factories import Scenario, case_row, has_row, outcome, row_for

INTERVIEW_DUE = ("investigation_interview", "due", "not_interviewed")
INTERVIEW_UNMET = ("investigation_interview", "unmet", "not_interviewed")
INTERVIEWED = ("investigation_interview", "met", "interviewed")
REMOTE = ("investigation_interview", "explained", "remote_interview")
NONE = ("none", "not_required", "no_requirement")


def investigation(opened_on="2026-09-20", closed_on=None, as_of=None) -> Scenario:
    return Scenario(as_of=as_of).case("C1", "investigation", opened_on=opened_on, closed_on=closed_on)


# ------------------------------------------------------------- who is interviewed


def test_alleged_victim_child_must_be_interviewed():
    s = investigation().child("K1", victim=True)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_child_residing_in_home_must_be_interviewed():
    s = investigation().child("K1", resides=True)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_child_neither_victim_nor_residing_has_no_requirement():
    s = investigation().child("K1", victim=False, resides=False)

    assert outcome(row_for(s.evaluate(), "K1")) == NONE


@pytest.mark.parametrize("role", ["parent", "alleged_parent"])
def test_alleged_perpetrator_parent_must_be_interviewed(role):
    s = investigation().member("P1", role, perpetrator=True, resides=False)

    assert outcome(row_for(s.evaluate(), "P1")) == INTERVIEW_DUE


@pytest.mark.parametrize("role", ["parent", "alleged_parent"])
def test_parent_residing_in_home_must_be_interviewed(role):
    s = investigation().member("P1", role, resides=True)

    assert outcome(row_for(s.evaluate(), "P1")) == INTERVIEW_DUE


@pytest.mark.parametrize("role", ["parent", "alleged_parent"])
def test_parent_neither_perpetrator_nor_residing_has_no_requirement(role):
    s = investigation().member("P1", role)

    assert outcome(row_for(s.evaluate(), "P1")) == NONE


def test_every_spouse_partner_must_be_interviewed():
    s = investigation().spouse_partner("A1", resides=False, perpetrator=False)

    assert outcome(row_for(s.evaluate(), "A1")) == INTERVIEW_DUE


@pytest.mark.parametrize("flags", [{}, {"resides": True}])
def test_other_adult_has_no_requirement(flags):
    s = investigation().other_adult("A1", **flags)

    assert outcome(row_for(s.evaluate(), "A1")) == NONE


# -------------------------------------------------------------- interviews


@pytest.mark.parametrize("location", ["school", "home", "office"])
def test_child_interviewed_in_person_is_met_interviewed(location):
    s = investigation().child("K1", victim=True)
    s.seen(8, "K1", location=location)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEWED


def test_interview_in_an_earlier_month_since_opening_is_met():
    s = investigation(opened_on="2026-08-20").child("K1", victim=True)
    s.seen("2026-09-02", "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEWED


def test_interview_on_the_opening_day_counts():
    s = investigation(opened_on="2026-09-20").child("K1", victim=True)
    s.seen("2026-09-20", "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEWED


def test_interview_after_the_month_does_not_count():
    s = investigation(as_of="2026-11-20").child("K1", victim=True)
    s.seen("2026-11-02", "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_interview_after_as_of_does_not_count():
    s = investigation(as_of=10).child("K1", victim=True)
    s.seen(12, "K1", location="school")

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_other_adult_who_is_an_alleged_perpetrator_is_interviewed():
    s = investigation().other_adult("A1", perpetrator=True)

    assert outcome(row_for(s.evaluate(), "A1")) == INTERVIEW_DUE
    s.seen(5, "A1", location="office")
    assert outcome(row_for(s.evaluate(), "A1")) == ("investigation_interview", "met", "interviewed")


def test_interview_on_another_case_of_the_child_counts():
    """Contacts count on every case of the person: an in-person contact on the child's dependency
    case interviews the child for the investigation too."""
    s = investigation().child("K1", victim=True)
    s.case("C2", "dependency").child("K1").place("K1", "foster_home", case="C2")
    s.seen(8, "K1", case="C2")

    assert outcome(row_for(s.evaluate(), "K1", "C1")) == ("investigation_interview", "met", "interviewed")


@pytest.mark.parametrize("method", ["phone", "video"])
def test_adult_interviewed_only_by_phone_or_video_is_explained_remote_interview(method):
    s = investigation().parent("P1", perpetrator=True)
    s.note(8, method, "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == REMOTE


def test_spouse_partner_remote_interview_in_an_earlier_month_counts():
    s = investigation().spouse_partner("A1")
    s.note("2026-09-25", "phone", "A1")

    assert outcome(row_for(s.evaluate(), "A1")) == REMOTE


def test_adult_written_contact_is_not_a_remote_interview():
    s = investigation().parent("P1", resides=True)
    s.note(8, "written", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == INTERVIEW_DUE


@pytest.mark.parametrize("method", ["phone", "video"])
def test_child_interviewed_by_phone_or_video_is_not_explained(method):
    """remote_interview is for adults only."""
    s = investigation().child("K1", victim=True)
    s.note(8, method, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_adult_interviewed_by_phone_and_in_person_is_met_interviewed():
    s = investigation().parent("P1", perpetrator=True)
    s.note(3, "phone", "P1").seen(9, "P1", location="office")

    assert outcome(row_for(s.evaluate(), "P1")) == INTERVIEWED


# ------------------------------------------------------ due while open, unmet when closed


def test_unmet_interview_is_due_while_the_case_is_open_at_end_of_month():
    """Due because the investigation is not over, not because the month is in
    progress: October is long past (as of January), the case is still open."""
    s = investigation(as_of="2027-01-15").child("K1", victim=True).spouse_partner("A1")

    rows = s.evaluate()

    assert outcome(row_for(rows, "K1")) == INTERVIEW_DUE
    assert outcome(row_for(rows, "A1")) == INTERVIEW_DUE
    assert outcome(case_row(rows)) == ("home_visit", "due", "no_home_visit")


def test_unmet_interview_is_unmet_when_the_case_closed_during_the_month():
    s = investigation(closed_on=20).child("K1", victim=True)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_UNMET


def test_case_closed_on_last_day_of_month_is_still_open_at_end_of_month():
    """End dates are inclusive: a case is open on its closed_on day, so a case
    closed on the 31st is open at the end of M → due."""
    s = investigation(closed_on=31).child("K1", victim=True)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_case_closed_after_the_month_is_due_for_that_month():
    s = investigation(closed_on="2026-11-03").child("K1", victim=True)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_investigation_opened_mid_month_is_not_a_partial_month():
    """The investigation requirement is not monthly, so partial_month never applies."""
    s = investigation(opened_on=15).child("K1", victim=True)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_investigation_closed_mid_month_unmet_is_not_a_partial_month():
    s = investigation(closed_on=10).spouse_partner("A1")

    assert outcome(row_for(s.evaluate(), "A1")) == INTERVIEW_UNMET


def test_closed_investigation_with_phone_interview_of_adult_is_explained():
    s = investigation(closed_on=20).parent("P1", perpetrator=True)
    s.note(8, "video", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == REMOTE


# ------------------------------------------------------------- case-level home visit


def test_investigation_has_one_case_level_home_visit_row():
    s = investigation().child("K1", victim=True)

    rows = s.evaluate()
    row = case_row(rows, "C1")

    assert outcome(row) == ("home_visit", "due", "no_home_visit")
    assert row.role is None
    assert row.case_type is CaseType.INVESTIGATION
    assert row.specialist_id == "S1"
    assert row.unit_id == "U1"


def test_in_person_note_at_home_is_met_home_visited():
    s = investigation().child("K1", victim=True)
    s.seen(8, "K1", location="home")

    assert outcome(case_row(s.evaluate())) == ("home_visit", "met", "home_visited")


def test_home_visit_in_an_earlier_month_since_opening_counts():
    s = investigation(opened_on="2026-08-20").child("K1", victim=True)
    s.seen("2026-08-21", "K1", location="home")

    assert outcome(case_row(s.evaluate())) == ("home_visit", "met", "home_visited")


@pytest.mark.parametrize("location", ["school", "office", "placement", "community"])
def test_in_person_note_elsewhere_is_no_home_visit(location):
    s = investigation().child("K1", victim=True)
    s.seen(8, "K1", location=location)

    rows = s.evaluate()

    assert outcome(case_row(rows)) == ("home_visit", "due", "no_home_visit")
    assert outcome(row_for(rows, "K1")) == INTERVIEWED


def test_video_call_from_home_is_no_home_visit():
    s = investigation().parent("P1", resides=True)
    s.note(8, "video", "P1", location="home")

    assert outcome(case_row(s.evaluate())) == ("home_visit", "due", "no_home_visit")


def test_home_visit_after_the_month_does_not_count():
    s = investigation(as_of="2026-11-20").child("K1", victim=True)
    s.seen("2026-11-02", "K1", location="home")

    assert outcome(case_row(s.evaluate())) == ("home_visit", "due", "no_home_visit")


def test_home_visit_on_another_case_does_not_count():
    s = investigation().child("K1", victim=True)
    s.case("C2", "dependency").child("K1")
    s.seen(8, "K1", location="home", case="C2")

    assert outcome(case_row(s.evaluate(), "C1")) == ("home_visit", "due", "no_home_visit")


def test_no_home_visit_in_a_closed_investigation_is_unmet():
    s = investigation(closed_on=20).child("K1", victim=True)

    assert outcome(case_row(s.evaluate())) == ("home_visit", "unmet", "no_home_visit")


def test_case_level_staffing_note_explains_the_home_visit():
    s = investigation().child("K1", victim=True)
    s.staffing_note(None)

    assert outcome(case_row(s.evaluate())) == ("home_visit", "explained", "staffing_reason")


def test_case_level_staffing_note_for_another_month_does_not_explain_the_home_visit():
    s = investigation().child("K1", victim=True)
    s.staffing_note(None, month=-1)

    assert outcome(case_row(s.evaluate())) == ("home_visit", "due", "no_home_visit")


def test_case_level_staffing_note_does_not_explain_person_rows():
    """Reading: rule 7 names two things — a note for (case, person, M) explains
    that person; a case-level note explains the case-level home_visit row only."""
    s = investigation().child("K1", victim=True)
    s.staffing_note(None)

    assert outcome(row_for(s.evaluate(), "K1")) == INTERVIEW_DUE


def test_person_staffing_note_explains_a_missing_interview():
    s = investigation().child("K1", victim=True)
    s.staffing_note("K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (
        "investigation_interview",
        "explained",
        "staffing_reason",
    )


def test_person_staffing_note_does_not_explain_the_home_visit():
    s = investigation().child("K1", victim=True)
    s.staffing_note("K1")

    assert outcome(case_row(s.evaluate())) == ("home_visit", "due", "no_home_visit")


def test_investigation_closed_before_the_month_has_no_case_level_row():
    s = investigation(opened_on="2026-08-01", closed_on="2026-09-30").child("K1", victim=True)

    rows = s.evaluate()

    assert rows == []
    assert not has_row(rows, None)


def test_dependency_and_voluntary_cases_have_no_case_level_row():
    s = Scenario()
    s.case("C1", "dependency").child("K1").place("K1", "foster_home")
    s.case("C2", "voluntary").child("K2", resides=True)

    assert [r for r in s.evaluate() if r.person_id is None] == []
