"""The interpreter tuned for speed, in one place: the garbage collector and the thread switch interval.

Nothing here changes what the program computes, only how soon. The app tunes the process while it
runs (`tuned_for_the_app`) and gives it back when it closes; the month's loader and its evaluation
pause the collector while they build their objects (`paused_gc`). The rules themselves
(`domain/`) know nothing of it.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: How long a thread may hold the interpreter lock while another waits (Python's default: 5 ms).
#: Workers read SQLite in many short calls, each giving the interpreter lock up and taking it
#: back; at 5 ms every take-back waits out a busy UI thread (and the UI waits out a busy worker).
#: Measured: the first units of a statewide month next to a thread that never rests took
#: 3.5–8 s at 5 ms, 0.6 s at 1 ms.
SWITCH_INTERVAL_S = 0.001

#: Objects allocated before the garbage collector runs (Python's default: 700; Python 3.13's 2,000).
#: The month cache keeps hundreds of thousands of objects alive statewide; at 700, building a
#: screen (the reports' tables) set off full collections walking all of them. Measured on the
#: statewide database: opening the reports took 1.4–1.8 s, 0.5–0.8 s of it collecting; at 10,000,
#: 0.9 s and 0.1 s.
GC_THRESHOLD = 10_000


@dataclass(frozen=True, slots=True)
class ProcessSettings:
    """The process's own values, to give back (`restore`)."""

    switch_interval: float
    gc_threshold: tuple[int, ...]


def tuned_for_the_app() -> ProcessSettings:
    """Switch threads every millisecond and collect less often; returns the values before."""
    before = ProcessSettings(sys.getswitchinterval(), gc.get_threshold())
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.set_threshold(GC_THRESHOLD, *before.gc_threshold[1:])
    return before


def restore(settings: ProcessSettings) -> None:
    """Give the process its own values back (it may go on: tests, a host program)."""
    sys.setswitchinterval(settings.switch_interval)
    gc.set_threshold(*settings.gc_threshold)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a month's facts and rows are built.

    They are tens of thousands of small acyclic objects; the collections their
    allocation triggers would each walk everything built so far (a quarter of a
    statewide evaluation). Reference counting still frees them; the collector
    resumes afterwards (unless it was off already).

    On the way out they are moved to the oldest generation in one step
    (`gc.freeze()` then `gc.unfreeze()`): left in the youngest, the first
    collection after the pause would walk them all (about a tenth of a
    statewide evaluation). Cyclic garbage among them, if any, still goes at
    the next full collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
