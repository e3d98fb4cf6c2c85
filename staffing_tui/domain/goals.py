"""Permanency goals in effect and the parent's goal class (docs/policy.md "Requirements")."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from staffing_tui.domain.enums import Goal
from staffing_tui.domain.model import GoalFacts


def goal_on(goals: Sequence[GoalFacts], day: date) -> Goal:
    """The goal in effect on `day`: the latest effective on or before it; none = reunification."""
    current: GoalFacts | None = None
    for goal in goals:
        if goal.effective_on <= day and (current is None or goal.effective_on > current.effective_on):
            current = goal
    return current.goal if current else Goal.REUNIFICATION
