"""The ``iso10002`` command line.

Examples:
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     main(["demo", "--complaints", "5", "--quiet", "--dir", folder])
    0
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from iso10002._version import __version__
from iso10002.demo import Quarter, simulate, summarize
from iso10002.errors import Iso10002Error
from iso10002.progress import ProgressBar
from iso10002.storage import Durability, SQLiteStore

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
    quarter = Quarter.parse(args.quarter)  # before any file is created
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
        if not args.quiet:
            print(f"Store: SQLite file {store.path} (kept; open it with SQLiteStore)")
            print(summarize(store, result, quarter))
            print()
            print(f"Integrity: {report}")
    return EXIT_OK if report.ok else EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iso10002",
        description="Customer complaints handled as ISO 10002:2018 describes.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="simulate a quarter of complaints and summarise it",
        description="Simulate a realistic quarter of complaints through the whole lifecycle "
        "with a seeded generator, then print a summary.",
        epilog="example: iso10002 demo --complaints 1000 --seed 7 --quarter 2026Q3",
    )
    demo.add_argument("--complaints", type=int, default=600, help="how many (default 600)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument("--quarter", default="2026Q3", help="quarter to simulate (default 2026Q3)")
    demo.add_argument("--quiet", action="store_true", help="print nothing")
    where = demo.add_mutually_exclusive_group()
    where.add_argument("--db", help="the SQLite file to create (default: in a new temp folder)")
    where.add_argument("--dir", help=f"the folder to create {DEMO_FILE} in")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 failed check, 2 bad usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        handler = args.handler
        code: int = handler(args)
    except ValueError as exc:
        parser.error(str(exc))
    return code


if __name__ == "__main__":
    sys.exit(main())
