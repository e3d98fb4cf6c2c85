"""The 12-month trend of unseen children per unit (staffing_tui.store.trends), no Textual.

Database: the app's forms fixture (tests/builders.py `build_forms_db`), November 2026 as of
2026-11-18: one child not seen without a reason in North Unit (U1), four in South Unit (U2).
"""

from __future__ import annotations

from staffing_tui.domain.months import Month
from staffing_tui.store import trends
from staffing_tui.store.connection import open_database
from staffing_tui.store.evaluation import month_counts
from tests.conftest import NOVEMBER


def test_unseen_trend_counts_each_month_once_for_every_unit(forms_db, monkeypatch):
    evaluated: list[Month] = []
    real = trends.month_counts

    def counting(db, month, as_of=None, *args, **kwargs):
        evaluated.append(month)
        return real(db, month, as_of, *args, **kwargs)

    monkeypatch.setattr(trends, "month_counts", counting)
    db = open_database(forms_db)
    try:
        known = real(db, NOVEMBER)
        steps: list[tuple[int, int]] = []
        trend = trends.unseen_trend(db, ["U1", "U2", "U9"], NOVEMBER, known=[known],
                                    progress=lambda done, total: steps.append((done, total)))
    finally:
        db.close()
    assert len(evaluated) == 11 and NOVEMBER not in evaluated  # November reused, not evaluated again
    assert steps == [(done, 11) for done in range(1, 12)]
    assert trend.months[0] == Month(2025, 12) and trend.months[-1] == NOVEMBER
    assert trend.counts("U2")[-1] == 4 and trend.counts("U1")[-1] == 1
    assert trend.counts("U9") == (0,) * 12


def test_the_trend_counts_only_the_months_it_has_to_evaluate(forms_db):
    from staffing_tui.store.month_cache import MONTH_CACHE

    MONTH_CACHE.clear()
    db = open_database(forms_db)
    try:
        known = month_counts(db, NOVEMBER)
        for month in (Month(2026, 10), Month(2026, 6)):
            month_counts(db, month, known.as_of)  # kept already: served, not counted
        steps: list[tuple[int, int]] = []
        trends.unseen_trend(db, ["U1"], NOVEMBER, known=[known],
                            progress=lambda done, total: steps.append((done, total)))
    finally:
        db.close()
        MONTH_CACHE.clear()
    assert steps == [(done, 9) for done in range(1, 10)]
