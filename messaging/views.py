"""Portal pages: a client's conversations (/messages/) and one conversation
(/messages/<id>/): its latest messages, older ones a page at a time, and a form to
send one that works without JavaScript (``static/js/messaging.js`` sends and polls for
new messages through the API on top of it). Times are shown in the client's zone."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.policies import portal_client_required
from clients.selectors import client_zone
from mectofitness.core.uploads import body_limit

from . import services
from .attachments import MESSAGE_BODY_MAX_BYTES
from .forms import MessageForm
from .pages import conversation_context, send_from
from .selectors import client_thread_for, person_name, thread_list_for, thread_queryset_for

SECTION = gettext_lazy("Messages")


@portal_client_required(section=SECTION)
@require_http_methods(["GET", "POST"])
def threads(request):
    """The client's conversations; POST starts the one with their coaches."""
    client = request.client
    if request.method == "POST":
        thread = services.client_thread_get_or_create(client=client, by=request.user)
        return redirect("messaging_thread", pk=thread.pk)
    rows = list(thread_list_for(user=request.user))
    for row in rows:
        row.last = row.latest[0] if row.latest else None
        if row.last is not None:
            row.last.author_name = person_name(row.last.author, viewer=request.user)
    context = {
        "threads": rows,
        "has_own": client_thread_for(client=client) is not None,
        "tz": client_zone(client),
    }
    return render(request, "messaging/portal/threads.html", context)


@body_limit(MESSAGE_BODY_MAX_BYTES)
@portal_client_required(section=SECTION)
@require_http_methods(["GET", "POST"])
def thread(request, pk: int):
    """One conversation: read it (which marks it read), send to it."""
    conversation = get_object_or_404(thread_queryset_for(user=request.user), pk=pk)
    status = 200
    if request.method == "POST":
        form, sent = send_from(request, conversation)
        if sent:
            return redirect("messaging_thread", pk=conversation.pk)
        status = 400
    else:
        form = MessageForm()
        services.thread_mark_read(thread=conversation, by=request.user)
    context = conversation_context(request, conversation, form)
    context["tz"] = client_zone(request.client)
    return render(request, "messaging/portal/thread.html", context, status=status)


urlpatterns = [
    path("messages/", threads, name="messaging_threads"),
    path("messages/<int:pk>/", thread, name="messaging_thread"),
]
