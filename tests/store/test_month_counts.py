"""A month counted per unit and specialist (`evaluation.month_counts`, `kept_month_counts`): what the
badges, the reports' summaries and the trend show, read from the month kept in the database and
held by the process while the data stays in one state.

Database: the caseload fixture (tests/conftest.py), November 2026 as of 2026-11-18.
"""

from __future__ import annotations

from pathlib import Path

from staffing_tui.store.audit import resolve_actor
from staffing_tui.store.connection import default_as_of, open_database
from staffing_tui.store.evaluation import counts_of, kept_month_counts, month_counts
from staffing_tui.store.kept_months import forget_kept, keep_recent_months
from staffing_tui.store.month_cache import MONTH_CACHE, evaluated
from staffing_tui.store.facts import Scope
from staffing_tui.store.records import ExceptionRequest, create_exception
from tests.conftest import NOVEMBER


def fresh_counts(db, as_of):
    return counts_of(NOVEMBER, as_of, evaluated(db, NOVEMBER, as_of, Scope()))


def test_kept_counts_equal_the_evaluated_month_and_follow_a_save(caseload_db: Path):
    MONTH_CACHE.clear()
    db = open_database(caseload_db)
    try:
        as_of = default_as_of(db)
        keep_recent_months(db)
        before = kept_month_counts(db, NOVEMBER, as_of)
        assert before is not None and before.by_pair == fresh_counts(db, as_of).by_pair
        assert before.specialist("S1").excused == 0
        create_exception(db, resolve_actor(db, "SV1"), ExceptionRequest(
            "C1", "K1", "child_in_treatment", "Residential treatment limits visits this month.", NOVEMBER, NOVEMBER))
        after = kept_month_counts(db, NOVEMBER, as_of)  # the save moved the kept month: counted again
        assert after is not None and after.specialist("S1").excused == 1
        assert after.by_pair == fresh_counts(db, as_of).by_pair
    finally:
        db.close()
        MONTH_CACHE.clear()


def test_nothing_kept_means_no_counts_at_once_and_keeping_makes_them_so(caseload_db: Path):
    MONTH_CACHE.clear()
    db = open_database(caseload_db)
    try:
        as_of = default_as_of(db)
        forget_kept(db)
        assert kept_month_counts(db, NOVEMBER, as_of) is None  # not remembered as "none"
        counted = month_counts(db, NOVEMBER, as_of, keep=True)  # evaluated, and kept for the next reader
        MONTH_CACHE.clear()
        assert kept_month_counts(db, NOVEMBER, as_of) == counted
    finally:
        db.close()
        MONTH_CACHE.clear()


def test_a_saved_case_is_evaluated_once_and_again_only_when_saved_again(caseload_db: Path, monkeypatch):
    import staffing_tui.store.kept_months as kept_months

    MONTH_CACHE.clear()
    evaluated_cases: list[frozenset[str]] = []
    real = kept_months.evaluated

    def counting(db, month, as_of, scope, *args, **kwargs):
        if scope.case_ids is not None:  # (keeping the months evaluates them whole)
            evaluated_cases.append(scope.case_ids)
        return real(db, month, as_of, scope, *args, **kwargs)

    monkeypatch.setattr(kept_months, "evaluated", counting)
    db = open_database(caseload_db)
    try:
        as_of = default_as_of(db)
        keep_recent_months(db)
        actor = resolve_actor(db, "SV1")
        create_exception(db, actor, ExceptionRequest(
            "C1", "K1", "child_in_treatment", "Residential treatment limits visits this month.", NOVEMBER, NOVEMBER))
        kept_month_counts(db, NOVEMBER, as_of)
        assert evaluated_cases == [frozenset({"C1"})]
        create_exception(db, actor, ExceptionRequest(
            "C2", "K3", "child_in_treatment", "Residential treatment limits visits this month.", NOVEMBER, NOVEMBER))
        after = kept_month_counts(db, NOVEMBER, as_of)
        assert evaluated_cases == [frozenset({"C1"}), frozenset({"C2"})]  # C1's rows stood: only C2 saved
        assert after.by_pair == fresh_counts(db, as_of).by_pair
        create_exception(db, actor, ExceptionRequest(
            "C1", "K2", "child_in_treatment", "Residential treatment limits visits this month.", NOVEMBER, NOVEMBER))
        again = kept_month_counts(db, NOVEMBER, as_of)
        assert evaluated_cases[-1] == frozenset({"C1"})  # saved again: evaluated again
        assert again.by_pair == fresh_counts(db, as_of).by_pair
    finally:
        db.close()
        MONTH_CACHE.clear()
