"""The ``iso10002`` command line.

Examples:
    >>> main(["demo", "--complaints", "5", "--quiet"])
    0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from iso10002._version import __version__
from iso10002.demo import Quarter, simulate, summarize
from iso10002.progress import ProgressBar
from iso10002.storage import InMemoryStore

__all__ = ["main"]

EXIT_OK = 0
EXIT_USAGE = 2


def _demo(args: argparse.Namespace) -> int:
    store = InMemoryStore()
    quarter = Quarter.parse(args.quarter)
    progress = None if args.quiet or args.complaints < 200 else ProgressBar("simulating")
    result = simulate(
        store, complaints=args.complaints, seed=args.seed, quarter=quarter, progress=progress
    )
    if not args.quiet:
        print("Store: in memory (the embedded SQLite store replaces it when it lands)")
        print(summarize(store, result, quarter))
    return EXIT_OK


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
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 2 bad usage)."""
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
