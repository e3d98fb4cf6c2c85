"""What a staffing form needs to know about where it was opened."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from staffing_tui.domain.months import Month


@dataclass(frozen=True, slots=True)
class FormContext:
    """Where a modal form was opened from.

    Forms open their own database connection (in a thread worker) from
    `db_path`, validate with the record services' `*_problems` functions,
    save with the record service in one transaction, and `dismiss()` with the
    new record id (or None when cancelled). The caller refreshes its screen
    when the result is not None.
    """

    db_path: Path
    actor_id: str | None  # the acting staff id (`--as` or picked at start)
    specialist_id: str
    month: Month
    case_id: str | None = None
    person_id: str | None = None
    masked: bool = False  # privacy mask on: show initials, no birth dates or placement names
