# E-mail and text-message channels: the business's settings, editable e-mail wording,
# the provider's delivery events and suppressed addresses, text consent and messages.

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import notifications.models_channels


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EmailEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "address",
                    models.EmailField(db_index=True, max_length=254, verbose_name="address"),
                ),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("delivered", "Delivered"),
                            ("bounced", "Bounced"),
                            ("complained", "Marked as spam"),
                            ("other", "Other"),
                        ],
                        max_length=12,
                        verbose_name="event",
                    ),
                ),
                ("event_id", models.CharField(max_length=200, unique=True)),
                ("message_id", models.CharField(blank=True, max_length=300)),
                ("detail", models.CharField(blank=True, max_length=300)),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
                ),
            ],
            options={
                "verbose_name": "e-mail event",
                "verbose_name_plural": "e-mail events",
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="NotificationSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "message_email_after_minutes",
                    models.PositiveSmallIntegerField(
                        default=15,
                        help_text="0: never e-mail messages. At most a day (1440).",
                        validators=[django.core.validators.MaxValueValidator(1440)],
                        verbose_name="e-mail an unread message after (minutes)",
                    ),
                ),
                (
                    "sms_enabled",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "Payment failures and booking changes also go by text message "
                            "to people who said yes to texts."
                        ),
                        verbose_name="text urgent notices",
                    ),
                ),
            ],
            options={
                "verbose_name": "e-mail and text settings",
                "verbose_name_plural": "e-mail and text settings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("pk", 1)), name="notificationsettings_one_row"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("message_email_after_minutes__lte", 1440)),
                        name="notificationsettings_delay_at_most_a_day",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SmsMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sid", models.CharField(max_length=64, unique=True)),
                ("to", models.CharField(max_length=16)),
                ("body", models.CharField(max_length=1600)),
                ("status", models.CharField(default="queued", max_length=16)),
                ("error_code", models.CharField(blank=True, max_length=16)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "text message",
                "verbose_name_plural": "text messages",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SuppressedAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address", models.EmailField(max_length=254, unique=True, verbose_name="address")),
                (
                    "reason",
                    models.CharField(
                        choices=[("bounced", "Bounced"), ("complained", "Marked as spam")],
                        max_length=12,
                        verbose_name="why",
                    ),
                ),
                (
                    "detail",
                    models.CharField(blank=True, max_length=300, verbose_name="provider's answer"),
                ),
                (
                    "since",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="since"),
                ),
            ],
            options={
                "verbose_name": "address not mailed",
                "verbose_name_plural": "addresses not mailed",
                "ordering": ["-since"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("address", django.db.models.functions.text.Lower("address"))
                        ),
                        name="suppressedaddress_lower_case",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EmailTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=notifications.models_channels.kind_choices,
                        max_length=16,
                        unique=True,
                        verbose_name="kind",
                    ),
                ),
                ("subject", models.CharField(max_length=200, verbose_name="subject")),
                ("body", models.TextField(max_length=5000, verbose_name="text")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "e-mail wording",
                "verbose_name_plural": "e-mail wording",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("subject", ""), _negated=True),
                            models.Q(("body", ""), _negated=True),
                        ),
                        name="emailtemplate_not_empty",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SmsConsent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.CharField(db_index=True, max_length=16, verbose_name="mobile number"),
                ),
                ("opted_in", models.BooleanField(verbose_name="texts allowed")),
                (
                    "how",
                    models.CharField(
                        choices=[
                            ("portal", "In their settings"),
                            ("backoffice", "Recorded by staff"),
                            ("keyword", "Replied to a text"),
                        ],
                        max_length=12,
                        verbose_name="how",
                    ),
                ),
                ("detail", models.CharField(blank=True, max_length=100)),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="sms_consents",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "text message consent",
                "verbose_name_plural": "text message consents",
                "ordering": ["-at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("number__regex", "^\\+[1-9][0-9]{7,14}$")),
                        name="smsconsent_e164",
                    )
                ],
            },
        ),
    ]
