"""The synthetic agency's model: people, cases, placements, notes and the app's records.

Both agencies (`scenarios`, the hand-made sample; `families` + `simulate`, the
generated scales) build these objects; `write` numbers them and turns them into
the importer's rows and the record services' requests. People and cases refer
to each other as objects: ids are given only at the end, when every case is
known (`Agency.number`). Enumerations are the StrEnums of `domain/enums.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter

from staffing_tui.domain.enums import CaseType, ExceptionCategory, Goal, Location, LocationType, MemberFact, Method
from staffing_tui.domain.enums import Role
from staffing_tui.domain.enums import StaffingReasonCode, StaffRole
from staffing_tui.domain.model import fact_holds
from staffing_tui.domain.months import Month

#: The agencies' time zone (the database default, `meta.timezone`): note times and record times are
#: local wall times in it.
TIMEZONE = "America/Phoenix"


@dataclass(slots=True, eq=False)
class Person:
    first_name: str
    last_name: str
    birth_date: date
    #: the first day the person is no longer alive
    deceased_on: date | None = None
    person_id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def names_of(people: Iterable[Person]) -> str:
    """First names only ("Ana, Ben and Cy"): a note never holds a full name or a birth date."""
    names = [p.first_name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


ONE_DAY = timedelta(days=1)
#: A dated fact: (start_on, end_on — inclusive, None: still holds), a row of member_periods.csv.
Period = tuple[date, "date | None"]


class Member:
    """A person's part in one case: the columns of case_members.csv, and the member's dated facts
    (member_periods.csv)."""

    __slots__ = ("person", "role", "alleged_victim", "alleged_perpetrator", "resides_in_home", "rights_terminated_on",
                 "whereabouts_unknown", "incarcerated", "joined_on", "left_on", "periods")

    def __init__(self, person: Person, role: Role, *, resides_in_home: bool = False, alleged_victim: bool = False,
                 alleged_perpetrator: bool = False, whereabouts_unknown: bool = False, incarcerated: bool = False,
                 joined_on: date | None = None) -> None:
        self.person = person
        self.role = role
        self.alleged_victim = alleged_victim
        self.alleged_perpetrator = alleged_perpetrator
        self.resides_in_home = resides_in_home
        self.rights_terminated_on: date | None = None
        self.whereabouts_unknown = whereabouts_unknown
        self.incarcerated = incarcerated
        self.joined_on = joined_on
        self.left_on: date | None = None
        #: the facts dated by member_periods.csv (None: none is; most members)
        self.periods: dict[MemberFact, list[Period]] | None = None

    @property
    def is_parent(self) -> bool:
        return self.role.is_parent

    def date_fact(self, fact: MemberFact, start_on: date, end_on: date | None, today: date) -> None:
        """`fact` holds from `start_on` to `end_on` (a member_periods.csv row). The case_members column
        of the same name says whether it holds `today`, for readers of older exports; the periods are
        what counts (docs/data.md "Files and columns")."""
        if self.periods is None:
            self.periods = {}
        self.periods.setdefault(fact, []).append((start_on, end_on))
        setattr(self, fact.value, self.holds(fact, today))

    def holds(self, fact: MemberFact, day: date) -> bool:
        """Whether `fact` holds on `day`: its periods when it has any, else its column (the whole membership)."""
        periods = () if self.periods is None else self.periods.get(fact, ())
        return fact_holds(((fact, start, end) for start, end in periods), fact, day, getattr(self, fact.value))

    def settled_from(self, first: date, last: date) -> date:
        """The first day of `first`…`last` from which none of the member's dated facts changes up to
        `last`: a month's contacts follow the facts of its last day, when the engine reads them."""
        if self.periods is None:
            return first
        changes = [day for periods in self.periods.values() for start, end in periods
                   for day in (start, None if end is None else end + ONE_DAY) if day is not None and first < day <= last]
        return max(changes, default=first)

    def on_case(self, day: date, opened_on: date) -> bool:
        """On the case, born and alive on `day` (a missing `joined_on` is the case's opening day)."""
        p = self.person
        return ((self.joined_on or opened_on) <= day and (self.left_on is None or day <= self.left_on)
                and p.birth_date <= day and (p.deceased_on is None or day < p.deceased_on))


class Placement:
    __slots__ = ("child", "location_type", "location_name", "start_on", "end_on", "placement_id")

    def __init__(self, child: Person, location_type: LocationType, location_name: str | None, start_on: date,
                 end_on: date | None) -> None:
        self.child = child
        self.location_type = location_type
        self.location_name = location_name
        self.start_on = start_on
        self.end_on = end_on
        self.placement_id = ""

    def in_effect_on(self, day: date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)


#: A note as the writer takes it, in the columns of notes.csv: (occurred_at — local wall time,
#: `YYYY-MM-DDTHH:MM:SS` —, case_id, author_id, note_type, method, location, locate_for, text,
#: placement_id, contacts — the sorted ids of the people contacted); location, locate_for and
#: placement_id may be None.
#: A plain tuple of strings, not a NamedTuple or a class: the garbage collector stops tracking such
#: a tuple; tracking 1.5 million notes (statewide) made the simulation a quarter slower.
Note = tuple[str, str, str, str, str, "str | None", "str | None", str, "str | None", tuple[str, ...]]


def note_row(occurred_at: str, case: Case, note_type: str, method: Method, location: Location | None,
             people: Iterable[Person], text: str, locate_for: Person | None = None,
             placement: Placement | None = None) -> Note:
    """The note the specialist who had `case` that day wrote (ids given: after `Agency.number`);
    `placement`: the caregiver it contacted (a call to an out-of-state foster parent)."""
    author = case.specialist_id if len(case.assignments) == 1 else case.specialist_on(occurred_at[:10])
    return (occurred_at, case.case_id, author, note_type, str(method),
            None if location is None else str(location), None if locate_for is None else locate_for.person_id,
            text, None if placement is None else placement.placement_id, tuple(sorted([p.person_id for p in people])))


#: Notes are numbered in time order, as in a real database (then by case and type).
note_order = itemgetter(0, 1, 3)


# --- the app's records: written through the record services, each at its local time `at` -------------


@dataclass(eq=False)
class ExceptionSpec:
    case: Case
    person: Person
    category: ExceptionCategory
    reason: str
    start: Month
    end: Month
    review_on: date
    at: datetime
    revoked_from: Month | None = None
    revoked_at: datetime | None = None


@dataclass(eq=False)
class PlanSpec:
    case: Case
    parent: Person
    frequency: int
    methods: tuple[Method, ...]
    arrangements: str
    start: Month
    end: Month | None
    review_on: date
    at: datetime


@dataclass(eq=False)
class StaffingNoteSpec:
    case: Case
    person: Person | None
    month: Month
    reason_code: StaffingReasonCode
    text: str
    at: datetime


@dataclass(eq=False)
class StepSpec:
    case: Case
    person: Person | None
    text: str
    due: date
    at: datetime
    done_at: datetime | None = None


def at_hour(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall time on `day`."""
    return datetime.combine(day, time(hour, minute))


# --- cases ----------------------------------------------------------------------------------------


class Case:
    """One case with its members, parent-child links, goals, placements and records."""

    def __init__(self, case_type: CaseType, specialist_id: str, unit_id: str, opened_on: date,
                 closed_on: date | None = None, scenario: str = "") -> None:
        self.case_id = ""
        self.case_type = case_type
        #: the specialist assigned now, and their unit (cases.csv); who had it when is `assignments`
        self.specialist_id = specialist_id
        self.unit_id = unit_id
        #: (start_on, specialist_id, unit_id) of each assignment, in order (case_assignments.csv)
        self.assignments: list[tuple[date, str, str]] = [(opened_on, specialist_id, unit_id)]
        self.opened_on = opened_on
        self.closed_on = closed_on
        #: the situation this case was made to show ("" for an ordinary case)
        self.scenario = scenario
        self.members: list[Member] = []
        self.links: list[tuple[Person, Person]] = []  # (parent, child)
        #: (parent, child) → the day this parent's rights to this child end (parent_child.csv)
        self.rights_ended: dict[tuple[Person, Person], date] = {}
        self.goals: list[tuple[Person, Goal, date]] = []
        self.placements: list[Placement] = []
        self._placements_of: dict[Person, list[Placement]] = {}
        self.exceptions: list[ExceptionSpec] = []
        self.plans: list[PlanSpec] = []

    # building

    def add(self, person: Person, role: Role, **flags) -> Member:
        member = Member(person, role, **flags)
        self.members.append(member)
        return member

    def link(self, parents: Iterable[Person], children: Iterable[Person]) -> None:
        children = list(children)
        for parent in parents:
            self.links.extend((parent, child) for child in children)

    def goal(self, children: Iterable[Person], goal: Goal, effective_on: date) -> None:
        self.goals.extend((child, goal, effective_on) for child in children)

    def transfer(self, specialist_id: str, unit_id: str, on: date) -> None:
        """The case moves to another specialist on `on`: the months before stay with the one who had
        them (docs/data.md "Files and columns", case_assignments.csv)."""
        assert on > self.assignments[-1][0], (self.scenario, on)
        self.assignments.append((on, specialist_id, unit_id))
        self.specialist_id, self.unit_id = specialist_id, unit_id

    def specialist_on(self, day: str) -> str:
        """Who had the case on `day` (`YYYY-MM-DD`)."""
        return next(specialist for start, specialist, _unit in reversed(self.assignments) if start.isoformat() <= day)

    def assignment_periods(self) -> Iterator[tuple[str, date, date | None]]:
        """(specialist_id, start_on, end_on) of each assignment; the current one open-ended."""
        for (start, specialist, _unit), following in zip(self.assignments, [*self.assignments[1:], None]):
            yield specialist, start, None if following is None else following[0] - ONE_DAY

    def end_rights(self, parent: Person, child: Person, on: date) -> None:
        """This parent's rights to this child (not to their siblings) end on `on`."""
        self.rights_ended[(parent, child)] = on

    def place(self, children: Iterable[Person], location_type: LocationType, name: str | None, start_on: date,
              end_on: date | None = None) -> None:
        for child in children:
            placement = Placement(child, location_type, name, start_on, end_on)
            self.placements.append(placement)
            self._placements_of.setdefault(child, []).append(placement)

    # looking things up

    def member(self, person: Person) -> Member:
        for m in self.members:
            if m.person is person:
                return m
        raise KeyError(person.person_id)

    def placement_on(self, child: Person, day: date) -> Placement | None:
        for p in self._placements_of.get(child, ()):
            if p.in_effect_on(day):
                return p
        return None

    def goal_on(self, child: Person, day: date) -> Goal:
        current, since = Goal.REUNIFICATION, None
        for kid, goal, effective in self.goals:
            if kid is child and effective <= day and (since is None or effective > since):
                current, since = goal, effective
        return current

    def open_days(self, month: Month, until: date | None = None) -> tuple[date, date] | None:
        """The first and last day of `month` the case is open (and not after `until`); None: none."""
        first = max(month.start, self.opened_on)
        last = month.end if self.closed_on is None else min(month.end, self.closed_on)
        if until is not None:
            last = min(last, until)
        return (first, last) if first <= last else None


# --- the agency -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Numbering:
    """How one kind of id is spelt: `template` (printf style) applied to the number plus `offset`."""

    template: str
    offset: int = 0

    def __call__(self, number: int) -> str:
        return self.template % (number + self.offset)


@dataclass(frozen=True, slots=True)
class Ids:
    case: Numbering
    person: Numbering
    placement: Numbering
    note: Numbering


class Agency:
    """What a simulation produces: units, staff, cases (with their records), staffing notes, next
    steps, and the notes, in batches (`note_batches`)."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.units: list[tuple[str, str, str]] = []  # unit_id, name, region
        self.staff: list[tuple[str, str, StaffRole, str | None]] = []  # staff_id, name, role, unit_id
        self.supervisors: dict[str, str] = {}  # unit_id → the supervisor who approves its records
        self.cases: list[Case] = []
        self.staffing_notes: list[StaffingNoteSpec] = []
        self.steps: list[StepSpec] = []

    #: how many batches `note_batches` yields (for a progress bar)
    note_batch_count = 1

    def note_batches(self) -> Iterator[list[Note]]:
        """The notes in batches: each batch is put in time order and numbered after the previous one."""
        raise NotImplementedError

    def number(self, ids: Ids) -> None:
        """Give ids: cases in list order, people in order of first appearance, each case's placements
        by child and start."""
        person_number = 0
        for number, case in enumerate(self.cases, start=1):
            case.case_id = ids.case(number)
            for member in case.members:
                if not member.person.person_id:
                    person_number += 1
                    member.person.person_id = ids.person(person_number)
        number = 0
        for case in self.cases:
            for placement in sorted(case.placements, key=lambda p: (p.child.person_id, p.start_on)):
                number += 1
                placement.placement_id = ids.placement(number)

    def people(self) -> list[Person]:
        """Everyone on a case, by id."""
        people = {m.person.person_id: m.person for case in self.cases for m in case.members}
        return [people[person_id] for person_id in sorted(people)]
