"""Read queries of the caseload and detail screens (staffing_tui.store.caseload), no Textual."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from staffing_tui.domain.enums import MemberFact, Status
from staffing_tui.domain.months import Month
from staffing_tui.store.caseload import (
    CASELOAD_ORDER,
    Assignment,
    ChildLink,
    FactPeriod,
    assignment_history,
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


def test_assignment_history_lists_each_assignment_in_start_order(dated_facts_db: Path):
    db = open_database(dated_facts_db, readonly=True)
    assert assignment_history(db, "C1") == (
        Assignment("S2", date(2026, 1, 5), date(2026, 6, 30)),
        Assignment("S1", date(2026, 7, 1), None),
    )
    detail = case_detail(db, "C1", date(2026, 11, 18))
    assert detail.assignments == assignment_history(db, "C1")
    assert detail.staff_names["S2"] == "Ben Brooks"  # named, though no note or record of his is listed


def test_a_case_without_assignment_rows_is_its_specialists_since_it_opened(caseload_db: Path):
    db = open_database(caseload_db, readonly=True)
    assert assignment_history(db, "C1") == (Assignment("S1", date(2026, 1, 5), None),)
    assert assignment_history(db, "NOPE") == ()


def test_case_detail_reads_each_members_dated_facts_with_one_query_per_kind(dated_facts_db: Path):
    db = open_database(dated_facts_db, readonly=True)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    detail = case_detail(db, "C1", date(2026, 11, 18))
    db.conn.set_trace_callback(None)
    pat = detail.member("P1")
    assert pat.periods == (
        FactPeriod(MemberFact.RESIDES_IN_HOME, date(2026, 1, 5), date(2026, 4, 30)),
        FactPeriod(MemberFact.WHEREABOUTS_UNKNOWN, date(2026, 5, 10), date(2026, 6, 20)),
        FactPeriod(MemberFact.INCARCERATED, date(2026, 8, 3), date(2026, 10, 14)),
        FactPeriod(MemberFact.RESIDES_IN_HOME, date(2026, 11, 16), None),
    )
    assert pat.children == (
        ChildLink("K1", None), ChildLink("K2", date(2026, 7, 1)), ChildLink("K6", None),
    )
    assert detail.member("K6").periods == () and detail.member("K6").children == ()
    assert sum("FROM member_periods" in sql for sql in statements) == 1
    assert sum("FROM parent_child" in sql for sql in statements) == 1
