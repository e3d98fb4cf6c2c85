"""The generated agency's notes, simulated month by month over every open case.

Visits, calls, supervised family visits, hearings, collateral contacts and case
reviews — so note ids follow time, as they do in a real database, and the
notes are handed to the importer a month at a time (a statewide history is 1.5
million notes). Missed visits lead to some staffing notes and next steps; a
little bad data (a duplicated note, an in-person contact with a child on
runaway) is there as in real databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from staffing_tui.domain.enums import CaseType, Location, LocationType, MemberFact, Method, Role, StaffingReasonCode
from staffing_tui.domain.months import Month
from staffing_tui.synth.families import STAFFING_NOTE_HOUR, STEP_HOUR, DONE_HOUR, TEXTS, GeneratedAgency, SimulatedCase
from staffing_tui.synth.model import Member, Note, Person, Placement, PlanSpec, StaffingNoteSpec, StepSpec, at_hour
from staffing_tui.synth.model import names_of, note_row

#: note times: 08:00 … 16:45 in quarter hours
_TIMES = tuple(f"T{h:02d}:{m:02d}:00" for h in range(8, 17) for m in (0, 15, 30, 45))
#: How a contact plan's method is documented: (note type, location).
_PLAN_NOTE = {Method.IN_PERSON: ("home_visit", Location.OFFICE), Method.PHONE: ("phone_call", None),
              Method.VIDEO: ("video_call", None), Method.WRITTEN: ("letter", None)}
#: Share of routine visits that did not happen (a realistic few).
MISSED_CHILD = 0.04
MISSED_PARENT = 0.06
#: Share of the monthly calls with a child placed out of state (alone) made to the caregiver instead.
CAREGIVER_CALL = 0.2
_WHEREABOUTS_UNKNOWN, _INCARCERATED, _RESIDES = (MemberFact.WHEREABOUTS_UNKNOWN, MemberFact.INCARCERATED,
                                                 MemberFact.RESIDES_IN_HOME)
_AT_HOME = (LocationType.IN_HOME, LocationType.TRIAL_HOME_VISIT)
#: Children not brought to a supervised family visit.
_NOT_AT_FAMILY_VISITS = (LocationType.RUNAWAY, LocationType.OUT_OF_STATE, *_AT_HOME)
_PARENT_LOCATIONS = (Location.HOME, Location.HOME, Location.OFFICE, Location.OFFICE, Location.COMMUNITY)
_PARENT_NOTE_TYPES = {Location.HOME: "home_visit", Location.OFFICE: "office_visit"}


def month_notes(agency: GeneratedAgency) -> Iterator[list[Note]]:
    """Each month's notes of every case open in it, in case order (one batch a month)."""
    day_texts: dict[date, str] = {}
    for index, cases in enumerate(_cases_by_month(agency)):
        month = _MonthNotes(agency, agency.first_month.shift(index), day_texts)
        for case in cases:
            month.case_month(case)
        yield month.notes


def _cases_by_month(agency: GeneratedAgency) -> list[list[SimulatedCase]]:
    buckets: list[list[SimulatedCase]] = [[] for _ in range(agency.months_count)]
    for case in agency.cases:
        month = max(Month.of(case.opened_on), agency.first_month)
        last = Month.of(case.closed_on) if case.closed_on else agency.last_month
        while month <= last:
            buckets[_index(agency.first_month, month)].append(case)
            month = month.next()
    return buckets


def _index(first: Month, month: Month) -> int:
    return (month.year - first.year) * 12 + month.month - first.month


class _MonthNotes:
    """The notes of one month for every open case."""

    def __init__(self, agency: GeneratedAgency, month: Month, day_texts: dict[date, str]) -> None:
        self.agency = agency
        self.rng = agency.rng
        self.month = month
        self.as_of = agency.as_of
        self.in_progress = month.start <= agency.as_of <= month.end
        #: the last complete month and the month in progress, where the special situations show
        self.recent = month >= agency.last_month.shift(-1)
        self.notes: list[Note] = []
        self._used: set[str] = set()
        self._day_texts = day_texts

    # -- writing one note

    def note(self, case: SimulatedCase, day: date, note_type: str, method: Method, location: Location | None,
             people: list[Person], text: str, locate_for: Person | None = None,
             placement: Placement | None = None) -> None:
        assert method is not Method.NONE or not people  # docs/data.md "Files and columns": none lists nobody
        rng = self.rng
        day_text = self._day_texts.get(day)
        if day_text is None:
            day_text = self._day_texts[day] = day.isoformat()
        for _ in range(8):
            occurred_at = day_text + _TIMES[rng.randrange(len(_TIMES))]
            key = case.case_id + occurred_at
            if key not in self._used:
                break
        self._used.add(key)
        self.notes.append(note_row(occurred_at, case, note_type, method, location, people, text, locate_for, placement))

    def day_in(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def visit_day(self, first: date, last: date) -> date | None:
        """A day for this month's visit; None when it is still to come (month in progress)."""
        if self.in_progress:
            # Visits are spread over the whole month; those after the as-of day have not happened.
            day = first + timedelta(days=self.rng.randint(0, (self.month.end - first).days))
            return day if day <= last else None
        return self.day_in(first, last)

    def call(self, case: SimulatedCase, member: Member, day: date, text: str | None = None) -> None:
        """A phone call with one parent on `day`, if they are on the case then (`text`: one of the
        phone texts, drawn only then)."""
        if member.on_case(day, case.opened_on):
            text = text or self.rng.choice(TEXTS.phone)
            self.note(case, day, "phone_call", Method.PHONE, None, [member.person],
                      text.format(names=member.person.first_name))

    # -- one case, one month

    def case_month(self, case: SimulatedCase) -> None:
        span = case.open_days(self.month, until=self.as_of)
        if span is None:
            return
        if case.case_type is CaseType.INVESTIGATION:
            self.investigation_month(case, span)
        elif case.case_type is CaseType.VOLUNTARY:
            self.voluntary_month(case, span)
        else:
            self.dependency_month(case, span)

    def investigation_month(self, case: SimulatedCase, span: tuple[date, date]) -> None:
        first, last = span
        rng = self.rng
        for day, kind, people in case.events:
            if not first <= day <= last:
                continue
            people = [p for p in people if case.member(p).on_case(day, case.opened_on)]
            if kind == "collateral":
                self.note(case, day, "collateral", rng.choice((Method.PHONE, Method.WRITTEN)), None, [],
                          rng.choice(TEXTS.investigation_collateral))
            elif kind == "close":
                self.note(case, day, "case_closure", Method.NONE, None, [], TEXTS.investigation_close[0])
            elif people:
                self.investigation_contact(case, day, kind, people)

    def investigation_contact(self, case: SimulatedCase, day: date, kind: str, people: list[Person]) -> None:
        rng = self.rng
        names = names_of(people)
        if kind == "home":
            self.note(case, day, "initial_response", Method.IN_PERSON, Location.HOME, people,
                      TEXTS.investigation_home[0].format(names=names))
        elif kind == "child":
            location = rng.choice((Location.SCHOOL, Location.HOME, Location.OTHER))
            self.note(case, day, "interview", Method.IN_PERSON, location, people,
                      rng.choice(TEXTS.investigation_interview).format(names=names))
        elif kind == "adult":
            self.note(case, day, "interview", Method.IN_PERSON, rng.choice((Location.OFFICE, Location.HOME)), people,
                      TEXTS.investigation_adult[0].format(names=names))
        else:  # "phone"
            self.note(case, day, "interview", rng.choice((Method.PHONE, Method.PHONE, Method.VIDEO)), None, people,
                      TEXTS.investigation_phone[0].format(names=names))

    def voluntary_month(self, case: SimulatedCase, span: tuple[date, date]) -> None:
        rng = self.rng
        first, last = span
        day = self.visit_day(first, last)
        if day is not None and rng.random() > MISSED_PARENT:
            household = [m.person for m in case.members if m.holds(_RESIDES, day) and m.on_case(day, case.opened_on)]
            if household:
                self.note(case, day, "home_visit", Method.IN_PERSON, Location.HOME, household,
                          rng.choice(TEXTS.voluntary).format(names=names_of(household)))
        for m in case.members:
            if m.is_parent and not m.holds(_RESIDES, last) and rng.random() < 0.45:
                self.call(case, m, self.day_in(first, last))
        self.collateral(case, span, rng.randint(1, 3))

    def collateral(self, case: SimulatedCase, span: tuple[date, date], count: int) -> None:
        rng = self.rng
        if self.in_progress:  # the month so far: its share of the month's calls and emails
            count = round(count * self.as_of.day / self.month.end.day)
        for _ in range(count):
            method, location, text = rng.choice(TEXTS.collateral)
            self.note(case, self.day_in(*span), "collateral", method, location, [], text)
        self.note(case, self.day_in(*span), "case_review", Method.NONE, None, [], rng.choice(TEXTS.review))

    def dependency_month(self, case: SimulatedCase, span: tuple[date, date]) -> None:
        rng = self.rng
        month = self.month
        first, last = span
        opened = case.opened_on
        middle = first + (last - first) // 2
        goal_day = min(month.end, self.as_of)
        members = [m for m in case.members if m.on_case(middle, opened)]
        kids = [m for m in members if m.role is Role.CHILD]
        reunification = any(case.goal_on(k.person, goal_day).is_reunification_class for k in kids) or not kids
        groups = placement_groups(case, [m.person for m in kids], middle)
        handover = self.handed_over(case)
        # Parents who are visited in person, with the others and all month: rights intact, whereabouts
        # known, not in prison; one whose facts change this month is seen on their own, once they settle.
        active_parents = [m for m in members if m.is_parent
                          and (m.rights_terminated_on is None or m.rights_terminated_on > middle)]
        visitable = [m for m in active_parents if not m.holds(_WHEREABOUTS_UNKNOWN, last)
                     and not m.holds(_INCARCERATED, last) and m.settled_from(first, last) == first
                     and m.person is not handover]
        excepted = {e.person for e in case.exceptions if e.start <= month <= e.end}
        seen: set[Person] = set()
        missed: list[Person] = []
        # Children: one visit per placement (siblings placed together are seen together).
        for (location_type, name), group in groups.items():
            if location_type is LocationType.RUNAWAY:
                self.runaway(case, group, span)
                continue
            day = self.visit_day(first, last)
            if day is None:
                continue
            if rng.random() < MISSED_CHILD and not any(k in excepted for k in group) and not self.shows(case):
                missed.extend(group)
                continue
            group = [k for k in group if case.member(k).on_case(day, opened)]
            if group:
                self.child_visit(case, span, day, location_type, name, group,
                                 [m for m in visitable if m.person not in excepted], seen)
        # Parents, as the facts of the month's last day say (the engine reads them then), on the days
        # since those last changed.
        for m in active_parents:
            settled = (m.settled_from(first, last), last)
            if m.person is handover:
                missed.append(m.person)
            elif m.holds(_WHEREABOUTS_UNKNOWN, last):
                self.locate_parent(case, m, settled)
            elif m.person in excepted:
                # Rare exceptions: in-person contact excused, a call or letter every few months (every
                # month in the "exception" family, so that it shows excused).
                if rng.random() < 0.55 or case.scenario == "exception":
                    self.call(case, m, self.day_in(first, last), TEXTS.phone[0])
            elif m.holds(_INCARCERATED, last):
                self.incarcerated_parent(case, m, settled)
            elif not reunification:
                self.plan_contact(case, m, settled)
            elif m.person not in seen:
                self.parent_visit(case, m, settled, visitable, excepted, seen, missed)
        # Supervised family visits while the children are out of the home.
        if case.family_visits and reunification:
            self.family_visits(case, span, groups, visitable, excepted)
        # Review hearings every three months.
        if (month.month % 3) == case.court_phase and first == month.start and last == month.end:
            day = self.day_in(first, last)
            present = [m.person for m in visitable if rng.random() < 0.8 and m.on_case(day, opened)
                       and m.person not in excepted]
            if present:
                self.note(case, day, "court", Method.IN_PERSON, Location.COURT, present,
                          rng.choice(TEXTS.court).format(names=names_of(present)))
        self.collateral(case, span, rng.randint(5, 10))
        self.after_staffing(case, missed, handover)

    def shows(self, case: SimulatedCase) -> bool:
        """Whether this is a special family in the last two months: no visit missed by chance there,
        so that each shows its own situation."""
        return self.recent and bool(case.scenario)

    def handed_over(self, case: SimulatedCase) -> Person | None:
        """The parent whose visit fell between the two specialists in the month the "transfer" family's
        case changed hands (its reason is recorded after the month); None in any other case and month."""
        if case.scenario != "transfer" or Month.of(case.assignments[-1][0]) != self.month:
            return None
        return next(m.person for m in case.members if m.is_parent)

    def child_visit(self, case: SimulatedCase, span: tuple[date, date], day: date, location_type: LocationType,
                    name: str | None, group: list[Person], parents: list[Member], seen: set[Person]) -> None:
        """This month's visit with the children placed together (with the parents at home, if they are)."""
        rng = self.rng
        opened = case.opened_on
        caregiver = self.caregiver_called(case, group, day) if location_type is LocationType.OUT_OF_STATE else None
        if caregiver is not None:
            self.note(case, day, "phone_call", Method.PHONE, None, [], TEXTS.out_of_state_caregiver[0].format(
                names=names_of(group), place=(name or "").split(",")[-1].strip()), placement=caregiver)
        elif location_type is LocationType.OUT_OF_STATE:
            method = rng.choice((Method.PHONE, Method.VIDEO))
            self.note(case, day, "phone_call" if method is Method.PHONE else "video_call", method, None, group,
                      TEXTS.out_of_state[method is Method.VIDEO].format(
                          names=names_of(group), place=(name or "").split(",")[-1].strip()))
        elif location_type in _AT_HOME:
            home = [m.person for m in parents if m.holds(_RESIDES, day) and m.on_case(day, opened)]
            seen.update(home)
            people = group + home
            self.note(case, day, "home_visit", Method.IN_PERSON, Location.HOME, people,
                      rng.choice(TEXTS.in_home_visit).format(names=names_of(people)))
            self.maybe_duplicate(case)
        elif rng.random() < 0.08 and all((day - k.birth_date).days > 6 * 365 for k in group):
            self.note(case, day, "school_visit", Method.IN_PERSON, Location.SCHOOL, group,
                      TEXTS.school_visit[0].format(names=names_of(group)))
        else:
            self.note(case, day, "placement_visit", Method.IN_PERSON, Location.PLACEMENT, group,
                      rng.choice(TEXTS.placement_visit).format(names=names_of(group), place=name or "the placement"))
            self.maybe_duplicate(case)
            if rng.random() < 0.5:
                # A second contact: a call with the older children, who have phones.
                older = [k for k in group if (day - k.birth_date).days > 9 * 365]
                day = self.day_in(*span)
                older = [k for k in older if case.member(k).on_case(day, opened)]
                if older:
                    self.note(case, day, "phone_call", Method.PHONE, None, older,
                              TEXTS.phone[0].format(names=names_of(older)))

    def caregiver_called(self, case: SimulatedCase, group: list[Person], day: date) -> Placement | None:
        """The out-of-state placement whose caregiver this month's call was with, instead of the child (a
        call with the child's placement counts for the child, docs/data.md "Files and columns"); None: the
        call was with the child. Only for a child placed there alone: a note names one placement."""
        if case.scenario:
            wanted = case.scenario == "placement_call" and self.recent
        else:
            wanted = self.rng.random() < CAREGIVER_CALL
        placement = case.placement_on(group[0], day) if wanted and len(group) == 1 else None
        return placement if placement is not None and placement.location_type is LocationType.OUT_OF_STATE else None

    def incarcerated_parent(self, case: SimulatedCase, m: Member, span: tuple[date, date]) -> None:
        """Letters and calls to the facility; now and then a visit there."""
        rng = self.rng
        person = m.person
        if rng.random() < 0.8:
            day = self.day_in(*span)
            if m.on_case(day, case.opened_on):
                method = rng.choice((Method.WRITTEN, Method.WRITTEN, Method.PHONE))
                self.note(case, day, "letter" if method is Method.WRITTEN else "phone_call", method, None, [person],
                          TEXTS.letter[method is Method.PHONE].format(names=person.first_name))
        if rng.random() < 0.08:
            day = self.day_in(*span)
            if m.on_case(day, case.opened_on):
                self.note(case, day, "prison_visit", Method.IN_PERSON, Location.OTHER, [person],
                          TEXTS.prison_visit[0].format(names=person.first_name))

    def parent_visit(self, case: SimulatedCase, m: Member, span: tuple[date, date], visitable: list[Member],
                     excepted: set[Person], seen: set[Person], missed: list[Person]) -> None:
        """This month's visit with a parent (and a partner at home), and a call or two."""
        rng = self.rng
        opened = case.opened_on
        person = m.person
        day = self.visit_day(*span)
        if day is None:
            return
        if (rng.random() < MISSED_PARENT and not self.shows(case)) or not m.on_case(day, opened):
            missed.append(person)
            return
        location = rng.choice(_PARENT_LOCATIONS)
        partner = [o.person for o in visitable if o is not m and o.holds(_RESIDES, day) and m.holds(_RESIDES, day)
                   and o.person not in seen and o.person not in excepted
                   and o.on_case(day, opened)] if location is Location.HOME else []
        people = [person] + partner[:1]
        seen.update(people)
        self.note(case, day, _PARENT_NOTE_TYPES.get(location, "community_contact"), Method.IN_PERSON, location, people,
                  rng.choice(TEXTS.parent_visit[location]).format(names=names_of(people)))
        for _ in range(rng.choice((0, 1, 1, 2))):
            self.call(case, m, self.day_in(*span))

    def family_visits(self, case: SimulatedCase, span: tuple[date, date],
                      groups: dict[tuple[LocationType, str | None], list[Person]], visitable: list[Member],
                      excepted: set[Person]) -> None:
        rng = self.rng
        opened = case.opened_on
        away = [k for (location_type, _), group in groups.items() if location_type not in _NOT_AT_FAMILY_VISITS
                for k in group]
        for _ in range(rng.randint(3, 5)):
            day = self.day_in(*span)
            present = [m.person for m in visitable if m.on_case(day, opened) and m.person not in excepted]
            children = [k for k in away if case.member(k).on_case(day, opened)
                        and (p := case.placement_on(k, day)) is not None
                        and p.location_type not in (LocationType.RUNAWAY, LocationType.OUT_OF_STATE)]
            if present and children and rng.random() < 0.85:
                people = present + children
                self.note(case, day, "family_visit", Method.IN_PERSON, Location.OFFICE, people,
                          rng.choice(TEXTS.family_visit).format(names=names_of(people)))

    def maybe_duplicate(self, case: SimulatedCase) -> None:
        """Bad data, as in real databases: the same contact entered twice under another note type."""
        rate = 1.0 if case.scenario == "duplicate" and self.recent else 0.0006
        if self.rng.random() < rate:
            entered = self.notes[-1]
            self.notes.append((*entered[:3], "case_note", *entered[4:]))

    def runaway(self, case: SimulatedCase, group: list[Person], span: tuple[date, date]) -> None:
        rng = self.rng
        for kid in group:
            if case.scenario == "runaway" and self.recent:
                # Efforts documented in the last complete month, none yet in the month in progress.
                efforts = 1.0 if self.month < self.agency.last_month else 0.0
            else:
                efforts = 0.85
            for _ in range(rng.randint(1, 3) if rng.random() < efforts else 0):
                day = self.day_in(*span)
                method = rng.choice((Method.NONE, Method.PHONE, Method.NONE))
                self.note(case, day, "locate_effort", method, None, [],
                          rng.choice(TEXTS.locate_child).format(names=kid.first_name), locate_for=kid)
            seen_rate = 1.0 if case.scenario == "runaway_seen" and self.recent else 0.03
            if rng.random() < seen_rate:
                # An in-person contact claimed while the directory shows runaway (an integrity flag).
                days = [d for d in _days(*span)
                        if (p := case.placement_on(kid, d)) and p.location_type is LocationType.RUNAWAY]
                if days:
                    self.note(case, rng.choice(days), "placement_visit", Method.IN_PERSON, Location.COMMUNITY, [kid],
                              f"Saw {kid.first_name} downtown and talked for a few minutes.")

    def locate_parent(self, case: SimulatedCase, m: Member, span: tuple[date, date]) -> None:
        rng = self.rng
        efforts = 0.8
        if case.scenario == "whereabouts_unknown" and self.recent:
            # None documented in the last complete month (unmet), some in the month in progress.
            efforts = 0.0 if self.month < self.agency.last_month else 1.0
        if rng.random() < efforts:
            self.note(case, self.day_in(*span), "locate_effort", rng.choice((Method.NONE, Method.WRITTEN, Method.PHONE)),
                      None, [], rng.choice(TEXTS.locate_parent).format(names=m.person.first_name), locate_for=m.person)
        # An in-person contact while the whereabouts are unknown (an integrity flag), now and then; in
        # the "whereabouts_unknown" family two months before the last complete one.
        seen_rate = 1.0 if case.scenario == "whereabouts_unknown" and self.month == self.agency.last_month.shift(-2) \
            else 0.02
        if rng.random() < seen_rate:
            day = self.day_in(*span)
            if m.on_case(day, case.opened_on):
                self.note(case, day, "court", Method.IN_PERSON, Location.COURT, [m.person],
                          f"{m.person.first_name} appeared at the hearing unannounced; no address given.")

    def plan_contact(self, case: SimulatedCase, m: Member, span: tuple[date, date]) -> None:
        """A parent with a contact plan is contacted as the plan says (mostly)."""
        rng = self.rng
        plan = plan_in_force(case.plans, m.person, self.month)
        if plan is None:
            if rng.random() < 0.3:
                self.call(case, m, self.day_in(*span), TEXTS.phone[1])
            return
        if _index(plan.start, self.month) % plan.frequency != 0 and rng.random() < 0.7:
            return
        if rng.random() < 0.1:
            return  # not followed this time
        day = self.visit_day(*span)
        if day is None or not m.on_case(day, case.opened_on):
            return
        method = rng.choice(plan.methods)
        note_type, location = _PLAN_NOTE[method]
        text = (TEXTS.parent_visit[Location.OFFICE][0] if method is Method.IN_PERSON else
                TEXTS.letter[0] if method is Method.WRITTEN else TEXTS.phone[0])
        self.note(case, day, note_type, method, location, [m.person], text.format(names=m.person.first_name))

    def after_staffing(self, case: SimulatedCase, missed: list[Person], handover: Person | None = None) -> None:
        """Some missed visits get a reason at the staffing; some lead to a next step."""
        rng = self.rng
        agency = self.agency
        for person in missed:
            if person is handover:
                self.handover_reason(case, person)
                continue
            roll = rng.random()
            if roll < 0.3:
                created = self.month.end + timedelta(days=rng.randint(1, 8))
                if self.in_progress:
                    created = self.as_of - timedelta(days=rng.randint(0, 3))
                if created <= self.as_of:
                    code = rng.choice(tuple(TEXTS.staffing_reasons))
                    agency.staffing_notes.append(StaffingNoteSpec(case, person, self.month, StaffingReasonCode(code),
                                                                  TEXTS.staffing_reasons[code],
                                                                  at_hour(created, STAFFING_NOTE_HOUR)))
            elif roll < 0.5 and self.month >= agency.last_month.shift(-3):
                created = self.month.end + timedelta(days=rng.randint(1, 8))
                if created > self.as_of:
                    continue
                if created < case.assignments[-1][0]:
                    continue  # agreed before the case came to the specialist it is with now
                due = created + timedelta(days=rng.randint(10, 25))
                done = due + timedelta(days=rng.randint(-8, 10)) if rng.random() < 0.6 else None
                if done is not None and done > self.as_of:
                    done = None
                agency.steps.append(StepSpec(case, person, f"See {person.first_name} in person and document the visit.",
                                             due, at_hour(created, STEP_HOUR),
                                             None if done is None else at_hour(done, DONE_HOUR)))

    def handover_reason(self, case: SimulatedCase, person: Person) -> None:
        """The reason for a visit missed in a transfer, recorded at the first staffing after the month:
        a late record, which the report shows as recorded after the month (docs/data.md
        "Records created in the app")."""
        created = min(self.month.end + timedelta(days=self.rng.randint(2, 6)), self.as_of)
        self.agency.staffing_notes.append(StaffingNoteSpec(
            case, person, self.month, StaffingReasonCode.SCHEDULING,
            f"The case moved to a new specialist on {case.assignments[-1][0]:%m/%d}; {person.first_name}'s visit "
            "fell in the handover and is set for early next month.", at_hour(created, STAFFING_NOTE_HOUR)))


def placement_groups(case, children: list[Person], day: date) -> dict[tuple[LocationType, str | None], list[Person]]:
    """The children by where they are placed on `day` (no placement: at home)."""
    groups: dict[tuple[LocationType, str | None], list[Person]] = {}
    for child in children:
        placement = case.placement_on(child, day)
        key = (placement.location_type, placement.location_name) if placement else (LocationType.IN_HOME, None)
        groups.setdefault(key, []).append(child)
    return groups


def plan_in_force(plans: list[PlanSpec], parent: Person, month: Month) -> PlanSpec | None:
    current = None
    for plan in plans:
        if plan.parent is parent and plan.start <= month and (plan.end is None or month <= plan.end):
            if current is None or plan.start >= current.start:
                current = plan
    return current


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
