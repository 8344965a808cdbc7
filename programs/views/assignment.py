"""Portal pages: the client's training calendar (/calendar/), month or week agenda."""

import datetime

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from accounts.policies import portal_client_required
from clients.services.measurements import client_today

from ..selectors.assignment import month_grid, scheduled_workouts_for

WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@portal_client_required(section=gettext_lazy("Your training calendar"))
def calendar(request):
    """Dated workouts: a month grid (``?month=2025-03``) or a week agenda (``?week=2025-03-10``),
    today highlighted, done and skipped marked; each links to /workouts/<id>/."""
    client = request.client
    today = client_today(client=client, business=request.tenant)
    view = "week" if "week" in request.GET else "month"
    if view == "week":
        try:
            day = datetime.date.fromisoformat(request.GET["week"])
        except ValueError:
            day = today
        first = day - datetime.timedelta(days=day.weekday())
        last = first + datetime.timedelta(days=6)
        previous = (first - datetime.timedelta(days=7)).isoformat()
        following = (first + datetime.timedelta(days=7)).isoformat()
    else:
        try:
            year, month = (int(x) for x in request.GET.get("month", "").split("-"))
            first = datetime.date(year, month, 1)
        except ValueError:
            first = today.replace(day=1)
        last = (first + datetime.timedelta(days=40)).replace(day=1) - datetime.timedelta(days=1)
        previous = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
        following = (last + datetime.timedelta(days=1)).strftime("%Y-%m")
    workouts = list(
        scheduled_workouts_for(
            user=request.user,
            client=client,
            start=first - datetime.timedelta(days=7),
            end=last + datetime.timedelta(days=7),
        )
    )
    agenda = [w for w in workouts if first <= w.date <= last]
    upcoming = next((w for w in workouts if w.date >= today and w.status == "scheduled"), None)
    context = {
        "client": client,
        "view": view,
        "first": first,
        "last": last,
        "today": today,
        "previous": previous,
        "following": following,
        "weeks": month_grid(workouts=workouts, year=first.year, month=first.month, today=today)
        if view == "month"
        else [],
        "agenda": agenda,
        "next_workout": upcoming,
        "weekday_names": WEEKDAY_NAMES,
    }
    return render(request, "programs/portal/calendar.html", context)


urlpatterns = [path("calendar/", calendar, name="portal_calendar")]
