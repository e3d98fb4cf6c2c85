"""Where a run of `generate` reports progress (the CLI shows a Rich progress bar; tests pass nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Reports nothing."""

    def phase(self, name: str, total: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def done(self) -> None: ...


class RichProgress(Progress):
    """A Rich progress bar on stderr, one line per phase (stdout stays for the summary)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bars, TextColumn, TimeElapsedColumn

        self._bars = Bars(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self._task = None

    def phase(self, name: str, total: int | None) -> None:
        if self._task is None:
            self._bars.start()
        self._finish_task()
        self._task = self._bars.add_task(name, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._bars.advance(self._task, amount)

    def _finish_task(self) -> None:
        if self._task is not None:
            task = self._bars.tasks[-1]
            self._bars.update(self._task, total=task.total if task.total is not None else max(task.completed, 1),
                              completed=task.total if task.total is not None else max(task.completed, 1))

    def done(self) -> None:
        if self._task is not None:
            self._finish_task()
            self._bars.stop()


def counted(items: Iterable[T], progress: Progress, every: int = 5000) -> Iterator[T]:
    """`items`, advancing `progress` every `every` of them (a call per row would cost seconds)."""
    count = 0
    for item in items:
        yield item
        count += 1
        if count == every:
            progress.advance(count)
            count = 0
    progress.advance(count)
