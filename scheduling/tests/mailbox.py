"""Reading what scheduling sent: the mails to one address, and the invitation attached
to one, parsed back with ``icalendar`` (as a calendar app would read it)."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone
from icalendar import Calendar


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def invite(message) -> tuple[Calendar, object, str]:
    """``(calendar, its one event, the attachment's mimetype)`` of ``message``."""
    (attachment,) = [a for a in message.attachments if a[0] == "invite.ics"]
    _name, content, mimetype = attachment
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event, mimetype


def utc(event, name: str) -> dt.datetime:
    """A date-time property of ``event`` as an aware UTC datetime."""
    return event.decoded(name).astimezone(dt.UTC)


class Clock:
    """``django.utils.timezone.now`` at a time the test sets (``auto_now`` fields too)."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now
