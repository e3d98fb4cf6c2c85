"""Issue 14 acceptance: a Hypothesis property over every function that turns data into text.

For any strings in the names, ids, placement names and free text they are given (an older
database may hold anything), no output holds a control character other than newline: the
Markdown, CSV and JSON reports, the agenda, the history text, the plan document and its HTML,
the federal Markdown, the CLI's lists and error lines, `check`'s lines and the app's labels.
And a hostile name never makes Markdown active: no link, image or HTML, no shifted column.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from staffing_tui import cli
from staffing_tui.domain.enums import CaseType, Flag, Goal, LocationType, Reason, Requirement, Role, Status
from staffing_tui.domain.federal import FederalMeasure
from staffing_tui.domain.model import PlacementView, Row
from staffing_tui.domain.months import Month
from staffing_tui.present import history as history_render
from staffing_tui.present import labels
from staffing_tui.present.agenda import agenda_to_dict, agenda_to_markdown
from staffing_tui.present.federal import federal_to_markdown
from staffing_tui.present.plan import ChildLine, PlanDocumentData, markdown_to_html, render_plan_markdown
from staffing_tui.present.report import report_to_csv, report_to_json, report_to_markdown
from staffing_tui.store.agenda import Agenda
from staffing_tui.store.directory import PersonName, StaffMember, Unit
from staffing_tui.store.evaluation import MonthReport
from staffing_tui.store.findings import Finding
from staffing_tui.store.history import AuditEntry, ColumnChange, ImportChanges, ImportEntry, RowChange, Trail
from tests.builders import small_database
from tests.present.strategies import ANY_CONTROL, controls_but_newline, hostile_text

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")  # raw HTML on: escaping must hold anyway
MONTH = Month(2026, 10)


def hostile_row(text: str, status: Status = Status.UNMET) -> Row:
    return Row(f"C{text}", f"K{text}", Role.CHILD, CaseType.DEPENDENCY, f"U{text}", f"S{text}",
               Requirement.MONTHLY_FACE_TO_FACE, status, Reason.NOT_SEEN, date(2026, 10, 3), None,
               PlacementView(LocationType.FOSTER_HOME, f"Home {text}", date(2026, 1, 1)), Goal.REUNIFICATION,
               flags=(Flag.DUPLICATE_NOTE, Flag.RECORDED_AFTER_MONTH))


def hostile_report(text: str) -> tuple[MonthReport, dict[str, str]]:
    rows = [hostile_row(text), hostile_row(text, Status.MET)]
    names = {f"K{text}": text, f"S{text}": text, f"U{text}": text}
    return MonthReport(MONTH, date(2026, 11, 10), False, f"U{text}", f"S{text}", rows), names


def hostile_agenda(text: str) -> Agenda:
    report, names = hostile_report(text)
    record = {"case_id": f"C{text}", "person_id": f"K{text}", "parent_id": f"A{text}", "category": text,
              "contact_plan_id": 1, "exception_id": 2, "next_step_id": 3, "review_on": text, "end_month": text,
              "due_on": text, "text": text, "reason": text, "arrangements": text}
    return Agenda(f"S{text}", report, names, not_seen=report.rows[:1], due=report.rows[:1],
                  plans_missing=report.rows[:1], plans_to_review=[record], exceptions_to_review=[record],
                  next_steps=[record], flagged=report.rows[:1])


def hostile_history(text: str) -> tuple[list[ImportEntry], ImportChanges, Trail]:
    entry = ImportEntry(1, text, text, text, False, text, {text: text}, {text: {"inserted": 1}}, 1, text)
    columns = (ColumnChange(text, text, text + "x"), ColumnChange(text, private=True), ColumnChange(text, None, text))
    change = RowChange(1, 1, text, text, (text, text), columns, text)
    audit = AuditEntry(1, text, text, text, True, text, text, text, columns, created=True, case_id=text)
    return [entry], ImportChanges(entry, [change]), Trail(text, [audit, change])


def hostile_plan(text: str) -> PlanDocumentData:
    return PlanDocumentData(
        plan_id=1, case_id=f"C{text}", case_type=text, specialist=text, unit=text, parent_name=text,
        parent_role=text, rights=text, whereabouts=text, incarcerated=False,
        children=[ChildLine(text, text, text), ChildLine("Kit", "adoption", "kinship since 2026-01-01")],
        methods=("phone", text), arrangements=text, start_month=text, end_month=text, review_on=text,
        approved_by=text, approved_at=text, exception_note=text,
    )


def printed_list(rows: list[dict], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli._print_list(argparse.Namespace(format="text"), rows, columns)
    return out.getvalue()


def printed_error(db: Path, text: str) -> str:
    """What `main` prints on stderr when the value the user typed names nobody (exit 2)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["agenda", "--db", str(db), f"--specialist={text}", "--month", "2026-10"]) == 2
    return err.getvalue()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("renderers") / "records.db"
    small_database(path).close()
    return path


def text_outputs(text: str, db: Path) -> dict[str, str]:
    """Every text the program makes from data holding `text`, by what makes it."""
    report, names = hostile_report(text)
    agenda = hostile_agenda(text)
    entries, changes, trail = hostile_history(text)
    plan = render_plan_markdown(hostile_plan(text))
    person = PersonName(f"K{text}", text, text)
    member, unit = StaffMember(f"S{text}", text, "specialist", None), Unit(f"U{text}", text, text)
    row = hostile_row(text)
    return {
        "report md": report_to_markdown(report, names),
        "report csv": report_to_csv(report),
        "report json": report_to_json(report),
        "agenda md": agenda_to_markdown(agenda),
        "agenda json": json.dumps(agenda_to_dict(agenda), default=str),
        "history imports": history_render.imports_text(entries),
        "history import": history_render.import_changes_text(changes),
        "history trail": history_render.trail_text(trail),
        "plan md": plan,
        "plan html": markdown_to_html(plan, title=text),
        "federal md": federal_to_markdown(FederalMeasure(2026, date(2026, 11, 1), [MONTH]), f"U{text}"),
        "list": printed_list([{"a": text, "b": 1, "c": None}], ("a", "b", "c")),
        "error": printed_error(db, text),
        "check line": str(Finding(text, text)),
        "label person": labels.person_label(person.person_id, {person.person_id: person}),
        "label initials": labels.person_label(person.person_id, {person.person_id: person}, masked=True),
        "label unknown person": labels.person_label(text, {}),
        "label placement": labels.placement_label(row.placement),
        "label staff": labels.staff_label(member),
        "label unit": labels.unit_label(unit),
        "label words": labels.words(text),
        "label shown": labels.shown(text),
    }


@pytest.mark.slow
@PROPERTY
@given(text=hostile_text)
def test_no_text_the_program_makes_holds_a_control_character_but_newline(db, text):
    for what, output in text_outputs(text, db).items():
        assert controls_but_newline(output) == [], what


@pytest.mark.slow
@PROPERTY
@given(text=hostile_text)
def test_lines_of_lists_errors_and_checks_stay_one_line_each(db, text):
    outputs = text_outputs(text, db)
    assert "\n" not in outputs["check line"]
    assert len(outputs["list"].splitlines()) == 2  # the header and the one row, whatever the text
    assert len(outputs["error"].splitlines()) == 1 and outputs["error"].startswith("error: ")


@PROPERTY
@given(st.text(st.characters(codec=None), max_size=8), hostile_text)
def test_the_masks_initials_are_letters(first, last):
    initials = PersonName("P1", first, last).initials
    assert initials == "P1" or re.fullmatch(r"\w\.( \w\.)?", initials)
    assert not ANY_CONTROL.search(initials)


def element_names(html: str) -> set[str]:
    return set(re.findall(r"<\s*([A-Za-z][\w-]*)", html))


@PROPERTY
@given(hostile_text)
def test_a_hostile_name_makes_no_markdown_element_and_shifts_no_column(text):
    report, names = hostile_report(text)
    for markdown in (report_to_markdown(report, names), agenda_to_markdown(hostile_agenda(text)),
                     render_plan_markdown(hostile_plan(text))):
        rendered = MARKDOWN.render(markdown)
        assert element_names(rendered) <= {"h1", "h2", "p", "strong", "em", "ul", "li", "table", "thead", "tbody",
                                           "tr", "th", "td", "br", "pre", "code"}, rendered
        for table in re.findall(r"<table>.*?</table>", rendered, flags=re.S):
            widths = {row.count("<td>") + row.count("<th>") for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
            assert len(widths) == 1, table  # every row as wide as the header


@PROPERTY
@given(hostile_text)
def test_the_plan_page_fetches_links_and_runs_nothing(text):
    page = markdown_to_html(render_plan_markdown(hostile_plan(text)) + "\n\n" + text, title=text)
    assert not re.search(r"<\s*(script|img|a|iframe|object|embed|link|svg)\b", page, flags=re.I)
    assert not re.search(r"<[^>]*\s(on\w+|src|href)\s*=", page, flags=re.I)
    assert "javascript:" not in re.sub(r">[^<]*<", "><", page)  # only in text, never in a tag
