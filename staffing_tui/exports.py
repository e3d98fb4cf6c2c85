"""Writing exports (reports, agendas, plan documents): owner-only files and the privacy mask."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from staffing_tui.errors import UserError
from staffing_tui.store.directory import initials_of
from staffing_tui.store.sql import id_chunks, marks

#: What stands in for a placement's name, or a birth date found in free text, under the mask.
PLACEMENT_HIDDEN = "(placement)"
DATE_HIDDEN = "(date)"


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by its owner only (0600)."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"--out {path} is a directory; give a file name.")
    if not path.parent.exists():
        raise UserError(f"--out {path}: the folder {path.parent} does not exist.")
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.unlink(missing_ok=True)  # a leftover of a killed run with the same pid
        # O_EXCL | O_NOFOLLOW: never write through a planted file or link.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        os.chmod(path, 0o600)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise UserError(f"--out {path}: permission denied; choose a folder you can write to.") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"--out {path} could not be written: {exc.strerror or exc}.") from None


# --- the privacy mask (SPEC §6 `x`, for exports: `--mask`) ---------------------------------


@dataclass
class PrivacyMask:
    """Initials instead of names; no placement names; no birth dates.

    `name(person_id)` gives the initials for a label. `text(...)` scrubs free
    text (a stored plan document, a next step, a reason) of every name,
    placement name and birth date it knows — names it does not know (say, a
    grandmother who is not in the database) cannot be recognised.
    """

    initials: dict[str, str] = field(default_factory=dict)
    replacements: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # Longest first, so "Maria Lopez" wins over "Maria"; whole words only.
        words = sorted((w for w in self.replacements if w), key=len, reverse=True)
        if words:
            self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")

    def name(self, person_id: str | None) -> str | None:
        if person_id is None:
            return None
        return self.initials.get(person_id, person_id)

    def text(self, value: str | None) -> str | None:
        if not value or self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self.replacements[m.group(0)], value)

    @classmethod
    def of(cls, people: Iterable[tuple[str, str | None, str | None, str | None]],
           placement_names: Iterable[str | None] = ()) -> "PrivacyMask":
        """From (person_id, first_name, last_name, birth_date) rows and placement names."""
        initials: dict[str, str] = {}
        replacements: dict[str, str] = {}
        for name in placement_names:
            if name and name.strip():
                replacements[name.strip()] = PLACEMENT_HIDDEN
        for person_id, first, last, birth_date in people:
            initials[person_id] = initials_of(first, last, person_id)
            first, last = (first or "").strip(), (last or "").strip()
            if first and last:
                replacements[f"{first} {last}"] = initials[person_id]
                replacements[f"{last}, {first}"] = initials[person_id]
            for part in (first, last):
                if part:
                    replacements.setdefault(part, initials_of(part, None, "(name)"))  # a letter, never a control
            if birth_date:
                replacements[birth_date] = DATE_HIDDEN
        return cls(initials, replacements)


def privacy_mask(db: Database, *, person_ids: Iterable[str | None] = (), case_ids: Iterable[str] = ()) -> PrivacyMask:
    """The mask for the given people and every member of the given cases, with their placements."""
    people = {pid for pid in person_ids if pid}
    cases = sorted(set(case_ids))
    for chunk in id_chunks(cases):
        people.update(row[0] for row in db.execute(
            f"SELECT person_id FROM case_members WHERE case_id IN ({marks(chunk)})", chunk))
    rows, placements = [], []
    for chunk in id_chunks(sorted(people)):
        rows += db.execute(f"SELECT person_id, first_name, last_name, birth_date FROM people "
                           f"WHERE person_id IN ({marks(chunk)})", chunk).fetchall()
        placements += [row[0] for row in db.execute(
            f"SELECT DISTINCT location_name FROM placements WHERE child_id IN ({marks(chunk)})", chunk)]
    return PrivacyMask.of(rows, placements)


def case_mask(db: Database, case_id: str) -> PrivacyMask:
    """The mask of one case's members and its placements' names, by indexed look-ups: for
    scrubbing the free text of many cases one case at a time (`staffing-tui history`)."""
    people = db.execute("SELECT p.person_id, p.first_name, p.last_name, p.birth_date FROM case_members m "
                        "JOIN people p ON p.person_id = m.person_id WHERE m.case_id = ?", [case_id]).fetchall()
    placements = [row[0] for row in db.execute(
        "SELECT DISTINCT location_name FROM placements WHERE case_id = ?", [case_id])]
    return PrivacyMask.of(people, placements)
