"""Calendar feeds: the private ``/calendar/<token>.ics`` a calendar app subscribes to
(no sign-in: the token is the key), and the portal's button that makes the client's
address or gives them a new one (the old one stops working)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.policies import portal_client_required

from ..services import feeds
from .portal import SECTION


@require_safe
def calendar_feed(request, token: str):
    """The feed's iCalendar text; 404 for an unknown or revoked token."""
    now = timezone.now()
    feed = feeds.calendar_feed_open(token=token, now=now)
    if feed is None:
        raise Http404
    response = HttpResponse(
        feeds.calendar_feed_text(feed=feed, now=now), content_type="text/calendar; charset=utf-8"
    )
    # one person's sessions: no shared cache keeps it, and no search engine lists it
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return response


@portal_client_required(section=SECTION)
@require_POST
def calendar_feed_address(request):
    """Make the client's calendar address, or (``renew``) a new one."""
    renew = bool(request.POST.get("renew"))
    messages.success(request, feeds.calendar_feed_address(user=request.user, renew=renew))
    return redirect("/sessions/#calendar")


urlpatterns = [
    path("calendar/<str:token>.ics", calendar_feed, name="scheduling_calendar_feed"),
    path("sessions/calendar/", calendar_feed_address, name="scheduling_calendar_address"),
]
