"""Alembic's environment for the iso10002 schema: Alembic runs this file, nothing imports it.

Three ways in:

* programmatically (:func:`iso10002.storage.sqlalchemy.upgrade`), with an open connection in
  ``config.attributes["connection"]``;
* the ``alembic`` command, with the database URL in ``-x url=…`` or ``sqlalchemy.url``;
* ``alembic upgrade head --sql`` (offline), which prints the DDL instead of running it.

Only the ``iso10002_`` tables are compared and migrated, so the schema can share a database
with the host's own tables (and the host's own Alembic history, which lives in
``alembic_version`` while ours lives in ``iso10002_alembic_version``).
"""

from __future__ import annotations

from alembic import context

from iso10002.storage.sqlalchemy_migrations import run_environment

run_environment(context.config)
