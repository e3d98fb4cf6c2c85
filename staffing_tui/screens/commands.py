"""The command palette (ctrl+p): the app's actions, "Jump to specialist: NAME", and people and
cases found by name or case id ("amelia zap", "C1056"): choosing one opens the case's detail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from staffing_tui.screens.base import database_at
from staffing_tui.store.directory import FoundMember, find_members, initials_of

from staffing_tui.present.labels import shown, staff_label
from staffing_tui.screens.actions import STAFFING_ACTIONS, StaffingActionScreen
from staffing_tui.widgets.units_tree import badge_text

if TYPE_CHECKING:
    from staffing_tui.app import StaffingApp

Command = tuple[str, str, Callable[[], object]]


class StaffingCommands(Provider):
    """Every action of the current screen, and a jump to each specialist of the month."""

    @property
    def staffing_app(self) -> StaffingApp:
        return cast("StaffingApp", self.app)

    def commands(self) -> Iterator[Command]:
        app = self.staffing_app
        screen = self.screen
        yield "Previous month", "Evaluate the month before ([)", app.action_previous_month
        yield "Next month", "Evaluate the month after (])", app.action_next_month
        yield "Pick a month…", "Choose the month to evaluate (m)", app.action_pick_month
        yield "Reports", "Unit and specialist summaries, trend, federal measure (r)", app.action_reports
        yield (
            "Privacy mask: turn off" if app.masked else "Privacy mask: turn on",
            "Initials instead of names, no birth dates or placement names (x)",
            app.action_toggle_mask,
        )
        # A verified database knows who you are (docs/evidence.md "Who acted"): no one to choose.
        if app.may_choose_identity:
            yield "Act as…", "Choose who you are: it decides what you may approve", app.action_choose_identity
        yield "Keys and help", "Every key of the app (?)", app.action_help
        if isinstance(screen, StaffingActionScreen):
            for kind, action in STAFFING_ACTIONS.items():
                yield f"Record: {action.noun.lower()}", f"Open the {action.noun.lower()} form", partial(screen.record, kind)
            yield "Staffing agenda", "The specialist's agenda for the month (a)", screen.action_agenda
        evaluation = app.staffing_evaluation()
        if evaluation is not None:
            for member, unit in evaluation.specialists():
                where = shown(unit.name) if unit is not None else "no unit"
                yield (
                    f"Jump to specialist: {staff_label(member)}",
                    f"{where} · {badge_text(evaluation.badge(member))}",
                    partial(app.jump_to_specialist, member.staff_id),
                )

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        app = self.staffing_app
        if not hasattr(app, "open_case"):
            return
        import asyncio

        # A read in a thread, as every database call of the app: the palette stays responsive.
        found = await asyncio.to_thread(self._find, query)
        masked = app.masked
        for rank, member in enumerate(found):
            title, help_text = member_hit(member, masked, app.staffing_evaluation())
            yield Hit(0.9 - rank * 0.01, Content(title), partial(app.open_case, member.specialist_id, member.case_id,
                                                        member.person_id), help=help_text)

    def _find(self, query: str) -> list[FoundMember]:
        with database_at(self.staffing_app.db_path, readonly=True) as db:
            return find_members(db, query)


def member_hit(member: FoundMember, masked: bool, evaluation) -> tuple[str, str]:
    """The palette's line for a person (initials under the mask) or a case, and its help line."""
    case = f"case {shown(member.case_id)}" + (" (closed)" if member.closed_on else "")
    if member.person_id is None:
        title = f"Open case {shown(member.case_id)}" + (" (closed)" if member.closed_on else "")
    else:
        name = (initials_of(member.first_name, member.last_name, member.person_id) if masked
                else " ".join(part for part in (member.first_name, member.last_name) if part) or member.person_id)
        role = (member.role or "").replace("_", " ")
        title = f"Open {shown(name)} · {role} · {case}"
    specialist = evaluation.specialist(member.specialist_id) if evaluation is not None else None
    return title, f"on the caseload of {staff_label(specialist) if specialist else shown(member.specialist_id)}"
