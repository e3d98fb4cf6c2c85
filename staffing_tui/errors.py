"""Errors a user can fix. The CLI prints them as one sentence and exits 2."""

from __future__ import annotations

from collections.abc import Sequence

#: How many problems a message lists before it counts the rest: a file with a million bad
#: columns must answer with a screenful, not a million lines.
MAX_LISTED_PROBLEMS = 50


def listed_problems(problems: Sequence[str], total: int | None = None) -> list[str]:
    """The first MAX_LISTED_PROBLEMS of `problems`, then one line counting the rest.

    `total` is how many there were in all, when `problems` holds only the first of them."""
    total = len(problems) if total is None else total
    listed = list(problems[:MAX_LISTED_PROBLEMS])
    more = total - len(listed)
    if more > 0:
        listed.append(f"… and {more} more problem{'' if more == 1 else 's'} ({total} in all)")
    return listed


class UserError(Exception):
    """Bad input: a message for the user, exit status 2, nothing written."""

    exit_status = 2

    def __init__(self, message: str, *, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class DatabaseProblem(UserError):
    """The database cannot be opened or used (missing, locked, newer, not SQLite)."""


class Busy(DatabaseProblem):
    """Another user holds the database's write lock longer than we wait: nothing was written,
    try again (exit status 75, EX_TEMPFAIL, docs/data.md "Exit statuses")."""

    exit_status = 75


class ValidationError(UserError):
    """A record or request failed validation; `details` lists the problems (at most
    MAX_LISTED_PROBLEMS of them, then a count)."""

    def __init__(self, message: str, *, details: list[str] | None = None):
        super().__init__(message, details=listed_problems(details or []))


class SavedNotPrinted(UserError):
    """The change was committed, but its answer (the new id, the summary) could not be written to
    standard output (a full disk, a closed pipe): exit status 74 (EX_IOERR). The message says what
    was saved, so that nobody runs the command again and saves it twice."""

    exit_status = 74
