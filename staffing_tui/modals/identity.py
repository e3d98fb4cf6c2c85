"""Who is using the app? Asked at start when `--as` was not given.

The choice decides what the user may approve (docs/data.md "Records created in the app") and is recorded with
every change they make. Supervisors and managers are listed first: they run
staffings.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from staffing_tui.messages import StaffChoicesLoaded
from staffing_tui.present.labels import shown, staff_label
from staffing_tui.screens.base import database_at
from staffing_tui.store.directory import StaffMember, Unit, identity_choices
from staffing_tui.widgets.pick_list import Choice, PickList


def identity_choice(member: StaffMember, unit: Unit | None) -> Choice:
    where = shown(unit.name) if unit is not None else "no unit"
    name, staff_id = staff_label(member), shown(member.staff_id)
    prompt = Content.assemble((name, "bold"), f"  {member.role} · {where}", (f"  {staff_id}", "dim"))
    return Choice(member, prompt, f"{name} {member.role} {where} {staff_id}")


class IdentityScreen(ModalScreen[StaffMember | None]):
    """Pick the acting staff member; escape browses without acting as anyone."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Browse read-only", id="identity.skip"),
    ]

    def __init__(self, db_path: Path, current: str | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="identity-dialog", classes="dialog"):
            yield Static("Who is using staffing-tui?", classes="dialog-title")
            yield Static(
                "Your choice decides what you may approve and is recorded with every change. "
                "Press escape to look around without recording anything.",
                classes="dialog-help",
            )
            yield PickList("Type a name, role or unit…", id="identity-list")
            yield Static("enter choose · escape browse only", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(PickList).focus_filter()
        self._load_staff()

    @work(thread=True, exclusive=True, exit_on_error=False, name="list the staff")
    def _load_staff(self) -> None:
        with database_at(self.db_path, readonly=True) as db:
            choices = identity_choices(db)
        if not get_current_worker().is_cancelled:
            self.post_message(StaffChoicesLoaded(choices))

    @on(StaffChoicesLoaded)
    def _staff_loaded(self, message: StaffChoicesLoaded) -> None:
        choices = [identity_choice(member, unit) for member, unit in message.choices]
        current = next((m for m, _ in message.choices if m.staff_id == self.current), None)
        self.query_one(PickList).set_choices(choices, highlight=current)

    @on(PickList.Picked)
    def _picked(self, event: PickList.Picked) -> None:
        self.dismiss(event.value)
