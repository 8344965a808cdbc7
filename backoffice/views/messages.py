"""Back office: messages. The inbox lists the conversations a staff member may open
(``messaging.selectors.thread_queryset_for``: a coach, their clients' and their groups;
the owner, every one), unread first; a conversation's page shows its messages and the
same send form as the portal (``static/js/messaging.js`` sends and polls through the
API). Another coach's client's conversation does not exist (404). Times are on the
staff member's own clock, else the business's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mectofitness.core.uploads import body_limit
from messaging import services as messaging_services
from messaging.attachments import MESSAGE_BODY_MAX_BYTES
from messaging.forms import MessageForm
from messaging.pages import conversation_context, send_from
from messaging.selectors import person_name, thread_list_for, thread_queryset_for
from scheduling.selectors import business_zone

from ..chrome import render_page


def urls(site):
    return [
        path("messaging/inbox/", site.admin_view(inbox_view), name="messaging_inbox"),
        path("messaging/inbox/<int:pk>/", site.admin_view(thread_view), name="messaging_thread"),
    ]


def _zone(request: HttpRequest):
    return request.user.tzinfo or business_zone()


def inbox_view(request: HttpRequest) -> HttpResponse:
    """The conversations the staff member may open: unread first, then most recent."""
    rows = list(thread_list_for(user=request.user))
    for row in rows:
        row.last = row.latest[0] if row.latest else None
        if row.last is not None:
            row.last.author_name = person_name(row.last.author, viewer=request.user)
    rows.sort(key=lambda row: row.unread == 0)  # stable: recency kept within each
    return render_page(
        request,
        "messaging/backoffice/inbox.html",
        {"title": _("Messages"), "threads": rows, "tz": _zone(request)},
    )


@body_limit(MESSAGE_BODY_MAX_BYTES)
@require_http_methods(["GET", "POST"])
def thread_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation: read it (marks it read), answer it."""
    thread = get_object_or_404(thread_queryset_for(user=request.user), pk=pk)
    status = 200
    if request.method == "POST":
        form, sent = send_from(request, thread)
        if sent:
            return redirect("backoffice:messaging_thread", pk=thread.pk)
        status = 400
    else:
        form = MessageForm()
        messaging_services.thread_mark_read(thread=thread, by=request.user)
    context = conversation_context(request, thread, form)
    context.update(
        title=thread.title if thread.is_group else thread.client.full_name,
        tz=_zone(request),
        inbox_url=reverse("backoffice:messaging_inbox"),
    )
    return render_page(request, "messaging/backoffice/thread.html", context, status=status)
