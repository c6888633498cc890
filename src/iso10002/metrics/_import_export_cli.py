"""The ``iso10002 import`` and ``iso10002 export`` commands (wired into :mod:`iso10002.cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

from iso10002._cli_help import USAGE, add_command, at_option, print_json
from iso10002.metrics.exports import export_cfpb, period_bounds
from iso10002.metrics.import_cfpb import CFPB, CFPB_ZONE
from iso10002.metrics.import_mapping import ImportMapping
from iso10002.metrics.import_sources import ImportFormat
from iso10002.metrics.imports import import_complaints
from iso10002.model import ComplaintState
from iso10002.progress import ProgressBar
from iso10002.sla import presets
from iso10002.storage import ComplaintQuery, open_store

__all__ = ["MAPPINGS", "add_commands"]

EXIT_OK = 0
EXIT_REFUSED = 1

MAPPINGS: dict[str, ImportMapping] = {"cfpb": CFPB}
"""The built-in mappings ``--mapping`` names."""

_IMPORT_NOTES = """\
Rows that cannot be imported are listed (row number, column, value) and skipped; a row
whose complaint is already stored is skipped as a duplicate, so the same file can be
imported again, or an interrupted import re-run.
"""

_EXPORT_NOTES = """\
Writes the CFPB Consumer Complaint Database's columns; what the records do not hold
(state, ZIP code, tags, consent, the public response) is left empty. No cell can become a
spreadsheet formula. --period: 2026, 2026Q3, 2026H1, 2026-07 or 2026-07-01..2026-09-30,
its days in --zone. The summary (how many, where) goes to standard error when the CSV goes
to standard output; --json prints it as JSON.
"""


def _import(args: argparse.Namespace) -> int:
    mapping = MAPPINGS[args.mapping]
    policy = None
    if args.policy is not None:
        policy = presets.get(args.policy)
    progress: Callable[[int, int], None] | None = None
    if not args.quiet and not args.no_progress:
        progress = ProgressBar("importing", sys.stderr)
    with open_store(args.db, create=True) as store:
        report = import_complaints(
            store,
            Path(args.file),
            mapping=mapping,
            format=args.format,
            encoding=args.encoding,
            source=args.source,
            policy=policy,
            batch_size=args.batch_size,
            progress=progress,
            workers=args.workers,
        )
    if args.json:
        print(report.to_json(indent=2))
    elif not args.quiet:
        print(report.details(limit=args.limit))
    return EXIT_OK if report.ok else EXIT_REFUSED


def _query(args: argparse.Namespace) -> ComplaintQuery:
    start = end = None
    if args.period is not None:
        start, end = period_bounds(args.period, args.zone)
    states = None
    if args.state:
        states = frozenset(ComplaintState(s) for s in args.state)
    return ComplaintQuery(
        states=states,
        received_from=start,
        received_until=end,
        product=args.product,
        category=args.category,
        complaint_type=args.complaint_type,
        assignee=args.assignee,
    )


def _export(args: argparse.Namespace) -> int:
    query = _query(args)
    at = at_option(args.at)
    with open_store(args.db) as store:
        out: IO[str]
        if args.out is None or args.out == "-":
            count = export_cfpb(
                store,
                sys.stdout,
                query=query,
                zone=args.zone,
                company=args.company,
                narratives=args.narratives,
                at=at,
            )
            where = "standard output"
        else:
            path = Path(args.out)
            try:
                out = path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise ValueError(f"--out: {exc}") from None
            with out:
                count = export_cfpb(
                    store,
                    out,
                    query=query,
                    zone=args.zone,
                    company=args.company,
                    narratives=args.narratives,
                    at=at,
                )
            where = str(path)
    # The summary never mixes with CSV on standard output.
    summary_out = sys.stderr if where == "standard output" else sys.stdout
    if args.json:
        print_json(
            {"exported": count, "out": None if args.out in (None, "-") else where}, summary_out
        )
    elif not args.quiet:
        print(f"exported {count:,} complaints to {where}", file=sys.stderr)
    return EXIT_OK


def _store(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--db", required=True, help="an SQLite file, or a database URL (postgresql+psycopg://…)"
    )
    command.add_argument("--quiet", action="store_true", help="print nothing; exit code only")


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
) -> None:
    """Add ``import`` and ``export`` to the command line's sub-commands."""
    imp = add_command(
        commands,
        "import",
        help="import complaints from a CSV or JSON export (the CFPB database by default)",
        description="Read every row of FILE (CSV, a JSON array of objects, or JSON Lines), "
        "turn it into a complaint with its history through the mapping, and store it; "
        "print a summary (imported, skipped as duplicates, refused) and the refused rows.",
        examples=[
            "iso10002 import complaints.csv --db complaints.sqlite3",
            "iso10002 import complaints.json --db complaints.sqlite3 --policy cfpb.portal --json",
            "iso10002 import export.csv --db complaints.sqlite3 --encoding cp1252 "
            "--source cfpb-2026",
            "iso10002 import complaints.csv --db complaints.sqlite3 --workers 3",
        ],
        notes=_IMPORT_NOTES,
        exit_codes={
            EXIT_OK: "every row imported, or skipped as a duplicate",
            EXIT_REFUSED: "some rows were refused (listed; the others were imported)",
            2: USAGE + "; also a file that cannot be read",
        },
    )
    imp.add_argument("file", help="the file to import")
    _store(imp)
    imp.add_argument(
        "--mapping", default="cfpb", choices=sorted(MAPPINGS), help="the column mapping"
    )
    imp.add_argument(
        "--format",
        choices=[f.value for f in ImportFormat],
        help="csv, json or jsonl (default: from the file name)",
    )
    imp.add_argument("--encoding", help="the file's encoding (default UTF-8, BOM or not)")
    imp.add_argument("--source", help="the source name in complaint ids (default: the mapping's)")
    imp.add_argument("--policy", help="an SLA preset, to record each complaint's next deadline")
    imp.add_argument(
        "--batch-size", type=int, default=1000, help="complaints per transaction (default 1000)"
    )
    imp.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes that map and seal rows while this one writes, for large files on a "
        "machine with cores to spare (default 0: this process alone)",
    )
    imp.add_argument("--json", action="store_true", help="print the report as JSON, for scripts")
    imp.add_argument("--no-progress", action="store_true", help="no progress bar")
    imp.add_argument("--limit", type=int, default=20, help="refused rows listed (default 20)")
    imp.set_defaults(handler=_import)

    exp = add_command(
        commands,
        "export",
        help="export complaints as CSV in the CFPB database's columns",
        description="Write the store's complaints (those the filters select) as CSV with "
        "the columns of the CFPB Consumer Complaint Database, streamed in receipt order.",
        examples=[
            'iso10002 export --db complaints.sqlite3 --period 2026Q3 --company "Acme Bank" '
            "--out q3.csv",
            "iso10002 export --db complaints.sqlite3 --state closed --product Mortgage "
            "> closed.csv",
        ],
        notes=_EXPORT_NOTES,
        exit_codes={EXIT_OK: "the CSV was written", 2: USAGE + "; also an --out not writable"},
    )
    _store(exp)
    exp.add_argument("--json", action="store_true", help="print the summary as JSON")
    exp.add_argument("--out", help="the CSV file to write (default: standard output)")
    exp.add_argument("--period", help="complaints received in this period")
    exp.add_argument("--zone", default=CFPB_ZONE, help=f"zone of the dates (default {CFPB_ZONE})")
    exp.add_argument("--company", help="the Company column's value (your organisation)")
    exp.add_argument(
        "--state",
        action="append",
        choices=[s.value for s in ComplaintState if s is not ComplaintState.NEW],
        help="only complaints in this state (repeatable)",
    )
    exp.add_argument("--product", help="only this product")
    exp.add_argument("--category", help="only this category")
    exp.add_argument("--complaint-type", help="only this complaint type")
    exp.add_argument("--assignee", help="only complaints owned by this assignee")
    exp.add_argument(
        "--narratives",
        action="store_true",
        help="write descriptions as narratives (personal data: publish only with consent)",
    )
    exp.add_argument("--at", help="judge unanswered complaints at this instant (default now)")
    exp.set_defaults(handler=_export)
