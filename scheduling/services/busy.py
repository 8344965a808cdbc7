"""A coach's own calendar: the private ICS address they paste in (Google, Apple, Outlook
all give one), read by the worker every 15 minutes. What it says is busy in the next
60 days is kept out of the coach's free times (``selectors.busy_intervals``), so a
client never books them over a dentist's appointment.

Reading it: one GET with a 5-second budget and a 2 MB cap, sending the last ETag
(``If-None-Match``: an unchanged calendar answers 304 and costs nothing). The file is
read with ``icalendar`` and its repeats (RRULE, RDATE, EXDATE) expanded with
``recurring-ical-events``. Events marked free (TRANSP:TRANSPARENT) and cancelled ones
are skipped; an all-day event blocks its whole day on the business's clock, and a time
without a zone ("floating") is read on the business's clock too.

The busy times are replaced in one transaction. A calendar that cannot be read (an
HTTP error, a timeout, a file that is not a calendar) keeps the busy times read before
and says why in ``BusyCalendar.error``: a coach whose calendar is down for an hour
does not suddenly look free.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import zoneinfo

import icalendar
import recurring_ical_events
import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner, is_staff_member
from mectofitness.core.tasks import enqueue_on_commit

from ..models import BusyCalendar, BusyTime
from ..selectors import business_zone
from ..slots import merge

logger = logging.getLogger(__name__)

DAYS_AHEAD = 60
POLL_EVERY = dt.timedelta(minutes=15)
# the whole read, connecting included: a calendar that trickles its bytes is cut off
FETCH_SECONDS = 5.0
MAX_BYTES = 2 * 1024 * 1024
# occurrences read in the 60 days: a rule repeating every minute stops here, not the worker
MAX_OCCURRENCES = 5000
USER_AGENT = "MectoFitness calendar reader (busy times only)"
POLL_TASK = "scheduling.tasks.busy_calendar_poll_task"


class _Unreadable(Exception):
    """The calendar could not be read; the message says why, for the coach."""


def _require_calendar_of(by: User, coach: User) -> None:
    if not is_staff_member(by) or (coach.pk != by.pk and not is_owner(by)):
        raise PermissionDenied(_("You can change only your own calendar."))


def busy_calendar_url_clean(url: str) -> str:
    """The address as it is saved: an http(s) URL. A ``webcal://`` address (what Apple
    and Outlook hand out) is the same file over https."""
    url = (url or "").strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    if not url:
        raise ValidationError({"url": _("Paste your calendar's private address.")})
    if len(url) > 2000:
        raise ValidationError({"url": _("This address is too long.")})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(
            {"url": _("Enter an address that starts with https:// (or http://).")}
        ) from exc
    return url


@transaction.atomic
def busy_calendar_save(*, coach: User, url: str, by: User) -> BusyCalendar:
    """Set ``coach``'s own calendar (a coach their own, the owner anyone's). It is read
    once the save commits (a task), then every 15 minutes. A new address starts afresh
    (no ETag, no error); the busy times read from the old one stay until the new one
    has been read, so the coach never looks free in between."""
    _require_calendar_of(by, coach)
    if not (coach.is_staff and coach.is_active):
        raise ValidationError({"coach": _("Only active coaches have a calendar here.")})
    url = busy_calendar_url_clean(url)
    calendar = BusyCalendar.objects.select_for_update().filter(coach=coach).first()
    if calendar is None:
        calendar = BusyCalendar.objects.create(coach=coach, url=url)
    elif calendar.url != url:
        calendar.url, calendar.etag, calendar.error, calendar.polled_at = url, "", "", None
        calendar.save(update_fields=["url", "etag", "error", "polled_at"])
    enqueue_on_commit(POLL_TASK, calendar_id=calendar.pk)
    return calendar


@transaction.atomic
def busy_calendar_remove(*, coach: User, by: User) -> bool:
    """Stop reading ``coach``'s own calendar and forget its busy times. Returns whether
    there was one."""
    _require_calendar_of(by, coach)
    deleted, _rows = BusyCalendar.objects.filter(coach=coach).delete()
    return bool(deleted)


def busy_calendar_check(*, coach: User, by: User, now: dt.datetime) -> BusyCalendar:
    """The page's "Check now": read ``coach``'s own calendar at once (a coach their own,
    the owner anyone's) and return it, with its ``error`` if it could not be read."""
    _require_calendar_of(by, coach)
    calendar = BusyCalendar.objects.filter(coach=coach).first()
    if calendar is None:
        raise ValidationError({"url": _("Add your calendar's address first.")})
    return busy_calendar_poll(calendar=calendar, now=now)


def busy_calendars_due(*, now: dt.datetime) -> list[int]:
    """The calendars of active coaches not read in the last 15 minutes (a minute's
    leeway: beat's quarter-hour round comes a little late or early), by id."""
    due = now - POLL_EVERY + dt.timedelta(minutes=1)
    return list(
        BusyCalendar.objects.filter(coach__is_active=True, coach__is_staff=True)
        .filter(Q(polled_at__isnull=True) | Q(polled_at__lt=due))
        .order_by("polled_at")
        .values_list("pk", flat=True)
    )


def busy_calendar_poll(*, calendar: BusyCalendar, now: dt.datetime) -> BusyCalendar:
    """Read ``calendar`` now and replace its coach's busy times with what it says for
    the next 60 days. On failure, ``error`` says why and the busy times stay as they
    were. No transaction is open while the calendar is fetched; the write checks that
    the calendar is still there with the same address."""
    url, etag = calendar.url, calendar.etag
    try:
        status, body, new_etag = _fetch(url, etag)
        if status == 304:
            _record(calendar, url, polled_at=now, error="")
            return _fresh(calendar)
        times = busy_times_read(body, now=now, tz=business_zone())
    except _Unreadable as exc:
        logger.info("busy calendar %s not read: %s", calendar.pk, exc)
        _record(calendar, url, polled_at=now, error=str(exc)[:300])
        return _fresh(calendar)
    with transaction.atomic():
        locked = BusyCalendar.objects.select_for_update().filter(pk=calendar.pk, url=url).first()
        if locked is None:  # removed, or given another address, while it was read
            return calendar
        BusyTime.objects.filter(calendar=locked).delete()
        BusyTime.objects.bulk_create(
            BusyTime(calendar=locked, coach_id=locked.coach_id, starts_at=a, ends_at=b)
            for a, b in times
        )
        locked.polled_at, locked.error, locked.etag = now, "", new_etag[:200]
        locked.save(update_fields=["polled_at", "error", "etag"])
    return locked


def _record(calendar: BusyCalendar, url: str, **fields) -> None:
    BusyCalendar.objects.filter(pk=calendar.pk, url=url).update(**fields)


def _fresh(calendar: BusyCalendar) -> BusyCalendar:
    return BusyCalendar.objects.filter(pk=calendar.pk).first() or calendar


def _fetch(url: str, etag: str) -> tuple[int, bytes, str]:
    """(status, body, ETag) of one GET: 200 with the file, or 304 (unchanged)."""
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    started = time.monotonic()
    too_slow = _("The calendar did not answer within %(n)s seconds.") % {"n": int(FETCH_SECONDS)}
    too_big = _("The calendar is larger than %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)}
    try:
        with requests.get(url, headers=headers, timeout=FETCH_SECONDS, stream=True) as response:
            if response.status_code == 304:
                return 304, b"", etag
            if response.status_code != 200:
                raise _Unreadable(
                    _("The calendar's address answered with an error (HTTP %(status)s).")
                    % {"status": response.status_code}
                )
            if int(response.headers.get("Content-Length") or 0) > MAX_BYTES:
                raise _Unreadable(too_big)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise _Unreadable(too_big)
                if time.monotonic() - started > FETCH_SECONDS:
                    raise _Unreadable(too_slow)
            return 200, bytes(body), response.headers.get("ETag", "")
    except requests.Timeout as exc:
        raise _Unreadable(too_slow) from exc
    except requests.ConnectionError as exc:
        raise _Unreadable(_("The calendar's address could not be reached.")) from exc
    except requests.RequestException as exc:
        raise _Unreadable(_("The calendar could not be read from this address.")) from exc


def busy_times_read(
    body: bytes, *, now: dt.datetime, tz: zoneinfo.ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The busy times (UTC, merged) an ICS file holds from ``now`` to 60 days ahead.
    Raises ``_Unreadable`` for a file that is not a calendar."""
    horizon = now + dt.timedelta(days=DAYS_AHEAD)
    not_a_calendar = _("This address does not give a calendar (an .ics file).")
    try:
        calendar = icalendar.Calendar.from_ical(body)
        if calendar.name != "VCALENDAR":
            raise _Unreadable(not_a_calendar)
        busy = []
        # in start order: the first occurrence past the horizon ends the read (a rule
        # without an end repeats for ever)
        for count, event in enumerate(recurring_ical_events.of(calendar).after(now.astimezone(tz))):
            if count >= MAX_OCCURRENCES:
                raise _Unreadable(
                    _("The calendar has more than %(n)s events in the next %(days)s days.")
                    % {"n": MAX_OCCURRENCES, "days": DAYS_AHEAD}
                )
            starts_at, ends_at = _moment(event.start, tz), _moment(event.end, tz)
            if starts_at >= horizon:
                break
            if _is_free(event) or ends_at <= max(starts_at, now):
                continue
            busy.append((starts_at, ends_at))
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        # the parser's and the expansion's errors (icalendar's InvalidCalendar and
        # recurring-ical-events' are ValueErrors; a bad zone is a KeyError)
        raise _Unreadable(not_a_calendar) from exc
    return merge(busy)


def _is_free(event) -> bool:
    transparency = str(event.get("TRANSP", "OPAQUE")).upper()
    status = str(event.get("STATUS", "CONFIRMED")).upper()
    return transparency == "TRANSPARENT" or status == "CANCELLED"


def _moment(value: dt.date | dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A time of the file in UTC: a date is its midnight on the business's clock (an
    all-day event blocks that whole day there), a floating time is read there too."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(dt.UTC)
    return dt.datetime.combine(value, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def busy_calendars_poll_due(*, now: dt.datetime) -> int:
    """In one business: queue a read of every calendar that is due (one task each, so
    one slow calendar holds up no other). Returns how many were queued."""
    due = busy_calendars_due(now=now)
    for calendar_id in due:
        enqueue_on_commit(POLL_TASK, calendar_id=calendar_id)
    return len(due)
