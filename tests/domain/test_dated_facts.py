"""Facts that change over time (docs/policy.md "Facts that change over time", "Which day a fact is
read", "Case transfers"): dated member facts, assignments, per-child rights, and the revised rules
that read them — each on the person's last in-scope day of the month (or the as-of date).

Month 2026-10, as of 2026-11-05 unless a test says otherwise.
"""

from __future__ import annotations

from tests.domain.factories import Scenario, case_row, outcome, row_for

F2F = "monthly_face_to_face"
IN_HOME = "monthly_face_to_face_in_home"


def parent_with_child_in_care(**parent) -> Scenario:
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    return s.parent("P1", of="K1", **parent)


# --- member_periods: a fact holds on its periods' days, the boolean is then ignored -----------------


def test_incarceration_ending_mid_month_is_read_on_the_last_day():
    """Released on the 10th: on the 31st not incarcerated, so a call no longer explains the month."""
    s = parent_with_child_in_care(periods=[("incarcerated", "2026-08-03", 10)])
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "not_seen")


def test_incarceration_beginning_mid_month_explains_the_month_with_a_call():
    s = parent_with_child_in_care(periods=[("incarcerated", 20, None)])
    s.note(25, "written", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "explained", "incarcerated_remote_contact")


def test_a_dated_fact_ignores_the_boolean_of_the_same_name():
    """The member's boolean says incarcerated; their periods say not in October: the periods win."""
    s = parent_with_child_in_care(incarcerated=True, periods=[("incarcerated", "2026-03-01", "2026-06-30")])
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "unmet", "not_seen")


def test_without_periods_the_boolean_holds_for_the_whole_membership():
    s = parent_with_child_in_care(incarcerated=True)
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "explained", "incarcerated_remote_contact")


def test_whereabouts_becoming_known_mid_month_ends_the_locate_rule():
    """Missing until the 12th, found since: on the 31st the parent must be seen; a locate effort no
    longer explains the month."""
    s = parent_with_child_in_care(periods=[("whereabouts_unknown", "2026-07-01", 12)])
    s.locate_effort(6, "P1")

    row = row_for(s.evaluate(), "P1")
    assert outcome(row) == (F2F, "unmet", "not_seen")
    assert row.whereabouts == "known"


def test_whereabouts_becoming_unknown_mid_month_asks_for_locate_efforts():
    s = parent_with_child_in_care(periods=[("whereabouts_unknown", 15, None)])

    row = row_for(s.evaluate(), "P1")
    assert outcome(row) == (F2F, "unmet", "whereabouts_unknown_no_locate_efforts")
    assert row.whereabouts == "unknown"


def test_in_person_contact_flag_only_on_days_the_whereabouts_are_unknown():
    s = parent_with_child_in_care(periods=[("whereabouts_unknown", 15, None)])
    s.seen(10, "P1")
    assert "in_person_while_whereabouts_unknown" not in row_for(s.evaluate(), "P1").flags

    s.seen(20, "P1")
    assert "in_person_while_whereabouts_unknown" in row_for(s.evaluate(), "P1").flags


def test_parent_moving_out_mid_month_is_seen_anywhere_not_in_the_home():
    """Resided until the 9th: on the 31st not in the home, so seen at the office meets the month."""
    s = Scenario().case("C1", "dependency").child("K1").place("K1", "in_home")
    s.parent("P1", of="K1", periods=[("resides_in_home", "2026-01-05", 9)])
    s.seen(20, "P1", location="office")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "met", "seen_in_person")


def test_parent_moving_in_mid_month_is_seen_in_the_home():
    s = Scenario().case("C1", "dependency").child("K1").place("K1", "in_home")
    s.parent("P1", of="K1", periods=[("resides_in_home", 20, None)])
    s.seen(25, "P1", location="office")

    assert outcome(row_for(s.evaluate(), "P1")) == (IN_HOME, "unmet", "seen_not_in_home")


def test_a_fact_is_read_on_the_last_in_scope_day_not_the_month_end():
    """The parent left the case on the 12th while still incarcerated (released on the 20th): the
    fact is read on the 12th."""
    s = parent_with_child_in_care(left_on=12, periods=[("incarcerated", "2026-08-01", 20)])
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "explained", "incarcerated_remote_contact")


def test_a_month_in_progress_reads_facts_on_the_as_of_day():
    s = Scenario(as_of=10).case("C1", "dependency").child("K1").place("K1", "foster_home")
    s.parent("P1", of="K1", periods=[("incarcerated", 20, None)])
    s.note(5, "phone", "P1")

    assert outcome(row_for(s.evaluate(), "P1")) == (F2F, "due", "not_seen")


def test_voluntary_parent_who_moved_out_is_not_in_the_household():
    s = Scenario().case("C1", "voluntary").child("K1", resides=True)
    s.parent("P1", periods=[("resides_in_home", "2026-01-05", 15)])

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "not_in_household")


# --- case transfers: a row belongs to the specialist assigned on its day ------------------------


def test_transfer_mid_month_credits_the_month_to_the_new_specialist():
    s = Scenario().case("C1", "dependency", specialist_id="S2").child("K1").place("K1", "foster_home")
    s.assign("S1", "2026-01-05", 14).assign("S2", 15, unit_id="U2")

    row = row_for(s.evaluate(), "K1")
    assert (row.specialist_id, row.unit_id) == ("S2", "U2")


def test_a_person_who_left_before_the_transfer_stays_with_the_old_specialist():
    s = Scenario().case("C1", "dependency", specialist_id="S2")
    s.child("K1").place("K1", "foster_home").child("K2", left_on=10).place("K2", "foster_home")
    s.assign("S1", "2026-01-05", 14).assign("S2", 15)

    rows = s.evaluate()
    assert row_for(rows, "K1").specialist_id == "S2"
    assert row_for(rows, "K2").specialist_id == "S1"
    assert [r.specialist_id for r in rows] == sorted(r.specialist_id for r in rows)  # rows stay in order


def test_transfer_after_the_as_of_day_leaves_the_month_in_progress_with_the_first_specialist():
    s = Scenario(as_of=10).case("C1", "dependency", specialist_id="S2").child("K1").place("K1", "foster_home")
    s.assign("S1", "2026-01-05", 20).assign("S2", 21)

    assert row_for(s.evaluate(), "K1").specialist_id == "S1"


def test_a_day_no_assignment_covers_falls_back_to_the_case_specialist():
    s = Scenario().case("C1", "dependency", specialist_id="S9").child("K1").place("K1", "foster_home")
    s.assign("S1", "2026-01-05", 20)

    assert row_for(s.evaluate(), "K1").specialist_id == "S9"


def test_the_investigation_home_visit_row_follows_the_transfer():
    s = Scenario().case("C1", "investigation", opened_on="2026-10-01", specialist_id="S2")
    s.child("K1", victim=True).assign("S1", 1, 9).assign("S2", 10)

    assert case_row(s.evaluate()).specialist_id == "S2"


# --- rights per child ---------------------------------------------------------------------------


def test_rights_ended_to_one_child_but_not_the_other_keep_the_parent_required():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "adoption")
    s.child("K2").place("K2", "foster_home").goal("K2", "reunification")
    s.parent("P1", of=["K1", "K2"], rights_to={"K1": "2026-07-01"})

    row = row_for(s.evaluate(), "P1")
    assert outcome(row) == (F2F, "unmet", "not_seen")
    assert row.rights == "intact"


def test_a_child_whose_rights_ended_does_not_decide_the_goal_class():
    """Rights to the reunification child ended: only the adoption child counts → contact plan."""
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").goal("K1", "reunification")
    s.child("K2").place("K2", "foster_home").goal("K2", "adoption")
    s.parent("P1", of=["K1", "K2"], rights_to={"K1": "2026-07-01"})

    assert outcome(row_for(s.evaluate(), "P1")) == ("contact_plan", "unmet", "no_contact_plan")


def test_rights_ended_to_every_linked_child_is_not_required():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").child("K2").place("K2", "foster_home")
    s.parent("P1", of=["K1", "K2"], rights_to={"K1": "2026-07-01", "K2": 20})

    row = row_for(s.evaluate(), "P1")
    assert outcome(row) == ("none", "not_required", "rights_terminated")
    assert row.rights == "terminated"


def test_the_members_own_date_ends_the_rights_to_every_child_when_earlier():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home").child("K2").place("K2", "foster_home")
    s.parent("P1", of=["K1", "K2"], rights_to={"K1": "2027-01-01"}, rights_terminated_on=3)

    assert outcome(row_for(s.evaluate(), "P1")) == ("none", "not_required", "rights_terminated")


# --- out of state, runaway ----------------------------------------------------------------------


def test_a_call_to_the_out_of_state_placement_meets_the_month():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "out_of_state", placement_id="PL-AZ")
    s.note(12, "phone", (), placement="PL-AZ")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "met", "out_of_state_phone")


def test_a_call_to_the_placement_before_the_child_moved_there_does_not_count():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home", end=14).place("K1", "out_of_state", start=15, placement_id="PL-AZ")
    s.note(10, "phone", (), placement="PL-AZ")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_a_written_note_to_the_out_of_state_placement_is_not_a_call():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "out_of_state", placement_id="PL-AZ")
    s.note(12, "written", (), placement="PL-AZ")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_runaway_locate_effort_before_the_runaway_began_does_not_count():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "foster_home", end=19).place("K1", "runaway", start=20)
    s.locate_effort(12, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "runaway_no_locate_efforts")
    s.locate_effort(22, "K1")
    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "explained", "runaway_locate_efforts")


def test_child_back_from_runaway_before_the_month_ends_must_be_seen():
    s = Scenario().case("C1", "dependency")
    s.child("K1").place("K1", "runaway", end=12).place("K1", "foster_home", start=13)
    s.locate_effort(5, "K1")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


# --- out-of-home care on any case type; investigations ------------------------------------------


def test_child_in_foster_care_on_an_investigation_is_seen_monthly_instead_of_interviewed():
    s = Scenario().case("C1", "investigation", opened_on="2026-09-20")
    s.child("K1", victim=True).place("K1", "shelter", start="2026-09-25")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_child_in_out_of_home_care_on_a_voluntary_case_is_seen_monthly():
    s = Scenario().case("C1", "voluntary").child("K1").place("K1", "kinship")

    assert outcome(row_for(s.evaluate(), "K1")) == (F2F, "unmet", "not_seen")


def test_home_visit_listing_nobody_is_not_a_home_visit():
    s = Scenario().case("C1", "investigation", opened_on="2026-10-01").child("K1", victim=True)
    s.note(3, "in_person", (), location="home")
    assert outcome(case_row(s.evaluate())) == ("home_visit", "due", "no_home_visit")

    s.seen(4, "K1", location="home")
    assert outcome(case_row(s.evaluate())) == ("home_visit", "met", "home_visited")


def test_investigation_closed_before_the_as_of_day_of_a_month_in_progress_stays_unmet():
    s = Scenario(as_of=20).case("C1", "investigation", opened_on="2026-10-01", closed_on=15)
    s.child("K1", victim=True)

    rows = s.evaluate()
    assert outcome(row_for(rows, "K1")) == ("investigation_interview", "unmet", "not_interviewed")
    assert outcome(case_row(rows)) == ("home_visit", "unmet", "no_home_visit")


def test_investigation_closing_after_the_as_of_day_is_still_due():
    s = Scenario(as_of=10).case("C1", "investigation", opened_on="2026-10-01", closed_on=15)
    s.child("K1", victim=True)

    assert outcome(row_for(s.evaluate(), "K1")) == ("investigation_interview", "due", "not_interviewed")
