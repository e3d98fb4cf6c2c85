"""The interpreter's tuning for the app (staffing_tui.perf): the cyclic collector runs between the
user's keys, memory stays bounded, and the process gets its own settings back."""

from __future__ import annotations

import gc

import pytest

from staffing_tui import perf
from staffing_tui.perf import IdleCollector, restore, tuned_for_the_app


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def collector_off():
    settings = tuned_for_the_app()
    try:
        yield
    finally:
        restore(settings)


def allocate(n: int) -> list:
    return [[] for _ in range(n)]  # containers: the collector counts them


def test_the_app_collects_only_once_the_user_stopped_typing(collector_off, monkeypatch):
    monkeypatch.setattr(perf, "GC_THRESHOLD", 100)
    monkeypatch.setattr(perf, "COLLECT_ANYWAY", 10**9)
    clock = Clock()
    collector = IdleCollector(clock)
    gc.collect()
    kept = allocate(1000)
    collector.input()
    clock.now += perf.IDLE_AFTER_S / 2
    assert collector.tick() is None  # a key a moment ago: not now
    clock.now += perf.IDLE_AFTER_S
    assert collector.tick() == 1  # idle, enough allocated: the young generations
    assert collector.tick() is None  # nothing allocated since
    assert kept


def test_the_oldest_generation_is_collected_one_time_in_ten(collector_off, monkeypatch):
    monkeypatch.setattr(perf, "GC_THRESHOLD", 1)
    clock = Clock()
    collector = IdleCollector(clock)
    clock.now += 10
    generations, kept = [], []
    for _ in range(20):
        kept.append(allocate(50))  # kept: freed objects would count back down
        generations.append(collector.tick())
    assert generations.count(2) == 2 and generations.count(1) == 18
    assert generations[9] == 2 and generations[19] == 2


def test_memory_stays_bounded_while_the_user_types_on(collector_off, monkeypatch):
    monkeypatch.setattr(perf, "COLLECT_ANYWAY", 500)
    monkeypatch.setattr(perf, "COLLECT_ALWAYS", 10**9)
    clock = Clock()
    collector = IdleCollector(clock)
    gc.collect()
    kept = allocate(1000)
    collector.input()  # typing, never idle
    assert collector.tick() is None  # the key's work is still being drawn
    clock.now += 2 * perf.QUIET_S  # (not yet idle: IDLE_AFTER_S)
    assert collector.tick() == 1
    assert kept


def test_while_the_user_types_only_the_young_generations_are_collected(collector_off, monkeypatch):
    monkeypatch.setattr(perf, "COLLECT_ANYWAY", 500)
    monkeypatch.setattr(perf, "COLLECT_ALWAYS", 5000)
    monkeypatch.setattr(perf, "GC_THRESHOLD", 100)
    clock = Clock()
    collector = IdleCollector(clock)
    generations, kept = [], []
    for _ in range(20):
        collector.input()  # a key each time; a tick right after it
        kept.append(allocate(6000))
        generations.append(collector.tick())  # past COLLECT_ALWAYS: whenever the timer ticks
    assert generations == [1] * 20  # never the oldest: half a second statewide
    clock.now += 2 * perf.IDLE_AFTER_S
    kept.append(allocate(6000))
    assert collector.tick() == 2  # idle at last: the oldest, its turn overdue


def test_the_app_turns_the_automatic_collector_off_and_gives_it_back():
    assert gc.isenabled()
    settings = tuned_for_the_app()
    try:
        assert not gc.isenabled()
    finally:
        restore(settings)
    assert gc.isenabled()


def test_the_app_gives_its_connections_small_page_caches_and_the_process_its_default_back(tmp_path):
    from staffing_tui.store.connection import APP_PAGE_CACHE_KIB, connect_readonly, open_database
    from tests.builders import small_database

    small_database(tmp_path / "s.db").close()

    def cache_sizes() -> tuple[int, int]:
        db = open_database(tmp_path / "s.db")
        reader = connect_readonly(tmp_path / "s.db")
        try:
            return (db.execute("PRAGMA cache_size").fetchone()[0], reader.execute("PRAGMA cache_size").fetchone()[0])
        finally:
            db.close()
            reader.close()

    default = cache_sizes()
    assert default[0] == default[1] != -APP_PAGE_CACHE_KIB  # SQLite's own (-2000: 2 MB)
    settings = tuned_for_the_app()
    try:
        assert cache_sizes() == (-APP_PAGE_CACHE_KIB, -APP_PAGE_CACHE_KIB)
    finally:
        restore(settings)
    assert cache_sizes() == default
