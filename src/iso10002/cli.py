"""The ``iso10002`` command line.

Every command takes ``--help`` with an example. Exit codes: 0 success; 1 a check failed (a
broken chain, a principle failed, overdue complaints with ``--fail-if-any``); 2 bad usage or
input, or a store that cannot be opened (the message says why). Commands that report take
``--json`` for scripts. ``--db`` is an SQLite file path or a database URL
(``postgresql+psycopg://…``, with the ``sqlalchemy`` extra).

Examples:
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     main(["demo", "--complaints", "5", "--quiet", "--dir", folder])
    ...     db = os.path.join(folder, DEMO_FILE)
    ...     main(["verify", "--db", db, "--quiet"])
    0
    0
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from iso10002._cli_help import USAGE, add_command, at_option, print_json
from iso10002._version import __version__
from iso10002.demo import simulate, summarize, summary_data
from iso10002.desk import ComplaintsDesk
from iso10002.errors import Iso10002Error
from iso10002.integrity import IntegrityReport
from iso10002.metrics._import_export_cli import add_commands as add_import_export
from iso10002.metrics.period import Period
from iso10002.principles import CheckContext, FindingSeverity, ProcessProfile, check_conformance
from iso10002.progress import ProgressBar
from iso10002.serialization import from_json, to_data
from iso10002.sla import SlaPolicy, presets
from iso10002.storage import Durability, SQLiteStore, open_store
from iso10002.storage.locate import OpenedStore

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
DEMO_FILE = "iso10002-demo.sqlite3"


def _demo_file(args: argparse.Namespace) -> Path:
    """Where the demo keeps its SQLite file: ``--db``, or in ``--dir``, or a new temp folder."""
    if args.db is not None:
        return Path(args.db)
    folder = Path(args.dir) if args.dir is not None else Path(tempfile.mkdtemp(prefix="iso10002-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DEMO_FILE


def _demo(args: argparse.Namespace) -> int:
    quarter = Period.parse(args.quarter)  # before any file is created
    path = _demo_file(args)
    try:
        # NORMAL durability: a simulation need not wait for the disk at every step.
        store = SQLiteStore(path, durability=Durability.NORMAL)
    except Iso10002Error as exc:
        raise ValueError(str(exc)) from exc
    with store:
        if store.count():
            raise ValueError(f"{path} already holds complaints; give a new --db or --dir")
        progress = None if args.quiet or args.complaints < 200 else ProgressBar("simulating")
        result = simulate(
            store, complaints=args.complaints, seed=args.seed, quarter=quarter, progress=progress
        )
        report = store.verify_integrity()
        if args.json:
            print_json(
                {
                    "store": str(store.path),
                    **summary_data(store, result, quarter),
                    "integrity": _integrity_data(report),
                }
            )
        elif not args.quiet:
            print(f"Store: SQLite file {store.path} (kept; open it with SQLiteStore)")
            print(summarize(store, result, quarter))
            print()
            print(f"Integrity: {report}")
    return EXIT_OK if report.ok else EXIT_FAILED


def _open(args: argparse.Namespace) -> OpenedStore:
    try:
        return open_store(args.db)
    except Iso10002Error as exc:
        raise ValueError(str(exc)) from exc


def _policy(args: argparse.Namespace) -> SlaPolicy | None:
    if args.policy is None:
        return None
    try:
        return presets.get(args.policy)
    except Iso10002Error as exc:
        raise ValueError(str(exc)) from exc


def _integrity_data(report: IntegrityReport) -> dict[str, object]:
    data = to_data(report)
    assert isinstance(data, dict)
    return {"ok": report.ok, "broken": list(report.broken), **data}


def _verify(args: argparse.Namespace) -> int:
    with _open(args) as store:
        report = store.verify_integrity(args.id or None)
    if args.json:
        print_json(_integrity_data(report))
    elif not args.quiet:
        print(report)
    return EXIT_OK if report.ok else EXIT_FAILED


def _check(args: argparse.Namespace) -> int:
    at = at_option(args.at)
    policy = _policy(args)
    profile = None
    if args.profile is not None:
        try:
            profile = from_json(Path(args.profile).read_bytes(), ProcessProfile)
        except OSError as exc:
            raise ValueError(f"--profile: {exc}") from None
        except Iso10002Error as exc:
            raise ValueError(f"--profile {args.profile}: {exc}") from None
    with _open(args) as store:
        context = CheckContext(at=at, policy=policy, integrity=store.verify_integrity())
        records = ((c, store.history(c.id)) for c in store.find())
        report = check_conformance(
            records, context, profile=profile, fail_at=FindingSeverity(args.fail_at)
        )
    if args.json:
        print(report.to_json(indent=2))
    elif not args.quiet:
        print(report.to_text(limit=args.limit))
        if policy is None:
            print("(no --policy: responsiveness, timeliness and updates were not checked)")
    return EXIT_OK if report.passed else EXIT_FAILED


def _overdue(args: argparse.Namespace) -> int:
    at = at_option(args.at)
    policy = _policy(args)
    with _open(args) as store:
        rows = [
            (o.complaint, [(s.name, s.explanation) for s in o.breached])
            for o in ComplaintsDesk(store, policy).overdue(at)
        ]
    if args.json:
        print_json(
            [
                {
                    "id": c.id,
                    "received_at": c.received_at.isoformat(),
                    "state": c.state.value,
                    "assignee": c.assignee,
                    "investigator": c.investigator,
                    "breached": [{"target": n, "explanation": e} for n, e in breached],
                }
                for c, breached in rows
            ]
        )
    elif not args.quiet:
        print(f"{len(rows)} overdue at {at.isoformat()}")
        for c, breached in rows:
            owner = c.assignee or c.investigator or "no owner"
            print(f"  {c.id}  {c.state.value:<13} received {c.received_at:%d %b %Y}  {owner}")
            for name, explanation in breached:
                print(f"      {name}: {explanation}")
    return EXIT_FAILED if rows and args.fail_if_any else EXIT_OK


def _store_arguments(command: argparse.ArgumentParser, *, report: bool = True) -> None:
    command.add_argument(
        "--db", required=True, help="an SQLite file, or a database URL (postgresql+psycopg://…)"
    )
    if report:
        command.add_argument("--json", action="store_true", help="print JSON, for scripts")
        command.add_argument("--quiet", action="store_true", help="print nothing; exit code only")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iso10002",
        description="Customer complaints handled as ISO 10002:2018 describes.",
        epilog="Run 'iso10002 COMMAND --help' for a command's options, examples and exit "
        "codes. Exit codes: 0 success; 1 a check failed; 2 bad usage or input.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = add_command(
        commands,
        "demo",
        help="simulate a quarter of complaints and summarise it",
        description="Simulate a realistic quarter of complaints through the whole lifecycle "
        "with a seeded generator, on an SQLite file that is kept, then print a summary.",
        examples=[
            "iso10002 demo --complaints 1000 --seed 7 --quarter 2026Q3",
            "iso10002 demo --dir . --json > quarter.json",
        ],
        exit_codes={
            EXIT_OK: "simulated, and every complaint's chain verifies",
            EXIT_FAILED: "the simulated store failed its integrity check",
            EXIT_USAGE: USAGE + "; also a --db that already holds complaints",
        },
    )
    demo.add_argument("--complaints", type=int, default=600, help="how many (default 600)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument("--quarter", default="2026Q3", help="quarter to simulate (default 2026Q3)")
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")
    demo.add_argument("--quiet", action="store_true", help="print nothing")
    where = demo.add_mutually_exclusive_group()
    where.add_argument("--db", help="the SQLite file to create (default: in a new temp folder)")
    where.add_argument("--dir", help=f"the folder to create {DEMO_FILE} in")
    demo.set_defaults(handler=_demo)

    verify = add_command(
        commands,
        "verify",
        help="verify every complaint's hash chain and snapshot (information integrity, 4.9)",
        description="Re-check the hash chain, the personal-data commitments and the snapshot "
        "of every complaint (or of --id ones).",
        examples=[
            "iso10002 verify --db complaints.sqlite3",
            "iso10002 verify --db complaints.sqlite3 --id C-0001 --json",
        ],
        exit_codes={
            EXIT_OK: "every complaint verified",
            EXIT_FAILED: "a chain, commitment or snapshot is broken (--json names them)",
            EXIT_USAGE: USAGE,
        },
    )
    _store_arguments(verify)
    verify.add_argument("--id", action="append", help="verify this complaint only (repeatable)")
    verify.set_defaults(handler=_verify)

    check = add_command(
        commands,
        "check",
        help="check conformance with the ISO 10002 principles; exit 1 if one fails",
        description="Run every registered conformance check over the store's complaints (and "
        "the process profile, if given) and print the report. With --policy, the SLA checks "
        "(acknowledgement, deadlines, updates) judge against that preset.",
        examples=[
            "iso10002 check --db complaints.sqlite3 --policy fca.disp.standard",
            "iso10002 check --db complaints.sqlite3 --policy fca.disp.standard "
            "--profile process.json --fail-at major --json",
        ],
        exit_codes={
            EXIT_OK: "every principle passed (or was not checked)",
            EXIT_FAILED: "a principle failed: a finding at --fail-at or above",
            EXIT_USAGE: USAGE,
        },
    )
    _store_arguments(check)
    check.add_argument("--policy", help=f"an SLA preset id ({', '.join(presets.ids())})")
    check.add_argument("--profile", help="a ProcessProfile as JSON, for the process checks")
    check.add_argument("--at", help="the instant to judge at, ISO 8601 with offset (default now)")
    check.add_argument(
        "--fail-at",
        default="minor",
        choices=[s.value for s in FindingSeverity if s is not FindingSeverity.INFO],
        help="the lowest severity that fails a principle (default minor)",
    )
    check.add_argument("--limit", type=int, default=10, help="findings shown per principle")
    check.set_defaults(handler=_check)

    overdue = add_command(
        commands,
        "overdue",
        help="list open complaints past an SLA deadline",
        description="List open complaints whose next deadline (recorded by the desk) has "
        "passed; with --policy, each breached target is explained.",
        examples=[
            "iso10002 overdue --db complaints.sqlite3 --policy fca.disp.standard",
            "iso10002 overdue --db complaints.sqlite3 --at 2026-10-01T09:00+01:00 "
            "--json --fail-if-any",
        ],
        exit_codes={
            EXIT_OK: "listed (none overdue, or no --fail-if-any)",
            EXIT_FAILED: "some complaints are overdue and --fail-if-any was given",
            EXIT_USAGE: USAGE,
        },
    )
    _store_arguments(overdue)
    overdue.add_argument("--policy", help="an SLA preset id, to explain each breach")
    overdue.add_argument("--at", help="the instant to judge at, ISO 8601 with offset")
    overdue.add_argument(
        "--fail-if-any", action="store_true", help="exit 1 when any complaint is overdue"
    )
    overdue.set_defaults(handler=_overdue)
    add_import_export(commands)  # iso10002 import, iso10002 export
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 failed check, 2 bad usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        handler = args.handler
        code: int = handler(args)
    except (ValueError, Iso10002Error) as exc:
        parser.error(str(exc))
    return code


if __name__ == "__main__":
    sys.exit(main())
