"""Metric facts per complaint, for metrics computed in SQL, filled in from the snapshots.

Filling them in reads every stored snapshot in Python, a thousand at a time (``sqlmigrate``
shows the table only: complaints stored before this migration then have no facts rows,
which ``verify_integrity`` reports). Reversing it drops the table; nothing is lost, the
facts are derived from the snapshots.
"""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from iso10002.storage.common import snapshot_from_json
from iso10002.storage.facts import metric_facts

CHUNK = 1000
"""How many snapshots :func:`fill_facts` reads per query."""

_MICROS = "microseconds since 1970 UTC"


def fill_facts(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Write the facts row of every stored complaint that has none."""
    fill(apps, schema_editor.connection.alias)


def fill(apps: StateApps, using: str, chunk: int = CHUNK) -> int:
    """The facts of every complaint in database ``using`` without them, ``chunk`` snapshots a
    query (in the order of their ids); returns how many rows were written."""
    complaints = apps.get_model("iso10002", "ComplaintRecord").objects.using(using)
    facts = apps.get_model("iso10002", "ComplaintFacts")
    written = 0
    last: str | None = None
    while True:
        rows = complaints.filter(facts__isnull=True).order_by("id")
        if last is not None:
            rows = rows.filter(id__gt=last)
        found = list(rows.values_list("id", "snapshot")[:chunk])
        if not found:
            return written
        facts.objects.using(using).bulk_create(
            [facts(**metric_facts(snapshot_from_json(text))) for _, text in found]
        )
        written += len(found)
        last = found[-1][0]


def drop_facts(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Undo :func:`fill_facts`: delete every facts row (the table is dropped after)."""
    facts = apps.get_model("iso10002", "ComplaintFacts")
    facts.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("iso10002", "0002_feed_position_row")]

    operations = [
        migrations.CreateModel(
            name="ComplaintFacts",
            fields=[
                (
                    "complaint",
                    models.OneToOneField(
                        db_column="complaint_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="facts",
                        serialize=False,
                        to="iso10002.complaintrecord",
                    ),
                ),
                ("received_at", models.BigIntegerField(help_text=_MICROS)),
                ("acknowledged_at", models.BigIntegerField(help_text=_MICROS, null=True)),
                ("final_response_at", models.BigIntegerField(help_text=_MICROS, null=True)),
                ("closed_at", models.BigIntegerField(help_text=_MICROS, null=True)),
                ("withdrawn_at", models.BigIntegerField(help_text=_MICROS, null=True)),
                ("referred_at", models.BigIntegerField(help_text=_MICROS, null=True)),
                ("survey_offered_at", models.BigIntegerField(help_text=_MICROS, null=True)),
                ("upheld", models.IntegerField()),
                ("redress", models.TextField(null=True)),
                ("root_cause", models.TextField(null=True)),
                ("satisfaction", models.IntegerField(null=True)),
                ("vulnerable", models.IntegerField(null=True)),
                ("reopenings", models.TextField(null=True)),
                ("escalations", models.TextField(null=True)),
            ],
            options={
                "verbose_name": "metric facts",
                "verbose_name_plural": "metric facts",
                "db_table": "iso10002_complaint_facts",
                "indexes": [
                    models.Index(fields=["received_at"], name="iso10002_facts_received_idx"),
                    models.Index(fields=["closed_at"], name="iso10002_facts_closed_idx"),
                ],
            },
        ),
        migrations.RunPython(fill_facts, drop_facts),
    ]
