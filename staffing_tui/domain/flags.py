"""Integrity flags (docs/policy.md "Integrity flags"): data-quality problems shown on the rows.

`check` finds the same problems over the whole database in SQL (`store.maintenance`), which
is fast at statewide scale where these per-month rules are not; a test keeps the two agreeing
on generated data (tests/store/test_integrity_flags_agree.py).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Sequence

from staffing_tui.domain.enums import Flag, LocationType, MemberFact, Method
from staffing_tui.domain.model import MemberFacts, NoteFacts, PlacementFacts
from staffing_tui.domain.months import Month


def in_person_while_runaway(contacts: Iterable[NoteFacts], placements: Sequence[PlacementFacts], month: Month) -> bool:
    """A note claims an in-person contact with a child on a day the directory shows runaway."""
    runaway = [p for p in placements if p.location_type is LocationType.RUNAWAY]
    if not runaway:
        return False
    return any(
        n.method is Method.IN_PERSON and n.day in month and any(p.in_effect_on(n.day) for p in runaway)
        for n in contacts
    )


def in_person_while_whereabouts_unknown(contacts: Iterable[NoteFacts], member: MemberFacts, month: Month) -> bool:
    """An in-person contact in `month` (on any case) with an adult on a day this case marks their
    whereabouts unknown — a day they are a member of it."""
    return any(n.method is Method.IN_PERSON and n.day in month and member.joined_on <= n.day
               and (member.left_on is None or n.day <= member.left_on)
               and member.holds(MemberFact.WHEREABOUTS_UNKNOWN, n.day)
               for n in contacts)


def duplicate_note_people(case_notes: Iterable[NoteFacts], month: Month) -> set[str]:
    """People on two notes of the same case, author, minute and contact set under
    different note types: the same contact entered twice."""
    groups: dict[tuple, set[str | None]] = defaultdict(set)
    for note in case_notes:
        if note.contacts and note.day in month:
            groups[(note.author_id, note.minute, note.contacts)].add(note.note_type)
    people: set[str] = set()
    for (_author, _minute, contacts), note_types in groups.items():
        if len(note_types) > 1:
            people.update(contacts)
    return people


def flags_for(
    *,
    person_id: str,
    member: MemberFacts,
    contacts: Sequence[NoteFacts],
    placements: Sequence[PlacementFacts],
    duplicates: set[str],
    month: Month,
) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    is_child = member.role.is_child
    if is_child and in_person_while_runaway(contacts, placements, month):
        flags.append(Flag.IN_PERSON_WHILE_RUNAWAY)
    if not is_child and in_person_while_whereabouts_unknown(contacts, member, month):
        flags.append(Flag.IN_PERSON_WHILE_WHEREABOUTS_UNKNOWN)
    if person_id in duplicates:
        flags.append(Flag.DUPLICATE_NOTE)
    return tuple(flags)
