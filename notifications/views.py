"""Portal pages: the person's notifications (/notifications/), opening one (it is read,
then off to its place), reading them all, and their preferences (kinds x channels,
quiet hours, and turning on notifications on this device). The back office's are
``backoffice.views.notifications``."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import portal_client_required

from . import pages

SECTION = gettext_lazy("Notifications")


@portal_client_required(section=SECTION)
def notification_list(request):
    """The client's notifications, newest first, each linking to its place."""
    return render(request, "notifications/portal/list.html", pages.list_context(request))


@portal_client_required(section=SECTION)
def notification_open(request, pk: int):
    """Read one notification and go to its place."""
    return pages.open_one(request, pk, fallback="/notifications/")


@portal_client_required(section=SECTION)
@require_POST
def notification_read_all(request):
    pages.read_all(request)
    return redirect("portal_notifications")


@portal_client_required(section=SECTION)
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    """What the client wants on which channel, and their quiet hours."""
    context, saved = pages.preferences_context(request)
    if saved:
        return redirect("portal_notification_preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/portal/preferences.html", context, status=status)


urlpatterns = [
    path("notifications/", notification_list, name="portal_notifications"),
    path("notifications/<int:pk>/", notification_open, name="portal_notification_open"),
    path("notifications/read-all/", notification_read_all, name="portal_notifications_read_all"),
    path(
        "notifications/preferences/",
        notification_preferences,
        name="portal_notification_preferences",
    ),
]
