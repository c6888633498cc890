"""Connections and recently used snapshots, shared by the threads using one SQLiteStore."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from iso10002.errors import ConfigurationError
from iso10002.model import Complaint

__all__ = ["IDLE_CONNECTIONS", "ConnectionPool", "RecentSnapshots"]

IDLE_CONNECTIONS = 8  # connections kept open for reuse; more are opened when threads need them


class ConnectionPool:
    """A small pool: each call borrows one connection and gives it back.

    A connection is used by one thread at a time and is never handed back inside a
    transaction. ``limit`` caps how many exist (1 for an in-memory database, which lives and
    dies with its only connection).
    """

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], first: sqlite3.Connection, limit: int
    ) -> None:
        self._connect = connect
        self._limit = limit
        self._idle = [first]
        self._count = 1
        self._closed = False
        self._ready = threading.Condition()
        self._holders: dict[int, int] = {}  # thread id: connections it has borrowed

    @contextmanager
    def use(self) -> Iterator[sqlite3.Connection]:
        db = self._borrow()
        try:
            yield db
        finally:
            self._give_back(db)

    def _borrow(self) -> sqlite3.Connection:
        me = threading.get_ident()
        with self._ready:
            while True:
                if self._closed:
                    raise ConfigurationError("this store has been closed")
                if self._idle:
                    self._holders[me] = self._holders.get(me, 0) + 1
                    return self._idle.pop()
                if self._count < self._limit:
                    self._count += 1
                    self._holders[me] = self._holders.get(me, 0) + 1
                    break
                if self._holders.get(me):  # waiting for ourselves would never end
                    raise ConfigurationError(
                        "an in-memory SQLiteStore serves one call at a time, and this thread "
                        "is already inside one (reading the store from the histories given "
                        "to import_histories, say); use a file store for that"
                    )
                self._ready.wait()
        try:
            return self._connect()
        except BaseException:
            with self._ready:
                self._count -= 1
                self._release(me)
                self._ready.notify()
            raise

    def _release(self, me: int) -> None:
        left = self._holders.pop(me, 1) - 1
        if left:
            self._holders[me] = left

    def _give_back(self, db: sqlite3.Connection) -> None:
        if db.in_transaction:
            db.rollback()
        with self._ready:
            self._release(threading.get_ident())
            if self._closed or len(self._idle) >= IDLE_CONNECTIONS:
                self._count -= 1
                db.close()
            else:
                self._idle.append(db)
            self._ready.notify()

    def close(self) -> None:
        with self._ready:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._ready.notify_all()
        for db in idle:
            db.close()


class RecentSnapshots:
    """Snapshots this store wrote or read lately, by ``(id, version)``.

    A complaint's version names one snapshot for good (every write adds an event), so a hit
    spares parsing the JSON again: the desk reads a complaint and then appends to it, and
    the append needs the same snapshot.
    """

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._items: OrderedDict[str, Complaint] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, complaint_id: str, version: int) -> Complaint | None:
        with self._lock:
            found = self._items.get(complaint_id)
            if found is None or found.version != version:
                return None
            self._items.move_to_end(complaint_id)
            return found

    def put(self, snapshot: Complaint) -> None:
        with self._lock:
            known = self._items.get(snapshot.id)
            if known is not None and known.version > snapshot.version:
                return  # a slower thread must not replace a newer snapshot
            self._items[snapshot.id] = snapshot
            self._items.move_to_end(snapshot.id)
            if len(self._items) > self._size:
                self._items.popitem(last=False)
