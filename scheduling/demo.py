"""The demo business's calendar: four kinds of session, two coaches' hours, a month of
one-to-one sessions (two weeks done, two to come), a weekly class with a waitlist, and
the demo client's pack with sessions used. Everything is booked through the services,
the past ones as of the day they were booked."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import User
from billing.models import Product
from billing.selectors import session_balance
from billing.services.payments import payment_record_offline
from clients.models import Client

from .models import Booking, SessionType
from .services import notices
from .services.booking import (
    attendance_mark,
    class_join,
    class_schedule,
    session_book,
    waitlist_join,
)
from .services.setup import SessionTypeDetails, Stretch, session_type_create, weekly_hours_set

TYPES = [
    # name, details, offered by ("coach", "owner")
    (
        SessionTypeDetails(
            name="1:1 Personal training",
            description="An hour of coached training at the studio.",
            duration_minutes=60,
            buffer_after_minutes=15,
            location="Studio, 12 Market Street",
            position=0,
        ),
        ("coach", "owner"),
    ),
    (
        SessionTypeDetails(
            name="Online check-in call",
            description="Thirty minutes on video to review your week and plan the next.",
            duration_minutes=30,
            location_kind=SessionType.Location.ONLINE,
            meeting_url="https://meet.example.com/peak-performance",
            payment=SessionType.Payment.FREE,
            min_notice_minutes=60,
            position=1,
        ),
        ("coach",),
    ),
    (
        SessionTypeDetails(
            name="Saturday HIIT",
            description="Forty-five minutes of intervals in a small group.",
            duration_minutes=45,
            capacity=4,
            payment=SessionType.Payment.FREE,
            location="Studio, 12 Market Street",
            cancel_window_hours=12,
            position=2,
        ),
        ("owner",),
    ),
    (
        SessionTypeDetails(
            name="Free intro call",
            description="Twenty minutes to meet, talk goals and see if we are a fit.",
            duration_minutes=20,
            location_kind=SessionType.Location.ONLINE,
            meeting_url="https://meet.example.com/peak-intro",
            payment=SessionType.Payment.FREE,
            is_public=True,
            min_notice_minutes=240,
            position=3,
        ),
        ("owner",),
    ),
]
# (weekday, start hour, end hour)
HOURS = {
    "coach": [(d, 7, 19) for d in range(5)],
    "owner": [(1, 9, 17), (3, 9, 17), (5, 8, 13)],
}
# one-to-one sessions: (days from today, London hour, client index); negative: done
ONE_TO_ONE = [
    (-13, 9, 0),
    (-12, 7, 1),
    (-11, 18, 2),
    (-9, 10, 0),
    (-8, 17, 3),
    (-6, 9, 1),
    (-5, 12, 0),
    (-4, 7, 2),
    (-2, 18, 3),
    (-1, 10, 0),
    (1, 9, 0),
    (1, 17, 1),
    (2, 7, 2),
    (3, 10, 3),
    (4, 18, 0),
    (6, 9, 1),
    (8, 12, 2),
    (9, 10, 0),
    (11, 17, 3),
    (13, 9, 1),
]


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def scheduling_demo_seed(*, owner: User, coach: User, chloe: Client | None) -> int:
    """Seed once (skipped when session types exist). Returns how many bookings were made.
    Nobody is mailed: the demo's people are made up."""
    with notices.silenced():
        return _seed(owner=owner, coach=coach, chloe=chloe)


def _seed(*, owner: User, coach: User, chloe: Client | None) -> int:
    if SessionType.objects.exists():
        return 0
    staff = {"coach": coach, "owner": owner}
    kinds = [
        session_type_create(by=owner, details=details, coaches=[staff[who] for who in offered])
        for details, offered in TYPES
    ]
    one_to_one, _call, hiit, _intro = kinds
    for who, stretches in HOURS.items():
        weekly_hours_set(
            coach=staff[who],
            stretches=[Stretch(d, dt.time(a), dt.time(b)) for d, a, b in stretches],
            by=staff[who],
        )

    clients = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("pk"))
    if chloe is not None and chloe not in clients:
        clients.insert(0, chloe)
    elif chloe is not None:
        clients.remove(chloe)
        clients.insert(0, chloe)
    pack = Product.objects.filter(kind=Product.Kind.SESSION_PACK).order_by("position").first()
    for client in clients[:4]:
        if pack is not None and session_balance(client=client) < 4:
            payment_record_offline(
                client=client,
                amount=pack.amount,
                method="bank_transfer",
                by=owner,
                paid_at=timezone.now() - dt.timedelta(days=20),
                product=pack,
                note="Demo payment",
                send=False,
            )
    if not clients:
        return 0

    tz = zoneinfo.ZoneInfo(getattr(connection.tenant, "timezone", "") or "UTC")
    now = timezone.now()
    today = now.astimezone(tz).date()
    made = 0
    for days, hour, index in ONE_TO_ONE:
        day = today + dt.timedelta(days=days)
        if day.weekday() > 4:
            day -= dt.timedelta(days=day.weekday() - 4)  # the Friday before a weekend
        starts_at = dt.datetime.combine(day, dt.time(hour), tzinfo=tz).astimezone(dt.UTC)
        if days > 0 and starts_at <= now + dt.timedelta(hours=3):
            continue
        client = clients[index % min(len(clients), 4)]
        booked_on = min(now, starts_at - dt.timedelta(days=3))
        try:
            booking = session_book(
                client=client,
                session_type=one_to_one,
                coach=coach,
                starts_at=starts_at,
                by=owner,  # the owner books for any client
                now=booked_on,
            )
        except ValidationError:  # a clash with one already made: skip it
            continue
        made += 1
        if starts_at < now:
            status = Booking.Status.NO_SHOW if (days, index) == (-8, 3) else Booking.Status.ATTENDED
            attendance_mark(booking=booking, status=status, by=owner)

    # Saturday HIIT: four weeks, two past and two to come; the next one full, with a
    # waitlist
    first = _weekday_on_or_after(today - dt.timedelta(days=14), 5)
    for week in range(4):
        day = first + dt.timedelta(weeks=week)
        starts_at = dt.datetime.combine(day, dt.time(9), tzinfo=tz).astimezone(dt.UTC)
        occurrence = class_schedule(session_type=hiit, coach=owner, starts_at=starts_at, by=owner)
        upcoming = starts_at > now
        takers = clients[:4] if upcoming and week == 2 else clients[week % 2 : week % 2 + 3]
        booked_on = min(now, starts_at - dt.timedelta(days=2))
        for client in takers:
            try:
                booking = class_join(appointment=occurrence, client=client, by=owner, now=booked_on)
            except ValidationError:  # a client busy at that hour: skip them
                continue
            made += 1
            if not upcoming:
                attendance_mark(booking=booking, status=Booking.Status.ATTENDED, by=owner)
        if upcoming and week == 2 and len(clients) > 4:
            waitlist_join(appointment=occurrence, client=clients[4], by=owner)
    return made
