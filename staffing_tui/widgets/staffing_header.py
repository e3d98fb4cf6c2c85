"""The one-line header every screen shares: month, its state, as-of date, who is acting, mask."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from textual.content import Content
from textual.widget import Widget

from staffing_tui.domain.evaluate import is_in_progress
from staffing_tui.domain.months import Month
from staffing_tui.store.directory import StaffMember
from staffing_tui.widgets.labels import month_name

if TYPE_CHECKING:
    from staffing_tui.app import StaffingApp

#: App attributes the header shows; it redraws when any of them changes.
WATCHED = ("month", "as_of", "actor", "masked")


def month_state(month: Month, as_of: date) -> str:
    return "in progress" if is_in_progress(month, as_of) else "complete"


def header_parts(month: Month | None, as_of: date | None, actor: StaffMember | None) -> tuple[list[str], list[str]]:
    """The header's words, left (month, state, as-of) and right (acting user)."""
    if month is None:
        left = ["Staffing", "loading…"]
    elif as_of is None:
        left = ["Staffing", month_name(month)]
    else:
        left = ["Staffing", month_name(month), month_state(month, as_of), f"as of {as_of.isoformat()}"]
    right = [f"{actor.name} · {actor.role}" if actor is not None else "browsing only: ctrl+p → Act as…"]
    return left, right


class StaffingHeader(Widget):
    """Month · in progress/complete · as of DATE          Name · role  MASKED"""

    DEFAULT_CSS = """
    StaffingHeader {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for attribute in WATCHED:
            self.watch(self.app, attribute, lambda _value: self.refresh(), init=False)

    def render(self) -> Content:
        app = cast("StaffingApp", self.app)
        left, right = header_parts(app.month, app.as_of, app.actor)
        badge = " MASKED " if app.masked else ""
        width = self.content_region.width or 80
        # Drop the app's name first when the line is too narrow for everything.
        if len(" · ".join(left)) + len(" · ".join(right)) + len(badge) + 2 > width:
            left = left[1:]
        left_content = Content.assemble((left[0], "bold"), *(f" · {part}" for part in left[1:]))
        right_content = Content.assemble(" · ".join(right), *(("  ", (badge, "bold reverse $warning")) if badge else ()))
        gap = max(1, width - left_content.cell_length - right_content.cell_length)
        return Content.assemble(left_content, " " * gap, right_content).truncate(width, ellipsis=True)
