"""Read-only look-ups the screens need: units, staff, people's names, caseloads.

Plain functions over a sqlite-utils `Database` returning NamedTuples; no
Textual here, so the same queries serve the app, the CLI and the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlite_utils import Database

from staffing_tui.domain.enums import StaffRole
from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError
from staffing_tui.store.sql import id_chunks, marks


def check_scope(db: Database, unit_id: str | None, specialist_id: str | None = None) -> None:
    """One sentence naming the option when a unit or staff member asked for is not in the database."""
    if unit_id is not None and not db.execute("SELECT 1 FROM units WHERE unit_id = ?", [unit_id]).fetchone():
        raise UserError(f"--unit {unit_id}: there is no such unit in this database.")
    if specialist_id is not None and not db.execute(
        "SELECT 1 FROM staff WHERE staff_id = ?", [specialist_id]
    ).fetchone():
        raise UserError(f"--specialist {specialist_id}: there is no such staff member in this database.")


class Unit(NamedTuple):
    """A unit of the agency and the region it belongs to."""

    unit_id: str
    name: str
    region: str | None

    @property
    def label(self) -> str:
        return f"{self.name} · {self.region}" if self.region else self.name


class StaffMember(NamedTuple):
    """A member of staff with their role and unit (None: not in a unit)."""

    staff_id: str
    name: str
    role: StaffRole
    unit_id: str | None


def initials_of(first: str | None, last: str | None, fallback: str) -> str:
    """"Maria Lopez" → "M. L." (the app's mask and the exports use the same).

    Each initial is the part's first letter: never a control character, quote or bracket a
    name may start with (issue 14); a part without a letter gives none."""
    letters = [next((c for c in part if c.isalpha()), "") for part in (first, last) if part]
    return " ".join(f"{letter}." for letter in letters if letter) or fallback


class PersonName(NamedTuple):
    """How a person is called on screen."""

    person_id: str
    first_name: str | None
    last_name: str | None

    @property
    def display(self) -> str:
        """The name as "First Last", or the person id when the record has no name."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.person_id

    @property
    def initials(self) -> str:
        """Initials for the privacy mask (`x`, README.md "The app"), e.g. "M. G."."""
        return initials_of(self.first_name, self.last_name, self.person_id)


@dataclass(frozen=True, slots=True)
class UnitRoster:
    """A unit and the staff listed under it (unit None: staff in no unit)."""

    unit: Unit | None
    specialists: tuple[StaffMember, ...]


def list_units(db: Database) -> list[Unit]:
    """Every unit with its region, ordered by region then name."""
    rows = db.execute(
        "SELECT unit_id, name, region FROM units ORDER BY region IS NULL, region, name, unit_id"
    )
    return [Unit(*row) for row in rows]


def staff_by_unit(
    db: Database, roles: Iterable[StaffRole] | None = None
) -> dict[str | None, list[StaffMember]]:
    """Staff grouped by unit id (None: staff without a unit), each list ordered by name.

    `roles` limits the result to those roles (default: every role).
    """
    sql = "SELECT staff_id, name, role, unit_id FROM staff"
    params: list[str] = []
    if roles is not None:
        wanted = [str(role) for role in roles]
        sql += f" WHERE role IN ({', '.join('?' for _ in wanted)})"
        params = wanted
    sql += " ORDER BY name, staff_id"
    grouped: dict[str | None, list[StaffMember]] = {}
    for staff_id, name, role, unit_id in db.execute(sql, params):
        grouped.setdefault(unit_id, []).append(StaffMember(staff_id, name, StaffRole(role), unit_id))
    return grouped


def staff_members(db: Database, staff_ids: Iterable[str]) -> dict[str, StaffMember]:
    """The staff records for `staff_ids` (ids not on file are left out)."""
    found: dict[str, StaffMember] = {}
    for chunk in id_chunks(staff_ids):
        rows = db.execute(
            f"SELECT staff_id, name, role, unit_id FROM staff WHERE staff_id IN ({marks(chunk)})",
            chunk,
        )
        for staff_id, name, role, unit_id in rows:
            found[staff_id] = StaffMember(staff_id, name, StaffRole(role), unit_id)
    return found


def staff_member(db: Database, staff_id: str) -> StaffMember | None:
    """The staff record for `staff_id` (None: not on file)."""
    return staff_members(db, [staff_id]).get(staff_id)


#: Who is offered first when the app asks "who are you?": the people who approve.
_IDENTITY_ORDER = {StaffRole.SUPERVISOR: 0, StaffRole.MANAGER: 0, StaffRole.SPECIALIST: 1}


def identity_choices(db: Database) -> list[tuple[StaffMember, Unit | None]]:
    """Every member of staff with their unit: supervisors and managers first, then by name."""
    units = {unit.unit_id: unit for unit in list_units(db)}
    members = [m for group in staff_by_unit(db).values() for m in group]
    members.sort(key=lambda m: (_IDENTITY_ORDER[m.role], *_by_name(m)))
    return [(member, units.get(member.unit_id or "")) for member in members]


def people_names(db: Database, person_ids: Iterable[str | None]) -> dict[str, PersonName]:
    """Names for a set of person ids (ids not on file are left out; None is ignored)."""
    names: dict[str, PersonName] = {}
    for chunk in id_chunks(pid for pid in person_ids if pid is not None):
        rows = db.execute(
            f"SELECT person_id, first_name, last_name FROM people WHERE person_id IN ({marks(chunk)})",
            chunk,
        )
        for person_id, first_name, last_name in rows:
            names[person_id] = PersonName(person_id, first_name, last_name)
    return names


#: A case open on some day of a month: bind the month's last day, then its first.
_OPEN_IN_MONTH = "opened_on <= ? AND (closed_on IS NULL OR closed_on >= ?)"


def _month_bounds(month: Month) -> list[str]:
    return [month.end.isoformat(), month.start.isoformat()]


def case_ids_of_specialist(db: Database, specialist_id: str, month: Month | None = None) -> list[str]:
    """The specialist's case ids, ordered; with `month`, only cases open on some day of it."""
    sql = "SELECT case_id FROM cases WHERE specialist_id = ?"
    params: list[str] = [specialist_id]
    if month is not None:
        sql += f" AND {_OPEN_IN_MONTH}"
        params += _month_bounds(month)
    sql += " ORDER BY case_id"
    return [row[0] for row in db.execute(sql, params)]


def staff_with_cases(db: Database, month: Month) -> list[str]:
    """The staff ids carrying a case open on some day of `month` (whatever their role)."""
    sql = f"SELECT DISTINCT specialist_id FROM cases WHERE {_OPEN_IN_MONTH}"
    return [row[0] for row in db.execute(sql, _month_bounds(month))]


def unit_rosters(db: Database, also_staff_ids: Iterable[str] = ()) -> list[UnitRoster]:
    """Every unit with its specialists, plus any staff in `also_staff_ids`.

    `also_staff_ids` brings in staff who carry cases without the specialist
    role (e.g. a supervisor covering a caseload) so none of their rows is
    hidden. Staff in no unit are gathered in a last roster with unit None.
    Units without anyone are kept: an empty unit is worth seeing.
    """
    by_unit = staff_by_unit(db, roles=[StaffRole.SPECIALIST])
    listed = {member.staff_id for members in by_unit.values() for member in members}
    for member in staff_members(db, set(also_staff_ids) - listed).values():
        by_unit.setdefault(member.unit_id, []).append(member)
    rosters = []
    for unit in list_units(db):
        members = by_unit.pop(unit.unit_id, [])
        rosters.append(UnitRoster(unit, tuple(sorted(members, key=_by_name))))
    leftovers = sorted((m for members in by_unit.values() for m in members), key=_by_name)
    if leftovers:
        rosters.append(UnitRoster(None, tuple(leftovers)))
    return rosters


def _by_name(member: StaffMember) -> tuple[str, str]:
    return (member.name.casefold(), member.staff_id)


@dataclass(frozen=True, slots=True)
class FoundMember:
    """A person on a case (or a case as a whole: `person_id` None), found by name or case id."""

    case_id: str
    person_id: str | None
    first_name: str | None
    last_name: str | None
    role: str | None
    specialist_id: str
    closed_on: str | None


def find_members(db: Database, query: str, limit: int = 20) -> list[FoundMember]:
    """People whose names start with every word of `query` ("amelia zap": Amelia Zapata), with
    each case they are on, and the cases whose id starts with `query` (as a whole case); open
    cases first. Case-insensitive; fewer than two characters find nothing."""
    words = query.split()
    if len("".join(words)) < 2:
        return []
    found: list[FoundMember] = []
    if len(words) == 1:
        found += [FoundMember(row[0], None, None, None, None, row[1], row[2]) for row in db.execute(
            "SELECT case_id, specialist_id, closed_on FROM cases WHERE case_id LIKE ? ESCAPE '\\' "
            "ORDER BY closed_on IS NOT NULL, case_id LIMIT ?", [_prefix(words[0]), limit])]
    name_match = " AND ".join("(p.first_name LIKE ? ESCAPE '\\' OR p.last_name LIKE ? ESCAPE '\\')" for _ in words)
    params = [pattern for word in words for pattern in (_prefix(word), _prefix(word))]
    found += [FoundMember(*row) for row in db.execute(
        "SELECT m.case_id, p.person_id, p.first_name, p.last_name, m.role, c.specialist_id, c.closed_on "
        "FROM people p JOIN case_members m ON m.person_id = p.person_id JOIN cases c ON c.case_id = m.case_id "
        f"WHERE {name_match} ORDER BY c.closed_on IS NOT NULL, p.last_name, p.first_name, m.case_id LIMIT ?",
        [*params, limit - len(found)])]
    return found[:limit]


def _prefix(word: str) -> str:
    """A LIKE pattern for what starts with `word` (its own % and _ taken literally)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
