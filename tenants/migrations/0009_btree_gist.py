"""btree_gist, for exclusion constraints that mix equality and ranges (a coach's
sessions never overlap: ``scheduling``).

Extensions are per database and live in the public schema, which every
business's search_path includes."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tenants", "0008_business_country")]
    operations = [BtreeGistExtension()]
