"""A report row as JSON and back (docs/data.md "Report JSON"): one codec for the report JSON, CSV and
the months kept in the database (`store.kept_months`).

`row_to_dict` is the row as the report prints it; `row_from_dict` its exact inverse
(`row_from_dict(row_to_dict(row)) == row` for every row the engine makes); `row_text` the compact
JSON text of one row, byte for byte as it appears inside `report --format json` (the same
separators, ASCII). `report_head` is the report object without its rows, in the printed key order.

The inverse is built for speed (a statewide month is tens of thousands of rows): the enumerations
and the dates are looked up in dictionaries instead of being constructed.
"""

from __future__ import annotations

import json
from datetime import date

from staffing_tui.domain.enums import CaseType, Flag, Goal, LocationType, Reason, Requirement, Role, Status
from staffing_tui.domain.model import PlacementView, Row

#: The separators of every JSON text the program prints (compact; the C encoder).
COMPACT = (",", ":")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def row_to_dict(row: Row) -> dict:
    """The row as the report JSON prints it (docs/data.md "Report JSON")."""
    placement = None
    if row.placement is not None:
        placement = {
            "location_type": str(row.placement.location_type),
            "location_name": row.placement.location_name,
            "since": _iso(row.placement.since),
        }
    return {
        "case_id": row.case_id,
        "person_id": row.person_id,
        "role": str(row.role) if row.role else None,
        "case_type": str(row.case_type),
        "unit_id": row.unit_id,
        "specialist_id": row.specialist_id,
        "requirement": str(row.requirement),
        "status": str(row.status),
        "reason": str(row.reason),
        "last_seen": _iso(row.last_seen),
        "last_contact": _iso(row.last_contact),
        "placement": placement,
        "goal": str(row.goal) if row.goal else None,
        "rights": row.rights,
        "whereabouts": row.whereabouts,
        "exception_id": row.exception_id,
        "contact_plan_id": row.contact_plan_id,
        "flags": [str(f) for f in row.flags],
    }


def row_text(row: Row) -> str:
    """The row's compact JSON text, exactly as `report --format json` prints it among the rows."""
    return json.dumps(row_to_dict(row), separators=COMPACT)


def _values(enum) -> dict:
    return {member.value: member for member in enum}


_ROLES, _CASE_TYPES, _REQUIREMENTS = _values(Role), _values(CaseType), _values(Requirement)
_STATUSES, _REASONS, _GOALS = _values(Status), _values(Reason), _values(Goal)
_LOCATION_TYPES, _FLAGS = _values(LocationType), _values(Flag)


class _Days(dict):
    """ISO text → date, each text converted once (a month's rows share few dates)."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


_DAYS = _Days()


def row_from_dict(d: dict) -> Row:
    """The row `row_to_dict` made `d` from (ValueError/KeyError for anything else)."""
    days = _DAYS
    placement = d["placement"]
    role, goal, last_seen, last_contact = d["role"], d["goal"], d["last_seen"], d["last_contact"]
    return Row(
        d["case_id"],
        d["person_id"],
        _ROLES[role] if role is not None else None,
        _CASE_TYPES[d["case_type"]],
        d["unit_id"],
        d["specialist_id"],
        _REQUIREMENTS[d["requirement"]],
        _STATUSES[d["status"]],
        _REASONS[d["reason"]],
        days[last_seen] if last_seen is not None else None,
        days[last_contact] if last_contact is not None else None,
        PlacementView(_LOCATION_TYPES[placement["location_type"]], placement["location_name"],
                      days[placement["since"]]) if placement is not None else None,
        _GOALS[goal] if goal is not None else None,
        d["rights"],
        d["whereabouts"],
        d["exception_id"],
        d["contact_plan_id"],
        tuple(_FLAGS[flag] for flag in d["flags"]),
    )


def row_from_text(text: str) -> Row:
    """The row whose `row_text` is `text`."""
    return row_from_dict(json.loads(text))


def report_head(month: str, as_of: date, in_progress: bool, unit_id: str | None, specialist_id: str | None,
                summary: dict) -> dict:
    """The report object without its rows, in the order it is printed (the rows come last)."""
    return {
        "month": month,
        "as_of": as_of.isoformat(),
        "in_progress": in_progress,
        "scope": {"unit_id": unit_id, "specialist_id": specialist_id},
        "summary": summary,
    }
