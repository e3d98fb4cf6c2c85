"""The hand-made sample's agency (`--scale sample`, shipped as `sample.db`): its staff, the
builder the scenario families are written with (`scenarios.py`), and its routine visits.

The data is anchored to `meta.as_of = 2026-11-18`: November 2026 is the month
in progress, October 2026 the complete month before, and there are fourteen
months of history (October 2025 on). Most people are seen every month; the
scenario cases make sure the two reports together show every status, reason
and flag of `domain/enums.py`.

Its routine visits are simpler than the generated agency's month-by-month
notes (`simulate.py`): a scenario case misses only what its scenario says, so
each shows its rule alone. They are drawn from the sample's own random stream,
which `sample.db` is built from: change a draw here and the shipped file changes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta

import pendulum

from staffing_tui.domain.enums import CaseType, ExceptionCategory, Goal, Location, LocationType, MemberFact, Method
from staffing_tui.domain.enums import Role, StaffingReasonCode, StaffRole
from staffing_tui.domain.months import Month
from staffing_tui.sample import SAMPLE_BUILDER
from staffing_tui.synth import names, texts
from staffing_tui.synth.model import Agency, Case, ExceptionSpec, Member, Note, Person, Placement, PlanSpec
from staffing_tui.synth.model import StaffingNoteSpec, StepSpec, TIMEZONE, names_of, note_row
from staffing_tui.synth.simulate import placement_groups

NAMES = names.SAMPLE
TEXTS = texts.SAMPLE
WOMEN, MEN, CHILDREN = NAMES.women, NAMES.men, NAMES.children

SEED = 20261118
AS_OF = date(2026, 11, 18)
#: The importer's "now": notes after it would be rejected as future notes.
NOW = pendulum.datetime(2026, 11, 18, 17, 0, tz=TIMEZONE)
HISTORY_START = Month(2025, 10)
OCTOBER = Month(2026, 10)
NOVEMBER = Month(2026, 11)
OS_USER = SAMPLE_BUILDER  # a working copy's audit rows by anyone else are the user's work
#: Share of routine visits that did not happen in a past month (a realistic few).
MISSED_VISIT_RATE = 0.03

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
UNIT_OF = {staff_id: unit_id for staff_id, _name, _role, unit_id in STAFF}
SPECIALISTS = tuple(s[0] for s in STAFF if s[2] is StaffRole.SPECIALIST)


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


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


class ScriptedCase(Case):
    """A sample case: its scenario writes some people's notes itself, the routine visits the rest."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: from this month on the scenario writes the person's notes itself
        self.manual_from: dict[Person, Month] = {}
        #: single months in which the person is left out of the routine visits
        self.skip: set[tuple[Person, Month]] = set()
        #: minutes with a note already (no two notes of a case at the same minute)
        self.used_minutes: set[str] = set()

    def manual(self, person: Person, from_month: Month) -> None:
        self.manual_from[person] = from_month

    def routine(self, member: Member, month: Month, day: date) -> bool:
        """Whether the routine visits of `month` include the member (on `day`)."""
        manual = self.manual_from.get(member.person)
        if manual is not None and month >= manual:
            return False
        return (member.person, month) not in self.skip and member.on_case(day, self.opened_on)


class SampleBuilder(Agency):
    """Generates the fictional agency: people, cases, placements, notes and records."""

    def __init__(self, seed: int = SEED) -> None:
        super().__init__(AS_OF)
        self.rng = random.Random(seed)
        self.units = list(UNITS)
        self.staff = list(STAFF)
        self.supervisors = {unit_id: staff_id for staff_id, _name, role, unit_id in STAFF
                            if role is StaffRole.SUPERVISOR}
        #: the notes' fields, made into notes once cases and people have ids
        self.notes: list[tuple] = []
        self._surnames = names.NameQueue(NAMES.surnames, self.rng)
        self._foster_families = names.NameQueue(NAMES.foster_families, self.rng)
        self._first_names = {pool: names.NameQueue(pool, self.rng) for pool in (WOMEN, MEN, CHILDREN)}

    def note_batches(self) -> Iterator[list[Note]]:
        yield [note_row(*fields) for fields in self.notes]

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
        mother = self.person(WOMEN, last_name, oldest + self.rng.randint(19, 30))
        father = self.person(MEN, father_surname or last_name, oldest + self.rng.randint(20, 34))
        return mother, father

    def foster_home(self) -> str:
        return f"{self._foster_families.take()} foster home"

    # cases ----------------------------------------------------------------------------------

    def case(self, case_type: CaseType, specialist_id: str, opened_on: date, closed_on: date | None = None,
             scenario: str = "") -> ScriptedCase:
        case = ScriptedCase(case_type, specialist_id, UNIT_OF[specialist_id], opened_on, closed_on, scenario)
        self.cases.append(case)
        return case

    def dependency_family(self, specialist_id: str, opened_on: date, ages: list[int], *,
                          closed_on: date | None = None, scenario: str = "",
                          father_role: Role | None = Role.PARENT, father_resides: bool = True,
                          mother_resides: bool = True) -> tuple[ScriptedCase, Person, Person | None, list[Person]]:
        """A dependency case with a mother, (optionally) a father and children, goal reunification."""
        last = self.surname()
        case = self.case(CaseType.DEPENDENCY, specialist_id, opened_on, closed_on, scenario)
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

    def note(self, case: ScriptedCase, when: datetime | str, note_type: str, method: Method,
             location: Location | None, contacts: Iterable[Person], text: str,
             locate_for: Person | None = None, placement: Placement | None = None) -> None:
        when = at(when) if isinstance(when, str) else when
        contacts = tuple(contacts)
        day = when.date()
        # Catch a scenario mistake here, with the case in hand, rather than as an import error.
        assert when <= NOW.naive(), f"note in the future: {when}"
        assert case.opened_on <= day and (case.closed_on is None or day <= case.closed_on), (case.scenario, when)
        for person in contacts:
            assert case.member(person).on_case(day, case.opened_on), (case.scenario, person.name, when)
        assert (method is Method.IN_PERSON) == (location is not None), (case.scenario, when)
        assert method is not Method.NONE or not contacts, (case.scenario, when)  # docs/data.md: none lists nobody
        assert placement is None or (placement in case.placements and placement.in_effect_on(day)), (case.scenario, when)
        case.used_minutes.add(when.strftime("%Y-%m-%dT%H:%M"))
        self.notes.append((when.strftime("%Y-%m-%dT%H:%M:%S"), case, note_type, method, location, contacts, text,
                           locate_for, placement))

    def visit_time(self, case: ScriptedCase, month: Month, first: date, last: date) -> datetime | None:
        """When a routine visit of `month` happened; None when it has not (yet)."""
        # Scenario cases miss only what their scenario says, so each shows its rule alone.
        if month < NOVEMBER and self.rng.random() < MISSED_VISIT_RATE and not case.scenario:
            return None
        for _ in range(20):
            day = first + timedelta(days=self.rng.randint(0, (last - first).days))
            when = datetime(day.year, day.month, day.day, self.rng.randint(8, 16), self.rng.choice((0, 15, 30, 45)))
            if when.strftime("%Y-%m-%dT%H:%M") not in case.used_minutes:
                break
        return when if when <= NOW.naive() else None

    def monthly(self, case: ScriptedCase, months: Iterable[Month], day: int, hour: int,
                write: Callable[[datetime], None]) -> None:
        """`write(when)` on `day` of each month at `hour`, while the case is open and not after NOW."""
        for month in months:
            when = datetime(month.year, month.month, min(day, month.end.day), hour, 0)
            days = case.open_days(month)
            if days is not None and days[0] <= when.date() <= days[1] and when <= NOW.naive():
                write(when)

    # routine visits -------------------------------------------------------------------------

    def routine_visits(self, case: ScriptedCase) -> None:
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

    def _routine_parents(self, case: ScriptedCase, month: Month, day: date) -> list[Member]:
        return [
            m for m in case.members
            if m.is_parent and case.routine(m, month, day) and not m.holds(MemberFact.WHEREABOUTS_UNKNOWN, day)
            and not m.holds(MemberFact.INCARCERATED, day)
            and (m.rights_terminated_on is None or m.rights_terminated_on > day)
        ]

    def _dependency_month(self, case: ScriptedCase, month: Month, days: tuple[date, date], *, court: bool) -> None:
        rng = self.rng
        seen_at_home: set[Person] = set()
        # Children: one visit per placement (siblings placed together are seen together).
        middle = min(days[0] + timedelta(days=(days[1] - days[0]).days // 2), days[1])
        children = [m.person for m in case.members if m.role is Role.CHILD and case.routine(m, month, middle)]
        for (location_type, place), kids in placement_groups(case, children, middle).items():
            when = self.visit_time(case, month, *days)
            if when is None or location_type is LocationType.RUNAWAY:
                continue
            kids = [k for k in kids if case.member(k).on_case(when.date(), case.opened_on)]
            if kids:
                self._child_visit(case, month, when, location_type, place, kids, seen_at_home)
        # Parents: the couple living together is seen together, a parent living elsewhere alone.
        parents = [m for m in self._routine_parents(case, month, middle) if m.person not in seen_at_home]
        at_home = [m for m in parents if m.holds(MemberFact.RESIDES_IN_HOME, middle)]
        households = [[m.person for m in at_home]] + [[m.person] for m in parents if m not in at_home]
        for household in households:
            if not household:
                continue
            when = self.visit_time(case, month, *days)
            if when is None:
                continue
            household = [p for p in household if case.member(p).on_case(when.date(), case.opened_on)]
            location = rng.choice((Location.HOME, Location.HOME, Location.OFFICE, Location.OFFICE, Location.COMMUNITY))
            note_type = {Location.HOME: "home_visit", Location.OFFICE: "office_visit"}.get(location, "community_contact")
            self.note(case, when, note_type, Method.IN_PERSON, location, household,
                      rng.choice(TEXTS.parent_visit[location]).format(names=names_of(household)))
        # Review hearings every three months, and the odd phone call.
        if court and days == (month.start, month.end):
            when = self.visit_time(case, month, *days)
            present = [m.person for m in self._routine_parents(case, month, middle) if rng.random() < 0.85]
            if when is not None and present:
                self.note(case, when, "court", Method.IN_PERSON, Location.COURT, present,
                          rng.choice(TEXTS.court).format(names=names_of(present)))
        for m in self._routine_parents(case, month, middle):
            if rng.random() < 0.2:
                when = self.visit_time(case, month, *days)
                if when is not None:
                    self.note(case, when, "phone_call", Method.PHONE, None, [m.person],
                              rng.choice(TEXTS.phone).format(names=m.person.first_name))

    def _child_visit(self, case: ScriptedCase, month: Month, when: datetime, location_type: LocationType,
                     place: str | None, kids: list[Person], seen_at_home: set[Person]) -> None:
        rng = self.rng
        if location_type is LocationType.OUT_OF_STATE:
            method = rng.choice((Method.PHONE, Method.VIDEO))
            self.note(case, when, "phone_call", method, None, kids,
                      TEXTS.out_of_state[method is Method.VIDEO].format(names=names_of(kids)))
        elif location_type in (LocationType.IN_HOME, LocationType.TRIAL_HOME_VISIT):
            parents = [m.person for m in self._routine_parents(case, month, when.date())
                       if m.holds(MemberFact.RESIDES_IN_HOME, when.date())]
            seen_at_home.update(parents)
            self.note(case, when, "home_visit", Method.IN_PERSON, Location.HOME, kids + parents,
                      rng.choice(TEXTS.in_home_visit).format(names=names_of(kids + parents)))
        elif rng.random() < 0.08 and all(AS_OF.year - k.birth_date.year >= 6 for k in kids):
            self.note(case, when, "school_visit", Method.IN_PERSON, Location.SCHOOL, kids,
                      rng.choice(TEXTS.school_visit).format(names=names_of(kids)))
        else:
            self.note(case, when, "placement_visit", Method.IN_PERSON, Location.PLACEMENT, kids,
                      rng.choice(TEXTS.placement_visit).format(names=names_of(kids), place=place or "the placement"))

    def _voluntary_month(self, case: ScriptedCase, month: Month, days: tuple[date, date]) -> None:
        when = self.visit_time(case, month, *days)
        if when is not None:
            household = [m.person for m in case.members
                         if m.holds(MemberFact.RESIDES_IN_HOME, when.date()) and case.routine(m, month, when.date())]
            if household:
                self.note(case, when, "home_visit", Method.IN_PERSON, Location.HOME, household,
                          self.rng.choice(TEXTS.voluntary).format(names=names_of(household)))
        for m in case.members:
            if m.is_parent and not m.holds(MemberFact.RESIDES_IN_HOME, days[1]) and self.rng.random() < 0.4:
                when = self.visit_time(case, month, *days)
                if when is not None and case.routine(m, month, when.date()):
                    self.note(case, when, "phone_call", Method.PHONE, None, [m.person],
                              f"Phone call with {m.person.first_name} about the children's schedule and visits.")

    # app records ----------------------------------------------------------------------------

    def exception(self, case: Case, person: Person, category: ExceptionCategory, reason: str, start: Month,
                  end: Month, review_on: date, created_at: str) -> None:
        case.exceptions.append(ExceptionSpec(case, person, category, reason, start, end, review_on, at(created_at)))

    def plan(self, case: Case, parent: Person, frequency: int, methods: tuple[Method, ...], arrangements: str,
             start: Month, end: Month | None, review_on: date, created_at: str) -> None:
        case.plans.append(PlanSpec(case, parent, frequency, methods, arrangements, start, end, review_on,
                                   at(created_at)))

    def staffing_note(self, case: Case, person: Person | None, month: Month, reason_code: StaffingReasonCode,
                      text: str, created_at: str) -> None:
        self.staffing_notes.append(StaffingNoteSpec(case, person, month, reason_code, text, at(created_at)))

    def next_step(self, case: Case, person: Person | None, text: str, due: date, created_at: str,
                  done_at: str | None = None) -> None:
        self.steps.append(StepSpec(case, person, text, due, at(created_at), at(done_at) if done_at else None))
