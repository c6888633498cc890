"""Complaint stores: the :class:`ComplaintStore` Protocol and its implementations."""

from iso10002.storage.locate import open_store
from iso10002.storage.memory import InMemoryStore
from iso10002.storage.protocol import (
    ComplaintQuery,
    ComplaintStore,
    RecordedEvent,
    SupportsMetrics,
)
from iso10002.storage.sqlite import Durability, ImportSummary, SQLiteStore

__all__ = [
    "ComplaintQuery",
    "ComplaintStore",
    "Durability",
    "ImportSummary",
    "InMemoryStore",
    "RecordedEvent",
    "SQLiteStore",
    "SupportsMetrics",
    "open_store",
]
