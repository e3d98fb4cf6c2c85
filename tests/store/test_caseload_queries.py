"""Read queries of the caseload and detail screens (staffing_tui.store.caseload), no Textual."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from staffing_tui.domain.enums import Status
from staffing_tui.domain.months import Month
from staffing_tui.store.caseload import (
    CASELOAD_ORDER,
    case_detail,
    case_history,
    caseload_order,
)
from staffing_tui.store.connection import open_database
from staffing_tui.store.evaluation import month_report
from staffing_tui.store.facts import Scope, load_month_facts


def test_caseload_order_is_unseen_then_documented_then_met_then_not_required():
    assert sorted(CASELOAD_ORDER, key=CASELOAD_ORDER.get) == [
        Status.UNMET, Status.DUE, Status.EXPLAINED, Status.EXCUSED, Status.MET, Status.NOT_REQUIRED,
    ]


def test_caseload_order_keeps_the_engine_order_within_a_group(caseload_db: Path):
    db = open_database(caseload_db, readonly=True)
    rows = [r for r in month_report(db, Month(2026, 11)).rows if r.specialist_id == "S1"]
    assert [r.person_id for r in caseload_order(rows)] == ["K1", "K6", "K2", "P1"]


def test_a_case_scope_loads_that_case_only(caseload_db: Path):
    db = open_database(caseload_db, readonly=True)
    facts = load_month_facts(db, Month(2026, 11), date(2026, 11, 18), Scope(case_id="C3"))
    assert [c.case_id for c in facts.cases] == ["C3"]
    assert {m.person_id for m in facts.members} == {"K4", "P2"}
    assert load_month_facts(db, Month(2026, 11), date(2026, 11, 18), Scope(case_id="x' OR '1'='1")).cases == []


def test_the_history_agrees_with_the_month_report_month_by_month(caseload_db: Path):
    db = open_database(caseload_db, readonly=True)
    history = case_history(db, "C1", Month(2026, 11))
    assert list(history.months) == [Month(2025, 12).shift(i) for i in range(12)]
    for month in (Month(2026, 9), Month(2026, 10), Month(2026, 11)):
        expected = [r for r in month_report(db, month).rows if r.case_id == "C1"]
        assert list(history.rows_by_month[month]) == expected
    assert history.rows_by_month[Month(2025, 12)] == ()  # the case opened in January
    assert [row.status if row else None for _, row in history.strip("K6")][-3:] == [
        Status.MET, Status.UNMET, Status.DUE,
    ]


def test_case_detail_reads_members_placements_notes_and_records_up_to_a_day(caseload_db: Path):
    db = open_database(caseload_db, readonly=True)
    detail = case_detail(db, "C1", date(2026, 10, 31))
    assert detail.case.specialist_name == "Ana Alvarez"
    assert [m.person_id for m in detail.members][:3] == ["K2", "K1", "K6"]  # children first, youngest first
    assert [n.note_id for n in detail.notes] == ["N4", "N3"]  # N1 (November) is after the day
    assert detail.notes[1].contact_ids == ("K1", "K2", "K6")
    assert [p.placement_id for p in detail.placements if p.child_id == "K6"] == ["PL5", "PL4"]
    assert [s.person_id for s in detail.staffing_notes] == ["K2"]
    assert detail.names["K6"].display == "Ivy Lane" and detail.staff_names["SV1"] == "Val Vega"
    assert case_detail(db, "NOPE", date(2026, 10, 31)) is None
