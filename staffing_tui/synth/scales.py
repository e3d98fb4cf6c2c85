"""The scales `staffing-tui generate --scale` knows: what each builds, anchored where, recorded how.

`demo`, `unit` and `statewide` are the generated agency (`families.py`, notes by
`simulate.py`) at three sizes, ending on 2026-10-20; `sample` is the hand-made
agency of `sample.db` (`scenarios.py`), ending on 2026-11-18.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pendulum

from staffing_tui.errors import UserError
from staffing_tui.synth import sample_builder
from staffing_tui.synth.families import GeneratedAgency, Size
from staffing_tui.synth.model import TIMEZONE, Agency, Ids, Numbering
from staffing_tui.synth.sample_builder import SampleBuilder
from staffing_tui.synth.scenarios import sample_agency

#: The last day of the generated history (`meta.as_of`): October 2026 is the month in progress.
AS_OF = date(2026, 10, 20)
#: The operating-system user recorded in the audit log of a generated agency.
OS_USER = "staffing-tui-generate"


@dataclass(frozen=True, slots=True)
class Scale:
    """What `generate --scale NAME` builds."""

    name: str
    #: the importer's "now" (no note after it); its day is the data's `meta.as_of`
    now: pendulum.DateTime
    os_user: str
    ids: Ids
    #: a file kept in the repository: its state token pinned to its content, no WAL beside it,
    #: vacuumed, so that a rebuild is byte-for-byte the same file
    shipped: bool

    @property
    def as_of(self) -> date:
        return self.now.date()

    def check_months(self, months: int | None) -> None:
        """Refuse (UserError) a `--months` this scale cannot build."""

    def plan(self, seed: int, months: int | None) -> Agency:
        raise NotImplementedError

    def source(self, seed: int, agency: Agency) -> str:
        """The import's `source`, as `imports` records it."""
        raise NotImplementedError

    def meta(self, seed: int, agency: Agency) -> dict[str, str]:
        return {"as_of": self.as_of.isoformat()}


@dataclass(frozen=True, slots=True)
class GeneratedScale(Scale):
    size: Size

    def check_months(self, months: int | None) -> None:
        if months is not None and not 1 <= months <= 120:
            raise UserError(f"--months {months}: choose between 1 and 120 months of history.")

    def plan(self, seed: int, months: int | None) -> GeneratedAgency:
        return GeneratedAgency(self.size, seed, months, self.as_of).plan()

    def source(self, seed: int, agency: GeneratedAgency) -> str:
        return f"staffing-tui generate --scale {self.name} --seed {seed} --months {agency.months_count}"

    def meta(self, seed: int, agency: GeneratedAgency) -> dict[str, str]:
        generated = {"scale": self.name, "seed": seed, "months": agency.months_count}
        return {"as_of": self.as_of.isoformat(), "generated": json.dumps(generated)}


@dataclass(frozen=True, slots=True)
class SampleScale(Scale):
    def check_months(self, months: int | None) -> None:
        if months is not None:
            raise UserError(f"--months {months}: the sample's history is fixed (October 2025 to November 2026); "
                            "leave --months out with --scale sample.")

    def plan(self, seed: int, months: int | None) -> SampleBuilder:
        return sample_agency(seed)

    def source(self, seed: int, agency: SampleBuilder) -> str:
        # The shipped file has always named its builder (the wrapper that still rebuilds it).
        return f"db/build_sample.py (seed {seed})"


def _generated(name: str, size: Size) -> GeneratedScale:
    ids = Ids(case=Numbering("C%06d"), person=Numbering("P%07d"), placement=Numbering("PL%07d"), note=Numbering("N%07d"))
    now = pendulum.datetime(AS_OF.year, AS_OF.month, AS_OF.day, 18, 0, tz=TIMEZONE)
    return GeneratedScale(name, now, OS_USER, ids, shipped=False, size=size)


SAMPLE = SampleScale(
    "sample", sample_builder.NOW, sample_builder.OS_USER,
    Ids(case=Numbering("C%d", 1000), person=Numbering("P%d", 2000), placement=Numbering("PL%04d"),
        note=Numbering("N%05d")),
    shipped=True)

SCALES: dict[str, Scale] = {
    "demo": _generated("demo", Size(units=3, specialists_per_unit=4, children=240, months=12, regions=2)),
    "unit": _generated("unit", Size(units=1, specialists_per_unit=6, children=80, months=36, regions=1)),
    "statewide": _generated("statewide", Size(units=250, specialists_per_unit=6, children=20_000, months=36,
                                              regions=10)),
    "sample": SAMPLE,
}
