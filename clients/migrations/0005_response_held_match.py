import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_habits"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="match",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="held_responses",
                to="clients.client",
                verbose_name="possible match",
            ),
        ),
        migrations.AddField(
            model_name="response",
            name="contact",
            field=models.JSONField(blank=True, default=dict, verbose_name="contact details given"),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("match__isnull", True),
                    models.Q(("client__isnull", True), ("status", "submitted")),
                    _connector="OR",
                ),
                name="response_held_is_sent_and_unattached",
            ),
        ),
    ]
