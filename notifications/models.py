"""Notifications: what needs a person, and how it reaches them.

- ``Notification``: one thing for one person (a new message, a check-in to review, a
  workout with records, a coach's comment, a booking change, a payment that failed, an
  announcement), with a link to the place it is about. The bell lists them; reading the
  place or the bell marks them read.
- ``Preference``: a person's choice for one kind on one channel (push, e-mail, text).
  No row means the default of ``DEFAULT_CHANNELS``.
- ``PersonSettings``: a person's quiet hours (in their own time zone): push, e-mail and
  texts wait until they end; the bell does not.
- ``PushSubscription``: one installed portal or back office that may be pushed to.
- ``Delivery``: one notification on one channel, claimed (a committed row) before it is
  sent, so a worker that retries never sends it twice.

The app sits below the domain apps (clients, programs, scheduling, billing, messaging
tell people things through ``notifications.services``) and imports none of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_CHARS = 200
BODY_MAX_CHARS = 1000


class Kind(models.TextChoices):
    MESSAGE = "message", _("New message")
    CHECKIN_REVIEW = "checkin", _("Check-in to review")
    RECORDS = "records", _("Workout with records")
    COMMENT = "comment", _("Coach's comment")
    BOOKING = "booking", _("Booking change")
    PAYMENT_FAILED = "payment", _("Payment failed")
    ANNOUNCEMENT = "announcement", _("Announcement")


class Channel(models.TextChoices):
    PUSH = "push", _("Push")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


# kinds whose own app sends the e-mail (the booking's invitation with its calendar file,
# the coach's comment or check-in reply in context): the e-mail channel leaves them to
# it, and the preferences page says they come by e-mail rather than offering a choice
OWN_MAIL_KINDS: frozenset[str] = frozenset({"booking", "comment", "checkin"})

# who gets what, until they choose: the bell always; push for all; e-mail for what
# would otherwise be missed; texts only for what is urgent and only once opted in
DEFAULT_CHANNELS: dict[str, frozenset[str]] = {
    Kind.MESSAGE: frozenset({Channel.PUSH, Channel.EMAIL}),
    Kind.CHECKIN_REVIEW: frozenset({Channel.PUSH}),
    Kind.RECORDS: frozenset({Channel.PUSH}),
    Kind.COMMENT: frozenset({Channel.PUSH}),
    Kind.BOOKING: frozenset({Channel.PUSH}),
    Kind.PAYMENT_FAILED: frozenset({Channel.PUSH, Channel.EMAIL}),
    Kind.ANNOUNCEMENT: frozenset({Channel.PUSH, Channel.EMAIL}),
}


class Notification(models.Model):
    """One thing that needs ``user``, linking to where it is."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("A path on the business's site.")
    )
    # the same key for the same person makes one notification (a retried task, a
    # signal sent twice); empty: no such guard
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="/"), name="notification_url_is_a_path"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="notification_has_title"),
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """``user`` wants (or not) ``kind`` on ``channel``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="preference_once_per_kind_channel"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="preference_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]),
                name="preference_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.channel}: {self.enabled}"


class PersonSettings(models.Model):
    """A person's quiet hours: from ``quiet_from`` to ``quiet_until`` on their own clock
    (``User.timezone``), perhaps across midnight; both empty: none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | (
                    Q(quiet_from__isnull=False, quiet_until__isnull=False)
                    & ~Q(quiet_from=models.F("quiet_until"))
                ),
                name="personsettings_quiet_hours_whole",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class PushSubscription(models.Model):
    """A browser's push address (the Push API's subscription) for ``user``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(endpoint__startswith="https://") | Q(endpoint__startswith="http://"),
                name="pushsubscription_endpoint_http",
            ),
            models.CheckConstraint(
                condition=~Q(p256dh="") & ~Q(auth=""), name="pushsubscription_has_keys"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.endpoint[:40]}"


class Delivery(models.Model):
    """``notification`` on ``channel``: claimed before sending, so it goes once."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # the provider's id (an e-mail's Message-ID, Twilio's SID), and why it failed
    provider_id = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["claimed_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once"),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="delivery_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification} · {self.channel} · {self.status}"


# e-mail and text messages (notifications/models_channels.py): Django finds them here
from .models_channels import *  # noqa: E402, F401, F403
