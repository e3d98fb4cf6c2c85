"""Issue 14 §4 — `domain.limits`: whatever is typed, a parser answers with a value inside the
window or a ValueError whose sentence says what to write — never another exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing_tui.domain.limits import (
    FIRST_DAY, FIRST_MONTH, LARGEST_ID, LAST_DAY, LAST_MONTH, parse_day, parse_month, parse_record_id, parse_year,
)

TYPED = st.one_of(st.text(max_size=40), st.from_regex(r"-?\d{1,30}(-\d{1,3}){0,2}", fullmatch=True))


@given(TYPED)
def test_any_typed_text_is_a_value_in_the_window_or_one_sentence(text):
    for parse, low, high in ((parse_day, FIRST_DAY, LAST_DAY), (parse_month, FIRST_MONTH, LAST_MONTH),
                             (parse_year, FIRST_DAY.year, LAST_DAY.year), (parse_record_id, 1, LARGEST_ID)):
        try:
            value = parse(text)
        except ValueError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 200
        else:
            assert low <= value <= high


@pytest.mark.parametrize("parse, inside, outside", [
    (parse_day, ["1900-01-01", "2200-12-31"], ["1899-12-31", "2201-01-01", "0001-01-01", "9999-12-31"]),
    (parse_month, ["1900-01", "2200-12"], ["1899-12", "2201-01", "0000-01"]),
    (parse_year, ["1900", "2200"], ["1899", "2201", "0", "-1"]),
    (parse_record_id, ["1", str(LARGEST_ID)], ["0", "-1", str(LARGEST_ID + 1), "1e3", "²", "9" * 5000]),
])
def test_the_window_includes_its_edges_and_nothing_beyond(parse, inside, outside):
    for text in inside:
        parse(text)
    for text in outside:
        with pytest.raises(ValueError):
            parse(text)


def test_a_typed_value_repr_writes_long_is_still_echoed_short():
    """Thirty characters that repr writes as ten each (found by Hypothesis): the sentence stays short."""
    with pytest.raises(ValueError) as refused:
        parse_record_id("\U0010ffff" * 30)
    assert len(str(refused.value)) < 200
