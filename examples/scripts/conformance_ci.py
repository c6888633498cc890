"""Conformance checks in CI: check every complaint and the process, report, fail the build.

A stand-in for a host's nightly job. The complaints come from the library's seeded demo
simulation (a real host reads its own store); the process profile from a JSON file the host
keeps beside its configuration (``--profile``), or a ready-made one. The report is printed,
written as JSON (``--report``) and the audit checklist as Markdown (``--checklist``); the
exit code is 1 when a principle fails at ``--fail-at`` or above, so CI stops.

Run: ``python examples/scripts/conformance_ci.py --complaints 300 --report conformance.json``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from iso10002.demo import simulate
from iso10002.principles import (
    CheckContext,
    FindingSeverity,
    ProcessProfile,
    check_conformance,
)
from iso10002.serialization import from_json
from iso10002.sla import presets
from iso10002.storage import InMemoryStore
from iso10002.testing.builders import conforming_profile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, help="the process profile, as JSON")
    parser.add_argument("--report", type=Path, help="write the report here, as JSON")
    parser.add_argument("--checklist", type=Path, help="write the audit checklist here")
    parser.add_argument("--fail-at", default="minor", choices=[s.value for s in FindingSeverity])
    parser.add_argument("--policy", default="fca.disp.standard", help="the SLA preset to judge by")
    args = parser.parse_args(argv)

    store = InMemoryStore()
    simulate(store, complaints=args.complaints, seed=args.seed)
    now = max(c.last_event_at for c in store.find())  # the end of the simulated quarter
    profile = (
        from_json(args.profile.read_text(encoding="utf-8"), ProcessProfile)
        if args.profile
        else conforming_profile(now)
    )
    # With the SLA policy, acknowledgement, deadlines and updates are judged too.
    policy = presets.get(args.policy)
    context = CheckContext(at=now, policy=policy, integrity=store.verify_integrity())
    report = check_conformance(
        ((c, store.history(c.id)) for c in store.find()),
        context,
        profile=profile,
        fail_at=FindingSeverity(args.fail_at),
    )
    print(report.to_text(limit=3))
    if args.report:
        args.report.write_text(report.to_json(indent=2), encoding="utf-8")
    if args.checklist:
        args.checklist.write_text(report.checklist().to_markdown() + "\n", encoding="utf-8")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
