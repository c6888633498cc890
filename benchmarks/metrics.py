"""Metrics: the full metric summary over 1,000,000 complaints from a SQLite store, against pandas.

Generates the complaints once (seeded, varied histories: every state, outcomes, redress in
two currencies, root causes, satisfaction, vulnerability, reopenings, escalations and
referrals; through ``SQLiteStore.import_histories``, so validated, sealed and with their
metric facts) into a file that later runs reuse, then runs each contender in a fresh
subprocess that reports its time and peak resident memory (``VmHWM``):

* **pushdown**: ``summarize_store(store, period)``: the aggregates run in SQLite on the
  metric facts (:mod:`iso10002.metrics.pushdown`).
* **breakdown by product**: ``summarize_store(store, period, by="product")``: the same
  figures for each product too, in SQLite (every query grouped by the complaint's product).
* **pure streaming**: ``summarize_store(store, period, by="product", pushdown=False)``:
  every snapshot streamed out of the store by ``find()`` and through the one-pass
  ``summarize``, the breakdown by product in the same pass (one streaming run serves both
  comparisons: its top-level figures are the summary's).
* **pandas**: ``pandas.read_sql`` of the same facts table into a DataFrame (timed apart as
  *load*), then the same figures with vectorised pandas and numpy (business days with
  ``numpy.busday_offset``: the default calendar is Monday to Friday, 09:00-17:00 UTC).
* **pushdown with a policy** (information): the same with the demo's FCA policy, which adds
  business-time durations and SLA compliance, streamed through the policy's clock.

The period is the year 2026 (the complaints arrive from October 2025 to December 2026).
The benchmark checks that pandas' figures and the pure function's equal the pushdown's,
and the pure function's groups the pushed-down breakdown's.
Targets (issue 6): the pushdown end to end within 2x of pandas' load + compute, and peak
memory under 500 MB.

Run: ``python benchmarks/metrics.py`` (``--complaints N`` or ``ISO10002_BENCH_COMPLAINTS``
for a quicker run; ``--dir`` keeps the generated file between runs, default the system's
temporary folder; ``--no-policy`` skips the last contender).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import islice
from pathlib import Path

from iso10002.events import (
    Acknowledged,
    Assessed,
    Assigned,
    Closed,
    DecisionCommunicated,
    DecisionMade,
    Escalated,
    Event,
    InvestigationStarted,
    Received,
    ReferredExternally,
    Reopened,
    ResponseAccepted,
    ResponseRejected,
    RootCauseRecorded,
    SatisfactionRecorded,
    Withdrawn,
)
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complexity,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RedressKind,
    RemedyRequest,
    RootCause,
    Satisfaction,
    Severity,
    Vulnerability,
)
from iso10002.storage import SQLiteStore

GENERATOR_VERSION = 1  # bump when histories() changes: cached files are named after it
PRODUCTS = {
    "current account": ("fees", "overdraft", "account closure"),
    "credit card": ("interest", "fraud", "statement"),
    "mortgage": ("arrears", "rate switch", "payment"),
    "savings": ("interest", "access"),
    "insurance": ("claim handling", "renewal price"),
}
TEAM = ("agent:amira", "agent:ben", "agent:chloe", "agent:dev", "agent:eve")
CAUSES = ("process", "system", "people", "communication", "third party")
AMOUNTS = tuple(Decimal(v) for v in ("10", "25", "50", "75.50", "100", "150", "250", "500.25"))
FIRST = datetime(2025, 10, 1, tzinfo=timezone.utc)
LAST = datetime(2027, 1, 1, tzinfo=timezone.utc)
PLAIN = Complainant(name="A Person")
VULNERABLE = Complainant(name="A Person", vulnerability=Vulnerability(identified=True))
REMEDY = RemedyRequest()
EMAIL = ContactMethod.EMAIL


def histories(count: int, seed: int = 10002) -> Iterator[tuple[Event, ...]]:
    rng = random.Random(seed)
    span = int((LAST - FIRST).total_seconds())
    channels = list(Channel)
    for n in range(count):
        at = FIRST + timedelta(seconds=rng.randrange(span))
        product = rng.choice(sorted(PRODUCTS))
        category = rng.choice(PRODUCTS[product])
        handler = rng.choice(TEAM)
        cid = f"B-{n:07d}"
        events: list[Event] = [
            Received(
                at=at,
                actor=handler,
                complaint_id=cid,
                channel=rng.choice(channels),
                complainant=VULNERABLE if rng.random() < 0.12 else PLAIN,
                description="x",
                classification=Classification(product=product, category=category),
                remedy_requested=REMEDY,
            )
        ]

        def step(low: float, high: float) -> datetime:
            nonlocal at
            at = at + timedelta(seconds=rng.uniform(low, high) * 3600)
            return at

        path = rng.random()
        if path < 0.03:
            yield tuple(events)
            continue
        events.append(Acknowledged(at=step(0.1, 60), actor=handler, method=EMAIL))
        events.append(Assigned(at=step(0.1, 2), actor="lead:kim", assignee=handler))
        if path < 0.07:
            yield tuple(events)
            continue
        if path < 0.11:
            events.append(Withdrawn(at=step(1, 200), actor="complainant"))
            yield tuple(events)
            continue
        events.append(
            Assessed(
                at=step(0.5, 24),
                actor=handler,
                severity=rng.choice(list(Severity)),
                complexity=Complexity.SIMPLE,
                impact=Impact.LOW,
            )
        )
        events.append(InvestigationStarted(at=step(0.1, 8), actor=handler, investigator=handler))
        if path < 0.18:
            yield tuple(events)
            continue
        outcome = rng.choices(list(Outcome)[:4], weights=(35, 20, 35, 10))[0]
        redress = None
        if outcome.is_upheld or rng.random() < 0.05:
            currency = "GBP" if rng.random() < 0.9 else "EUR"
            redress = Redress(Money(rng.choice(AMOUNTS), currency), RedressKind.COMPENSATION)
        quick = rng.random() < 0.3
        events.append(
            DecisionMade(
                at=step(1, 40 if quick else 1800),
                actor=handler,
                outcome=outcome,
                reasons="r",
                redress=redress,
            )
        )
        events.append(
            DecisionCommunicated(
                at=step(0.5, 20), actor=handler, method=EMAIL, recourse_explained=True
            )
        )
        if path < 0.23:
            yield tuple(events)
            continue
        if path < 0.27:
            events.append(ResponseRejected(at=step(1, 200), actor="complainant"))
            if path < 0.25:
                events.append(ReferredExternally(at=step(1, 48), actor=handler, body="FOS"))
            else:
                events.append(Escalated(at=step(1, 24), actor=handler, reason="r", to="lead:kim"))
            yield tuple(events)
            continue
        events.append(
            RootCauseRecorded(
                at=step(1, 48), actor=handler, root_cause=RootCause(rng.choice(CAUSES))
            )
        )
        if rng.random() < 0.7:
            events.append(ResponseAccepted(at=step(1, 100), actor="complainant"))
        events.append(Closed(at=step(1, 72), actor=handler))
        if rng.random() < 0.45:
            score = rng.choices((1, 2, 3, 4, 5), weights=(8, 10, 20, 35, 27))[0]
            events.append(
                SatisfactionRecorded(
                    at=step(12, 200), actor="complainant", satisfaction=Satisfaction(score)
                )
            )
        if rng.random() < 0.04:
            events.append(Reopened(at=step(48, 400), actor=handler, reason="r"))
            if rng.random() < 0.6:
                events.append(
                    DecisionMade(
                        at=step(2, 48),
                        actor=handler,
                        outcome=Outcome.UPHELD,
                        reasons="r",
                        redress=Redress(Money(Decimal(30), "GBP")),
                    )
                )
                events.append(
                    DecisionCommunicated(
                        at=step(0.5, 10), actor=handler, method=EMAIL, recourse_explained=True
                    )
                )
                events.append(Closed(at=step(1, 48), actor=handler))
        yield tuple(events)


def store_file(count: int, folder: Path) -> Path:
    """A store file holding ``histories(count)``: made once, then reused from ``folder``."""
    path = folder / f"iso10002-metrics-{count}-g{GENERATOR_VERSION}.sqlite3"
    if path.exists():
        SQLiteStore(path).close()  # brings an older file's schema (and facts) up to date
        return path
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    source = histories(count)
    done = 0
    with SQLiteStore(partial, durability="normal") as store:
        while batch := list(islice(source, 50_000)):
            store.import_histories(batch)
            done += len(batch)
            rate = done / (time.perf_counter() - started)
            print(f"  generated {done:,} of {count:,} complaints ({rate:,.0f}/s)", file=sys.stderr)
        store.checkpoint()
    partial.rename(path)
    return path


# --- the contenders, each run in a subprocess of its own --------------------------------------

PERIOD = "2026"
BY = "product"  # the breakdown timed: five products
COMPARED = (
    "received",
    "open_at_start",
    "closed",
    "withdrawn",
    "open_at_end",
    "handled",
    "backlog_age_buckets",
    "time_to_acknowledge",
    "time_to_final_response",
    "closed_within",
    "upheld",
    "upheld_rate",
    "redress_total",
    "reopened",
    "reopen_rate",
    "escalated",
    "escalation_rate",
    "referred",
    "referral_rate",
    "first_contact_resolved",
    "first_contact_resolution_rate",
    "satisfaction",
    "root_causes",
    "root_cause_missing",
    "vulnerable",
    "vulnerability_unknown",
    "vulnerable_share",
    "weekly",
    "monthly",
)
"""The figures compared between contenders (all but the policy's, which pandas lacks)."""


def peak_mb() -> float:
    """This process's own high-water mark of resident memory, in MB."""
    try:  # ru_maxrss of a child would include what its parent had before the exec, on Linux
        with open("/proc/self/status") as status:
            kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        import resource

        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux and BSD
    return kb / 1024


def run_ours(path: str, how: str) -> dict[str, object]:
    from iso10002.demo import demo_policy
    from iso10002.metrics import Period, summarize_store

    period = Period.parse(PERIOD)
    started = time.perf_counter()
    with SQLiteStore(path) as store:
        if how == "pushdown":
            summary = summarize_store(store, period)
        elif how == "policy":
            summary = summarize_store(store, period, policy=demo_policy())
        elif how == "breakdown":
            summary = summarize_store(store, period, by=BY)
        else:
            summary = summarize_store(store, period, by=BY, pushdown=False)
    seconds = time.perf_counter() - started
    figures = summary.to_dict()
    groups = {}
    for label, group in summary.groups.items():
        of_group = group.to_dict()
        groups[label] = {k: of_group[k] for k in COMPARED}
    return {"seconds": seconds, "figures": {k: figures[k] for k in COMPARED}, "groups": groups}


def run_pandas(path: str) -> dict[str, object]:
    import pandas as pd

    started = time.perf_counter()
    with sqlite3.connect(path) as db:
        frame = pd.read_sql("SELECT * FROM complaint_facts", db)
    loaded = time.perf_counter()
    figures = pandas_figures(frame)
    return {
        "seconds": time.perf_counter() - started,
        "load_seconds": loaded - started,
        "figures": figures,
    }


def pandas_figures(df: object) -> dict[str, object]:
    """The figures of ``summarize`` (no policy) from a DataFrame of the facts table."""
    import numpy as np
    import pandas as pd

    from iso10002.metrics import Period
    from iso10002.storage.common import to_micros

    assert isinstance(df, pd.DataFrame)
    period = Period.parse(PERIOD)
    s, e = to_micros(period.start), to_micros(period.end)
    day = 86_400_000_000
    f = df[df["received_at"] < e]
    r = f["received_at"]

    def within(column: str) -> pd.Series:
        values = f[column]
        return (values >= s) & (values < e)

    def ended_before(bound: int) -> pd.Series:
        return (f["closed_at"] < bound) | (f["withdrawn_at"] < bound)

    def any_instant(column: str, low: int | None, high: int) -> pd.Series:
        values = f[column].dropna().map(json.loads).explode().astype("int64")
        hit = values < high if low is None else (values >= low) & (values < high)
        found = hit.groupby(level=0).any()
        return found.reindex(f.index, fill_value=False).astype(bool)

    def rate(numerator: int, denominator: int) -> float | None:
        return numerator / denominator if denominator else None

    def durations(milestone: str) -> dict[str, float | int | None]:
        spent = (f[milestone] - r)[within(milestone)].astype("int64")
        n = len(spent)
        if n == 0:
            return {"count": 0, "mean": None, "median": None, "p90": None, "max": None}
        quotient, remainder = divmod(int(spent.sum()), n)
        mean = quotient + (1 if 2 * remainder >= n else 0)
        return {
            "count": n,
            "mean": mean / 1e6,
            "median": round(spent.quantile(0.5)) / 1e6,
            "p90": round(spent.quantile(0.9)) / 1e6,
            "max": int(spent.max()) / 1e6,
        }

    def close_of_business(received: pd.Series, n: int) -> np.ndarray:
        # The default calendar: Monday to Friday, 09:00-17:00 UTC, no holidays.
        days = (received.to_numpy(dtype="int64") // day).astype("datetime64[D]")
        roll = "forward" if n == 0 else "backward"
        business = np.busday_offset(days, n, roll=roll).astype("int64")
        return business * day + 17 * 3_600_000_000

    received_in = r >= s
    closed_in = within("closed_at")
    open_at_end = ~ended_before(e)
    age = (e - r) // day
    backlog = [
        int((open_at_end & (age <= 7)).sum()),
        int((open_at_end & (age > 7) & (age <= 28)).sum()),
        int((open_at_end & (age > 28) & (age <= 56)).sum()),
        int((open_at_end & (age > 56)).sum()),
    ]
    received = int(received_in.sum())
    open_at_start = int(((r < s) & ~ended_before(s)).sum())
    closed = int(closed_in.sum())
    handled = received + open_at_start

    shut = f[closed_in]
    # Resolved at the final response, or at the closure when there was none before it.
    final_at = shut["final_response_at"]
    closure = shut["closed_at"]
    closed_at = final_at.where(final_at.notna() & (final_at <= closure), closure).to_numpy(
        dtype="int64"
    )
    shut_received = shut["received_at"]
    early = closed_at <= close_of_business(shut_received, 3)
    eight_weeks = closed_at <= shut_received.to_numpy(dtype="int64") + 56 * day
    days_of = shut_received.to_numpy(dtype="int64") // day
    fifteen = closed_at <= (days_of + 16) * day - 1
    sixty = closed_at <= (days_of + 61) * day - 1
    bands = {
        "within 3 business days": int(early.sum()),
        "within 8 weeks": int((~early & eight_weeks).sum()),
        "after 8 weeks": int((~early & ~eight_weeks).sum()),
        "within 15 days": int(fifteen.sum()),
        "within 60 days": int((~fifteen & sixty).sum()),
        "after 60 days": int((~fifteen & ~sixty).sum()),
    }
    upheld = int((closed_in & (f["upheld"] == 1)).sum())
    redress: dict[str, object] = {}
    totals: dict[str, Decimal] = {}
    for text, count in shut["redress"].dropna().value_counts().items():
        for part in str(text).split(";"):
            currency, _, amount = part.partition(" ")
            totals[currency] = totals.get(currency, Decimal(0)) + Decimal(amount) * int(count)
    redress = {currency: str(totals[currency]) for currency in sorted(totals)}
    reopened_in = any_instant("reopenings", s, e)
    escalated_in = any_instant("escalations", s, e)
    reopened = int(reopened_in.sum())
    escalated = int(escalated_in.sum())
    referred = int(within("referred_at").sum())
    offered_in = within("survey_offered_at")
    score = f["satisfaction"]
    answered = score.notna() & (offered_in | (f["survey_offered_at"].isna() & closed_in))
    responses = int(answered.sum())
    offered = int(offered_in.sum())
    satisfaction = {
        "surveys_offered": offered,
        "responses": responses,
        "mean_score": float(score[answered].sum()) / responses if responses else None,
        "satisfied_share": rate(int((answered & (score >= 4)).sum()), responses),
        "response_rate": rate(int((answered & offered_in).sum()), offered),
    }
    causes = shut["root_cause"].value_counts()
    ranked = sorted(((str(k), int(v)) for k, v in causes.items()), key=lambda kv: (-kv[1], kv[0]))
    with_cause = sum(v for _, v in ranked)
    pareto, running = [], 0
    for category, count in ranked:
        running += count
        pareto.append(
            {"category": category, "count": count, "cumulative_share": running / with_cause}
        )
    vulnerable = int((received_in & (f["vulnerable"] == 1)).sum())
    unknown = int((received_in & f["vulnerable"].isna()).sum())
    final = f["final_response_at"]
    candidates = (
        received_in
        & (final < e)
        & f["withdrawn_at"].isna()
        & ~(f["referred_at"] < e)
        & ~any_instant("escalations", None, e)
        & ~any_instant("reopenings", None, e)
    )
    first = f[candidates]
    resolved = int(
        (
            first["final_response_at"].to_numpy(dtype="int64")
            <= close_of_business(first["received_at"], 1)
        ).sum()
    )

    def trend(parts: list[Period]) -> list[dict[str, object]]:
        starts = np.array([to_micros(p.start) for p in parts], dtype="int64")
        got = np.bincount(
            np.searchsorted(starts, r[received_in].to_numpy(dtype="int64"), side="right") - 1,
            minlength=len(parts),
        )
        shut_at = f["closed_at"][closed_in].to_numpy(dtype="int64")
        done = np.bincount(np.searchsorted(starts, shut_at, side="right") - 1, minlength=len(parts))
        return [
            {
                "period": p.label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "received": int(got[n]),
                "closed": int(done[n]),
            }
            for n, p in enumerate(parts)
        ]

    return {
        "received": received,
        "open_at_start": open_at_start,
        "closed": closed,
        "withdrawn": int(within("withdrawn_at").sum()),
        "open_at_end": sum(backlog),
        "handled": handled,
        "backlog_age_buckets": dict(
            zip(("0-7 days", "8-28 days", "29-56 days", "over 8 weeks"), backlog, strict=True)
        ),
        "time_to_acknowledge": durations("acknowledged_at"),
        "time_to_final_response": durations("final_response_at"),
        "closed_within": bands,
        "upheld": upheld,
        "upheld_rate": rate(upheld, closed),
        "redress_total": redress,
        "reopened": reopened,
        "reopen_rate": rate(reopened, int((closed_in | reopened_in).sum())),
        "escalated": escalated,
        "escalation_rate": rate(escalated, handled),
        "referred": referred,
        "referral_rate": rate(referred, handled),
        "first_contact_resolved": resolved,
        "first_contact_resolution_rate": rate(resolved, received),
        "satisfaction": satisfaction,
        "root_causes": pareto,
        "root_cause_missing": int(shut["root_cause"].isna().sum()),
        "vulnerable": vulnerable,
        "vulnerability_unknown": unknown,
        "vulnerable_share": rate(vulnerable, received - unknown),
        "weekly": trend(period.weeks()),
        "monthly": trend(period.months()),
    }


def child(path: str, how: str) -> None:
    """Run one contender and print its result as JSON (the parent reads it)."""
    result = run_pandas(path) if how == "pandas" else run_ours(path, how)
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def contender(path: Path, how: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", how, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def differences(ours: object, theirs: object, where: str = "") -> list[str]:
    """Where two JSON values differ (floats to within a microsecond or 1e-12)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = (
            []
            if ours.keys() == theirs.keys()
            else [f"{where}: keys {ours.keys()} vs {theirs.keys()}"]
        )
        for key in ours.keys() & theirs.keys():
            found += differences(ours[key], theirs[key], f"{where}.{key}")
        return found
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{where}: {len(ours)} items vs {len(theirs)}"]
        return [
            d
            for n, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for d in differences(a, b, f"{where}[{n}]")
        ]
    if isinstance(ours, float) or isinstance(theirs, float):
        if (
            ours is None
            or theirs is None
            or not math.isclose(
                float(ours),
                float(theirs),
                rel_tol=1e-12,
                abs_tol=1e-6,  # type: ignore[arg-type]
            )
        ):
            return [f"{where}: {ours!r} vs {theirs!r}"]
        return []
    return [] if ours == theirs else [f"{where}: {ours!r} vs {theirs!r}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--complaints",
        type=int,
        default=int(os.environ.get("ISO10002_BENCH_COMPLAINTS", "1000000")),
    )
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--no-policy", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("CONTENDER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[1], args.child[0])
        return
    path = store_file(args.complaints, args.dir)
    # pandas right after the pushdown: the two the target compares run under the same load.
    names = ["pushdown", "pandas", "breakdown", "pure"] + ([] if args.no_policy else ["policy"])
    results = {}
    for name in names:
        print(f"  running {name} ...", file=sys.stderr)
        results[name] = contender(path, name)
        done = results[name]
        print(f"  {name}: {done['seconds']:.2f} s, {done['peak_mb']:.0f} MB", file=sys.stderr)
    ours = results["pushdown"]
    for name in ("pure", "pandas", "breakdown"):
        found = differences(ours["figures"], results[name]["figures"])
        if found:
            raise SystemExit(
                f"{name}'s figures differ from the pushdown's:\n" + "\n".join(found[:20])
            )
    found = differences(results["breakdown"]["groups"], results["pure"]["groups"])
    if found or not results["pure"]["groups"]:
        raise SystemExit(
            "the pure function's groups differ from the pushed-down breakdown's:\n"
            + "\n".join(found[:20])
        )
    pandas_total = float(results["pandas"]["seconds"])  # type: ignore[arg-type]
    pandas_load = float(results["pandas"]["load_seconds"])  # type: ignore[arg-type]
    rows = [
        ("iso10002 pushdown (SQL on the metric facts)", ours, "end to end from the store"),
        (
            f"iso10002 pushdown, breakdown by {BY}",
            results["breakdown"],
            f"the summary and one per {BY}, end to end from the store",
        ),
        (
            f"iso10002 pure streaming (find() → summarize, by {BY})",
            results["pure"],
            f"the summary and one per {BY}, end to end from the store",
        ),
        (
            "pandas: read_sql + compute",
            results["pandas"],
            f"load {pandas_load:,.2f} s + compute {pandas_total - pandas_load:,.2f} s",
        ),
    ]
    if "policy" in results:
        rows.append(
            (
                "iso10002 pushdown + FCA policy (business time, SLA)",
                results["policy"],
                "adds the policy's figures (pandas has none)",
            )
        )
    print(
        f"iso10002 metrics benchmark: {args.complaints:,} complaints, period {PERIOD}, "
        f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
        f"pandas {__import__('pandas').__version__}, {platform.machine()}. Ratio: the "
        "contender's time / pandas' load + compute time. Figures checked equal: pushdown, "
        f"breakdown, pure streaming and pandas; the groups by {BY}: breakdown and pure streaming."
    )
    print()
    print("| contender | seconds | ratio to pandas | peak memory | note |")
    print("|---|---:|---:|---:|---|")
    for label, result, note in rows:
        seconds = float(result["seconds"])  # type: ignore[arg-type]
        peak = float(result["peak_mb"])  # type: ignore[arg-type]
        print(
            f"| {label} | {seconds:,.2f} | {seconds / pandas_total:.2f}x "
            f"| {peak:,.0f} MB | {note} |"
        )
    seconds = float(ours["seconds"])  # type: ignore[arg-type]
    peak = float(ours["peak_mb"])  # type: ignore[arg-type]
    print()
    print(
        f"Targets: pushdown within 2x of pandas end to end: {seconds / pandas_total:.2f}x "
        f"({'met' if seconds <= 2 * pandas_total else 'MISSED'}); peak memory under 500 MB: "
        f"{peak:,.0f} MB ({'met' if peak < 500 else 'MISSED'})."
    )


if __name__ == "__main__":
    main()
