"""Deterministic synthetic agencies for `staffing-tui generate`
(README.md "Synthetic data and the benchmark").

    staffing-tui generate --db PATH --scale demo|unit|statewide --seed N [--months K]

Everything is fictional and follows from the seed: two runs with the same
scale, seed and months give the same rows (all but `generation.token`, drawn at
random by design, schema m006). The case data (the ten CSV tables
of docs/data.md) goes through `import_rows`, so it passes exactly the validation
user data passes; the app's records (exceptions, contact plans, staffing
notes, next steps) are written afterwards through the record services
(`store/records.py`), as the app writes them, each with its `audit_log` row,
at fixed times.

How the agency is simulated:

* **Families** arrive over the history (plus a cohort whose dependency case
  was already open when the history starts). A family is investigated; the
  investigation closes, or leads to a dependency case (children removed to
  shelters, foster and kinship homes, group homes — or kept at home under
  supervision) or to voluntary in-home services.
* **Dependency cases** carry what the policy is about: placement changes,
  trial home visits and reunification, goal changes to adoption, guardianship
  or APPLA, termination of parental rights, contact plans with the parents
  whose rights are intact, runaway episodes with locate efforts, out-of-state
  placements with monthly calls, incarcerated parents reached by letter,
  parents whose whereabouts are unknown, newborn siblings joining the case,
  partners leaving, rare exceptions (some revoked), staffing notes explaining
  a missed visit, and a little bad data (a duplicated note, an in-person
  contact with a child on runaway) as real databases have.
* **Notes** are simulated month by month over every open case — visits,
  calls, supervised family visits, hearings, collateral contacts, case reviews
  — so note ids follow time, as they do in a real database, and the rows are
  streamed to the importer a month at a time.
* In a small agency (`demo`, `unit`) every unit gets one family of each special
  situation (runaway with and without locate efforts, out of state, whereabouts
  unknown, incarcerated parent, adoption with a terminated parent and a contact
  plan, exception, in-home dependency, voluntary services, an open
  investigation, duplicated notes, an in-person contact claimed while on
  runaway), open in the last two months, so even `--scale unit` shows every
  status of docs/policy.md in both the last complete month and the month in progress.
  Statewide, each unit gets one of them in turn and the rates give the rest.

The data ends at `AS_OF` (stored as `meta.as_of`); the importer's "now" is
pinned to that day so a run is reproducible on any date.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pendulum
from sqlite_utils import Database

from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.store.connection import open_database, set_meta
from staffing_tui.store.importer import ImportSummary, import_rows
from staffing_tui.store.schema import IMPORT_TABLES, NEVER_DELETED

__all__ = ["AS_OF", "SCALES", "Scale", "GenerationSummary", "generate_database", "summary_line"]

TIMEZONE = "America/Phoenix"
#: The last day of the generated history (`meta.as_of`): October 2026 is the month in progress.
AS_OF = date(2026, 10, 20)
OS_USER = "staffing-tui-generate"


@dataclass(frozen=True, slots=True)
class Scale:
    """How big an agency to simulate."""

    name: str
    units: int
    specialists_per_unit: int
    #: children to create (families are added until there are this many)
    children: int
    #: months of history ending with the as-of month
    months: int
    regions: int


SCALES: dict[str, Scale] = {
    "demo": Scale("demo", units=3, specialists_per_unit=4, children=240, months=12, regions=2),
    "unit": Scale("unit", units=1, specialists_per_unit=6, children=80, months=36, regions=1),
    "statewide": Scale("statewide", units=250, specialists_per_unit=6, children=20_000, months=36, regions=10),
}


@dataclass
class GenerationSummary:
    """What a run wrote, and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# --- fictional names -------------------------------------------------------------------------

WOMEN = (
    "Abigail", "Alondra", "Amalia", "Andrea", "Angelica", "Antonia", "Beatrice", "Brenda", "Candace",
    "Carla", "Cassandra", "Cecilia", "Claudia", "Colleen", "Consuelo", "Crystal", "Deanna", "Destiny",
    "Diana", "Elena", "Elisa", "Erica", "Esther", "Eva", "Faith", "Francesca", "Gabriela", "Genevieve",
    "Hannah", "Heidi", "Irene", "Jacqueline", "Jasmine", "Jolene", "Karen", "Kayla", "Lacey", "Latisha",
    "Lillian", "Lucia", "Magdalena", "Marina", "Maxine", "Melinda", "Monique", "Naomi", "Norma",
    "Olivia", "Pamela", "Patrice", "Regina", "Renee", "Rosa", "Ruth", "Samantha", "Selena", "Sonia",
    "Stacy", "Tabitha", "Teresa", "Tiffany", "Vanessa", "Veronica", "Whitney", "Yolanda", "Zoraida",
)
MEN = (
    "Adrian", "Alberto", "Andre", "Anthony", "Armando", "Arturo", "Benjamin", "Brandon", "Carlos",
    "Cedric", "Clifford", "Cody", "Dale", "Damon", "Derek", "Dominic", "Duane", "Eduardo", "Elliott",
    "Ernesto", "Felipe", "Francisco", "Frederick", "Gerald", "Gregory", "Hector", "Isaiah", "Jamal",
    "Javier", "Jeremy", "Joaquin", "Jorge", "Julian", "Keith", "Lamar", "Leonard", "Lorenzo", "Luis",
    "Malik", "Manuel", "Martin", "Mitchell", "Nathaniel", "Norman", "Omar", "Pablo", "Randall",
    "Raymond", "Ricardo", "Roberto", "Rodney", "Russell", "Salvador", "Shane", "Terrell", "Travis",
    "Trevor", "Troy", "Victor", "Wesley", "Willis", "Yusef",
)
KIDS = (
    "Aaliyah", "Alejandro", "Amelia", "Angel", "Aria", "Aubrey", "Austin", "Avery", "Bentley", "Brooklyn",
    "Camila", "Carter", "Chloe", "Christian", "Daniel", "Diego", "Dylan", "Elena", "Eli", "Emily",
    "Emma", "Ethan", "Evelyn", "Gabriel", "Genesis", "Grayson", "Hailey", "Hudson", "Isabella", "Jace",
    "Jayden", "Jordan", "Josiah", "Julian", "Kaylee", "Kevin", "Khloe", "Landon", "Layla", "Liam",
    "Lily", "Logan", "Lucas", "Madison", "Mason", "Mia", "Miguel", "Natalia", "Nevaeh", "Noah",
    "Paisley", "Parker", "Riley", "Ryan", "Samuel", "Savannah", "Scarlett", "Sebastian", "Skylar",
    "Sofia", "Stella", "Valentina", "Victoria", "Xavier", "Zion", "Zoey", "Adriana", "Brayden",
    "Cameron", "Dakota", "Emilio", "Fatima", "Giovanni", "Harmony", "Ivan", "Jazmin", "Kaden",
)
SURNAMES = (
    "Abernathy", "Acosta", "Aldridge", "Alvarado", "Ambrose", "Archuleta", "Ashworth", "Baca", "Bancroft",
    "Barela", "Beasley", "Benally", "Birch", "Blackhorse", "Bramwell", "Burciaga", "Cadena", "Calhoun",
    "Carrasco", "Castaneda", "Chee", "Cisneros", "Coldiron", "Contreras", "Crowder", "Dabney", "Delgado",
    "Dockery", "Duarte", "Ebersole", "Echols", "Escalante", "Espinoza", "Fairchild", "Fenwick", "Figueroa",
    "Fonseca", "Galindo", "Gallegos", "Garfield", "Gatlin", "Goldberg", "Granados", "Haskins", "Hatathlie",
    "Hendricks", "Holguin", "Hollowell", "Huerta", "Ibarra", "Iverson", "Jaramillo", "Jessup", "Juarez",
    "Kaniho", "Keeler", "Kingsley", "Lacy", "Landeros", "Ledbetter", "Loera", "Lovato", "Maddox",
    "Madrigal", "Maldonado", "Mattingly", "Medina", "Mireles", "Montoya", "Mortensen", "Nakai", "Navarro",
    "Nez", "Nightengale", "Ochoa", "Olguin", "Orosco", "Padilla", "Pettigrew", "Quintana", "Ramsey",
    "Redhouse", "Renteria", "Rocha", "Roybal", "Saavedra", "Salcido", "Sandoval", "Santillan", "Sedillo",
    "Shorty", "Sigala", "Solano", "Stroud", "Talamantes", "Tapia", "Thibodeaux", "Tsosie", "Urias",
    "Valencia", "Vance", "Varela", "Velarde", "Villalobos", "Wainwright", "Whitehorse", "Winslow",
    "Yazzie", "Ybarra", "Zamora", "Zapata", "Zuniga",
)
PLACES = (
    "Agave", "Aspen", "Basin", "Bluebonnet", "Boulder", "Canyon", "Cholla", "Cimarron", "Coronado",
    "Cottonwood", "Desert Bloom", "Dos Rios", "Eagle Rock", "Encanto", "Foothills", "Granite", "Hacienda",
    "Ironwood", "Juniper", "Kiva", "La Paloma", "Lone Pine", "Mesa Verde", "Mesquite", "Mogollon",
    "Ocotillo", "Painted Rock", "Palo Verde", "Pinon", "Prairie", "Quail Run", "Red Rock", "Rio Salado",
    "Sage", "Saguaro", "San Pedro", "Sandstone", "Sierra", "Sonoran", "Sunrise", "Superstition",
    "Sycamore", "Tamarisk", "Tonto", "Tumbleweed", "Verde", "Vista", "Willow", "Yucca", "Zuni Trail",
)
DIRECTIONS = ("North", "South", "East", "West", "Central")
REGIONS = (
    "Northern", "Northeastern", "Eastern", "Southeastern", "Southern", "Southwestern", "Western",
    "Northwestern", "Central", "Metro",
)
GROUP_HOME_NAMES = ("Youth Home", "Group Home", "Boys Ranch", "Girls Home", "Teen Residence")
SHELTER_NAMES = ("Children's Shelter", "Youth Shelter", "Crisis Nursery", "Safe Haven Shelter")
RESIDENTIAL_NAMES = ("Residential Treatment Center", "Behavioral Health Campus", "Treatment Center")
HOSPITAL_NAMES = ("Children's Hospital", "Regional Medical Center", "Behavioral Hospital")
DETENTION_NAMES = ("Juvenile Detention Center",)
STATES = ("Colorado", "New Mexico", "Nevada", "Utah", "Texas", "California", "Oklahoma", "Washington")

# --- note texts (first names only; never a full name or a birth date) ---------------------------

T_PLACEMENT_VISIT = (
    "Monthly visit with {n} at {p}. Looked healthy and well cared for; talked about school and friends.",
    "Visited {n} at {p}. Caregiver reports a steady routine; no concerns raised in the private talk.",
    "Saw {n} at {p}. Reviewed the room, school progress and upcoming medical appointments.",
    "Monthly contact with {n} at {p}. Discussed family visits and how the week went.",
)
T_SCHOOL_VISIT = ("Met {n} at school. Talked about classes and friends; the teacher reports good attendance.",)
T_HOME_VISIT = (
    "Home visit with {n}. The home was clean and stocked; reviewed the safety plan.",
    "Visited {n} in the home. Discussed in-home services and the children's routines.",
    "Monthly home visit with {n}. Walked through the home; no safety concerns observed.",
)
T_PARENT = {
    "home": ("Visited {n} at home. Reviewed case plan progress: classes, testing and housing.",
             "Home visit with {n}. Talked about the visit schedule and services in place."),
    "office": ("Met {n} at the office. Reviewed case plan tasks and the next family visit.",
               "Office meeting with {n}. Went over service referrals and the court timeline."),
    "community": ("Met {n} at a cafe near work. Reviewed progress and transport to visits.",),
}
T_PHONE = (
    "Phone call with {n} to confirm the next visit and check on services.",
    "Returned a call from {n}; answered questions about the case plan.",
)
T_OUT_OF_STATE = (
    "Monthly call with {n} and the {p} caregiver. Doing well in school; no concerns reported.",
    "Video call with {n} and the {p} caregiver. Child appeared well and talked about activities.",
)
T_FAMILY_VISIT = ("Supervised family visit with {n} at the office. Warm greeting; played a board game together.",
                  "Supervised visit with {n}. Parent brought lunch; visit ended on time without concerns.")
T_COURT = ("Review hearing; {n} present. The court affirmed the case plan.",
           "Report and review hearing with {n} present. Next hearing set in three months.")
T_LETTER = ("Wrote to {n} at the correctional facility with an update on the children.",
            "Phone call with {n} at the facility; shared school news and the next hearing date.")
T_PRISON_VISIT = ("Visited {n} at the correctional facility; reviewed the case plan and services available inside.",)
T_COLLATERAL = (
    ("phone", None, "Call with the foster parent about the week; appointments kept, no concerns."),
    ("phone", None, "Call with the therapist; the child attends sessions and is making progress."),
    ("written", None, "Emailed the school counselor for attendance and grades."),
    ("phone", None, "Spoke with the service provider about the parent's attendance."),
    ("in_person", "school", "Met the teacher about the IEP meeting; no member of the case present."),
    ("phone", None, "Call with the substance-use treatment provider; drug screens are up to date."),
    ("written", None, "Sent the referral packet for parenting classes."),
)
T_REVIEW = ("Supervisory case review: reviewed safety, permanency and the case plan.",
            "Updated the case plan and the service referrals.",
            "Placement stability review with the licensing worker.")
T_LOCATE_CHILD = (
    "{n} still on runaway. Called the police liaison and checked the shelter lists; not located.",
    "Checked with friends and the school about {n}; no one has seen them this week.",
    "Updated the missing-child report for {n}; called the last placement.",
)
T_LOCATE_PARENT = (
    "Locate efforts for {n}: letter to the last known address, call to the last known number.",
    "Searched the parent-locate service and called relatives for {n}; no current address.",
    "Visited the last known address of {n}; neighbours have not seen them.",
)
T_INV_HOME = ("Initial response home visit; saw {n}. Assessed safety in the home.",)
T_INV_INTERVIEW = ("Interviewed {n} privately about the allegations.",
                   "Forensic interview with {n} at the advocacy center; observed by law enforcement.")
T_INV_ADULT = ("Interviewed {n} about the allegations and the family's supports.",)
T_INV_PHONE = ("Phone interview with {n}, who lives out of the home, about the allegations.",)
T_INV_COLLATERAL = ("Records request to the pediatrician.", "Call with the reporting source.",
                    "Call with law enforcement about the police report.", "School collateral call.")
T_INV_CLOSE = ("Investigation summary and findings; case closed.",)
T_VOLUNTARY = ("Home visit with {n}. Reviewed the in-home service goals; the family is engaged.",
               "Monthly home visit with {n}. Talked about the budget and the children's routines.")
T_REASONS = {
    "scheduling": "The visit was rescheduled twice by the caregiver; a visit is set for early next month.",
    "family_refused": "The family refused the visit at the door; the specialist will return with the supervisor.",
    "hospitalized": "In the hospital most of the month; the specialist spoke with the nurse instead.",
    "placement_change": "Placement changed at the end of the month; the first visit at the new home is scheduled.",
    "worker_safety": "Threats made at the last visit; the next visit will be at the office with security.",
}
PLAN_ARRANGEMENTS = (
    "Monthly call on the first Tuesday; the parent calls the office line. Interpreter booked when needed.",
    "Letters every month, forwarded by the specialist; a supervised visit at the office each quarter.",
    "Video call every other month at the library; the specialist sets up the link and supervises.",
    "Phone contact arranged through the parent's counselor; transport to a visit offered each quarter.",
)

# --- small helpers ---------------------------------------------------------------------------------

_ONE_DAY = timedelta(days=1)
#: note times: 08:00 … 16:45 in quarter hours
_TIMES = tuple(f"T{h:02d}:{m:02d}:00" for h in range(8, 17) for m in (0, 15, 30, 45))
_TEEN = 13
#: Placements a whole sibling group can share.
_FAMILY_PLACEMENTS = frozenset({"shelter", "foster_home", "kinship", "trial_home_visit", "in_home", "out_of_state"})


def _names(people: list["Person"]) -> str:
    names = [p.first for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


def _utc_stamp(day: date, hour: int = 10, minute: int = 0) -> str:
    """A record timestamp as the record services write it (UTC, ISO 8601), for a local time."""
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=TIMEZONE).in_tz("UTC").to_iso8601_string()


# --- the model -------------------------------------------------------------------------------------


class Person:
    __slots__ = ("pid", "first", "last", "birth", "deceased")

    def __init__(self, first: str, last: str, birth: date) -> None:
        self.pid = ""
        self.first = first
        self.last = last
        self.birth = birth
        self.deceased: date | None = None


class Member:
    __slots__ = ("person", "role", "victim", "perpetrator", "resides", "terminated", "unknown", "incarcerated",
                 "joined", "left")

    def __init__(self, person: Person, role: str, *, resides: bool = False, victim: bool = False,
                 perpetrator: bool = False, unknown: bool = False, incarcerated: bool = False,
                 joined: date | None = None) -> None:
        self.person = person
        self.role = role
        self.victim = victim
        self.perpetrator = perpetrator
        self.resides = resides
        self.terminated: date | None = None
        self.unknown = unknown
        self.incarcerated = incarcerated
        self.joined = joined
        self.left: date | None = None

    @property
    def is_parent(self) -> bool:
        return self.role in ("parent", "alleged_parent")

    def on_case(self, day: date, opened: date) -> bool:
        p = self.person
        return ((self.joined or opened) <= day and (self.left is None or day <= self.left)
                and p.birth <= day and (p.deceased is None or day < p.deceased))


class Placement:
    __slots__ = ("child", "kind", "name", "start", "end", "pid")

    def __init__(self, child: Person, kind: str, name: str | None, start: date, end: date | None) -> None:
        self.child = child
        self.kind = kind
        self.name = name
        self.start = start
        self.end = end
        self.pid = ""


class Case:
    __slots__ = ("cid", "kind", "specialist", "unit", "opened", "closed", "members", "links", "goals",
                 "placements", "by_child", "court_phase", "family_visits", "events", "plans", "exceptions",
                 "special")

    def __init__(self, kind: str, specialist: str, unit: int, opened: date, closed: date | None) -> None:
        self.cid = ""
        self.kind = kind
        self.specialist = specialist
        self.unit = unit
        self.opened = opened
        self.closed = closed
        self.members: list[Member] = []
        self.links: list[tuple[Person, Person]] = []
        self.goals: list[tuple[Person, str, date]] = []
        self.placements: list[Placement] = []
        self.by_child: dict[int, list[Placement]] = {}
        self.court_phase = 0
        self.family_visits = False
        #: investigation events: (day, kind, people)
        self.events: list[tuple[date, str, list[Person]]] = []
        self.plans: list[PlanSpec] = []
        self.exceptions: list[ExceptionSpec] = []
        self.special = ""

    def add(self, person: Person, role: str, **flags) -> Member:
        member = Member(person, role, **flags)
        self.members.append(member)
        return member

    def place(self, child: Person, kind: str, name: str | None, start: date, end: date | None) -> None:
        placement = Placement(child, kind, name, start, end)
        self.placements.append(placement)
        self.by_child.setdefault(id(child), []).append(placement)

    def placement_on(self, child: Person, day: date) -> Placement | None:
        for p in self.by_child.get(id(child), ()):
            if p.start <= day and (p.end is None or day <= p.end):
                return p
        return None

    def goal_on(self, child: Person, day: date) -> str:
        current, since = "reunification", None
        for kid, goal, effective in self.goals:
            if kid is child and effective <= day and (since is None or effective > since):
                current, since = goal, effective
        return current

    def open_span(self, month: Month, as_of: date) -> tuple[date, date] | None:
        first = max(month.start, self.opened)
        last = min(month.end, as_of)
        if self.closed is not None:
            last = min(last, self.closed)
        return (first, last) if first <= last else None


@dataclass
class PlanSpec:
    parent: Member
    frequency: int
    methods: tuple[str, ...]
    arrangements: str
    start: Month
    created: date
    end: Month | None = None


@dataclass
class ExceptionSpec:
    member: Member
    category: str
    reason: str
    start: Month
    end: Month
    created: date
    revoked_from: Month | None = None


@dataclass
class StaffingNoteSpec:
    case: Case
    person: Person | None
    month: Month
    reason_code: str
    created: date


@dataclass
class StepSpec:
    case: Case
    person: Person | None
    text: str
    due: date
    created: date
    done: date | None = None


# --- the simulation --------------------------------------------------------------------------------

#: Families arrive from this many days before the history starts (see `build_families`).
BURN_IN_DAYS = 300
#: The mean of `Agency.dependency_days`.
MEAN_DEPENDENCY_DAYS = 700

#: Special situations every unit gets at least one family of (the rest comes from the rates).
SPECIALS = ("runaway", "out_of_state", "whereabouts_unknown", "incarcerated", "adoption", "exception",
            "in_home", "voluntary", "investigation", "runaway_seen", "duplicate")


class Agency:
    """The generated agency: staff, families and their cases, notes and records."""

    def __init__(self, scale: Scale, seed: int, months: int | None = None, as_of: date = AS_OF) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.months_count = months or scale.months
        self.last_month = Month.of(as_of)
        self.first_month = self.last_month.shift(1 - self.months_count)
        self.history_start = self.first_month.start
        self.units: list[tuple[str, str, str]] = []
        self.staff: list[tuple[str, str, str, str | None]] = []
        self.specialists: list[list[str]] = []  # per unit
        self.supervisor: list[str] = []  # per unit
        self.people: list[Person] = []
        self.cases: list[Case] = []
        self.staffing_notes: list[StaffingNoteSpec] = []
        self.steps: list[StepSpec] = []
        self.note_count = 0
        self.contact_count = 0
        self._day_text: dict[date, str] = {}
        self._surnames = list(SURNAMES)

    # -- staff ------------------------------------------------------------------------------------

    def build_staff(self) -> None:
        rng, scale = self.rng, self.scale
        region_names = [f"{REGIONS[i % len(REGIONS)]} Region" for i in range(scale.regions)]
        unit_names = [f"{place} {direction} Unit" if scale.units > len(PLACES) else f"{place} Unit"
                      for direction in DIRECTIONS for place in PLACES]
        if scale.units <= len(PLACES):
            unit_names = [f"{place} Unit" for place in PLACES]
            rng.shuffle(unit_names)
        number = 0
        for u in range(scale.units):
            unit_id = f"U{u + 1:03d}"
            self.units.append((unit_id, unit_names[u], region_names[u % scale.regions]))
            self.supervisor.append(f"SV{u + 1:03d}")
            self.staff.append((f"SV{u + 1:03d}", self.staff_name(), "supervisor", unit_id))
            members = []
            for _ in range(scale.specialists_per_unit):
                number += 1
                staff_id = f"SP{number:04d}"
                members.append(staff_id)
                self.staff.append((staff_id, self.staff_name(), "specialist", unit_id))
            self.specialists.append(members)
        for r in range(scale.regions):
            self.staff.append((f"PM{r + 1:02d}", self.staff_name(), "manager", None))

    def staff_name(self) -> str:
        rng = self.rng
        return f"{rng.choice(WOMEN if rng.random() < 0.7 else MEN)} {rng.choice(SURNAMES)}"

    # -- people -----------------------------------------------------------------------------------

    def person(self, pool: tuple[str, ...], last: str, birth: date, avoid: list[Person] = ()) -> Person:
        rng = self.rng
        first = rng.choice(pool)
        for _ in range(3):
            if all(p.first != first for p in avoid):
                break
            first = rng.choice(pool)
        person = Person(first, last, birth)
        self.people.append(person)
        return person

    def birth_for_age(self, age: int, on: date) -> date:
        return on - timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))

    # -- families ---------------------------------------------------------------------------------

    def build_families(self) -> None:
        rng, scale = self.rng, self.scale
        children = 0
        index = 0
        # Families arrive from BURN_IN days before the history starts, so that
        # investigations and voluntary cases are already under way in its first
        # month; the dependency cases open at that point are an initial cohort
        # (length-biased, as a snapshot of open cases is), so the number of open
        # cases stays about level over the history.
        simulation_start = self.history_start - timedelta(days=BURN_IN_DAYS)
        arrival_days = (self.as_of - simulation_start).days - 3
        mean_months = MEAN_DEPENDENCY_DAYS / 30.4
        initial_share = mean_months * 0.55 / (mean_months * 0.55 + arrival_days / 30.4)
        # Small agencies get every special situation in every unit; a statewide one
        # gets one forced family per unit (the rates give the rest).
        quota = len(SPECIALS) if scale.units <= 3 else 1
        while children < scale.children:
            unit = index % scale.units
            slot = index // scale.units
            special = SPECIALS[(slot + unit) % len(SPECIALS)] if slot < quota else ""
            closed = None
            if special in ("investigation", "voluntary"):
                arrival = self.as_of - timedelta(days=rng.randint(150, 240) if special == "voluntary" else rng.randint(10, 40))
                initial = False
            elif special:
                arrival = self.as_of - timedelta(days=rng.randint(500, 900) if special == "adoption" else rng.randint(200, 900))
                initial = arrival < self.history_start
            else:
                initial = rng.random() < initial_share
                if initial:
                    length = self.dependency_days(length_biased=True)
                    arrival = simulation_start - timedelta(days=rng.randint(0, length - 1))
                    closed = arrival + timedelta(days=length)
                else:
                    arrival = simulation_start + timedelta(days=rng.randint(0, arrival_days))
            children += self.family(unit, arrival, initial, special, closed)
            index += 1

    def dependency_days(self, length_biased: bool = False) -> int:
        """How long a dependency case stays open (days)."""
        rng = self.rng
        while True:
            days = rng.choice((rng.randint(240, 600), rng.randint(360, 1000), rng.randint(600, 1400)))
            if not length_biased or rng.random() < days / 1400:
                return days

    def family(self, unit: int, arrival: date, initial: bool, special: str, closed: date | None = None) -> int:
        """One family and its cases; returns the number of children."""
        rng = self.rng
        last = rng.choice(self._surnames)
        count = rng.choices((1, 2, 3, 4, 5), (55, 27, 12, 4.5, 1.5))[0]
        if special in ("runaway", "runaway_seen"):
            ages = [rng.randint(14, 16)] + [rng.randint(3, 12) for _ in range(count - 1)]
        else:
            ages = [rng.choices(range(18), [9, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5, 5, 5, 5, 4, 4, 3, 2])[0]
                    for _ in range(count)]
        kids: list[Person] = []
        for age in sorted(ages, reverse=True):
            kids.append(self.person(KIDS, last, self.birth_for_age(age, arrival), kids))
        oldest = max(arrival.year - k.birth.year for k in kids)
        mother = self.person(WOMEN, last, self.birth_for_age(oldest + rng.randint(18, 30), arrival))
        father = None
        if rng.random() < 0.85 or special in ("incarcerated",):
            father = self.person(MEN, last if rng.random() < 0.6 else rng.choice(SURNAMES),
                                 self.birth_for_age(oldest + rng.randint(19, 34), arrival))
        alleged = None
        if rng.random() < 0.62 or special == "whereabouts_unknown":
            alleged = self.person(MEN, rng.choice(SURNAMES), self.birth_for_age(oldest + rng.randint(18, 36), arrival))
        partner = None
        if rng.random() < 0.22:
            partner = self.person(MEN, rng.choice(SURNAMES), self.birth_for_age(oldest + rng.randint(20, 40), arrival))
        elder = None
        if rng.random() < 0.14:
            elder = self.person(WOMEN, last, self.birth_for_age(oldest + rng.randint(40, 55), arrival))
        family = _Family(unit, kids, mother, father, alleged, partner, elder)
        specialists = self.specialists[unit]
        if initial:
            self.dependency(family, arrival, rng.choice(specialists), special, closed)
            return len(kids)
        inv = self.investigation(family, arrival, rng.choice(specialists), special)
        if inv.closed is None:
            return len(kids)
        outcome = special if special in ("voluntary", "investigation") else ""
        if not outcome:
            outcome = "dependency" if special else rng.choices(("dependency", "voluntary", "closed"), (58, 14, 28))[0]
        start = inv.closed + timedelta(days=rng.randint(1, 7))
        if start > self.as_of - timedelta(days=2) or outcome in ("closed", "investigation"):
            return len(kids)
        if outcome == "voluntary":
            self.voluntary(family, start, rng.choice(specialists), open_ended=special == "voluntary")
        else:
            self.dependency(family, start, rng.choice(specialists), special)
        return len(kids)

    def new_case(self, kind: str, specialist: str, unit: int, opened: date, closed: date | None) -> Case:
        if closed is not None and closed > self.as_of:
            closed = None
        case = Case(kind, specialist, unit, opened, closed)
        case.court_phase = self.rng.randint(0, 2)
        self.cases.append(case)
        return case

    # -- investigations -----------------------------------------------------------------------------

    def investigation(self, f: "_Family", opened: date, specialist: str, special: str) -> Case:
        rng = self.rng
        closed = opened + timedelta(days=rng.randint(25, 80))
        case = self.new_case("investigation", specialist, f.unit, opened, closed)
        victims = [k for k in f.kids if rng.random() < 0.8] or f.kids[:1]
        for kid in f.kids:
            case.add(kid, "child", resides=True, victim=kid in victims)
        mother = case.add(f.mother, "parent", resides=True, perpetrator=rng.random() < 0.45)
        adults = [mother]
        if f.father:
            adults.append(case.add(f.father, "parent", resides=rng.random() < 0.7, perpetrator=rng.random() < 0.45))
        if f.alleged:
            adults.append(case.add(f.alleged, "alleged_parent", perpetrator=rng.random() < 0.25))
        if f.partner:
            adults.append(case.add(f.partner, "spouse_partner", resides=True, perpetrator=rng.random() < 0.3))
        if f.elder:
            case.add(f.elder, "other_adult", resides=True)
        for parent in (f.mother, f.father, f.alleged):
            if parent:
                case.links.extend((parent, kid) for kid in f.kids)
        last = case.closed or self.as_of
        # The initial response: the home and everyone living there.
        day = opened + timedelta(days=rng.randint(0, 2))
        home = [m.person for m in case.members if m.resides]
        if rng.random() < 0.95 or special == "investigation":
            case.events.append((day, "inv_home", home))
        for kid in f.kids:
            if rng.random() < 0.93:
                case.events.append((opened + timedelta(days=rng.randint(1, 12)), "inv_child", [kid]))
        for m in adults:
            roll = rng.random()
            if not m.resides and m.role != "spouse_partner":
                if roll < 0.55:
                    case.events.append((opened + timedelta(days=rng.randint(3, 20)), "inv_phone", [m.person]))
                elif roll < 0.8:
                    case.events.append((opened + timedelta(days=rng.randint(3, 20)), "inv_adult", [m.person]))
            elif roll < 0.92:
                case.events.append((opened + timedelta(days=rng.randint(2, 15)), "inv_adult", [m.person]))
        for _ in range(rng.randint(2, 5)):
            case.events.append((opened + timedelta(days=rng.randint(1, (last - opened).days or 1)), "inv_collateral", []))
        if case.closed is not None:
            case.events.append((case.closed, "inv_close", []))
        case.events = [e for e in case.events if e[0] <= min(last, self.as_of)]
        case.events.sort(key=lambda e: e[0])
        return case

    # -- voluntary services -------------------------------------------------------------------------

    def voluntary(self, f: "_Family", opened: date, specialist: str, open_ended: bool = False) -> Case:
        rng = self.rng
        closed = None if open_ended else opened + timedelta(days=rng.randint(90, 280))
        case = self.new_case("voluntary", specialist, f.unit, opened, closed)
        for kid in f.kids:
            case.add(kid, "child", resides=True)
        case.add(f.mother, "parent", resides=True)
        if f.father:
            case.add(f.father, "parent", resides=rng.random() < 0.65)
        if f.partner:
            case.add(f.partner, "spouse_partner", resides=True)
        if f.elder:
            case.add(f.elder, "other_adult", resides=True)
        for parent in (f.mother, f.father):
            if parent:
                case.links.extend((parent, kid) for kid in f.kids)
        return case

    # -- dependency ---------------------------------------------------------------------------------

    def dependency(self, f: "_Family", opened: date, specialist: str, special: str,
                   closed: date | None = None) -> Case:
        rng = self.rng
        if special:
            closed = None  # the special situations are open in the last months
        elif closed is None:
            closed = opened + timedelta(days=self.dependency_days())
        case = self.new_case("dependency", specialist, f.unit, opened, closed)
        case.special = special
        end = case.closed or self.as_of
        in_home = special == "in_home" or (not special and rng.random() < 0.28)
        case.family_visits = not in_home and rng.random() < 0.7
        for kid in f.kids:
            case.add(kid, "child", resides=in_home)
        mother = case.add(f.mother, "parent", resides=True)
        parents = [mother]
        if f.father:
            incarcerated = special == "incarcerated" or rng.random() < 0.06
            parents.append(case.add(f.father, "parent", resides=not incarcerated and rng.random() < 0.7,
                                    incarcerated=incarcerated, unknown=not incarcerated and rng.random() < 0.04))
        if f.alleged:
            unknown = special == "whereabouts_unknown" or rng.random() < 0.3
            alleged = case.add(f.alleged, "alleged_parent", unknown=unknown,
                               incarcerated=not unknown and rng.random() < 0.08)
            parents.append(alleged)
            if not special and rng.random() < 0.2:
                # Excluded by a paternity test some months in.
                left = opened + timedelta(days=rng.randint(60, 240))
                if left < end:
                    alleged.left = left
        if f.partner and rng.random() < 0.6:
            partner = case.add(f.partner, "spouse_partner", resides=True)
            if rng.random() < 0.25:
                left = opened + timedelta(days=rng.randint(30, 300))
                if left < end:
                    partner.left = left
        if f.elder and rng.random() < 0.5:
            case.add(f.elder, "other_adult", resides=True)
        kids = list(f.kids)
        # A baby born while the case is open joins it on the day of birth.
        if not special and rng.random() < 0.05 and (end - opened).days > 150:
            birth = opened + timedelta(days=rng.randint(60, (end - opened).days - 20))
            if birth < end:
                baby = self.person(KIDS, f.mother.last, birth, kids)
                case.add(baby, "child", resides=in_home, joined=birth)
                kids.append(baby)
        for parent in parents:
            case.links.extend((parent.person, kid) for kid in kids)
        for kid in kids:
            case.goals.append((kid, "remain_with_family" if in_home else "reunification", max(opened, kid.birth)))
        self.placements(case, kids, in_home, special)
        if len(kids) == len(f.kids):  # no goal change with a newborn: every linked child shares the goal
            self.goal_change(case, kids, parents, special)
        self.records_for(case, parents, special)
        if not special and rng.random() < 0.003:
            # A parent dies while the case is open (no plan or exception of theirs is affected).
            parent = rng.choice(parents)
            day = case.opened + timedelta(days=rng.randint(30, max(31, (end - case.opened).days - 1)))
            mine = [r for r in (*case.plans, *case.exceptions) if getattr(r, "parent", None) is parent
                    or getattr(r, "member", None) is parent]
            if day < end and not mine and parent.person.deceased is None:
                parent.person.deceased = day
        return case

    def placements(self, case: Case, kids: list[Person], in_home: bool, special: str) -> None:
        rng = self.rng
        opened = case.opened
        end = case.closed
        if in_home:
            for kid in kids:
                case.place(kid, "in_home", None, max(opened, kid.birth), end)
            return
        together = rng.random() < 0.7
        plan_for_group: list[tuple[str, str | None, date, date | None]] | None = None
        for number, kid in enumerate(kids):
            start = max(opened, kid.birth)
            if together and plan_for_group is not None and kid.birth <= opened:
                for kind, name, s, e in plan_for_group:
                    case.place(kid, kind, name, s, e)
                continue
            age = (start - kid.birth).days // 365
            segments = self.placement_path(case, start, end, age, special if number == 0 else "")
            for kind, name, s, e in segments:
                case.place(kid, kind, name, s, e)
            if number == 0 and all(k in _FAMILY_PLACEMENTS for k, _n, _s, _e in segments):
                # Young siblings go where the eldest goes, unless that is a teen's placement.
                plan_for_group = segments

    def placement_path(self, case: Case, start: date, end: date | None, age: int,
                       special: str) -> list[tuple[str, str | None, date, date | None]]:
        """Consecutive placements from `start` to the end of the case (None: open)."""
        rng = self.rng
        stop = end or self.as_of
        segments: list[tuple[str, str | None, date, date | None]] = []
        day = start

        def add(kind: str, name: str | None, days: int | None) -> None:
            nonlocal day
            if day > stop:
                return
            last = None if days is None else day + timedelta(days=days - 1)
            if last is not None and last >= stop:
                last = None
            segments.append((kind, name, day, last))
            day = stop + _ONE_DAY if last is None else last + _ONE_DAY

        if rng.random() < 0.35:
            add("shelter", f"{rng.choice(PLACES)} {rng.choice(SHELTER_NAMES)}", rng.randint(3, 25))
        reunify = end is not None and rng.random() < 0.55
        home_days = rng.randint(90, 180) if reunify else 0
        if special == "out_of_state":
            add("kinship", f"{rng.choice(SURNAMES)} kinship home", rng.randint(30, 90))
            add("out_of_state", f"{rng.choice(SURNAMES)} relative home, {rng.choice(STATES)}", None)
            return segments
        if special in ("runaway", "runaway_seen"):
            # In a group home, on runaway over the last months, found, then gone again
            # (the "runaway" family: gone the whole last complete month and since).
            run_start = self.as_of - timedelta(days=rng.randint(50, 75))
            if special == "runaway":
                run_start = self.last_month.shift(-1).start - timedelta(days=rng.randint(60, 90))
            if day < run_start:
                add("group_home", f"{rng.choice(PLACES)} {rng.choice(GROUP_HOME_NAMES)}", (run_start - day).days)
            add("runaway", None, rng.randint(18, 30))
            add("shelter", f"{rng.choice(PLACES)} {rng.choice(SHELTER_NAMES)}", rng.randint(6, 12))
            if special == "runaway" and day < self.last_month.shift(-1).start:
                add("group_home", f"{rng.choice(PLACES)} {rng.choice(GROUP_HOME_NAMES)}",
                    (self.last_month.shift(-1).start - day).days - rng.randint(5, 15))
            add("runaway", None, None)
            return segments
        while day <= stop:
            remaining = (stop - day).days + 1
            if reunify and remaining <= home_days:
                add("trial_home_visit", None, max(30, remaining - rng.randint(20, 60)))
                add("in_home", None, None)
                break
            roll = rng.random()
            if age >= _TEEN and roll < 0.05:
                add("runaway", None, rng.randint(4, 45))
                add("shelter", f"{rng.choice(PLACES)} {rng.choice(SHELTER_NAMES)}", rng.randint(3, 14))
                continue
            if roll < 0.02:
                add("hospital", f"{rng.choice(PLACES)} {rng.choice(HOSPITAL_NAMES)}", rng.randint(2, 14))
                continue
            if age >= _TEEN and roll < 0.06:
                add("detention", f"{rng.choice(PLACES)} {rng.choice(DETENTION_NAMES)}", rng.randint(7, 45))
                continue
            if age >= 11 and roll < 0.09:
                add("residential", f"{rng.choice(PLACES)} {rng.choice(RESIDENTIAL_NAMES)}", rng.randint(60, 200))
                continue
            if roll < 0.11:
                add("out_of_state", f"{rng.choice(SURNAMES)} relative home, {rng.choice(STATES)}", rng.randint(120, 400))
                continue
            if age >= 12 and roll < 0.3:
                add("group_home", f"{rng.choice(PLACES)} {rng.choice(GROUP_HOME_NAMES)}", rng.randint(90, 400))
            elif age >= 17 and roll < 0.4:
                add("independent_living", f"{rng.choice(PLACES)} Transitional Apartments", rng.randint(90, 300))
            elif roll < 0.62:
                add("kinship", f"{rng.choice(SURNAMES)} kinship home", rng.randint(150, 700))
            else:
                add("foster_home", f"{rng.choice(SURNAMES)} foster home", rng.randint(120, 600))
            age += 1
        return segments

    def goal_change(self, case: Case, kids: list[Person], parents: list[Member], special: str) -> None:
        """After a year or so, some cases move to adoption, guardianship or APPLA; rights may be terminated."""
        rng = self.rng
        end = case.closed or self.as_of
        long = (end - case.opened).days > 420
        if special == "adoption":
            change = self.as_of - timedelta(days=rng.randint(200, 300))
            change = max(change, case.opened + timedelta(days=30))
        elif not special and long and rng.random() < 0.5 and not any(
                p.kind in ("trial_home_visit", "in_home") for p in case.placements):
            change = case.opened + timedelta(days=rng.randint(330, 420))
        else:
            return
        if change >= end:
            return
        oldest = min(kids, key=lambda k: k.birth)
        age = (change - oldest.birth).days // 365
        goal = "appla" if age >= 16 else ("guardianship" if rng.random() < 0.35 else "adoption")
        if special == "adoption":
            goal = "adoption"
        for kid in kids:
            if kid.birth <= change:
                case.goals.append((kid, goal, change))
        if goal != "adoption":
            return
        # Termination of parental rights some months later (the mother's always in the adoption
        # special, so that the father keeps rights and gets a contact plan).
        for parent in parents:
            if parent.left is not None:
                continue
            if special == "adoption" and parent.person is not parents[0].person:
                continue
            if rng.random() < 0.8 or special == "adoption":
                # (In the adoption special, before the last two months, so that they show it.)
                terminated = change + timedelta(days=rng.randint(60, 110) if special else rng.randint(90, 240))
                if terminated <= end:
                    parent.terminated = terminated

    def records_for(self, case: Case, parents: list[Member], special: str) -> None:
        """Contact plans for parents whose children's goal is no longer reunification; exceptions."""
        rng = self.rng
        end = min(case.closed or self.as_of, self.as_of)
        changes = [effective for _kid, goal, effective in case.goals if goal not in ("reunification", "remain_with_family")]
        if changes:
            change = min(changes)
            for parent in parents:
                if parent.unknown or parent.left is not None:
                    continue
                if rng.random() < 0.12 and special != "adoption":
                    continue  # never got a plan: "no contact plan"
                delay = rng.choice((0, 0, 0, 1, 1, 2))
                start = Month.of(change).shift(delay)
                if start.start > end or not _rights_intact(parent, start):
                    continue
                created = max(change, start.start) + timedelta(days=rng.randint(0, 5))
                created = min(created, end)
                frequency = rng.choice((1, 1, 2, 3))
                methods = rng.choice((("phone", "written"), ("in_person", "phone"), ("phone", "video"),
                                      ("written",), ("in_person",), ("phone", "video", "written")))
                if parent.incarcerated:
                    methods = ("phone", "written")
                spec = PlanSpec(parent, frequency, methods, rng.choice(PLAN_ARRANGEMENTS), start, created)
                case.plans.append(spec)
                review = start.shift(6)
                if rng.random() < 0.25 and review.start <= end and _rights_intact(parent, review):
                    # Reviewed after six months: the new plan supersedes the first (as the app does it).
                    case.plans.append(PlanSpec(parent, rng.choice((1, 2, 3)), methods, rng.choice(PLAN_ARRANGEMENTS),
                                               review, max(review.start, created) + timedelta(days=rng.randint(0, 5))))
        # Exceptions: rare, time-limited, some revoked.
        for parent in parents:
            forced = special == "exception" and parent is parents[0]
            if not forced and not (parent.incarcerated and rng.random() < 0.3) and rng.random() > 0.012:
                continue
            if parent.terminated is not None:
                continue
            first = Month.of(case.opened).shift(1)
            last = Month.of(end)
            if forced:
                start = last.shift(-rng.randint(1, 3))
            else:
                span = (last.year - first.year) * 12 + last.month - first.month
                if span < 1:
                    continue
                start = first.shift(rng.randint(0, span))
            if start < Month.of(case.opened) or start.start > end:
                continue
            length = rng.randint(3, 6)
            stop = start.shift(length - 1)
            if case.closed is not None and stop > Month.of(case.closed):
                stop = Month.of(case.closed)
            category = ("parent_incarcerated" if parent.incarcerated else
                        rng.choice(("parent_out_of_area", "parent_declines", "court_order")))
            reason = {
                "parent_incarcerated": "Held in a facility out of state; in-person visits are not possible this term.",
                "parent_out_of_area": "Working seasonal jobs out of the area; monthly in-person contact is not possible.",
                "parent_declines": "Declines in-person meetings after repeated offers; agreed to phone contact instead.",
                "court_order": "The court suspended in-person contact pending the next review hearing.",
            }[category]
            created = max(start.start - timedelta(days=rng.randint(0, 10)), case.opened)
            spec = ExceptionSpec(parent, category, reason, start, stop, created)
            if rng.random() < 0.1 and stop > start and start.shift(1).start - timedelta(days=3) <= self.as_of:
                spec.revoked_from = start.shift(1)
            case.exceptions.append(spec)
        # A child in residential treatment: the visit requirement excused for the stay (rarely).
        for placement in case.placements:
            if placement.kind == "residential" and rng.random() < 0.3 and placement.start <= self.as_of:
                start = Month.of(placement.start)
                last = Month.of(min(placement.end or self.as_of, self.as_of))
                stop = min(last, start.shift(5))
                if case.closed is not None:
                    stop = min(stop, Month.of(case.closed))
                if any(e.member.person is placement.child for e in case.exceptions):
                    continue
                member = case_member(case, placement.child)
                case.exceptions.append(ExceptionSpec(
                    member, "child_in_treatment",
                    "In residential treatment out of the area; the program limits outside visits to the family.",
                    start, stop, max(placement.start, case.opened)))

    # -- ids --------------------------------------------------------------------------------------

    def assign_ids(self) -> None:
        self.cases.sort(key=lambda c: (c.opened, c.unit, c.specialist, c.kind))
        number = 0
        seen: set[int] = set()
        for n, case in enumerate(self.cases, start=1):
            case.cid = f"C{n:06d}"
            for m in case.members:
                if id(m.person) not in seen:
                    seen.add(id(m.person))
                    number += 1
                    m.person.pid = f"P{number:07d}"
        self.people = [p for p in self.people if p.pid]
        self.people.sort(key=lambda p: p.pid)
        number = 0
        for case in self.cases:
            for p in sorted(case.placements, key=lambda p: (p.child.pid, p.start)):
                number += 1
                p.pid = f"PL{number:07d}"

    # -- the rows of the ten files ----------------------------------------------------------------

    def rows(self) -> dict[str, list[dict[str, str]]]:
        """The case data except notes (small enough to hold), as CSV-like string rows."""
        files: dict[str, list[dict[str, str]]] = {f"{t}.csv": [] for t in IMPORT_TABLES if t not in ("notes", "note_contacts")}
        files["units.csv"] = [dict(unit_id=u, name=n, region=r) for u, n, r in self.units]
        files["staff.csv"] = [dict(staff_id=s, name=n, role=r, unit_id=_text(u)) for s, n, r, u in self.staff]
        files["people.csv"] = [
            dict(person_id=p.pid, first_name=p.first, last_name=p.last, birth_date=p.birth.isoformat(),
                 deceased_on=_text(p.deceased)) for p in self.people
        ]
        cases, members, links, goals, placements = (files[f"{t}.csv"] for t in (
            "cases", "case_members", "parent_child", "permanency_goals", "placements"))
        for case in self.cases:
            cases.append(dict(case_id=case.cid, case_type=case.kind, specialist_id=case.specialist,
                              opened_on=case.opened.isoformat(), closed_on=_text(case.closed)))
            for m in case.members:
                members.append(dict(
                    case_id=case.cid, person_id=m.person.pid, role=m.role, alleged_victim=_text(m.victim),
                    alleged_perpetrator=_text(m.perpetrator), resides_in_home=_text(m.resides),
                    rights_terminated_on=_text(m.terminated), whereabouts_unknown=_text(m.unknown),
                    incarcerated=_text(m.incarcerated), joined_on=_text(m.joined), left_on=_text(m.left)))
            pairs = set()
            for parent, child in case.links:
                if (parent.pid, child.pid) not in pairs:
                    pairs.add((parent.pid, child.pid))
                    links.append(dict(case_id=case.cid, parent_id=parent.pid, child_id=child.pid))
            for kid, goal, effective in case.goals:
                goals.append(dict(case_id=case.cid, child_id=kid.pid, goal=goal, effective_on=effective.isoformat()))
            for p in sorted(case.placements, key=lambda p: p.pid):
                placements.append(dict(placement_id=p.pid, case_id=case.cid, child_id=p.child.pid,
                                       location_type=p.kind, location_name=_text(p.name),
                                       start_on=p.start.isoformat(), end_on=_text(p.end)))
        return files

    # -- notes, month by month ------------------------------------------------------------------------

    def month_cases(self) -> list[list[Case]]:
        """Cases open in each month of the history, in case-id order."""
        buckets: list[list[Case]] = [[] for _ in range(self.months_count)]
        for case in self.cases:
            first = max(Month.of(case.opened), self.first_month)
            last = Month.of(case.closed) if case.closed else self.last_month
            month = first
            while month <= last:
                buckets[_index(self.first_month, month)].append(case)
                month = month.next()
        return buckets

    def note_rows(self, contacts: list[tuple[str, tuple[str, ...]]],
                  on_month: Callable[[int], None] | None = None) -> Iterator[dict[str, str]]:
        """notes.csv rows, month by month; each note's contact list is appended to `contacts`."""
        number = 0
        for index, cases in enumerate(self.month_cases()):
            month = self.first_month.shift(index)
            writer = _MonthNotes(self, month)
            for case in cases:
                writer.case_month(case)
            writer.notes.sort(key=_note_order)
            for occurred_at, case_id, author, note_type, method, location, locate_for, text, people in writer.notes:
                number += 1
                note_id = f"N{number:07d}"
                if people:
                    contacts.append((note_id, people))
                yield {"note_id": note_id, "case_id": case_id, "author_id": author, "occurred_at": occurred_at,
                       "note_type": note_type, "method": method, "location": location, "locate_for": locate_for,
                       "text": text}
            if on_month is not None:
                on_month(index)
        self.note_count = number

    def day_text(self, day: date) -> str:
        text = self._day_text.get(day)
        if text is None:
            text = self._day_text[day] = day.isoformat()
        return text


def _index(first: Month, month: Month) -> int:
    return (month.year - first.year) * 12 + month.month - first.month


def _note_order(note: tuple) -> tuple:
    return note[0], note[1], note[3]


class _Family:
    __slots__ = ("unit", "kids", "mother", "father", "alleged", "partner", "elder")

    def __init__(self, unit, kids, mother, father, alleged, partner, elder) -> None:
        self.unit = unit
        self.kids = kids
        self.mother = mother
        self.father = father
        self.alleged = alleged
        self.partner = partner
        self.elder = elder


#: Methods of a contact that count for a contact plan's methods, in the order tried.
_PLAN_NOTE = {"in_person": ("home_visit", "office"), "phone": ("phone_call", None), "video": ("video_call", None),
              "written": ("letter", None)}
#: Share of routine visits that did not happen (a realistic few).
MISSED_CHILD = 0.04
MISSED_PARENT = 0.06


class _MonthNotes:
    """The notes of one month for every open case."""

    def __init__(self, agency: Agency, month: Month) -> None:
        self.agency = agency
        self.rng = agency.rng
        self.month = month
        self.as_of = agency.as_of
        self.in_progress = month.start <= agency.as_of <= month.end
        self.notes: list[tuple] = []
        self._used: set[str] = set()
        self._case: Case | None = None

    # -- writing one note

    def note(self, case: Case, day: date, note_type: str, method: str, location: str | None,
             people: list[Person], text: str, locate_for: Person | None = None) -> str:
        rng = self.rng
        day_text = self.agency.day_text(day)
        for _ in range(8):
            occurred_at = day_text + _TIMES[rng.randrange(len(_TIMES))]
            key = case.cid + occurred_at
            if key not in self._used:
                break
        self._used.add(key)
        self.notes.append((occurred_at, case.cid, case.specialist, note_type, method, location or "",
                           locate_for.pid if locate_for else "", text,
                           tuple(sorted(p.pid for p in people))))
        return occurred_at

    def day_in(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def visit_day(self, first: date, last: date) -> date | None:
        """A day for this month's visit; None when it is still to come (month in progress)."""
        if self.in_progress:
            # Visits are spread over the whole month; those after the as-of day have not happened.
            day = first + timedelta(days=self.rng.randint(0, (self.month.end - first).days))
            return day if day <= last else None
        return self.day_in(first, last)

    # -- one case, one month

    def case_month(self, case: Case) -> None:
        span = case.open_span(self.month, self.as_of)
        if span is None:
            return
        if case.kind == "investigation":
            self.investigation_month(case, span)
        elif case.kind == "voluntary":
            self.voluntary_month(case, span)
        else:
            self.dependency_month(case, span)

    def investigation_month(self, case: Case, span: tuple[date, date]) -> None:
        first, last = span
        rng = self.rng
        for day, kind, people in case.events:
            if not first <= day <= last:
                continue
            people = [p for p in people if case_member(case, p).on_case(day, case.opened)]
            if kind == "inv_home":
                if people:
                    self.note(case, day, "initial_response", "in_person", "home", people,
                              T_INV_HOME[0].format(n=_names(people)))
            elif kind == "inv_child":
                if people:
                    location = rng.choice(("school", "home", "other"))
                    self.note(case, day, "interview", "in_person", location, people,
                              rng.choice(T_INV_INTERVIEW).format(n=_names(people)))
            elif kind == "inv_adult":
                if people:
                    self.note(case, day, "interview", "in_person", rng.choice(("office", "home")), people,
                              T_INV_ADULT[0].format(n=_names(people)))
            elif kind == "inv_phone":
                if people:
                    self.note(case, day, "interview", rng.choice(("phone", "phone", "video")), None, people,
                              T_INV_PHONE[0].format(n=_names(people)))
            elif kind == "inv_collateral":
                self.note(case, day, "collateral", rng.choice(("phone", "written")), None, [],
                          rng.choice(T_INV_COLLATERAL))
            else:
                self.note(case, day, "case_closure", "none", None, [], T_INV_CLOSE[0])

    def voluntary_month(self, case: Case, span: tuple[date, date]) -> None:
        rng = self.rng
        first, last = span
        day = self.visit_day(first, last)
        if day is not None and rng.random() > MISSED_PARENT:
            household = [m.person for m in case.members if m.resides and m.on_case(day, case.opened)]
            if household:
                self.note(case, day, "home_visit", "in_person", "home", household,
                          rng.choice(T_VOLUNTARY).format(n=_names(household)))
        for m in case.members:
            if m.is_parent and not m.resides and rng.random() < 0.45:
                day = self.day_in(first, last)
                if m.on_case(day, case.opened):
                    self.note(case, day, "phone_call", "phone", None, [m.person],
                              rng.choice(T_PHONE).format(n=m.person.first))
        self.collateral(case, span, rng.randint(1, 3))

    def collateral(self, case: Case, span: tuple[date, date], count: int) -> None:
        rng = self.rng
        if self.in_progress:  # the month so far: its share of the month's calls and emails
            count = round(count * self.as_of.day / self.month.end.day)
        for _ in range(count):
            method, location, text = rng.choice(T_COLLATERAL)
            self.note(case, self.day_in(*span), "collateral", method, location, [], text)
        self.note(case, self.day_in(*span), "case_review", "none", None, [], rng.choice(T_REVIEW))

    def dependency_month(self, case: Case, span: tuple[date, date]) -> None:
        rng = self.rng
        month = self.month
        first, last = span
        opened = case.opened
        middle = first + (last - first) // 2
        goal_day = min(month.end, self.as_of)
        members = [m for m in case.members if m.on_case(middle, opened)]
        kids = [m for m in members if m.role == "child"]
        reunification = any(case.goal_on(k.person, goal_day) in ("reunification", "remain_with_family") for k in kids) \
            or not kids
        at_home: list[Person] = []
        groups: dict[tuple, list[Person]] = {}
        for m in kids:
            placement = case.placement_on(m.person, middle)
            key = (placement.kind, placement.name) if placement else ("in_home", None)
            groups.setdefault(key, []).append(m.person)
            if key[0] in ("in_home", "trial_home_visit"):
                at_home.append(m.person)
        # Parents who are visited in person: rights intact, whereabouts known, not in prison.
        active_parents = [m for m in members if m.is_parent and (m.terminated is None or m.terminated > middle)]
        visitable = [m for m in active_parents if not m.unknown and not m.incarcerated]
        exceptions = {id(e.member): e for e in case.exceptions if e.start <= month <= e.end}
        seen: set[int] = set()
        missed: list[Person] = []
        # Children: one visit per placement (siblings placed together are seen together).
        for (kind, name), group in groups.items():
            if kind == "runaway":
                self.runaway(case, group, span)
                continue
            day = self.visit_day(first, last)
            if day is None:
                continue
            if rng.random() < MISSED_CHILD and not any(id(case_member(case, k)) in exceptions for k in group):
                missed.extend(group)
                continue
            group = [k for k in group if case_member(case, k).on_case(day, opened)]
            if not group:
                continue
            if kind == "out_of_state":
                method = rng.choice(("phone", "video"))
                self.note(case, day, "phone_call" if method == "phone" else "video_call", method, None, group,
                          T_OUT_OF_STATE[method == "video"].format(n=_names(group), p=(name or "").split(",")[-1].strip()))
            elif kind in ("in_home", "trial_home_visit"):
                home = [m.person for m in visitable if m.resides and m.on_case(day, opened)
                        and id(m) not in exceptions]
                seen.update(id(p) for p in home)
                people = group + home
                self.note(case, day, "home_visit", "in_person", "home", people,
                          rng.choice(T_HOME_VISIT).format(n=_names(people)))
                self.maybe_duplicate(case, day, people)
            elif rng.random() < 0.08 and all((day - k.birth).days > 6 * 365 for k in group):
                self.note(case, day, "school_visit", "in_person", "school", group,
                          T_SCHOOL_VISIT[0].format(n=_names(group)))
            else:
                self.note(case, day, "placement_visit", "in_person", "placement", group,
                          rng.choice(T_PLACEMENT_VISIT).format(n=_names(group), p=name or "the placement"))
                self.maybe_duplicate(case, day, group)
                if rng.random() < 0.5:
                    # A second contact: a call with the older children, who have phones.
                    older = [k for k in group if (day - k.birth).days > 9 * 365]
                    day = self.day_in(first, last)
                    older = [k for k in older if case_member(case, k).on_case(day, opened)]
                    if older:
                        self.note(case, day, "phone_call", "phone", None, older, T_PHONE[0].format(n=_names(older)))
        # Parents.
        for m in active_parents:
            person = m.person
            if m.unknown:
                self.locate_parent(case, m, span)
                continue
            exception = exceptions.get(id(m))
            if exception is not None:
                # Rare exceptions: in-person contact excused, a call or letter every few months.
                if rng.random() < 0.55:
                    day = self.day_in(first, last)
                    if m.on_case(day, opened):
                        self.note(case, day, "phone_call", "phone", None, [person], T_PHONE[0].format(n=person.first))
                continue
            if m.incarcerated:
                if rng.random() < 0.8:
                    day = self.day_in(first, last)
                    if m.on_case(day, opened):
                        method = rng.choice(("written", "written", "phone"))
                        self.note(case, day, "letter" if method == "written" else "phone_call", method, None, [person],
                                  T_LETTER[method == "phone"].format(n=person.first))
                if rng.random() < 0.08:
                    day = self.day_in(first, last)
                    if m.on_case(day, opened):
                        self.note(case, day, "prison_visit", "in_person", "other", [person],
                                  T_PRISON_VISIT[0].format(n=person.first))
                continue
            if not reunification:
                self.plan_contact(case, m, span)
                continue
            if id(person) in seen:
                continue
            day = self.visit_day(first, last)
            if day is None:
                continue
            if rng.random() < MISSED_PARENT or not m.on_case(day, opened):
                missed.append(person)
                continue
            location = rng.choice(("home", "home", "office", "office", "community"))
            partner = [o.person for o in visitable if o is not m and o.resides and m.resides and id(o.person) not in seen
                       and id(o) not in exceptions and o.on_case(day, opened)] if location == "home" else []
            people = [person] + partner[:1]
            seen.update(id(p) for p in people)
            note_type = {"home": "home_visit", "office": "office_visit"}.get(location, "community_contact")
            self.note(case, day, note_type, "in_person", location, people,
                      rng.choice(T_PARENT[location]).format(n=_names(people)))
            for _ in range(rng.choice((0, 1, 1, 2))):
                day = self.day_in(first, last)
                if m.on_case(day, opened):
                    self.note(case, day, "phone_call", "phone", None, [person], rng.choice(T_PHONE).format(n=person.first))
        # Supervised family visits while the children are out of the home.
        if case.family_visits and reunification:
            away = [k for (kind, _), group in groups.items() if kind not in ("runaway", "out_of_state", "in_home",
                                                                             "trial_home_visit") for k in group]
            for _ in range(rng.randint(3, 5)):
                day = self.day_in(first, last)
                present = [m.person for m in visitable if m.on_case(day, opened) and id(m) not in exceptions]
                children = [k for k in away if case_member(case, k).on_case(day, opened)
                            and (p := case.placement_on(k, day)) is not None and p.kind not in ("runaway", "out_of_state")]
                if present and children and rng.random() < 0.85:
                    people = present + children
                    self.note(case, day, "family_visit", "in_person", "office", people,
                              rng.choice(T_FAMILY_VISIT).format(n=_names(people)))
        # Review hearings every three months.
        if (month.month % 3) == case.court_phase and first == month.start and last == month.end:
            day = self.day_in(first, last)
            present = [m.person for m in visitable if rng.random() < 0.8 and m.on_case(day, opened)
                       and id(m) not in exceptions]
            if present:
                self.note(case, day, "court", "in_person", "court", present, rng.choice(T_COURT).format(n=_names(present)))
        self.collateral(case, span, rng.randint(5, 10))
        self.after_staffing(case, missed)

    def maybe_duplicate(self, case: Case, day: date, people: list[Person]) -> None:
        """Bad data, as in real databases: the same contact entered twice under another note type."""
        recent = self.month >= self.agency.last_month.shift(-1)
        rate = 1.0 if case.special == "duplicate" and recent else 0.0006
        if self.rng.random() < rate:
            occurred_at = self.notes[-1][0]
            original = self.notes[-1]
            self.notes.append((occurred_at, original[1], original[2], "case_note", *original[4:]))

    def runaway(self, case: Case, group: list[Person], span: tuple[date, date]) -> None:
        rng = self.rng
        for kid in group:
            if case.special == "runaway" and self.month >= self.agency.last_month.shift(-1):
                # Efforts documented in the last complete month, none yet in the month in progress.
                efforts = 1.0 if self.month < self.agency.last_month else 0.0
            else:
                efforts = 0.85
            for _ in range(rng.randint(1, 3) if rng.random() < efforts else 0):
                day = self.day_in(*span)
                method = rng.choice(("none", "phone", "none"))
                self.note(case, day, "locate_effort", method, None, [], rng.choice(T_LOCATE_CHILD).format(n=kid.first),
                          locate_for=kid)
            recent = self.month >= self.agency.last_month.shift(-1)
            seen_rate = 1.0 if case.special == "runaway_seen" and recent else 0.03
            if rng.random() < seen_rate:
                # An in-person contact claimed while the directory shows runaway (an integrity flag).
                days = [d for d in _days(*span) if (p := case.placement_on(kid, d)) and p.kind == "runaway"]
                if days:
                    day = rng.choice(days)
                    self.note(case, day, "placement_visit", "in_person", "community", [kid],
                              f"Saw {kid.first} downtown and talked for a few minutes.")

    def locate_parent(self, case: Case, m: Member, span: tuple[date, date]) -> None:
        rng = self.rng
        efforts = 0.8
        if case.special == "whereabouts_unknown" and self.month >= self.agency.last_month.shift(-1):
            # None documented in the last complete month (unmet), some in the month in progress.
            efforts = 0.0 if self.month < self.agency.last_month else 1.0
        if rng.random() < efforts:
            self.note(case, self.day_in(*span), "locate_effort", rng.choice(("none", "written", "phone")), None, [],
                      rng.choice(T_LOCATE_PARENT).format(n=m.person.first), locate_for=m.person)
        if rng.random() < 0.02:
            day = self.day_in(*span)
            if m.on_case(day, case.opened):
                self.note(case, day, "court", "in_person", "court", [m.person],
                          f"{m.person.first} appeared at the hearing unannounced; no address given.")

    def plan_contact(self, case: Case, m: Member, span: tuple[date, date]) -> None:
        """A parent with a contact plan is contacted as the plan says (mostly)."""
        rng = self.rng
        plan = active_spec(case.plans, m, self.month)
        if plan is None:
            if rng.random() < 0.3:
                day = self.day_in(*span)
                if m.on_case(day, case.opened):
                    self.note(case, day, "phone_call", "phone", None, [m.person], T_PHONE[1].format(n=m.person.first))
            return
        if _index(plan.start, self.month) % plan.frequency != 0 and rng.random() < 0.7:
            return
        if rng.random() < 0.1:
            return  # not followed this time
        day = self.visit_day(*span)
        if day is None or not m.on_case(day, case.opened):
            return
        method = rng.choice(plan.methods)
        note_type, location = _PLAN_NOTE[method]
        text = (T_PARENT["office"][0] if method == "in_person" else
                T_LETTER[0] if method == "written" else T_PHONE[0]).format(n=m.person.first)
        self.note(case, day, note_type, method, location, [m.person], text)

    def after_staffing(self, case: Case, missed: list[Person]) -> None:
        """Some missed visits get a reason at the staffing; some lead to a next step."""
        rng = self.rng
        agency = self.agency
        for person in missed:
            roll = rng.random()
            if roll < 0.3:
                created = self.month.end + timedelta(days=rng.randint(1, 8))
                if self.in_progress:
                    created = self.as_of - timedelta(days=rng.randint(0, 3))
                if created <= self.as_of:
                    code = rng.choice(tuple(T_REASONS))
                    agency.staffing_notes.append(StaffingNoteSpec(case, person, self.month, code, created))
            elif roll < 0.5 and self.month >= agency.last_month.shift(-3):
                created = self.month.end + timedelta(days=rng.randint(1, 8))
                if created > self.as_of:
                    continue
                due = created + timedelta(days=rng.randint(10, 25))
                done = due + timedelta(days=rng.randint(-8, 10)) if rng.random() < 0.6 else None
                if done is not None and done > self.as_of:
                    done = None
                agency.steps.append(StepSpec(case, person, f"See {person.first} in person and document the visit.",
                                             due, created, done))


def _rights_intact(member: Member, month: Month) -> bool:
    return member.terminated is None or member.terminated > month.end


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def case_member(case: Case, person: Person) -> Member:
    for m in case.members:
        if m.person is person:
            return m
    raise KeyError(person.pid)


def active_spec(plans: list[PlanSpec], member: Member, month: Month) -> PlanSpec | None:
    current = None
    for plan in plans:
        if plan.parent is member and plan.start <= month and (plan.end is None or month <= plan.end):
            if current is None or plan.start >= current.start:
                current = plan
    return current


# --- writing the database -------------------------------------------------------------------------


class Progress:
    """Where a run reports progress (the CLI shows a Rich progress bar; tests pass nothing)."""

    def phase(self, name: str, total: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def done(self) -> None: ...


class RichProgress(Progress):
    """A Rich progress bar on stderr, one line per phase (stdout stays for the summary)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bars, TextColumn, TimeElapsedColumn

        self._bars = Bars(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self._task = None

    def phase(self, name: str, total: int | None) -> None:
        if self._task is None:
            self._bars.start()
        self._finish_task()
        self._task = self._bars.add_task(name, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._bars.advance(self._task, amount)

    def _finish_task(self) -> None:
        if self._task is not None:
            task = self._bars.tasks[-1]
            self._bars.update(self._task, total=task.total if task.total is not None else max(task.completed, 1),
                              completed=task.total if task.total is not None else max(task.completed, 1))

    def done(self) -> None:
        if self._task is not None:
            self._finish_task()
            self._bars.stop()


def _counted(rows, progress: Progress, every: int = 5000):
    count = 0
    for row in rows:
        yield row
        count += 1
        if count == every:
            progress.advance(count)
            count = 0
    progress.advance(count)


def _is_empty(db: Database) -> bool:
    tables = [t for t in (*IMPORT_TABLES, *NEVER_DELETED, "audit_log") if db[t].exists()]
    return all(db.execute(f"SELECT 1 FROM [{t}] LIMIT 1").fetchone() is None for t in tables)


def generate_database(path: str | os.PathLike, scale: Scale | str, seed: int, *, months: int | None = None,
                      progress: Progress | None = None, as_of: date = AS_OF) -> GenerationSummary:
    """Generate the synthetic agency into the database at `path` (created when missing).

    Refuses (UserError) a database that already holds data. Deterministic: the
    same scale, seed and months give the same rows (but for `generation.token`).
    """
    started = time.perf_counter()
    scale = SCALES[scale] if isinstance(scale, str) else scale
    if months is not None and not 1 <= months <= 120:
        raise UserError(f"--months {months}: choose between 1 and 120 months of history.")
    progress = progress or Progress()
    path = Path(path)
    created = not path.exists()
    db = open_database(path, create=created)
    if not created and not _is_empty(db):
        db.close()
        raise UserError(f"{path} already holds data; generate into a new file or an empty database "
                        "(nothing was changed).")
    finished = False
    try:
        agency = Agency(scale, seed, months, as_of)
        progress.phase("planning families", None)
        agency.build_staff()
        agency.build_families()
        agency.assign_ids()
        files: dict[str, object] = agency.rows()
        contacts: list[tuple[str, tuple[str, ...]]] = []
        files["notes.csv"] = _notes_with_progress(agency, contacts, progress)
        files["note_contacts.csv"] = _contact_rows(contacts, progress)
        # The importer's "now": every note is on or before the as-of day, before 18:00.
        now = pendulum.datetime(as_of.year, as_of.month, as_of.day, 18, 0, tz=TIMEZONE)
        # Recorded in `imports` as of that "now", by the generator's OS user: two runs give the same row.
        summary: ImportSummary = import_rows(
            db, files, now=now, at=now.in_tz("UTC").to_iso8601_string(), os_user=OS_USER,
            source=f"staffing-tui generate --scale {scale.name} --seed {seed} --months {agency.months_count}")
        progress.phase("records and audit", None)
        with db.atomic():
            set_meta(db, "as_of", as_of.isoformat())
            set_meta(db, "generated", json.dumps({"scale": scale.name, "seed": seed, "months": agency.months_count}))
            records = write_records(db, agency)
            # The one wall-clock value in the file, pinned so that two runs give the same rows.
            applied_at = datetime.fromtimestamp(now.timestamp(), timezone.utc)
            db.execute("UPDATE _sqlite_migrations SET applied_at = ?", [str(applied_at)])
        progress.phase("analysing", None)
        db.execute("ANALYZE")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finished = True
    finally:
        db.close()
        progress.done()
        if not finished and created:
            # A half-written database is worse than none: the file was ours, remove it.
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
    counts = dict(summary.counts)
    counts.update(records)
    return GenerationSummary(counts, time.perf_counter() - started)


def _notes_with_progress(agency: Agency, contacts: list, progress: Progress) -> Iterator[dict[str, str]]:
    progress.phase("notes (simulated month by month)", agency.months_count)
    yield from agency.note_rows(contacts, on_month=lambda index: progress.advance(1))


def _contact_rows(contacts: list[tuple[str, tuple[str, ...]]], progress: Progress) -> Iterator[dict[str, str]]:
    progress.phase("note contacts", sum(len(people) for _, people in contacts))
    rows = ({"note_id": note_id, "person_id": person_id} for note_id, people in contacts for person_id in people)
    yield from _counted(rows, progress)
    contacts.clear()


# --- the app's records ---------------------------------------------------------------------------------


def write_records(db: Database, agency: Agency) -> dict[str, int]:
    """Exceptions, contact plans, staffing notes and next steps, each with its audit rows.

    Written through the record services (`store/records.py`), as the app
    would, in the order they were agreed, at fixed times, by the supervisor
    of the case's unit.
    """
    from staffing_tui.domain.enums import StaffRole
    from staffing_tui.store import records
    from staffing_tui.store.audit import Actor

    units = {i: agency.units[i][0] for i in range(len(agency.units))}

    def actor(case: Case) -> Actor:
        return Actor(agency.supervisor[case.unit], StaffRole.SUPERVISOR, units[case.unit], OS_USER)

    events: list[tuple[date, int, int, object, Case]] = []
    order = itertools.count()
    for case in agency.cases:
        for spec in case.exceptions:
            events.append((spec.created, 0, next(order), spec, case))
            if spec.revoked_from is not None:
                events.append((max(spec.revoked_from.start - timedelta(days=3), spec.created), 4, next(order),
                               ("revoke", spec), case))
        for spec in case.plans:
            events.append((spec.created, 1, next(order), spec, case))
    for spec in agency.staffing_notes:
        events.append((spec.created, 2, next(order), spec, spec.case))
    for spec in agency.steps:
        events.append((spec.created, 3, next(order), spec, spec.case))
        if spec.done is not None:
            events.append((spec.done, 5, next(order), ("done", spec), spec.case))
    events.sort(key=lambda e: e[:3])
    counts = {"exceptions": 0, "contact_plans": 0, "staffing_notes": 0, "next_steps": 0, "audit_log": 0}
    exception_ids: dict[int, int] = {}
    step_ids: dict[int, int] = {}
    problems: list[str] = []
    audited = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    def write(table: str | None, service, *args, **kwargs) -> int | None:
        """One record through its service, at the event's time; a refusal is a generator bug."""
        try:
            record_id = service(db, *args, **kwargs)
        except UserError as exc:
            problems.append(str(exc))
            return None
        if table is not None:
            counts[table] += 1
        return record_id

    for day, _kind, _n, spec, case in events:
        who = actor(case)
        stamp = _utc_stamp(day, 9 + _kind, 0)
        if isinstance(spec, ExceptionSpec):
            req = records.ExceptionRequest(case.cid, spec.member.person.pid, spec.category, spec.reason, spec.start,
                                           spec.end, spec.start.shift(1).start)
            record_id = write("exceptions", records.create_exception, who, req, at=stamp)
            if record_id is not None:
                exception_ids[id(spec)] = record_id
        elif isinstance(spec, PlanSpec):
            req = records.PlanRequest(case.cid, spec.parent.person.pid, spec.frequency, spec.methods, spec.arrangements,
                                      spec.start, spec.end, spec.start.shift(6).start)
            write("contact_plans", records.create_contact_plan, who, req, at=stamp)  # supersedes the one in force
        elif isinstance(spec, StaffingNoteSpec):
            write("staffing_notes", records.add_staffing_note, who, records.StaffingNoteRequest(
                case.cid, spec.month, spec.reason_code, T_REASONS[spec.reason_code],
                spec.person.pid if spec.person else None), at=stamp)
        elif isinstance(spec, StepSpec):
            record_id = write("next_steps", records.add_next_step, who, records.NextStepRequest(
                case.specialist, spec.text, spec.due, case.cid, spec.person.pid if spec.person else None), at=stamp)
            if record_id is not None:
                step_ids[id(spec)] = record_id
        else:
            action, target = spec
            if action == "revoke" and id(target) in exception_ids:
                write(None, records.revoke_exception, who, exception_ids[id(target)], target.revoked_from, at=stamp)
            elif action == "done" and id(target) in step_ids:
                write(None, records.complete_next_step, who, step_ids[id(target)], at=stamp)
    if problems:
        # A generator bug, not a user error: the records must pass the services' validation.
        raise RuntimeError(f"generated records would be refused by the app ({len(problems)}): " + "; ".join(problems[:5]))
    counts["audit_log"] = db.execute("SELECT count(*) FROM audit_log").fetchone()[0] - audited
    return counts


def summary_line(summary: GenerationSummary) -> str:
    """One line saying what was generated."""
    counts = summary.counts
    parts = [f"{table} {counts[table]:,}" for table in (*IMPORT_TABLES, "exceptions", "contact_plans", "staffing_notes",
                                                        "next_steps", "audit_log") if counts.get(table)]
    return f"generated {', '.join(parts)} in {summary.seconds:.1f} s"
