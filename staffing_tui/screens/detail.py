"""One person on one case: a 12-month status strip, then the case's notes, members,
placements, staffing records and next steps.

Everything is read by one thread worker: the case's rows (one evaluation per
month, case-scoped, the same rules as the caseload) and its records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static, TabbedContent, TabPane
from textual.worker import Worker, get_current_worker

from staffing_tui.domain.model import Row
from staffing_tui.domain.months import Month
from staffing_tui.messages import CaseLoaded
from staffing_tui.present.case_facts import (
    assigned_on,
    assignments_label,
    dated_facts_label,
    member_flags,
    reading_day,
)
from staffing_tui.present.labels import (
    HIDDEN,
    NOTHING,
    WHOLE_CASE,
    date_label,
    flags_label,
    goal_label,
    month_name,
    person_label,
    placement_label,
    requirement_label,
    role_label,
    row_reason_label,
    shown,
    status_label,
    words,
)
from staffing_tui.screens.actions import (
    ACTION_BINDINGS,
    HELP_BINDING,
    ActionTarget,
    StaffingActionScreen,
    approval_refusal,
)
from staffing_tui.screens.base import database_at
from staffing_tui.store.caseload import (
    RECENT_NOTES,
    CaseDetail,
    CaseHistory,
    ExceptionLine,
    MemberLine,
    StaffingNoteLine,
    case_detail,
    case_history,
)
from staffing_tui.store.directory import StaffMember
from staffing_tui.widgets.month_strip import MonthStrip
from staffing_tui.widgets.staffing_header import StaffingHeader
from staffing_tui.widgets.key_footer import KeyFooter

#: Status colours for the words in the status line (as in the caseload).
STATUS_STYLE = {
    "unmet": "$text-error bold",
    "due": "$text-warning bold",
    "explained": "$text-primary",
    "excused": "$text-accent",
    "met": "$text-success",
    "not_required": "$text-muted",
}


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def fill_table(table: DataTable, columns: Sequence[str], rows: Iterable[Sequence[Text | str]],
               keys: Iterable[str] | None = None, *, height: int | None = 1) -> int:
    """Replace `table`'s columns and rows; cells become Text (data is never markup), a plain
    string terminal-safe (`shown`: an id or a date read from the database is data too).

    `height` None: each row as tall as its tallest cell (records with a second line).
    """
    table.clear(columns=True)
    table.add_columns(*columns)
    count = 0
    key_list = list(keys) if keys is not None else None
    for index, row in enumerate(rows):
        cells = [cell if isinstance(cell, Text) else Text(shown(cell)) for cell in row]
        table.add_row(*cells, key=key_list[index] if key_list is not None else None, height=height)
        count += 1
    return count


def record_id(record: ExceptionLine | StaffingNoteLine) -> int:
    return record.exception_id if isinstance(record, ExceptionLine) else record.staffing_note_id


@dataclass(frozen=True, slots=True)
class RecordChangeKind:
    """`v` / `w` on the Staffing records tab: which table's record they change, and how."""

    key: str
    table: str  # the records table whose highlighted row is changed
    noun: str  # "exception"
    act: str  # "revoke"
    done: str  # "revoked" → "Exception 3 revoked."
    dialog: str  # its class in `modals.record_change` (imported when first used)

    @property
    def verb(self) -> str:
        """"revoke exceptions" → "only a supervisor … can revoke exceptions"."""
        return f"{self.act} {self.noun}s"


RECORD_CHANGES: dict[str, RecordChangeKind] = {
    "revoke": RecordChangeKind("v", "exceptions-table", "exception", "revoke", "revoked", "RevokeExceptionDialog"),
    "withdraw": RecordChangeKind("w", "staffing-notes-table", "staffing note", "withdraw", "withdrawn",
                                 "WithdrawNoteDialog"),
}
RECORDS_TAB = "tab-records"


class CaseDetailScreen(StaffingActionScreen):
    """A person on a case (or the household, for the case-level row) across twelve months."""

    AUTO_FOCUS = "#notes-table"

    BINDINGS = [
        HELP_BINDING,
        Binding("escape", "back", "Back", id="detail.back", tooltip="Back to the caseload"),
        # Before the staffing keys: at 80 columns the footer shows them on the Staffing records tab.
        Binding("v", "change_record('revoke')", "Revoke", id="detail.revoke",
                tooltip="Revoke an exception from a month on, saying why (Staffing records tab)"),
        Binding("w", "change_record('withdraw')", "Withdraw", id="detail.withdraw",
                tooltip="Withdraw a staffing note recorded in error, saying why (Staffing records tab)"),
        Binding("o", "open_plan", "Plan doc", id="detail.open_plan",
                tooltip="Read the highlighted contact plan's document and export it again (Staffing records tab)"),
        Binding("l", "all_notes", "All notes", id="detail.all_notes",
                tooltip=f"List all the case's notes, not only the latest {RECENT_NOTES} (Notes tab)"),
        *ACTION_BINDINGS,
    ]

    def __init__(self, db_path: Path, specialist: StaffMember, case_id: str, person_id: str | None) -> None:
        super().__init__(db_path)
        self.specialist = specialist
        self.case_id = case_id
        self.person_id = person_id
        self.detail: CaseDetail | None = None
        self.history: CaseHistory | None = None
        self.loaded_month: Month | None = None
        #: `l` asked for every note of the case (else the latest `RECENT_NOTES`)
        self.all_notes = False

    def compose(self) -> ComposeResult:
        yield StaffingHeader()
        with Vertical(id="detail-top"):
            yield Static(id="detail-title")
            yield Static(id="detail-assigned")
            yield Static(id="detail-status")
            yield MonthStrip(id="strip")
        with TabbedContent(id="detail-tabs"):
            with TabPane("Notes", id="tab-notes"):
                yield DataTable(id="notes-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="note-text")
            with TabPane("Members", id="tab-members"):
                yield DataTable(id="members-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="member-facts")
            with TabPane("Placements", id="tab-placements"):
                yield DataTable(id="placements-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Staffing records", id="tab-records"):
                with VerticalScroll(id="records"):
                    for part in ("exceptions", "plans", "staffing-notes"):
                        yield Static(id=f"{part}-heading", classes="records-heading")
                        yield DataTable(id=f"{part}-table", cursor_type="row", classes="records-table")
            with TabPane("Next steps", id="tab-steps"):
                yield DataTable(id="steps-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#detail-title", Static).update(Content(f"Case {shown(self.case_id)} · loading…"))
        self.watch(self.app, "month", self._app_month_changed, init=False)
        self.watch(self.app, "masked", lambda _masked: self._redraw(), init=False)
        self.reload()

    # --- loading ----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="case", name="load the case")
    def _load_case(self, case_id: str, month: Month, note_limit: int | None) -> None:
        with database_at(self.db_path, readonly=True) as db:
            history = case_history(db, case_id, month)
            detail = case_detail(db, case_id, min(month.end, history.as_of), note_limit)
        if not get_current_worker().is_cancelled:
            self.post_message(CaseLoaded(case_id, month, detail, history))

    def reload(self) -> None:
        month = self.staffing_app.month
        if month is None:
            return
        self.query_one("#detail-tabs").loading = self.detail is None
        self._load_case(self.case_id, month, None if self.all_notes else RECENT_NOTES)

    def _app_month_changed(self, month: Month | None) -> None:
        if month is not None and month != self.loaded_month:
            self.reload()

    @on(CaseLoaded)
    def _case_loaded(self, message: CaseLoaded) -> None:
        if message.case_id != self.case_id:
            return
        asked = self.staffing_app.month
        if asked is not None and message.month != asked:
            return  # read for a month asked for before the one now being read
        self.detail, self.history, self.loaded_month = message.detail, message.history, message.month
        self.shown_month = message.month
        self.query_one("#detail-tabs").loading = False
        self._redraw()

    def work_failed(self, worker: Worker) -> None:
        self.query_one("#detail-tabs").loading = False

    # --- drawing ----------------------------------------------------------------

    @property
    def masked(self) -> bool:
        return self.staffing_app.masked

    def person_name(self, person_id: str | None) -> str:
        names = self.detail.names if self.detail else {}
        return person_label(person_id, names, masked=self.masked)

    def staff_name(self, staff_id: str | None) -> str:
        if staff_id is None:
            return NOTHING
        return shown(self.detail.staff_names.get(staff_id, staff_id) if self.detail else staff_id)

    def free_text(self, text: str | None) -> str:
        """Notes and reasons may name people: hidden under the privacy mask."""
        if self.masked:
            return HIDDEN
        return " ".join(shown(text).split()) or NOTHING

    def current_row(self) -> Row | None:
        if self.history is None or self.loaded_month is None:
            return None
        return self.history.row(self.loaded_month, self.person_id)

    def _redraw(self) -> None:
        if self.detail is None or self.history is None or self.loaded_month is None:
            if self.history is not None:
                self.query_one("#detail-title", Static).update(Content(f"There is no case {shown(self.case_id)}."))
            return
        self._draw_top()
        self._draw_notes()
        self._draw_members()
        self._draw_placements()
        self._draw_records()
        self._draw_steps()
        self.refresh_bindings()

    def _draw_top(self) -> None:
        assert self.detail is not None and self.history is not None and self.loaded_month is not None
        detail, month = self.detail, self.loaded_month
        member = detail.member(self.person_id)
        who = self.person_name(self.person_id)
        parts: list[tuple[str, str] | str] = [(who, "bold")]
        if member is not None:
            parts.append(f" · {role_label(member.role)}")
            if member.birth_date is not None and not self.masked:
                parts.append(f" · born {member.birth_date.isoformat()} "
                             f"(age {age_on(member.birth_date, min(month.end, self.history.as_of))})")
        elif self.person_id is None:
            parts.append(" · the case as a whole")
        case = detail.case
        closed = f", closed {case.closed_on.isoformat()}" if case.closed_on else ""
        parts.append(f" — case {shown(case.case_id)} · {words(case.case_type)} · opened {case.opened_on.isoformat()}"
                     f"{closed} · {self.staff_name(self.assigned_specialist())}")
        self.query_one("#detail-title", Static).update(Content.assemble(*parts))
        self._draw_assignments()

        row = self.current_row()
        if row is None:
            status = Content.assemble((month_name(month), "bold"), f": not on case {shown(case.case_id)} this month.")
        else:
            status = Content.assemble(
                (month_name(month), "bold"), ": ",
                (status_label(row.status), STATUS_STYLE[str(row.status)]), " — ", row_reason_label(row, month),
                f" · {requirement_label(row.requirement)}",
                f" · placement: {placement_label(row.placement, masked=self.masked)}" if row.placement else "",
                f" · goal: {goal_label(row.goal)}" if row.goal else "",
                f" · last seen {date_label(row.last_seen, missing='never')}",
                f" · last contact {date_label(row.last_contact, missing='never')}",
                (f" · ⚠ {flags_label(row.integrity_flags)}", "$text-error") if row.integrity_flags else "",
            )
        self.query_one("#detail-status", Static).update(status)
        self.query_one(MonthStrip).show(self.history.strip(self.person_id), month)

    def case_day(self, member: MemberLine | None = None) -> date:
        """The day the case's facts (with `member`, that member's) are read for the month shown."""
        assert self.detail is not None and self.history is not None and self.loaded_month is not None
        return reading_day(self.loaded_month.end, self.history.as_of, self.detail.case.closed_on,
                           member.left_on if member is not None else None)

    def assigned_specialist(self) -> str:
        """Who had the case in the month shown: the rows of that month are credited to them."""
        assert self.detail is not None
        assigned = assigned_on(self.detail.assignments, self.case_day())
        return assigned.specialist_id if assigned is not None else self.detail.case.specialist_id

    def _draw_assignments(self) -> None:
        """The case's assignment history, once it has been transferred (until then the title names
        the one specialist it has had)."""
        assert self.detail is not None
        assignments = self.detail.assignments
        line = self.query_one("#detail-assigned", Static)
        line.display = len(assignments) > 1
        if line.display:
            line.update(Content.assemble(("Assigned: ", "bold"), assignments_label(assignments, self.staff_name)))

    def _set_tab_label(self, pane_id: str, label: str, count: int) -> None:
        self.query_one(TabbedContent).get_tab(pane_id).label = Content(f"{label} ({count})")

    def _draw_notes(self) -> None:
        assert self.detail is not None
        notes = self.detail.notes

        def contacts(contact_ids: tuple[str, ...]) -> Text:
            text = Text()
            for index, person_id in enumerate(contact_ids):
                if index:
                    text.append(", ")
                text.append(self.person_name(person_id), style="bold" if person_id == self.person_id else "")
            return text if contact_ids else Text(NOTHING)

        table = self.query_one("#notes-table", DataTable)
        keep = self.highlighted_note()  # more notes read, or the mask: the cursor stays on its note
        # The text is not a column: cut to fit it said little, and at 80 columns it was off-screen.
        # The highlighted note's whole text is under the table (`_draw_note_text`).
        count = fill_table(
            table,
            ("Date", "Time", "Type", "Method", "Where", "Contact with", "Locate for", "By"),
            (
                (note.day, note.time, words(note.note_type), words(note.method), words(note.location),
                 contacts(note.contact_ids), self.person_name(note.locate_for) if note.locate_for else NOTHING,
                 self.staff_name(note.author_id))
                for note in notes
            ),
            keys=[note.note_id for note in notes],
        )
        total = self.detail.notes_total
        label = f"Notes ({count} of {total})" if total > count else f"Notes ({count})"
        self.query_one(TabbedContent).get_tab("tab-notes").label = Content(label)
        if keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self._draw_note_text(self.highlighted_note())

    def highlighted_note(self) -> str | None:
        table = self.query_one("#notes-table", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted, "#notes-table")
    def _note_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._draw_note_text(event.row_key.value)

    def _draw_note_text(self, note_id: str | None) -> None:
        """The highlighted note's whole text under the table, wrapped to the width; then, when only
        the latest notes are listed, how many there are and the key that lists them all."""
        detail = self.detail
        note = next((n for n in detail.notes if n.note_id == note_id), None) if detail is not None else None
        line = self.query_one("#note-text", Static)
        line.display = detail is not None and (note is not None or detail.notes_total > len(detail.notes))
        if not line.display or detail is None:
            return
        parts: list[tuple[str, str] | str] = []
        if note is not None:
            parts += [(f"{note.day} {note.time} · {self.staff_name(note.author_id)}: ", "bold"),
                      self.free_text(note.text)]
        if detail.notes_total > len(detail.notes):
            parts += ["\n" if parts else "",
                      (f"The latest {len(detail.notes)} of {detail.notes_total} notes; l lists them all.",
                       "$text-muted")]
        line.update(Content.assemble(*parts))

    def action_all_notes(self) -> None:
        if self.detail is None or self.detail.notes_total <= len(self.detail.notes):
            return
        self.all_notes = True
        self.reload()

    def _draw_members(self) -> None:
        assert self.detail is not None and self.history is not None and self.loaded_month is not None
        month = self.loaded_month
        members = self.detail.members

        def status_of(person_id: str) -> Text:
            row = self.history.row(month, person_id) if self.history else None
            if row is None:
                return Text("not on the case this month")
            return Text.assemble(status_label(row.status), " — ", row_reason_label(row, month))

        table = self.query_one("#members-table", DataTable)
        # Redrawn (another month, the mask): the cursor stays on the member it was on; at first, the person shown.
        keep = self.highlighted_member() or self.person_id
        count = fill_table(
            table,
            ("Name", "Role", "Born", "On the case", "Flags", f"{month_name(month)}"),
            (
                (Text(self.person_name(m.person_id), style="bold" if m.person_id == self.person_id else ""),
                 role_label(m.role),
                 NOTHING if self.masked else date_label(m.birth_date),
                 f"{date_label(m.joined_on, missing='from opening')} – {date_label(m.left_on, missing='')}".strip(" –"),
                 ", ".join(member_flags(m, self.case_day(m))) or NOTHING, status_of(m.person_id))
                for m in members
            ),
            keys=[m.person_id for m in members],
        )
        self._set_tab_label("tab-members", "Members", count)
        if keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self._draw_member_facts(self.highlighted_member())

    def highlighted_member(self) -> str | None:
        table = self.query_one("#members-table", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted, "#members-table")
    def _member_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._draw_member_facts(event.row_key.value)

    def _draw_member_facts(self, person_id: str | None) -> None:
        """The highlighted member's dated facts, under the table: when each fact held, and the
        parent's rights child by child (the Flags column says how they stood in the month)."""
        member = self.detail.member(person_id) if self.detail is not None and person_id else None
        line = self.query_one("#member-facts", Static)
        line.display = member is not None
        if member is not None:
            line.update(Content.assemble((self.person_name(member.person_id), "bold"), ": ",
                                         dated_facts_label(member, self.person_name, self.case_day(member))))

    def _draw_placements(self) -> None:
        assert self.detail is not None
        placements = self.detail.placements
        count = fill_table(
            self.query_one("#placements-table", DataTable),
            ("Child", "Type", "Name", "From", "To"),
            (
                (self.person_name(p.child_id), words(p.location_type),
                 NOTHING if self.masked else (p.location_name or NOTHING),
                 date_label(p.start_on), date_label(p.end_on, missing="now"))
                for p in placements
            ),
        )
        self._set_tab_label("tab-placements", "Placements", count)

    def _draw_records(self) -> None:
        assert self.detail is not None
        detail = self.detail
        self._record_section(
            "exceptions", "Exceptions",
            # The state early: at 80 columns it is on screen without scrolling.
            ("#", "Person", "Months", "State", "Category", "Approved by", "Review", "Reason"),
            [
                (str(e.exception_id), self.person_name(e.person_id), f"{e.start_month} – {e.end_month}",
                 self.exception_state(e), words(e.category), self.staff_name(e.approved_by), e.review_on or NOTHING,
                 self.with_why(self.free_text(e.reason)[:60], "why revoked", e.revoked_at, e.revoked_reason))
                for e in detail.exceptions
            ],
            keys=[str(e.exception_id) for e in detail.exceptions],
        )
        self._record_section(
            "plans", "Contact plans",
            ("#", "Parent", "Every", "Methods", "Months", "Review", "Approved by", "State"),
            [
                (str(p.contact_plan_id), self.person_name(p.parent_id),
                 f"{p.frequency_months} month{'s' if p.frequency_months > 1 else ''}",
                 ", ".join(words(m) for m in p.methods), f"{p.start_month} – {p.end_month or 'open'}",
                 p.review_on or NOTHING, self.staff_name(p.approved_by),
                 f"superseded by #{p.superseded_by}" if p.superseded_by else "active")
                for p in detail.plans
            ],
            keys=[str(p.contact_plan_id) for p in detail.plans],
        )
        self._record_section(
            "staffing-notes", "Staffing notes",
            ("#", "Person", "Month", "State", "Reason", "By", "Text"),
            [
                (str(s.staffing_note_id), self.person_name(s.person_id) if s.person_id else WHOLE_CASE, s.month,
                 self.note_state(s), words(s.reason_code), self.staff_name(s.author),
                 self.with_why(self.free_text(s.text)[:80], "why withdrawn", s.withdrawn_at, s.withdrawn_reason))
                for s in detail.staffing_notes
            ],
            keys=[str(s.staffing_note_id) for s in detail.staffing_notes],
        )
        total = len(detail.exceptions) + len(detail.plans) + len(detail.staffing_notes)
        self._set_tab_label("tab-records", "Staffing records", total)

    def exception_state(self, exception: ExceptionLine) -> Text:
        """"approved", or "revoked from M" with who revoked it and when on a second line."""
        if exception.revoked_at is None:
            return Text("approved")
        return self.changed_state(f"revoked from {exception.revoked_from}", exception.revoked_by, exception.revoked_at)

    def note_state(self, note: StaffingNoteLine) -> Text:
        """"recorded", or "withdrawn" with who withdrew it and when on a second line."""
        if note.withdrawn_at is None:
            return Text("recorded")
        return self.changed_state("withdrawn", note.withdrawn_by, note.withdrawn_at)

    def changed_state(self, state: str, by: str | None, at: str) -> Text:
        return Text.assemble((state, "bold"), f"\nby {self.staff_name(by)}, {at[:10]}")

    def with_why(self, text: str, label: str, changed_at: str | None, why: str | None) -> Text:
        """The record's own text, and under it why it was revoked or withdrawn (hidden under the mask)."""
        if changed_at is None:
            return Text(text)
        return Text.assemble(text, "\n", (f"{label}: ", "bold"), self.free_text(why)[:80])

    def _record_section(self, part: str, title: str, columns: Sequence[str], rows: list[Sequence[Text | str]],
                        keys: list[str] | None = None) -> None:
        table = self.query_one(f"#{part}-table", DataTable)
        fill_table(table, columns, rows, keys, height=None)  # a revoked or withdrawn record takes two lines
        table.display = bool(rows)
        heading = f"{title} ({len(rows)})" if rows else f"{title}: none recorded"
        self.query_one(f"#{part}-heading", Static).update(Content.styled(heading, "bold"))

    def _draw_steps(self) -> None:
        assert self.detail is not None
        steps = self.detail.next_steps
        count = fill_table(
            self.query_one("#steps-table", DataTable),
            ("#", "Person", "What", "Due", "Agreed by", "Done"),
            (
                (str(s.next_step_id), self.person_name(s.person_id) if s.person_id else WHOLE_CASE,
                 self.free_text(s.text)[:80], s.due_on, self.staff_name(s.created_by),
                 s.done_at[:10] if s.done_at else "open")
                for s in steps
            ),
        )
        self._set_tab_label("tab-steps", "Next steps", count)

    # --- choosing another member ------------------------------------------------------

    @on(DataTable.RowSelected, "#members-table")
    def _member_selected(self, event: DataTable.RowSelected) -> None:
        person_id = event.row_key.value
        if person_id and person_id != self.person_id:
            self.person_id = person_id
            self._redraw()

    # --- actions ----------------------------------------------------------------

    def action_target(self) -> ActionTarget | None:
        return ActionTarget(self.specialist, self.case_id, self.person_id)

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- a contact plan's document, read and exported again (o, enter on a plan) ---------

    def action_open_plan(self) -> None:
        if self.detail is None or not self.detail.plans:
            self.notify("This case has no contact plan.", severity="warning", markup=False)
            return
        table = self.query_one("#plans-table", DataTable)
        if not table.has_focus:
            table.focus()
        self.open_plan(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    @on(DataTable.RowSelected, "#plans-table")
    def _plan_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_plan(int(event.row_key.value))

    def open_plan(self, plan_id: int) -> None:
        from staffing_tui.modals.plan_document import PlanDocumentScreen  # when first used, as the forms

        self.app.push_screen(PlanDocumentScreen(self.db_path, plan_id, masked=self.masked))

    # --- revoke an exception, withdraw a staffing note (v, w) -------------------------

    def records_shown(self) -> bool:
        return self.query_one(TabbedContent).active == RECORDS_TAB

    @on(TabbedContent.TabActivated, "#detail-tabs")
    def _tab_activated(self) -> None:
        self.refresh_bindings()  # v and w belong to the Staffing records tab

    def records_of(self, kind: str) -> Sequence[ExceptionLine | StaffingNoteLine]:
        """The case's exceptions (`revoke`) or staffing notes (`withdraw`)."""
        if self.detail is None:
            return ()
        return self.detail.exceptions if kind == "revoke" else self.detail.staffing_notes

    def changeable(self, kind: str) -> list[ExceptionLine | StaffingNoteLine]:
        """The case's exceptions not yet revoked, or staffing notes not yet withdrawn."""
        return [record for record in self.records_of(kind) if self.already_changed(record) is None]

    def change_refusal(self, kind: str) -> str | None:
        """Why `v`/`w` cannot run now (None: it can); the key is greyed, and says this when pressed."""
        change = RECORD_CHANGES[kind]
        if self.detail is None:
            return "The case is still being read; try again in a moment."
        app = self.staffing_app
        if (problem := approval_refusal(app.actor, self.specialist, change.verb, app.identity)) is not None:
            return problem
        if not self.changeable(kind):
            return f"No {change.noun} of this case is left to {change.act}."
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_plan":
            if not self.records_shown():
                return False  # not in the footer: it acts on the Staffing records tab
            return True if self.detail is not None and self.detail.plans else None
        if action == "all_notes":  # in the footer while some of the case's notes are not listed
            return self.detail is not None and self.detail.notes_total > len(self.detail.notes)
        if action == "change_record":
            if not self.records_shown():
                return False  # not in the footer: it acts on the Staffing records tab
            return None if self.change_refusal(str(parameters[0])) else True
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        # (Textual calls StaffingActionScreen.on_key too, for the staffing keys.)
        kind = next((kind for kind, change in RECORD_CHANGES.items() if change.key == event.key), None)
        if kind is None:
            return
        if (reason := self.change_refusal(kind)) is not None:
            event.stop()
            self.notify(reason, title="Not available", severity="warning", markup=False)
        elif not self.records_shown():
            event.stop()
            self.choose_record(kind)  # the key says what to do: show where it is done

    def choose_record(self, kind: str) -> None:
        """Show the Staffing records tab with the `kind`'s table focused, and say how to go on."""
        change = RECORD_CHANGES[kind]
        self.query_one(TabbedContent).active = RECORDS_TAB
        table = self.query_one(f"#{change.table}", DataTable)
        if table.display:
            table.focus()
        self.notify(f"Highlight the {change.noun} (↑↓), then press {change.key} to {change.act} it.", markup=False)

    def chosen_record(self, kind: str) -> ExceptionLine | StaffingNoteLine | None:
        """The record highlighted in `kind`'s table."""
        table = self.query_one(f"#{RECORD_CHANGES[kind].table}", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((r for r in self.records_of(kind) if str(record_id(r)) == row_key.value), None)

    def action_change_record(self, kind: str) -> None:
        if (reason := self.change_refusal(kind)) is not None:
            self.notify(reason, title="Not available", severity="warning", markup=False)
            return
        change = RECORD_CHANGES[kind]
        record = self.chosen_record(kind)
        if record is None or not self.query_one(f"#{change.table}", DataTable).has_focus:
            self.choose_record(kind)
            return
        if (done := self.already_changed(record)) is not None:
            self.notify(done, title="Nothing to do", severity="warning", markup=False)
            return
        self.open_change_dialog(change, record)

    def already_changed(self, record: ExceptionLine | StaffingNoteLine) -> str | None:
        """What was done to the record already (None: it is still in force)."""
        if isinstance(record, ExceptionLine) and record.revoked_at is not None:
            return (f"Exception {record.exception_id} was already revoked from {record.revoked_from} by "
                    f"{self.staff_name(record.revoked_by)}.")
        if isinstance(record, StaffingNoteLine) and record.withdrawn_at is not None:
            return (f"Staffing note {record.staffing_note_id} was already withdrawn by "
                    f"{self.staff_name(record.withdrawn_by)} on {record.withdrawn_at[:10]}.")
        return None

    def record_summary(self, record: ExceptionLine | StaffingNoteLine) -> str:
        """Which record the dialog changes, in the words on screen (initials under the mask)."""
        if isinstance(record, ExceptionLine):
            return (f"{self.person_name(record.person_id)} · {words(record.category)} · "
                    f"{record.start_month} – {record.end_month} · approved by {self.staff_name(record.approved_by)}")
        who = self.person_name(record.person_id) if record.person_id else WHOLE_CASE
        return (f"{who} · {record.month} · {words(record.reason_code)} · by {self.staff_name(record.author)}\n"
                f"“{self.free_text(record.text)[:160]}”")

    def open_change_dialog(self, change: RecordChangeKind, record: ExceptionLine | StaffingNoteLine) -> None:
        from staffing_tui.modals import record_change  # imported when first used, as the forms are

        assert self.loaded_month is not None  # a record is shown, so the month is loaded
        app = self.staffing_app
        dialog = getattr(record_change, change.dialog)(record_change.RecordChange(
            self.db_path, app.actor_id, record_id(record), record.version, self.record_summary(record),
            self.loaded_month))

        def closed(saved_id: int | None) -> None:
            if saved_id is not None:
                app.record_saved(change.noun.capitalize(), saved_id, change.done)
            elif dialog.stale:
                self.reload()  # changed by someone else meanwhile: show it as it is now

        app.push_screen(dialog, callback=closed)
