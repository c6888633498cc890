"""Complaint stores: the :class:`ComplaintStore` Protocol and its implementations."""

from iso10002.storage.memory import InMemoryStore
from iso10002.storage.protocol import ComplaintQuery, ComplaintStore, RecordedEvent

__all__ = ["ComplaintQuery", "ComplaintStore", "InMemoryStore", "RecordedEvent"]
