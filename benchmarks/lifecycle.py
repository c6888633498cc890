"""Lifecycle on bulk paths: a python-statemachine machine per complaint vs the compiled table.

One run, printed as a table with ratios (never asserted in tests):

1. listing the events each of 100,000 complaints (in mixed states) may take now;
2. replaying 8 events per complaint into snapshots, guards checked.

The machine side builds a ``ComplaintLifecycle`` per complaint, as a library without a
compiled table would; both sides fold the same events with the same guard functions. The
machine side is timed on a sample (``--sample``, default 5,000 complaints) because it is slow;
rates are per complaint. Targets from issue 2: listing at least 300x faster, replay at least
30x faster.

Run: ``python benchmarks/lifecycle.py`` (``--complaints``, ``--sample``).
"""

from __future__ import annotations

import argparse
import gc
import platform
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

import statemachine

from iso10002.events import Event
from iso10002.lifecycle import TRANSITIONS, ComplaintLifecycle, LifecycleRules, _Slot
from iso10002.model import Complaint, ComplaintState
from iso10002.replay import apply, replay
from iso10002.testing.builders import START, history_to

RULES = LifecycleRules(reopen_window=timedelta(days=28))
STATES = [s for s in ComplaintState if s is not ComplaintState.NEW]


def build(count: int) -> tuple[list[Complaint], list[tuple[Event, ...]]]:
    snapshots, histories = [], []
    for n in range(count):
        state = STATES[n % len(STATES)]
        start = START + timedelta(minutes=n)
        events = history_to(state, complaint_id=f"C-{n:06d}", at=start)
        snapshots.append(replay(events))
        histories.append(history_to("closed", complaint_id=f"H-{n:06d}", at=start))
    return snapshots, histories


def timed(work: Callable[[], object], items: int) -> float:
    """Seconds per item for one run of ``work`` over ``items`` items."""
    gc.collect()
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) / items


def list_with_machines(snapshots: Sequence[Complaint]) -> None:
    for c in snapshots:
        machine = ComplaintLifecycle(model=_Slot(c.state.value))
        machine.enabled_events(complaint=c, at=c.last_event_at, rules=RULES, change=None)


def list_with_table(snapshots: Sequence[Complaint]) -> None:
    allowed = TRANSITIONS.allowed_events
    for c in snapshots:
        allowed(c, c.last_event_at, RULES)


def replay_with_machines(histories: Sequence[tuple[Event, ...]]) -> None:
    for events in histories:
        machine = ComplaintLifecycle(model=_Slot("new"))
        complaint = None
        for event in events:
            machine.send(
                event.lifecycle_event, complaint=complaint, change=event, at=event.at, rules=RULES
            )
            complaint = apply(complaint, [event], rules=RULES, check=False)


def replay_with_table(histories: Sequence[tuple[Event, ...]]) -> None:
    for events in histories:
        replay(events, rules=RULES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000)
    args = parser.parse_args()
    snapshots, histories = build(args.complaints)
    gc.freeze()
    sample = min(args.sample, args.complaints)

    rows = [
        (
            "list events allowed now",
            timed(lambda: list_with_machines(snapshots[:sample]), sample),
            timed(lambda: list_with_table(snapshots), len(snapshots)),
            300,
        ),
        (
            "replay 8 events, guards checked",
            timed(lambda: replay_with_machines(histories[:sample]), sample),
            timed(lambda: replay_with_table(histories), len(histories)),
            30,
        ),
    ]
    print(
        f"iso10002 lifecycle benchmark: {args.complaints:,} complaints "
        f"(machine side on {sample:,}); python-statemachine {statemachine.__version__}, "
        f"Python {platform.python_version()}"
    )
    print()
    print("| operation | machine per complaint | compiled table | ratio | target |")
    print("|---|---:|---:|---:|---:|")
    for name, machine, table, target in rows:
        ratio = machine / table
        verdict = "met" if ratio >= target else "MISSED"
        print(
            f"| {name} | {machine * 1e6:,.1f} µs | {table * 1e6:,.2f} µs | "
            f"{ratio:,.0f}x | ≥{target}x {verdict} |"
        )
    for name, machine, table, _ in rows:
        print(
            f"{name}: 100,000 complaints take {machine * 1e5:,.1f} s with machines, "
            f"{table * 1e5:,.2f} s with the table"
        )


if __name__ == "__main__":
    main()
