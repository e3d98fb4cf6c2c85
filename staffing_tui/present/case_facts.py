"""A case's dated facts in words, for the detail screen: a member's flags as they stood on one
day, the periods and per-child rights behind them, and who was assigned the case when.

Pure functions of `store.caseload`'s dataclasses. People's and staff names come from the
caller (`name_of`), so the screen's privacy mask and terminal escaping apply to them; dates
and the fixed words here are safe as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from staffing_tui.domain.enums import MemberFact
from staffing_tui.domain.model import fact_holds, in_span
from staffing_tui.store.caseload import Assignment, ChildLink, FactPeriod, MemberLine

#: A dated fact as a period reads: "incarcerated 2026-08-03 – 2026-10-14".
PERIOD_WORDS: dict[MemberFact, str] = {
    MemberFact.RESIDES_IN_HOME: "in the home",
    MemberFact.WHEREABOUTS_UNKNOWN: "whereabouts unknown",
    MemberFact.INCARCERATED: "incarcerated",
}

#: A fact that holds on the day, in the Flags column.
FLAG_WORDS: dict[MemberFact, str] = {
    MemberFact.RESIDES_IN_HOME: "lives in the home",
    MemberFact.WHEREABOUTS_UNKNOWN: "whereabouts unknown",
    MemberFact.INCARCERATED: "incarcerated",
}

#: What the member line says of a member with neither periods nor per-child rights.
NO_DATED_FACTS = "no dated facts recorded"

NameOf = Callable[[str], str]


def reading_day(month_end: date, as_of: date, *last_days: date | None) -> date:
    """The day facts that change within a month are read for it: its last day, or the as-of date,
    or the last day the case (`closed_on`) or a member (`left_on`) was there, whichever comes first."""
    return min(day for day in (month_end, as_of, *last_days) if day is not None)


def fact_on(member: MemberLine, fact: MemberFact, day: date) -> bool:
    """Whether `fact` held for `member` on `day`: read from its periods when it has any, else the
    case_members boolean, which then holds for the whole membership (docs/data.md "Files and columns")."""
    return fact_holds(((p.fact, p.start_on, p.end_on) for p in member.periods), fact, day,
                      getattr(member, fact.value))


def rights_flag(member: MemberLine, day: date) -> str | None:
    """A parent's rights on `day`: to every child (the member's own date, or each linked child's),
    or to some of the linked children; None while they are intact."""
    if member.rights_terminated_on is not None:
        ended = member.rights_terminated_on <= day
        return f"rights to every child {'ended' if ended else 'end'} {member.rights_terminated_on.isoformat()}"
    ended_links = [link for link in member.children if _ended_by(link, day)]
    if not ended_links:
        return None
    if len(ended_links) == len(member.children):
        return "rights ended to every child"
    return f"rights ended to {len(ended_links)} of {len(member.children)} children"


def _ended_by(link: ChildLink, day: date) -> bool:
    return link.rights_terminated_on is not None and link.rights_terminated_on <= day


def member_flags(member: MemberLine, day: date) -> list[str]:
    """The flags the visit rules read, as they stood on `day`: resides, victim, perpetrator,
    rights, whereabouts, prison, death."""
    flags = []
    if fact_on(member, MemberFact.RESIDES_IN_HOME, day):
        flags.append(FLAG_WORDS[MemberFact.RESIDES_IN_HOME])
    if member.alleged_victim:
        flags.append("alleged victim")
    if member.alleged_perpetrator:
        flags.append("alleged perpetrator")
    if (rights := rights_flag(member, day)) is not None:
        flags.append(rights)
    flags += [FLAG_WORDS[fact] for fact in (MemberFact.WHEREABOUTS_UNKNOWN, MemberFact.INCARCERATED)
              if fact_on(member, fact, day)]
    if member.deceased_on is not None:
        flags.append(f"died {member.deceased_on.isoformat()}")
    return flags


def span_label(start_on: date, end_on: date | None) -> str:
    """"2026-08-03 – 2026-10-14", or "since 2026-09-01" while open-ended."""
    return f"{start_on.isoformat()} – {end_on.isoformat()}" if end_on is not None else f"since {start_on.isoformat()}"


def period_labels(periods: Sequence[FactPeriod]) -> list[str]:
    """Each fact with its periods, facts in the order they first held: "incarcerated 2026-08-03 –
    2026-10-14", "in the home 2026-01-05 – 2026-04-30, since 2026-11-16"."""
    spans: dict[MemberFact, list[str]] = {}
    for period in periods:
        spans.setdefault(period.fact, []).append(span_label(period.start_on, period.end_on))
    return [f"{PERIOD_WORDS[fact]} {', '.join(fact_spans)}" for fact, fact_spans in spans.items()]


def child_rights_label(link: ChildLink, name_of: NameOf, day: date) -> str:
    """"rights to K. L. ended 2026-07-01" ("end" when the date is after `day`)."""
    assert link.rights_terminated_on is not None
    verb = "ended" if link.rights_terminated_on <= day else "end"
    return f"rights to {name_of(link.child_id)} {verb} {link.rights_terminated_on.isoformat()}"


def dated_facts_label(member: MemberLine, name_of: NameOf, day: date) -> str:
    """A member's dated facts with their periods, then the per-child rights, separated by " · "."""
    parts = period_labels(member.periods)
    parts += [child_rights_label(link, name_of, day) for link in member.children if link.rights_terminated_on]
    return " · ".join(parts) or NO_DATED_FACTS


def assigned_on(assignments: Sequence[Assignment], day: date) -> Assignment | None:
    """The assignment covering `day` (None: none does — the case's own specialist then, as the
    engine reads it: docs/policy.md "Case transfers")."""
    return next((a for a in assignments if in_span(day, a.start_on, a.end_on)), None)


def assignments_label(assignments: Sequence[Assignment], name_of: NameOf) -> str:
    """"Pat Lee 2026-01-05 – 2026-06-30 · Sam Roe since 2026-07-01"."""
    return " · ".join(f"{name_of(a.specialist_id)} {span_label(a.start_on, a.end_on)}" for a in assignments)
