"""Web push: a notification to every installed portal or back office of its person.

Sent through pywebpush (the Push API's encryption, aes128gcm, signed with the business
platform's VAPID key: ``VAPID_PRIVATE_KEY``, ``VAPID_PUBLIC_KEY``, ``VAPID_SUBJECT``).
Each notification is pushed once: ``claims.delivery_claim`` commits the claim before
anything leaves, so a retried task or a second worker sends nothing. A push service
that answers 404 or 410 has forgotten the browser: its subscription is deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils import timezone
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush

from .claims import delivery_claim, delivery_done
from .models import Channel, Delivery, Notification, PushSubscription
from .selectors import preference_enabled, quiet_hours_end

logger = logging.getLogger(__name__)

# a push the browser cannot get within a day is stale: the bell still has it
PUSH_TTL_SECONDS = 24 * 60 * 60
PUSH_TIMEOUT_SECONDS = 10
GONE = (404, 410)


def vapid_keys_generate() -> tuple[str, str]:
    """A new VAPID key pair: (private, public), both base64url as the settings and the
    browser's ``applicationServerKey`` take them."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(private), b64urlencode(public)


def push_configured() -> bool:
    """Whether this installation has VAPID keys (without them nothing is pushed)."""
    return bool(settings.VAPID_PRIVATE_KEY and settings.VAPID_PUBLIC_KEY)


def push_payload(notification: Notification) -> str:
    """What the service worker gets: the title, the text and the place to open."""
    return json.dumps(
        {
            "title": notification.title,
            "body": notification.body[:300],
            "url": notification.url or "/",
            "tag": f"notification-{notification.pk}",
        }
    )


def _push_one(subscription: PushSubscription, data: str) -> None:
    webpush(
        subscription_info={
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        },
        data=data,
        vapid_private_key=settings.VAPID_PRIVATE_KEY,
        # a fresh dict each time: pywebpush writes aud and exp into it
        vapid_claims={"sub": settings.VAPID_SUBJECT},
        ttl=PUSH_TTL_SECONDS,
        timeout=PUSH_TIMEOUT_SECONDS,
    )


def notification_push_send(
    *, notification: Notification, now: dt.datetime | None = None
) -> Delivery | None:
    """Push ``notification`` to its person's browsers, once. None when it was already
    claimed (sent, or in flight elsewhere); otherwise the delivery, sent when at least
    one browser took it, skipped when there is none, failed when all refused.

    The caller has checked that the person wants it now (``selectors.channel_wanted``)."""
    now = now or timezone.now()
    delivery = delivery_claim(notification=notification, channel=Channel.PUSH, now=now)
    if delivery is None:
        return None
    subscriptions = list(PushSubscription.objects.filter(user_id=notification.user_id))
    if not push_configured() or not subscriptions:
        detail = "no VAPID keys" if not push_configured() else "no browser subscribed"
        delivery_done(delivery=delivery, status=Delivery.Status.SKIPPED, detail=detail, now=now)
        return delivery
    data = push_payload(notification)
    sent, errors = [], []
    for subscription in subscriptions:
        try:
            _push_one(subscription, data)
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in GONE:
                subscription.delete()
                errors.append(f"{status}: subscription removed")
            else:
                errors.append(f"{status or 'error'}: {exc.message[:80]}")
                logger.warning("push to %s failed: %s", subscription.pk, exc.message[:200])
        except OSError as exc:  # unreachable push service (requests' errors are OSErrors)
            errors.append(f"unreachable: {exc.__class__.__name__}")
            logger.warning("push to %s failed: %s", subscription.pk, exc)
        else:
            sent.append(subscription.pk)
    if sent:
        PushSubscription.objects.filter(pk__in=sent).update(last_sent_at=now)
    delivery_done(
        delivery=delivery,
        status=Delivery.Status.SENT if sent else Delivery.Status.FAILED,
        detail=f"{len(sent)} of {len(subscriptions)} browsers; " + "; ".join(errors)
        if errors
        else f"{len(sent)} of {len(subscriptions)} browsers",
        now=now,
    )
    return delivery


def notification_push(
    *, notification: Notification, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Push ``notification`` now if its person wants it on push and is not in quiet
    hours; when they are, nothing is sent and the end of their quiet hours is returned
    (try again then). Already read in the bell, or no longer wanted: not pushed."""
    now = now or timezone.now()
    user = notification.user
    if notification.read_at is not None:
        return None
    if not preference_enabled(user=user, kind=notification.kind, channel=Channel.PUSH):
        return None
    if not user.is_active:
        return None
    wait_until = quiet_hours_end(user=user, now=now)
    if wait_until is not None:
        return wait_until
    notification_push_send(notification=notification, now=now)
    return None
