"""The hand-made sample's families: one scenario case per rule of docs/policy.md "Evaluating a month", and ordinary cases.

Each scenario builds one case whose October and/or November 2026 rows show a
given status, reason or flag; everyone else on the case is visited routinely
(`SampleBuilder.routine_visits`). `tests/test_sample_db.py` checks that the two
reports together show every status, reason and flag. The last scenarios show
what changes within a month (docs/data.md "Files and columns"): a case
transferred to another unit, a parent found, a parent moving out, a stay in
jail, rights ended to one child only, a call to an out-of-state caregiver.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from staffing_tui.domain.enums import CaseType, ExceptionCategory, Goal, Location, LocationType, MemberFact, Method
from staffing_tui.domain.enums import Role, StaffingReasonCode
from staffing_tui.domain.months import Month
from staffing_tui.synth.model import Person, names_of
from staffing_tui.synth.sample_builder import AS_OF, HISTORY_START, MEN, NAMES, NOVEMBER, OCTOBER, SEED, SPECIALISTS
from staffing_tui.synth.sample_builder import TEXTS, UNIT_OF, WOMEN, SampleBuilder, ScriptedCase, d, months_from
from staffing_tui.synth.sample_builder import random_day

def scenario_runaway_with_locate_efforts(b: SampleBuilder) -> None:
    """Teen on runaway since September; calls and searches documented → explained."""
    case, mother, father, kids = b.dependency_family(
        "SP01", d("2025-08-14"), [15, 9], father_role=Role.ALLEGED_PARENT, father_resides=False,
        scenario="runaway youth, locate efforts documented")
    teen, sibling = kids
    case.place([teen, sibling], LocationType.SHELTER, NAMES.shelters[0], d("2025-08-14"), d("2025-08-29"))
    home = b.foster_home()
    case.place([sibling], LocationType.FOSTER_HOME, home, d("2025-08-30"))
    case.place([teen], LocationType.FOSTER_HOME, home, d("2025-08-30"), d("2026-03-10"))
    case.place([teen], LocationType.GROUP_HOME, NAMES.group_homes[1], d("2026-03-11"), d("2026-09-25"))
    case.place([teen], LocationType.RUNAWAY, None, d("2026-09-26"))
    case.manual(teen, Month(2026, 9))
    b.note(case, "2026-09-10 15:30", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, [teen],
           f"Monthly visit with {teen.first_name} at {NAMES.group_homes[1]}. Talked about school and a job search.")
    b.note(case, "2026-09-28 10:00", "locate_effort", Method.NONE, None, [],
           f"Group home reported {teen.first_name} missing on 9/26. Filed a missing-child report with police.",
           locate_for=teen)
    b.note(case, "2026-10-02 11:15", "locate_effort", Method.PHONE, None, [mother],
           f"Called {mother.first_name} to ask whether she has heard from {teen.first_name}; she has not and will call if she does.",
           locate_for=teen)
    b.note(case, "2026-10-16 14:00", "locate_effort", Method.IN_PERSON, Location.COMMUNITY, [],
           f"Checked the park and the friend's address {teen.first_name} named before; not found. Left a card.",
           locate_for=teen)
    b.note(case, "2026-10-30 09:30", "locate_effort", Method.NONE, None, [],
           f"Updated the missing-child report with police; checked the shelter lists. {teen.first_name} not located.",
           locate_for=teen)
    b.note(case, "2026-11-06 13:45", "locate_effort", Method.PHONE, None, [],
           f"Called the school and a friend's family; no contact with {teen.first_name} since September.",
           locate_for=teen)
    b.next_step(case, teen, f"Keep documenting weekly locate efforts for {teen.first_name} (police, school, friends).",
                d("2026-11-30"), "2026-10-21 10:30")


def scenario_runaway_without_locate_efforts(b: SampleBuilder) -> None:
    """Teen on runaway all October with nothing documented → unmet; found in November → met."""
    case, mother, _, kids = b.dependency_family(
        "SP02", d("2025-05-02"), [16], father_role=None, scenario="runaway youth, no locate efforts")
    teen = kids[0]
    case.place([teen], LocationType.GROUP_HOME, NAMES.group_homes[0], d("2025-05-02"), d("2026-09-28"))
    case.place([teen], LocationType.RUNAWAY, None, d("2026-09-29"), d("2026-11-08"))
    case.place([teen], LocationType.SHELTER, NAMES.shelters[1], d("2026-11-09"))
    case.manual(teen, Month(2026, 9))
    b.note(case, "2026-09-09 16:00", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, [teen],
           f"Visited {teen.first_name} at {NAMES.group_homes[0]}. Talked about school attendance and house rules.")
    b.note(case, "2026-11-09 16:15", "placement_visit", Method.IN_PERSON,
           Location.PLACEMENT, [teen],
           f"{teen.first_name} was picked up by police on 11/8 and placed at {NAMES.shelters[1]}. Met with the youth there.")
    b.next_step(case, teen, f"Document locate efforts for {teen.first_name} every week while on runaway.",
                d("2026-10-31"), "2026-10-20 14:00", done_at="2026-11-10 09:00")


def scenario_in_person_while_runaway(b: SampleBuilder) -> None:
    """Seen in person on a day the placement directory shows runaway → flag in_person_while_runaway."""
    case, mother, father, kids = b.dependency_family(
        "SP03", d("2026-01-20"), [14, 11], scenario="seen while the directory shows runaway")
    teen, sibling = kids
    home = b.foster_home()
    case.place([teen, sibling], LocationType.FOSTER_HOME, home, d("2026-01-20"), d("2026-06-30"))
    case.place([sibling], LocationType.FOSTER_HOME, home, d("2026-07-01"))
    case.place([teen], LocationType.GROUP_HOME, NAMES.group_homes[2], d("2026-07-01"), d("2026-10-11"))
    case.place([teen], LocationType.RUNAWAY, None, d("2026-10-12"), d("2026-10-30"))
    case.place([teen], LocationType.GROUP_HOME, NAMES.group_homes[2], d("2026-10-31"))
    case.skip.add((teen, OCTOBER))
    b.note(case, "2026-10-13 09:00", "locate_effort", Method.PHONE, None, [],
           f"Called the group home staff and two friends' families about {teen.first_name}; no one has seen the youth.",
           locate_for=teen)
    b.note(case, "2026-10-20 14:30", "community_contact", Method.IN_PERSON, Location.COMMUNITY, [teen],
           f"Saw {teen.first_name} at the public library. Talked about returning to the group home; the youth declined and left.")
    b.note(case, "2026-10-31 11:00", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, [teen],
           f"{teen.first_name} returned to {NAMES.group_homes[2]} on 10/31. Met with the youth there.")
    b.next_step(case, teen, f"Ask the group home to confirm {teen.first_name}'s runaway dates; the directory "
                "shows runaway on 10/20 when the youth was seen.", d("2026-11-25"), "2026-11-16 10:00")


def scenario_out_of_state(b: SampleBuilder) -> None:
    """Child placed with an aunt in another state; the monthly call → met out_of_state_phone."""
    case, mother, father, kids = b.dependency_family(
        "SP04", d("2025-06-10"), [7], scenario="out-of-state placement, monthly call")
    child = kids[0]
    case.place([child], LocationType.FOSTER_HOME, b.foster_home(), d("2025-06-10"), d("2026-02-13"))
    case.place([child], LocationType.OUT_OF_STATE, f"Paternal aunt ({child.last_name}), Las Cruces NM (ICPC)",
               d("2026-02-14"))
    case.manual(child, Month(2026, 2))

    def call(when: datetime) -> None:
        if (when.year, when.month) == (2026, 6):
            b.note(case, when, "placement_visit", Method.IN_PERSON, Location.PLACEMENT, [child],
                   f"Travelled to Las Cruces for the semi-annual visit with {child.first_name} at the aunt's home.")
            return
        method = Method.VIDEO if when.month % 2 else Method.PHONE
        b.note(case, when, "phone_call", method, None, [child],
               TEXTS.out_of_state[method is Method.VIDEO].format(names=child.first_name))

    b.monthly(case, months_from(Month(2026, 2), NOVEMBER), 8, 15, call)


def scenario_incarcerated_parent(b: SampleBuilder) -> None:
    """Father in prison, reunification goal; a letter each month → explained incarcerated_remote_contact."""
    case, mother, father, kids = b.dependency_family(
        "SP05", d("2025-09-03"), [6, 3], father_resides=False, scenario="incarcerated father, letters")
    case.member(father).incarcerated = True
    case.place(kids, LocationType.KINSHIP, f"Maternal grandmother ({b.person(WOMEN, mother.last_name, 60).name})",
               d("2025-09-03"))

    def letter(when: datetime) -> None:
        if when.month % 3 == 0:
            b.note(case, when, "phone_call", Method.PHONE, None, [father],
                   f"Phone call with {father.first_name}, arranged through the prison counselor. Shared photos and school news.")
        else:
            b.note(case, when, "correspondence", Method.WRITTEN, None, [father],
                   f"Mailed a letter to {father.first_name} at the state prison with a case plan update and the children's drawings.")

    b.monthly(case, months_from(HISTORY_START, OCTOBER), 6, 10, letter)


def scenario_whereabouts_unknown_with_locate_efforts(b: SampleBuilder) -> None:
    """Mother's whereabouts unknown, reunification goal; monthly locate efforts → explained."""
    case, mother, father, kids = b.dependency_family(
        "SP06", d("2026-03-17"), [2], father_role=Role.ALLEGED_PARENT, father_resides=False,
        mother_resides=False, scenario="mother's whereabouts unknown, locate efforts")
    case.member(mother).whereabouts_unknown = True
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2026-03-17"))
    efforts = (
        (Method.WRITTEN, f"Sent a letter to {mother.first_name}'s last known address asking her to contact the agency."),
        (Method.NONE, f"Requested a parent-locate search for {mother.first_name}; no new address found."),
        (Method.PHONE, f"Called the last known number for {mother.first_name}; the number is disconnected."),
    )

    def locate(when: datetime) -> None:
        method, text = efforts[when.month % 3]
        b.note(case, when, "locate_effort", method, None, [], text, locate_for=mother)

    b.monthly(case, months_from(Month(2026, 3), NOVEMBER), 9, 11, locate)
    b.note(case, "2026-10-21 13:00", "locate_effort", Method.IN_PERSON, Location.COMMUNITY, [],
           f"Visited {mother.first_name}'s last known address; the apartment manager says she moved out in the spring.",
           locate_for=mother)


def scenario_whereabouts_unknown_without_locate_efforts(b: SampleBuilder) -> None:
    """Alleged father's whereabouts unknown; locate efforts stopped after August → unmet / due."""
    case, mother, father, kids = b.dependency_family(
        "SP07", d("2025-11-05"), [5, 4], father_role=Role.ALLEGED_PARENT, father_resides=False,
        scenario="alleged father's whereabouts unknown, no locate efforts")
    case.member(father).whereabouts_unknown = True
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-11-05"))

    def locate(when: datetime) -> None:
        b.note(case, when, "locate_effort", Method.WRITTEN, None, [],
               f"Mailed a letter to {father.first_name}'s last known address and checked the jail roster; not found.",
               locate_for=father)

    b.monthly(case, months_from(Month(2025, 11), Month(2026, 8)), 12, 9, locate)
    b.next_step(case, father, f"Send a locate letter to {father.first_name}'s last known address and request a "
                "parent-locate search.", d("2026-11-21"), "2026-10-28 15:00")


def scenario_seen_while_whereabouts_unknown(b: SampleBuilder) -> None:
    """Father still marked whereabouts unknown but seen at court → met + flag in_person_while_whereabouts_unknown."""
    case, mother, father, kids = b.dependency_family(
        "SP08", d("2026-02-09"), [10], father_resides=False, scenario="seen while marked whereabouts unknown")
    case.member(father).whereabouts_unknown = True
    case.place(kids, LocationType.KINSHIP, f"Paternal grandmother ({b.person(WOMEN, father.last_name, 63).name})",
               d("2026-02-09"))
    case.skip.add((mother, OCTOBER))

    def locate(when: datetime) -> None:
        if when.month != 10:
            b.note(case, when, "locate_effort", Method.WRITTEN, None, [],
                   f"Sent a letter to {father.first_name}'s last known address; no response.", locate_for=father)

    b.monthly(case, months_from(Month(2026, 2), NOVEMBER), 4, 10, locate)
    b.note(case, "2026-10-22 09:30", "court", Method.IN_PERSON, Location.COURT, [mother, father],
           f"Review hearing. {father.first_name} appeared and gave a new address, to be verified. {mother.first_name} present.")
    b.next_step(case, father, f"Verify the address {father.first_name} gave in court and clear the "
                "whereabouts-unknown flag.", d("2026-11-13"), "2026-10-27 11:00")


def scenario_rights_terminated(b: SampleBuilder) -> None:
    """Goal adoption; mother's rights terminated; father's whereabouts unknown → both not_required."""
    case, mother, father, kids = b.dependency_family(
        "SP09", d("2024-07-22"), [4, 2], father_role=Role.ALLEGED_PARENT, father_resides=False,
        scenario="rights terminated; whereabouts unknown, goal adoption")
    case.member(mother).rights_terminated_on = d("2026-08-19")
    case.member(father).whereabouts_unknown = True
    case.place(kids, LocationType.FOSTER_HOME, f"{b.foster_home()} (pre-adoptive)", d("2024-07-22"))
    case.goal(kids, Goal.ADOPTION, d("2025-12-04"))
    case.manual(mother, Month(2025, 12))
    b.monthly(case, [HISTORY_START, Month(2025, 11)], 14, 10, lambda when: b.note(
        case, when, "locate_effort", Method.NONE, None, [],
        f"Parent-locate search for {father.first_name}; no address found.", locate_for=father))

    def plan_contact(when: datetime) -> None:
        if when.date() <= d("2026-08-19"):
            b.note(case, when, "phone_call", Method.PHONE, None, [mother],
                   f"Monthly call with {mother.first_name} under the contact plan; shared the children's news.")

    b.monthly(case, months_from(Month(2025, 12), Month(2026, 8)), 11, 14, plan_contact)
    b.plan(case, mother, 1, (Method.IN_PERSON, Method.PHONE),
           "Monthly phone call from the specialist; supervised visit at the agency when the court allows.",
           Month(2025, 12), Month(2026, 8), d("2026-03-01"), "2025-12-09 10:00")


def scenario_contact_plan_followed(b: SampleBuilder) -> None:
    """Goal changed to adoption in June; the mother's plan (monthly call or visit) is kept → met."""
    case, mother, _, kids = b.dependency_family(
        "SP02", d("2025-01-15"), [6], father_role=None, mother_resides=False,
        scenario="goal adoption, contact plan followed")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-01-15"))
    case.goal(kids, Goal.ADOPTION, d("2026-06-12"))
    case.manual(mother, Month(2026, 6))
    for when, method in (("2026-06-24 10:00", Method.IN_PERSON), ("2026-07-15 14:00", Method.PHONE),
                         ("2026-08-19 10:00", Method.IN_PERSON), ("2026-09-16 15:00", Method.PHONE),
                         ("2026-10-09 11:30", Method.PHONE), ("2026-11-10 10:30", Method.PHONE)):
        if method is Method.IN_PERSON:
            b.note(case, when, "family_visit", method, Location.OFFICE, [mother, kids[0]],
                   f"Supervised visit at the agency family room with {mother.first_name} and {kids[0].first_name}.")
        else:
            b.note(case, when, "phone_call", method, None, [mother],
                   f"Call with {mother.first_name} under the contact plan; shared school news and photos.")
    b.plan(case, mother, 1, (Method.IN_PERSON, Method.PHONE),
           "A supervised visit at the agency family room every other month (bus pass provided); "
           "a phone call from the specialist in the other months.",
           Month(2026, 6), None, d("2026-12-15"), "2026-06-18 13:30")


def scenario_contact_plan_not_followed(b: SampleBuilder) -> None:
    """Goal guardianship; the father's plan (every two months) lapsed after August → unmet / due."""
    case, mother, father, kids = b.dependency_family(
        "SP05", d("2024-11-04"), [12, 9], father_resides=False, scenario="goal guardianship, contact plans")
    case.place(kids, LocationType.KINSHIP, f"Paternal grandparents ({father.last_name})", d("2024-11-04"))
    case.goal(kids, Goal.GUARDIANSHIP, d("2026-05-20"))
    case.manual(mother, Month(2026, 5))
    case.manual(father, Month(2026, 5))
    b.monthly(case, months_from(Month(2026, 5), NOVEMBER), 13, 16, lambda when: b.note(
        case, when, "phone_call", Method.PHONE, None, [mother],
        f"Monthly call with {mother.first_name} under the contact plan."))
    b.note(case, "2026-06-10 10:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office; reviewed the guardianship plan and visits.")
    b.note(case, "2026-07-08 10:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office; agreed to switch to video calls every two months.")
    b.note(case, "2026-08-14 16:00", "phone_call", Method.VIDEO, None, [father],
           f"Video call with {father.first_name} under the contact plan.")
    b.plan(case, mother, 1, (Method.IN_PERSON, Method.PHONE, Method.VIDEO),
           "Monthly phone or video call with the specialist; visits arranged by the grandparents.",
           Month(2026, 5), None, d("2026-11-30"), "2026-05-27 11:00")
    b.plan(case, father, 1, (Method.IN_PERSON,),
                   "Monthly meeting at the office.", Month(2026, 5), None, d("2026-08-31"), "2026-05-27 11:20")
    b.plan(case, father, 2, (Method.IN_PERSON, Method.VIDEO),
           "A video call or office meeting every two months; the father works out of town.",
           Month(2026, 8), None, d("2027-01-31"), "2026-07-29 15:00")  # supersedes the first
    b.next_step(case, father, f"Call {father.first_name}'s attorney to restart the video calls under the contact plan.",
                d("2026-11-24"), "2026-11-17 14:00")


def scenario_no_contact_plan(b: SampleBuilder) -> None:
    """Goal changed to adoption in September, no plan yet → unmet / due no_contact_plan; father relinquished."""
    case, mother, father, kids = b.dependency_family(
        "SP10", d("2025-03-03"), [3], father_resides=False, scenario="goal adoption, no contact plan yet")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-03-03"))
    case.member(father).rights_terminated_on = d("2026-02-11")
    case.goal(kids, Goal.ADOPTION, d("2026-09-03"))
    case.manual(mother, Month(2026, 9))
    b.note(case, "2026-10-15 10:45", "phone_call", Method.PHONE, None, [mother],
           f"{mother.first_name} called to ask about the adoption hearing date.")
    b.next_step(case, mother, f"Develop a contact plan with {mother.first_name} now that the goal is adoption.",
                d("2026-11-20"), "2026-10-27 10:00")


def scenario_in_home_seen_at_office(b: SampleBuilder) -> None:
    """In-home dependency; October's visit was at the office → unmet seen_not_in_home; November at home → met."""
    case, mother, _, kids = b.dependency_family(
        "SP01", d("2026-04-08"), [8, 5], father_role=None, scenario="in-home case, seen at the office")
    partner = b.person(MEN, b.surname(), 36)
    case.add(partner, Role.SPOUSE_PARTNER, resides_in_home=True)
    case.place(kids, LocationType.IN_HOME, None, d("2026-04-08"))
    case.goals = [(k, Goal.REMAIN_WITH_FAMILY, d("2026-04-08")) for k in kids]
    case.manual(mother, OCTOBER)
    for kid in kids:
        case.manual(kid, OCTOBER)
    b.note(case, "2026-10-14 16:30", "office_visit", Method.IN_PERSON, Location.OFFICE, [mother, *kids],
           f"{mother.first_name} brought {names_of(kids)} to the office after school; reviewed the safety plan.")
    b.note(case, "2026-11-05 15:00", "home_visit", Method.IN_PERSON, Location.HOME, [mother, *kids, partner],
           f"Home visit with {names_of([mother, *kids, partner])}. Home clean; safety plan in place.")
    b.next_step(case, None, "Schedule the November visit in the family's home; October's visit was at the office.",
                d("2026-11-07"), "2026-10-26 09:30", done_at="2026-11-06 08:45")


def scenario_duplicate_note(b: SampleBuilder) -> None:
    """The same visit entered twice under two note types → flag duplicate_note on both children."""
    case, mother, father, kids = b.dependency_family(
        "SP07", d("2025-10-20"), [13, 10], scenario="the same visit entered twice")
    aunt = b.person(WOMEN, mother.last_name, 41)
    case.place(kids, LocationType.KINSHIP, f"Maternal aunt ({aunt.name})", d("2025-10-20"))
    for kid in kids:
        case.skip.add((kid, OCTOBER))
    text = f"Visit with {names_of(kids)} at the aunt's home. Both doing well; talked about the school play."
    b.note(case, "2026-10-07 16:00", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, kids, text)
    b.note(case, "2026-10-07 16:00", "home_visit", Method.IN_PERSON, Location.PLACEMENT, kids, text)
    b.next_step(case, None, "Ask records to void the duplicate October 7 note (entered as placement visit and home visit).",
                d("2026-11-30"), "2026-10-23 13:00")


def scenario_child_exception(b: SampleBuilder) -> None:
    """Child in residential treatment that restricts visitors; an exception for September to November,
    approved late, at the November 4 staffing → excused, and October's row says the approval came
    after October ended (flag recorded_after_month; as of a day before November 4 it was unmet)."""
    case, mother, father, kids = b.dependency_family(
        "SP08", d("2025-07-30"), [13], scenario="child exception, residential treatment")
    child = kids[0]
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-07-30"), d("2026-08-20"))
    case.place(kids, LocationType.HOSPITAL, "Mercy Ridge Children's Hospital", d("2026-08-21"), d("2026-08-27"))
    case.place(kids, LocationType.RESIDENTIAL, NAMES.residential[0], d("2026-08-28"))
    b.exception(case, child, ExceptionCategory.CHILD_IN_TREATMENT,
                "The treatment team restricts outside visitors during the first phase of the program; "
                "the specialist gets weekly updates from the therapist.",
                Month(2026, 9), Month(2026, 11), d("2026-11-20"), "2026-11-04 10:15")
    case.manual(child, Month(2026, 9))  # no visit since the placement: the exception is the whole story


def scenario_parent_exception_with_contact(b: SampleBuilder) -> None:
    """Father works out of state; exception with a call in the quarter → excused."""
    case, mother, father, kids = b.dependency_family(
        "SP03", d("2025-12-01"), [11, 7], father_resides=False, scenario="father out of area, exception and calls")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-12-01"))
    case.manual(father, Month(2026, 8))
    b.note(case, "2026-09-20 16:30", "phone_call", Method.PHONE, None, [father],
           f"Phone call with {father.first_name}, working in North Dakota until spring; updated him on the children.")
    b.note(case, "2026-11-14 11:00", "phone_call", Method.VIDEO, None, [father, *kids],
           f"Video call with {father.first_name} and the children, arranged by the foster family.")
    b.exception(case, father, ExceptionCategory.PARENT_OUT_OF_AREA,
                "Father works on a pipeline crew in North Dakota until spring; phone or video contact at least "
                "every three months instead of monthly visits.",
                Month(2026, 8), Month(2027, 1), d("2026-12-15"), "2026-08-05 14:20")


def scenario_parent_exception_without_contact(b: SampleBuilder) -> None:
    """Father declines contact; exception but no call or letter since June → unmet exception_without_quarterly_contact."""
    case, mother, father, kids = b.dependency_family(
        "SP06", d("2025-04-14"), [9], father_resides=False, scenario="father declines, exception without calls")
    case.place(kids, LocationType.KINSHIP, f"Maternal grandfather ({b.person(MEN, mother.last_name, 66).name})",
               d("2025-04-14"))
    case.manual(father, Month(2026, 6))
    b.note(case, "2026-06-10 10:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office. He says he does not want contact with the agency for now.")
    b.exception(case, father, ExceptionCategory.PARENT_DECLINES,
                "Father declines visits with the agency while his own attorney reviews the case plan; "
                "a call or letter at least every three months.",
                Month(2026, 7), Month(2026, 12), d("2026-10-15"), "2026-07-09 09:40")
    b.next_step(case, father, f"Mail a letter to {father.first_name}: under the exception a call or letter is still "
                "needed every three months.", d("2026-11-14"), "2026-10-22 15:30")


def scenario_staffing_reason(b: SampleBuilder) -> None:
    """Father could not be seen in October, reason recorded at staffing → explained; seen November 3."""
    case, mother, father, kids = b.dependency_family(
        "SP09", d("2025-10-06"), [6, 2], scenario="reason recorded at staffing")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-10-06"))
    case.skip.update({(father, OCTOBER), (father, NOVEMBER)})
    b.note(case, "2026-11-03 09:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office before his shift; reviewed the case plan and visit schedule.")
    b.staffing_note(case, father, OCTOBER, StaffingReasonCode.SCHEDULING,
                    f"{father.first_name} works rotating out-of-town shifts through October; visit set for November 3.",
                    "2026-10-19 14:00")


def scenario_not_seen(b: SampleBuilder) -> None:
    """Mother missed in October with no reason recorded → unmet not_seen."""
    case, mother, father, kids = b.dependency_family(
        "SP12", d("2025-12-08"), [5], mother_resides=False, scenario="mother not seen in October")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-12-08"))
    case.skip.update({(mother, OCTOBER), (mother, NOVEMBER)})
    b.next_step(case, mother, f"See {mother.first_name} before November 20; October's visit was missed.",
                d("2026-11-20"), "2026-11-12 10:00")


def scenario_trial_home_visit(b: SampleBuilder) -> None:
    """Children home on a trial home visit: still out-of-home care, seen monthly at home."""
    case, mother, father, kids = b.dependency_family(
        "SP12", d("2025-03-20"), [9, 4], scenario="trial home visit")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-03-20"), d("2026-09-14"))
    case.place(kids, LocationType.TRIAL_HOME_VISIT, "Parents' home", d("2026-09-15"))


def scenario_partial_month(b: SampleBuilder) -> None:
    """Case opened October 27: the father not seen in October → not_required partial_month."""
    case, mother, father, kids = b.dependency_family(
        "SP10", d("2026-10-27"), [4, 1], father_role=Role.ALLEGED_PARENT, father_resides=False,
        scenario="case opened late in October")
    case.place(kids, LocationType.SHELTER, NAMES.shelters[0], d("2026-10-27"), d("2026-11-02"))
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2026-11-03"))
    case.skip.update((person, OCTOBER) for person in (mother, *kids))
    case.manual(father, OCTOBER)
    b.note(case, "2026-10-27 15:00", "home_visit", Method.IN_PERSON, Location.HOME, [mother, *kids],
           f"Children removed from the home under a court order; {mother.first_name} was present and given the hearing notice.")
    b.note(case, "2026-10-28 10:00", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, kids,
           f"Visited {names_of(kids)} at {NAMES.shelters[0]}; settling in.")
    b.note(case, "2026-11-12 13:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office; explained the dependency and referred him for paternity testing.")


def scenario_voluntary_household(b: SampleBuilder) -> None:
    """Voluntary services: non-resident father not_in_household, mother's partner no_requirement."""
    last = b.surname()
    case = b.case(CaseType.VOLUNTARY, "SP11", d("2026-06-15"), scenario="voluntary, parent outside the home and partner")
    kids = b.children(last, [12, 9], d("2026-05-01"))
    mother, father = b.parents(last, kids, father_surname=b.surname())
    partner = b.person(MEN, b.surname(), 38)
    case.add(mother, Role.PARENT, resides_in_home=True)
    case.add(father, Role.PARENT, resides_in_home=False)
    case.add(partner, Role.SPOUSE_PARTNER, resides_in_home=True)
    for kid in kids:
        case.add(kid, Role.CHILD, resides_in_home=True)
    case.link([mother, father], kids)


def investigation(b: SampleBuilder, specialist_id: str, opened_on: date, closed_on: date | None, *,
                  victim_ages: list[int], sibling_ages: list[int] = (), perpetrator: str = "father",
                  partner: bool = False, grandparent: bool = False, scenario: str = "",
                  routine: bool = True) -> tuple[ScriptedCase, dict[str, Person]]:
    """An investigation family; with `routine`, the usual initial contacts within days of the report."""
    rng = b.rng
    last = b.surname()
    case = b.case(CaseType.INVESTIGATION, specialist_id, opened_on, closed_on, scenario)
    victims = b.children(last, victim_ages, opened_on - timedelta(days=30))
    siblings = b.children(last, list(sibling_ages), opened_on - timedelta(days=30))
    mother, father = b.parents(last, victims + siblings)
    people = {"mother": mother, "father": father}
    case.add(mother, Role.PARENT, resides_in_home=True, alleged_perpetrator=perpetrator == "mother")
    # With a partner in the home the father lives elsewhere; an accused father may or may not.
    father_resides = not partner and (perpetrator != "father" or rng.random() < 0.5)
    case.add(father, Role.PARENT, resides_in_home=father_resides, alleged_perpetrator=perpetrator == "father")
    for kid in victims:
        case.add(kid, Role.CHILD, alleged_victim=True, resides_in_home=True)
    for kid in siblings:
        case.add(kid, Role.CHILD, resides_in_home=True)
    case.link([mother, father], victims + siblings)
    if partner:
        people["partner"] = b.person(MEN, b.surname(), AS_OF.year - mother.birth_date.year + 2)
        case.add(people["partner"], Role.SPOUSE_PARTNER, resides_in_home=True,
                 alleged_perpetrator=perpetrator == "partner")
    if grandparent:
        people["grandparent"] = b.person(WOMEN, last, 64)
        case.add(people["grandparent"], Role.OTHER_ADULT, resides_in_home=True)
    people.update({f"victim{i}": p for i, p in enumerate(victims)})
    people.update({f"sibling{i}": p for i, p in enumerate(siblings)})
    if not routine:
        return case, people
    household = [m.person for m in case.members if m.resides_in_home]
    school_age = [k for k in victims if AS_OF.year - k.birth_date.year >= 6]
    first_visit = datetime.combine(opened_on, datetime.min.time()).replace(hour=rng.randint(9, 15))
    if school_age:
        b.note(case, first_visit + timedelta(days=1, hours=1), "interview", Method.IN_PERSON, Location.SCHOOL,
               school_age, f"Interviewed {names_of(school_age)} at school about the report.")
    at_home = [p for p in household if p not in school_age]
    b.note(case, first_visit, "home_visit", Method.IN_PERSON, Location.HOME, at_home,
           f"Initial home visit. Interviewed {names_of(at_home)} and assessed the home for safety.")
    away = [m.person for m in case.members if m.role is not Role.CHILD and not m.resides_in_home]
    if away:
        b.note(case, first_visit + timedelta(days=rng.randint(3, 9)), "interview", Method.IN_PERSON, Location.OFFICE,
               away, f"Interviewed {names_of(away)} at the office about the report.")
    if closed_on is not None:
        b.note(case, first_visit + timedelta(days=(closed_on - opened_on).days - 2), "home_visit", Method.IN_PERSON,
               Location.HOME, household, f"Closing home visit with {names_of(household)}; reviewed the safety plan "
               "and community referrals.")
    return case, people


def scenario_closed_investigation_not_interviewed(b: SampleBuilder) -> None:
    """Investigation closed October 23 without interviewing the alleged perpetrator → unmet not_interviewed."""
    case, p = investigation(b, "SP04", d("2026-09-14"), d("2026-10-23"), victim_ages=[8], sibling_ages=[4],
                            scenario="investigation closed without interviewing the father", routine=False)
    mother, father, victim, sibling = p["mother"], p["father"], p["victim0"], p["sibling0"]
    case.member(father).resides_in_home = False
    b.note(case, "2026-09-14 14:00", "home_visit", Method.IN_PERSON, Location.HOME, [mother, sibling],
           f"Initial home visit. Interviewed {mother.first_name}; saw {sibling.first_name}. Home assessed as safe.")
    b.note(case, "2026-09-15 10:30", "interview", Method.IN_PERSON, Location.SCHOOL, [victim],
           f"Interviewed {victim.first_name} at school about the report.")
    b.note(case, "2026-09-22 09:00", "correspondence", Method.WRITTEN, None, [father],
           f"Left a letter at {father.first_name}'s address asking him to call to schedule an interview.")
    b.note(case, "2026-10-05 11:00", "phone_call", Method.PHONE, None, [],
           f"Called {father.first_name}'s number twice; no answer, voicemail left.")
    b.note(case, "2026-10-21 15:00", "home_visit", Method.IN_PERSON, Location.HOME, [mother, victim, sibling],
           f"Closing home visit with {names_of([mother, victim, sibling])}; safety plan reviewed.")


def scenario_investigation_remote_interview(b: SampleBuilder) -> None:
    """Open investigation; the stepfather, working out of state, was interviewed by phone → explained."""
    case, p = investigation(b, "SP03", d("2026-10-20"), None, victim_ages=[11], sibling_ages=[15],
                            perpetrator="mother", partner=True, grandparent=True,
                            scenario="investigation, stepfather interviewed by phone", routine=False)
    mother, father, partner = p["mother"], p["father"], p["partner"]
    victim, sibling, grandma = p["victim0"], p["sibling0"], p["grandparent"]
    case.member(father).resides_in_home = False
    b.note(case, "2026-10-20 16:00", "home_visit", Method.IN_PERSON, Location.HOME, [mother, sibling, grandma],
           f"Initial home visit. Interviewed {names_of([mother, sibling, grandma])}; home assessed.")
    b.note(case, "2026-10-21 09:30", "interview", Method.IN_PERSON, Location.SCHOOL, [victim],
           f"Interviewed {victim.first_name} at school about the report.")
    b.note(case, "2026-10-23 16:00", "interview", Method.PHONE, None, [partner],
           f"Interviewed {partner.first_name} by phone; he works out of state this month and returns in December.")


def scenario_new_investigation(b: SampleBuilder) -> None:
    """Opened November 12: children interviewed, no home visit yet → due no_home_visit / not_interviewed."""
    case, p = investigation(b, "SP08", d("2026-11-12"), None, victim_ages=[6], sibling_ages=[9],
                            scenario="new investigation, home visit pending", routine=False)
    case.member(p["father"]).resides_in_home = True
    b.note(case, "2026-11-13 10:00", "interview", Method.IN_PERSON, Location.SCHOOL, [p["victim0"], p["sibling0"]],
           f"Interviewed {names_of([p['victim0'], p['sibling0']])} separately at school.")


def scenario_investigation_entry_refused(b: SampleBuilder) -> None:
    """Family refused entry; the reason recorded at staffing explains the case-level home_visit row."""
    case, p = investigation(b, "SP11", d("2026-11-04"), None, victim_ages=[14], perpetrator="partner",
                            partner=True, scenario="investigation, family refused entry", routine=False)
    mother, victim = p["mother"], p["victim0"]
    b.note(case, "2026-11-04 13:30", "interview", Method.IN_PERSON, Location.SCHOOL, [victim],
           f"Interviewed {victim.first_name} at school about the report.")
    b.note(case, "2026-11-06 16:00", "home_visit", Method.IN_PERSON, Location.OTHER, [mother],
           f"Attempted home visit. {mother.first_name} spoke with the specialist at the door and declined entry.")
    b.staffing_note(case, None, NOVEMBER, StaffingReasonCode.WORKER_SAFETY,
                    "Family declined entry on 11/6; a joint home visit with law enforcement is set for 11/20.",
                    "2026-11-09 11:00")



# --- what changes within a month ---------------------------------------------------------------

def scenario_transferred_to_another_unit(b: SampleBuilder) -> None:
    """Transferred on October 14 from SP01 (Cottonwood) to SP06 (Ironwood): the months before stay
    SP01's, October and November are SP06's (each month goes to the specialist who has the case on its
    last day); each note's author is the specialist who had the case that day."""
    case, mother, father, kids = b.dependency_family(
        "SP01", d("2025-11-17"), [8, 6], scenario="case transferred to another unit in October")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-11-17"))
    case.transfer("SP06", UNIT_OF["SP06"], d("2026-10-14"))
    b.note(case, "2026-10-14 15:00", "case_transfer", Method.NONE, None, [],
           "Case transferred to the Ironwood Unit (the family moved into its area); transfer staffing held "
           "with both specialists.")
    b.next_step(case, None, "Meet the family and the foster home within two weeks of the transfer.",
                d("2026-10-28"), "2026-10-15 09:00", done_at="2026-10-27 16:00")


def scenario_whereabouts_become_known(b: SampleBuilder) -> None:
    """Mother missing from the opening until October 13 (member_periods): locate efforts every month;
    she called on the 14th and was seen on the 21st → October met (her whereabouts are known on
    October 31, when the fact is read), September explained by the efforts."""
    case, mother, _, kids = b.dependency_family(
        "SP10", d("2026-04-20"), [6], father_role=Role.ALLEGED_PARENT, father_resides=False,
        mother_resides=False, scenario="mother's whereabouts became known in October")
    case.member(mother).date_fact(MemberFact.WHEREABOUTS_UNKNOWN, d("2026-04-20"), d("2026-10-13"), AS_OF)
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2026-04-20"))
    case.manual(mother, Month(2026, 4))
    efforts = (
        (Method.WRITTEN, f"Mailed a letter to {mother.first_name}'s last known address asking her to call the agency."),
        (Method.NONE, f"Checked the jail roster and the shelter lists for {mother.first_name}; not found."),
    )

    def locate(when: datetime) -> None:
        method, text = efforts[when.month % 2]
        b.note(case, when, "locate_effort", method, None, [], text, locate_for=mother)

    b.monthly(case, months_from(Month(2026, 4), OCTOBER), 8, 10, locate)
    b.note(case, "2026-10-14 09:15", "phone_call", Method.PHONE, None, [mother],
           f"{mother.first_name} called the agency after seeing the notice at the shelter; gave a new address "
           "and phone number.")
    b.note(case, "2026-10-21 11:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [mother],
           f"Met {mother.first_name} at the office; reviewed the case plan and set up visits with {kids[0].first_name}.")
    b.note(case, "2026-11-10 14:00", "home_visit", Method.IN_PERSON, Location.HOME, [mother],
           f"Visited {mother.first_name} at her new apartment; she has started the parenting class.")


def scenario_parent_moves_out(b: SampleBuilder) -> None:
    """In-home case; the father moved out on October 9 (member_periods): until then he was seen at home
    with the family, from October on his own — his October row asks for a visit anywhere, not at home."""
    case, mother, father, kids = b.dependency_family(
        "SP02", d("2026-03-02"), [7, 4], scenario="in-home case, father moved out in October")
    case.place(kids, LocationType.IN_HOME, None, d("2026-03-02"))
    case.goals = [(k, Goal.REMAIN_WITH_FAMILY, d("2026-03-02")) for k in kids]
    case.member(father).date_fact(MemberFact.RESIDES_IN_HOME, d("2026-03-02"), d("2026-10-08"), AS_OF)
    case.manual(father, OCTOBER)
    b.note(case, "2026-10-20 17:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office; he moved out on 10/9 to his brother's apartment. Talked about "
           f"his time with {names_of(kids)}.")
    b.note(case, "2026-11-07 10:00", "community_contact", Method.IN_PERSON, Location.COMMUNITY, [father],
           f"Met {father.first_name} at the library near his new apartment; reviewed the safety plan for his "
           "weekend visits.")


def scenario_weeks_in_jail(b: SampleBuilder) -> None:
    """Father in county jail from October 6 to November 9 (member_periods): a letter in October →
    explained (incarcerated_remote_contact: in jail on October 31); seen after his release → November met."""
    case, mother, father, kids = b.dependency_family(
        "SP07", d("2025-08-11"), [9], father_resides=False, scenario="father in jail from October 6 to November 9")
    case.place(kids, LocationType.KINSHIP, f"Maternal aunt ({b.person(WOMEN, mother.last_name, 44).name})",
               d("2025-08-11"))
    case.member(father).date_fact(MemberFact.INCARCERATED, d("2026-10-06"), d("2026-11-09"), AS_OF)
    case.manual(father, OCTOBER)
    b.note(case, "2026-10-15 10:00", "correspondence", Method.WRITTEN, None, [father],
           f"Mailed a letter to {father.first_name} at the county jail with the case plan update and "
           f"{kids[0].first_name}'s school picture.")
    b.note(case, "2026-11-16 15:30", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office after his release on 11/9; reviewed services and the visit schedule.")


def scenario_rights_ended_to_one_child(b: SampleBuilder) -> None:
    """The father relinquished his rights to the younger child (to be adopted by her foster parents) on
    October 7, not to the older one, whose goal is still reunification → he is still visited monthly."""
    case, mother, father, kids = b.dependency_family(
        "SP09", d("2025-02-24"), [11, 3], scenario="father's rights ended to one child in October")
    older, younger = kids
    case.place([older], LocationType.KINSHIP, f"Paternal grandmother ({b.person(WOMEN, father.last_name, 62).name})",
               d("2025-02-24"))
    case.place([younger], LocationType.FOSTER_HOME, f"{b.foster_home()} (pre-adoptive)", d("2025-02-24"))
    case.goal([younger], Goal.ADOPTION, d("2026-05-12"))
    case.end_rights(father, younger, d("2026-10-07"))
    b.note(case, "2026-10-07 11:00", "court", Method.IN_PERSON, Location.COURT, [father, mother],
           f"Hearing: {father.first_name} relinquished his rights to {younger.first_name}; the plan for "
           f"{older.first_name} is still to go home. {mother.first_name} present.")


def scenario_call_to_the_out_of_state_placement(b: SampleBuilder) -> None:
    """Child placed with the grandparents in another state: monthly calls with the child; October's call
    was with the grandmother (the note names the placement and lists nobody) → met out_of_state_phone."""
    case, mother, father, kids = b.dependency_family(
        "SP12", d("2025-10-27"), [10], scenario="out-of-state placement, call with the caregiver")
    child = kids[0]
    case.place([child], LocationType.KINSHIP, f"Maternal grandparents ({mother.last_name})", d("2025-10-27"),
               d("2026-04-30"))
    case.place([child], LocationType.OUT_OF_STATE, f"Maternal grandparents ({mother.last_name}), El Paso TX (ICPC)",
               d("2026-05-01"))
    out_of_state = case.placements[-1]
    case.manual(child, Month(2026, 5))

    def call(when: datetime) -> None:
        if when.month == 10:
            b.note(case, when, "phone_call", Method.PHONE, None, [],
                   f"Monthly call with the grandmother about {child.first_name} (at soccer practice): school, "
                   "health and the holiday visit home.", placement=out_of_state)
        else:
            b.note(case, when, "phone_call", Method.PHONE, None, [child],
                   TEXTS.out_of_state[0].format(names=child.first_name))

    b.monthly(case, months_from(Month(2026, 5), NOVEMBER), 12, 17, call)


SCENARIOS = (
    scenario_runaway_with_locate_efforts,
    scenario_runaway_without_locate_efforts,
    scenario_in_person_while_runaway,
    scenario_out_of_state,
    scenario_incarcerated_parent,
    scenario_whereabouts_unknown_with_locate_efforts,
    scenario_whereabouts_unknown_without_locate_efforts,
    scenario_seen_while_whereabouts_unknown,
    scenario_rights_terminated,
    scenario_contact_plan_followed,
    scenario_contact_plan_not_followed,
    scenario_no_contact_plan,
    scenario_in_home_seen_at_office,
    scenario_duplicate_note,
    scenario_child_exception,
    scenario_parent_exception_with_contact,
    scenario_parent_exception_without_contact,
    scenario_staffing_reason,
    scenario_not_seen,
    scenario_trial_home_visit,
    scenario_partial_month,
    scenario_voluntary_household,
    scenario_closed_investigation_not_interviewed,
    scenario_investigation_remote_interview,
    scenario_new_investigation,
    scenario_investigation_entry_refused,
    scenario_transferred_to_another_unit,
    scenario_whereabouts_become_known,
    scenario_parent_moves_out,
    scenario_weeks_in_jail,
    scenario_rights_ended_to_one_child,
    scenario_call_to_the_out_of_state_placement,
)


# --- ordinary cases ---------------------------------------------------------------------------

def ordinary_dependency(b: SampleBuilder, specialist_id: str) -> None:
    """A dependency case: mostly children in care with a reunification goal; some reunified and closed."""
    rng = b.rng
    in_home = rng.random() < 0.25
    opened = random_day(rng, d("2024-02-01"), d("2026-08-31"))
    ages = sorted((rng.randint(0, 16) for _ in range(rng.choice((1, 1, 2, 2, 3)))), reverse=True)
    ages = [max(a, (AS_OF - opened).days // 365 + 1) for a in ages]
    father_role = rng.choice((Role.PARENT, Role.PARENT, Role.ALLEGED_PARENT, None))
    father_resides = father_role is Role.PARENT and rng.random() < 0.6
    case, mother, father, kids = b.dependency_family(specialist_id, opened, ages, father_role=father_role,
                                                     father_resides=father_resides)
    if in_home:
        case.goals = [(k, Goal.REMAIN_WITH_FAMILY, opened) for k in kids]
        case.place(kids, LocationType.IN_HOME, None, opened)
        if opened < d("2026-01-01") and rng.random() < 0.6:
            case.closed_on = random_day(rng, max(opened + timedelta(days=180), d("2025-11-01")), d("2026-09-30"))
        return
    # Out-of-home care: shelter first (sometimes), then a family setting; teens may go to a group home.
    start = opened
    if rng.random() < 0.35:
        end = start + timedelta(days=rng.randint(4, 20))
        case.place(kids, LocationType.SHELTER, rng.choice(NAMES.shelters), start, end)
        start = end + timedelta(days=1)
    reunify = rng.random() < 0.35 and opened < d("2025-12-01")
    reunify_on = random_day(rng, max(opened + timedelta(days=240), d("2025-10-15")), d("2026-07-31")) if reunify else None
    while True:
        if max(ages) >= 13 and rng.random() < 0.3:
            location_type, name = LocationType.GROUP_HOME, rng.choice(NAMES.group_homes)
        elif rng.random() < 0.35:
            location_type, name = LocationType.KINSHIP, f"{rng.choice(('Maternal', 'Paternal'))} " \
                f"{rng.choice(('grandmother', 'aunt', 'uncle', 'cousin'))} ({kids[0].last_name})"
        else:
            location_type, name = LocationType.FOSTER_HOME, b.foster_home()
        end = start + timedelta(days=rng.randint(150, 420))
        limit = reunify_on - timedelta(days=1) if reunify_on else None
        if (limit is not None and end >= limit) or (limit is None and end >= AS_OF):
            case.place(kids, location_type, name, start, limit)
            break
        case.place(kids, location_type, name, start, end)
        start = end + timedelta(days=1)
    if reunify_on is not None:
        home_on = reunify_on + timedelta(days=rng.randint(45, 75))
        case.place(kids, LocationType.TRIAL_HOME_VISIT, "Parents' home", reunify_on, home_on - timedelta(days=1))
        case.place(kids, LocationType.IN_HOME, None, home_on)
        case.closed_on = min(home_on + timedelta(days=rng.randint(30, 90)), d("2026-11-10"))
        case.goal(kids, Goal.REMAIN_WITH_FAMILY, reunify_on)


def ordinary_voluntary(b: SampleBuilder, specialist_id: str) -> None:
    """In-home services for a family that asked for help: mother and children, sometimes father or grandmother."""
    rng = b.rng
    opened = random_day(rng, d("2025-06-01"), d("2026-09-15"))
    closed = None
    if rng.random() < 0.5 and opened < d("2026-04-01"):
        closed = random_day(rng, opened + timedelta(days=120), min(opened + timedelta(days=270), d("2026-11-10")))
    last = b.surname()
    case = b.case(CaseType.VOLUNTARY, specialist_id, opened, closed)
    kids = b.children(last, [rng.randint(1, 16) for _ in range(rng.choice((1, 2, 2, 3)))], opened - timedelta(days=30))
    mother, father = b.parents(last, kids)
    case.add(mother, Role.PARENT, resides_in_home=True)
    case.link([mother], kids)
    if rng.random() < 0.6:
        resides = rng.random() < 0.6
        case.add(father, Role.PARENT, resides_in_home=resides)
        case.link([father], kids)
    if rng.random() < 0.25:
        case.add(b.person(WOMEN, last, rng.randint(55, 70)), Role.OTHER_ADULT, resides_in_home=True)
    for kid in kids:
        case.add(kid, Role.CHILD, resides_in_home=True)


def ordinary_investigation(b: SampleBuilder, specialist_id: str) -> None:
    """A closed investigation: report, interviews and home visits within days, closed in one to two months."""
    rng = b.rng
    opened = random_day(rng, d("2025-10-01"), d("2026-09-20"))
    closed = opened + timedelta(days=rng.randint(30, 58))
    perpetrator = rng.choice(("father", "father", "mother", "partner"))
    investigation(b, specialist_id, opened, closed,
                  victim_ages=[rng.randint(2, 15)], sibling_ages=[rng.randint(0, 16) for _ in range(rng.randint(0, 2))],
                  perpetrator=perpetrator, partner=perpetrator == "partner" or rng.random() < 0.15,
                  grandparent=rng.random() < 0.2)


ORDINARY_CASES = (
    (ordinary_dependency, 30),
    (ordinary_voluntary, 12),
    (ordinary_investigation, 12),
)


def sample_agency(seed: int = SEED) -> SampleBuilder:
    """The whole fictional agency, in memory, its cases in id order."""
    b = SampleBuilder(seed)
    for scenario in SCENARIOS:
        scenario(b)
    # Ordinary cases go to whoever has the fewest so far, so caseloads stay even.
    for make, count in ORDINARY_CASES:
        for _ in range(count):
            load = {s: 0 for s in SPECIALISTS}
            for case in b.cases:
                load[case.specialist_id] += 1
            lightest = min(load.values())
            make(b, b.rng.choice([s for s in SPECIALISTS if load[s] == lightest]))
    for case in list(b.cases):
        b.routine_visits(case)
    b.cases.sort(key=lambda c: (c.opened_on, c.specialist_id, c.scenario))
    return b
