"""The command line (README.md "Command line"). Every command calls the store/domain, never the UI.

Exit status: 0 success, 2 bad input (one sentence on stderr, nothing
written), 75 busy (another user is writing; nothing was written, try again),
3 `check` found problems, 74 the answer could not be written to standard
output (after a write: saved, and stderr says as what — do not run it again),
1 unexpected (a short message; no traceback reaches the user).
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import Callable, Sequence

from staffing_tui.domain import limits
from staffing_tui.domain.months import Month
from staffing_tui.errors import SavedNotPrinted, UserError

log = logging.getLogger("staffing_tui")

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT, EXIT_PROBLEMS_FOUND, EXIT_IO_ERROR, EXIT_BUSY = 0, 1, 2, 3, 74, 75


class _Parser(argparse.ArgumentParser):
    """argparse that answers bad usage with one sentence and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message} (see `{self.prog} --help`).")


def _argument_type(parse: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a parser of `domain.limits`: its ValueError becomes the usage error."""
    def convert(text: str) -> object:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


# Every date, month, year and id is range-checked here, at the edge (`domain.limits`).
month_arg = _argument_type(limits.parse_month)
date_arg = _argument_type(limits.parse_day)
year_arg = _argument_type(limits.parse_year)
record_id_arg = _argument_type(limits.parse_record_id)
version_arg = _argument_type(lambda text: limits.parse_record_id(text, "version number"))


def _parse_timestamp(text: str) -> str:
    """A UTC time as the records carry it (`2026-11-18T14:03:00`), for `agenda --since`."""
    import re
    from datetime import datetime

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", text.strip()):
        try:
            return datetime.fromisoformat(text.strip()).isoformat(timespec="seconds")
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a time; give it as YYYY-MM-DDTHH:MM (UTC), e.g. 2026-11-18T14:00")


timestamp_arg = _argument_type(_parse_timestamp)


# --- commands -------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from staffing_tui.store.connection import open_database

    path = Path(args.db)
    if path.exists() or path.is_symlink():
        raise UserError(f"{path} already exists; choose a new path (init never overwrites a database).")
    if args.group:
        from staffing_tui.store.connection import create_shared_database_file

        create_shared_database_file(path, args.group)
    open_database(path, create=True).close()
    shared = f" (shared with group {args.group})" if args.group else ""
    _print_committed(f"created {path}{shared}\n", f"created {path}", "the confirmation")
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
    _print_committed(f"imported {loaded or 'nothing'}\n", f"imported (import {summary.import_id})", "the summary")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from staffing_tui.present import report as render
    from staffing_tui.store.connection import open_database
    from staffing_tui.store.directory import check_scope
    from staffing_tui.store.evaluation import month_report, report_names, resolve_as_of

    db = open_database(args.db, readonly=True)
    try:
        check_scope(db, args.unit, args.specialist)
        text = None
        if args.format == "json" and not args.mask:
            # A month kept in the database and current prints from its kept rows, byte for byte
            # the evaluated report (store.kept_months); None: evaluate.
            from staffing_tui.store.kept_months import report_json

            text = report_json(db, args.month, resolve_as_of(db, args.month, args.as_of), args.unit, args.specialist)
        if text is None:
            report = month_report(db, args.month, args.as_of, args.unit, args.specialist)
            names = report_names(db, report, masked=args.mask) if args.format in ("md", "html") else {}
            if args.mask:
                report = render.masked_report(report)
            text = render.report_export(report, names, args.format)
    finally:
        db.close()
    _emit(args, text)
    return EXIT_OK


def cmd_prepare(args: argparse.Namespace) -> int:
    import time

    from staffing_tui.domain.months import Month
    from staffing_tui.store.connection import default_as_of, open_database
    from staffing_tui.store.kept_months import keep_recent_months

    started = time.perf_counter()
    db = open_database(args.db)  # a read-only file: one sentence, exit 2 (nothing can be kept in it)
    try:
        as_of = args.as_of or default_as_of(db)
        kept = keep_recent_months(db, args.months, as_of)
    finally:
        db.close()
    last = Month.of(as_of)
    span = f"{last.shift(1 - args.months)} to {last}" if args.months > 1 else str(last)
    _print_committed(f"kept {kept} of {args.months} months ({span}) as of {as_of.isoformat()} "
                     f"in {time.perf_counter() - started:.1f} s\n", f"kept {kept} months", "the summary")
    return EXIT_OK


def _months_arg(text: str) -> int:
    try:
        months = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of months") from None
    if not 1 <= months <= 36:
        raise argparse.ArgumentTypeError(f"{months} months: give 1 to 36")
    return months


def _emit(args: argparse.Namespace, text: str) -> None:
    """Print `text`, or with `--out FILE` write it as an owner-only (0600) file: a new one, or an
    existing regular file with `--force`; never the database's own files, a link, pipe or device."""
    if not getattr(args, "out", None):
        sys.stdout.write(text)
        return
    from staffing_tui.exports import write_private_text

    out = Path(args.out)
    write_private_text(out, text, replace=args.force, database=Path(args.db))
    _print_committed(f"{out}\n", f"exported to {out}", "the file name")


def cmd_generate(args: argparse.Namespace) -> int:
    from staffing_tui.synth.progress import RichProgress
    from staffing_tui.synth.write import generate_database, summary_line

    summary = generate_database(args.db, args.scale, args.seed, months=args.months, progress=RichProgress())
    _print_committed(f"{summary_line(summary)}\n", f"generated {args.db}", "the summary")
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    if args.reset_sample:
        return cmd_reset_sample(args)
    from staffing_tui.app import run_app

    # No DB → a working copy of the bundled sample.db (the shipped file stays pristine).
    return run_app(args.database, as_staff=args.as_staff, month=args.month)


def cmd_reset_sample(args: argparse.Namespace) -> int:
    """`staffing-tui --reset-sample`: a fresh working copy of the sample, the previous one kept aside."""
    from staffing_tui.sample import reset_sample

    if args.database or args.as_staff or args.month:
        raise UserError("--reset-sample only replaces the working copy of the bundled sample; "
                        "give it no database, --as or --month.")
    print(reset_sample().describe())
    return EXIT_OK


# --- record commands (issue: staffing records) --------------------------------------

#: Databases a command opened; `main` closes them all, so the WAL is checkpointed into
#: the file and a copy of the file alone holds every committed record.
_opened: list = []


def _open_for_write(args: argparse.Namespace):
    from staffing_tui.store.audit import resolve_actor
    from staffing_tui.store.connection import open_database

    db = open_database(args.db)
    _opened.append(db)
    return db, resolve_actor(db, args.as_staff)


def _open_to_read(args: argparse.Namespace):
    from staffing_tui.store.connection import open_database

    db = open_database(args.db, readonly=True)
    _opened.append(db)
    return db


def _print_record(args: argparse.Namespace, record: dict, noun: str, record_id: object) -> None:
    """The saved record's id alone on a line, or the record as JSON (`--format json`)."""
    if args.format == "json":
        _print_committed(json.dumps(record, indent=2, default=str) + "\n", f"saved as {noun} {record_id}", "the record")
    else:
        _print_committed(f"{record_id}\n", f"saved as {noun} {record_id}", "the id")


def _print_committed(text: str, done: str, what: str) -> None:
    """Print the answer of a change that is already committed.

    If standard output fails (a full disk, a closed pipe), the change still stands: say on stderr
    what was saved (`done`) and that `what` could not be written, exit 74, retry nothing — a script
    that took the failure for "not saved" and ran the command again would save it twice.
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        _discard_stdout()
        raise SavedNotPrinted(f"{done}; could not write {what}: {exc.strerror or exc}.") from None


def _discard_stdout() -> None:
    """Point standard output at /dev/null: what is left in its buffer would otherwise fail again
    when Python flushes it at exit, printing a traceback and changing the exit status to 120."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (captured in tests): nothing is flushed to it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _print_list(args: argparse.Namespace, rows: list[dict], columns: Sequence[str]) -> None:
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        print("(none)")
        return
    from staffing_tui.present.escape import for_terminal_cell

    # Each cell on one line, terminal-safe: ids and free text (a next step's) are data.
    cells = [{c: for_terminal_cell(str(r[c])) if r.get(c) is not None else "" for c in columns} for r in rows]
    widths = {c: max(len(c), *(len(cell[c]) for cell in cells)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for cell in cells:
        print("  ".join(cell[c].ljust(widths[c]) for c in columns))


def cmd_exception_add(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    db, actor = _open_for_write(args)
    req = records.ExceptionRequest(args.case, args.person, args.category, args.reason, args.from_month,
                                   args.to_month, args.review_on)
    exception_id = records.create_exception(db, actor, req)
    _print_record(args, records.get_exception(db, exception_id), "exception", exception_id)
    return EXIT_OK


def cmd_exception_revoke(args: argparse.Namespace) -> int:
    from staffing_tui.store import records
    from staffing_tui.store.connection import default_as_of

    db, actor = _open_for_write(args)
    from_month = args.from_month or Month.of(default_as_of(db))
    records.revoke_exception(db, actor, args.id, from_month, expected_version=args.expected_version,
                             reason=args.reason)
    _print_record(args, records.get_exception(db, args.id), "exception", args.id)
    return EXIT_OK


def cmd_exception_list(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    rows = records.list_exceptions(_open_to_read(args), case_id=args.case, person_id=args.person)
    _print_list(args, rows, ("exception_id", "case_id", "person_id", "category", "start_month", "end_month",
                             "review_on", "approved_by", "revoked_from"))
    return EXIT_OK


def cmd_plan_generate(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    db, actor = _open_for_write(args)
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    req = records.PlanRequest(args.case, args.parent, args.frequency, methods, args.arrangements,
                              args.from_month, args.to_month, args.review_on, replaces=args.replaces)
    plan_id = records.create_contact_plan(db, actor, req)
    _print_record(args, records.get_contact_plan(db, plan_id), "contact plan", plan_id)
    return EXIT_OK


def cmd_plan_list(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    rows = records.list_contact_plans(_open_to_read(args), case_id=args.case)
    if args.format != "json":
        rows = [{k: v for k, v in r.items() if k != "document"} for r in rows]
    _print_list(args, rows, ("contact_plan_id", "case_id", "parent_id", "frequency_months", "methods",
                             "start_month", "end_month", "review_on", "approved_by", "superseded_by"))
    return EXIT_OK


def cmd_plan_export(args: argparse.Namespace) -> int:
    from staffing_tui.present.plan import plan_export
    from staffing_tui.store import records
    from staffing_tui.store.connection import open_database

    db = open_database(args.db, readonly=True)
    try:
        plan = records.get_contact_plan(db, args.id)
        text = plan["document"] or ""
        if args.mask:
            from staffing_tui.exports import privacy_mask

            text = privacy_mask(db, case_ids=[plan["case_id"]]).text(text) or ""
    finally:
        db.close()
    _emit(args, plan_export(text, args.id, plan["case_id"], args.format))
    return EXIT_OK


def cmd_note_add(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    db, actor = _open_for_write(args)
    req = records.StaffingNoteRequest(args.case, args.month, args.reason_code, args.text, args.person)
    note_id = records.add_staffing_note(db, actor, req)
    _print_record(args, records.list_staffing_notes(db, staffing_note_id=note_id)[0], "staffing note", note_id)
    return EXIT_OK


def cmd_note_withdraw(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    db, actor = _open_for_write(args)
    records.withdraw_staffing_note(db, actor, args.id, args.reason, expected_version=args.expected_version)
    _print_record(args, records.get_staffing_note(db, args.id), "staffing note", args.id)
    return EXIT_OK


def cmd_step_add(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    db, actor = _open_for_write(args)
    req = records.NextStepRequest(args.specialist, args.text, args.due, args.case, args.person)
    step_id = records.add_next_step(db, actor, req)
    _print_record(args, records.get_next_step(db, step_id), "step", step_id)
    return EXIT_OK


def cmd_step_done(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    db, actor = _open_for_write(args)
    records.complete_next_step(db, actor, args.id, expected_version=args.expected_version)
    _print_record(args, records.get_next_step(db, args.id), "step", args.id)
    return EXIT_OK


def cmd_step_list(args: argparse.Namespace) -> int:
    from staffing_tui.store import records

    rows = records.list_next_steps(_open_to_read(args), args.specialist, open_only=not args.all)
    _print_list(args, rows, ("next_step_id", "case_id", "person_id", "due_on", "text", "created_by", "done_at"))
    return EXIT_OK


def cmd_agenda(args: argparse.Namespace) -> int:
    from staffing_tui.present.agenda import agenda_to_dict, agenda_to_markdown
    from staffing_tui.store.agenda import build_agenda, day_span
    from staffing_tui.store.connection import open_database

    db = open_database(args.db, readonly=True)
    try:
        since, until = args.since, None
        if args.on is not None:
            since, until = day_span(args.on)
        if (since is not None) != (args.decided_by is not None):
            raise UserError("--decided-by and --on (or --since) go together: say who decided and when.")
        agenda = build_agenda(db, args.specialist, args.month, args.as_of, decided_by=args.decided_by,
                              since=since, until=until)
        if args.mask:
            from staffing_tui.exports import privacy_mask
            from staffing_tui.present.agenda import masked_agenda

            mask = privacy_mask(db, person_ids=(r.person_id for r in agenda.report.rows),
                                case_ids={r.case_id for r in agenda.report.rows})
            agenda = masked_agenda(agenda, mask)
    finally:
        db.close()
    if args.format == "json":
        text = json.dumps(agenda_to_dict(agenda), indent=2, default=str) + "\n"
    else:
        text = agenda_to_markdown(agenda)
    _emit(args, text)
    return EXIT_OK


def head_arg(text: str) -> str:
    from staffing_tui.store.evidence import HEAD_PATTERN

    head = text.strip().lower()
    if not HEAD_PATTERN.fullmatch(head):
        raise argparse.ArgumentTypeError(f"{text!r} is not an audit head; give the 64 hexadecimal characters "
                                         "`check --head` printed")
    return head


def cmd_check(args: argparse.Namespace) -> int:
    if args.head:
        return _check_head(args)
    from staffing_tui.store.maintenance import DATA_QUALITY_RULES, RULES, check_path

    findings = check_path(args.db, since_head=args.since_head)
    extends = f"; the audit log still extends head {args.since_head}" if args.since_head else ""
    _print_check(args, findings, RULES, {"since_head": args.since_head} if args.since_head else {},
                 f"ok (integrity, foreign keys, triggers, the audit chain and its reconciliation, and "
                 f"{len(DATA_QUALITY_RULES)} data-quality rules){extends}")
    return EXIT_PROBLEMS_FOUND if findings else EXIT_OK


def _check_head(args: argparse.Namespace) -> int:
    """`check --head`: the audit chain verified, then its length and last hash on one line."""
    from staffing_tui.store.maintenance import chain_of_path

    findings, head = chain_of_path(args.db)
    if args.format == "text" and not findings:
        print(f"audit chain: {head.rows} rows, head {head.hash}")
    else:
        _print_check(args, findings, ("audit_chain",),
                     {"head": None if findings else {"rows": head.rows, "hash": head.hash}}, "")
    return EXIT_PROBLEMS_FOUND if findings else EXIT_OK


def _print_check(args: argparse.Namespace, findings: list, rules: Sequence[str], extra: dict, ok: str) -> None:
    """The findings as text (a count line, then one line each; `ok` when there are none) or JSON."""
    if args.format == "json":
        print(json.dumps({"db": str(args.db), "ok": not findings, "rules": list(rules),
                          "problems": [f.to_dict() for f in findings], **extra}, indent=2))
    elif findings:
        noun = "problem" if len(findings) == 1 else "problems"
        print(f"{args.db}: {len(findings)} {noun} found")
        for finding in findings:
            print(finding)
    else:
        print(f"{args.db}: {ok}")


def cmd_backup(args: argparse.Namespace) -> int:
    from staffing_tui.store.maintenance import backup_database

    result = backup_database(args.db, args.destination)
    _print_committed(f"backed up {args.db} to {result.destination} ({result.pages} pages, integrity ok)\n",
                     f"backed up {args.db} to {result.destination}", "the summary")
    return EXIT_OK


def cmd_federal(args: argparse.Namespace) -> int:
    from staffing_tui.present.federal import federal_to_dict, federal_to_markdown
    from staffing_tui.store.directory import check_scope
    from staffing_tui.store.federal import federal_report

    db = _open_to_read(args)
    check_scope(db, args.unit)
    measure = federal_report(db, args.ffy, args.as_of, args.unit)
    if args.format == "json":
        print(json.dumps(federal_to_dict(measure, args.unit), indent=2))
    else:
        sys.stdout.write(federal_to_markdown(measure, args.unit))
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from staffing_tui.present import history as show
    from staffing_tui.store import history

    db = _open_to_read(args)
    if args.import_id is not None:
        data, text = show.import_changes_to_dict, show.import_changes_text
        found = history.import_changes(db, args.import_id)
    elif args.case is not None:
        data, text, found = show.trail_to_dict, show.trail_text, history.case_trail(db, args.case)
    elif args.record is not None:
        data, text, found = show.trail_to_dict, show.trail_text, history.record_trail(db, args.record)
    else:
        data, text, found = show.imports_to_dict, show.imports_text, history.list_imports(db)
    found = show.without_names(found, _case_masks(db))
    if args.format == "json":
        print(json.dumps(data(found), indent=2, default=str))  # ASCII: no C1 or bidi character raw
    else:
        sys.stdout.write(text(found))
    return EXIT_OK


def _case_masks(db):
    """The privacy mask of each case's people, built once per case (`history` scrubs free text with it)."""
    from functools import lru_cache

    from staffing_tui.exports import PrivacyMask, case_mask

    @lru_cache(maxsize=None)
    def mask_for(case_id: str | None):
        return case_mask(db, case_id) if case_id else PrivacyMask()

    return mask_for


# --- parser -----------------------------------------------------------------------

COMMANDS = ("init", "import", "report", "federal", "exception", "plan", "note", "step", "agenda", "check", "backup",
            "generate", "history", "prepare")


def build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = _Parser(prog="staffing-tui", description="Monthly visit-requirement staffing for unit supervisors.")
    if command is None or command not in COMMANDS:
        # `staffing-tui [DB] [--as STAFF_ID] [--month YYYY-MM]` opens the app.
        parser.add_argument("database", nargs="?", help="database file (default: a working copy of the bundled sample.db)")
        parser.add_argument("--as", dest="as_staff", metavar="STAFF_ID", help="the acting user (decides what you may approve)")
        parser.add_argument("--month", type=month_arg, help="month to open (YYYY-MM)")
        parser.add_argument("--reset-sample", action="store_true",
                            help="replace the working copy of the bundled sample with the shipped one, "
                                 "keeping your copy aside (refused while it is open)")
        parser.epilog = "commands: " + ", ".join(COMMANDS) + " (run `staffing-tui COMMAND --help`)"
        parser.set_defaults(handler=cmd_app)
        return parser
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("init", help="create an empty database at the current schema")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--group", metavar="NAME",
                   help="share it with this OS group (0660, in a folder the group can write)")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("import", help="load a directory of CSV files (their columns: docs/data.md)")
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--db", required=True, metavar="PATH")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("generate", help="write deterministic synthetic data into a new database")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--scale", required=True, choices=("demo", "unit", "statewide", "sample"),
                   help="sample: the hand-made agency of sample.db (its seed: 20261118)")
    p.add_argument("--seed", required=True, type=int, metavar="N")
    p.add_argument("--months", type=int, metavar="K",
                   help="months of history ending with the as-of month (not with --scale sample)")
    p.set_defaults(handler=cmd_generate)

    p = sub.add_parser("report", help="who was (not) seen in a month, and why")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM")
    p.add_argument("--as-of", type=date_arg, metavar="DATE")
    p.add_argument("--unit", metavar="ID")
    p.add_argument("--specialist", metavar="ID")
    p.add_argument("--format", choices=("json", "csv", "md", "html"), default="md",
                   help="html: the Markdown report as a printable page")
    _export_options(p)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("prepare", help="evaluate the recent months once and keep them in the database "
                                       "(a nightly job: the first report of the day is instant)")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--months", type=_months_arg, default=13, metavar="N",
                   help="the as-of month and the N-1 before it (default 13: the reports' twelve-month trend)")
    p.add_argument("--as-of", type=date_arg, metavar="DATE", help="default: meta.as_of or today")
    p.set_defaults(handler=cmd_prepare)

    p = sub.add_parser("federal", help="federal caseworker-visit measure for a fiscal year")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--ffy", required=True, type=year_arg, metavar="YYYY")
    p.add_argument("--as-of", type=date_arg, metavar="DATE")
    p.add_argument("--unit", metavar="ID")
    p.add_argument("--format", choices=("json", "md"), default="md")
    p.set_defaults(handler=cmd_federal)

    exc = sub.add_parser("exception", help="exceptions to the visit requirements").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = _writer(exc.add_parser("add", help="approve an exception (supervisor of the unit or manager)"))
    p.add_argument("--case", required=True, metavar="ID")
    p.add_argument("--person", required=True, metavar="ID")
    p.add_argument("--category", required=True, metavar="CAT")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--from", dest="from_month", required=True, type=month_arg, metavar="YYYY-MM")
    p.add_argument("--to", dest="to_month", required=True, type=month_arg, metavar="YYYY-MM")
    p.add_argument("--review-on", required=True, type=date_arg, metavar="DATE")
    p.set_defaults(handler=cmd_exception_add)
    p = _writer(exc.add_parser("revoke", help="stop an exception from a month on (the record stays)"))
    p.add_argument("id", type=record_id_arg, metavar="ID")
    p.add_argument("--from", dest="from_month", type=month_arg, metavar="YYYY-MM")
    p.add_argument("--reason", metavar="TEXT", help="why it is revoked (kept with the revocation)")
    _version_option(p)
    p.set_defaults(handler=cmd_exception_revoke)
    p = exc.add_parser("list", help="list exceptions")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--case", metavar="ID")
    p.add_argument("--person", metavar="ID")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_exception_list)

    plan = sub.add_parser("plan", help="contact plans with parents").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = _writer(plan.add_parser("generate", help="generate and approve a contact plan"))
    p.add_argument("--case", required=True, metavar="ID")
    p.add_argument("--parent", required=True, metavar="ID")
    p.add_argument("--frequency", required=True, type=int, choices=(1, 2, 3))
    p.add_argument("--methods", required=True, metavar="in_person,phone,video,written")
    p.add_argument("--arrangements", required=True, metavar="TEXT")
    p.add_argument("--from", dest="from_month", required=True, type=month_arg, metavar="YYYY-MM")
    p.add_argument("--to", dest="to_month", type=month_arg, metavar="YYYY-MM")
    p.add_argument("--review-on", required=True, type=date_arg, metavar="DATE")
    p.add_argument("--replaces", type=record_id_arg, metavar="PLAN_ID",
                   help="the plan in force for this parent that this one replaces (required when there is one)")
    p.set_defaults(handler=cmd_plan_generate)
    p = plan.add_parser("list", help="list contact plans")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--case", metavar="ID")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_plan_list)
    p = plan.add_parser("export", help="write a plan's document as Markdown or printable HTML")
    p.add_argument("id", type=record_id_arg, metavar="ID")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--format", required=True, choices=("md", "html"))
    _out_options(p, required=True)
    p.add_argument("--mask", action="store_true", help="privacy mask: initials instead of names, no placement names")
    p.set_defaults(handler=cmd_plan_export)

    note = sub.add_parser("note", help="staffing notes: why someone could not be seen").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = _writer(note.add_parser("add", help="record a staffing reason for a month"))
    p.add_argument("--case", required=True, metavar="ID")
    p.add_argument("--person", metavar="ID")
    p.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM")
    p.add_argument("--reason-code", required=True, metavar="CODE")
    p.add_argument("--text", required=True, metavar="TEXT")
    p.set_defaults(handler=cmd_note_add)
    p = _writer(note.add_parser("withdraw", help="withdraw a staffing note recorded in error (it stays, explaining "
                                                 "nothing from now on)"))
    p.add_argument("id", type=record_id_arg, metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is withdrawn")
    _version_option(p)
    p.set_defaults(handler=cmd_note_withdraw)

    step = sub.add_parser("step", help="next steps agreed at a staffing").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = _writer(step.add_parser("add", help="agree a next step"))
    p.add_argument("--specialist", required=True, metavar="ID")
    p.add_argument("--case", metavar="ID")
    p.add_argument("--person", metavar="ID")
    p.add_argument("--text", required=True, metavar="TEXT")
    p.add_argument("--due", required=True, type=date_arg, metavar="DATE")
    p.set_defaults(handler=cmd_step_add)
    p = _writer(step.add_parser("done", help="mark a next step done"))
    p.add_argument("id", type=record_id_arg, metavar="ID")
    _version_option(p)
    p.set_defaults(handler=cmd_step_done)
    p = step.add_parser("list", help="a specialist's open next steps")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--specialist", required=True, metavar="ID")
    p.add_argument("--all", action="store_true", help="include steps already done")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_step_list)

    p = sub.add_parser("agenda", help="a specialist's staffing agenda for a month")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--specialist", required=True, metavar="ID")
    p.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM")
    p.add_argument("--as-of", type=date_arg, metavar="DATE")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument("--decided-by", metavar="STAFF_ID",
                   help="record what this supervisor decided at the staffing (with --on or --since), and lines to sign")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--on", type=date_arg, metavar="DATE", help="the day of the staffing (UTC)")
    when.add_argument("--since", type=timestamp_arg, metavar="TIMESTAMP",
                      help="the staffing's start, as YYYY-MM-DDTHH:MM[:SS] (UTC)")
    _export_options(p)
    p.set_defaults(handler=cmd_agenda)

    p = sub.add_parser("check", help="integrity, foreign keys, data-quality rules and the audit chain (exit 3: problems found)")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    head = p.add_mutually_exclusive_group()
    head.add_argument("--head", action="store_true",
                      help="verify the audit chain alone and print its length and last hash (keep them elsewhere)")
    head.add_argument("--since-head", type=head_arg, metavar="HASH",
                      help="check everything, and that the audit log still contains this earlier head")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("backup", help="copy the database with SQLite's online backup (never overwrites)")
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("destination", metavar="DEST")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("history", help="the imports and what they changed; a case's or a record's trail, oldest first")
    p.add_argument("--db", required=True, metavar="PATH")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--import", dest="import_id", type=record_id_arg, metavar="ID",
                       help="every row this import changed")
    which.add_argument("--case", metavar="ID", help="the case's evidence records and imported changes")
    which.add_argument("--record", metavar="TABLE:ID",
                       help="one record's trail: exceptions:3, imports:2, notes:N1, case_members:C1,P1")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_history)
    return parser


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mask", action="store_true",
                   help="privacy mask: initials instead of names, no placement names or birth dates")
    _out_options(p, required=False)


def _out_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--out", required=required, metavar="FILE",
                   help="write to FILE (owner-only, 0600)" + ("" if required else " instead of printing"))
    p.add_argument("--force", action="store_true",
                   help="replace FILE if it exists (only a regular file; never the database's own files)")


def _version_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--version", dest="expected_version", type=version_arg, metavar="N",
                   help="the record's version you last saw; refused if someone changed it since")


def _writer(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Options every record-writing command takes."""
    p.add_argument("--db", required=True, metavar="PATH")
    p.add_argument("--as", dest="as_staff", metavar="STAFF_ID",
                   help="the acting user (a database with logins knows who you are: --as may only name you)")
    p.add_argument("--format", choices=("id", "json"), default="id")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = None
    try:
        _refuse_undecodable(argv)
        args = build_parser(command).parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        status = handler(args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is answered below, without a traceback
        return status
    except UserError as exc:
        _print_error(exc.message, *exc.details)
        return exc.exit_status
    except sqlite3.Error as exc:
        from staffing_tui.store.connection import describe_sqlite_error, is_busy

        _print_error(describe_sqlite_error(exc, getattr(args, 'db', None)))
        return EXIT_BUSY if is_busy(exc) else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # A read-only command's reader went away (`report | head`): quiet, status 0, as SIGPIPE
        # would have it — the reader chose to stop and nothing was changed. (A writer says what
        # it saved and exits 74: `_print_committed`.)
        _discard_stdout()
        return EXIT_OK
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            return _unexpected(exc)
        # Standard output could not take the answer (a full disk, /dev/full, a failing device):
        # a read-only command changed nothing, so saying so is all (writers say what they saved).
        _discard_stdout()
        _print_error(f"could not write the output: {exc.strerror or exc}.")
        return EXIT_IO_ERROR
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        return _unexpected(exc)
    finally:
        _close_opened()


#: What writing standard output fails with when it cannot take the answer.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG})


def _unexpected(exc: BaseException) -> int:
    log.debug("unexpected error", exc_info=True)
    print(f"error: unexpected {type(exc).__name__}; please report it with the command you ran.", file=sys.stderr)
    return EXIT_UNEXPECTED


def _refuse_undecodable(argv: Sequence[str]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which no database or output can
    hold: one sentence (exit 2) instead of an unexpected error."""
    for position, argument in enumerate(argv, start=1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raise UserError(f"argument {position} is not valid UTF-8 text; check the terminal's "
                            "character encoding.") from None


def _print_error(message: str, *details: str) -> None:
    """`error: message`, then a line per detail, on stderr. Any of them can hold a value the user
    typed or imported: each is one terminal-safe line (no escape sequence, no forged line)."""
    from staffing_tui.present.escape import for_terminal_cell

    print(f"error: {for_terminal_cell(message)}", file=sys.stderr)
    for detail in details:
        print(for_terminal_cell(detail), file=sys.stderr)


def _close_opened() -> None:
    while _opened:
        try:
            _opened.pop().close()
        except sqlite3.Error:
            pass  # closing never turns a success into a failure; SQLite recovers on next open


if __name__ == "__main__":
    raise SystemExit(main())
