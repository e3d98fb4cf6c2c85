"""A small builder of `MonthFacts`, so each rule test reads like the policy sentence.

    s = Scenario()                       # month 2026-10, as of 2026-11-05
    s.case("C1", "dependency")
    s.child("K1").place("K1", "foster_home")
    s.note(12, "in_person", "K1", location="placement")
    row = row_for(s.evaluate(), "K1")

Days given as an `int` are days of the scenario's month; anything else is a
`date` (or an ISO string). Every id is fictional. The builder mirrors what the
store hands the engine: `joined_on` is already defaulted to the case's
`opened_on`, and `last_seen` / `last_contact` are precomputed across cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from staffing_tui.domain.enums import CaseType, Goal, Location, LocationType, MemberFact, Method, Role
from staffing_tui.domain.model import (
    Assignment,
    CaseFacts,
    ExceptionFacts,
    GoalFacts,
    MemberFacts,
    MonthFacts,
    NoteFacts,
    PlacementFacts,
    PlanFacts,
    StaffingNoteFacts,
)
from staffing_tui.domain.months import Month

#: The month every scenario evaluates unless told otherwise (31 days).
MONTH = Month(2026, 10)
#: Default as-of: after the month, so nothing is "in progress".
AFTER_MONTH = date(2026, 11, 5)
#: Cases are opened long before the month unless told otherwise.
LONG_AGO = date(2026, 1, 5)

DayLike = int | date | str


class Scenario:
    """One or more cases and everything recorded on them, for one month."""

    def __init__(self, month: Month | str = MONTH, as_of: DayLike | None = None) -> None:
        self.month = Month.parse(month) if isinstance(month, str) else month
        self.as_of = self.day(as_of) if as_of is not None else AFTER_MONTH
        self._facts = MonthFacts()
        self._case_id: str | None = None
        self._seq = 0

    # ----------------------------------------------------------------- days
    def day(self, value: DayLike) -> date:
        """An int is a day of the scenario's month; a str is ISO; a date passes."""
        if isinstance(value, int):
            return date(self.month.year, self.month.month, value)
        if isinstance(value, str):
            return date.fromisoformat(value)
        return value

    def _opt_day(self, value: DayLike | None) -> date | None:
        return None if value is None else self.day(value)

    def _month(self, value: Month | str | int | None) -> Month | None:
        """A Month, a `YYYY-MM` string, or an int offset from the scenario month."""
        if value is None or isinstance(value, Month):
            return value
        if isinstance(value, int):
            return self.month.shift(value)
        return Month.parse(value)

    def _next_id(self) -> int:
        self._seq += 1
        return self._seq

    # ---------------------------------------------------------------- cases
    def case(
        self,
        case_id: str = "C1",
        case_type: CaseType | str = CaseType.DEPENDENCY,
        *,
        opened_on: DayLike = LONG_AGO,
        closed_on: DayLike | None = None,
        specialist_id: str = "S1",
        unit_id: str | None = "U1",
    ) -> "Scenario":
        """Add a case; later people, notes and records go on it by default."""
        self._facts.cases.append(
            CaseFacts(
                case_id=case_id,
                case_type=CaseType(case_type),
                specialist_id=specialist_id,
                unit_id=unit_id,
                opened_on=self.day(opened_on),
                closed_on=self._opt_day(closed_on),
            )
        )
        self._case_id = case_id
        return self

    def _case(self, case_id: str | None) -> CaseFacts:
        wanted = case_id or self._case_id
        for case in self._facts.cases:
            if case.case_id == wanted:
                return case
        raise LookupError(f"no case {wanted!r} in the scenario; call .case() first")

    # --------------------------------------------------------------- people
    def member(
        self,
        person_id: str,
        role: Role | str,
        *,
        case: str | None = None,
        joined_on: DayLike | None = None,
        left_on: DayLike | None = None,
        birth_date: DayLike | None = None,
        deceased_on: DayLike | None = None,
        resides: bool = False,
        victim: bool = False,
        perpetrator: bool = False,
        rights_terminated_on: DayLike | None = None,
        whereabouts_unknown: bool = False,
        incarcerated: bool = False,
        periods: Iterable[tuple[MemberFact | str, DayLike, DayLike | None]] = (),
    ) -> "Scenario":
        """A member; `periods` are member_periods rows (fact, start_on, end_on)."""
        the_case = self._case(case)
        self._facts.members.append(
            MemberFacts(
                case_id=the_case.case_id,
                person_id=person_id,
                role=Role(role),
                # the store resolves a missing joined_on to the case's opened_on
                joined_on=self.day(joined_on) if joined_on is not None else the_case.opened_on,
                left_on=self._opt_day(left_on),
                alleged_victim=victim,
                alleged_perpetrator=perpetrator,
                resides_in_home=resides,
                rights_terminated_on=self._opt_day(rights_terminated_on),
                whereabouts_unknown=whereabouts_unknown,
                incarcerated=incarcerated,
                birth_date=self._opt_day(birth_date),
                deceased_on=self._opt_day(deceased_on),
                periods=tuple((MemberFact(fact), self.day(start), self._opt_day(end)) for fact, start, end in periods),
            )
        )
        return self

    def child(self, person_id: str, *, birth_date: DayLike = "2016-03-14", **kw) -> "Scenario":
        return self.member(person_id, Role.CHILD, birth_date=birth_date, **kw)

    def parent(self, person_id: str, *, of: str | Iterable[str] = (),
               rights_to: dict[str, DayLike] | None = None, **kw) -> "Scenario":
        """A parent; `of` links them to children on the same case (parent_child); `rights_to`
        gives parent_child.rights_terminated_on per child."""
        self.member(person_id, Role.PARENT, **kw)
        return self._link(person_id, of, kw.get("case"), rights_to or {})

    def alleged_parent(self, person_id: str, *, of: str | Iterable[str] = (),
                       rights_to: dict[str, DayLike] | None = None, **kw) -> "Scenario":
        self.member(person_id, Role.ALLEGED_PARENT, **kw)
        return self._link(person_id, of, kw.get("case"), rights_to or {})

    def spouse_partner(self, person_id: str, **kw) -> "Scenario":
        return self.member(person_id, Role.SPOUSE_PARTNER, **kw)

    def other_adult(self, person_id: str, **kw) -> "Scenario":
        return self.member(person_id, Role.OTHER_ADULT, **kw)

    def _link(self, parent_id: str, children: str | Iterable[str], case: str | None,
              rights_to: dict[str, DayLike]) -> "Scenario":
        case_id = self._case(case).case_id
        for child_id in [children] if isinstance(children, str) else children:
            self._facts.parent_child.append((case_id, parent_id, child_id, self._opt_day(rights_to.get(child_id))))
        return self

    def assign(self, specialist_id: str, start: DayLike, end: DayLike | None = None, *,
               unit_id: str | None = "U1", case: str | None = None) -> "Scenario":
        """A case_assignments row: `specialist_id` has the case from `start` to `end`."""
        the_case = self._case(case)
        the_case.assignments = (*the_case.assignments,
                                Assignment(specialist_id, unit_id, self.day(start), self._opt_day(end)))
        return self

    # ------------------------------------------------- placements and goals
    def place(
        self,
        child_id: str,
        location_type: LocationType | str,
        *,
        start: DayLike = LONG_AGO,
        end: DayLike | None = None,
        name: str | None = None,
        case: str | None = None,
        placement_id: str | None = None,
    ) -> "Scenario":
        self._facts.placements.append(
            PlacementFacts(
                case_id=self._case(case).case_id,
                child_id=child_id,
                location_type=LocationType(location_type),
                start_on=self.day(start),
                end_on=self._opt_day(end),
                location_name=name,
                placement_id=placement_id or f"PL{self._next_id()}",
            )
        )
        return self

    def goal(
        self, child_id: str, goal: Goal | str, *, effective_on: DayLike = LONG_AGO, case: str | None = None
    ) -> "Scenario":
        self._facts.goals.append(
            GoalFacts(
                case_id=self._case(case).case_id,
                child_id=child_id,
                goal=Goal(goal),
                effective_on=self.day(effective_on),
            )
        )
        return self

    # ---------------------------------------------------------------- notes
    def note(
        self,
        day: DayLike,
        method: Method | str,
        contacts: str | Iterable[str] = (),
        *,
        location: Location | str | None = None,
        locate_for: str | None = None,
        case: str | None = None,
        note_type: str = "contact",
        author: str = "S1",
        at: str = "10:00",
        note_id: str | None = None,
        placement: str | None = None,
    ) -> "Scenario":
        """A note on the case; `contacts` is its "contact with" list; `placement` the placement it contacted."""
        when = self.day(day)
        method = Method(method)
        if method is Method.IN_PERSON and location is None:
            location = Location.OTHER  # the importer rejects in-person notes without one
        people = frozenset([contacts] if isinstance(contacts, str) else contacts)
        self._facts.notes.append(
            NoteFacts(
                note_id=note_id or f"N{self._next_id()}",
                case_id=self._case(case).case_id,
                day=when,
                minute=f"{when.isoformat()}T{at}",
                method=method,
                contacts=people,
                location=None if location is None else Location(location),
                locate_for=locate_for,
                note_type=note_type,
                author_id=author,
                placement_id=placement,
            )
        )
        return self

    def seen(self, day: DayLike, *people: str, location: str = "placement", **kw) -> "Scenario":
        """Shorthand: an in-person note listing `people`."""
        return self.note(day, Method.IN_PERSON, people, location=location, **kw)

    def locate_effort(
        self, day: DayLike, person_id: str, *, method: Method | str = Method.PHONE, **kw
    ) -> "Scenario":
        """A locate-effort note: names the person searched for, contacts nobody."""
        return self.note(day, method, (), locate_for=person_id, note_type="locate effort", **kw)

    # ------------------------------------------------------ app records
    def exception(
        self,
        person_id: str,
        *,
        start: Month | str | int = 0,
        end: Month | str | int = 2,
        revoked_from: Month | str | int | None = None,
        case: str | None = None,
        exception_id: int | None = None,
        created_on: DayLike | None = None,
    ) -> "Scenario":
        """An approved exception; months may be offsets from the scenario month, `created_on` a day."""
        self._facts.exceptions.append(
            ExceptionFacts(
                exception_id=exception_id or self._next_id(),
                case_id=self._case(case).case_id,
                person_id=person_id,
                start_month=self._month(start),
                end_month=self._month(end),
                revoked_from=self._month(revoked_from),
                created_on=self._opt_day(created_on),
            )
        )
        return self

    def plan(
        self,
        parent_id: str,
        *,
        frequency: int = 1,
        methods: Iterable[Method | str] = (Method.IN_PERSON,),
        start: Month | str | int = -3,
        end: Month | str | int | None = None,
        superseded_from: Month | str | int | None = None,
        case: str | None = None,
        plan_id: int | None = None,
        created_on: DayLike | None = None,
    ) -> "Scenario":
        """An approved contact plan; months may be offsets from the scenario month, `created_on` a day."""
        self._facts.plans.append(
            PlanFacts(
                contact_plan_id=plan_id or self._next_id(),
                case_id=self._case(case).case_id,
                parent_id=parent_id,
                frequency_months=frequency,
                methods=frozenset(Method(m) for m in methods),
                start_month=self._month(start),
                end_month=self._month(end),
                superseded_from=self._month(superseded_from),
                created_on=self._opt_day(created_on),
            )
        )
        return self

    def staffing_note(
        self, person_id: str | None, *, month: Month | str | int = 0, case: str | None = None,
        created_on: DayLike | None = None,
    ) -> "Scenario":
        """A reason recorded at staffing; `person_id=None` is case-level; `created_on` a day."""
        self._facts.staffing_notes.append(
            StaffingNoteFacts(
                case_id=self._case(case).case_id,
                person_id=person_id,
                month=self._month(month),
                staffing_note_id=self._next_id(),
                created_on=self._opt_day(created_on),
            )
        )
        return self

    def last_seen(self, person_id: str, day: DayLike) -> "Scenario":
        self._facts.last_seen[person_id] = self.day(day)
        return self

    def last_contact(self, person_id: str, day: DayLike) -> "Scenario":
        self._facts.last_contact[person_id] = self.day(day)
        return self

    # ----------------------------------------------------------- evaluate
    def facts(self) -> MonthFacts:
        return self._facts

    def evaluate(self, as_of: DayLike | None = None):
        """Run the engine on these facts for the scenario month."""
        from staffing_tui.domain.evaluate import evaluate_month

        when = self.as_of if as_of is None else self.day(as_of)
        return evaluate_month(self.facts(), self.month, when)


def row_for(rows, person_id: str | None, case_id: str | None = None):
    """The one row of `person_id` (on `case_id` when given); fails loudly otherwise."""
    found = [
        r for r in rows if r.person_id == person_id and (case_id is None or r.case_id == case_id)
    ]
    assert len(found) == 1, f"expected one row for {person_id!r} on {case_id!r}, got {found!r}"
    return found[0]


def case_row(rows, case_id: str = "C1"):
    """The case-level row (person_id None) of an investigation."""
    return row_for(rows, None, case_id)


def has_row(rows, person_id: str | None, case_id: str | None = None) -> bool:
    return any(
        r.person_id == person_id and (case_id is None or r.case_id == case_id) for r in rows
    )


def outcome(row) -> tuple[str, str, str]:
    """(requirement, status, reason) as plain strings, for one exact assertion."""
    return (str(row.requirement), str(row.status), str(row.reason))
