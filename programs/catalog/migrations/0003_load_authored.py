"""Load the authored catalog into the public schema of every deployment.

Later changes to ``data/authored.json`` reach existing deployments with
``manage.py catalog_load`` (or a new migration like this one): entries are
updated by slug, never duplicated."""

from django.db import migrations


def load(apps, schema_editor):
    from programs.catalog.services import catalog_load

    catalog_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_word_dictionary")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
