"""Today: the back office's home page (``BackOfficeSite.index`` renders it).

What needs the person signed in now, for the clients they look after themselves
(``clients.selectors.client_queryset_own``); the owner may switch to everyone's
(``?scope=all``, honoured for the owner only). Each section lists a few items, each a
link to the page where it is dealt with, and a link to all of them. Sections with
nothing in them collapse into one line of what is all clear. Then the business's
figures with small charts drawn on the server (inline SVG, no script).

A new business's owner sees a getting-started checklist first (brand, first client,
first program, payments, a coach, booking hours), ticked from what is there; until
the first client comes, instead of the sections. It goes once every step is done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.policies import is_owner, sees_billing
from billing.selectors import payments_failed_open
from clients.selectors import (
    active_clients_by_week,
    client_queryset_for,
    client_queryset_own,
    clients_gone_quiet,
    clients_pinned,
    leads_newest,
)
from clients.selectors_intake import checkin_queue_of
from clients.units import units_for
from messaging.selectors import unread_threads_for
from programs.selectors.logging import (
    missed_workouts_by_client,
    record_text,
    records_recent,
    training_activity_of,
    workouts_logged_by_day,
)
from scheduling.selectors import business_zone, home_sessions

from ..selectors import backoffice_figures, getting_started_state

SCOPE_ALL = "all"
LIST_SIZE = 5  # items a section shows; "see all" leads to the rest
QUIET_DAYS = 14  # an active client with no activity this long has gone quiet
MISSED_DAYS = 7  # scheduled workouts not done in this many days before today
RECORD_DAYS = 7  # records set this recently are there to celebrate
FAILED_DAYS = 30  # failed payments this recent and not made good since
CHART_DAYS = 28  # workouts logged per day over four weeks
CHART_WEEKS = 8  # active clients at each of the last eight weeks


@dataclass
class Section:
    """One job on Today: its heading, a few items (rendered by ``template``), how many
    there are in all, the link to all of them, and what it says when there are none."""

    key: str
    title: str
    items: list
    count: int
    clear: str  # the all-clear line: "No check-ins waiting."
    more_url: str = ""
    more_label: str = ""
    todo: bool = True  # a job to do (collapses into "all clear" when empty)

    @property
    def template(self) -> str:
        return f"backoffice/_today_{self.key}.html"


def today_context(request) -> dict:
    """What the home page shows, for ``request.user``: a fixed number of queries however
    much data (each list is one query with its count, limited to ``LIST_SIZE``; see
    backoffice/tests/test_today.py for the budget)."""
    user = request.user
    business = getattr(request, "tenant", None)
    now = timezone.now()
    zone = business_zone()
    today = now.astimezone(zone).date()
    owner = is_owner(user)
    everyone = owner and request.GET.get("scope") == SCOPE_ALL

    checklist = _checklist(business=business, user=user) if owner and business else None
    # a business without a client yet: the first steps instead of lists and charts
    starting = checklist is not None and not checklist["steps_done"]["client"]
    figures = backoffice_figures(user=user)
    sessions, sections, charts = None, [], None
    if not starting:
        # what Today lists: my clients (the owner: everyone's on request), read once
        scope = client_queryset_for(user=user) if everyone else client_queryset_own(user=user)
        clients = clients_pinned(clients=scope)
        sessions = home_sessions(user=user, now=now)
        sections = _sections(request, clients, sessions, now, today, everyone)
        # the charts count what the figures count: every client the person may see
        charts = _charts(
            clients=client_queryset_for(user=user),
            now=now,
            today=today,
            zone=zone,
            active=figures["clients_counted"],
        )
    return {
        "title": _("Today"),
        "today": {
            "date": today,
            "now": now,
            "owner": owner,
            "everyone": everyone,
            "checklist": checklist,
            "starting": starting,
            "busy": [s for s in sections if s.items],
            "clear": [s for s in sections if s.todo and not s.items],
            "charts": charts,
        },
        "figures": figures,
        "sessions": sessions,
        "zone": str(zone),
        "trial_days_left": getattr(business, "trial_days_left", None),
    }


def _sections(request, clients, sessions, now, today, everyone) -> list[Section]:
    user = request.user
    url = reverse
    found = []

    shown_sessions = sessions["today"]
    if is_owner(user) and not everyone:  # the owner's own: the sessions they run
        shown_sessions = [a for a in shown_sessions if a.coach_id == user.pk]
    found.append(
        Section(
            key="sessions",
            title=_("Today's sessions"),
            items=shown_sessions,
            count=len(shown_sessions),
            clear=_("No sessions today."),
            more_url=url("backoffice:scheduling_calendar"),
            more_label=_("Open the calendar"),
        )
    )

    threads, unread_total = unread_threads_for(
        user=user, clients=clients, everyone=everyone, limit=LIST_SIZE
    )
    found.append(
        Section(
            key="messages",
            title=_("Unread messages"),
            items=threads,
            count=unread_total,
            clear=_("No unread messages."),
            more_url=url("backoffice:messaging_inbox"),
            more_label=_("Open the inbox"),
        )
    )

    checkins, checkins_total = checkin_queue_of(user=user, clients=clients, limit=LIST_SIZE)
    found.append(
        Section(
            key="checkins",
            title=_("Check-ins to review"),
            items=checkins,
            count=checkins_total,
            clear=_("No check-ins waiting."),
            more_url=url("backoffice:clients_checkin_queue"),
            more_label=ngettext(
                "See the check-in waiting", "See all %(n)s check-ins waiting", checkins_total
            )
            % {"n": checkins_total},
        )
    )

    if sees_billing(user, request=request):
        failed, failed_total = payments_failed_open(
            user=user,
            clients=clients,
            since=now - dt.timedelta(days=FAILED_DAYS),
            limit=LIST_SIZE,
            request=request,
        )
        found.append(
            Section(
                key="payments",
                title=_("Failed payments"),
                items=failed,
                count=failed_total,
                clear=_("No failed payments."),
                more_url=url("backoffice:billing_payment_changelist") + "?status__exact=failed",
                more_label=_("See failed payments"),
            )
        )

    missed = missed_workouts_by_client(clients=clients, today=today, days=MISSED_DAYS)
    quiet, quiet_total = clients_gone_quiet(
        clients=clients.exclude(pk__in=[row["client_id"] for row in missed]),
        now=now,
        days=QUIET_DAYS,
        limit=LIST_SIZE,
    )
    check_on = [
        {"client_id": row["client_id"], "name": row["full_name"], "missed": row["missed"]}
        for row in missed[:LIST_SIZE]
    ]
    for client in quiet[: LIST_SIZE - len(check_on)]:
        days = (now - client.quiet_since).days
        check_on.append({"client_id": client.pk, "name": client.full_name, "quiet_days": days})
    found.append(
        Section(
            key="attention",
            title=_("Clients to check on"),
            items=check_on,
            count=len(missed) + quiet_total,
            clear=_("Everyone is training."),
            more_url=url("backoffice:clients_client_changelist") + "?status=active",
            more_label=_("See all active clients"),
        )
    )

    leads, leads_total = leads_newest(clients=clients, limit=LIST_SIZE)
    found.append(
        Section(
            key="leads",
            title=_("Leads to answer"),
            items=leads,
            count=leads_total,
            clear=_("No new leads."),
            more_url=url("backoffice:clients_client_changelist") + "?status=lead",
            more_label=ngettext("See the lead", "See all %(n)s leads", leads_total)
            % {"n": leads_total},
        )
    )

    system = units_for(viewer=user, business=getattr(request, "tenant", None))
    records = records_recent(
        clients=clients, since=now - dt.timedelta(days=RECORD_DAYS), limit=LIST_SIZE
    )
    for entry in records:
        entry["text"] = record_text(entry["record"], system)
        exercise = entry["record"].catalog_exercise or entry["record"].exercise
        entry["exercise"] = exercise.name if exercise else ""
    found.append(
        Section(
            key="records",
            title=_("Records to celebrate"),
            items=records,
            count=len(records),
            clear=_("No new records this week."),
            more_url=url("backoffice:programs_personalrecord_changelist"),
            more_label=_("See all records"),
        )
    )

    workouts = training_activity_of(clients=clients, limit=LIST_SIZE)
    found.append(
        Section(
            key="workouts",
            title=_("Latest workouts"),
            items=workouts,
            count=0,
            clear="",
            more_url=url("backoffice:programs_workoutlog_changelist"),
            more_label=_("See all workouts"),
            todo=False,
        )
    )
    return found


# --- the getting-started checklist ---------------------------------------------------


def _checklist(*, business, user) -> dict | None:
    """The first steps, each ticked from what is there and linking to where it is done;
    None once all are done."""
    done = getting_started_state(business=business, user=user)
    if all(done.values()):
        return None
    url = reverse
    steps = [
        (
            "brand",
            _("Make it yours: add your logo or colours"),
            url("backoffice:business_settings"),
        ),
        ("client", _("Add your first client"), url("backoffice:clients_client_add")),
        ("program", _("Write your first program"), url("backoffice:programs_program_add")),
        (
            "payments",
            _("Connect Stripe to take payments"),
            url("backoffice:billing_connect"),
        ),
        ("coach", _("Invite a coach"), url("backoffice:accounts_invitation_add") + "?role=coach"),
        (
            "hours",
            _("Set the hours clients can book"),
            url("backoffice:scheduling_weeklyhours_add"),
        ),
    ]
    return {
        "steps": [
            {"key": key, "label": label, "url": link, "done": done[key]}
            for key, label, link in steps
        ],
        "steps_done": done,
        "done": sum(done.values()),
        "total": len(steps),
    }


# --- the charts ------------------------------------------------------------------------

CHART_WIDTH = 280
CHART_HEIGHT = 56


def _charts(*, clients, now, today, zone, active: int) -> dict:
    """Two small charts with what they say in words: workouts logged per day over four
    weeks (bars), and active clients at each of the last eight weeks (a line)."""
    start = today - dt.timedelta(days=CHART_DAYS - 1)
    days = workouts_logged_by_day(clients=clients, start=start, end=today, tz=zone)
    counts = [n for _day, n in days]
    busiest = max(days, key=lambda d: (d[1], d[0])) if days else None
    week = sum(counts[-7:])
    weekly = active_clients_by_week(clients=clients, now=now, weeks=CHART_WEEKS, current=active)
    values = [n for _at, n in weekly]
    change = values[-1] - values[0] if values else 0
    return {
        "workouts": {
            "total": sum(counts),
            "week": week,
            "bars": _bars(counts),
            "busiest": busiest if busiest and busiest[1] else None,
            "start": start,
        },
        "active": {
            "now": values[-1] if values else 0,
            "change": change,
            "drop": -change,
            "line": _line(values),
            "weeks": CHART_WEEKS,
        },
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
    }


def _n(value: float) -> str:
    """A coordinate as SVG reads it: a dot for decimals whatever the language (a
    template would localise a float: "12,5" in German), no more than two places."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _bars(values: list[int]) -> list[dict]:
    """Bars for ``values`` across the chart: x, y, width and height in its units, as
    text (an empty day keeps a sliver, so the days still read as days)."""
    if not values:
        return []
    top = max(values) or 1
    slot = CHART_WIDTH / len(values)
    bars = []
    for index, value in enumerate(values):
        height = max(2.0, (CHART_HEIGHT - 4) * value / top) if value else 1.0
        bars.append(
            {
                "x": _n(index * slot + 1),
                "y": _n(CHART_HEIGHT - height),
                "width": _n(max(slot - 2, 1)),
                "height": _n(height),
                "value": value,
                "last": index == len(values) - 1,
            }
        )
    return bars


def _line(values: list[int]) -> dict:
    """A line through ``values`` and the area under it, as SVG points: the values fill
    the chart's height, with a margin."""
    if not values:
        return {}
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = CHART_WIDTH / max(len(values) - 1, 1)
    margin = 6

    def y(value):
        if high == low:
            return CHART_HEIGHT / 2
        return margin + (CHART_HEIGHT - 2 * margin) * (1 - (value - low) / span)

    points = [(_n(i * step), _n(y(v))) for i, v in enumerate(values)]
    line = " ".join(f"{x},{y_}" for x, y_ in points)
    area = f"0,{CHART_HEIGHT} {line} {points[-1][0]},{CHART_HEIGHT}"
    return {"points": line, "area": area}
