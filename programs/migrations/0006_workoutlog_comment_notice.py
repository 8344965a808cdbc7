"""A coach's comment on a logged workout gets its time, and when the client saw it and
was e-mailed about it (the portal badge and the one e-mail). Comments written before
are dated at the workout and count as seen and mailed: nobody is told of old news."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def date_old_comments(apps, schema_editor):
    WorkoutLog = apps.get_model("programs", "WorkoutLog")
    when = Coalesce(F("finished_at"), F("started_at"))
    WorkoutLog.objects.exclude(coach_comment="").update(
        commented_at=when, comment_seen_at=when, comment_mailed_at=when
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_personalrecord_time_distance"),
    ]

    operations = [
        migrations.AddField(
            model_name="workoutlog",
            name="commented_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="workoutlog",
            name="comment_mailed_at",
            field=models.DateTimeField(
                blank=True, help_text="The client was e-mailed about the comment", null=True
            ),
        ),
        migrations.AddField(
            model_name="workoutlog",
            name="comment_seen_at",
            field=models.DateTimeField(
                blank=True, help_text="The client opened the workout after the comment", null=True
            ),
        ),
        migrations.RunPython(date_old_comments, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="workoutlog",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("coach_comment", ""),
                        ("comment_mailed_at__isnull", True),
                        ("comment_seen_at__isnull", True),
                        ("commented_at__isnull", True),
                    ),
                    models.Q(
                        models.Q(("coach_comment", ""), _negated=True),
                        ("commented_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="workout_log_comment_has_time",
            ),
        ),
    ]
