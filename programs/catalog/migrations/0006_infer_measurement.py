"""Give every catalog entry already loaded or imported its measurement kind, by the
rule table (programs/catalog/data/measurement_rules.py). Authored entries loaded later
get theirs from ``catalog_load``, imports from ``import_exercises``."""

from django.db import migrations


def infer(apps, schema_editor):
    from programs.catalog.measurement import measurement_infer

    exercises = apps.get_model("catalog", "CatalogExercise")
    changed = []
    for row in exercises.objects.only("pk", "name", "category", "equipment", "measurement"):
        kind = measurement_infer(name=row.name, category=row.category, equipment=row.equipment)
        if kind != row.measurement:
            row.measurement = kind
            changed.append(row)
    exercises.objects.bulk_update(changed, ["measurement"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_exercise_measurement")]

    operations = [migrations.RunPython(infer, migrations.RunPython.noop, elidable=True)]
