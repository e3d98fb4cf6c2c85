"""The process tuned for the app, in one place: the garbage collector, the thread switch interval
and SQLite's page cache per connection.

Nothing here changes what the program computes, only how soon. The app tunes the process while it
runs (`tuned_for_the_app`) and gives it back when it closes; while it runs, the cyclic collector
runs when the user is not typing (`IdleCollector`); the month's loader and its evaluation pause the
collector while they build their objects (`paused_gc`). The rules themselves (`domain/`) know
nothing of it.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from staffing_tui.store.connection import APP_PAGE_CACHE_KIB, page_cache_kib, use_page_cache

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


#: The app's collector waits for the user to stop typing this long (`IdleCollector`).
IDLE_AFTER_S = 0.3
#: How often the app's `IdleCollector` looks (a timer on the app).
IDLE_TICK_S = 0.25
#: Objects allocated since the last collection past which the app collects even while the user
#: types (memory stays bounded whatever the user does): once the last key is `QUIET_S` old, when
#: its work is drawn; the young generations only.
COLLECT_ANYWAY = 200_000
#: How long after a key a collection may run while the user types: a key's work (a form, a month,
#: a save) is drawn within about 100 ms; a collection of the young generations takes 50–200 ms
#: statewide, and one in the middle of a key's work made it that much slower (issue 17).
QUIET_S = 0.12
#: Past this many, the young generations are collected whenever the timer ticks.
COLLECT_ALWAYS = 4 * COLLECT_ANYWAY


@dataclass(frozen=True, slots=True)
class ProcessSettings:
    """The process's own values, to give back (`restore`)."""

    switch_interval: float
    gc_threshold: tuple[int, ...]
    gc_enabled: bool = True
    page_cache_kib: int | None = None


def tuned_for_the_app() -> ProcessSettings:
    """Switch threads every millisecond, leave collecting to `IdleCollector`, and give the
    connections opened from now on small page caches (`APP_PAGE_CACHE_KIB`); returns the values
    before."""
    before = ProcessSettings(sys.getswitchinterval(), gc.get_threshold(), gc.isenabled(), page_cache_kib())
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.set_threshold(GC_THRESHOLD, *before.gc_threshold[1:])
    gc.disable()
    use_page_cache(APP_PAGE_CACHE_KIB)
    return before


def restore(settings: ProcessSettings) -> None:
    """Give the process its own values back (it may go on: tests, a host program)."""
    sys.setswitchinterval(settings.switch_interval)
    gc.set_threshold(*settings.gc_threshold)
    if settings.gc_enabled:
        gc.enable()
    use_page_cache(settings.page_cache_kib)


class IdleCollector:
    """The app's cyclic garbage collection, run between the user's keys rather than during them.

    Left to itself the collector ran in the middle of a key's work: a form's widgets, a caseload's
    rows and their styles are tens of thousands of objects, and a collection of the middle
    generation took 20–50 ms on the statewide database (measured with `gc.callbacks` while forms
    opened), a third of the time to draw a form. So the automatic collector is off while the app
    runs (`tuned_for_the_app`), and `tick` (on a timer) collects once no key or click came for
    `IDLE_AFTER_S`: the young generations each time enough was allocated, the oldest one time in
    ten, as Python would. Past `COLLECT_ANYWAY` objects it collects the young generations anyway,
    once the last key's work is drawn (`QUIET_S`), so memory stays bounded however long the user
    types. Reference counting frees everything else at once.
    """

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._young = 0

    def input(self) -> None:
        """A key or a click came: the user is at work."""
        self._last_input = self._clock()

    @property
    def idle(self) -> bool:
        """No key or click came for `IDLE_AFTER_S`."""
        return self._clock() - self._last_input >= IDLE_AFTER_S

    def tick(self) -> int | None:
        """Collect if it is time; the generation collected, or None. The oldest generation (all of
        the month's objects: half a second statewide) only while the user is idle."""
        allocated = gc.get_count()[0]
        quiet_for = self._clock() - self._last_input
        if quiet_for >= IDLE_AFTER_S and allocated >= GC_THRESHOLD:
            generation = 2 if self._young >= 9 else 1
        elif (allocated >= COLLECT_ANYWAY and quiet_for >= QUIET_S) or allocated >= COLLECT_ALWAYS:
            generation = 1
        else:
            return None
        self._young = 0 if generation == 2 else self._young + 1
        gc.collect(generation)
        return generation


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
