"""Conformance checks over a population: throughput, linearity, and the cost of each check.

One run, printed as Markdown tables (never asserted in tests):

1. every built-in complaint check (the SLA ones on the FCA DISP preset) over 25,000, 50,000
   and 100,000 complaints, with the store's integrity report in the context (how a host runs
   it: the store verified its chains once), and over 100,000 again verifying each history
   by replaying it instead;
2. the cost of each check per complaint, so a new check can be judged against the budget
   (each SLA check evaluates the policy itself here: run together, they share one
   evaluation per complaint).

No peer implements ISO 10002 checks (reference/peers.md, section 0), so the baselines are the
target of issue 5 (at least 20,000 complaints a second, linear in the number of complaints)
and the smallest run, for linearity. On a shared machine the wall clock counts the time
other processes took too: the last column divides by this process's CPU time instead. The
population is a mix of states; about one complaint in eight has something wrong with it, so
findings are made too. ``gc.freeze()`` after building keeps the collector off the
population, as ``benchmarks/lifecycle.py`` does.

The SLA checks share one evaluation per complaint, without words
(``SlaPolicy.evaluate(..., explain=False, stages=...)``); a finding's message asks for the
explanation of its one target. Measured on the 2-core VM while other jobs loaded it (load
average 12-20, so the wall clock says little), this code and the code before the faster SLA
evaluation run side by side, CPU complaints/s of the integrity-report rows:

| complaints | before | after | ratio |
|---:|---:|---:|---:|
| 25,000 | 10,601 | 21,544 | 2.0x |
| 50,000 | 11,323 | 21,368 | 1.9x |
| 100,000 | 10,019 | 21,256 | 2.1x |

Instructions (callgrind, 1,000 complaints of this mix): 574k per complaint before, 305k
after, of which 110k are the checks that need no SLA policy.

Run: ``python benchmarks/principles.py`` (``--complaints`` for the largest run).
"""

from __future__ import annotations

import argparse
import gc
import platform
import time
from collections.abc import Sequence
from datetime import timedelta

import attrs

from iso10002.events import Closed, Event
from iso10002.integrity import IntegrityProblem, IntegrityReport
from iso10002.model import Complaint, ComplaintState
from iso10002.principles import DEFAULT_REGISTRY, CheckContext, check_conformance
from iso10002.replay import replay
from iso10002.sla import presets
from iso10002.testing.builders import START, conforming_history, history_to

TARGET = 20_000  # complaints per second, issue 5
Pair = tuple[Complaint, tuple[Event, ...]]
OPEN_STATES = [
    ComplaintState.RECEIVED,
    ComplaintState.ACKNOWLEDGED,
    ComplaintState.INVESTIGATING,
    ComplaintState.RESPONDED,
    ComplaintState.ESCALATED,
    ComplaintState.REFERRED,
    ComplaintState.WITHDRAWN,
]


def history(n: int) -> tuple[Event, ...]:
    """The ``n``-th complaint's history: mostly conforming, one in eight with a fault."""
    cid, at = f"C-{n:07d}", START + timedelta(minutes=n)
    kind = n % 16
    if kind < 10:  # closed the way the checks want it
        return conforming_history(cid, at)
    if kind == 10:  # closed without a root cause and no survey offered: two findings
        return history_to("closed", complaint_id=cid, at=at)
    if kind == 11:  # closed by the person complained about: one finding
        events = conforming_history(cid, at)
        return tuple(
            attrs.evolve(e, actor="agent:zed") if isinstance(e, Closed) else e for e in events
        )
    return history_to(OPEN_STATES[n % len(OPEN_STATES)], complaint_id=cid, at=at)


def population(count: int) -> list[Pair]:
    pairs = []
    for n in range(count):
        events = history(n)
        pairs.append((replay(events), events))
    return pairs


def timed_run(pairs: Sequence[Pair], context: CheckContext) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of one run, and the findings it made."""
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    report = check_conformance(pairs, context)
    return time.perf_counter() - started, time.process_time() - cpu, len(report.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    args = parser.parse_args()
    largest = args.complaints
    built = time.perf_counter()
    pairs = population(largest)
    built = time.perf_counter() - built
    gc.freeze()
    at = max(c.last_event_at for c, _ in pairs) + timedelta(days=30)
    # What a store's verify_integrity() would hand over: one complaint in a thousand broken.
    broken = tuple(
        IntegrityProblem(c.id, 2, "edited", "content no longer matches its hash")
        for c, _ in pairs[::1000]
    )
    # The SLA checks judge the population against the FCA's DISP deadlines.
    policy = presets.get("fca.disp.standard")
    report = IntegrityReport(checked=largest, problems=broken)
    with_report = CheckContext(at=at, integrity=report, policy=policy)
    by_replay = CheckContext(at=at, policy=policy)
    checks = DEFAULT_REGISTRY.complaint_checks

    print(
        f"iso10002 principles benchmark: {len(checks)} complaint checks, population of "
        f"{largest:,} built in {built:.1f} s; Python {platform.python_version()}"
    )
    print()
    print(
        "| run | complaints | findings | seconds | complaints/s | µs/complaint "
        "| vs target | vs smallest | CPU complaints/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    sizes = sorted({max(1, largest // 4), max(1, largest // 2), largest})
    timed_run(pairs[:1_000], with_report)  # warm up: first calls, the context's caches
    smallest: float | None = None
    rows = [("integrity report", size, with_report) for size in sizes]
    rows.append(("replaying each history", largest, by_replay))
    for name, size, context in rows:
        seconds, cpu, findings = timed_run(pairs[:size], context)
        per = seconds / size
        if smallest is None:
            smallest = per
        rate = size / seconds
        verdict = "met" if rate >= TARGET else "MISSED"
        print(
            f"| {name} | {size:,} | {findings:,} | {seconds:.2f} | {rate:,.0f} | "
            f"{per * 1e6:.1f} | {rate / TARGET:.1f}x {verdict} | {per / smallest:.2f}x | "
            f"{size / cpu:,.0f} |"
        )
    print()
    print(f"Per check, over {largest:,} complaints (integrity report in the context):")
    print()
    print("| check | clause | µs/complaint | CPU µs/complaint |")
    print("|---|---|---:|---:|")
    for check in checks:
        function = check.function
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        for complaint, events in pairs:
            function(complaint, events, with_report)
        per = (time.perf_counter() - started) / largest
        per_cpu = (time.process_time() - cpu) / largest
        print(f"| `{check.name}` | {check.clause} | {per * 1e6:.2f} | {per_cpu * 1e6:.2f} |")


if __name__ == "__main__":
    main()
