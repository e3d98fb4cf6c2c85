"""The footer of every screen: Textual's, drawn again only when what it shows changes.

Textual's `Footer` composes its keys again at every change of the screen's bindings: each focus
move, each `refresh_bindings()`. Opening a form moved the focus and refreshed the bindings a
dozen times, and each time the footer's keys were removed, mounted and styled again — a large
part of the form's first draw and of a save's return to the caseload (`benchmarks/run.py`,
form open and save). This one compares what it would show (each key, its description, whether
it is enabled, its tooltip) with what it shows, and composes again only when they differ, at
most once per refresh.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A `Footer` that composes its keys again only when they change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None
        self._pending = False

    def _visible(self) -> tuple:
        """What the footer would show now."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip, binding.group)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        ) + (self.app.ENABLE_COMMAND_PALETTE and self.show_command_palette,)

    def compose(self):
        if self._bindings_ready:
            self._shown = self._visible()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if self.is_attached and self._visible() != self._shown:
            await self.recompose()
