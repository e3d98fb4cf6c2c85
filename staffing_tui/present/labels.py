"""Plain words for every value the engine reports and every choice a form offers: the one home
of the app's wording, shared by the screens, the forms, the help and the rendered documents.

Every status carries a symbol *and* a word so colour is never the only signal.

Data reaches the screen through these helpers (`shown`, `person_label`,
`staff_label`…): a control character in a name, id or text is shown as a visible
escape (`present.escape.for_terminal`), never sent to the terminal (issue 14).
"""

from __future__ import annotations

import calendar
from datetime import date

from staffing_tui.domain.enums import (
    ExceptionCategory,
    Flag,
    Goal,
    Method,
    Reason,
    Requirement,
    Role,
    StaffingReasonCode,
    Status,
)
from staffing_tui.domain.model import PlacementView, Row
from staffing_tui.domain.months import Month
from staffing_tui.present.escape import for_terminal
from staffing_tui.store.directory import PersonName, StaffMember, Unit

#: The one symbol of each status, wherever it is drawn (the caseload, the month strip and its
#: legend, the help, the reports): one table, so a status never has two symbols (issue 17).
#: Explained and excused differ by symbol too, for the strip where no word fits.
STATUS_SYMBOLS: dict[Status, str] = {
    Status.UNMET: "✗",
    Status.DUE: "!",
    Status.EXPLAINED: "•",
    Status.EXCUSED: "◦",
    Status.MET: "✓",
    Status.NOT_REQUIRED: "–",
}

#: The word of each status: what a screen reader or a colour-blind user relies on.
STATUS_WORDS: dict[Status, str] = {
    Status.UNMET: "unmet",
    Status.DUE: "due",
    Status.EXPLAINED: "explained",
    Status.EXCUSED: "excused",
    Status.MET: "met",
    Status.NOT_REQUIRED: "not required",
}

#: Symbol + word for each status, so colour is never the only signal.
STATUS_LABELS: dict[Status, str] = {status: f"{symbol} {STATUS_WORDS[status]}" for status, symbol in STATUS_SYMBOLS.items()}

#: What each status means, for the help's legend.
STATUS_MEANINGS: dict[Status, str] = {
    Status.UNMET: "not seen, no documented reason (the number that should be zero)",
    Status.DUE: "not seen yet, month in progress",
    Status.EXPLAINED: "not seen, for a documented reason",
    Status.EXCUSED: "an approved exception covers the month",
    Status.MET: "seen as required",
    Status.NOT_REQUIRED: "no visit requirement this month",
}

#: A month in which the person was not on the case (or the case was not open).
OFF_CASE_SYMBOL = "·"

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

FLAG_LABELS: dict[Flag, str] = {
    Flag.IN_PERSON_WHILE_RUNAWAY: "seen in person while on runaway",
    Flag.IN_PERSON_WHILE_WHEREABOUTS_UNKNOWN: "seen in person while whereabouts unknown",
    Flag.DUPLICATE_NOTE: "same contact entered twice under different note types",
    Flag.RECORDED_AFTER_MONTH: "recorded after the month ended",
}

#: Why a row has its status, for the screens and the Markdown report and agenda. Each says what
#: counted under its rule (docs/policy.md "Reason codes"), short enough for the caseload at 80 columns.
REASON_LABELS: dict[Reason, str] = {
    Reason.SEEN_IN_PERSON: "seen in person",
    Reason.SEEN_IN_HOME: "seen in the home",
    Reason.OUT_OF_STATE_PHONE: "out of state, called child or placement",
    Reason.CONTACT_PLAN_FOLLOWED: "contact plan followed",
    Reason.INTERVIEWED: "interviewed",
    Reason.HOME_VISITED: "home visited, a member seen there",
    Reason.REMOTE_INTERVIEW: "interviewed by phone/video",
    Reason.RUNAWAY_LOCATE_EFFORTS: "runaway, locate efforts since child ran",
    Reason.WHEREABOUTS_UNKNOWN_LOCATE_EFFORTS: "whereabouts unknown, locate efforts documented",
    Reason.INCARCERATED_REMOTE_CONTACT: "incarcerated, call/letter documented",
    Reason.STAFFING_REASON: "reason recorded at staffing",
    Reason.EXCEPTION_APPROVED: "exception approved",
    Reason.EXCEPTION_WITHOUT_QUARTERLY_CONTACT: "exception, but no call/letter in 3 months",
    Reason.RUNAWAY_NO_LOCATE_EFFORTS: "runaway, no locate efforts this month",
    Reason.WHEREABOUTS_UNKNOWN_NO_LOCATE_EFFORTS: "whereabouts unknown, no locate efforts",
    Reason.NOT_SEEN: "not seen",
    Reason.SEEN_NOT_IN_HOME: "seen, but not in the home",
    Reason.NO_CONTACT_PLAN: "no contact plan",
    Reason.CONTACT_PLAN_NOT_FOLLOWED: "contact plan not followed",
    Reason.NOT_INTERVIEWED: "not interviewed",
    Reason.NO_HOME_VISIT: "no home visit seeing a member",
    Reason.PARTIAL_MONTH: "partial month, not on the case every day",
    Reason.RIGHTS_TERMINATED: "rights ended to every child",
    Reason.WHEREABOUTS_UNKNOWN: "whereabouts unknown",
    Reason.NOT_IN_HOUSEHOLD: "not in the household",
    Reason.NO_REQUIREMENT: "no requirement",
}

#: Exception categories in plain words, in the order of the enumeration (the exception form).
CATEGORY_LABELS: dict[ExceptionCategory, str] = {
    ExceptionCategory.PARENT_INCARCERATED: "Parent is incarcerated",
    ExceptionCategory.PARENT_OUT_OF_AREA: "Parent lives out of the area",
    ExceptionCategory.PARENT_DECLINES: "Parent declines contact",
    ExceptionCategory.COURT_ORDER: "A court order restricts contact",
    ExceptionCategory.WORKER_SAFETY: "Worker safety",
    ExceptionCategory.CHILD_IN_TREATMENT: "Child is in treatment",
    ExceptionCategory.OTHER: "Other (say why in the reason)",
}

#: Staffing-note reason codes in plain words, in the order of the enumeration (the staffing note form).
REASON_CODE_LABELS: dict[StaffingReasonCode, str] = {
    StaffingReasonCode.PLACEMENT_CHANGE: "Placement change",
    StaffingReasonCode.HOSPITALIZED: "In hospital",
    StaffingReasonCode.COURT_RESTRICTION: "Restricted by the court",
    StaffingReasonCode.FAMILY_REFUSED: "The family refused",
    StaffingReasonCode.WORKER_SAFETY: "Worker safety",
    StaffingReasonCode.SCHEDULING: "Could not be scheduled",
    StaffingReasonCode.OTHER: "Other (say why below)",
}

#: How a contact plan's methods read in a sentence ("… every month, in person, by telephone").
METHOD_WORDS: dict[str, str] = {
    Method.IN_PERSON: "in person", Method.PHONE: "by telephone", Method.VIDEO: "by video call",
    Method.WRITTEN: "in writing",
}

#: What the record a late row rests on was, by the reason it gives the row (`recorded_after_label`).
_LATE_RECORD_WORDS: dict[Reason, str] = {
    Reason.EXCEPTION_APPROVED: "approved",
    Reason.CONTACT_PLAN_FOLLOWED: "plan approved",
    Reason.STAFFING_REASON: "recorded",
}

NOTHING = "—"
#: The name cell of the case-level investigation `home_visit` row (no person).
WHOLE_CASE = "Household"
#: What stands in for free text (note text, reasons) while the privacy mask is on.
HIDDEN = "(hidden: privacy mask)"


def shown(value: object) -> str:
    """Data (an id, a name, a note's text) as the screen shows it: control characters as escapes."""
    return for_terminal(None if value is None else str(value))


def staff_label(member: StaffMember) -> str:
    return shown(member.name)


def unit_label(unit: Unit | None, *, missing: str = "no unit") -> str:
    """The unit's name and region ("North Unit · Central")."""
    return shown(unit.label) if unit is not None else missing


def month_name(month: Month) -> str:
    """The month as people say it, e.g. "November 2026"."""
    return f"{calendar.month_name[month.month]} {month.year}"


def short_month(month: Month, *, two_digit_year: bool = False) -> str:
    """The month abbreviated, e.g. "Nov 2026" (a narrow header, the reports); "Nov 26" with
    `two_digit_year` (the month strip's cells)."""
    year = f"{month.year % 100:02d}" if two_digit_year else str(month.year)
    return f"{calendar.month_abbr[month.month]} {year}"


def status_label(status: Status) -> str:
    return STATUS_LABELS[status]


def reason_label(reason: Reason) -> str:
    return REASON_LABELS.get(reason, str(reason).replace("_", " "))


def category_label(category: object) -> str:
    """An exception's category in plain words ("Parent declines contact")."""
    try:
        return CATEGORY_LABELS[ExceptionCategory(str(category))]
    except ValueError:
        return words(category)


def requirement_label(requirement: Requirement) -> str:
    return REQUIREMENT_LABELS[requirement]


def role_label(role: Role | None) -> str:
    return ROLE_LABELS[role] if role is not None else "whole case"


def goal_label(goal: Goal | None) -> str:
    return GOAL_LABELS[goal] if goal is not None else NOTHING


def date_label(day: date | None, *, missing: str = NOTHING) -> str:
    return day.isoformat() if day is not None else missing


def words(value: object) -> str:
    """An enum or code in plain words: "out_of_state" → "out of state"."""
    return shown(value).replace("_", " ") if value is not None else NOTHING


def placement_label(placement: PlacementView | None, *, masked: bool = False) -> str:
    """Location type and since when, e.g. "runaway since 2026-09-20".

    The placement's name follows in brackets unless the privacy mask is on.
    """
    if placement is None:
        return NOTHING
    label = f"{words(placement.location_type)} since {placement.since.isoformat()}"
    if placement.location_name and not masked:
        label += f" ({shown(placement.location_name)})"
    return label


def placement_status_label(row: Row) -> str:
    """Where the person is, in the directory's words, short enough for the caseload at 80 columns:
    a child's location type ("foster home", "runaway"), an adult whose whereabouts are unknown
    ("whereabouts unknown"); the dates and names are in `placement_label` (the row's detail line)."""
    if row.placement is not None:
        return words(row.placement.location_type)
    if row.whereabouts == "unknown":
        return "whereabouts unknown"
    return NOTHING


def person_label(person_id: str | None, names: dict[str, PersonName], *, masked: bool = False) -> str:
    """A person's name, initials under the privacy mask, "Household" for the case itself."""
    if person_id is None:
        return WHOLE_CASE
    person = names.get(person_id)
    if person is None:
        return shown(person_id)
    return shown(person.initials if masked else person.display)


def flags_label(flags: tuple[Flag, ...]) -> str:
    return "; ".join(FLAG_LABELS.get(flag, words(flag)) for flag in flags)


def recorded_after_label(reason: Reason, month: Month) -> str:
    """`recorded_after_month` in words for the record behind `reason`: "approved after October ended"
    (an exception), "recorded after October ended" (a staffing note), "plan approved after …"."""
    return f"{_LATE_RECORD_WORDS.get(reason, 'recorded')} after {calendar.month_name[month.month]} ended"


def row_reason_label(row: Row, month: Month) -> str:
    """The row's reason in words, followed by when its record came late (docs/policy.md "As known then":
    late approvals are allowed and must show): "exception approved · approved after October ended"."""
    label = reason_label(row.reason)
    if Flag.RECORDED_AFTER_MONTH in row.flags:
        label += f" · {recorded_after_label(row.reason, month)}"
    return label
