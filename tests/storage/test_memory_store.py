"""The in-memory store passes the store conformance suite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs

from iso10002.integrity import SealedEvent
from iso10002.model import ComplaintState
from iso10002.storage import ComplaintStore, InMemoryStore
from iso10002.testing.store_conformance import StoreConformance


def _memory(store: ComplaintStore) -> InMemoryStore:
    assert isinstance(store, InMemoryStore)
    return store


class TestInMemoryStore(StoreConformance):
    # Writes are plain assignments made after every check has passed: there is no
    # persistence layer that could fail half-way, so there is nothing to inject a fault into.
    supports_write_faults: ClassVar[bool] = False

    def make_store(self) -> ComplaintStore:
        return InMemoryStore()

    def raw_rows(self, store: ComplaintStore, complaint_id: str) -> list[SealedEvent]:
        return list(_memory(store)._rows[complaint_id])

    def write_raw_rows(
        self, store: ComplaintStore, complaint_id: str, rows: Sequence[SealedEvent]
    ) -> None:
        _memory(store)._rows[complaint_id] = list(rows)

    def tamper_snapshot(self, store: ComplaintStore, complaint_id: str) -> None:
        snapshots = _memory(store)._snapshots
        snapshots[complaint_id] = attrs.evolve(snapshots[complaint_id], state=ComplaintState.CLOSED)

    def stored_text(self, store: ComplaintStore) -> str:
        memory = _memory(store)
        return repr((memory._rows, memory._snapshots, memory._keys, memory._feed))
