"""Calendar months, the unit of every visit requirement."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """Parse `YYYY-MM`; raise ValueError with a readable message."""
        match = _MONTH_RE.match(text.strip()) if isinstance(text, str) else None
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2026-10")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def next(self) -> "Month":
        return self.shift(1)

    def previous(self) -> "Month":
        return self.shift(-1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def months_between(first: Month, last: Month) -> int:
    """Number of months from `first` to `last` inclusive (0 when last < first)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def day_after(day: date) -> date:
    return day + timedelta(days=1)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
