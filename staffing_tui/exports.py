"""Writing exports (reports, agendas, plan documents): owner-only files and the privacy mask."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from staffing_tui.errors import UserError
from staffing_tui.store.connection import SIDE_SUFFIXES
from staffing_tui.store.directory import initials_of
from staffing_tui.store.sql import id_chunks, marks

#: Where the app's exports go unless the user names another file (created on first use, owner only).
EXPORT_FOLDER = Path("~/staffing-tui-exports")

#: What stands in for a placement's name, or a birth date found in free text, under the mask.
PLACEMENT_HIDDEN = "(placement)"
DATE_HIDDEN = "(date)"


def write_private_text(path: Path, text: str, *, replace: bool = False, database: Path | None = None) -> None:
    """Write `text` to `path` atomically, readable by its owner only (0600).

    A new file is written; an existing regular file only when `replace` (`--force`). Anything
    else is refused, touching nothing (`refuse_unsafe_target`), as is a file of `database`.
    """
    path = Path(path)
    refuse_unsafe_target(path, replace=replace, database=database)
    if not path.parent.exists():
        raise UserError(f"{path}: the folder {path.parent} does not exist; create it or choose another file.")
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.unlink(missing_ok=True)  # a leftover of a killed run with the same pid
        # O_EXCL | O_NOFOLLOW: never write through a planted file or link.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)  # exactly owner read/write, whatever the umask
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _link_as_new(tmp, path)
    except PermissionError:
        raise UserError(f"{path}: permission denied; choose a folder you can write to.") from None
    except OSError as exc:
        raise UserError(f"{path} could not be written: {exc.strerror or exc}.") from None
    finally:
        tmp.unlink(missing_ok=True)


def _link_as_new(tmp: Path, path: Path) -> None:
    """Give the finished `tmp` the name `path` only if no file has it: a file created since
    `refuse_unsafe_target` looked is not replaced either (a hard link never overwrites)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise UserError(_exists_message(path)) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # A file system without hard links (FAT, some network shares): check, then rename.
        if os.path.lexists(path):
            raise UserError(_exists_message(path)) from None
        os.rename(tmp, path)


def _exists_message(path: Path) -> str:
    return f"{path} already exists; choose a new file name, or add --force to replace it."


#: Names for what `os.lstat` found, when it is not a regular file.
_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def refuse_unsafe_target(path: Path, *, replace: bool, database: Path | None) -> None:
    """UserError unless `path` may receive an export: a file that does not exist yet, or (with
    `replace`) a regular file — never a database's own file, never a link, directory, pipe,
    device or socket. Only `lstat`/`stat` look at it, so a FIFO is never opened (which would block).
    """
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise UserError(f"{path} cannot be examined ({exc.strerror}); choose another file.") from None
    if database is not None:
        _refuse_database_file(path, Path(database))
    if found is None:
        return
    if stat.S_ISLNK(found.st_mode):
        # Replacing would swap the link, not write where it leads; following it could lead anywhere
        # (the database, another user's file): a link is never an export's target.
        raise UserError(f"{path} is a symbolic link; give the path of a regular file instead.")
    if not stat.S_ISREG(found.st_mode):
        kind = next((name for test, name in _FILE_KINDS if test(found.st_mode)), "not a regular file")
        raise UserError(f"{path} is {kind}; give the name of a regular file.")
    if not replace:
        raise UserError(_exists_message(path))


def _refuse_database_file(path: Path, database: Path) -> None:
    """UserError when `path` is the database or one of the files SQLite keeps beside it (WAL, SHM,
    journal) — by name, however spelt, even when it does not exist yet (SQLite would read a file
    of that name as the database's), and by device and inode (a hard link)."""
    target = _resolved(path)
    identity = _identity(path)
    for suffix in ("", *SIDE_SUFFIXES):
        # As given and after resolving the database's own links: SQLite names its files after the latter.
        spellings = {_resolved(Path(f"{database}{suffix}")), Path(f"{_resolved(database)}{suffix}")}
        same_name = target in spellings
        same_file = identity is not None and identity in {_identity(name) for name in spellings}
        if same_name or same_file:
            what = "the database itself" if not suffix else f"the database's {suffix} file"
            raise UserError(f"{path} is {what} ({database}); choose another file name.")


def _resolved(path: Path) -> Path:
    """The path with every link resolved; as an absolute path when a link loops."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return path.absolute()


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file `path` leads to, None when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


# --- the privacy mask (`x` in the app, README.md "The app"; for exports: `--mask`) --------


@dataclass
class PrivacyMask:
    """Initials instead of names; no placement names; no birth dates.

    `name(person_id)` gives the initials for a label. `text(...)` scrubs free
    text (a stored plan document, a next step, a reason) of every name,
    placement name and birth date it knows, however it is capitalised ("KIT",
    "kit") and however the words of a full name are spaced or broken across
    lines — whole words only, so "Kit" leaves "Kitchen" alone. Names it does
    not know (say, a grandmother who is not in the database) cannot be recognised.
    """

    initials: dict[str, str] = field(default_factory=dict)
    replacements: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False)
    _by_key: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for word, replacement in self.replacements.items():
            if word.strip():
                self._by_key.setdefault(_match_key(word), replacement)
        # Longest first, so "Maria Lopez" wins over "Maria"; whole words only.
        words = sorted((w for w in self.replacements if w.strip()), key=lambda w: len(_match_key(w)), reverse=True)
        if words:
            self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(_word_pattern(w) for w in words) + r")(?!\w)",
                                       re.IGNORECASE)

    def name(self, person_id: str | None) -> str | None:
        if person_id is None:
            return None
        return self.initials.get(person_id, person_id)

    def text(self, value: str | None) -> str | None:
        if not value or self._pattern is None:
            return value
        return self._pattern.sub(self._replacement, value)

    def _replacement(self, match: re.Match) -> str:
        found = self._by_key.get(_match_key(match.group(0)))
        if found is not None:
            return found
        # re's case-insensitive matching and str.casefold disagree on a few letters (ß, İ, the
        # Kelvin sign): ask re which of the words it matched.
        return next(replacement for word, replacement in self.replacements.items()
                    if word.strip() and re.fullmatch(_word_pattern(word), match.group(0), re.IGNORECASE))

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


def _match_key(word: str) -> str:
    """What two spellings of one name share: case folded, words separated by one space."""
    return " ".join(word.split()).casefold()


def _word_pattern(word: str) -> str:
    """`word` as a regular expression whose spaces match any run of white space (a line break too)."""
    return r"\s+".join(re.escape(part) for part in word.split())


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


# --- the app's export paths ------------------------------------------------------------------

def export_path(text: str) -> Path:
    """The file the user typed (with ~ expanded)."""
    return Path(text.strip()).expanduser()


def default_export_path(filename: str) -> str:
    return str(EXPORT_FOLDER / filename)


def prepare_export(path: Path) -> None:
    """Create the default export folder (owner only) on first use; refuse a folder or a missing one.

    A folder the user names must already exist: a typo should not silently
    create a new tree of folders.
    """
    if path.is_dir():
        raise UserError(f"{path} is a folder; type a file name such as {path / 'plan.md'}.")
    default_folder = EXPORT_FOLDER.expanduser()
    if path.parent == default_folder and not default_folder.exists():
        default_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.parent.exists():
        raise UserError(f"The folder {path.parent} does not exist; create it or choose another file.")
