"""Sending once: every channel claims a notification's delivery before it sends.

``delivery_claim`` commits a ``Delivery`` row (unique per notification and channel)
before anything leaves; a second claim, from a retried task or a second worker, gets
None and sends nothing. ``delivery_done`` records how it went.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Delivery, Notification


def delivery_claim(
    *, notification: Notification, channel: str, now: dt.datetime | None = None
) -> Delivery | None:
    """The claim on sending ``notification`` on ``channel``, or None when it is already
    claimed (sent, failed or in flight elsewhere). Commits at once: call it outside a
    transaction the caller may still roll back."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                notification=notification, channel=channel, claimed_at=now or timezone.now()
            )
    except IntegrityError:
        return None


def delivery_done(
    *,
    delivery: Delivery,
    status: str,
    provider_id: str = "",
    detail: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Record the end of a claimed delivery (sent, failed or skipped, and why)."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        provider_id=provider_id[:200],
        detail=detail[:300],
        sent_at=(now or timezone.now()) if status == Delivery.Status.SENT else None,
    )
