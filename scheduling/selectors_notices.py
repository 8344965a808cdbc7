"""Reads behind what scheduling sends out: booking mail, reminders and the private
calendar feeds (the business's booking settings, a session's video link, where a
person is written to, whose sessions a feed holds)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from accounts.policies import is_staff_member, portal_client_for_user
from clients.models import Client

from .models import Appointment, Booking, CalendarFeed, SchedulingSettings, SessionType

# how far back a calendar feed reaches
FEED_DAYS_BACK = 30


def current_business():
    """The business whose schema this connection is in (None in the public schema)."""
    tenant = getattr(connection, "tenant", None)
    return tenant if getattr(tenant, "schema_name", "public") != "public" else None


def scheduling_settings() -> SchedulingSettings:
    """The business's booking settings; the defaults (an unsaved row) until the owner
    saves them. One query."""
    return SchedulingSettings.objects.filter(pk=1).first() or SchedulingSettings(pk=1)


def meeting_link(appointment: Appointment, standing: SchedulingSettings | None = None) -> str:
    """The video link of an online session: its own (the type's, or a meeting made for
    it), else the business's standing link; empty in person. A query when ``standing``
    is not given and the session has no link of its own."""
    if appointment.location_kind != SessionType.Location.ONLINE:
        return ""
    if appointment.meeting_url:
        return appointment.meeting_url
    return (standing or scheduling_settings()).meeting_url


def client_address(client: Client) -> str:
    """Where a client is written to: their login's address, else their record's."""
    user = client.user if client.user_id else None
    return (user.email if user is not None and user.is_active else "") or client.email


def calendar_feed_for(*, user: User) -> CalendarFeed | None:
    """``user``'s calendar feed, if they made one."""
    if not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner_kind(user: User) -> tuple[str, Client | None]:
    """Whose sessions ``user``'s feed holds: ("coach", None) for staff, ("client",
    record) for a client with a portal record, ("", None) for anyone else."""
    if is_staff_member(user):
        return "coach", None
    client = portal_client_for_user(user)
    return ("client", client) if client is not None else ("", None)


def feed_bookings_for_client(*, client: Client, now: dt.datetime) -> QuerySet[Booking]:
    """The client's places (booked, attended, missed) from ``FEED_DAYS_BACK`` days ago
    on, with their appointments, types and coaches."""
    return (
        Booking.objects.filter(
            client=client,
            status__in=Booking.HOLDING,
            appointment__status=Appointment.Status.SCHEDULED,
            ends_at__gte=now - dt.timedelta(days=FEED_DAYS_BACK),
        )
        .select_related("appointment__session_type", "appointment__coach")
        .order_by("starts_at")
    )


def feed_appointments_for_coach(*, coach: User, now: dt.datetime) -> QuerySet[Appointment]:
    """The coach's scheduled sessions from ``FEED_DAYS_BACK`` days ago on, each with its
    held places and their clients (``appointment.held``). Two queries."""
    holding = (
        Booking.objects.filter(status__in=Booking.HOLDING)
        .select_related("client")
        .order_by("created_at", "pk")
    )
    return (
        Appointment.objects.filter(
            coach=coach,
            status=Appointment.Status.SCHEDULED,
            ends_at__gte=now - dt.timedelta(days=FEED_DAYS_BACK),
        )
        .select_related("session_type", "coach")
        .prefetch_related(Prefetch("bookings", queryset=holding, to_attr="held"))
        .order_by("starts_at")
    )
