"""What the portal's and the back office's notification pages share: the list, opening
one (read, then off to its place), reading all, and the preferences form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import services
from .forms import PreferencesForm
from .push import push_configured
from .selectors import PAGE_SIZE, notification_list_for, notification_unread_count, person_tz


def list_context(request: HttpRequest) -> dict:
    """The person's latest notifications, newest first, and how many are unread."""
    return {
        "notifications": list(notification_list_for(user=request.user)[:PAGE_SIZE]),
        "unread": notification_unread_count(user=request.user),
        "tz": person_tz(request.user),
    }


def open_one(request: HttpRequest, pk: int, *, fallback: str) -> HttpResponseRedirect:
    """Mark the person's notification ``pk`` read and go to its place (404 for anyone
    else's)."""
    notification = get_object_or_404(notification_list_for(user=request.user), pk=pk)
    services.notification_read(notification=notification, user=request.user)
    target = notification.url or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = fallback
    return HttpResponseRedirect(target)


def read_all(request: HttpRequest) -> None:
    count = services.notifications_read_all(user=request.user)
    if count:
        messages.success(request, _("All caught up."))


def preferences_context(request: HttpRequest) -> tuple[dict, bool]:
    """The form, bound to a POST (and saved when valid); True when it was saved."""
    if request.method == "POST":
        form = PreferencesForm(request.POST, user=request.user)
        if form.is_valid() and form.save():
            messages.success(request, _("Your notification settings are saved."))
            return {"form": form}, True
    else:
        form = PreferencesForm(user=request.user)
    return {
        "form": form,
        "tz": person_tz(request.user),
        "push_key": request_push_key(),
    }, False


def request_push_key() -> str:
    """The VAPID public key the "turn on notifications" button subscribes with ("" when
    push is not set up here: the button stays hidden)."""
    from django.conf import settings

    return settings.VAPID_PUBLIC_KEY if push_configured() else ""
