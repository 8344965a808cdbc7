"""Give each business's own exercises (and edited copies of catalog entries) their
measurement kind by the same rule table as the catalog: a plank is timed, a carry goes
over a distance, a push-up is counted in reps. One query per schema and one update per
kind, so migrating every business stays quick."""

from django.db import migrations


def infer(apps, schema_editor):
    from programs.catalog.measurement import measurement_infer

    exercises = apps.get_model("programs", "Exercise")
    by_kind: dict[str, list[int]] = {}
    for pk, name, category, equipment in exercises.objects.values_list(
        "pk", "name", "category", "equipment"
    ):
        kind = measurement_infer(name=name, category=category, equipment=equipment)
        by_kind.setdefault(kind, []).append(pk)
    for kind, pks in by_kind.items():
        exercises.objects.filter(pk__in=pks).exclude(measurement=kind).update(measurement=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_infer_measurement"),
        ("programs", "0003_exercise_measurement"),
    ]

    operations = [migrations.RunPython(infer, migrations.RunPython.noop, elidable=True)]
