"""Fictional names (`names.toml`) and the two ways the agencies draw first names from them."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterable
from importlib.resources import files
from types import SimpleNamespace


def load_pools(resource: str, agency: str) -> SimpleNamespace:
    """One agency's table of a TOML file beside this module: lists become tuples (rng.choice
    draws from them), tables dicts of tuples."""
    table = tomllib.loads(files(__package__).joinpath(resource).read_text(encoding="utf-8"))[agency]

    def frozen(value):
        if isinstance(value, dict):
            return {key: frozen(item) for key, item in value.items()}
        if isinstance(value, list):
            return tuple(frozen(item) for item in value)
        return value

    return SimpleNamespace(**{key: frozen(value) for key, value in table.items()})


#: The hand-made sample's names (sample.db).
SAMPLE = load_pools("names.toml", "sample")
#: The generated scales' names.
GENERATED = load_pools("names.toml", "generated")


class NameQueue:
    """Names in a shuffled order, each reused only after all the others have been (the sample:
    a small agency where two families sharing a surname would look like a data error)."""

    def __init__(self, names: Iterable[str], rng: random.Random) -> None:
        self._queue = list(names)
        rng.shuffle(self._queue)

    def take(self, avoid: Iterable[str] = ()) -> str:
        avoid = set(avoid)
        name = next(n for n in reversed(self._queue) if n not in avoid)
        self._queue.remove(name)
        self._queue.insert(0, name)
        return name


def draw_first_name(rng: random.Random, pool: tuple[str, ...], avoid: Iterable[str]) -> str:
    """A first name from `pool`, drawn again (three times at most) while a sibling has it."""
    avoid = list(avoid)
    first = rng.choice(pool)
    for _ in range(3):
        if first not in avoid:
            break
        first = rng.choice(pool)
    return first
