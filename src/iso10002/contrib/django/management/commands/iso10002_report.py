"""``manage.py iso10002_report``: the conformance report of the configured desk's complaints.

Every registered principle check (:func:`~iso10002.principles.check_conformance`) runs over
every complaint and its history in the store, with the store's integrity report, the SLA
policy of ``settings.ISO10002`` (so the timeliness checks run) and, with ``--profile``, the
:class:`~iso10002.principles.ProcessProfile` of the organization's process (a JSON file).
That is the evidence of clauses 8.5 (audit) and 8.6 (management review) in one report;
``--json`` prints it for scripts and ``--strict`` exits with status 1 when a principle fails.

With ``--period`` it writes the **management review** of that period instead
(:func:`~iso10002.metrics.report.review_store`): key figures, charts and the conformance
summary as a self-contained HTML page, or JSON or CSV, to each ``--out`` file (the format
by its suffix); ``--json`` prints the review's JSON. The period's midnights are in
``--zone``, by default the time zone of the SLA policy's calendar, else the project's
``TIME_ZONE``.

Examples:
    >>> from django.core.management import call_command
    >>> call_command("iso10002_report", at="2026-03-31T12:00:00+00:00")
    ISO 10002 conformance at 31 Mar 2026 12:00 UTC: PASSED
    ...
    >>> call_command("iso10002_report", period="2026Q1", out=["q1.html"])  # doctest: +SKIP
    2026Q1: 0 received, 0 closed, 0 open at the end; conformance passed
    wrote q1.html
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import tzinfo
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from iso10002.contrib.django.conf import get_desk
from iso10002.contrib.django.management.commands._instant import parse_at
from iso10002.desk import ComplaintsDesk
from iso10002.errors import Iso10002Error
from iso10002.metrics.period import Period
from iso10002.metrics.report import review_format, review_store, write_review
from iso10002.principles import (
    CheckContext,
    FindingSeverity,
    PrincipleStatus,
    ProcessProfile,
    check_conformance,
)
from iso10002.serialization import from_json
from iso10002.sla import SlaPolicy

__all__ = ["Command"]


class Command(BaseCommand):
    """Print the conformance report (``--json`` for scripts, ``--strict`` to fail on it)."""

    help = (
        "Check every complaint (and, with --profile, the process) against the ISO 10002 "
        "principles and print the report; with --period, write the management review of "
        "that period (HTML with charts, JSON or CSV). "
        "Example: manage.py iso10002_report --profile process.json --strict; "
        "manage.py iso10002_report --period 2026Q3 --out review.html --out review.csv"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """``--at``, ``--profile``, ``--fail-at``, ``--limit``, ``--json``, ``--strict``; for
        the management review ``--period``, ``--out``, ``--zone``, ``--customers``."""
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
        parser.add_argument(
            "--period", help="write the management review of this period (such as 2026Q3)"
        )
        parser.add_argument(
            "--out",
            action="append",
            metavar="FILE",
            help="with --period: a file for the review, .html, .json or .csv (repeatable)",
        )
        parser.add_argument("--zone", help="with --period: the time zone of its midnights")
        parser.add_argument(
            "--customers", type=int, help="with --period: customers, for a rate per 1,000"
        )

    def handle(self, *args: object, **options: object) -> None:
        """Run the checks over the store and print the report (or write the review)."""
        desk = get_desk()
        profile = _profile(options.get("profile"))
        if options.get("period") is not None:
            self._review(desk, profile, options)
            return
        if options.get("out"):
            raise CommandError("--out needs --period: the management review is of a period")
        at = parse_at(options.get("at"), desk.clock)
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

    def _review(
        self, desk: ComplaintsDesk, profile: ProcessProfile | None, options: dict[str, object]
    ) -> None:
        """``--period``: the management review, written to each ``--out`` file."""
        policy = desk.policy if isinstance(desk.policy, SlaPolicy) else None
        zone: str | tzinfo = timezone.get_default_timezone()
        if isinstance(options.get("zone"), str):
            zone = str(options["zone"])
        elif policy is not None:
            zone = policy.calendar.zone
        given = options.get("out")
        outs = [Path(str(o)) for o in given] if isinstance(given, list) else []
        customers = options.get("customers")
        try:
            period = Period.parse(str(options["period"]), tz=zone)
            for out in outs:
                review_format(out)
            at = options.get("at")
            review = review_store(
                desk.store,
                period,
                policy=policy,
                profile=profile,
                at=None if at is None else parse_at(at, desk.clock),
                customers=customers if isinstance(customers, int) else None,
                fail_at=FindingSeverity(options.get("fail_at", FindingSeverity.MINOR.value)),
                generated_at=desk.clock(),
            )
            for out in outs:
                write_review(review, out)
        except (Iso10002Error, OSError) as exc:
            raise CommandError(str(exc)) from None
        if options.get("json"):
            self.stdout.write(review.to_json())
        else:
            s = review.summary
            verdict = "passed" if review.conformance.passed else "FAILED"
            self.stdout.write(
                f"{period.label}: {s.received:,} received, {s.closed:,} closed, "
                f"{s.open_at_end:,} open at the end; conformance {verdict}"
            )
            for out in outs:
                self.stdout.write(f"wrote {out}")
        if options.get("strict") and not review.conformance.passed:
            failed = ", ".join(r.principle.value for r in review.conformance.failed)
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
