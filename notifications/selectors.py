"""Reads: a person's notifications and unread count, what they want on which channel,
and whether their quiet hours are on.

Quiet hours are on the person's own clock: ``User.timezone``, or the business's when
they have not set one (``connection.tenant.timezone``: read without importing the
tenants app, which sits above this one).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from .models import (
    DEFAULT_CHANNELS,
    OWN_MAIL_KINDS,
    Channel,
    Kind,
    Notification,
    PersonSettings,
    Preference,
)

PAGE_SIZE = 50


# --- the bell ---------------------------------------------------------------------------


def notification_list_for(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first (only the unread ones with ``unread``).
    Never another person's: the queryset is the access rule."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    queryset = Notification.objects.filter(user_id=user.pk)
    if unread:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-pk")


def notification_unread_count(*, user: User) -> int:
    """How many of ``user``'s notifications are unread (one query on a partial index)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


# --- time zones and quiet hours -----------------------------------------------------------


def person_tz(user: User) -> zoneinfo.ZoneInfo:
    """The clock ``user`` lives by: theirs, else the business's, else UTC."""
    for name in (getattr(user, "timezone", ""), getattr(connection.tenant, "timezone", "")):
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def person_settings_get(*, user: User) -> PersonSettings | None:
    """``user``'s quiet hours row, or None when they have none (one query)."""
    return PersonSettings.objects.filter(user_id=user.pk).first()


def quiet_hours_window_end(
    *, quiet_from: dt.time, quiet_until: dt.time, tz: zoneinfo.ZoneInfo, now: dt.datetime
) -> dt.datetime | None:
    """When quiet hours from ``quiet_from`` to ``quiet_until`` (wall clock in ``tz``,
    perhaps across midnight) end, if ``now`` is inside them; None when it is not.

    The start is inclusive, the end exclusive: 22:00-07:00 is quiet at 22:00 and at
    06:59, not at 07:00."""
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    if quiet_from < quiet_until:  # the same day, 13:00-15:00
        inside = quiet_from <= clock < quiet_until
        end_day = local.date()
    else:  # across midnight, 22:00-07:00
        inside = clock >= quiet_from or clock < quiet_until
        end_day = local.date() + dt.timedelta(days=1) if clock >= quiet_from else local.date()
    if not inside:
        return None
    end = dt.datetime.combine(end_day, quiet_until).replace(tzinfo=tz)
    # a wall-clock time a DST change skips: round trip through UTC lands just after it
    end = end.astimezone(dt.UTC).astimezone(tz)
    return end.astimezone(dt.UTC)


def quiet_hours_end(*, user: User, now: dt.datetime | None = None) -> dt.datetime | None:
    """When ``user``'s quiet hours end (an aware UTC datetime), if ``now`` is inside
    them; None when they have none or it is not quiet now (one query)."""
    now = now or timezone.now()
    settings_row = person_settings_get(user=user)
    if settings_row is None or settings_row.quiet_from is None or settings_row.quiet_until is None:
        return None
    return quiet_hours_window_end(
        quiet_from=settings_row.quiet_from,
        quiet_until=settings_row.quiet_until,
        tz=person_tz(user),
        now=now,
    )


# --- preferences -------------------------------------------------------------------------


def preferences_for(*, user: User) -> dict[str, dict[str, bool]]:
    """What ``user`` wants: ``{kind: {channel: on}}`` for every kind and channel, their
    choice where they made one, else ``DEFAULT_CHANNELS`` (one query)."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user_id=user.pk).values_list(
            "kind", "channel", "enabled"
        )
    }
    return {
        kind.value: {
            channel.value: chosen.get(
                (kind.value, channel.value), channel.value in DEFAULT_CHANNELS[kind.value]
            )
            and not (channel == Channel.EMAIL and kind in OWN_MAIL_KINDS)
            for channel in Channel
        }
        for kind in Kind
    }


def preference_enabled(*, user: User, kind: str, channel: str) -> bool:
    """Whether ``user`` wants ``kind`` on ``channel``: their choice, else the default
    (one query). Never e-mail for a kind whose own app mails it (``OWN_MAIL_KINDS``)."""
    if channel == Channel.EMAIL and kind in OWN_MAIL_KINDS:
        return False
    enabled = (
        Preference.objects.filter(user_id=user.pk, kind=kind, channel=channel)
        .values_list("enabled", flat=True)
        .first()
    )
    if enabled is None:
        return channel in DEFAULT_CHANNELS.get(kind, frozenset())
    return enabled


def channel_wanted(*, user: User, kind: str, channel: str, now: dt.datetime | None = None) -> bool:
    """Whether to send ``kind`` to ``user`` on ``channel`` at ``now``: an active person
    who wants it (their preference, else ``DEFAULT_CHANNELS``) and is not in their quiet
    hours (two queries at most). False in quiet hours: ask ``quiet_hours_end`` when to
    try again."""
    if user is None or not user.is_active:
        return False
    if not preference_enabled(user=user, kind=kind, channel=channel):
        return False
    return quiet_hours_end(user=user, now=now) is None
