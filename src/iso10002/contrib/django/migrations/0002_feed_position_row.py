"""Create the one row of ``FeedPosition``: the feed starts at position 0."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_feed_row(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Insert the row writers lock to claim feed positions (see ``models.FeedPosition``)."""
    feed = apps.get_model("iso10002", "FeedPosition")
    feed.objects.using(schema_editor.connection.alias).get_or_create(id=1, defaults={"last": 0})


def delete_feed_row(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Undo :func:`create_feed_row` (only before any event was stored)."""
    feed = apps.get_model("iso10002", "FeedPosition")
    feed.objects.using(schema_editor.connection.alias).filter(id=1).delete()


class Migration(migrations.Migration):
    dependencies = [("iso10002", "0001_initial")]

    operations = [migrations.RunPython(create_feed_row, delete_feed_row)]
