"""The command line (SPEC §5). Every command calls the store/domain, never the UI.

Exit status: 0 success, 2 bad input (one sentence on stderr, nothing
written), 1 unexpected (a short message; no traceback reaches the user).
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from staffing_tui.domain.months import Month
from staffing_tui.errors import UserError

log = logging.getLogger("staffing_tui")

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that answers bad usage with one sentence and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message} (see `{self.prog} --help`).")


def month_arg(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


# --- commands -------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from staffing_tui.store.connection import open_database

    path = Path(args.db)
    if path.exists():
        raise UserError(f"{path} already exists; choose a new path (init never overwrites a database).")
    open_database(path, create=True).close()
    print(f"created {path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from staffing_tui.store.connection import open_database
    from staffing_tui.store.importer import import_directory

    directory = Path(args.directory)
    if not directory.is_dir():
        raise UserError(f"{directory} is not a directory of CSV files.")
    db = open_database(args.db, create=True)
    try:
        summary = import_directory(db, directory)
    finally:
        db.close()
    loaded = ", ".join(f"{table} {count}" for table, count in summary.counts.items() if count)
    print(f"imported {loaded or 'nothing'}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from staffing_tui import render
    from staffing_tui.store.connection import open_database
    from staffing_tui.store.evaluation import month_report, report_names

    db = open_database(args.db)
    try:
        _check_scope(db, args.unit, args.specialist)
        report = month_report(db, args.month, args.as_of, args.unit, args.specialist)
        if args.format == "json":
            text = render.report_to_json(report)
        elif args.format == "csv":
            text = render.report_to_csv(report)
        else:
            text = render.report_to_markdown(report, report_names(db, report))
    finally:
        db.close()
    sys.stdout.write(text)
    return EXIT_OK


def _check_scope(db, unit_id: str | None, specialist_id: str | None) -> None:
    if unit_id is not None and not db.execute("SELECT 1 FROM units WHERE unit_id = ?", [unit_id]).fetchone():
        raise UserError(f"--unit {unit_id}: there is no such unit in this database.")
    if specialist_id is not None and not db.execute(
        "SELECT 1 FROM staff WHERE staff_id = ?", [specialist_id]
    ).fetchone():
        raise UserError(f"--specialist {specialist_id}: there is no such staff member in this database.")


def cmd_app(args: argparse.Namespace) -> int:
    from staffing_tui.app import run_app
    from staffing_tui.sample import working_copy_of_sample

    db_path = Path(args.database) if args.database else working_copy_of_sample()
    if not db_path.exists():
        raise UserError(f"There is no database at {db_path}; create one with `staffing-tui init --db {db_path}`.")
    return run_app(db_path, as_staff=args.as_staff, month=args.month)


# --- parser -----------------------------------------------------------------------

COMMANDS = ("init", "import", "report")


def build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = _Parser(prog="staffing-tui", description="Monthly visit-requirement staffing for unit supervisors.")
    if command is None or command not in COMMANDS:
        # `staffing-tui [DB] [--as STAFF_ID] [--month YYYY-MM]` opens the app.
        parser.add_argument("database", nargs="?", help="database file (default: a working copy of the bundled sample.db)")
        parser.add_argument("--as", dest="as_staff", metavar="STAFF_ID", help="the acting user (decides what you may approve)")
        parser.add_argument("--month", type=month_arg, help="month to open (YYYY-MM)")
        parser.epilog = "commands: " + ", ".join(COMMANDS) + " (run `staffing-tui COMMAND --help`)"
        parser.set_defaults(handler=cmd_app)
        return parser
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("init", help="create an empty database at the current schema")
    p.add_argument("--db", required=True, metavar="PATH")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("import", help="load a directory of CSV files (SPEC §3)")
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--db", required=True, metavar="PATH")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("report", help="who was (not) seen in a month, and why")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM")
    p.add_argument("--as-of", type=date_arg, metavar="DATE")
    p.add_argument("--unit", metavar="ID")
    p.add_argument("--specialist", metavar="ID")
    p.add_argument("--format", choices=("json", "csv", "md"), default="md")
    p.set_defaults(handler=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    try:
        args = build_parser(command).parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for detail in exc.details:
            print(detail, file=sys.stderr)
        return exc.exit_status
    except sqlite3.Error as exc:
        from staffing_tui.store.connection import describe_sqlite_error

        print(f"error: {describe_sqlite_error(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        log.debug("unexpected error", exc_info=True)
        print(f"error: unexpected {type(exc).__name__}; please report it with the command you ran.", file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    raise SystemExit(main())
