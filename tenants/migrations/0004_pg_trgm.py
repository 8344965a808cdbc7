"""Trigram matching for fast, typo-tolerant search in every schema.

Extensions are per database and live in the public schema, which every
business's search_path includes."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tenants", "0003_settings_and_units")]
    operations = [TrigramExtension()]
