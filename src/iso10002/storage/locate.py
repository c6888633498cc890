"""Open a store from where it is: a file path or a database URL, as a command line gives it.

``complaints.sqlite3`` (any path) opens an :class:`~iso10002.storage.sqlite.SQLiteStore`;
a URL such as ``postgresql+psycopg://user@host/db`` or ``sqlite:///file.db`` opens an
:class:`~iso10002.storage.sqlalchemy.SQLAlchemyStore` (the ``sqlalchemy`` extra). Tools that
only read (reports, checks, exports) open with ``create=False``, so a mistyped path is an
error rather than a new, empty database.

Examples:
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "complaints.sqlite3")
    ...     with open_store(path, create=True) as store:
    ...         store.count()
    0
    >>> open_store("/no/such/folder/complaints.sqlite3")
    Traceback (most recent call last):
    ...
    iso10002.errors.ConfigurationError: no complaint store at /no/such/folder/complaints.sqlite3
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from iso10002.clock import Clock, system_clock
from iso10002.errors import ConfigurationError
from iso10002.storage.protocol import ComplaintStore

__all__ = ["OpenedStore", "is_url", "open_store"]


class OpenedStore(ComplaintStore, Protocol):
    """A store that also closes itself at the end of a ``with`` block (both stores do)."""

    def __enter__(self) -> OpenedStore: ...

    def __exit__(self, *exc: object) -> None: ...


def is_url(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` is a database URL rather than a file path.

    Examples:
        >>> is_url("postgresql+psycopg://localhost/complaints"), is_url("data/c.sqlite3")
        (True, False)
    """
    return isinstance(location, str) and "://" in location


def open_store(
    location: str | os.PathLike[str], *, create: bool = False, clock: Clock = system_clock
) -> OpenedStore:
    """The store at ``location``: an SQLite file path, or a SQLAlchemy database URL.

    ``create``: make a new SQLite file (or migrate a new database) when there is none;
    otherwise a missing file or schema is a :class:`~iso10002.errors.ConfigurationError`.
    """
    if is_url(location):
        try:
            from iso10002.storage.sqlalchemy import SQLAlchemyStore
        except ImportError as exc:
            raise ConfigurationError(
                f"{location!s} needs the sqlalchemy extra: pip install 'iso10002[sqlalchemy]' "
                f"({exc})"
            ) from None
        store: OpenedStore = SQLAlchemyStore(str(location), migrate=create, clock=clock)
        return store
    from iso10002.storage.sqlite import SQLiteStore

    path = Path(location)
    if not create and not path.exists():
        raise ConfigurationError(f"no complaint store at {path}")
    sqlite: OpenedStore = SQLiteStore(path, clock=clock)
    return sqlite
