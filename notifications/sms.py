"""Text messages: only to numbers that said yes, STOP honoured, each one's delivery kept.

- Consent: ``sms_opt_in`` / ``sms_opt_out`` add a row to ``SmsConsent`` (who, which
  number, when, how); the latest row for a number is its state (``sms_opted_in``). A
  STOP reply opts out (``sms_keyword_received``), START opts back in.
- ``text_send`` is how every text leaves (scheduling's reminders too): nothing goes to a
  number without consent, or when the platform has no Twilio account
  (``mectofitness.core.sms``). Each text is kept as an ``SmsMessage``; Twilio posts its
  delivery status to this business's ``/hooks/twilio/status/``.
- ``deliver_sms``: an urgent notification (a failed payment, a booking change) by text,
  once, when the business turned texts on and the person opted in.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mectofitness.core.context_processors import business_url
from mectofitness.core.sms import mobile_number, send_sms, sms_is_configured

from .claims import delivery_claim, delivery_done
from .models import Channel, Delivery, Kind, Notification
from .models_channels import NotificationSettings, SmsConsent, SmsMessage
from .services import preferences_save

logger = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/hooks/twilio/status/"
# what may go by text (when the person opted in and the business turned texts on)
URGENT_KINDS = (Kind.PAYMENT_FAILED, Kind.BOOKING)
# Twilio's opt-out and opt-in keywords (its Advanced Opt-Out defaults)
STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
)
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
TEXT_MAX_CHARS = 1600


# --- consent ------------------------------------------------------------------------------


def sms_consent_for(*, number: str) -> SmsConsent | None:
    """The latest consent row of ``number`` (E.164) here, or None (one query)."""
    return SmsConsent.objects.filter(number=number).order_by("-at", "-pk").first()


def sms_opted_in(*, number: str) -> bool:
    """Whether ``number`` said yes to texts here, and not no since (one query)."""
    consent = sms_consent_for(number=number) if number else None
    return bool(consent and consent.opted_in)


def sms_number_for(*, user: User) -> str:
    """The number ``user`` opted in with, or "" (one query)."""
    latest = SmsConsent.objects.filter(number=OuterRef("number")).order_by("-at", "-pk")
    return (
        SmsConsent.objects.filter(user_id=user.pk, opted_in=True)
        .annotate(latest_pk=Subquery(latest.values("pk")[:1]))
        .filter(latest_pk=F("pk"))  # still this number's latest word
        .order_by("-at", "-pk")
        .values_list("number", flat=True)
        .first()
        or ""
    )


@transaction.atomic
def sms_opt_in(
    *, user: User, phone: str, how: str, by: User | None = None, now: dt.datetime | None = None
) -> SmsConsent:
    """``user`` says yes to texts at ``phone`` (in international form): recorded with
    when and how, and urgent notices turned on for them by text. Their earlier number,
    if another, no longer gets texts."""
    number = mobile_number(phone)
    if not number:
        raise ValidationError(
            {"phone": _("Give your mobile number with its country code, like +44 7700 900123.")}
        )
    now = now or timezone.now()
    earlier = sms_number_for(user=user)
    if earlier and earlier != number:
        SmsConsent.objects.create(
            number=earlier, user=user, opted_in=False, how=how, detail="number changed", at=now
        )
    detail = "" if by is None or by.pk == user.pk else f"recorded by {by.email}"[:100]
    consent = SmsConsent.objects.create(
        number=number, user=user, opted_in=True, how=how, detail=detail, at=now
    )
    preferences_save(user=user, choices={kind: {Channel.SMS: True} for kind in URGENT_KINDS})
    return consent


@transaction.atomic
def sms_opt_out(*, user: User, how: str, now: dt.datetime | None = None) -> bool:
    """``user`` says no to texts (their settings); True when they had said yes."""
    number = sms_number_for(user=user)
    if not number:
        return False
    SmsConsent.objects.create(
        number=number, user=user, opted_in=False, how=how, at=now or timezone.now()
    )
    return True


def sms_keyword_received(*, phone: str, text: str, now: dt.datetime | None = None) -> bool | None:
    """A reply from ``phone``: STOP (and Twilio's other opt-out words) says no to texts
    here, START says yes again where the number had said yes before; anything else
    changes nothing (None). Returns the new state when it changed."""
    number = mobile_number(phone)
    word = (text or "").strip().split(maxsplit=1)[0].upper() if (text or "").strip() else ""
    if not number or word not in STOP_WORDS | START_WORDS:
        return None
    wants = word in START_WORDS
    with transaction.atomic():
        current = (
            SmsConsent.objects.select_for_update().filter(number=number).order_by("-at", "-pk")
        ).first()
        if current is None or current.opted_in == wants:
            return None  # never said yes here, or already so
        SmsConsent.objects.create(
            number=number,
            user=current.user,
            opted_in=wants,
            how=SmsConsent.How.KEYWORD,
            detail=word[:100],
            at=now or timezone.now(),
        )
    return wants


# --- sending ------------------------------------------------------------------------------


def text_send(
    *, phone: str, body: str, user: User | None = None, now: dt.datetime | None = None
) -> SmsMessage | None:
    """Text ``body`` to ``phone`` and keep it; None when it may not go (texts not set
    up, or the number has not said yes here). Raises what Twilio raises when it refuses
    the text (``twilio.base.exceptions.TwilioException``)."""
    number = mobile_number(phone)
    if not number or not sms_is_configured() or not sms_opted_in(number=number):
        return None
    business = connection.tenant
    callback = business_url(business.slug, STATUS_CALLBACK_PATH) if business.slug else ""
    body = body[:TEXT_MAX_CHARS]
    sid = send_sms(to=number, body=body, status_callback=callback)
    now = now or timezone.now()
    return SmsMessage.objects.create(
        sid=sid, to=number, body=body, user=user, created_at=now, updated_at=now
    )


# Twilio's statuses in the order a text goes through them: a late callback never
# takes a text back (a "sent" that arrives after "delivered")
STATUS_ORDER = {
    "accepted": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "receiving": 3,
    "received": 4,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "read": 6,
    "canceled": 5,
}


def sms_status_record(
    *, sid: str, status: str, error_code: str = "", now: dt.datetime | None = None
) -> bool:
    """Twilio's word on one of this business's texts; False when the text is not ours
    (another business's SID changes nothing here) or the status is older."""
    status = (status or "").lower()
    if status not in STATUS_ORDER:
        return False
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(sid=sid).first()
        if message is None or STATUS_ORDER[status] < STATUS_ORDER.get(message.status, 0):
            return False
        message.status = status
        message.error_code = (error_code or "")[:16]
        message.updated_at = now or timezone.now()
        message.save(update_fields=["status", "error_code", "updated_at"])
    return True


def sms_enabled_here() -> bool:
    """Whether urgent notices may go by text in this business (one query)."""
    return NotificationSettings.objects.filter(pk=1, sms_enabled=True).exists()


def deliver_sms(*, notification: Notification, now: dt.datetime | None = None) -> bool:
    """Text an urgent ``notification`` once (claimed first), when the business turned
    texts on and its person has a number that said yes. Does not ask the person's
    preferences (the caller did). True when it went out."""
    if notification.kind not in URGENT_KINDS or not sms_is_configured() or not sms_enabled_here():
        return False
    number = sms_number_for(user=notification.user)
    if not number:
        return False
    now = now or timezone.now()
    delivery = delivery_claim(notification=notification, channel=Channel.SMS, now=now)
    if delivery is None:
        return False
    business = connection.tenant
    link = business_url(business.slug, notification.url or "/")
    body = f"{business.name}: {notification.title} {link}"
    try:
        message = text_send(phone=number, body=body, user=notification.user, now=now)
    except Exception as exc:  # noqa: BLE001 (any refusal is kept on the claim, not retried)
        logger.warning("notification %s not texted: %s", notification.pk, exc)
        delivery_done(
            delivery=delivery, status=Delivery.Status.FAILED, detail=f"{type(exc).__name__}: {exc}"
        )
        return False
    if message is None:
        delivery_done(delivery=delivery, status=Delivery.Status.SKIPPED, detail="no consent")
        return False
    delivery_done(delivery=delivery, status=Delivery.Status.SENT, provider_id=message.sid, now=now)
    return True
