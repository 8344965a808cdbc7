"""Booking mail: the client and the coach hear of every booking, move and
cancellation, with the session attached as an invitation (``invite.ics``) that their
calendar adds, moves or removes.

The booking services call ``booking_confirmed``, ``booking_cancelled`` and
``appointment_moved`` inside their transaction. Each queues a task for when the
transaction commits (``enqueue_on_commit``), so a refused booking sends nothing and
the request does not wait for the mail server; the worker then reads the booking as it
is and sends (``booking_notice_send``, ``appointment_moved_send``).

Every mail goes through ``send_business_mail``: from the business, in its colours. Times
are written in the reader's zone: a client's own (``clients.selectors.client_zone``), the
business's for a coach.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.selectors import client_zone
from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail
from mectofitness.core.tasks import enqueue_on_commit

from .. import ics
from ..models import (
    Appointment,
    Booking,
    Reminder,
    SchedulingSettings,
    SessionType,
    WaitlistEntry,
)
from ..selectors import business_zone
from ..selectors_notices import (
    client_address,
    current_business,
    meeting_link,
    scheduling_settings,
)
from .bell import appointment_moved_bell, booking_bell

# queued by name: the task module imports this one (scheduling.tasks_notices)
NOTICE_TASK = "scheduling.tasks_notices.booking_notice_task"
MOVED_TASK = "scheduling.tasks_notices.appointment_moved_notice_task"

CONFIRMED = "confirmed"  # booked (a session, a place in a class)
PROMOTED = "promoted"  # a place from the waitlist
CANCELLED = "cancelled"
MOVED = "moved"
# to coaches only: a session moved from one coach to another
HANDED_OVER = "handed_over"  # the coach who had it
TAKEN_OVER = "taken_over"  # the coach who has it now

CLIENT_TEMPLATE = "scheduling/emails/booking_client"
COACH_TEMPLATE = "scheduling/emails/booking_coach"
SERIES_TEMPLATE = "scheduling/emails/booking_series"


# --- called by the booking services, inside their transaction ---------------------------

_silenced: contextvars.ContextVar[bool] = contextvars.ContextVar("notices_silenced", default=False)


@contextlib.contextmanager
def silenced():
    """Book, move and cancel without telling anyone: seeding the demo business and the
    bench, whose people are made up."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def _queue(task: str, **kwargs) -> None:
    if not _silenced.get():
        enqueue_on_commit(task, **kwargs)


def booking_confirmed(*, booking: Booking) -> None:
    """Once the transaction commits: mail the client and the coach the new booking, an
    invitation attached (a place the waitlist gave: "you got a place")."""
    _queue(NOTICE_TASK, booking_id=booking.pk, notice=CONFIRMED)


def booking_cancelled(*, booking: Booking) -> None:
    """Once the transaction commits: mail the client (the invitation withdrawn) and the
    coach (withdrawn too for a one-to-one; a class's stays, with its new list)."""
    _queue(NOTICE_TASK, booking_id=booking.pk, notice=CANCELLED)


def appointment_moved(*, appointment: Appointment) -> None:
    """Call before moving ``appointment`` (it notes where and whose it was). Once the
    transaction commits, its clients and coach hear of the new time, the invitation
    updated; a move that is refused rolls this back with the rest. Its reminders start
    afresh: the new time gets its own."""
    Reminder.objects.filter(booking__appointment=appointment).delete()
    _queue(
        MOVED_TASK,
        appointment_id=appointment.pk,
        was_starts_at=appointment.starts_at.isoformat(),
        was_coach_id=appointment.coach_id,
    )


# --- sent by the worker ---------------------------------------------------------------------


def booking_notice_send(*, booking_id: int, notice: str, now: dt.datetime | None = None) -> int:
    """Mail the client and the coach about one booking as it is now (``notice``: what
    happened to it). A booking cancelled before its confirmation went out gets only the
    cancellation. Returns how many mails went out."""
    booking = (
        Booking.objects.select_related(
            "appointment__session_type", "appointment__coach", "client__user"
        )
        .filter(pk=booking_id)
        .first()
    )
    business = current_business()
    if booking is None or business is None:
        return 0
    cancelled = notice == CANCELLED
    if cancelled and booking.is_holding:
        return 0
    if not cancelled and booking.status != Booking.Status.BOOKED:
        return 0  # cancelled before this went out: its cancellation follows
    if notice == CONFIRMED and _from_waitlist(booking):
        notice = PROMOTED
    letter = _Letter(business=business, now=now or timezone.now(), standing=scheduling_settings())
    if notice == CONFIRMED and booking.appointment.series:
        return _series_send(letter, booking)
    booking_bell(booking=booking, notice=notice)  # the bell and push, beside the mail
    appointment = booking.appointment
    sent = letter.to_client(booking=booking, notice=notice)
    # a class goes on without this client: the coach's copy stays, with its new list
    coach_cancel = cancelled and appointment.status == Appointment.Status.CANCELLED
    sent += letter.to_coach(
        appointment=appointment,
        coach=appointment.coach,
        notice=notice,
        client=booking.client,
        booking=booking,
        withdraw=coach_cancel,
    )
    return sent


def _series_send(letter: _Letter, booking: Booking) -> int:
    """A weekly series is one mail each to the client and the coach, listing its dates,
    with every session in the attachment: the series' first booking still booked sends
    it, the others' notices send nothing."""
    series = list(
        Booking.objects.filter(
            appointment__series=booking.appointment.series,
            client=booking.client,
            status=Booking.Status.BOOKED,
        )
        .select_related("appointment__session_type", "appointment__coach", "client__user")
        .order_by("starts_at", "pk")
    )
    if not series or series[0].pk != booking.pk:
        return 0
    booking_bell(booking=booking, notice=CONFIRMED)  # once for the series, as the mail
    return letter.series_to_client(bookings=series) + letter.series_to_coach(bookings=series)


def _from_waitlist(booking: Booking) -> bool:
    """Whether the waitlist gave this place: the business's doing (no ``booked_by``) for
    a client who was waiting (``booking.waitlist_promote``)."""
    return (
        booking.booked_by_id is None
        and WaitlistEntry.objects.filter(
            appointment_id=booking.appointment_id,
            client_id=booking.client_id,
            status=WaitlistEntry.Status.PROMOTED,
        ).exists()
    )


def appointment_moved_send(
    *,
    appointment_id: int,
    was_starts_at: dt.datetime,
    was_coach_id: int | None,
    now: dt.datetime | None = None,
) -> int:
    """Mail each client with a place in a moved appointment, and its coach, the new time
    (the invitation updated). Moved to another coach: the one who had it sees it
    withdrawn, the one who has it now sees it added. Returns how many mails went out."""
    appointment = (
        Appointment.objects.select_related("session_type", "coach")
        .filter(pk=appointment_id, status=Appointment.Status.SCHEDULED)
        .first()
    )
    business = current_business()
    if appointment is None or business is None:
        return 0
    letter = _Letter(business=business, now=now or timezone.now(), standing=scheduling_settings())
    bookings = list(
        appointment.bookings.filter(status=Booking.Status.BOOKED)
        .select_related("client__user")
        .order_by("created_at", "pk")
    )
    sent = 0
    for booking in bookings:
        booking.appointment = appointment
        sent += letter.to_client(booking=booking, notice=MOVED, was_starts_at=was_starts_at)
    # the bell and push, beside the mail
    appointment_moved_bell(appointment=appointment, bookings=bookings, was_coach_id=was_coach_id)
    if was_coach_id is not None and was_coach_id != appointment.coach_id:
        previous = User.objects.filter(pk=was_coach_id).first()
        if previous is not None:
            sent += letter.to_coach(
                appointment=appointment,
                coach=previous,
                notice=HANDED_OVER,
                withdraw=True,
                was_starts_at=was_starts_at,
            )
        notice = TAKEN_OVER
    else:
        notice = MOVED
    sent += letter.to_coach(
        appointment=appointment,
        coach=appointment.coach,
        notice=notice,
        was_starts_at=was_starts_at,
    )
    return sent


# --- writing one mail -----------------------------------------------------------------------


def _when(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """A moment as "Tue 2 Jun, 10:00" in ``zone`` (for a subject line)."""
    return formats.date_format(moment.astimezone(zone), "D j M, H:i")


@dataclass
class _Letter:
    business: object
    now: dt.datetime
    standing: SchedulingSettings

    def _send(
        self,
        *,
        to: ics.Person,
        reply_to: str,
        subject: str,
        template: str,
        zone: zoneinfo.ZoneInfo,
        context: dict,
        event,
        method: str,
    ) -> int:
        attachment = ics.invitation(business=self.business, event=event, method=method)
        # the templates write times in the reader's zone
        with timezone.override(zone):
            return send_business_mail(
                business=self.business,
                to=to.email,
                subject=subject,
                template=template,
                context={**context, "tz_name": zone.key},
                reply_to=reply_to or None,
                attachments=[attachment],
            )

    def _send_series(
        self, *, to: ics.Person, reply_to: str, subject: str, zone, context: dict, events
    ) -> int:
        text = ics.calendar_text(business=self.business, events=events, method=ics.PUBLISH)
        attachment = ("sessions.ics", text, f"text/calendar; method={ics.PUBLISH}")
        with timezone.override(zone):
            return send_business_mail(
                business=self.business,
                to=to.email,
                subject=subject,
                template=SERIES_TEMPLATE,
                context={**context, "tz_name": zone.key},
                reply_to=reply_to or None,
                attachments=[attachment],
            )

    def series_to_client(self, *, bookings: list[Booking]) -> int:
        client, first = bookings[0].client, bookings[0].appointment
        address = client_address(client)
        if not address:
            return 0
        zone = client_zone(client)
        portal = business_url(self.business.slug, "/sessions/")
        events = [
            ics.session_event(
                appointment=b.appointment,
                business=self.business,
                summary=ics.summary_for_client(b.appointment),
                stamp=self.now,
                meeting_url=meeting_link(b.appointment, self.standing),
                booking=b,
                link=portal,
            )
            for b in bookings
        ]
        subject = _("Booked: %(kind)s every week, %(n)s sessions from %(when)s") % {
            "kind": first.session_type.name,
            "n": len(bookings),
            "when": _when(first.starts_at, zone),
        }
        context = {
            **self._common(first, CONFIRMED, None),
            "for_coach": False,
            "name": client.first_name or client.full_name,
            "client": client,
            "sessions": [b.appointment for b in bookings],
            "url": portal,
        }
        return self._send_series(
            to=ics.Person(client.full_name, address),
            reply_to=first.coach.email,
            subject=subject,
            zone=zone,
            context=context,
            events=events,
        )

    def series_to_coach(self, *, bookings: list[Booking]) -> int:
        client, first = bookings[0].client, bookings[0].appointment
        coach = first.coach
        if not coach.email:
            return 0
        zone = business_zone()
        link = business_url(self.business.slug, reverse("backoffice:scheduling_calendar"))
        events = [
            ics.session_event(
                appointment=b.appointment,
                business=self.business,
                summary=ics.summary_for_coach(b.appointment, [client]),
                stamp=self.now,
                meeting_url=meeting_link(b.appointment, self.standing),
                link=link,
            )
            for b in bookings
        ]
        subject = _("New weekly booking: %(kind)s · %(client)s, %(n)s sessions from %(when)s") % {
            "kind": first.session_type.name,
            "client": client.full_name,
            "n": len(bookings),
            "when": _when(first.starts_at, zone),
        }
        context = {
            **self._common(first, CONFIRMED, None),
            "for_coach": True,
            "name": coach.get_short_name() or coach.email,
            "client": client,
            "sessions": [b.appointment for b in bookings],
            "url": link,
        }
        return self._send_series(
            to=ics.Person(coach.get_full_name(), coach.email),
            reply_to=client_address(client),
            subject=subject,
            zone=zone,
            context=context,
            events=events,
        )

    def _common(self, appointment: Appointment, notice: str, was_starts_at) -> dict:
        return {
            "notice": notice,
            "appointment": appointment,
            "kind": appointment.session_type.name,
            "is_class": appointment.capacity > 1,
            "starts_at": appointment.starts_at,
            "ends_at": appointment.ends_at,
            "was_starts_at": was_starts_at,
            "online": appointment.location_kind == SessionType.Location.ONLINE,
            "place": appointment.location,
            "meeting_url": meeting_link(appointment, self.standing),
            "coach_name": appointment.coach.get_short_name(),
        }

    def to_client(self, *, booking: Booking, notice: str, was_starts_at=None) -> int:
        client, appointment = booking.client, booking.appointment
        address = client_address(client)
        if not address:
            return 0
        zone = client_zone(client)
        cancelled = notice == CANCELLED
        portal = business_url(self.business.slug, "/sessions/")
        event = ics.session_event(
            appointment=appointment,
            business=self.business,
            summary=ics.summary_for_client(appointment),
            stamp=self.now,
            meeting_url=meeting_link(appointment, self.standing),
            booking=booking,
            cancelled=cancelled,
            attendee=ics.Person(client.full_name, address),
            link=portal,
        )
        when = _when(appointment.starts_at, zone)
        kind = appointment.session_type.name
        subject = {
            CONFIRMED: _("Booked: %(kind)s on %(when)s"),
            PROMOTED: _("You got a place: %(kind)s on %(when)s"),
            MOVED: _("Moved: %(kind)s is now on %(when)s"),
            CANCELLED: _("Cancelled: %(kind)s on %(when)s"),
        }[notice] % {"kind": kind, "when": when}
        context = {
            **self._common(appointment, notice, was_starts_at),
            "client": client,
            "booking": booking,
            "late": booking.status == Booking.Status.LATE_CANCELLED,
            "reason": booking.cancel_reason,
            "url": portal,
        }
        return self._send(
            to=ics.Person(client.full_name, address),
            reply_to=appointment.coach.email,
            subject=subject,
            template=CLIENT_TEMPLATE,
            zone=zone,
            context=context,
            event=event,
            method=ics.CANCEL if cancelled else ics.REQUEST,
        )

    def to_coach(
        self,
        *,
        appointment: Appointment,
        coach: User,
        notice: str,
        client=None,
        booking: Booking | None = None,
        withdraw: bool = False,
        was_starts_at=None,
    ) -> int:
        if not coach.email:
            return 0
        zone = business_zone()
        roster = [
            b.client
            for b in appointment.bookings.filter(status__in=Booking.HOLDING)
            .select_related("client")
            .order_by("created_at", "pk")
        ]
        link = business_url(
            self.business.slug,
            reverse("backoffice:scheduling_appointment", args=[appointment.pk]),
        )
        event = ics.session_event(
            appointment=appointment,
            business=self.business,
            summary=ics.summary_for_coach(appointment, roster),
            stamp=self.now,
            meeting_url=meeting_link(appointment, self.standing),
            booking=booking,
            cancelled=withdraw,
            attendee=ics.Person(coach.get_full_name(), coach.email),
            link=link,
        )
        when = _when(appointment.starts_at, zone)
        names = {
            "kind": appointment.session_type.name,
            "when": when,
            "client": client.full_name if client is not None else "",
            "coach": appointment.coach.get_short_name(),
        }
        subject = {
            CONFIRMED: _("New booking: %(kind)s · %(client)s on %(when)s"),
            PROMOTED: _("From the waitlist: %(client)s has a place in %(kind)s on %(when)s"),
            MOVED: _("Moved: %(kind)s is now on %(when)s"),
            CANCELLED: _("Cancelled: %(kind)s · %(client)s on %(when)s"),
            HANDED_OVER: _("Handed over: %(kind)s on %(when)s is now with %(coach)s"),
            TAKEN_OVER: _("New session: %(kind)s on %(when)s"),
        }[notice] % names
        reply_to = client_address(client) if client is not None else ""
        context = {
            **self._common(appointment, notice, was_starts_at),
            "coach": coach,
            "client": client,
            "roster": roster,
            "reason": booking.cancel_reason if booking is not None else "",
            "late": booking is not None and booking.status == Booking.Status.LATE_CANCELLED,
            "url": link,
        }
        return self._send(
            to=ics.Person(coach.get_full_name(), coach.email),
            reply_to=reply_to,
            subject=subject,
            template=COACH_TEMPLATE,
            zone=zone,
            context=context,
            event=event,
            method=ics.CANCEL if withdraw else ics.REQUEST,
        )
