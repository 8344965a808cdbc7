"""Reads about assigned programs and dated workouts, for the portal calendar, the
client's back-office panel and the API.

Who sees what follows ``client_queryset_for``: the owner every client, a coach
their clients, a client themselves. Workouts of a paused or cancelled assignment
that are still to come are hidden (paused: until resumed).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from clients.models import Client
from clients.selectors import client_queryset_for

from ..models import ProgramAssignment, ScheduledWorkout

VISIBLE = Q(assignment__status__in=["active", "completed"]) | Q(status__in=["done", "skipped"])


def assignment_queryset_for(*, user: User) -> QuerySet[ProgramAssignment]:
    return ProgramAssignment.objects.filter(
        client__in=client_queryset_for(user=user).values("pk")
    ).select_related("client", "program", "assigned_by")


def scheduled_workouts_for(
    *,
    user: User,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    client: Client | None = None,
) -> QuerySet[ScheduledWorkout]:
    """Dated workouts ``user`` may see between ``start`` and ``end`` (inclusive)."""
    rows = ScheduledWorkout.objects.filter(
        client__in=client_queryset_for(user=user).values("pk")
    ).filter(VISIBLE)
    if client is not None:
        rows = rows.filter(client=client)
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    return rows.select_related("day", "assignment__program", "client").order_by("date", "pk")


def program_weeks_now(*, program_id: int, today: datetime.date) -> dict[int, dict]:
    """Where the client of a client's program is: the program week ``today`` falls in
    (counted in sevens from the active assignment's start, whatever the weekday) and the
    next one, by the written week each is done from, as ``{written week's number:
    {"when": "this" | "next", "week": the program week}}`` (weeks past the written ones
    are done from written ones again: "this week" may be week 6 of 8, done from week 2).
    Empty for a program nobody follows now. One query."""
    rows = (
        ScheduledWorkout.objects.filter(
            assignment__program_id=program_id,
            assignment__status=ProgramAssignment.Status.ACTIVE,
        )
        .values_list("assignment__start_date", "week_number", "day__week__number")
        .distinct()
    )
    marks: dict[int, dict] = {}
    for start, number, written in sorted(rows, key=lambda row: row[1]):
        now = (today - start).days // 7 + 1
        if number in (now, now + 1):
            marks.setdefault(written, {"when": "this" if number == now else "next", "week": number})
    return marks


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    workouts: list = field(default_factory=list)


def month_grid(
    *, workouts: list[ScheduledWorkout], year: int, month: int, today: datetime.date
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of ``month``, each day with its workouts."""
    by_date: dict[datetime.date, list] = {}
    for workout in workouts:
        by_date.setdefault(workout.date, []).append(workout)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(
                    date=d,
                    in_month=d.month == month,
                    is_today=d == today,
                    workouts=by_date.get(d, []),
                )
                for d in week
            ]
        )
    return weeks


def training_summary(*, client: Client, today: datetime.date) -> dict:
    """The client's panel: active assignments, the next workouts, compliance so far
    (done of the workouts scheduled up to yesterday). Four queries."""
    assignments = list(
        ProgramAssignment.objects.filter(client=client, status__in=["active", "paused"])
        .select_related("program")
        .order_by("-is_main", "-created_at")
    )
    upcoming = list(
        ScheduledWorkout.objects.filter(
            client=client,
            date__gte=today,
            status=ScheduledWorkout.Status.SCHEDULED,
            assignment__status="active",
        )
        .select_related("day", "assignment__program")
        .order_by("date", "pk")[:5]
    )
    counts = ScheduledWorkout.objects.filter(client=client, date__lt=today).aggregate(
        due=Count("pk", filter=~Q(assignment__status="cancelled") | ~Q(status="scheduled")),
        done=Count("pk", filter=Q(status="done")),
        skipped=Count("pk", filter=Q(status="skipped")),
    )
    due, done = counts["due"], counts["done"]
    return {
        "assignments": assignments,
        "main": next((a for a in assignments if a.is_main), None),
        "upcoming": upcoming,
        "due": due,
        "done": done,
        "skipped": counts["skipped"],
        "missed": max(0, due - done - counts["skipped"]),
        "compliance": round(100 * done / due) if due else None,
    }


def assignments_of_client(*, client: Client) -> QuerySet[ProgramAssignment]:
    """Every assignment of ``client``, newest first, with its program (one query).
    Callers have found the client through ``client_queryset_for``."""
    return (
        ProgramAssignment.objects.filter(client=client)
        .select_related("program")
        .order_by("-created_at")
    )
