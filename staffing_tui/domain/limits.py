"""The values the program accepts at its edges: dates, months, years and record ids.

One window for every date a user types or imports (docs/data.md "Date window": the import refuses
dates before 1900 or after 2200), so the command line, the importer and the
app's forms agree, and nothing downstream meets a year 1 or 9999 it cannot
step past (the month before 0001-01, a time zone offset in 9999, …).
Record ids are SQLite's INTEGER PRIMARY KEY: positive and signed 64-bit.
"""

from __future__ import annotations

from datetime import date

from staffing_tui.domain.months import Month

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)
FIRST_MONTH = Month.of(FIRST_DAY)
LAST_MONTH = Month.of(LAST_DAY)
#: SQLite's largest integer (signed 64-bit): a larger id cannot even be looked up.
LARGEST_ID = 2**63 - 1

_DATE_WINDOW = f"dates from {FIRST_DAY} to {LAST_DAY} are accepted"


def date_out_of_range(day: date) -> str | None:
    """Why `day` is outside the window (a sentence without the value), or None when it is in it."""
    if day < FIRST_DAY:
        return f"is before {FIRST_DAY}; {_DATE_WINDOW}"
    if day > LAST_DAY:
        return f"is after {LAST_DAY}; {_DATE_WINDOW}"
    return None


def parse_day(text: str) -> date:
    """`YYYY-MM-DD` within the window → date; ValueError with a sentence saying what to write."""
    cleaned = text.strip()
    try:
        if len(cleaned) != 10:
            raise ValueError
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{_shown(text)} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-31") from None
    problem = date_out_of_range(day)
    if problem:
        raise ValueError(f"{cleaned} {problem}")
    return day


def parse_month(text: str) -> Month:
    """`YYYY-MM` within the window → Month; ValueError with a sentence saying what to write."""
    month = Month.parse(text)
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValueError(f"{month} is outside the months {FIRST_MONTH} to {LAST_MONTH} that are accepted")
    return month


def parse_year(text: str) -> int:
    """A year within the window → int; ValueError with a sentence saying what to write."""
    try:
        year = int(text.strip())
    except ValueError:
        raise ValueError(f"{_shown(text)} is not a year; write it as YYYY, e.g. 2027") from None
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ValueError(f"{year} is outside the years {FIRST_DAY.year} to {LAST_DAY.year} that are accepted")
    return year


def parse_record_id(text: str, what: str = "record number") -> int:
    """A record's number (or a version: 1 … 2**63 - 1) → int; ValueError with a sentence saying
    what to write. `what` names it in that sentence."""
    cleaned = text.strip()
    digits = cleaned.lstrip("0")
    # isdigit alone would take "²" or Arabic-Indic digits; a number here is written in ASCII digits.
    if not (cleaned.isascii() and cleaned.isdigit() and len(digits) <= 19) or not 1 <= int(cleaned) <= LARGEST_ID:
        raise ValueError(f"{_shown(text)} is not a {what}; write a whole number from 1 to {LARGEST_ID}")
    return int(cleaned)


def _shown(text: str) -> str:
    """A typed value echoed in a message, cut short (a 10,000-digit number is not repeated; nor are
    thirty characters that repr writes as ten each)."""
    shown = repr(text if len(text) <= 30 else text[:27] + "...")
    return shown if len(shown) <= 40 else shown[:36] + "...'"
