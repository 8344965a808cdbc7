"""Back office: a coach's own calendar (``/admin/scheduling/own-calendar/``).

A coach pastes the private ICS address of the calendar they keep elsewhere (Google,
Apple, Outlook); what it says is busy is kept out of the times clients may book. The
page shows when it was last read and why it could not be, and has "Check now" and
"Remove". A coach opens only their own; the owner anyone's (``?coach=<id>``), with
every coach's calendar listed (``scheduling.selectors.calendar_coaches``). Every
write is a ``scheduling.services.busy`` service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.policies import is_owner
from scheduling.forms_busy import BusyCalendarForm
from scheduling.models import BusyCalendar
from scheduling.selectors import business_zone, busy_calendars_of, calendar_coaches
from scheduling.services import busy

from ..chrome import render_page


def urls(site):
    return [
        path(
            "scheduling/own-calendar/",
            site.admin_view(busy_calendar_view),
            name="scheduling_busy_calendar",
        )
    ]


def _page(coach, user) -> str:
    url = reverse("backoffice:scheduling_busy_calendar")
    return url if coach.pk == user.pk else f"{url}?{urlencode({'coach': coach.pk})}"


def busy_calendar_view(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST ``action`` = save (with ``url``) | check | remove."""
    coaches = calendar_coaches(user=request.user)
    wanted = request.GET.get("coach") or request.user.pk
    coach = coaches.filter(pk=wanted).first() if str(wanted).isdigit() else None
    if coach is None:
        raise Http404(_("No such coach."))
    now = timezone.now()
    calendar = BusyCalendar.objects.filter(coach=coach).first()
    form = BusyCalendarForm(initial={"url": calendar.url if calendar else ""})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save":
                form = BusyCalendarForm(request.POST)
                if form.is_valid():
                    busy.busy_calendar_save(
                        coach=coach, url=form.cleaned_data["url"], by=request.user
                    )
                    messages.success(
                        request,
                        _("Saved. The calendar is read in a moment, then every 15 minutes."),
                    )
                    return redirect(_page(coach, request.user))
            elif action == "check":
                checked = busy.busy_calendar_check(coach=coach, by=request.user, now=now)
                if checked.error:
                    messages.error(request, checked.error)
                else:
                    messages.success(request, _("Read just now."))
                return redirect(_page(coach, request.user))
            elif action == "remove":
                busy.busy_calendar_remove(coach=coach, by=request.user)
                messages.success(request, _("Removed: its busy times no longer block bookings."))
                return redirect(_page(coach, request.user))
            else:
                messages.error(request, _("Choose what to do."))
                return redirect(_page(coach, request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
    status = busy_calendars_of(coaches=coaches.filter(pk=coach.pk), now=now).first()
    context = {
        "title": _("Own calendar"),
        "opts": BusyCalendar._meta,
        "coach": coach,
        "is_own": coach.pk == request.user.pk,
        "form": form,
        "calendar": status,
        "everyone": busy_calendars_of(coaches=coaches, now=now) if is_owner(request.user) else [],
        "coaches": list(coaches) if is_owner(request.user) else [],
        "calendar_url": reverse("backoffice:scheduling_busy_calendar"),
        "zone": business_zone(),
    }
    return render_page(
        request,
        "scheduling/backoffice/busy_calendar.html",
        context,
        status=400 if form.errors else 200,
    )
