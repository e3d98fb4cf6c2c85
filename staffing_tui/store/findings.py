"""What `check` reports: one problem, the rule it breaks and a sentence naming records by id.

Its own module so that the data-quality rules (`store.maintenance`) and the evidence rules
(`store.evidence`) share one shape without importing each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from staffing_tui.present.escape import for_terminal_cell


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: the rule it breaks and a sentence naming records by id."""

    rule: str
    message: str

    def __str__(self) -> str:
        # The line `check` prints: the ids it names are data, shown terminal-safe on one line.
        return for_terminal_cell(f"{self.rule}: {self.message}")

    def to_dict(self) -> dict:
        return asdict(self)
