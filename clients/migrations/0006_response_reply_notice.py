"""A coach's reply to a check-in gets its time, and when the client saw it and was
e-mailed about it (the portal badge and the one e-mail). Replies written before are
dated at their review (or sending) and count as seen and mailed: nobody is told of
old news."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def date_old_replies(apps, schema_editor):
    Response = apps.get_model("clients", "Response")
    when = Coalesce(F("reviewed_at"), F("submitted_at"), F("started_at"))
    Response.objects.exclude(coach_comment="").update(
        replied_at=when, reply_seen_at=when, reply_mailed_at=when
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_response_held_match"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="replied_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="response",
            name="reply_mailed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="response",
            name="reply_seen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(date_old_replies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("coach_comment", ""),
                        ("replied_at__isnull", True),
                        ("reply_mailed_at__isnull", True),
                        ("reply_seen_at__isnull", True),
                    ),
                    models.Q(
                        models.Q(("coach_comment", ""), _negated=True),
                        ("replied_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="response_reply_has_time",
            ),
        ),
    ]
