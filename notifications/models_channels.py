"""E-mail and text messages: the business's choices and what happened to what was sent.

- ``NotificationSettings`` (one row): after how long an unread message becomes an
  e-mail, and whether urgent notices may go by text message.
- ``EmailTemplate``: the owner's wording of one kind of e-mail (no row: the default
  from ``notifications/email_defaults/<kind>.txt``).
- ``EmailEvent``: what the mail provider said about an address (delivered, bounced,
  complained), from its signed webhook.
- ``SuppressedAddress``: an address that bounced or complained: no mail goes to it until
  the owner clears it (a person who changes their address is not on the list).
- ``SmsConsent``: a number opting in to texts or out of them, when and how (the portal,
  the back office, a STOP or START reply). The latest row for a number is its state.
- ``SmsMessage``: one text sent through Twilio, with its delivery status.

Imported by ``notifications.models`` so Django finds them.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def kind_choices() -> list[tuple[str, str]]:
    """The kinds of notification (``notifications.models.Kind``), read from the
    notification's field: ``models`` imports this module, so it is not imported back."""
    return apps.get_model("notifications", "Notification")._meta.get_field("kind").choices


__all__ = [
    "EmailEvent",
    "EmailTemplate",
    "NotificationSettings",
    "SmsConsent",
    "SmsMessage",
    "SuppressedAddress",
]

MESSAGE_EMAIL_MAX_MINUTES = 24 * 60
EMAIL_SUBJECT_MAX_CHARS = 200
EMAIL_BODY_MAX_CHARS = 5000


class NotificationSettings(models.Model):
    """The business's choices for e-mail and texts (one row, pk 1)."""

    message_email_after_minutes = models.PositiveSmallIntegerField(
        _("e-mail an unread message after (minutes)"),
        default=15,
        validators=[MaxValueValidator(MESSAGE_EMAIL_MAX_MINUTES)],
        help_text=_("0: never e-mail messages. At most a day (1440)."),
    )
    sms_enabled = models.BooleanField(
        _("text urgent notices"),
        default=False,
        help_text=_(
            "Payment failures and booking changes also go by text message to people "
            "who said yes to texts."
        ),
    )

    class Meta:
        verbose_name = _("e-mail and text settings")
        verbose_name_plural = _("e-mail and text settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="notificationsettings_one_row"),
            models.CheckConstraint(
                condition=Q(message_email_after_minutes__lte=MESSAGE_EMAIL_MAX_MINUTES),
                name="notificationsettings_delay_at_most_a_day",
            ),
        ]

    def __str__(self) -> str:
        return str(_("E-mail and text settings"))


class EmailTemplate(models.Model):
    """The owner's subject and text for one kind of e-mail, with placeholders such as
    ``{{ first_name }}`` (``notifications.email_render.PLACEHOLDERS``)."""

    kind = models.CharField(_("kind"), max_length=16, choices=kind_choices, unique=True)
    subject = models.CharField(_("subject"), max_length=EMAIL_SUBJECT_MAX_CHARS)
    body = models.TextField(_("text"), max_length=EMAIL_BODY_MAX_CHARS)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("e-mail wording")
        verbose_name_plural = _("e-mail wording")
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject="") & ~Q(body=""), name="emailtemplate_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class EmailEvent(models.Model):
    """One thing the mail provider told us about one address (its tracking webhook)."""

    class Type(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Marked as spam")
        OTHER = "other", _("Other")

    address = models.EmailField(_("address"), db_index=True)
    type = models.CharField(_("event"), max_length=12, choices=Type.choices)
    # the provider's ids: the event's (a redelivered webhook changes nothing twice) and
    # the message's Message-ID
    event_id = models.CharField(max_length=200, unique=True)
    message_id = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("e-mail event")
        verbose_name_plural = _("e-mail events")

    def __str__(self) -> str:
        return f"{self.address} · {self.type}"


class SuppressedAddress(models.Model):
    """An address that bounced or complained: nothing is mailed to it until cleared."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Marked as spam")

    address = models.EmailField(_("address"), unique=True)  # lower case
    reason = models.CharField(_("why"), max_length=12, choices=Reason.choices)
    detail = models.CharField(_("provider's answer"), max_length=300, blank=True)
    since = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["-since"]
        verbose_name = _("address not mailed")
        verbose_name_plural = _("addresses not mailed")
        constraints = [
            models.CheckConstraint(
                condition=Q(address=models.functions.Lower("address")),
                name="suppressedaddress_lower_case",
            )
        ]

    def __str__(self) -> str:
        return self.address


class SmsConsent(models.Model):
    """``number`` said yes (or no) to texts at ``at``, through ``how``."""

    class How(models.TextChoices):
        PORTAL = "portal", _("In their settings")
        BACK_OFFICE = "backoffice", _("Recorded by staff")
        KEYWORD = "keyword", _("Replied to a text")

    number = models.CharField(_("mobile number"), max_length=16, db_index=True)  # E.164
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms_consents",
    )
    opted_in = models.BooleanField(_("texts allowed"))
    how = models.CharField(_("how"), max_length=12, choices=How.choices)
    detail = models.CharField(max_length=100, blank=True)  # the keyword replied, who recorded it
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("text message consent")
        verbose_name_plural = _("text message consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^\+[1-9][0-9]{7,14}$"), name="smsconsent_e164"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}: {'yes' if self.opted_in else 'no'}"


class SmsMessage(models.Model):
    """One text sent through Twilio, and what Twilio last said about it."""

    sid = models.CharField(max_length=64, unique=True)
    to = models.CharField(max_length=16)
    body = models.CharField(max_length=1600)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Twilio's words: queued, sending, sent, delivered, undelivered, failed
    status = models.CharField(max_length=16, default="queued")
    error_code = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")

    def __str__(self) -> str:
        return f"{self.to} · {self.status}"
