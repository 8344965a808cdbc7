"""Back office: the staff member's notifications (the header's bell links here), opening
one (read, then off to its place), reading them all, and their notification settings
(kinds x channels, quiet hours, push on this device). Everyone sees only their own:
another person's notification does not exist (404)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications import pages

from ..chrome import render_page


def urls(site):
    return [
        path("me/notifications/", site.admin_view(list_view), name="notifications"),
        path("me/notifications/<int:pk>/", site.admin_view(open_view), name="notification_open"),
        path(
            "me/notifications/read-all/",
            site.admin_view(read_all_view),
            name="notifications_read_all",
        ),
        path(
            "me/notifications/settings/",
            site.admin_view(preferences_view),
            name="notification_preferences",
        ),
    ]


def list_view(request: HttpRequest) -> HttpResponse:
    """The staff member's notifications, newest first, each linking to its place."""
    context = pages.list_context(request)
    context["title"] = _("Notifications")
    return render_page(request, "notifications/backoffice/list.html", context)


def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    return pages.open_one(request, pk, fallback=reverse("backoffice:notifications"))


@require_POST
def read_all_view(request: HttpRequest) -> HttpResponse:
    pages.read_all(request)
    return redirect("backoffice:notifications")


@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    """What the staff member wants on which channel, and their quiet hours."""
    context, saved = pages.preferences_context(request)
    if saved:
        return redirect("backoffice:notification_preferences")
    context["title"] = _("Notification settings")
    status = 400 if request.method == "POST" else 200
    return render_page(request, "notifications/backoffice/preferences.html", context, status=status)
