"""Alembic migrations of the SQLAlchemy store's schema.

Alembic's ``script_location`` for them is ``iso10002.storage:migrations``. Run them with
:func:`iso10002.storage.sqlalchemy.upgrade` or the ``alembic`` command; see the how-to
"Use PostgreSQL through SQLAlchemy".
"""
