"""Build the demo database `sample.db`, reproducibly, from code.

    python db/build_sample.py [--out sample.db]
    python -m db.build_sample [--out sample.db]

Everything is fictional and generated from one fixed seed, so two builds give
the same rows. The case data (the ten CSV tables of docs/data.md) is generated in
memory as CSV strings and loaded through the real importer, so the sample
passes exactly the validation user data passes. The app's own records
(exceptions, contact plans, staffing notes, next steps) are then written with
their audit rows, as the record services would have written them on the
supervisors' staffings, at fixed times.

The data is anchored to `meta.as_of = 2026-11-18`: November 2026 is the month
in progress, October 2026 the complete month before, and there are fourteen
months of history (October 2025 on). Most people are seen every month; a
handful of scenario cases (`scenario_*` below, one per rule) make sure the two
reports together show every status, reason and flag of `domain/enums.py` —
`tests/test_sample_db.py` checks that.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pendulum

from staffing_tui.domain.enums import (
    CaseType,
    ExceptionCategory,
    Goal,
    Location,
    LocationType,
    Method,
    Role,
    StaffingReasonCode,
    StaffRole,
)
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.sample import SAMPLE_BUILDER
from staffing_tui.store.connection import open_database, set_meta

SEED = 20261118
TIMEZONE = "America/Phoenix"
AS_OF = date(2026, 11, 18)
#: The importer's "now": notes after it would be rejected as future notes.
NOW = pendulum.datetime(2026, 11, 18, 17, 0, tz=TIMEZONE)
HISTORY_START = Month(2025, 10)
OCTOBER = Month(2026, 10)
NOVEMBER = Month(2026, 11)
OS_USER = SAMPLE_BUILDER  # a working copy's audit rows by anyone else are the user's work
#: Share of routine visits that did not happen in a past month (a realistic few).
MISSED_VISIT_RATE = 0.03
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "sample.db"

# --- fictional names -----------------------------------------------------------------------

FEMININE = (
    "Adela", "Bernadette", "Carmela", "Dolores", "Esperanza", "Fiona", "Gloria", "Harriet",
    "Imelda", "Janelle", "Kendra", "Lorena", "Marisela", "Noreen", "Odalys", "Paulina",
    "Rochelle", "Shauna", "Tamsin", "Valeria", "Wanda", "Yesenia", "Zelda", "Annette",
    "Brianna", "Celeste", "Daphne", "Estelle", "Georgina", "Loretta", "Marguerite", "Nadine",
    "Ophelia", "Priscilla", "Rosalind", "Soledad", "Theodora", "Ursula", "Vivienne", "Winifred",
    "Araceli", "Bettina", "Clarissa", "Delphine", "Evangeline", "Felicity", "Graciela", "Hortensia",
    "Isadora", "Josefina", "Katrina", "Leticia", "Mirabel", "Philippa", "Raquel", "Sabrina",
)
MASCULINE = (
    "Alonzo", "Barrett", "Cornell", "Desmond", "Emilio", "Fletcher", "Gilbert", "Horace",
    "Ignacio", "Jerome", "Kendrick", "Lowell", "Marcus", "Nestor", "Orlando", "Porter",
    "Quincy", "Reginald", "Silas", "Thaddeus", "Ulysses", "Vernon", "Wendell", "Xavier",
    "Abel", "Boyd", "Curtis", "Dorian", "Everett", "Garrison", "Ambrose", "Benedict",
    "Cyrus", "Darnell", "Edmund", "Fabian", "Gideon", "Harlan", "Isidro", "Jethro",
    "Lazarus", "Montgomery", "Napoleon", "Octavio", "Percival", "Rafferty", "Sheldon", "Tiberius",
    "Virgil", "Waylon", "Alistair", "Bartholomew", "Clement", "Demetrius", "Evander", "Leopold",
)
CHILDREN = (
    "Aiden", "Bella", "Caleb", "Daisy", "Elijah", "Freya", "Gavin", "Hazel", "Isaac", "Juniper",
    "Kai", "Luna", "Mateo", "Nora", "Oliver", "Piper", "Quinn", "Rosie", "Sawyer", "Tessa",
    "Uriel", "Violet", "Wyatt", "Ximena", "Yusuf", "Zoe", "Amara", "Brody", "Cora", "Dante",
    "Eden", "Finn", "Gemma", "Hugo", "Ivy", "Jasper", "Kira", "Leo", "Maya", "Nico",
    "Opal", "Remy", "Sage", "Tobias", "Wren", "Xander", "Yara", "Zane", "Ada", "Beau",
    "Arlo", "Briar", "Cassius", "Delia", "Emmett", "Fern", "Gideon", "Harper", "Ines", "Jonah",
    "Kenji", "Lila", "Milo", "Nell", "Orion", "Penelope", "Rafael", "Sadie", "Theo", "Vera",
    "Willa", "Ezra", "Clara", "Felix", "Greta", "Hollis", "Iris", "Jude", "Koa", "Lyra",
    "Mabel", "Niko", "Otis", "Poppy", "Rhea", "Silas", "Talia", "Vance", "Wilder", "Zadie",
    "Anika", "Bodhi", "Calla", "Dashiell", "Elowen", "Flynn", "Gwen", "Huxley", "Indira", "Jovie",
)
SURNAMES = (
    "Ashcombe", "Brindlewood", "Calloway", "Dunmore", "Elsworth", "Fairbrook", "Garrowby",
    "Hollisford", "Ingleby", "Jessop", "Kettleby", "Larkmoor", "Merriweather", "Northcott",
    "Oakhurst", "Pembrook", "Quenby", "Ravenhill", "Stillwater", "Thornbury", "Underwood",
    "Vantreese", "Whitlock", "Yarrowby", "Zellmere", "Abernath", "Birchall", "Coldwell",
    "Drayfield", "Emberly", "Foxhollow", "Greystone", "Harrowgate", "Ironside", "Juniperlee",
    "Kingsmere", "Lockridge", "Mossgrove", "Netherby", "Orchardson", "Pickering", "Quarrington",
    "Redfern", "Saltmarsh", "Tillbrook", "Upworth", "Vexley", "Wickham", "Yelland", "Ashgrove",
    "Bellweather", "Cranmoor", "Dewhurst", "Edgecombe", "Fennimore", "Goldthwaite", "Hawkesley",
    "Ivesbury", "Kinloch", "Lindqvist-Hale", "Marchbanks", "Nightingale-Ross", "Oldacre",
    "Penhallow", "Rookwood", "Sedgewick", "Tavernier", "Winterbourne", "Ashdown", "Blackwater",
)
FOSTER_FAMILIES = (
    "Applewhite", "Bramblett", "Copperfield", "Delacroix", "Evergreen", "Featherstone",
    "Gladwell", "Honeycutt", "Inglewood", "Jolliffe", "Kindred", "Lovejoy", "Meadowcroft",
    "Nettleton", "Oakenfold", "Prosperi", "Quickwater", "Rosewood", "Summerfield", "Truelove",
)
GROUP_HOMES = ("Desert Willow Group Home", "Palo Verde Youth Home", "Mesquite Ridge Group Home")
SHELTERS = ("Crossroads Children's Shelter", "Harbor Light Youth Shelter")
RESIDENTIAL = ("Canyon Crest Residential Treatment Center",)

STAFF = (
    # staff_id, name, role, unit_id
    ("SV01", "Marisol Brandtner", StaffRole.SUPERVISOR, "U1"),
    ("SP01", "Dana Whitfield-Ames", StaffRole.SPECIALIST, "U1"),
    ("SP02", "Oscar Penrose", StaffRole.SPECIALIST, "U1"),
    ("SP03", "Lena Castellano", StaffRole.SPECIALIST, "U1"),
    ("SP04", "Rupert Achebe-Lind", StaffRole.SPECIALIST, "U1"),
    ("SV02", "Terrence Okonkwo-Hale", StaffRole.SUPERVISOR, "U2"),
    ("SP05", "Priya Vandermeer", StaffRole.SPECIALIST, "U2"),
    ("SP06", "Malcolm Sorensby", StaffRole.SPECIALIST, "U2"),
    ("SP07", "Giselle Marchetti", StaffRole.SPECIALIST, "U2"),
    ("SP08", "Hector Lindqvist", StaffRole.SPECIALIST, "U2"),
    ("SV03", "Helen Vasquez-Reed", StaffRole.SUPERVISOR, "U3"),
    ("SP09", "Aurelio Banerjee", StaffRole.SPECIALIST, "U3"),
    ("SP10", "Nadia Kowalczyk-Fray", StaffRole.SPECIALIST, "U3"),
    ("SP11", "Jonah Featherly", StaffRole.SPECIALIST, "U3"),
    ("SP12", "Beatriz Oyelaran", StaffRole.SPECIALIST, "U3"),
    ("PM01", "Gordon Ashby-Mensah", StaffRole.MANAGER, None),
)
UNITS = (
    ("U1", "Cottonwood Unit", "North Region"),
    ("U2", "Ironwood Unit", "North Region"),
    ("U3", "Saguaro Unit", "Central Region"),
)
SUPERVISOR_OF = {"U1": "SV01", "U2": "SV02", "U3": "SV03"}
UNIT_OF = {staff_id: unit_id for staff_id, _name, _role, unit_id in STAFF}
SPECIALISTS = tuple(s[0] for s in STAFF if s[2] is StaffRole.SPECIALIST)


# --- the model the builder works with (ids are given at the end) ---------------------------

@dataclass(eq=False)
class Person:
    first_name: str
    last_name: str
    birth_date: date
    person_id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(eq=False)
class Member:
    person: Person
    role: Role
    alleged_victim: bool = False
    alleged_perpetrator: bool = False
    resides_in_home: bool = False
    rights_terminated_on: date | None = None
    whereabouts_unknown: bool = False
    incarcerated: bool = False
    joined_on: date | None = None
    left_on: date | None = None


@dataclass(eq=False)
class Placement:
    child: Person
    location_type: LocationType
    location_name: str | None
    start_on: date
    end_on: date | None = None
    placement_id: str = ""

    def in_effect_on(self, day: date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)


@dataclass(eq=False)
class Note:
    case: "Case"
    at: datetime  # local wall time in the database time zone
    note_type: str
    method: Method
    location: Location | None
    contacts: list[Person]
    text: str
    locate_for: Person | None = None
    note_id: str = ""


@dataclass(eq=False)
class Case:
    case_type: CaseType
    specialist_id: str
    opened_on: date
    closed_on: date | None = None
    members: list[Member] = field(default_factory=list)
    links: list[tuple[Person, Person]] = field(default_factory=list)  # (parent, child)
    goals: list[tuple[Person, Goal, date]] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    #: from this month on the scenario writes the person's notes itself
    manual_from: dict[Person, Month] = field(default_factory=dict)
    #: single months in which the person is left out of the routine visits
    skip: set[tuple[Person, Month]] = field(default_factory=set)
    #: the scenario this case demonstrates ("" for an ordinary case)
    label: str = ""
    case_id: str = ""

    # building
    def add(self, person: Person, role: Role, **flags) -> Member:
        member = Member(person, role, **flags)
        self.members.append(member)
        return member

    def link(self, parents: Iterable[Person], children: Iterable[Person]) -> None:
        children = list(children)
        for parent in parents:
            for child in children:
                self.links.append((parent, child))

    def goal(self, children: Iterable[Person], goal: Goal, effective_on: date) -> None:
        for child in children:
            self.goals.append((child, goal, effective_on))

    def place(self, children: Iterable[Person], location_type: LocationType, name: str | None,
              start_on: date, end_on: date | None = None) -> None:
        for child in children:
            self.placements.append(Placement(child, location_type, name, start_on, end_on))

    def manual(self, person: Person, from_month: Month) -> None:
        self.manual_from[person] = from_month

    # looking things up
    def member(self, person: Person) -> Member:
        return next(m for m in self.members if m.person is person)

    def open_days(self, month: Month) -> tuple[date, date] | None:
        first = max(month.start, self.opened_on)
        last = month.end if self.closed_on is None else min(month.end, self.closed_on)
        return (first, last) if first <= last else None

    def placement_on(self, child: Person, day: date) -> Placement | None:
        return next((p for p in self.placements if p.child is child and p.in_effect_on(day)), None)

    def on_case(self, member: Member, day: date) -> bool:
        joined = member.joined_on or self.opened_on
        return (joined <= day and (member.left_on is None or day <= member.left_on)
                and member.person.birth_date <= day)

    def routine(self, member: Member, month: Month, day: date) -> bool:
        """Whether the routine visits of `month` include the member (on `day`)."""
        manual = self.manual_from.get(member.person)
        if manual is not None and month >= manual:
            return False
        return (member.person, month) not in self.skip and self.on_case(member, day)


# --- note texts ------------------------------------------------------------------------------

PLACEMENT_VISIT_TEXTS = (
    "Monthly visit with {names} at {place}. Appeared healthy and well cared for; talked about school and weekend plans.",
    "Visited {names} at {place}. Reviewed the caregiver's report on routines, school and appointments; no concerns raised.",
    "Saw {names} at {place}. Talked privately about how things are going; the room and supplies were in order.",
    "Monthly contact with {names} at {place}. Discussed visits with family and upcoming appointments.",
)
SCHOOL_VISIT_TEXTS = (
    "Met {names} at school during lunch. Talked about classes and friends; teacher reports steady attendance.",
)
IN_HOME_VISIT_TEXTS = (
    "Home visit with {names}. The home was clean and stocked; reviewed the safety plan and upcoming appointments.",
    "Visited {names} in the home. Discussed progress on in-home services and the children's school routines.",
    "Monthly home visit with {names}. Walked through the home; no safety concerns observed.",
)
PARENT_VISIT_TEXTS = {
    Location.HOME: (
        "Visited {names} at home. Reviewed case plan progress: parenting class attendance and drug testing.",
        "Home visit with {names}. Talked about the visit schedule with the children and services in place.",
    ),
    Location.OFFICE: (
        "Met with {names} at the office. Reviewed case plan tasks and the next family visit.",
        "Office meeting with {names}. Went over service referrals and the court timeline.",
    ),
    Location.COMMUNITY: (
        "Met {names} at a coffee shop near work. Reviewed case plan progress and transportation for visits.",
    ),
}
PHONE_TEXTS = (
    "Phone call with {names} to confirm the next visit and check on services.",
    "Returned a call from {names}; answered questions about the visit schedule.",
)
OUT_OF_STATE_TEXTS = (
    "Monthly phone call with {names} and the caregiver. Doing well in school; no concerns reported.",
    "Video call with {names} and the caregiver. Talked about school and activities; child appeared well.",
)
COURT_TEXTS = (
    "Review hearing; {names} present. The court affirmed the current case plan.",
    "Attended the report and review hearing with {names}. Next hearing set in three months.",
)
VOLUNTARY_TEXTS = (
    "Home visit with {names}. Reviewed the in-home service goals; the family is engaged.",
    "Monthly home visit with {names}. Talked about the budget plan and the children's routines.",
    "Visited {names} at home. Services are on track; no safety concerns observed.",
)


def names_of(people: Iterable[Person]) -> str:
    names = [p.first_name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def at(text: str) -> datetime:
    """`YYYY-MM-DD HH:MM` local wall time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def d(text: str) -> date:
    return date.fromisoformat(text)


def months_from(first: Month, last: Month) -> list[Month]:
    months = []
    while first <= last:
        months.append(first)
        first = first.next()
    return months


def utc_stamp(local: str) -> str:
    """A record timestamp as the record services write it (UTC, ISO 8601)."""
    return pendulum.parse(local, tz=TIMEZONE).in_tz("UTC").to_iso8601_string()


# --- the builder ---------------------------------------------------------------------------

@dataclass
class ExceptionRecord:
    case: Case
    person: Person
    category: ExceptionCategory
    reason: str
    start_month: Month
    end_month: Month
    review_on: date
    created_at: str  # local `YYYY-MM-DD HH:MM`


@dataclass
class PlanRecord:
    case: Case
    parent: Person
    frequency_months: int
    methods: tuple[Method, ...]
    arrangements: str
    start_month: Month
    end_month: Month | None
    review_on: date
    created_at: str


@dataclass
class StaffingNoteRecord:
    case: Case
    person: Person | None
    month: Month
    reason_code: StaffingReasonCode
    text: str
    created_at: str


@dataclass
class NextStepRecord:
    case: Case
    person: Person | None
    text: str
    due_on: date
    created_at: str
    done_at: str | None = None


class NameQueue:
    """Names in a shuffled order, each reused only after all the others have been."""

    def __init__(self, names: Iterable[str], rng: random.Random) -> None:
        self._queue = list(names)
        rng.shuffle(self._queue)

    def take(self, avoid: Iterable[str] = ()) -> str:
        avoid = set(avoid)
        name = next(n for n in reversed(self._queue) if n not in avoid)
        self._queue.remove(name)
        self._queue.insert(0, name)
        return name


class SampleBuilder:
    """Generates the fictional agency: people, cases, placements, notes and records."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.cases: list[Case] = []
        self.notes: list[Note] = []
        self.exceptions: list[ExceptionRecord] = []
        self.plans: list[PlanRecord] = []
        self.staffing_notes: list[StaffingNoteRecord] = []
        self.next_steps: list[NextStepRecord] = []
        self._surnames = NameQueue(SURNAMES, self.rng)
        self._foster_families = NameQueue(FOSTER_FAMILIES, self.rng)
        self._first_names = {names: NameQueue(names, self.rng) for names in (FEMININE, MASCULINE, CHILDREN)}
        self._used_minutes: dict[Case, set[str]] = {}

    # people ---------------------------------------------------------------------------------

    def surname(self) -> str:
        return self._surnames.take()

    def birth_for_age(self, age: int, not_after: date | None = None) -> date:
        """A birth date giving `age` years on AS_OF, and on or before `not_after`."""
        latest = date(AS_OF.year - age, AS_OF.month, AS_OF.day)
        born = latest - timedelta(days=self.rng.randint(0, 360))
        if not_after is not None and born > not_after:
            born = not_after - timedelta(days=self.rng.randint(20, 200))
        return born

    def person(self, first_names: tuple[str, ...], last_name: str, age: int,
               not_after: date | None = None, avoid: Iterable[Person] = ()) -> Person:
        """A person aged `age` on AS_OF; no first name shared with `avoid` (siblings)."""
        first = self._first_names[first_names].take(p.first_name for p in avoid)
        return Person(first, last_name, self.birth_for_age(age, not_after))

    def children(self, last_name: str, ages: Iterable[int], born_by: date) -> list[Person]:
        kids: list[Person] = []
        for age in ages:
            kids.append(self.person(CHILDREN, last_name, age, born_by, avoid=kids))
        return kids

    def parents(self, last_name: str, kids: list[Person], *, father_surname: str | None = None) -> tuple[Person, Person]:
        oldest = max(AS_OF.year - k.birth_date.year for k in kids)
        mother = self.person(FEMININE, last_name, oldest + self.rng.randint(19, 30))
        father = self.person(MASCULINE, father_surname or last_name, oldest + self.rng.randint(20, 34))
        return mother, father

    # placement names ------------------------------------------------------------------------

    def foster_home(self) -> str:
        return f"{self._foster_families.take()} foster home"

    # cases ----------------------------------------------------------------------------------

    def case(self, case_type: CaseType, specialist_id: str, opened_on: date, closed_on: date | None = None,
             label: str = "") -> Case:
        case = Case(case_type, specialist_id, opened_on, closed_on, label=label)
        self.cases.append(case)
        self._used_minutes[case] = set()
        return case

    def dependency_family(self, specialist_id: str, opened_on: date, ages: list[int], *,
                          closed_on: date | None = None, label: str = "",
                          father_role: Role | None = Role.PARENT, father_resides: bool = True,
                          mother_resides: bool = True) -> tuple[Case, Person, Person | None, list[Person]]:
        """A dependency case with a mother, (optionally) a father and children, goal reunification."""
        last = self.surname()
        case = self.case(CaseType.DEPENDENCY, specialist_id, opened_on, closed_on, label)
        kids = self.children(last, ages, opened_on - timedelta(days=30))
        mother, father = self.parents(last, kids, father_surname=None if father_resides else self.surname())
        case.add(mother, Role.PARENT, resides_in_home=mother_resides)
        parents = [mother]
        if father_role is not None:
            case.add(father, father_role, resides_in_home=father_resides)
            parents.append(father)
        else:
            father = None
        for kid in kids:
            case.add(kid, Role.CHILD, resides_in_home=False)
        case.link(parents, kids)
        case.goal(kids, Goal.REUNIFICATION, opened_on)
        return case, mother, father, kids

    # notes ----------------------------------------------------------------------------------

    def note(self, case: Case, when: datetime | str, note_type: str, method: Method,
             location: Location | None, contacts: Iterable[Person], text: str,
             locate_for: Person | None = None) -> Note:
        when = at(when) if isinstance(when, str) else when
        contacts = list(contacts)
        day = when.date()
        # Catch a scenario mistake here, with the case in hand, rather than as an import error.
        assert when <= NOW.naive(), f"note in the future: {when}"
        assert case.opened_on <= day and (case.closed_on is None or day <= case.closed_on), (case.label, when)
        for person in contacts:
            assert case.on_case(case.member(person), day), (case.label, person.name, when)
        assert (method is Method.IN_PERSON) == (location is not None), (case.label, when)
        note = Note(case, when, note_type, method, location, contacts, text, locate_for)
        self._used_minutes[case].add(when.strftime("%Y-%m-%dT%H:%M"))
        self.notes.append(note)
        return note

    def visit_time(self, case: Case, month: Month, first: date, last: date) -> datetime | None:
        """When a routine visit of `month` happened; None when it has not (yet)."""
        # Scenario cases miss only what their scenario says, so each shows its rule alone.
        if month < NOVEMBER and self.rng.random() < MISSED_VISIT_RATE and not case.label:
            return None
        for _ in range(20):
            day = first + timedelta(days=self.rng.randint(0, (last - first).days))
            when = datetime(day.year, day.month, day.day, self.rng.randint(8, 16), self.rng.choice((0, 15, 30, 45)))
            if when.strftime("%Y-%m-%dT%H:%M") not in self._used_minutes[case]:
                break
        return when if when <= NOW.naive() else None

    # routine visits -------------------------------------------------------------------------

    def routine_visits(self, case: Case) -> None:
        """The ordinary monthly contacts of docs/policy.md "The visit policy" for every month of the history."""
        first_month = max(HISTORY_START, Month.of(case.opened_on))
        last_month = NOVEMBER if case.closed_on is None else min(NOVEMBER, Month.of(case.closed_on))
        court_phase = self.rng.randint(0, 2)
        for index, month in enumerate(months_from(first_month, last_month)):
            days = case.open_days(month)
            if days is None:
                continue
            if case.case_type is CaseType.DEPENDENCY:
                self._dependency_month(case, month, days, court=(index % 3 == court_phase))
            elif case.case_type is CaseType.VOLUNTARY:
                self._voluntary_month(case, month, days)

    def _routine_parents(self, case: Case, month: Month, day: date) -> list[Member]:
        return [
            m for m in case.members
            if m.role.is_parent and case.routine(m, month, day) and not m.whereabouts_unknown
            and not m.incarcerated and (m.rights_terminated_on is None or m.rights_terminated_on > day)
        ]

    def _dependency_month(self, case: Case, month: Month, days: tuple[date, date], *, court: bool) -> None:
        rng = self.rng
        seen_at_home: set[Person] = set()
        # Children: one visit per placement (siblings placed together are seen together).
        middle = min(days[0] + timedelta(days=(days[1] - days[0]).days // 2), days[1])
        groups: dict[tuple[LocationType, str | None], list[Person]] = {}
        for m in case.members:
            if m.role is Role.CHILD and case.routine(m, month, middle):
                placement = case.placement_on(m.person, middle)
                key = (placement.location_type, placement.location_name) if placement else (LocationType.IN_HOME, None)
                groups.setdefault(key, []).append(m.person)
        for (location_type, place), kids in groups.items():
            when = self.visit_time(case, month, *days)
            if when is None or location_type is LocationType.RUNAWAY:
                continue
            kids = [k for k in kids if case.on_case(case.member(k), when.date())]
            if not kids:
                continue
            if location_type is LocationType.OUT_OF_STATE:
                method = rng.choice((Method.PHONE, Method.VIDEO))
                self.note(case, when, "phone_call", method, None, kids,
                          OUT_OF_STATE_TEXTS[method is Method.VIDEO].format(names=names_of(kids)))
            elif location_type in (LocationType.IN_HOME, LocationType.TRIAL_HOME_VISIT):
                parents = [m.person for m in self._routine_parents(case, month, when.date()) if m.resides_in_home]
                seen_at_home.update(parents)
                self.note(case, when, "home_visit", Method.IN_PERSON, Location.HOME, kids + parents,
                          rng.choice(IN_HOME_VISIT_TEXTS).format(names=names_of(kids + parents)))
            elif rng.random() < 0.08 and all(AS_OF.year - k.birth_date.year >= 6 for k in kids):
                self.note(case, when, "school_visit", Method.IN_PERSON, Location.SCHOOL, kids,
                          rng.choice(SCHOOL_VISIT_TEXTS).format(names=names_of(kids)))
            else:
                self.note(case, when, "placement_visit", Method.IN_PERSON, Location.PLACEMENT, kids,
                          rng.choice(PLACEMENT_VISIT_TEXTS).format(names=names_of(kids), place=place or "the placement"))
        # Parents: the couple living together is seen together, a parent living elsewhere alone.
        parents = [m for m in self._routine_parents(case, month, middle) if m.person not in seen_at_home]
        households = [[m.person for m in parents if m.resides_in_home]] + [[m.person] for m in parents if not m.resides_in_home]
        for household in households:
            if not household:
                continue
            when = self.visit_time(case, month, *days)
            if when is None:
                continue
            household = [p for p in household if case.on_case(case.member(p), when.date())]
            location = rng.choice((Location.HOME, Location.HOME, Location.OFFICE, Location.OFFICE, Location.COMMUNITY))
            note_type = {Location.HOME: "home_visit", Location.OFFICE: "office_visit"}.get(location, "community_contact")
            self.note(case, when, note_type, Method.IN_PERSON, location, household,
                      rng.choice(PARENT_VISIT_TEXTS[location]).format(names=names_of(household)))
        # Review hearings every three months, and the odd phone call.
        if court and days == (month.start, month.end):
            when = self.visit_time(case, month, *days)
            present = [m.person for m in self._routine_parents(case, month, middle) if rng.random() < 0.85]
            if when is not None and present:
                self.note(case, when, "court", Method.IN_PERSON, Location.COURT, present,
                          rng.choice(COURT_TEXTS).format(names=names_of(present)))
        for m in self._routine_parents(case, month, middle):
            if rng.random() < 0.2:
                when = self.visit_time(case, month, *days)
                if when is not None:
                    self.note(case, when, "phone_call", Method.PHONE, None, [m.person],
                              rng.choice(PHONE_TEXTS).format(names=m.person.first_name))

    def _voluntary_month(self, case: Case, month: Month, days: tuple[date, date]) -> None:
        when = self.visit_time(case, month, *days)
        if when is not None:
            household = [m.person for m in case.members if m.resides_in_home and case.routine(m, month, when.date())]
            if household:
                self.note(case, when, "home_visit", Method.IN_PERSON, Location.HOME, household,
                          self.rng.choice(VOLUNTARY_TEXTS).format(names=names_of(household)))
        for m in case.members:
            if m.role.is_parent and not m.resides_in_home and self.rng.random() < 0.4:
                when = self.visit_time(case, month, *days)
                if when is not None and case.routine(m, month, when.date()):
                    self.note(case, when, "phone_call", Method.PHONE, None, [m.person],
                              f"Phone call with {m.person.first_name} about the children's schedule and visits.")

    # scenario helpers -------------------------------------------------------------------------

    def monthly(self, case: Case, months: Iterable[Month], day: int, hour: int,
                write: Callable[[datetime], None]) -> None:
        for month in months:
            when = datetime(month.year, month.month, min(day, month.end.day), hour, 0)
            days = case.open_days(month)
            if days is not None and days[0] <= when.date() <= days[1] and when <= NOW.naive():
                write(when)

    # app records ----------------------------------------------------------------------------

    def exception(self, *args, **kwargs) -> ExceptionRecord:
        record = ExceptionRecord(*args, **kwargs)
        self.exceptions.append(record)
        return record

    def plan(self, *args, **kwargs) -> PlanRecord:
        record = PlanRecord(*args, **kwargs)
        self.plans.append(record)
        return record

    def staffing_note(self, *args, **kwargs) -> StaffingNoteRecord:
        record = StaffingNoteRecord(*args, **kwargs)
        self.staffing_notes.append(record)
        return record

    def next_step(self, *args, **kwargs) -> NextStepRecord:
        record = NextStepRecord(*args, **kwargs)
        self.next_steps.append(record)
        return record


# --- scenario cases: one per rule of docs/policy.md "Evaluating a month" ----------------------------
#
# Each builds one case whose October and/or November 2026 rows show a given
# status, reason or flag; everyone else on the case is visited routinely.

def scenario_runaway_with_locate_efforts(b: SampleBuilder) -> None:
    """Teen on runaway since September; calls and searches documented → explained."""
    case, mother, father, kids = b.dependency_family(
        "SP01", d("2025-08-14"), [15, 9], father_role=Role.ALLEGED_PARENT, father_resides=False,
        label="runaway youth, locate efforts documented")
    teen, sibling = kids
    case.place([teen, sibling], LocationType.SHELTER, SHELTERS[0], d("2025-08-14"), d("2025-08-29"))
    home = b.foster_home()
    case.place([sibling], LocationType.FOSTER_HOME, home, d("2025-08-30"))
    case.place([teen], LocationType.FOSTER_HOME, home, d("2025-08-30"), d("2026-03-10"))
    case.place([teen], LocationType.GROUP_HOME, GROUP_HOMES[1], d("2026-03-11"), d("2026-09-25"))
    case.place([teen], LocationType.RUNAWAY, None, d("2026-09-26"))
    case.manual(teen, Month(2026, 9))
    b.note(case, "2026-09-10 15:30", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, [teen],
           f"Monthly visit with {teen.first_name} at {GROUP_HOMES[1]}. Talked about school and a job search.")
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
        "SP02", d("2025-05-02"), [16], father_role=None, label="runaway youth, no locate efforts")
    teen = kids[0]
    case.place([teen], LocationType.GROUP_HOME, GROUP_HOMES[0], d("2025-05-02"), d("2026-09-28"))
    case.place([teen], LocationType.RUNAWAY, None, d("2026-09-29"), d("2026-11-08"))
    case.place([teen], LocationType.SHELTER, SHELTERS[1], d("2026-11-09"))
    case.manual(teen, Month(2026, 9))
    b.note(case, "2026-09-09 16:00", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, [teen],
           f"Visited {teen.first_name} at {GROUP_HOMES[0]}. Talked about school attendance and house rules.")
    b.note(case, "2026-11-09 16:15", "placement_visit", Method.IN_PERSON,
           Location.PLACEMENT, [teen],
           f"{teen.first_name} was picked up by police on 11/8 and placed at {SHELTERS[1]}. Met with the youth there.")
    step = b.next_step(case, teen, f"Document locate efforts for {teen.first_name} every week while on runaway.",
                       d("2026-10-31"), "2026-10-20 14:00")
    step.done_at = "2026-11-10 09:00"


def scenario_in_person_while_runaway(b: SampleBuilder) -> None:
    """Seen in person on a day the placement directory shows runaway → flag in_person_while_runaway."""
    case, mother, father, kids = b.dependency_family(
        "SP03", d("2026-01-20"), [14, 11], label="seen while the directory shows runaway")
    teen, sibling = kids
    home = b.foster_home()
    case.place([teen, sibling], LocationType.FOSTER_HOME, home, d("2026-01-20"), d("2026-06-30"))
    case.place([sibling], LocationType.FOSTER_HOME, home, d("2026-07-01"))
    case.place([teen], LocationType.GROUP_HOME, GROUP_HOMES[2], d("2026-07-01"), d("2026-10-11"))
    case.place([teen], LocationType.RUNAWAY, None, d("2026-10-12"), d("2026-10-30"))
    case.place([teen], LocationType.GROUP_HOME, GROUP_HOMES[2], d("2026-10-31"))
    case.skip.add((teen, OCTOBER))
    b.note(case, "2026-10-13 09:00", "locate_effort", Method.PHONE, None, [],
           f"Called the group home staff and two friends' families about {teen.first_name}; no one has seen the youth.",
           locate_for=teen)
    b.note(case, "2026-10-20 14:30", "community_contact", Method.IN_PERSON, Location.COMMUNITY, [teen],
           f"Saw {teen.first_name} at the public library. Talked about returning to the group home; the youth declined and left.")
    b.note(case, "2026-10-31 11:00", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, [teen],
           f"{teen.first_name} returned to {GROUP_HOMES[2]} on 10/31. Met with the youth there.")
    b.next_step(case, teen, f"Ask the group home to confirm {teen.first_name}'s runaway dates; the directory "
                "shows runaway on 10/20 when the youth was seen.", d("2026-11-25"), "2026-11-16 10:00")


def scenario_out_of_state(b: SampleBuilder) -> None:
    """Child placed with an aunt in another state; the monthly call → met out_of_state_phone."""
    case, mother, father, kids = b.dependency_family(
        "SP04", d("2025-06-10"), [7], label="out-of-state placement, monthly call")
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
               OUT_OF_STATE_TEXTS[method is Method.VIDEO].format(names=child.first_name))

    b.monthly(case, months_from(Month(2026, 2), NOVEMBER), 8, 15, call)


def scenario_incarcerated_parent(b: SampleBuilder) -> None:
    """Father in prison, reunification goal; a letter each month → explained incarcerated_remote_contact."""
    case, mother, father, kids = b.dependency_family(
        "SP05", d("2025-09-03"), [6, 3], father_resides=False, label="incarcerated father, letters")
    case.member(father).incarcerated = True
    case.place(kids, LocationType.KINSHIP, f"Maternal grandmother ({b.person(FEMININE, mother.last_name, 60).name})",
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
        mother_resides=False, label="mother's whereabouts unknown, locate efforts")
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
        label="alleged father's whereabouts unknown, no locate efforts")
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
        "SP08", d("2026-02-09"), [10], father_resides=False, label="seen while marked whereabouts unknown")
    case.member(father).whereabouts_unknown = True
    case.place(kids, LocationType.KINSHIP, f"Paternal grandmother ({b.person(FEMININE, father.last_name, 63).name})",
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
        label="rights terminated; whereabouts unknown, goal adoption")
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
        label="goal adoption, contact plan followed")
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
        "SP05", d("2024-11-04"), [12, 9], father_resides=False, label="goal guardianship, contact plans")
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
        "SP10", d("2025-03-03"), [3], father_resides=False, label="goal adoption, no contact plan yet")
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
        "SP01", d("2026-04-08"), [8, 5], father_role=None, label="in-home case, seen at the office")
    partner = b.person(MASCULINE, b.surname(), 36)
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
    step = b.next_step(case, None, "Schedule the November visit in the family's home; October's visit was at the office.",
                       d("2026-11-07"), "2026-10-26 09:30")
    step.done_at = "2026-11-06 08:45"


def scenario_duplicate_note(b: SampleBuilder) -> None:
    """The same visit entered twice under two note types → flag duplicate_note on both children."""
    case, mother, father, kids = b.dependency_family(
        "SP07", d("2025-10-20"), [13, 10], label="the same visit entered twice")
    aunt = b.person(FEMININE, mother.last_name, 41)
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
        "SP08", d("2025-07-30"), [13], label="child exception, residential treatment")
    child = kids[0]
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-07-30"), d("2026-08-20"))
    case.place(kids, LocationType.HOSPITAL, "Mercy Ridge Children's Hospital", d("2026-08-21"), d("2026-08-27"))
    case.place(kids, LocationType.RESIDENTIAL, RESIDENTIAL[0], d("2026-08-28"))
    case.manual(child, Month(2026, 9))
    b.exception(case, child, ExceptionCategory.CHILD_IN_TREATMENT,
                "The treatment team restricts outside visitors during the first phase of the program; "
                "the specialist gets weekly updates from the therapist.",
                Month(2026, 9), Month(2026, 11), d("2026-11-20"), "2026-11-04 10:15")


def scenario_parent_exception_with_contact(b: SampleBuilder) -> None:
    """Father works out of state; exception with a call in the quarter → excused."""
    case, mother, father, kids = b.dependency_family(
        "SP03", d("2025-12-01"), [11, 7], father_resides=False, label="father out of area, exception and calls")
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
        "SP06", d("2025-04-14"), [9], father_resides=False, label="father declines, exception without calls")
    case.place(kids, LocationType.KINSHIP, f"Maternal grandfather ({b.person(MASCULINE, mother.last_name, 66).name})",
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
        "SP09", d("2025-10-06"), [6, 2], label="reason recorded at staffing")
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
        "SP12", d("2025-12-08"), [5], mother_resides=False, label="mother not seen in October")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-12-08"))
    case.skip.update({(mother, OCTOBER), (mother, NOVEMBER)})
    b.next_step(case, mother, f"See {mother.first_name} before November 20; October's visit was missed.",
                d("2026-11-20"), "2026-11-12 10:00")


def scenario_trial_home_visit(b: SampleBuilder) -> None:
    """Children home on a trial home visit: still out-of-home care, seen monthly at home."""
    case, mother, father, kids = b.dependency_family(
        "SP12", d("2025-03-20"), [9, 4], label="trial home visit")
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2025-03-20"), d("2026-09-14"))
    case.place(kids, LocationType.TRIAL_HOME_VISIT, "Parents' home", d("2026-09-15"))


def scenario_partial_month(b: SampleBuilder) -> None:
    """Case opened October 27: the father not seen in October → not_required partial_month."""
    case, mother, father, kids = b.dependency_family(
        "SP10", d("2026-10-27"), [4, 1], father_role=Role.ALLEGED_PARENT, father_resides=False,
        label="case opened late in October")
    case.place(kids, LocationType.SHELTER, SHELTERS[0], d("2026-10-27"), d("2026-11-02"))
    case.place(kids, LocationType.FOSTER_HOME, b.foster_home(), d("2026-11-03"))
    case.skip.update((person, OCTOBER) for person in (mother, *kids))
    case.manual(father, OCTOBER)
    b.note(case, "2026-10-27 15:00", "home_visit", Method.IN_PERSON, Location.HOME, [mother, *kids],
           f"Children removed from the home under a court order; {mother.first_name} was present and given the hearing notice.")
    b.note(case, "2026-10-28 10:00", "placement_visit", Method.IN_PERSON, Location.PLACEMENT, kids,
           f"Visited {names_of(kids)} at {SHELTERS[0]}; settling in.")
    b.note(case, "2026-11-12 13:00", "office_visit", Method.IN_PERSON, Location.OFFICE, [father],
           f"Met {father.first_name} at the office; explained the dependency and referred him for paternity testing.")


def scenario_voluntary_household(b: SampleBuilder) -> None:
    """Voluntary services: non-resident father not_in_household, mother's partner no_requirement."""
    last = b.surname()
    case = b.case(CaseType.VOLUNTARY, "SP11", d("2026-06-15"), label="voluntary, parent outside the home and partner")
    kids = b.children(last, [12, 9], d("2026-05-01"))
    mother, father = b.parents(last, kids, father_surname=b.surname())
    partner = b.person(MASCULINE, b.surname(), 38)
    case.add(mother, Role.PARENT, resides_in_home=True)
    case.add(father, Role.PARENT, resides_in_home=False)
    case.add(partner, Role.SPOUSE_PARTNER, resides_in_home=True)
    for kid in kids:
        case.add(kid, Role.CHILD, resides_in_home=True)
    case.link([mother, father], kids)


def investigation(b: SampleBuilder, specialist_id: str, opened_on: date, closed_on: date | None, *,
                  victim_ages: list[int], sibling_ages: list[int] = (), perpetrator: str = "father",
                  partner: bool = False, grandparent: bool = False, label: str = "",
                  routine: bool = True) -> tuple[Case, dict[str, Person]]:
    """An investigation family; with `routine`, the usual initial contacts within days of the report."""
    rng = b.rng
    last = b.surname()
    case = b.case(CaseType.INVESTIGATION, specialist_id, opened_on, closed_on, label)
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
        people["partner"] = b.person(MASCULINE, b.surname(), AS_OF.year - mother.birth_date.year + 2)
        case.add(people["partner"], Role.SPOUSE_PARTNER, resides_in_home=True,
                 alleged_perpetrator=perpetrator == "partner")
    if grandparent:
        people["grandparent"] = b.person(FEMININE, last, 64)
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
                            label="investigation closed without interviewing the father", routine=False)
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
                            label="investigation, stepfather interviewed by phone", routine=False)
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
                            label="new investigation, home visit pending", routine=False)
    case.member(p["father"]).resides_in_home = True
    b.note(case, "2026-11-13 10:00", "interview", Method.IN_PERSON, Location.SCHOOL, [p["victim0"], p["sibling0"]],
           f"Interviewed {names_of([p['victim0'], p['sibling0']])} separately at school.")


def scenario_investigation_entry_refused(b: SampleBuilder) -> None:
    """Family refused entry; the reason recorded at staffing explains the case-level home_visit row."""
    case, p = investigation(b, "SP11", d("2026-11-04"), None, victim_ages=[14], perpetrator="partner",
                            partner=True, label="investigation, family refused entry", routine=False)
    mother, victim = p["mother"], p["victim0"]
    b.note(case, "2026-11-04 13:30", "interview", Method.IN_PERSON, Location.SCHOOL, [victim],
           f"Interviewed {victim.first_name} at school about the report.")
    b.note(case, "2026-11-06 16:00", "home_visit", Method.IN_PERSON, Location.OTHER, [mother],
           f"Attempted home visit. {mother.first_name} spoke with the specialist at the door and declined entry.")
    b.staffing_note(case, None, NOVEMBER, StaffingReasonCode.WORKER_SAFETY,
                    "Family declined entry on 11/6; a joint home visit with law enforcement is set for 11/20.",
                    "2026-11-09 11:00")


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
)


# --- ordinary cases ---------------------------------------------------------------------------

def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


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
        case.place(kids, LocationType.SHELTER, rng.choice(SHELTERS), start, end)
        start = end + timedelta(days=1)
    reunify = rng.random() < 0.35 and opened < d("2025-12-01")
    reunify_on = random_day(rng, max(opened + timedelta(days=240), d("2025-10-15")), d("2026-07-31")) if reunify else None
    while True:
        if max(ages) >= 13 and rng.random() < 0.3:
            location_type, name = LocationType.GROUP_HOME, rng.choice(GROUP_HOMES)
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
        case.add(b.person(FEMININE, last, rng.randint(55, 70)), Role.OTHER_ADULT, resides_in_home=True)
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


# --- ids and CSV rows ---------------------------------------------------------------------------

def assign_ids(b: SampleBuilder) -> None:
    """Number cases by opening date, then people, placements and notes in reading order."""
    b.cases.sort(key=lambda c: (c.opened_on, c.specialist_id, c.label))
    person_number = 0
    for number, case in enumerate(b.cases, start=1):
        case.case_id = f"C{1000 + number}"
        for member in case.members:
            if not member.person.person_id:
                person_number += 1
                member.person.person_id = f"P{2000 + person_number}"
    number = 0
    for case in b.cases:
        for placement in sorted(case.placements, key=lambda p: (p.child.person_id, p.start_on)):
            number += 1
            placement.placement_id = f"PL{number:04d}"
    b.notes.sort(key=lambda n: (n.at, n.case.case_id, n.note_type))
    for number, note in enumerate(b.notes, start=1):
        note.note_id = f"N{number:05d}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def csv_files(b: SampleBuilder) -> dict[str, list[dict[str, str]]]:
    """The ten import files of docs/data.md as rows of CSV strings."""
    files: dict[str, list[dict]] = {name: [] for name in (
        "units.csv", "staff.csv", "cases.csv", "people.csv", "case_members.csv", "parent_child.csv",
        "permanency_goals.csv", "placements.csv", "notes.csv", "note_contacts.csv")}
    files["units.csv"] = [dict(unit_id=u, name=n, region=r) for u, n, r in UNITS]
    files["staff.csv"] = [dict(staff_id=s, name=n, role=r, unit_id=u) for s, n, r, u in STAFF]
    people: dict[str, Person] = {}
    for case in b.cases:
        files["cases.csv"].append(dict(case_id=case.case_id, case_type=case.case_type, specialist_id=case.specialist_id,
                                       opened_on=case.opened_on, closed_on=case.closed_on))
        for m in case.members:
            people[m.person.person_id] = m.person
            files["case_members.csv"].append(dict(
                case_id=case.case_id, person_id=m.person.person_id, role=m.role, alleged_victim=m.alleged_victim,
                alleged_perpetrator=m.alleged_perpetrator, resides_in_home=m.resides_in_home,
                rights_terminated_on=m.rights_terminated_on, whereabouts_unknown=m.whereabouts_unknown,
                incarcerated=m.incarcerated, joined_on=m.joined_on, left_on=m.left_on))
        for parent, child in case.links:
            files["parent_child.csv"].append(dict(case_id=case.case_id, parent_id=parent.person_id, child_id=child.person_id))
        for child, goal, effective_on in case.goals:
            files["permanency_goals.csv"].append(dict(case_id=case.case_id, child_id=child.person_id, goal=goal,
                                                      effective_on=effective_on))
        for p in sorted(case.placements, key=lambda p: p.placement_id):
            files["placements.csv"].append(dict(
                placement_id=p.placement_id, case_id=case.case_id, child_id=p.child.person_id,
                location_type=p.location_type, location_name=p.location_name, start_on=p.start_on, end_on=p.end_on))
    files["people.csv"] = [
        dict(person_id=p.person_id, first_name=p.first_name, last_name=p.last_name, birth_date=p.birth_date,
             deceased_on=None)
        for _, p in sorted(people.items())
    ]
    for note in b.notes:
        files["notes.csv"].append(dict(
            note_id=note.note_id, case_id=note.case.case_id, author_id=note.case.specialist_id,
            occurred_at=note.at.strftime("%Y-%m-%dT%H:%M:%S"), note_type=note.note_type, method=note.method,
            location=note.location, locate_for=note.locate_for.person_id if note.locate_for else None, text=note.text))
        for person in sorted(note.contacts, key=lambda p: p.person_id):
            files["note_contacts.csv"].append(dict(note_id=note.note_id, person_id=person.person_id))
    return {name: [{k: _text(v) for k, v in row.items()} for row in rows] for name, rows in files.items()}


# --- generation ------------------------------------------------------------------------------------

def generate(seed: int = SEED) -> SampleBuilder:
    """The whole fictional agency, in memory."""
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
    assign_ids(b)
    return b


# --- the app's records -------------------------------------------------------------------------------

def write_records(db, b: SampleBuilder) -> None:
    """Exceptions, contact plans, staffing notes and next steps, each with its audit rows.

    Written in the order they were agreed at the staffings, so ids and audit
    rows read chronologically, through the record services (`store/records.py`)
    as the app would; only the clock and the OS user are fixed. A record they
    refuse is a bug in this builder.
    """
    from staffing_tui.store import records
    from staffing_tui.store.audit import Actor

    def approver(case: Case) -> Actor:
        unit_id = UNIT_OF[case.specialist_id]
        return Actor(SUPERVISOR_OF[unit_id], StaffRole.SUPERVISOR, unit_id, OS_USER)

    events: list[tuple[str, str, object]] = []
    events += [(r.created_at, "exceptions", r) for r in b.exceptions]
    events += [(r.created_at, "contact_plans", r) for r in b.plans]
    events += [(r.created_at, "staffing_notes", r) for r in b.staffing_notes]
    events += [(r.created_at, "next_steps", r) for r in b.next_steps]
    events += [(r.done_at, "next_steps.done", r) for r in b.next_steps if r.done_at]
    step_ids: dict[int, int] = {}
    for local, table, r in sorted(events, key=lambda e: (e[0], e[1])):
        at = utc_stamp(local)
        actor = approver(r.case)
        try:
            if table == "exceptions":
                records.create_exception(db, actor, records.ExceptionRequest(
                    r.case.case_id, r.person.person_id, str(r.category), r.reason, r.start_month, r.end_month, r.review_on),
                    at=at)
            elif table == "contact_plans":  # supersedes the parent's plan in force, as the app does
                records.create_contact_plan(db, actor, records.PlanRequest(
                    r.case.case_id, r.parent.person_id, r.frequency_months, tuple(str(m) for m in r.methods),
                    r.arrangements, r.start_month, r.end_month, r.review_on), at=at)
            elif table == "staffing_notes":
                records.add_staffing_note(db, actor, records.StaffingNoteRequest(
                    r.case.case_id, r.month, str(r.reason_code), r.text, _person_id(r)), at=at)
            elif table == "next_steps":
                step_ids[id(r)] = records.add_next_step(db, actor, records.NextStepRequest(
                    r.case.specialist_id, r.text, r.due_on, r.case.case_id, _person_id(r)), at=at)
            else:  # a next step marked done at the following staffing
                records.complete_next_step(db, actor, step_ids[id(r)], at=at)
        except UserError as exc:
            raise RuntimeError(f"the sample's {table} would be refused by the app: {exc}") from None


def _person_id(record) -> str | None:
    """The person a staffing note or next step is about (None: the whole case or caseload)."""
    return record.person.person_id if record.person else None


# --- the database --------------------------------------------------------------------------------------

def build(out: Path | str = DEFAULT_OUT, seed: int = SEED) -> Path:
    """Build the sample database at `out` (written to a temporary file, then moved into place)."""
    from staffing_tui.store.importer import import_rows

    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    b = generate(seed)
    db = open_database(tmp, create=True)
    try:
        # Recorded in `imports` at the builder's "now", by its OS user: a rebuild gives the same row.
        import_rows(db, csv_files(b), now=NOW, at=NOW.in_tz("UTC").to_iso8601_string(), os_user=OS_USER,
                    source=f"db/build_sample.py (seed {seed})")
        with db.atomic():
            set_meta(db, "as_of", AS_OF.isoformat())
            write_records(db, b)
            # The one wall-clock value in the file, pinned (in sqlite-utils' format) so that a
            # rebuild is byte-for-byte identical.
            applied_at = datetime.fromtimestamp(NOW.timestamp(), timezone.utc)
            db.execute("UPDATE _sqlite_migrations SET applied_at = ?", [str(applied_at)])
            # The data's state token (schema m006) is drawn at random by design: pinned to a hash of
            # the content, a rebuild is byte-for-byte identical and other content has another token.
            content = "\n".join(line for line in db.conn.iterdump() if not line.startswith('INSERT INTO "generation"'))
            digest = hashlib.sha256(content.encode()).digest()
            db.execute("UPDATE generation SET token = ?", [int.from_bytes(digest[:8], "big", signed=True)])
        # A self-contained file: no WAL beside it, no free pages.
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.conn.execute("VACUUM")
    finally:
        db.conn.close()
    if out.exists() and filecmp.cmp(tmp, out, shallow=False):
        # Unchanged: keep the file (and its mtime) so git shows no diff and the
        # app does not replace users' working copies of the sample.
        tmp.unlink()
        return out
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    # A WAL left by someone who opened the old file would be replayed into the new one.
    for stale in (Path(f"{out}-wal"), Path(f"{out}-shm")):
        stale.unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the fictional demo database sample.db.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write it (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    before = args.out.stat().st_mtime_ns if args.out.exists() else None
    path = build(args.out)
    what = "unchanged" if path.stat().st_mtime_ns == before else "wrote"
    print(f"{what} {path} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
