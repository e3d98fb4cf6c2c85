"""Processes the reliability tests start: writers that acknowledge each committed record.

Run as `python -m tests.reliability.workers MODE ...` from the repository root.
Each write goes through the real command line (`staffing_tui.cli.main`) in
this process; after it returns 0 the record's id is printed and flushed —
that line is the acknowledgement the tests hold the database to.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

from staffing_tui.cli import main as cli_main
from staffing_tui.domain.months import Month

REASON = "Parent is in residential treatment; visits limited by the program."


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(list(argv))
    return code, out.getvalue(), err.getvalue()


def exception_add(db: str, actor: str, case: str, person: str, month: Month) -> list[str]:
    return ["exception", "add", "--db", db, "--as", actor, "--case", case, "--person", person,
            "--category", "other", "--reason", REASON, "--from", str(month), "--to", str(month),
            "--review-on", month.start.isoformat()]


def note_add(db: str, actor: str, case: str, person: str, month: Month, n: int) -> list[str]:
    return ["note", "add", "--db", db, "--as", actor, "--case", case, "--person", person,
            "--month", str(month), "--reason-code", "scheduling", "--text", f"Write {n} from {person}."]


def wait_for(go: Path) -> None:
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.002)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("mixed", "notes"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--as", dest="actor", required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--person", required=True)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--first-month", default="2026-01")
    parser.add_argument("--go", help="start writing once this file exists")
    args = parser.parse_args()
    if args.go:
        wait_for(Path(args.go))
    month = Month.parse(args.first_month)
    print(f"start {time.time():.6f}", flush=True)
    n = 0
    while args.count <= 0 or n < args.count:
        if args.mode == "mixed" and n % 2 == 0:
            table, argv = "exceptions", exception_add(args.db, args.actor, args.case, args.person, month)
            month = month.next()
        else:
            # One staffing note per person and month: each note for the next month.
            table, argv = "staffing_notes", note_add(args.db, args.actor, args.case, args.person,
                                                     Month.parse(args.first_month).shift(n), n)
        code, out, err = run_cli(*argv)
        if code != 0:
            print(f"fail {code} {err.strip()}", flush=True)
            return 1
        print(f"ack {table} {out.strip()}", flush=True)
        n += 1
    print(f"end {time.time():.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
