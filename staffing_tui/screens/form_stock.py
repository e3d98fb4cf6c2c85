"""The staffing forms, and one of them made ready before it is asked for (issue 17: a form opens in
under 100 ms on the statewide database).

Most of the time to open a form went to Textual composing, styling and mounting its forty widgets
(60–80 ms of 130–190 ms on the benchmark machine), the same every time, whatever the form is for.
So while the supervisor reads the caseload, `FormStock` composes and mounts one form out of sight:
of the kind last opened, for the month shown (none before the first form is opened: its modules
and widgets are memory a supervisor who only looks never needs).
Asked for that kind, the form takes its specialist, case and person (`FormContext`), reads its
data and is shown, already composed. Its layout depends only on the month and the privacy mask
(`compose_key`); a held form for another month or mask is thrown away and a new one built.

A held form has never been shown, so nothing typed can linger in it: each form object is shown
at most once, and closed like any other (Textual removes a screen when it is dismissed). A form
taken and then not shown (the user moved on while it read its data) is removed (`discard`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen

from staffing_tui.domain.months import Month
from staffing_tui.modals.context import FormContext

if TYPE_CHECKING:
    from staffing_tui.modals.form_base import StaffingForm


def form_of(kind: str) -> type[Screen[Any]]:
    """The modal screen of the action `kind` ("exception", "plan", "note", "step", "agenda"), opened
    with a `FormContext`.

    Imported here, when a form is first opened, not when the app starts: the forms and the agenda
    (Textual's Markdown viewer, pygments) took 0.2 s of the app's 0.4 s import (measured with
    `python -X importtime`; `benchmarks/run.py --only app` for the cold start).
    """
    from staffing_tui.modals.agenda import AgendaScreen
    from staffing_tui.modals.exception_form import ExceptionForm
    from staffing_tui.modals.note_form import StaffingNoteForm
    from staffing_tui.modals.plan_form import ContactPlanForm
    from staffing_tui.modals.step_form import NextStepForm

    forms: dict[str, type[Screen[Any]]] = {"exception": ExceptionForm, "plan": ContactPlanForm,
                                            "note": StaffingNoteForm, "step": NextStepForm, "agenda": AgendaScreen}
    return forms[kind]


def compose_key(kind: str, ctx: FormContext) -> tuple[str, Month, bool]:
    """What a form's widgets depend on when composed: its kind, the month (the default months of an
    exception or a plan) and the privacy mask (the plan's preview). Specialist, case and person
    are filled in when it is shown."""
    return (kind, ctx.month, ctx.masked)


class FormStock:
    """At most one staffing form composed and mounted in advance, not shown (see the module)."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._held: StaffingForm | None = None
        #: What the held form was composed for: `compose_key` and the app's theme (a held form is
        #: not restyled when the theme changes: it is not on the screen stack).
        self._key: tuple[tuple[str, Month, bool], str] | None = None
        #: The kind last opened: the one made ready next. None before any form was opened: until
        #: the supervisor records something, no form module is imported and none is held (the
        #: app's memory on a statewide database stays under 60 MB; a held form is about 5 MB).
        self.kind: str | None = None

    @property
    def held(self) -> StaffingForm | None:
        return self._held

    def take(self, kind: str, ctx: FormContext) -> Screen[Any]:
        """The form of `kind` for `ctx`: the held one when it fits (it leaves the stock), else a new one."""
        self.kind = kind
        made = form_of(kind)
        held, self._held = self._held, None
        if held is not None and type(held) is made and self._key == self._key_of(kind, ctx):
            held.ctx = ctx
            return held
        if held is not None:
            self.discard(held)
        return made(ctx)

    def prepare(self, ctx: FormContext) -> None:
        """Compose and mount a form of the kind last opened for `ctx`'s month and mask, unless one is
        held already. Takes the UI thread for as long as composing a form does: call it when the
        user is not typing (the app's idle tick) or right after a form closed."""
        if self.kind is None:
            return
        from staffing_tui.modals.form_base import StaffingForm

        key = self._key_of(self.kind, ctx)
        if self._held is not None and self._key == key:
            return
        made = form_of(self.kind)
        if not issubclass(made, StaffingForm):  # the agenda: nothing to compose in advance
            return
        form = made(ctx)
        if self._held is not None:
            self.discard(self._held)
        form.held = True
        self._held, self._key = form, key
        # Mounted as a child of the app without being pushed: composed, styled and idle (Textual
        # lays a screen out and draws it only while it is the current one). `push_screen` then
        # finds it running and shows it as it is.
        self._app._register(self._app, form)

    def _key_of(self, kind: str, ctx: FormContext) -> tuple[tuple[str, Month, bool], str]:
        return compose_key(kind, ctx), self._app.theme

    def discard(self, form: Screen[Any]) -> None:
        """Remove a form that was mounted (held) but will not be shown."""
        if form is self._held:
            self._held = None
        if form.is_attached:
            form.remove()
