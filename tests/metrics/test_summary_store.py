"""summarize() over a store's stream: erased complaints, and no complaint kept in memory."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import attrs

from iso10002.metrics import Period, summarize
from iso10002.model import Complaint
from iso10002.storage import InMemoryStore
from iso10002.testing.builders import event_for, history_to

Q1 = Period.parse("2026Q1")


def test_an_erased_complaint_keeps_its_figures_but_not_its_vulnerability() -> None:
    store = InMemoryStore()
    kept = store.create(history_to("closed", "C-1"))
    gone = store.create(history_to("closed", "C-2"))
    redaction = event_for(gone, "redact")
    store.redact(gone.id, redaction, expected_version=gone.version)
    s = summarize(store.find(), Q1)
    assert (s.received, s.closed, s.upheld) == (2, 2, 2)
    assert (s.vulnerable, s.vulnerability_unknown) == (0, 1)
    assert s.vulnerable_share == 0.0  # of the one complainant still known
    assert kept.complainant is not None


def test_summarize_keeps_no_complaint_it_has_read() -> None:
    store = InMemoryStore()
    one = store.create(history_to("closed"))
    seen: list[weakref.ref[Complaint]] = []

    def stream() -> Iterator[Complaint]:
        for n in range(200):
            c = attrs.evolve(one, id=f"C-{n}")
            seen.append(weakref.ref(c))
            yield c

    s = summarize(stream(), Q1, by="product")
    gc.collect()
    assert s.received == 200
    assert all(ref() is None for ref in seen)
