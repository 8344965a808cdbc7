"""iCalendar (RFC 5545) text of sessions: the invitation attached to booking mail
(``invite.ics``) and the private calendar feeds.

Built with the ``icalendar`` package, which escapes text (commas, semicolons,
backslashes, new lines) and folds lines at 75 octets as the RFC asks.

- An appointment is one event wherever it appears (a mail, a feed): its UID is
  ``appointment-<pk>@<business slug>.<BASE_DOMAIN>``, so a calendar that has it updates
  it in place when it moves and removes it when it is cancelled.
- Its SEQUENCE is the number of seconds from the appointment's creation to its latest
  change (moved, a place taken or given up): a later message outranks an earlier one.
- Times are in UTC (``DTSTART:20260602T090000Z``); the reader's calendar shows them in
  its own zone.
- The calendar is the business's (PRODID, organizer name): the platform is not named.

Nothing here queries the database beyond the rows it is handed (an appointment with
its type and coach, a booking with its client).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from mectofitness.core.mail import sending_address

from .models import Appointment, Booking, SessionType

REQUEST = "REQUEST"  # a new or changed session: the calendar adds or updates it
CANCEL = "CANCEL"  # the calendar removes it
PUBLISH = "PUBLISH"  # several sessions at once (a weekly series): the calendar adds each


@dataclass(frozen=True)
class Person:
    """Someone an invitation is addressed to."""

    name: str
    email: str


def event_uid(appointment: Appointment, business) -> str:
    """The appointment's one UID, the same in every mail and feed."""
    return f"appointment-{appointment.pk}@{business.slug}.{settings.BASE_DOMAIN}"


def event_sequence(appointment: Appointment, booking: Booking | None = None) -> int:
    """Seconds from the appointment's creation to its latest change: it rises when the
    appointment is saved (moved, cancelled) and, for one client's copy, when their
    place was taken or given up. Whole seconds keep it far inside RFC 5545's 32 bits."""
    changed = [appointment.updated_at]
    if booking is not None:
        changed += [booking.created_at, booking.cancelled_at]
    latest = max(moment for moment in changed if moment is not None)
    return max(0, int((latest - appointment.created_at).total_seconds()))


def coach_name(coach) -> str:
    return coach.get_full_name() or coach.email


def summary_for_client(appointment: Appointment) -> str:
    """The client's title: "Personal training with Kai"."""
    return f"{appointment.session_type.name} with {coach_name(appointment.coach)}"


def summary_for_coach(appointment: Appointment, clients: Iterable) -> str:
    """The coach's title: "Personal training · Cleo Jones"; a class lists its clients
    (or says it has none yet)."""
    names = [client.full_name for client in clients]
    if not names:
        return f"{appointment.session_type.name} · no bookings yet"
    return f"{appointment.session_type.name} · {', '.join(names)}"


def session_event(
    *,
    appointment: Appointment,
    business,
    summary: str,
    stamp: dt.datetime,
    meeting_url: str = "",
    booking: Booking | None = None,
    cancelled: bool = False,
    attendee: Person | None = None,
    link: str = "",
) -> Event:
    """One VEVENT of ``appointment``. ``meeting_url``: the video link of an online
    session; ``booking``: the client's place, for a client's copy (its sequence);
    ``attendee``: the person an invitation goes to (with the business as organizer);
    ``link``: where to see or change it (portal, back office), in the description."""
    event = Event()
    event.add("uid", event_uid(appointment, business))
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("sequence", event_sequence(appointment, booking))
    event.add("summary", summary)
    online = appointment.location_kind == SessionType.Location.ONLINE
    lines = []
    if online:
        event.add("location", meeting_url or "Online")
        if meeting_url:
            event.add("url", meeting_url)
            lines.append(f"Join the video call: {meeting_url}")
    elif appointment.location:
        event.add("location", appointment.location)
    if link:
        lines.append(f"See or change it: {link}")
    if lines:
        event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if attendee is not None:
        organizer = vCalAddress(f"mailto:{sending_address()}")
        organizer.params["cn"] = vText(business.name)
        event.add("organizer", organizer)
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params["cn"] = vText(attendee.name or attendee.email)
        person.params["role"] = "REQ-PARTICIPANT"
        person.params["partstat"] = "DECLINED" if cancelled else "ACCEPTED"
        # booked already: the calendar adds it without asking for a reply
        person.params["rsvp"] = "FALSE"
        event.add("attendee", person)
    return event


def calendar_text(
    *, business, events: Iterable[Event], method: str | None = None, name: str = ""
) -> bytes:
    """A VCALENDAR of ``events`` as bytes (UTF-8, CRLF lines). ``method``: REQUEST or
    CANCEL for an invitation, None for a feed; ``name``: the feed's name in calendar
    apps."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{business.name}//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        # how often a subscribed calendar asks again (RFC 7986 and Outlook's own)
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def invitation(*, business, event: Event, method: str) -> tuple[str, bytes, str]:
    """The attachment of a booking mail: ``("invite.ics", text, mimetype)``."""
    text = calendar_text(business=business, events=[event], method=method)
    return ("invite.ics", text, f"text/calendar; method={method}")
