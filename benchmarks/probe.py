"""The app probes of `benchmarks/run.py`, each run in a fresh process by it:

    python benchmarks/probe.py hello|app|keys|interactions|reports --db PATH --as-staff ID [--runs N] [--started T]

Each prints one line of JSON (latencies, peak RSS) for `run.py` to read. This module imports only
what the probes need (no `statistics`, `shutil`, `argparse` …): a probe's memory is the app's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Terminal size for the headless app runs (the same as `run.SIZE`).
SIZE = (160, 48)


class Args:
    """The probe's arguments: kind, --db, --as-staff, --runs, --started (parsed by hand: see above)."""

    def __init__(self, argv: list[str]) -> None:
        self.probe = argv[0]
        options = dict(zip(argv[1::2], argv[2::2]))
        self.db = options.get("--db")
        self.as_staff = options.get("--as-staff")
        self.runs = int(options.get("--runs", "1"))
        self.started = options.get("--started")


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program (`VmHWM`).

    Not `getrusage(RUSAGE_SELF).ru_maxrss`: Linux carries the peak of the process that started this
    one across `exec` (`subprocess` starts a probe from this script's own process, by then holding
    the earlier figures' data), so the probe's figure read 98 MB for an app whose own peak was 60 MB.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PaintClock:
    """Records when the screen is painted, and what `probe()` said at that moment."""

    def __init__(self, app, probe) -> None:
        self.paints: list[tuple[float, object]] = []
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is not None:
                self.paints.append((time.perf_counter(), probe()))

        app._display = display

    def first(self, after: float, accept) -> float | None:
        for at, seen in self.paints:
            if at >= after and accept(seen):
                return at
        return None


async def _wait(predicate, timeout: float = 600.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.001)


async def _settle(app, pilot) -> None:
    """Let start-up work still under way (looking up the acting user) finish before the app closes."""
    await _wait(lambda: getattr(app, "actor", True) is not None, timeout=30)
    await pilot.pause()


def _caseload(app):
    from textual.widgets import DataTable

    tables = [t for t in app.screen.query(DataTable) if t.id == "caseload"] or list(app.screen.query(DataTable))
    return tables[0] if tables else None


def _rows_shown(app) -> tuple[str | None, int]:
    table = _caseload(app)
    specialist = getattr(app.screen, "specialist", None)
    return (getattr(specialist, "staff_id", None), table.row_count if table is not None else 0)


async def _first_caseload(app, pilot) -> None:
    """Wait for the month, then show the first specialist of the tree (as a user's first Enter does)."""
    await _wait(lambda: getattr(app.screen, "evaluation", None) is not None or _rows_shown(app)[1] > 0)
    if _rows_shown(app)[1] == 0:
        evaluation = app.screen.evaluation
        with_rows = [m for m, _unit in evaluation.specialists() if evaluation.rows_of(m.staff_id)]
        app.screen.select_specialist(with_rows[0].staff_id)
    await _wait(lambda: _rows_shown(app)[1] > 0)


async def _fully_loaded(app, pilot) -> None:
    """Wait until the whole database is evaluated (the first paint shows the first units only)."""
    await _wait(lambda: getattr(app.screen.evaluation, "complete", True))
    await pilot.pause()


def probe(args: Args) -> None:
    """Run inside a fresh process: report the cold start or key press latencies as JSON."""
    started_wall = float(args.started) if args.started else time.time()
    now_wall, now_perf = time.time(), time.perf_counter()

    def wall(perf: float) -> float:
        return now_wall + (perf - now_perf)

    async def hello() -> None:
        sys.path.insert(0, str(HERE))
        from hello import HelloTable
        from textual.widgets import DataTable

        app = HelloTable()
        async with app.run_test(size=SIZE) as pilot:
            clock = PaintClock(app, lambda: app.query_one(DataTable).row_count)
            await _wait(lambda: clock.first(0, lambda rows: rows > 0) is not None)
            print(json.dumps({"painted_after": wall(clock.first(0, lambda rows: rows > 0)) - started_wall}))
            await pilot.pause()

    async def app_start() -> None:
        from staffing_tui.app import build_app

        app = build_app(args.db, as_staff=args.as_staff)
        async with app.run_test(size=SIZE) as pilot:
            clock = PaintClock(app, lambda: _rows_shown(app)[1])
            await _first_caseload(app, pilot)
            await _wait(lambda: clock.first(0, lambda rows: rows > 0) is not None)
            print(json.dumps({"painted_after": wall(clock.first(0, lambda rows: rows > 0)) - started_wall}))
            await _settle(app, pilot)

    async def keys() -> None:
        from staffing_tui.app import build_app

        app = build_app(args.db, as_staff=args.as_staff)
        async with app.run_test(size=SIZE) as pilot:
            clock = PaintClock(app, lambda: _rows_shown(app))
            await _first_caseload(app, pilot)
            await _fully_loaded(app, pilot)  # key presses in steady state, not racing the background work
            tree = app.screen.query_one("#units")
            first = _rows_shown(app)[0]
            tree.focus()
            tree.move_cursor(tree.find_specialist(first))
            await pilot.pause()
            latencies, rows = [], []
            for n in range(args.runs):
                before = _rows_shown(app)[0]
                key = "down" if n % 2 == 0 else "up"
                pressed = time.perf_counter()
                await pilot.press(key)
                await _wait(lambda: _rows_shown(app)[0] != before)
                await _wait(lambda: clock.first(pressed, lambda seen: seen[0] != before) is not None)
                latencies.append(clock.first(pressed, lambda seen: seen[0] != before) - pressed)
                rows.append(_rows_shown(app)[1])
                await pilot.pause()
            print(json.dumps({"latencies": latencies, "rows": max(rows)}))
            await _settle(app, pilot)

    async def interactions() -> None:
        """Month change, form open, save → row refreshed, palette result: key to painted, `args.runs`
        presses each, in steady state (the whole month evaluated before each press); then the peak RSS."""
        from textual.command import CommandList, CommandPalette

        from staffing_tui.app import build_app
        from staffing_tui.modals.form_base import StaffingForm
        from staffing_tui.screens.staffing import StaffingScreen

        app = build_app(args.db, as_staff=args.as_staff)

        def state():
            screen = app.screen
            if isinstance(screen, StaffingScreen):
                evaluation = screen.evaluation
                table = _caseload(app)
                return ("staffing", id(evaluation), evaluation.month if evaluation else None,
                        table.row_count if table is not None else 0)
            if isinstance(screen, StaffingForm):
                return ("form", screen.setup is not None)
            if isinstance(screen, CommandPalette):
                found = screen.query(CommandList)
                return ("palette", screen.query_one("Input").value, found.first().option_count if found else 0)
            return (type(screen).__name__,)

        async def timed(press, accept, settle=None) -> float:
            pressed = time.perf_counter()
            await press()
            await _wait(lambda: clock.first(pressed, accept) is not None, timeout=60)
            latency = clock.first(pressed, accept) - pressed
            if settle is not None:
                await settle()
            await pilot.pause()
            return latency

        async with app.run_test(size=SIZE) as pilot:
            clock = PaintClock(app, state)
            await _first_caseload(app, pilot)
            await _fully_loaded(app, pilot)
            screen = app.screen
            table = _caseload(app)
            table.focus()
            await pilot.pause()
            result: dict[str, list[float]] = {"month": [], "form": [], "save": [], "palette": []}

            async def complete() -> None:
                await _wait(lambda: isinstance(app.screen, StaffingScreen) and app.screen.evaluation is not None
                            and app.screen.evaluation.complete)

            # Month change: back and forth between the month shown and the one before.
            shown = screen.evaluation.month
            for n in range(args.runs):
                target = shown.previous() if n % 2 == 0 else shown
                key = "left_square_bracket" if n % 2 == 0 else "right_square_bracket"
                result["month"].append(await timed(
                    lambda key=key: pilot.press(key),
                    lambda seen, target=target: seen[0] == "staffing" and seen[2] == target and seen[3] > 0,
                    complete))
            # Form open: a staffing note on the row under the cursor, then escape.
            for n in range(args.runs):
                result["form"].append(await timed(lambda: pilot.press("n"),
                                                  lambda seen: seen == ("form", True)))
                await pilot.press("escape")
                await _wait(lambda: isinstance(app.screen, StaffingScreen))
                await pilot.press("down")
                await pilot.pause()
            # Save → row refreshed: a staffing note on the next row each time (on a copy of the database).
            for n in range(args.runs):
                # A row no staffing note explains yet (one note per person and month); a caseload
                # with fewer free rows than presses measures the ones it has.
                form = None
                for _row in range(max(table.row_count, 1)):
                    await pilot.press("n")
                    await _wait(lambda: isinstance(app.screen, StaffingForm) and app.screen.setup is not None)
                    await pilot.pause()
                    if getattr(app.screen, "existing", None) is None:
                        form = app.screen
                        break
                    await pilot.press("escape")
                    await _wait(lambda: isinstance(app.screen, StaffingScreen))
                    table.focus()
                    table.move_cursor(row=(table.cursor_row + 1) % max(table.row_count, 1))
                    await pilot.pause()
                if form is None:
                    break
                if form.setup.not_allowed:
                    raise RuntimeError(f"the staffing note form refuses: {form.setup.not_allowed}")
                form.query_one("#reason-code").value = "other"
                form.query_one("#text").text = f"Benchmark note {n}"
                await pilot.pause()
                before = id(screen.evaluation)
                result["save"].append(await timed(
                    lambda: pilot.press("ctrl+s"),
                    lambda seen, before=before: seen[0] == "staffing" and seen[1] != before and seen[3] > 0,
                    complete))
                await pilot.press("down")
                await pilot.pause()
            # Palette: ctrl+p, a specialist's name typed, the last key to the hits painted.
            names = [m.name for m, _unit in screen.evaluation.specialists()][:args.runs]
            for n in range(args.runs):
                query = names[n % len(names)].split()[-1][:5].lower()
                await pilot.press("ctrl+p")
                await _wait(lambda: isinstance(app.screen, CommandPalette))
                await pilot.press(*query[:-1])
                await pilot.pause()
                result["palette"].append(await timed(
                    lambda last=query[-1]: pilot.press(last),
                    lambda seen, query=query: seen[0] == "palette" and seen[1] == query and seen[2] > 0))
                await pilot.press("escape")
                await _wait(lambda: isinstance(app.screen, StaffingScreen))
            result["rss_mb"] = peak_rss_mb()
            print(json.dumps(result))
            await _settle(app, pilot)

    async def reports() -> None:
        """A fresh app, the whole month evaluated: `r` to the reports with the twelve-month trend painted."""
        from staffing_tui.app import build_app
        from staffing_tui.screens.reports import ReportsScreen

        app = build_app(args.db, as_staff=args.as_staff)

        def state():
            screen = app.screen
            data = getattr(screen, "data", None) if isinstance(screen, ReportsScreen) else None
            return data is not None and data.trend is not None

        async with app.run_test(size=SIZE) as pilot:
            clock = PaintClock(app, state)
            await _first_caseload(app, pilot)
            await _fully_loaded(app, pilot)
            rss = peak_rss_mb()
            pressed = time.perf_counter()
            await pilot.press("r")
            await _wait(lambda: clock.first(pressed, bool) is not None, timeout=120)
            print(json.dumps({"trend": clock.first(pressed, bool) - pressed, "rss_mb": rss}))
            await _settle(app, pilot)

    asyncio.run({"hello": hello, "app": app_start, "keys": keys, "interactions": interactions,
                 "reports": reports}[args.probe]())


if __name__ == "__main__":
    probe(Args(sys.argv[1:]))
