"""Back office: write an announcement to a segment of clients
(``/admin/messaging/announcements/new/``): the text, whom (tags, status, program,
class), how (in each conversation or as an announcement) and when (now or later), with
a live "N clients will get this" (``static/js/announcements.js`` asks the API). A coach
reaches their own clients, the owner all (``messaging.announcements``). The sent and
scheduled ones are listed at ``/admin/messaging/announcement/``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.policies import is_staff_member
from messaging.announcements import announcement_audience_count, announcement_create
from messaging.forms_announcements import AnnouncementForm
from scheduling.selectors import business_zone

from ..chrome import render_page


def urls(site):
    return [
        path(
            "messaging/announcements/new/",
            site.admin_view(announcement_new_view),
            name="messaging_announcement_new",
        )
    ]


@require_http_methods(["GET", "POST"])
def announcement_new_view(request: HttpRequest) -> HttpResponse:
    """GET: the form with how many clients it reaches. POST: send or schedule it."""
    if not is_staff_member(request.user):  # the site lets in staff only; said again here
        raise PermissionDenied
    zone = request.user.tzinfo or business_zone()
    form = AnnouncementForm(request.POST or None, zone=zone)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                announcement = announcement_create(
                    by=request.user,
                    body=form.cleaned_data["body"],
                    segment=form.segment(),
                    delivery=form.cleaned_data["delivery"],
                    send_at=form.cleaned_data.get("send_at"),
                )
            except ValidationError as exc:
                fields = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                for name, errors in fields.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                if announcement.send_at > timezone.now():
                    when = timezone.localtime(announcement.send_at, zone)
                    text = _("Scheduled for %(when)s: %(n)s clients will get it.") % {
                        "when": when.strftime("%d %b %Y, %H:%M"),
                        "n": announcement.recipient_count,
                    }
                else:
                    text = _("Sent to %(n)s clients.") % {"n": announcement.recipient_count}
                messages.success(request, text)
                return redirect("backoffice:messaging_announcement_changelist")
        status = 400
    count = None
    if form.is_bound and form.is_valid():
        count = announcement_audience_count(by=request.user, segment=form.segment())
    elif not form.is_bound:
        count = announcement_audience_count(by=request.user, segment={})
    return render_page(
        request,
        "messaging/backoffice/announcement_new.html",
        {
            "title": _("New announcement"),
            "form": form,
            "count": count,
            "audience_url": reverse("api-announcement-audience"),
            "list_url": reverse("backoffice:messaging_announcement_changelist"),
        },
        status=status,
    )
