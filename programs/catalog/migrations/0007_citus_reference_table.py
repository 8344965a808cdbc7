"""On Citus (make citus), the exercise catalog is a reference table: a copy on every
node, so the business schemas' exercises, prescriptions, sets and records (distributed
schemas, each on one worker) may keep their foreign keys to it. Nothing on plain
PostgreSQL."""

from django.db import migrations

CITUS = "SELECT 1 FROM pg_extension WHERE extname = 'citus'"
DISTRIBUTED = (
    "SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'catalog_catalogexercise'::regclass"
)


def reference_table(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CITUS)
        if not cursor.fetchone():
            return
        cursor.execute(DISTRIBUTED)
        if not cursor.fetchone():
            cursor.execute("SELECT create_reference_table('catalog_catalogexercise')")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_infer_measurement")]
    operations = [migrations.RunPython(reference_table, migrations.RunPython.noop)]
