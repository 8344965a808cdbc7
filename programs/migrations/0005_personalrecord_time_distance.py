from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_infer_measurement")]

    operations = [
        migrations.AddField(
            model_name="personalrecord",
            name="distance_m",
            field=models.PositiveIntegerField(
                blank=True, help_text="For fastest times: the distance covered", null=True
            ),
        ),
        migrations.AlterField(
            model_name="personalrecord",
            name="kind",
            field=models.CharField(
                choices=[
                    ("e1rm", "Estimated 1RM"),
                    ("rep_max", "Heaviest for reps"),
                    ("volume", "Session volume"),
                    ("reps", "Most reps"),
                    ("time", "Longest time"),
                    ("distance", "Longest distance"),
                    ("fastest", "Fastest for a distance"),
                ],
                max_length=8,
            ),
        ),
        migrations.AddConstraint(
            model_name="personalrecord",
            constraint=models.CheckConstraint(
                condition=~models.Q(kind="fastest")
                | models.Q(distance_m__isnull=False, distance_m__gt=0),
                name="record_fastest_has_distance",
            ),
        ),
    ]
