"""The management review: what one review costs, and the charts against matplotlib's.

One run, printed as Markdown tables (never asserted in tests):

1. the review of a quarter over 10,000 and 50,000 complaints, end to end from the records
   (``management_review``: the summary and the conformance checks in one read of the
   complaints), against its two parts run alone (``summarize``, and ``check_conformance``
   over the same records); then rendering the page, the JSON and the CSV. The ratio of
   the review to the sum of its parts is the cost of doing them together (1.00: none).
2. the five charts of the page drawn by ``iso10002.metrics.charts`` against matplotlib
   drawing the same five to SVG (the usual way to put a chart in a self-contained page),
   per chart, with the size of the SVG text. matplotlib is optional (``pip install
   matplotlib``); without it that table says so.

The population is a quarter of complaints from the testing builders: four in five handled
to closure along a conforming history, one in five left under investigation, received
through 2026 Q3. ``gc.freeze()`` after building keeps the collector off the population.

Run: ``python benchmarks/report.py`` (``--complaints 10000 50000`` for other sizes).
"""

from __future__ import annotations

import argparse
import gc
import io
import platform
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from iso10002.events import Event
from iso10002.metrics import ManagementReview, Period, management_review, summarize
from iso10002.metrics.charts import bar_chart, histogram, line_chart, pareto_chart
from iso10002.model import Complaint
from iso10002.principles import CheckContext, check_conformance
from iso10002.replay import replay
from iso10002.sla import presets
from iso10002.testing.builders import conforming_history, history_to

Q3 = Period.parse("2026Q3")
MADE = datetime(2026, 10, 1, 7, tzinfo=timezone.utc)
POLICY = presets.get("fca.disp.standard", nation="ENG")


def population(count: int) -> tuple[list[Complaint], dict[str, tuple[Event, ...]]]:
    """``count`` complaints received evenly through Q3, with their histories by id."""
    step = (Q3.end - Q3.start - timedelta(days=2)) / count
    complaints, histories = [], {}
    for n in range(count):
        at = Q3.start + step * n
        cid = f"C-{n:06d}"
        events = history_to("investigating", cid, at) if n % 5 == 4 else conforming_history(cid, at)
        complaints.append(replay(events))
        histories[cid] = events
    return complaints, histories


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings of ``work()``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def review_table(sizes: Sequence[int]) -> None:
    print("| complaints | summarize | check_conformance | parts together | review | review / parts "
          "| to_html | to_json | to_csv | page size |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        review_row(size)


def review_row(size: int) -> None:
    """One line of the review table: ``size`` complaints, each step timed."""
    complaints, histories = population(size)
    gc.freeze()
    runs = 3 if size <= 10_000 else 1
    context = CheckContext(at=Q3.end, policy=POLICY)

    def review() -> ManagementReview:
        return management_review(
            complaints, Q3, policy=POLICY, history=histories.__getitem__, generated_at=MADE
        )

    alone = best_of(runs, lambda: summarize(complaints, Q3, policy=POLICY, at=Q3.end))
    checks = best_of(
        runs, lambda: check_conformance(((c, histories[c.id]) for c in complaints), context)
    )
    whole = best_of(runs, review)
    made = review()
    page = made.to_html()
    html, data, table = (best_of(runs, render) for render in (made.to_html, made.to_json,
                                                               made.to_csv))  # fmt: skip
    parts = alone + checks
    print(
        f"| {size:,} | {alone:.2f} s | {checks:.2f} s | {parts:.2f} s | {whole:.2f} s | "
        f"{whole / parts:.2f} | {html * 1e3:.1f} ms | {data * 1e3:.1f} ms | "
        f"{table * 1e3:.1f} ms | {len(page.encode()) / 1024:.0f} KiB |"
    )
    gc.unfreeze()


WEEKS = [f"{d} {m}" for m, days in (("Jul", (6, 13, 20, 27)), ("Aug", (3, 10, 17, 24, 31)),
         ("Sep", (7, 14, 21, 28))) for d in days]  # fmt: skip
RECEIVED = [40, 45, 52, 38, 41, 47, 50, 39, 44, 46, 48, 51, 30]
CLOSED = [10, 30, 40, 45, 42, 44, 46, 41, 43, 44, 45, 47, 35]
SLA = [("acknowledge", 97.5), ("final response", 91.2), ("early resolution", 99.0)]
BANDS = [("0-3 days", 40), ("4-7 days", 55), ("8-15 days", 80), ("16-28 days", 60),
         ("29-56 days", 30), ("over 8 weeks", 8)]  # fmt: skip
CAUSES = [("process", 60), ("system", 40), ("people", 35), ("communication", 20),
          ("third party", 8)]  # fmt: skip
BACKLOG = [("0-7 days", 30), ("8-28 days", 20), ("29-56 days", 9), ("over 8 weeks", 3)]


def ours() -> dict[str, Callable[[], str]]:
    return {
        "volume trend (lines)": lambda: line_chart(
            WEEKS, [("received", RECEIVED), ("closed", CLOSED)], title="Volume trend",
            description="Per week.", x_label="Week starting", y_label="Complaints"),
        "SLA compliance (bars)": lambda: bar_chart(
            SLA, title="SLA compliance", description="Met.", x_label="Target",
            y_label="Met (%)", suffix="%", decimals=1, max_value=100),
        "time to response (histogram)": lambda: histogram(
            BANDS, title="Time to final response", description="Days.", x_label="Days"),
        "root causes (Pareto)": lambda: pareto_chart(
            CAUSES, title="Root causes", description="Closed complaints."),
        "backlog ageing (bars)": lambda: bar_chart(
            BACKLOG, title="Backlog ageing", description="Open.", x_label="Age",
            y_label="Open complaints"),
    }  # fmt: skip


def theirs() -> dict[str, Callable[[], str]] | None:
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    def svg(draw: Callable[[Any], None]) -> str:
        figure, axes = plt.subplots(figsize=(6.4, 3.0))
        draw(axes)
        out = io.StringIO()
        figure.savefig(out, format="svg")
        plt.close(figure)
        return out.getvalue()

    def bars(data: Sequence[tuple[str, float]], width: float = 0.7) -> Callable[[Any], None]:
        def draw(axes: Any) -> None:
            labels, values = zip(*data, strict=True)
            drawn = axes.bar(labels, values, width=width)
            axes.bar_label(drawn)

        return draw

    def trend(axes: Any) -> None:
        axes.plot(WEEKS, RECEIVED, marker="o", label="received")
        axes.plot(WEEKS, CLOSED, marker="s", linestyle="--", label="closed")
        axes.legend()

    def pareto(axes: Any) -> None:
        labels, counts = zip(*CAUSES, strict=True)
        axes.bar(labels, counts)
        running = [sum(counts[: i + 1]) * 100 / sum(counts) for i in range(len(counts))]
        twin = axes.twinx()
        twin.plot(labels, running, marker="o", color="#E69F00")
        twin.axhline(80, linestyle="--")

    return {
        "volume trend (lines)": lambda: svg(trend),
        "SLA compliance (bars)": lambda: svg(bars(SLA)),
        "time to response (histogram)": lambda: svg(bars(BANDS, width=1.0)),
        "root causes (Pareto)": lambda: svg(pareto),
        "backlog ageing (bars)": lambda: svg(bars(BACKLOG)),
    }


def chart_table() -> None:
    mine = ours()
    peer = theirs()
    if peer is None:
        print("matplotlib is not installed (`pip install matplotlib`): no comparison.")
        print()
        print("| chart | iso10002 | SVG size |")
        print("|---|---:|---:|")
        for name, draw in mine.items():
            took = best_of(50, draw)
            print(f"| {name} | {took * 1e3:.2f} ms | {len(draw().encode()) / 1024:.1f} KiB |")
        return
    import matplotlib

    print(f"matplotlib {matplotlib.__version__} (Agg, SVG output):")
    print()
    print("| chart | iso10002 | matplotlib | matplotlib / iso10002 | iso10002 SVG | "
          "matplotlib SVG |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    total_mine = total_peer = 0.0
    for name, draw in mine.items():
        took = best_of(50, draw)
        other = best_of(5, peer[name])
        total_mine += took
        total_peer += other
        print(
            f"| {name} | {took * 1e3:.2f} ms | {other * 1e3:.1f} ms | {other / took:,.0f}x | "
            f"{len(draw().encode()) / 1024:.1f} KiB | {len(peer[name]().encode()) / 1024:.1f} KiB |"
        )
    print(
        f"| **all five** | {total_mine * 1e3:.2f} ms | {total_peer * 1e3:.1f} ms | "
        f"{total_peer / total_mine:,.0f}x | | |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, nargs="+", default=[10_000, 50_000])
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}; FCA DISP standard policy")
    print()
    print("Review of 2026 Q3 (best of 3 runs; 1 for the largest):")
    print()
    review_table(args.complaints)
    print()
    chart_table()


if __name__ == "__main__":
    main()
