"""Housekeeping, hourly in each business (beat): packs past their date expire,
abandoned Checkouts are cancelled.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import Purchase

PENDING_MAX_AGE = dt.timedelta(hours=24)  # Checkout Sessions expire after 24 h at Stripe


def purchases_housekeep(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Packs past their expiry become ``expired``; purchases still pending a day after
    Checkout started (abandoned: Stripe's session has expired) become ``cancelled``.

    Two UPDATE queries, idempotent. A late payment still fulfils a cancelled
    purchase (``checkout_session_fulfil`` accepts it). Returns (expired, cancelled).
    """
    now = now or timezone.now()
    expired = Purchase.objects.filter(
        status=Purchase.Status.ACTIVE,
        sessions_total__isnull=False,
        expires_at__isnull=False,
        expires_at__lte=now,
    ).update(status=Purchase.Status.EXPIRED)
    cancelled = Purchase.objects.filter(
        status=Purchase.Status.PENDING, created_at__lt=now - PENDING_MAX_AGE
    ).update(status=Purchase.Status.CANCELLED)
    return expired, cancelled
