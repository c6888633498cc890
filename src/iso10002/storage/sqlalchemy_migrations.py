"""Alembic, run from code: upgrading the SQLAlchemy store's schema and checking its revision.

The migration scripts ship inside the package (``iso10002/storage/migrations``); Alembic's
version table is ``iso10002_alembic_version``, so a host's own Alembic history in the same
database is left alone. :func:`check_revision` is what
:class:`~iso10002.storage.sqlalchemy.SQLAlchemyStore` runs when it opens a database: it
refuses, with a :class:`~iso10002.errors.ConfigurationError` that says what to do, a database
without the schema, with an older one (unless asked to upgrade), with a revision newer than
this version of the library knows, or with tables of our names that Alembic never made.

Examples:
    >>> import sqlalchemy as sa
    >>> engine = sa.create_engine("sqlite://")
    >>> with engine.begin() as connection:
    ...     upgrade(connection)
    ...     current_revision(connection) == head_revision()
    True
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from iso10002.errors import ConfigurationError
from iso10002.storage.sqlalchemy_schema import VERSION_TABLE, metadata

__all__ = [
    "alembic_config",
    "check_revision",
    "current_revision",
    "head_revision",
    "include_name",
    "run_environment",
    "upgrade",
]

_PREFIX = "iso10002_"
# pg_advisory_xact_lock(10002, 2): the same in every process upgrading one database
# (the store's event writers use (10002, 1)).
_UPGRADE_LOCK = {"a": 10002, "b": 2}


def _script_location() -> str:
    return str(Path(str(resources.files("iso10002.storage") / "migrations")))


def alembic_config(url: str | None = None) -> Config:
    """An Alembic :class:`~alembic.config.Config` for the shipped migrations.

    ``url`` is the database to run them on, for ``alembic.command`` functions; programmatic
    callers usually pass a connection to :func:`upgrade` instead.

    Examples:
        >>> alembic_config().get_main_option("script_location").endswith("migrations")
        True
    """
    config = Config()
    config.set_main_option("script_location", _script_location())
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def head_revision() -> str:
    """The newest schema revision this version of the library ships.

    Examples:
        >>> head_revision()
        '0002'
    """
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise ConfigurationError("the iso10002 package ships no schema migrations")
    return head


@functools.cache
def _known_revisions() -> frozenset[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in script.walk_revisions())


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: only this schema's tables are compared or migrated.

    Examples:
        >>> include_name("iso10002_events", "table", {}), include_name("orders", "table", {})
        (True, False)
    """
    if type_ == "table":
        return name is not None and name.startswith(_PREFIX) and name != VERSION_TABLE
    return True


def current_revision(connection: sa.Connection) -> str | None:
    """The schema revision recorded in the database, or ``None`` when it has none.

    Examples:
        >>> with sa.create_engine("sqlite://").connect() as connection:
        ...     print(current_revision(connection))
        None
    """
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    heads = context.get_current_heads()
    if len(heads) > 1:
        raise ConfigurationError(
            f"{VERSION_TABLE} records several schema revisions ({', '.join(heads)}); "
            "iso10002 migrations have a single line of history, so this database was "
            "changed by hand or by a different program"
        )
    return heads[0] if heads else None


def check_revision(connection: sa.Connection, *, upgrading: bool = False) -> str | None:
    """Refuse a database the store cannot work on, with an error that says what to do.

    Returns the current revision when it is the head, or ``None`` when ``upgrading`` and an
    upgrade to the head will make the database usable.

    Examples:
        >>> with sa.create_engine("sqlite://").connect() as connection:
        ...     check_revision(connection)
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: the database has no iso10002 schema...
    """
    current = current_revision(connection)
    head = head_revision()
    if current == head:
        missing = sorted(set(metadata.tables) - set(sa.inspect(connection).get_table_names()))
        if missing:
            raise ConfigurationError(
                f"the database records iso10002 schema revision {current!r}, but the tables "
                f"{', '.join(missing)} are missing: they were dropped behind iso10002's back; "
                "restore them from a backup"
            )
        return current
    if current is not None and current not in _known_revisions():
        raise ConfigurationError(
            f"the database's iso10002 schema is at revision {current!r}, which this version "
            f"of iso10002 does not know (its newest is {head!r}): it was migrated by a newer "
            "iso10002; upgrade the iso10002 package rather than use this one on it"
        )
    if current is None:
        ours = sorted(
            name
            for name in sa.inspect(connection).get_table_names()
            if name.startswith(_PREFIX) and name != VERSION_TABLE
        )
        if ours:
            raise ConfigurationError(
                f"the database has tables named {', '.join(ours)} but no record of an "
                f"iso10002 schema revision in {VERSION_TABLE}: it is not a database iso10002 "
                "created, and the store will not write into it"
            )
        if not upgrading:
            raise ConfigurationError(
                "the database has no iso10002 schema: create it with "
                "iso10002.storage.sqlalchemy.upgrade(url) (or `alembic upgrade head`, see the "
                "docs), or open the store with migrate=True"
            )
        return None
    if not upgrading:
        raise ConfigurationError(
            f"the database's iso10002 schema is at revision {current!r}, older than this "
            f"version's {head!r}: run iso10002.storage.sqlalchemy.upgrade(url), or open the "
            "store with migrate=True"
        )
    return None


def upgrade(target: sa.Engine | sa.Connection | str, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (the newest by default), in one transaction.

    ``target`` is a URL, an :class:`~sqlalchemy.Engine` or an open
    :class:`~sqlalchemy.Connection` (whose transaction the caller then commits). Safe to run
    from several processes at once: on PostgreSQL they take turns on an advisory lock, on
    SQLite on the database's write lock, and the later ones find nothing left to do.

    Examples:
        >>> engine = sa.create_engine("sqlite://")
        >>> upgrade(engine)
        >>> with engine.connect() as connection:
        ...     current_revision(connection)
        '0002'
    """
    if isinstance(target, sa.Connection):
        _upgrade_on(target, revision)
        return
    engine = sa.create_engine(target) if isinstance(target, str) else target
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Take the write lock first, so concurrent upgrades queue instead of racing.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            _upgrade_on(connection, revision)
            connection.commit()
    finally:
        if isinstance(target, str):
            engine.dispose()


def _upgrade_on(connection: sa.Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Concurrent upgrades queue here; the later ones then find the schema at the head.
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:a, :b)"), _UPGRADE_LOCK)
    check_revision(connection, upgrading=True)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def run_environment(config: Config) -> None:
    """What ``migrations/env.py`` does: run the migrations online, or print them offline."""
    from alembic import context

    def run(connection: sa.Connection | None, url: str | None) -> None:
        context.configure(
            connection=connection,
            url=url,
            literal_binds=connection is None,
            target_metadata=metadata,
            version_table=VERSION_TABLE,
            include_name=include_name,
            compare_type=True,
            render_as_batch=True,  # SQLite alters a table by copying it
        )
        with context.begin_transaction():
            context.run_migrations()

    given = config.attributes.get("connection")
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if isinstance(given, sa.Connection):
        run(given, None)
        return
    if not url:
        raise ConfigurationError(
            "no database to migrate: pass -x url=postgresql+psycopg://… to alembic, set "
            "sqlalchemy.url, or call iso10002.storage.sqlalchemy.upgrade(url)"
        )
    if context.is_offline_mode():
        run(None, url)
        return
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            run(connection, None)
            connection.commit()
    finally:
        engine.dispose()
