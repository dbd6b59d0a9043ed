"""Load regions, industries and disciplines; see refdata/data/README.md for the sources."""

from django.db import migrations


def load(apps, schema_editor):
    from techbridge.refdata.services import load_reference_data

    load_reference_data(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("refdata", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
