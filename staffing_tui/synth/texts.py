"""Note texts (`texts.toml`): `{names}` takes `model.names_of(people)`, `{place}` a placement's name."""

from __future__ import annotations

from staffing_tui.domain.enums import Location, Method
from staffing_tui.synth.names import load_pools

#: The hand-made sample's routine visits.
SAMPLE = load_pools("texts.toml", "sample")
#: The generated scales' month-by-month notes.
GENERATED = load_pools("texts.toml", "generated")
#: (method, location or None, text) of a collateral contact: a call or meeting with no member of the case.
GENERATED.collateral = tuple((Method(method), Location(location) if location else None, text)
                             for method, location, text in GENERATED.collateral)
