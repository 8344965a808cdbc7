"""Back office: a coach's private calendar feed (``/admin/scheduling/calendar-feed/``).

The address their calendar app subscribes to (``/calendar/<token>.ics``): the sessions
they run, with their clients' names. Each person has their own and sees only their
own (the owner too); "New address" revokes the old one. Writes go through
``scheduling.services.feeds``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from scheduling.selectors_notices import calendar_feed_for
from scheduling.services import feeds

from ..chrome import render_page


def urls(site):
    return [
        path(
            "scheduling/calendar-feed/",
            site.admin_view(calendar_feed_view),
            name="scheduling_calendar_feed",
        )
    ]


def calendar_feed_view(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST: make the address, or (``renew``) a new one."""
    if not is_staff_member(request.user):  # the site lets in staff only; said again here
        raise PermissionDenied
    if request.method == "POST":
        renew = bool(request.POST.get("renew"))
        messages.success(request, feeds.calendar_feed_address(user=request.user, renew=renew))
        return redirect("backoffice:scheduling_calendar_feed")
    feed = calendar_feed_for(user=request.user)
    context = {
        "title": _("Your sessions in your calendar"),
        "feed": feed,
        **(feeds.calendar_feed_urls(feed) if feed is not None else {}),
    }
    return render_page(request, "scheduling/backoffice/calendar_feed.html", context)
