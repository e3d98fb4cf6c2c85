"""The federal caseworker-visit measure as JSON-ready data and as Markdown (`staffing-tui federal`)."""

from __future__ import annotations

from staffing_tui.domain.federal import RESIDENCE_STANDARD, VISIT_STANDARD, FederalMeasure
from staffing_tui.present.escape import for_markdown_cell


def percent(value: float | None) -> str:
    """A rate as people read it: "96.2%", or "n/a" when there is nothing to divide by."""
    return f"{value:.1%}" if value is not None else "n/a"


def federal_to_dict(measure: FederalMeasure, unit_id: str | None = None) -> dict:
    def pct(value: float | None) -> float | None:
        return round(value, 4) if value is not None else None

    return {
        "ffy": measure.ffy,
        "as_of": measure.as_of.isoformat(),
        "scope": {"unit_id": unit_id},
        "months": [str(m) for m in measure.months],
        "children": measure.children,
        "full_months": measure.full_months,
        "visited_months": measure.visited_months,
        "visit_rate": pct(measure.visit_rate),
        "visit_standard": VISIT_STANDARD,
        "meets_visit_standard": measure.meets_visit_standard,
        "residence_months": measure.residence_months,
        "residence_rate": pct(measure.residence_rate),
        "residence_standard": RESIDENCE_STANDARD,
        "meets_residence_standard": measure.meets_residence_standard,
        "by_month": measure.by_month,
    }


def federal_to_markdown(measure: FederalMeasure, unit_id: str | None = None) -> str:
    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("meets" if ok else "below")

    months = f"{measure.months[0]}–{measure.months[-1]}" if measure.months else "no complete month yet"
    scope = f", unit {for_markdown_cell(unit_id)}" if unit_id else ""
    lines = [
        f"# Federal caseworker-visit measure — FFY {measure.ffy}{scope}",
        "",
        f"As of {measure.as_of.isoformat()}; complete months {months}.",
        "",
        "| measure | value | standard | |",
        "|---|---|---|---|",
        f"| children in out-of-home care ≥ 1 full month | {measure.children} | | |",
        f"| full months | {measure.full_months} | | |",
        f"| visit rate (visited ÷ full months) | {percent(measure.visit_rate)} ({measure.visited_months}/{measure.full_months}) "
        f"| {VISIT_STANDARD:.0%} | {verdict(measure.meets_visit_standard)} |",
        f"| residence rate (at residence ÷ visited) | {percent(measure.residence_rate)} "
        f"({measure.residence_months}/{measure.visited_months}) | {RESIDENCE_STANDARD:.0%} "
        f"| {verdict(measure.meets_residence_standard)} |",
        "",
    ]
    return "\n".join(lines)
