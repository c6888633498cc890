"""``manage.py iso10002_report``: the conformance report of the configured desk's complaints.

Every registered principle check (:func:`~iso10002.principles.check_conformance`) runs over
every complaint and its history in the store, with the store's integrity report, the SLA
policy of ``settings.ISO10002`` (so the timeliness checks run) and, with ``--profile``, the
:class:`~iso10002.principles.ProcessProfile` of the organization's process (a JSON file).
That is the evidence of clauses 8.5 (audit) and 8.6 (management review) in one report;
``--json`` prints it for scripts and ``--strict`` exits with status 1 when a principle fails.

Examples:
    >>> from django.core.management import call_command
    >>> call_command("iso10002_report", at="2026-03-31T12:00:00+00:00")
    ISO 10002 conformance at 31 Mar 2026 12:00 UTC: PASSED
    ...
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from iso10002.contrib.django.conf import get_desk
from iso10002.contrib.django.management.commands._instant import parse_at
from iso10002.errors import Iso10002Error
from iso10002.principles import (
    CheckContext,
    FindingSeverity,
    PrincipleStatus,
    ProcessProfile,
    check_conformance,
)
from iso10002.serialization import from_json

__all__ = ["Command"]


class Command(BaseCommand):
    """Print the conformance report (``--json`` for scripts, ``--strict`` to fail on it)."""

    help = (
        "Check every complaint (and, with --profile, the process) against the ISO 10002 "
        "principles and print the report. "
        "Example: manage.py iso10002_report --profile process.json --strict"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """``--at``, ``--profile``, ``--fail-at``, ``--limit``, ``--json``, ``--strict``."""
        parser.add_argument(
            "--at", help="the instant to judge at, ISO 8601 with an offset (default: now)"
        )
        parser.add_argument("--profile", help="a ProcessProfile as JSON, for the process checks")
        parser.add_argument(
            "--fail-at",
            default=FindingSeverity.MINOR.value,
            choices=[s.value for s in FindingSeverity if s is not FindingSeverity.INFO],
            help="the lowest severity that fails a principle (default minor)",
        )
        parser.add_argument(
            "--limit", type=int, default=10, help="findings shown per principle (default 10)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON, for scripts")
        parser.add_argument(
            "--strict", action="store_true", help="exit with status 1 when a principle fails"
        )

    def handle(self, *args: object, **options: object) -> None:
        """Run the checks over the store and print the report."""
        desk = get_desk()
        at = parse_at(options.get("at"), desk.clock)
        profile = _profile(options.get("profile"))
        store = desk.store
        context = CheckContext(at=at, policy=desk.policy, integrity=store.verify_integrity())
        records = ((c, store.history(c.id)) for c in store.find())
        report = check_conformance(
            records,
            context,
            profile=profile,
            fail_at=FindingSeverity(options.get("fail_at", FindingSeverity.MINOR.value)),
        )
        if options.get("json"):
            self.stdout.write(report.to_json(indent=2))
        else:
            limit = options.get("limit", 10)
            self.stdout.write(report.to_text(limit=limit if isinstance(limit, int) else 10))
            if desk.policy is None:
                self.stdout.write(
                    "(no ISO10002['POLICY']: responsiveness, timeliness and updates "
                    "were not checked)"
                )
        if options.get("strict") and not report.passed:
            failed = ", ".join(
                r.principle.value for r in report.results if r.status is PrincipleStatus.FAIL
            )
            raise CommandError(f"principles failed: {failed}", returncode=1)


def _profile(path: object) -> ProcessProfile | None:
    if path is None:
        return None
    try:
        return from_json(Path(str(path)).read_bytes(), ProcessProfile)
    except OSError as exc:
        raise CommandError(f"--profile: {exc}") from None
    except Iso10002Error as exc:
        raise CommandError(f"--profile {path}: {exc}") from None
