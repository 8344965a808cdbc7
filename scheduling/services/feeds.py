"""Private calendar feeds: each coach and each client may subscribe their own calendar
app to ``/calendar/<token>.ics`` on the business's address. No sign-in: the token is
the key (``secrets.token_urlsafe(32)``, 256 bits), so a new one revokes the old address.

A client's feed holds their places (booked, attended, missed); a coach's, the sessions
they run with their clients' names. Both reach back ``FEED_DAYS_BACK`` days. The token
lives in the business's schema: another business's token is unknown here.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mectofitness.core.context_processors import business_url

from .. import ics
from ..models import CalendarFeed
from ..selectors_notices import (
    current_business,
    feed_appointments_for_coach,
    feed_bookings_for_client,
    feed_owner_kind,
    meeting_link,
    scheduling_settings,
)

# a feed's last read is written down at most this often (calendar apps poll a lot)
READ_STAMP_EVERY = dt.timedelta(minutes=5)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _require_member(user: User) -> None:
    if not feed_owner_kind(user)[0]:
        raise PermissionDenied(_("Only the business's coaches and clients have a calendar feed."))


@transaction.atomic
def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    """``user``'s calendar feed, made on first use (a coach, or a client with a portal
    record)."""
    _require_member(user)
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=_new_token())
    except IntegrityError:  # made meanwhile (two tabs): theirs it is
        return CalendarFeed.objects.get(user=user)


@transaction.atomic
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """A new address for ``user``'s feed: the old one stops working at once."""
    _require_member(user)
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return CalendarFeed.objects.create(user=user, token=_new_token())
    feed.token = _new_token()
    feed.last_read_at = None
    feed.save(update_fields=["token", "last_read_at"])
    return feed


def calendar_feed_address(*, user: User, renew: bool) -> str:
    """What the "Get my calendar address" and "New address" buttons do: make the
    address, or a new one (the old stops working). Returns the sentence to show."""
    if renew:
        calendar_feed_renew(user=user)
        return _("Your calendar has a new address. The old one no longer works.")
    calendar_feed_get_or_create(user=user)
    return _("Here is your calendar address.")


def calendar_feed_open(*, token: str, now: dt.datetime | None = None) -> CalendarFeed | None:
    """The feed behind ``token`` (None: unknown, revoked, or its person is no longer a
    coach or client here), its last read written down when the last one is more than
    ``READ_STAMP_EVERY`` ago."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    now = now or timezone.now()
    if feed.last_read_at is None or feed.last_read_at < now - READ_STAMP_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
        feed.last_read_at = now
    return feed


def calendar_feed_urls(feed: CalendarFeed) -> dict[str, str]:
    """The feed's address (``https``, to copy) and its ``webcal`` twin (which opens a
    calendar app and subscribes)."""
    business = current_business()
    url = business_url(business.slug, reverse("scheduling_calendar_feed", args=[feed.token]))
    return {"url": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def calendar_feed_text(*, feed: CalendarFeed, now: dt.datetime | None = None) -> bytes:
    """The feed as iCalendar text: the person's sessions from ``FEED_DAYS_BACK`` days ago
    on. Empty (a valid calendar) for someone who is no longer a coach or client."""
    now = now or timezone.now()
    business = current_business()
    standing = scheduling_settings()
    kind, client = feed_owner_kind(feed.user)
    events = []
    if kind == "client":
        portal = business_url(business.slug, reverse("scheduling_sessions"))
        for booking in feed_bookings_for_client(client=client, now=now):
            appointment = booking.appointment
            events.append(
                ics.session_event(
                    appointment=appointment,
                    business=business,
                    summary=ics.summary_for_client(appointment),
                    stamp=now,
                    meeting_url=meeting_link(appointment, standing),
                    booking=booking,
                    link=portal,
                )
            )
    elif kind == "coach":
        for appointment in feed_appointments_for_coach(coach=feed.user, now=now):
            link = business_url(
                business.slug,
                reverse("backoffice:scheduling_appointment", args=[appointment.pk]),
            )
            events.append(
                ics.session_event(
                    appointment=appointment,
                    business=business,
                    summary=ics.summary_for_coach(
                        appointment, [b.client for b in appointment.held]
                    ),
                    stamp=now,
                    meeting_url=meeting_link(appointment, standing),
                    link=link,
                )
            )
    name = _("%(business)s sessions") % {"business": business.name}
    return ics.calendar_text(business=business, events=events, name=name)
