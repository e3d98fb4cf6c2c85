"""The one-line header every screen shares: month, its state, as-of date, who is acting, mask."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Protocol, cast

from textual.content import Content
from textual.widget import Widget

from staffing_tui.domain.evaluate import is_in_progress
from staffing_tui.domain.months import Month
from staffing_tui.present.labels import month_name, short_month, shown, staff_label
from staffing_tui.store.audit import Identity
from staffing_tui.store.directory import StaffMember

#: App attributes the header shows; it redraws when any of them changes.
WATCHED = ("month", "as_of", "actor", "identity", "masked")

Words = list[str]

#: The screen attribute naming the month whose rows it shows (screens.actions `shown_month`).
SHOWN_MONTH = "shown_month"


class ShownSession(Protocol):
    """What the header reads off the app (the app's reactive attributes, `WATCHED`): a widget
    knows the app only by this shape, never by its class."""

    month: Month | None
    as_of: date | None
    actor: StaffMember | None
    identity: Identity | None
    masked: bool


class ShownMonth(Protocol):
    """A screen showing one month's rows: the header takes the month from it, not from the app."""

    shown_month: Month | None


def month_state(month: Month, as_of: date) -> str:
    return "in progress" if is_in_progress(month, as_of) else "complete"


def left_variants(month: Month | None, as_of: date | None, loading: Month | None = None) -> list[Words]:
    """The month, its state and the as-of date; fullest first: with the app's name, without it,
    with the month abbreviated ("Nov 2026"), then without the as-of date, then the month alone
    (at 80 columns the identity and the mask badge on the right come first, issue 17).

    `month` is the month whose rows are on screen; `loading`, another month asked for and still
    being read: it is named as such, never as the month shown (its rows are not there yet).
    """
    if month is None:
        return [["Staffing", "loading…"], ["loading…"]]
    waiting: Words = []
    short_waiting: Words = []
    if loading is not None and loading != month:
        waiting, short_waiting = [f"loading {month_name(loading)}…"], [f"loading {short_month(loading)}…"]
    if as_of is None:
        return [["Staffing", month_name(month), *waiting], [month_name(month), *waiting],
                [short_month(month), *short_waiting]]
    state, day = month_state(month, as_of), f"as of {as_of.isoformat()}"
    return [["Staffing", month_name(month), state, day, *waiting], [month_name(month), state, day, *waiting],
            [short_month(month), state, day, *short_waiting], [short_month(month), state, *short_waiting],
            [short_month(month), *short_waiting]]


def right_variants(actor: StaffMember | None, me: Identity | None) -> list[Words]:
    """Who is acting and whether that is bound to the OS account (docs/evidence.md "Who acted"); fullest first."""
    if me is None:
        return [[]]  # not looked up yet
    if actor is None:
        if me.verified:
            return [[f"{shown(me.os_user)}: not on the staff list", "browsing only"],
                    [f"{shown(me.os_user)}: browsing only"]]
        return [["browsing only: ctrl+p → Act as…"], ["browsing only"]]
    name = staff_label(actor)
    if me.verified:
        return [[name, str(actor.role), "verified"], [name, "verified"]]
    return [[name, str(actor.role), "identity not verified"], [name, str(actor.role), "not verified"],
            [name, "not verified"]]


def header_variants(month: Month | None, as_of: date | None, actor: StaffMember | None,
                    me: Identity | None, loading: Month | None = None) -> Iterator[tuple[Words, Words]]:
    """The header's words, left and right, from the fullest to the shortest: each step shortens
    one side, the left (the app's name goes first) and the right by turns."""
    lefts, rights = left_variants(month, as_of, loading), right_variants(actor, me)
    left = right = 0
    yield lefts[left], rights[right]
    while left < len(lefts) - 1 or right < len(rights) - 1:
        if right == len(rights) - 1 or (left <= right and left < len(lefts) - 1):
            left += 1
        else:
            right += 1
        yield lefts[left], rights[right]


def header_line(left: Words, right: Words, badge: str, width: int, *, cut_left: bool = False) -> Content:
    """`left` at the left edge; `right` and the badge at the right edge, `width` cells in all.

    With `cut_left`, a left that does not fit is cut (with an ellipsis), never who is acting or the
    mask badge."""
    left_content = Content.assemble((left[0], "bold"), *(f" · {part}" for part in left[1:]))
    right_content = Content.assemble(" · ".join(right), *(("  ", (badge, "bold reverse $warning")) if badge else ()))
    room = width - right_content.cell_length - 1
    if cut_left and left_content.cell_length > room:
        left_content = left_content.truncate(max(room, 1), ellipsis=True)
    gap = max(1, width - left_content.cell_length - right_content.cell_length)
    return Content.assemble(left_content, " " * gap, right_content)


class StaffingHeader(Widget):
    """Month · in progress/complete · as of DATE          Name · role · verified  MASKED"""

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
        if hasattr(self.screen, SHOWN_MONTH):
            self.watch(self.screen, SHOWN_MONTH, lambda _value: self.refresh(), init=False)

    def months(self) -> tuple[Month | None, Month | None]:
        """The month whose rows the screen shows, and the month asked for while it is still being read
        (None: none is). A screen without rows of a month (`SHOWN_MONTH`) shows the app's month."""
        asked = cast(ShownSession, self.app).month
        if not hasattr(self.screen, SHOWN_MONTH):
            return asked, None
        shown_month = cast(ShownMonth, self.screen).shown_month
        if shown_month is None:
            return None, None
        return shown_month, asked if asked != shown_month else None

    def render(self) -> Content:
        app = cast(ShownSession, self.app)
        badge = " MASKED " if app.masked else ""
        width = self.content_region.width or 80
        month, loading = self.months()
        # The first that fits; the shortest has its left part cut with an ellipsis when even it does not.
        left, right = [], []
        for left, right in header_variants(month, app.as_of, app.actor, app.identity, loading):
            line = header_line(left, right, badge, width)
            if line.cell_length <= width:
                return line
        return header_line(left, right, badge, width, cut_left=True).truncate(width, ellipsis=True)
