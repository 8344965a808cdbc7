"""Reads of the scheduling app: free times, who offers what, whose bookings.

Object scoping follows the one policy (``accounts.policies``): the owner sees every
booking; a coach sees the appointments they run and their own clients' bookings; a
client sees their own (``booking_queryset_for``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.policies import is_owner
from clients.models import Client
from clients.selectors import client_queryset_for

from .models import (
    Appointment,
    Booking,
    BusyCalendar,
    BusyTime,
    SessionType,
    TimeOff,
    WeeklyHours,
)
from .slots import SlotRules, WeeklyStretch, free_starts, working_windows


def business_zone() -> zoneinfo.ZoneInfo:
    """The time zone of the business whose schema this connection is in."""
    tenant = getattr(connection, "tenant", None)
    return zoneinfo.ZoneInfo(getattr(tenant, "timezone", "") or "UTC")


def session_types_offered(*, public_only: bool = False) -> QuerySet[SessionType]:
    types = SessionType.objects.filter(is_active=True, coaches__is_active=True).distinct()
    if public_only:
        types = types.filter(is_public=True)
    return types.order_by("position", "name")


def coaches_for(session_type: SessionType) -> QuerySet[User]:
    return session_type.coaches.filter(is_active=True, is_staff=True).order_by(
        "first_name", "email"
    )


def rules_for(session_type: SessionType) -> SlotRules:
    """Start times every half hour (every 15 minutes for sessions shorter than that): a
    phone shows a day's times on one screen."""
    step = 15 if session_type.duration_minutes < 30 else 30
    return SlotRules(
        duration=session_type.duration,
        buffer_before=session_type.buffer_before,
        buffer_after=session_type.buffer_after,
        step=dt.timedelta(minutes=step),
    )


def busy_intervals(
    *, coach: User, start: dt.datetime, end: dt.datetime, ignore: Appointment | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """What keeps ``coach`` from a new session between ``start`` and ``end``: the time
    held by their appointments (buffers included), their time off and the busy times of
    their own calendar (``services.busy``)."""
    held = Appointment.objects.filter(
        coach=coach,
        status=Appointment.Status.SCHEDULED,
        held_from__lt=end,
        held_until__gt=start,
    )
    if ignore is not None:
        held = held.exclude(pk=ignore.pk)
    off = TimeOff.objects.filter(
        coach=coach, kind=TimeOff.Kind.OFF, starts_at__lt=end, ends_at__gt=start
    )
    own = BusyTime.objects.filter(coach=coach, starts_at__lt=end, ends_at__gt=start)
    return [
        *held.values_list("held_from", "held_until"),
        *off.values_list("starts_at", "ends_at"),
        *own.values_list("starts_at", "ends_at"),
    ]


def coach_windows(
    *, coach: User, start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The coach's working windows between ``start`` and ``end`` (weekly hours in the
    business's time zone, plus extra hours)."""
    weekly = [
        WeeklyStretch(weekday, starts, ends)
        for weekday, starts, ends in WeeklyHours.objects.filter(coach=coach).values_list(
            "weekday", "starts", "ends"
        )
    ]
    extra = TimeOff.objects.filter(
        coach=coach, kind=TimeOff.Kind.EXTRA, starts_at__lt=end, ends_at__gt=start
    ).values_list("starts_at", "ends_at")
    return working_windows(
        weekly=weekly, extra=list(extra), start=start, end=end, tz=tz or business_zone()
    )


def free_times(
    *,
    session_type: SessionType,
    coach: User,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    ignore: Appointment | None = None,
) -> list[dt.datetime]:
    """The times a client may book ``session_type`` with ``coach`` between ``start`` and
    ``end``: inside working hours, clear of what is held (buffers included), no sooner
    than the minimum notice and no further ahead than the type allows. Five queries."""
    earliest = max(start, now + dt.timedelta(minutes=session_type.min_notice_minutes))
    latest = min(end, now + dt.timedelta(days=session_type.book_ahead_days))
    if earliest >= latest:
        return []
    rules = rules_for(session_type)
    reach = rules.buffer_before + rules.duration + rules.buffer_after
    windows = coach_windows(coach=coach, start=earliest, end=latest + reach)
    busy = busy_intervals(
        coach=coach, start=earliest - reach, end=latest + reach + reach, ignore=ignore
    )
    return free_starts(windows=windows, busy=busy, rules=rules, earliest=earliest, latest=latest)


def is_free(
    *,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    now: dt.datetime,
    ignore: Appointment | None = None,
) -> bool:
    """Whether a client may book ``starts_at``: the rules of ``free_times`` for one time,
    on the step grid or not (a coach may offer 10:05)."""
    earliest = now + dt.timedelta(minutes=session_type.min_notice_minutes)
    latest = now + dt.timedelta(days=session_type.book_ahead_days)
    if not earliest <= starts_at <= latest:
        return False
    rules = rules_for(session_type)
    session_end = starts_at + rules.duration
    windows = coach_windows(coach=coach, start=starts_at, end=session_end)
    if not any(a <= starts_at and session_end <= b for a, b in windows):
        return False
    held = (starts_at - rules.buffer_before, session_end + rules.buffer_after)
    busy = busy_intervals(coach=coach, start=held[0], end=held[1], ignore=ignore)
    return not any(a < held[1] and held[0] < b for a, b in busy)


def cancel_deadline(booking: Booking) -> dt.datetime:
    """Until when a booking may be cancelled, or moved by the client, at no cost: the
    type's cancellation window before the start."""
    window = dt.timedelta(hours=booking.appointment.session_type.cancel_window_hours)
    return booking.starts_at - window


def upcoming_classes(
    *, session_type: SessionType, now: dt.datetime, until: dt.datetime
) -> QuerySet[Appointment]:
    """The scheduled occurrences of a class a client may still book."""
    return (
        Appointment.objects.filter(
            session_type=session_type,
            status=Appointment.Status.SCHEDULED,
            starts_at__gte=now + dt.timedelta(minutes=session_type.min_notice_minutes),
            starts_at__lte=until,
        )
        .select_related("coach")
        .order_by("starts_at")
    )


def booking_queryset_for(*, user: User) -> QuerySet[Booking]:
    """The bookings ``user`` may see: the owner, all; a coach, those of appointments
    they run and of their own clients; a client, their own."""
    bookings = Booking.objects.select_related(
        "appointment__session_type", "appointment__coach", "client"
    )
    if is_owner(user):
        return bookings
    if user.is_authenticated and user.is_active and user.is_staff:
        mine = client_queryset_for(user=user).values("pk")
        return bookings.filter(Q(appointment__coach=user) | Q(client__in=mine))
    return bookings.filter(client__in=client_queryset_for(user=user).values("pk"))


def appointment_queryset_for(*, user: User) -> QuerySet[Appointment]:
    """The appointments ``user`` may see: the owner, all; a coach, those they run and
    those their clients booked; a client, those they hold a place in. A booking is looked
    for with EXISTS, not joined: a join needed DISTINCT over every column, and the list's
    count and date bounds sorted all the appointments for it."""
    appointments = Appointment.objects.select_related("session_type", "coach")
    if is_owner(user):
        return appointments
    held = Booking.objects.filter(
        appointment=OuterRef("pk"),
        client__in=client_queryset_for(user=user).values("pk"),
        status__in=Booking.HOLDING,
    )
    if user.is_authenticated and user.is_active and user.is_staff:
        return appointments.filter(Q(coach=user) | Exists(held))
    return appointments.filter(Exists(held))


def client_bookings(*, client: Client, now: dt.datetime, upcoming: bool = True):
    bookings = Booking.objects.filter(client=client).select_related(
        "appointment__session_type", "appointment__coach"
    )
    if upcoming:
        return bookings.filter(status=Booking.Status.BOOKED, ends_at__gt=now).order_by("starts_at")
    return bookings.filter(Q(ends_at__lte=now) | ~Q(status=Booking.Status.BOOKED)).order_by(
        "-starts_at"
    )


def free_days(
    *,
    session_type: SessionType,
    coach: User,
    now: dt.datetime,
    tz: zoneinfo.ZoneInfo,
    days: int = 14,
) -> dict[dt.date, list[dt.datetime]]:
    """The next ``days`` calendar days in ``tz``, each with its free times (maybe none)."""
    today = now.astimezone(tz).date()
    start = dt.datetime.combine(today, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(), tzinfo=tz).astimezone(
        dt.UTC
    )
    by_day: dict[dt.date, list[dt.datetime]] = {
        today + dt.timedelta(days=n): [] for n in range(days)
    }
    for moment in free_times(session_type=session_type, coach=coach, start=start, end=end, now=now):
        by_day.setdefault(moment.astimezone(tz).date(), []).append(moment)
    return by_day


# --- the back office's calendar and home -------------------------------------------------


def calendar_coaches(*, user: User) -> QuerySet[User]:
    """Whose calendars ``user`` may open: the owner, every active staff member; a coach,
    their own."""
    staff = User.objects.filter(is_active=True, is_staff=True)
    if not is_owner(user):
        staff = staff.filter(pk=user.pk)
    return staff.order_by("first_name", "last_name", "email")


def calendar_appointments(
    *, user: User, start: dt.datetime, end: dt.datetime, coaches: list[User]
) -> list[Appointment]:
    """The scheduled appointments of ``coaches`` between ``start`` and ``end`` that
    ``user`` may see, each with its held bookings (``appointment.held``) and clients.
    Two queries."""
    holding = Booking.objects.filter(status__in=Booking.HOLDING).select_related("client")
    return list(
        appointment_queryset_for(user=user)
        .filter(
            coach__in=coaches,
            status=Appointment.Status.SCHEDULED,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .prefetch_related(Prefetch("bookings", queryset=holding, to_attr="held"))
        .order_by("starts_at")
    )


def calendar_windows(
    *, coaches: list[User], start: dt.datetime, end: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Each coach's working windows between ``start`` and ``end``, by coach id: weekly
    hours and extra hours, two queries for any number of coaches."""
    weekly: dict[int, list[WeeklyStretch]] = {coach.pk: [] for coach in coaches}
    for coach_id, weekday, starts, ends in WeeklyHours.objects.filter(
        coach__in=coaches
    ).values_list("coach_id", "weekday", "starts", "ends"):
        weekly[coach_id].append(WeeklyStretch(weekday, starts, ends))
    extra: dict[int, list] = {coach.pk: [] for coach in coaches}
    for coach_id, a, b in TimeOff.objects.filter(
        coach__in=coaches, kind=TimeOff.Kind.EXTRA, starts_at__lt=end, ends_at__gt=start
    ).values_list("coach_id", "starts_at", "ends_at"):
        extra[coach_id].append((a, b))
    tz = business_zone()
    return {
        pk: working_windows(weekly=weekly[pk], extra=extra[pk], start=start, end=end, tz=tz)
        for pk in weekly
    }


def calendar_blocked(
    *, coach: User, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """What the calendar shades for ``coach``: time off ("off") and the busy times of
    their own calendar ("busy"), as (start, end, kind). Two queries."""
    off = TimeOff.objects.filter(
        coach=coach, kind=TimeOff.Kind.OFF, starts_at__lt=end, ends_at__gt=start
    ).values_list("starts_at", "ends_at")
    own = BusyTime.objects.filter(coach=coach, starts_at__lt=end, ends_at__gt=start).values_list(
        "starts_at", "ends_at"
    )
    return sorted([*((a, b, "off") for a, b in off), *((a, b, "busy") for a, b in own)])


def home_sessions(*, user: User, now: dt.datetime) -> dict:
    """The home page's sessions, as ``user`` may see them (a coach's own; the owner's,
    everyone's): today's, and the figures: sessions this week (Monday to Sunday in the
    business's zone), each coach's share of their working hours booked this week, and
    the no-show rate over the last 30 days. Six queries, however many coaches."""
    tz = business_zone()
    today = now.astimezone(tz).date()
    monday = today - dt.timedelta(days=today.weekday())
    week_start = dt.datetime.combine(monday, dt.time(), tzinfo=tz)
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=tz)
    coaches = list(calendar_coaches(user=user))
    shown = calendar_appointments(user=user, start=week_start, end=week_end, coaches=coaches)
    today_sessions = [a for a in shown if a.starts_at.astimezone(tz).date() == today]
    week = [a for a in shown if a.held]
    utilisation = []
    windows_of = calendar_windows(coaches=coaches, start=week_start, end=week_end)
    for coach in coaches:
        windows = windows_of[coach.pk]
        working = sum(((b - a) for a, b in windows), dt.timedelta())
        booked = sum(
            ((a.ends_at - a.starts_at) for a in week if a.coach_id == coach.pk), dt.timedelta()
        )
        if working or booked:
            share = int(100 * booked / working + 0.5) if working else None  # half up
            utilisation.append(
                {"coach": coach, "booked": booked, "working": working, "share": share}
            )
    marked = (
        booking_queryset_for(user=user)
        .filter(
            starts_at__gte=now - dt.timedelta(days=30),
            starts_at__lt=now,
            status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW],
        )
        .aggregate(total=Count("pk"), no_shows=Count("pk", filter=Q(status=Booking.Status.NO_SHOW)))
    )
    rate = int(100 * marked["no_shows"] / marked["total"] + 0.5) if marked["total"] else None
    return {
        "today": today_sessions,
        "sessions_this_week": len(week),
        "utilisation": utilisation,
        "no_show_rate": rate,
        "marked_30_days": marked["total"],
    }


# --- coaches' own calendars (services/busy.py) ---------------------------------------------


def busy_calendars_of(*, coaches: QuerySet[User], now: dt.datetime) -> QuerySet[BusyCalendar]:
    """The own calendars of ``coaches``, each with ``upcoming``: how many busy times it
    holds from ``now`` on. One query."""
    return (
        BusyCalendar.objects.filter(coach__in=coaches)
        .select_related("coach")
        .annotate(upcoming=Count("times", filter=Q(times__ends_at__gt=now)))
        .order_by("coach__first_name", "coach__email")
    )


def weekly_hours_queryset_for(*, user: User) -> QuerySet[WeeklyHours]:
    """Working hours ``user`` may see and change: the owner, everyone's; a coach, theirs."""
    rows = WeeklyHours.objects.select_related("coach")
    return rows if is_owner(user) else rows.filter(coach=user)


def time_off_queryset_for(*, user: User) -> QuerySet[TimeOff]:
    """Time off and extra hours ``user`` may see and change (as ``weekly_hours_…``)."""
    rows = TimeOff.objects.select_related("coach")
    return rows if is_owner(user) else rows.filter(coach=user)
