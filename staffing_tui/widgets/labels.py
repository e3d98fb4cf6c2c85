"""Plain words for the values the engine reports, as the screens show them.

Reasons come from `REASON_LABELS` (shared with the Markdown report); the rest
are worded here. Every status carries a symbol *and* a word so colour is never
the only signal.
"""

from __future__ import annotations

from datetime import date

from staffing_tui.domain.enums import REASON_LABELS, Goal, Reason, Requirement, Role, Status
from staffing_tui.domain.model import PlacementView

#: Symbol + word for each status; the word is what a screen reader or a
#: colour-blind user relies on.
STATUS_LABELS: dict[Status, str] = {
    Status.UNMET: "✗ unmet",
    Status.DUE: "! due",
    Status.EXPLAINED: "• explained",
    Status.EXCUSED: "• excused",
    Status.MET: "✓ met",
    Status.NOT_REQUIRED: "– not required",
}

REQUIREMENT_LABELS: dict[Requirement, str] = {
    Requirement.MONTHLY_FACE_TO_FACE: "monthly face-to-face",
    Requirement.MONTHLY_FACE_TO_FACE_IN_HOME: "monthly face-to-face in the home",
    Requirement.CONTACT_PLAN: "contact plan",
    Requirement.INVESTIGATION_INTERVIEW: "investigation interview",
    Requirement.HOME_VISIT: "home visit",
    Requirement.NONE: "none",
}

ROLE_LABELS: dict[Role, str] = {
    Role.CHILD: "child",
    Role.PARENT: "parent",
    Role.ALLEGED_PARENT: "alleged parent",
    Role.SPOUSE_PARTNER: "spouse/partner",
    Role.OTHER_ADULT: "other adult",
}

GOAL_LABELS: dict[Goal, str] = {
    Goal.REUNIFICATION: "reunification",
    Goal.REMAIN_WITH_FAMILY: "remain with family",
    Goal.ADOPTION: "adoption",
    Goal.GUARDIANSHIP: "guardianship",
    Goal.APPLA: "APPLA",
    Goal.OTHER: "other",
}

NOTHING = "—"


def status_label(status: Status) -> str:
    return STATUS_LABELS[status]


def reason_label(reason: Reason) -> str:
    return REASON_LABELS.get(reason, str(reason).replace("_", " "))


def requirement_label(requirement: Requirement) -> str:
    return REQUIREMENT_LABELS[requirement]


def role_label(role: Role | None) -> str:
    return ROLE_LABELS[role] if role is not None else "whole case"


def goal_label(goal: Goal | None) -> str:
    return GOAL_LABELS[goal] if goal is not None else NOTHING


def date_label(day: date | None, *, missing: str = NOTHING) -> str:
    return day.isoformat() if day is not None else missing


def placement_label(placement: PlacementView | None) -> str:
    """Location type and since when, e.g. "foster home since 2026-09-20"."""
    if placement is None:
        return NOTHING
    kind = str(placement.location_type).replace("_", " ")
    return f"{kind} since {placement.since.isoformat()}"
