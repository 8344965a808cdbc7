"""The measurements every business starts with."""

from django.db import migrations

BUILTIN = [
    ("weight", "Body weight", "mass", False),
    ("body_fat", "Body fat", "percent", False),
    ("waist", "Waist", "length", False),
    ("hips", "Hips", "length", False),
    ("chest", "Chest", "length", None),
    ("arm", "Upper arm", "length", None),
    ("thigh", "Thigh", "length", None),
    ("neck", "Neck", "length", None),
]


def add(apps, schema_editor):
    Metric = apps.get_model("clients", "Metric")
    for position, (key, name, kind, higher) in enumerate(BUILTIN):
        Metric.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "kind": kind,
                "higher_is_better": higher,
                "is_builtin": True,
                "position": position,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("clients", "Metric").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
