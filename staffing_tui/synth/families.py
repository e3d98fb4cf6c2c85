"""The generated agency (scales demo, unit, statewide): staff, and families arriving over the history.

* **Families** arrive over the history (plus a cohort whose dependency case
  was already open when the history starts). A family is investigated; the
  investigation closes, or leads to a dependency case (children removed to
  shelters, foster and kinship homes, group homes — or kept at home under
  supervision) or to voluntary in-home services.
* **Dependency cases** carry what the policy is about: placement changes,
  trial home visits and reunification, goal changes to adoption, guardianship
  or APPLA, termination of parental rights, contact plans with the parents
  whose rights are intact, runaway episodes, out-of-state placements,
  incarcerated parents, parents whose whereabouts are unknown, newborn
  siblings joining the case, partners leaving, rare exceptions (some revoked);
  and what changes over time: cases transferred to another specialist, a
  parent found, moving out or in jail for a while (dated facts), a parent's
  rights ended to one child but not a sibling, calls made to an out-of-state
  caregiver.
* In a small agency (`demo`, `unit`) every unit gets one family of each special
  situation (`SPECIALS`), open in the last two months, so even `--scale unit`
  shows every status of docs/policy.md "Statuses" in both the last complete month and the month
  in progress. Statewide, each unit gets one of them in turn and the rates give
  the rest.

The notes, month by month, are `simulate.py`'s.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from staffing_tui.domain.enums import CaseType, ExceptionCategory, Goal, LocationType, MemberFact, Method, Role
from staffing_tui.domain.enums import StaffRole
from staffing_tui.domain.months import Month
from staffing_tui.synth import names, texts
from staffing_tui.synth.model import Agency, Case, ExceptionSpec, Member, Note, Person, PlanSpec, at_hour

NAMES = names.GENERATED
TEXTS = texts.GENERATED

#: Families arrive from this many days before the history starts (see `build_families`).
BURN_IN_DAYS = 300
#: The mean of `GeneratedAgency.dependency_days`.
MEAN_DEPENDENCY_DAYS = 700
#: Special situations every unit gets at least one family of (the rest comes from the rates).
SPECIALS = ("runaway", "out_of_state", "whereabouts_unknown", "incarcerated", "adoption", "exception",
            "in_home", "voluntary", "investigation", "runaway_seen", "duplicate",
            # what changes within a month, in the last complete month (docs/data.md "Files and columns"):
            "transfer", "whereabouts_found", "moved_out", "incarceration_period", "per_child_rights",
            "placement_call")
#: Special families that need a father on the case; an alleged father.
_WITH_FATHER = ("incarcerated", "moved_out", "incarceration_period", "per_child_rights")
_WITH_ALLEGED = ("whereabouts_unknown", "whereabouts_found")
#: Of the ordinary dependency cases: transferred to another specialist once, and of those one that
#: goes to another unit; a parent whose whereabouts are unknown found later; a father at home who
#: moves out; a father away from home in jail for a while; a parent whose rights end to one child only.
TRANSFER_RATE = 0.04
TRANSFER_TO_ANOTHER_UNIT = 0.25
FOUND_RATE = 0.3
MOVE_OUT_RATE = 0.1
JAIL_RATE = 0.05
ONE_CHILD_TERMINATION_RATE = 0.03
_ONE_DAY = timedelta(days=1)
_TEEN = 13
#: Placements a whole sibling group can share.
_FAMILY_PLACEMENTS = frozenset({LocationType.SHELTER, LocationType.FOSTER_HOME, LocationType.KINSHIP,
                                LocationType.TRIAL_HOME_VISIT, LocationType.IN_HOME, LocationType.OUT_OF_STATE})
_REUNIFICATION_GOALS = (Goal.REUNIFICATION, Goal.REMAIN_WITH_FAMILY)
#: What an exception says, by category.
_EXCEPTION_REASONS = {
    ExceptionCategory.PARENT_INCARCERATED: "Held in a facility out of state; in-person visits are not possible this term.",
    ExceptionCategory.PARENT_OUT_OF_AREA: "Working seasonal jobs out of the area; monthly in-person contact is not possible.",
    ExceptionCategory.PARENT_DECLINES: "Declines in-person meetings after repeated offers; agreed to phone contact instead.",
    ExceptionCategory.COURT_ORDER: "The court suspended in-person contact pending the next review hearing.",
}
#: The local hour each kind of record is agreed at on its day (records of a day read in this order).
EXCEPTION_HOUR, PLAN_HOUR, STAFFING_NOTE_HOUR, STEP_HOUR, REVOCATION_HOUR, DONE_HOUR = range(9, 15)

Segment = tuple[LocationType, "str | None", date, "date | None"]


@dataclass(frozen=True, slots=True)
class Size:
    """How big an agency to simulate."""

    units: int
    specialists_per_unit: int
    #: children to create (families are added until there are this many)
    children: int
    #: months of history ending with the as-of month
    months: int
    regions: int


class SimulatedCase(Case):
    """A generated case, with what its month-by-month notes follow."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: the months of the year (mod 3) with a review hearing
        self.court_phase = 0
        #: supervised family visits while the children are out of the home
        self.family_visits = False
        #: an investigation's contacts: (day, kind, people)
        self.events: list[tuple[date, str, list[Person]]] = []


@dataclass(slots=True)
class _Family:
    unit: int
    kids: list[Person]
    mother: Person
    father: Person | None
    alleged: Person | None
    partner: Person | None
    elder: Person | None


class GeneratedAgency(Agency):
    """The generated agency: staff, families and their cases and records; notes come month by month."""

    def __init__(self, size: Size, seed: int, months: int | None, as_of: date) -> None:
        super().__init__(as_of)
        self.size = size
        self.rng = random.Random(seed)
        self.months_count = months or size.months
        self.last_month = Month.of(as_of)
        self.first_month = self.last_month.shift(1 - self.months_count)
        self.history_start = self.first_month.start
        self.specialists: list[list[str]] = []  # per unit

    def plan(self) -> GeneratedAgency:
        self.build_staff()
        self.build_families()
        self.cases.sort(key=lambda c: (c.opened_on, c.unit_id, c.specialist_id, c.case_type))
        return self

    @property
    def note_batch_count(self) -> int:
        return self.months_count

    def note_batches(self) -> Iterator[list[Note]]:
        from staffing_tui.synth.simulate import month_notes  # simulate builds on this module

        return month_notes(self)

    # -- staff ------------------------------------------------------------------------------------

    def build_staff(self) -> None:
        rng, size = self.rng, self.size
        region_names = [f"{NAMES.regions[i % len(NAMES.regions)]} Region" for i in range(size.regions)]
        if size.units > len(NAMES.places):
            unit_names = [f"{place} {direction} Unit" for direction in NAMES.directions for place in NAMES.places]
        else:
            unit_names = [f"{place} Unit" for place in NAMES.places]
            rng.shuffle(unit_names)
        number = 0
        for u in range(size.units):
            unit_id = f"U{u + 1:03d}"
            self.units.append((unit_id, unit_names[u], region_names[u % size.regions]))
            self.supervisors[unit_id] = f"SV{u + 1:03d}"
            self.staff.append((f"SV{u + 1:03d}", self.staff_name(), StaffRole.SUPERVISOR, unit_id))
            members = []
            for _ in range(size.specialists_per_unit):
                number += 1
                staff_id = f"SP{number:04d}"
                members.append(staff_id)
                self.staff.append((staff_id, self.staff_name(), StaffRole.SPECIALIST, unit_id))
            self.specialists.append(members)
        for r in range(size.regions):
            self.staff.append((f"PM{r + 1:02d}", self.staff_name(), StaffRole.MANAGER, None))

    def staff_name(self) -> str:
        rng = self.rng
        return f"{rng.choice(NAMES.women if rng.random() < 0.7 else NAMES.men)} {rng.choice(NAMES.surnames)}"

    # -- people -----------------------------------------------------------------------------------

    def person(self, pool: tuple[str, ...], last: str, birth: date, avoid: list[Person] = ()) -> Person:
        return Person(names.draw_first_name(self.rng, pool, (p.first_name for p in avoid)), last, birth)

    def birth_for_age(self, age: int, on: date) -> date:
        return on - timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))

    # -- families ---------------------------------------------------------------------------------

    def build_families(self) -> None:
        rng, size = self.rng, self.size
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
        quota = len(SPECIALS) if size.units <= 3 else 1
        while children < size.children:
            unit = index % size.units
            slot = index // size.units
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
        last = rng.choice(NAMES.surnames)
        count = rng.choices((1, 2, 3, 4, 5), (55, 27, 12, 4.5, 1.5))[0]
        if special == "placement_call":
            count = 1  # a call names one placement: one child placed out of state alone
        elif special == "per_child_rights":
            count = max(count, 2)
        if special in ("runaway", "runaway_seen"):
            ages = [rng.randint(14, 16)] + [rng.randint(3, 12) for _ in range(count - 1)]
        else:
            ages = [rng.choices(range(18), [9, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5, 5, 5, 5, 4, 4, 3, 2])[0]
                    for _ in range(count)]
        kids: list[Person] = []
        for age in sorted(ages, reverse=True):
            kids.append(self.person(NAMES.children, last, self.birth_for_age(age, arrival), kids))
        oldest = max(arrival.year - k.birth_date.year for k in kids)
        mother = self.person(NAMES.women, last, self.birth_for_age(oldest + rng.randint(18, 30), arrival))
        father = None
        if rng.random() < 0.85 or special in _WITH_FATHER:
            father = self.person(NAMES.men, last if rng.random() < 0.6 else rng.choice(NAMES.surnames),
                                 self.birth_for_age(oldest + rng.randint(19, 34), arrival))
        alleged = None
        if rng.random() < 0.62 or special in _WITH_ALLEGED:
            alleged = self.person(NAMES.men, rng.choice(NAMES.surnames),
                                  self.birth_for_age(oldest + rng.randint(18, 36), arrival))
        partner = None
        if rng.random() < 0.22:
            partner = self.person(NAMES.men, rng.choice(NAMES.surnames),
                                  self.birth_for_age(oldest + rng.randint(20, 40), arrival))
        elder = None
        if rng.random() < 0.14:
            elder = self.person(NAMES.women, last, self.birth_for_age(oldest + rng.randint(40, 55), arrival))
        family = _Family(unit, kids, mother, father, alleged, partner, elder)
        specialists = self.specialists[unit]
        if initial:
            self.dependency(family, arrival, rng.choice(specialists), special, closed)
            return len(kids)
        inv = self.investigation(family, arrival, rng.choice(specialists), special)
        if inv.closed_on is None:
            return len(kids)
        outcome = special if special in ("voluntary", "investigation") else ""
        if not outcome:
            outcome = "dependency" if special else rng.choices(("dependency", "voluntary", "closed"), (58, 14, 28))[0]
        start = inv.closed_on + timedelta(days=rng.randint(1, 7))
        if start > self.as_of - timedelta(days=2) or outcome in ("closed", "investigation"):
            return len(kids)
        if outcome == "voluntary":
            self.voluntary(family, start, rng.choice(specialists), open_ended=special == "voluntary")
        else:
            self.dependency(family, start, rng.choice(specialists), special)
        return len(kids)

    def new_case(self, case_type: CaseType, specialist: str, unit: int, opened: date, closed: date | None,
                 special: str = "") -> SimulatedCase:
        if closed is not None and closed > self.as_of:
            closed = None
        case = SimulatedCase(case_type, specialist, self.units[unit][0], opened, closed, special)
        case.court_phase = self.rng.randint(0, 2)
        self.cases.append(case)
        return case

    # -- investigations -----------------------------------------------------------------------------

    def investigation(self, f: _Family, opened: date, specialist: str, special: str) -> SimulatedCase:
        rng = self.rng
        closed = opened + timedelta(days=rng.randint(25, 80))
        case = self.new_case(CaseType.INVESTIGATION, specialist, f.unit, opened, closed)
        victims = [k for k in f.kids if rng.random() < 0.8] or f.kids[:1]
        for kid in f.kids:
            case.add(kid, Role.CHILD, resides_in_home=True, alleged_victim=kid in victims)
        mother = case.add(f.mother, Role.PARENT, resides_in_home=True, alleged_perpetrator=rng.random() < 0.45)
        adults = [mother]
        if f.father:
            adults.append(case.add(f.father, Role.PARENT, resides_in_home=rng.random() < 0.7,
                                   alleged_perpetrator=rng.random() < 0.45))
        if f.alleged:
            adults.append(case.add(f.alleged, Role.ALLEGED_PARENT, alleged_perpetrator=rng.random() < 0.25))
        if f.partner:
            adults.append(case.add(f.partner, Role.SPOUSE_PARTNER, resides_in_home=True,
                                   alleged_perpetrator=rng.random() < 0.3))
        if f.elder:
            case.add(f.elder, Role.OTHER_ADULT, resides_in_home=True)
        case.link([p for p in (f.mother, f.father, f.alleged) if p], f.kids)
        last = case.closed_on or self.as_of
        # The initial response: the home and everyone living there.
        day = opened + timedelta(days=rng.randint(0, 2))
        home = [m.person for m in case.members if m.resides_in_home]
        if rng.random() < 0.95 or special == "investigation":
            case.events.append((day, "home", home))
        for kid in f.kids:
            if rng.random() < 0.93:
                case.events.append((opened + timedelta(days=rng.randint(1, 12)), "child", [kid]))
        for m in adults:
            roll = rng.random()
            if not m.resides_in_home and m.role is not Role.SPOUSE_PARTNER:
                if roll < 0.55:
                    case.events.append((opened + timedelta(days=rng.randint(3, 20)), "phone", [m.person]))
                elif roll < 0.8:
                    case.events.append((opened + timedelta(days=rng.randint(3, 20)), "adult", [m.person]))
            elif roll < 0.92:
                case.events.append((opened + timedelta(days=rng.randint(2, 15)), "adult", [m.person]))
        for _ in range(rng.randint(2, 5)):
            case.events.append((opened + timedelta(days=rng.randint(1, (last - opened).days or 1)), "collateral", []))
        if case.closed_on is not None:
            case.events.append((case.closed_on, "close", []))
        case.events = [e for e in case.events if e[0] <= min(last, self.as_of)]
        case.events.sort(key=lambda e: e[0])
        return case

    # -- voluntary services -------------------------------------------------------------------------

    def voluntary(self, f: _Family, opened: date, specialist: str, open_ended: bool = False) -> SimulatedCase:
        rng = self.rng
        closed = None if open_ended else opened + timedelta(days=rng.randint(90, 280))
        case = self.new_case(CaseType.VOLUNTARY, specialist, f.unit, opened, closed)
        for kid in f.kids:
            case.add(kid, Role.CHILD, resides_in_home=True)
        case.add(f.mother, Role.PARENT, resides_in_home=True)
        if f.father:
            case.add(f.father, Role.PARENT, resides_in_home=rng.random() < 0.65)
        if f.partner:
            case.add(f.partner, Role.SPOUSE_PARTNER, resides_in_home=True)
        if f.elder:
            case.add(f.elder, Role.OTHER_ADULT, resides_in_home=True)
        case.link([p for p in (f.mother, f.father) if p], f.kids)
        return case

    # -- dependency ---------------------------------------------------------------------------------

    def dependency(self, f: _Family, opened: date, specialist: str, special: str,
                   closed: date | None = None) -> SimulatedCase:
        rng = self.rng
        if special:
            closed = None  # the special situations are open in the last months
        elif closed is None:
            closed = opened + timedelta(days=self.dependency_days())
        case = self.new_case(CaseType.DEPENDENCY, specialist, f.unit, opened, closed, special)
        end = case.closed_on or self.as_of
        in_home = special in ("in_home", "moved_out") or (not special and rng.random() < 0.28)
        case.family_visits = not in_home and rng.random() < 0.7
        for kid in f.kids:
            case.add(kid, Role.CHILD, resides_in_home=in_home)
        mother = case.add(f.mother, Role.PARENT, resides_in_home=True)
        parents = [mother]
        if f.father:
            incarcerated = special == "incarcerated" or (special not in _WITH_FATHER and rng.random() < 0.06)
            resides = special == "moved_out" or (special != "incarceration_period" and not incarcerated
                                                 and rng.random() < 0.7)
            parents.append(case.add(f.father, Role.PARENT, resides_in_home=resides, incarcerated=incarcerated,
                                    whereabouts_unknown=not incarcerated and not special and rng.random() < 0.04))
        if f.alleged:
            unknown = special in _WITH_ALLEGED or rng.random() < 0.3
            alleged = case.add(f.alleged, Role.ALLEGED_PARENT, whereabouts_unknown=unknown,
                               incarcerated=not unknown and rng.random() < 0.08)
            parents.append(alleged)
            if not special and rng.random() < 0.2:
                # Excluded by a paternity test some months in.
                left = opened + timedelta(days=rng.randint(60, 240))
                if left < end:
                    alleged.left_on = left
        if f.partner and rng.random() < 0.6:
            partner = case.add(f.partner, Role.SPOUSE_PARTNER, resides_in_home=True)
            if rng.random() < 0.25:
                left = opened + timedelta(days=rng.randint(30, 300))
                if left < end:
                    partner.left_on = left
        if f.elder and rng.random() < 0.5:
            case.add(f.elder, Role.OTHER_ADULT, resides_in_home=True)
        kids = list(f.kids)
        # A baby born while the case is open joins it on the day of birth.
        if not special and rng.random() < 0.05 and (end - opened).days > 150:
            birth = opened + timedelta(days=rng.randint(60, (end - opened).days - 20))
            if birth < end:
                baby = self.person(NAMES.children, f.mother.last_name, birth, kids)
                case.add(baby, Role.CHILD, resides_in_home=in_home, joined_on=birth)
                kids.append(baby)
        case.link([parent.person for parent in parents], kids)
        for kid in kids:
            case.goal([kid], Goal.REMAIN_WITH_FAMILY if in_home else Goal.REUNIFICATION, max(opened, kid.birth_date))
        self.placements(case, kids, in_home, special)
        if len(kids) == len(f.kids):  # no goal change with a newborn: every linked child shares the goal
            self.goal_change(case, kids, parents, special)
            self.one_child_termination(case, kids, parents, special, in_home)
        self.dated_facts(case, parents, special)
        self.records_for(case, parents, special)
        self.transfer(case, f.unit, special)
        if not special and rng.random() < 0.003:
            # A parent dies while the case is open (no plan or exception of theirs is affected).
            parent = rng.choice(parents)
            day = case.opened_on + timedelta(days=rng.randint(30, max(31, (end - case.opened_on).days - 1)))
            mine = [r for r in (*case.plans, *case.exceptions)
                    if (r.parent if isinstance(r, PlanSpec) else r.person) is parent.person]
            if day < end and not mine and parent.person.deceased_on is None:
                parent.person.deceased_on = day
        return case

    def placements(self, case: SimulatedCase, kids: list[Person], in_home: bool, special: str) -> None:
        rng = self.rng
        opened = case.opened_on
        end = case.closed_on
        if in_home:
            for kid in kids:
                case.place([kid], LocationType.IN_HOME, None, max(opened, kid.birth_date), end)
            return
        together = rng.random() < 0.7
        plan_for_group: list[Segment] | None = None
        for number, kid in enumerate(kids):
            start = max(opened, kid.birth_date)
            if together and plan_for_group is not None and kid.birth_date <= opened:
                for location_type, name, s, e in plan_for_group:
                    case.place([kid], location_type, name, s, e)
                continue
            age = (start - kid.birth_date).days // 365
            segments = self.placement_path(start, end, age, special if number == 0 else "")
            for location_type, name, s, e in segments:
                case.place([kid], location_type, name, s, e)
            if number == 0 and all(segment[0] in _FAMILY_PLACEMENTS for segment in segments):
                # Young siblings go where the eldest goes, unless that is a teen's placement.
                plan_for_group = segments

    def place_name(self, kinds: tuple[str, ...]) -> str:
        """A facility's name: a place and a kind ("Sage Youth Shelter")."""
        return f"{self.rng.choice(NAMES.places)} {self.rng.choice(kinds)}"

    def relative_home(self, where: str) -> str:
        return f"{self.rng.choice(NAMES.surnames)} {where}"

    def placement_path(self, start: date, end: date | None, age: int, special: str) -> list[Segment]:
        """Consecutive placements from `start` to the end of the case (None: open)."""
        rng = self.rng
        stop = end or self.as_of
        segments: list[Segment] = []
        day = start

        def add(location_type: LocationType, name: str | None, days: int | None) -> None:
            nonlocal day
            if day > stop:
                return
            last = None if days is None else day + timedelta(days=days - 1)
            if last is not None and last >= stop:
                last = None
            segments.append((location_type, name, day, last))
            day = stop + _ONE_DAY if last is None else last + _ONE_DAY

        if rng.random() < 0.35:
            add(LocationType.SHELTER, self.place_name(NAMES.shelters), rng.randint(3, 25))
        reunify = end is not None and rng.random() < 0.55
        home_days = rng.randint(90, 180) if reunify else 0
        if special in ("out_of_state", "placement_call"):
            add(LocationType.KINSHIP, self.relative_home("kinship home"), rng.randint(30, 90))
            add(LocationType.OUT_OF_STATE, f"{self.relative_home('relative home')}, {rng.choice(NAMES.states)}", None)
            return segments
        if special in ("runaway", "runaway_seen"):
            # In a group home, on runaway over the last months, found, then gone again
            # (the "runaway" family: gone the whole last complete month and since).
            run_start = self.as_of - timedelta(days=rng.randint(50, 75))
            if special == "runaway":
                run_start = self.last_month.shift(-1).start - timedelta(days=rng.randint(60, 90))
            if day < run_start:
                add(LocationType.GROUP_HOME, self.place_name(NAMES.group_homes), (run_start - day).days)
            add(LocationType.RUNAWAY, None, rng.randint(18, 30))
            add(LocationType.SHELTER, self.place_name(NAMES.shelters), rng.randint(6, 12))
            if special == "runaway" and day < self.last_month.shift(-1).start:
                add(LocationType.GROUP_HOME, self.place_name(NAMES.group_homes),
                    (self.last_month.shift(-1).start - day).days - rng.randint(5, 15))
            add(LocationType.RUNAWAY, None, None)
            return segments
        while day <= stop:
            remaining = (stop - day).days + 1
            if reunify and remaining <= home_days:
                add(LocationType.TRIAL_HOME_VISIT, None, max(30, remaining - rng.randint(20, 60)))
                add(LocationType.IN_HOME, None, None)
                break
            roll = rng.random()
            if age >= _TEEN and roll < 0.05:
                add(LocationType.RUNAWAY, None, rng.randint(4, 45))
                add(LocationType.SHELTER, self.place_name(NAMES.shelters), rng.randint(3, 14))
                continue
            if roll < 0.02:
                add(LocationType.HOSPITAL, self.place_name(NAMES.hospitals), rng.randint(2, 14))
                continue
            if age >= _TEEN and roll < 0.06:
                add(LocationType.DETENTION, self.place_name(NAMES.detention), rng.randint(7, 45))
                continue
            if age >= 11 and roll < 0.09:
                add(LocationType.RESIDENTIAL, self.place_name(NAMES.residential), rng.randint(60, 200))
                continue
            if roll < 0.11:
                add(LocationType.OUT_OF_STATE, f"{self.relative_home('relative home')}, {rng.choice(NAMES.states)}",
                    rng.randint(120, 400))
                continue
            if age >= 12 and roll < 0.3:
                add(LocationType.GROUP_HOME, self.place_name(NAMES.group_homes), rng.randint(90, 400))
            elif age >= 17 and roll < 0.4:
                add(LocationType.INDEPENDENT_LIVING, f"{rng.choice(NAMES.places)} Transitional Apartments",
                    rng.randint(90, 300))
            elif roll < 0.62:
                add(LocationType.KINSHIP, self.relative_home("kinship home"), rng.randint(150, 700))
            else:
                add(LocationType.FOSTER_HOME, self.relative_home("foster home"), rng.randint(120, 600))
            age += 1
        return segments

    def goal_change(self, case: SimulatedCase, kids: list[Person], parents: list[Member], special: str) -> None:
        """After a year or so, some cases move to adoption, guardianship or APPLA; rights may be terminated."""
        rng = self.rng
        end = case.closed_on or self.as_of
        long = (end - case.opened_on).days > 420
        if special == "adoption":
            change = self.as_of - timedelta(days=rng.randint(200, 300))
            change = max(change, case.opened_on + timedelta(days=30))
        elif not special and long and rng.random() < 0.5 and not any(
                p.location_type in (LocationType.TRIAL_HOME_VISIT, LocationType.IN_HOME) for p in case.placements):
            change = case.opened_on + timedelta(days=rng.randint(330, 420))
        else:
            return
        if change >= end:
            return
        oldest = min(kids, key=lambda k: k.birth_date)
        age = (change - oldest.birth_date).days // 365
        goal = Goal.APPLA if age >= 16 else (Goal.GUARDIANSHIP if rng.random() < 0.35 else Goal.ADOPTION)
        if special == "adoption":
            goal = Goal.ADOPTION
        case.goal([kid for kid in kids if kid.birth_date <= change], goal, change)
        if goal is not Goal.ADOPTION:
            return
        # Termination of parental rights some months later (the mother's always in the adoption
        # special, so that the father keeps rights and gets a contact plan).
        for parent in parents:
            if parent.left_on is not None:
                continue
            if special == "adoption" and parent.person is not parents[0].person:
                continue
            if rng.random() < 0.8 or special == "adoption":
                # (In the adoption special, before the last two months, so that they show it.)
                terminated = change + timedelta(days=rng.randint(60, 110) if special else rng.randint(90, 240))
                if terminated <= end:
                    parent.rights_terminated_on = terminated

    def one_child_termination(self, case: SimulatedCase, kids: list[Person], parents: list[Member], special: str,
                              in_home: bool) -> None:
        """A parent's rights to the youngest child end (to be adopted by the caregivers) while an older
        sibling's goal stays reunification: the parent is still visited for the sibling."""
        rng = self.rng
        if special == "per_child_rights":
            ended = self.mid_month(self.last_month.previous())
        elif special or len(kids) < 2 or in_home or rng.random() >= ONE_CHILD_TERMINATION_RATE \
                or any(goal not in _REUNIFICATION_GOALS for _kid, goal, _day in case.goals):
            return
        else:
            ended = case.opened_on + timedelta(days=rng.randint(240, 600))
        change = max(ended - timedelta(days=rng.randint(90, 180)), case.opened_on + timedelta(days=30))
        parent = parents[1] if special else rng.choice(parents)  # the special family's father
        youngest = max(kids, key=lambda k: k.birth_date)
        if not change < ended <= min(case.closed_on or self.as_of, self.as_of) or parent.left_on is not None:
            return
        case.goal([youngest], Goal.ADOPTION, change)
        case.end_rights(parent.person, youngest, ended)

    def dated_facts(self, case: SimulatedCase, parents: list[Member], special: str) -> None:
        """Facts that change while the case is open (member_periods.csv): a parent whose whereabouts
        become known, a father who moves out of the home, a father in jail for a while."""
        rng = self.rng
        opened = case.opened_on
        today = min(case.closed_on or self.as_of, self.as_of)
        shown = self.last_month.previous()  # the special families change in the last complete month
        for parent in parents[1:]:  # the father or the alleged father: the mother's facts stay as they are
            if parent.left_on is not None or parent.person.deceased_on is not None:
                continue
            if parent.whereabouts_unknown:
                if special == "whereabouts_found" or (not special and rng.random() < FOUND_RATE):
                    found = self.mid_month(shown) if special else self.day_between(opened + timedelta(days=45), today)
                    if found is not None and opened < found <= today:
                        parent.date_fact(MemberFact.WHEREABOUTS_UNKNOWN, opened, found - _ONE_DAY, today)
            elif parent.resides_in_home:
                if special == "moved_out" or (not special and rng.random() < MOVE_OUT_RATE):
                    moved = self.mid_month(shown) if special else self.day_between(opened + timedelta(days=60), today)
                    if moved is not None and opened < moved <= today:
                        parent.date_fact(MemberFact.RESIDES_IN_HOME, opened, moved - _ONE_DAY, today)
            elif not parent.incarcerated and (special == "incarceration_period" and parent is parents[1] or (
                    not special and rng.random() < JAIL_RATE)):
                self.jail_stay(parent, opened, today, special)

    def jail_stay(self, parent: Member, opened: date, today: date, special: str) -> None:
        """In jail from the last complete month into the month in progress (the special family), or for
        a few weeks to most of a year at any time (still there on `today`: open-ended)."""
        rng = self.rng
        if special:
            start = self.last_month.previous().start + timedelta(days=rng.randint(3, 12))
            end: date | None = min(self.last_month.start + timedelta(days=rng.randint(2, 9)),
                                   self.as_of - timedelta(days=2))
        else:
            start = self.day_between(opened + timedelta(days=20), today)
            if start is None:
                return
            end = start + timedelta(days=rng.randint(20, 300))
        if end is not None and end >= today:
            end = None
        if opened <= start <= today and (end is None or start <= end):
            parent.date_fact(MemberFact.INCARCERATED, start, end, today)

    def transfer(self, case: SimulatedCase, unit: int, special: str) -> None:
        """Some cases move to another specialist mid-month, of the same unit or (now and then) of another."""
        rng = self.rng
        if special == "transfer":
            day = self.mid_month(self.last_month.previous())
        elif special or rng.random() >= TRANSFER_RATE:
            return
        else:
            first = max(case.opened_on + timedelta(days=30), self.history_start)
            last = min(case.closed_on or self.as_of, self.as_of) - timedelta(days=10)
            some_day = self.day_between(first, last)
            day = None if some_day is None else self.mid_month(Month.of(some_day))
            if day is not None and not first <= day <= last:
                return
        if day is None or day <= case.opened_on or (case.closed_on is not None and day > case.closed_on):
            return
        units = len(self.units)
        to = (unit + rng.randint(1, units - 1)) % units if units > 1 and (
            special or rng.random() < TRANSFER_TO_ANOTHER_UNIT) else unit
        colleagues = [s for s in self.specialists[to] if s != case.specialist_id]
        if colleagues:
            case.transfer(rng.choice(colleagues), self.units[to][0], day)

    def mid_month(self, month: Month) -> date:
        """A day in the middle of `month` (a change that month splits it)."""
        return month.start + timedelta(days=self.rng.randint(6, 19))

    def day_between(self, first: date, last: date) -> date | None:
        return first + timedelta(days=self.rng.randint(0, (last - first).days)) if first <= last else None

    def records_for(self, case: SimulatedCase, parents: list[Member], special: str) -> None:
        """Contact plans for parents whose children's goal is no longer reunification; exceptions."""
        end = min(case.closed_on or self.as_of, self.as_of)
        changes = [effective for _kid, goal, effective in case.goals if goal not in _REUNIFICATION_GOALS]
        if changes and not any(case.goal_on(kid, end) in _REUNIFICATION_GOALS for kid, _goal, _day in case.goals):
            # (A parent with a child still to be reunified is visited for that child: no plan.)
            self.contact_plans(case, parents, special, min(changes), end)
        self.parent_exceptions(case, parents, special, end)
        self.treatment_exceptions(case)

    def contact_plans(self, case: SimulatedCase, parents: list[Member], special: str, change: date,
                      end: date) -> None:
        rng = self.rng
        for parent in parents:
            if parent.whereabouts_unknown or parent.left_on is not None:
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
            methods = rng.choice(((Method.PHONE, Method.WRITTEN), (Method.IN_PERSON, Method.PHONE),
                                  (Method.PHONE, Method.VIDEO), (Method.WRITTEN,), (Method.IN_PERSON,),
                                  (Method.PHONE, Method.VIDEO, Method.WRITTEN)))
            if parent.incarcerated:
                methods = (Method.PHONE, Method.WRITTEN)
            case.plans.append(_plan(case, parent, frequency, methods, rng.choice(TEXTS.plan_arrangements), start,
                                    created))
            review = start.shift(6)
            if rng.random() < 0.25 and review.start <= end and _rights_intact(parent, review):
                # Reviewed after six months: the new plan supersedes the first (as the app does it).
                case.plans.append(_plan(case, parent, rng.choice((1, 2, 3)), methods,
                                        rng.choice(TEXTS.plan_arrangements), review,
                                        max(review.start, created) + timedelta(days=rng.randint(0, 5))))

    def parent_exceptions(self, case: SimulatedCase, parents: list[Member], special: str, end: date) -> None:
        """Rare, time-limited, some revoked."""
        rng = self.rng
        for parent in parents:
            forced = special == "exception" and parent is parents[0]
            if not forced and not (parent.incarcerated and rng.random() < 0.3) and rng.random() > 0.012:
                continue
            if special and not forced:
                continue  # a special family shows its situation alone
            if parent.rights_terminated_on is not None:
                continue
            first = Month.of(case.opened_on).shift(1)
            last = Month.of(end)
            if forced:
                start = last.shift(-rng.randint(1, 3))
            else:
                span = (last.year - first.year) * 12 + last.month - first.month
                if span < 1:
                    continue
                start = first.shift(rng.randint(0, span))
            if start < Month.of(case.opened_on) or start.start > end:
                continue
            length = rng.randint(3, 6)
            stop = start.shift(length - 1)
            if case.closed_on is not None and stop > Month.of(case.closed_on):
                stop = Month.of(case.closed_on)
            category = (ExceptionCategory.PARENT_INCARCERATED if parent.incarcerated else rng.choice((
                ExceptionCategory.PARENT_OUT_OF_AREA, ExceptionCategory.PARENT_DECLINES, ExceptionCategory.COURT_ORDER)))
            created = max(start.start - timedelta(days=rng.randint(0, 10)), case.opened_on)
            spec = _exception(case, parent.person, category, _EXCEPTION_REASONS[category], start, stop, created)
            if rng.random() < 0.1 and not forced and stop > start \
                    and start.shift(1).start - timedelta(days=3) <= self.as_of:
                spec.revoked_from = start.shift(1)
                spec.revoked_at = at_hour(max(spec.revoked_from.start - timedelta(days=3), created), REVOCATION_HOUR)
            case.exceptions.append(spec)

    def treatment_exceptions(self, case: SimulatedCase) -> None:
        """A child in residential treatment: the visit requirement excused for the stay (rarely)."""
        rng = self.rng
        for placement in case.placements:
            if placement.location_type is LocationType.RESIDENTIAL and rng.random() < 0.3 \
                    and placement.start_on <= self.as_of:
                start = Month.of(placement.start_on)
                last = Month.of(min(placement.end_on or self.as_of, self.as_of))
                stop = min(last, start.shift(5))
                if case.closed_on is not None:
                    stop = min(stop, Month.of(case.closed_on))
                if any(e.person is placement.child for e in case.exceptions):
                    continue
                case.exceptions.append(_exception(
                    case, placement.child, ExceptionCategory.CHILD_IN_TREATMENT,
                    "In residential treatment out of the area; the program limits outside visits to the family.",
                    start, stop, max(placement.start_on, case.opened_on)))


def _plan(case: Case, parent: Member, frequency: int, methods: tuple[Method, ...], arrangements: str, start: Month,
          created: date) -> PlanSpec:
    """An open-ended plan, reviewed after six months."""
    return PlanSpec(case, parent.person, frequency, methods, arrangements, start, None, start.shift(6).start,
                    at_hour(created, PLAN_HOUR))


def _exception(case: Case, person: Person, category: ExceptionCategory, reason: str, start: Month, end: Month,
               created: date) -> ExceptionSpec:
    """An exception reviewed a month after it starts."""
    return ExceptionSpec(case, person, category, reason, start, end, start.shift(1).start,
                         at_hour(created, EXCEPTION_HOUR))


def _rights_intact(member: Member, month: Month) -> bool:
    return member.rights_terminated_on is None or member.rights_terminated_on > month.end
