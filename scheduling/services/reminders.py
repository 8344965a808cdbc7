"""Reminders of booked sessions, by e-mail and (where Twilio is set up, the owner
turned it on and the client's number said yes to texts: ``notifications.sms``) by
text message, ``SchedulingSettings.reminder_hours`` before the start.

Each reminder goes out at most once. The worker claims it first, a ``Reminder`` row
(unique per booking, hours and channel) committed in its own transaction, and only
then sends: a second run, or a run after a crash between claim and send, finds the
claim and sends nothing. A crash therefore loses that one reminder rather than
sending it twice; a refused send is kept as failed, with Twilio's or the mail
server's answer.

Which reminders are due at ``now``: a booked session that has not started, whose
moment (start minus the hours) has passed, no longer ago than ``LATE_AT_MOST`` (a
worker that was down does not send yesterday's "tomorrow"), and came after the
booking was made and the session last moved (booked an hour before: no 24-hour
reminder; moving a session starts its reminders afresh, ``notices.appointment_moved``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField as DateTimeOutput
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clients.selectors import client_zone
from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail
from mectofitness.core.sms import mobile_number, sms_is_configured
from notifications.sms import sms_opted_in, text_send

from ..ics import coach_name
from ..models import Appointment, Booking, Reminder, SessionType
from ..selectors_notices import (
    client_address,
    current_business,
    meeting_link,
    scheduling_settings,
)

logger = logging.getLogger(__name__)

# a reminder whose moment passed longer ago than this is not sent any more
LATE_AT_MOST = dt.timedelta(hours=2)
TEMPLATE = "scheduling/emails/reminder"


def reminders_due(*, now: dt.datetime, hours: int, channel: str) -> list[Booking]:
    """The bookings whose ``hours``-before reminder on ``channel`` is due at ``now`` and
    not claimed yet, with their clients, coaches and types. One query."""
    before = dt.timedelta(hours=hours)
    moment = ExpressionWrapper(F("starts_at") - before, output_field=DateTimeOutput())
    claimed = Reminder.objects.filter(booking=OuterRef("pk"), hours_before=hours, channel=channel)
    return list(
        Booking.objects.filter(
            status=Booking.Status.BOOKED,
            appointment__status=Appointment.Status.SCHEDULED,
            # started: no reminder; its moment too long ago: none either
            starts_at__gt=max(now, now + before - LATE_AT_MOST),
            starts_at__lte=now + before,
        )
        .alias(moment=moment)
        .filter(Q(moment__gte=F("created_at")) & Q(moment__gte=F("appointment__updated_at")))
        .exclude(Exists(claimed))
        .select_related("client__user", "appointment__session_type", "appointment__coach")
        .order_by("starts_at", "pk")
    )


def reminder_claim(
    *, booking: Booking, hours: int, channel: str, now: dt.datetime
) -> Reminder | None:
    """Claim one reminder: the committed row that stops any other run from sending it.
    None when someone claimed it first. Durable: never inside another transaction, so
    the claim is committed before anything is sent."""
    try:
        with transaction.atomic(durable=True):
            return Reminder.objects.create(
                booking=booking, hours_before=hours, channel=channel, claimed_at=now
            )
    except IntegrityError:
        return None


def _mark(reminder: Reminder, *, error: str = "", now: dt.datetime) -> None:
    if error:
        Reminder.objects.filter(pk=reminder.pk).update(
            status=Reminder.Status.FAILED, error=error[:300]
        )
    else:
        Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.SENT, sent_at=now)


def _mail(booking: Booking, *, business, now: dt.datetime, standing) -> int:
    appointment, client = booking.appointment, booking.client
    zone = client_zone(client)
    local = booking.starts_at.astimezone(zone)
    context = {
        "client": client,
        "booking": booking,
        "appointment": appointment,
        "kind": appointment.session_type.name,
        "coach_name": appointment.coach.get_short_name(),
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "online": appointment.location_kind == SessionType.Location.ONLINE,
        "place": appointment.location,
        "meeting_url": meeting_link(appointment, standing),
        "tz_name": zone.key,
        "today": now,
        "url": business_url(business.slug, "/sessions/"),
    }
    subject = _("Reminder: %(kind)s on %(when)s") % {
        "kind": appointment.session_type.name,
        "when": formats.date_format(local, "l j F, H:i"),
    }
    with timezone.override(zone):
        return send_business_mail(
            business=business,
            to=client_address(client),
            subject=subject,
            template=TEMPLATE,
            context=context,
            reply_to=appointment.coach.email or None,
        )


def _text(booking: Booking, *, business, standing) -> str:
    """The text message: short, one segment where the names allow."""
    appointment = booking.appointment
    local = booking.starts_at.astimezone(client_zone(booking.client))
    when = formats.date_format(local, "D j M, H:i")
    link = meeting_link(appointment, standing)
    text = _("%(business)s: reminder of %(kind)s with %(coach)s, %(when)s.") % {
        "business": business.name,
        "kind": appointment.session_type.name,
        "coach": coach_name(appointment.coach),
        "when": when,
    }
    return f"{text} {link}" if link else text


def _send_one(
    booking: Booking, *, hours: int, channel: str, now: dt.datetime, business, standing
) -> bool:
    """Claim, then send one reminder; True when it went out."""
    reminder = reminder_claim(booking=booking, hours=hours, channel=channel, now=now)
    if reminder is None:
        return False
    try:
        if channel == Reminder.Channel.SMS:
            # through notifications.sms: kept with its delivery status, consent checked
            sent = text_send(
                phone=booking.client.phone,
                body=_text(booking, business=business, standing=standing),
                user=booking.client.user,
                now=now,
            )
            if sent is None:
                raise RuntimeError("The number has not said yes to texts.")
        else:
            _mail(booking, business=business, now=now, standing=standing)
    except Exception as exc:  # noqa: BLE001 (any refusal is kept on the claim, not retried)
        logger.warning("reminder %s not sent: %s", reminder.pk, exc)
        _mark(reminder, error=f"{type(exc).__name__}: {exc}", now=now)
        return False
    _mark(reminder, now=now)
    return True


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send the business's due reminders (the worker, every few minutes). Runs outside
    any transaction: each claim commits on its own before its send. Returns how many
    went out."""
    now = now or timezone.now()
    business = current_business()
    standing = scheduling_settings()
    if business is None or not standing.reminder_hours:
        return 0
    channels = [Reminder.Channel.EMAIL]
    if standing.sms_reminders and sms_is_configured():
        channels.append(Reminder.Channel.SMS)
    sent = 0
    for hours in sorted(set(standing.reminder_hours), reverse=True):
        for channel in channels:
            for booking in reminders_due(now=now, hours=hours, channel=channel):
                if channel == Reminder.Channel.SMS:
                    # only a number that said yes to texts (notifications.sms)
                    reachable = sms_opted_in(number=mobile_number(booking.client.phone))
                else:
                    reachable = bool(client_address(booking.client))
                if reachable:
                    sent += _send_one(
                        booking,
                        hours=hours,
                        channel=channel,
                        now=now,
                        business=business,
                        standing=standing,
                    )
    return sent
