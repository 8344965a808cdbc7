"""What the portal's and the back office's conversation pages share: the page of
messages a conversation template shows, sending from its form (no JavaScript), and the
zone a client reads times in."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from . import services
from .forms import MessageForm
from .models import Thread
from .selectors import messages_for, person_name


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


def conversation_context(request, thread: Thread, form: MessageForm) -> dict:
    """What the conversation template shows: a page of messages (the latest, or those
    before ``?before=``), each with ``author_name`` and ``mine``, and the form."""
    page = messages_for(thread=thread, user=request.user, before=_before(request))
    for message in page.messages:
        message.mine = message.author_id == request.user.pk
        message.author_name = person_name(message.author, viewer=request.user)
    return {
        "thread": thread,
        "page": page,
        "last_id": max((m.pk for m in page.messages), default=0),
        "earlier": page.messages[0].pk if page.has_more and page.messages else None,
        "form": form,
        "api_url": f"/api/v1/threads/{thread.pk}/",
        "socket_url": socket_url(request),
    }


def socket_url(request) -> str:
    """Where the page opens its real-time socket (``REALTIME_URL`` with this business's
    host name), or "" for its own origin's /ws/messages/."""
    return settings.REALTIME_URL.replace("{host}", request.get_host().rsplit(":", 1)[0])


def send_from(request, thread: Thread) -> tuple[MessageForm, bool]:
    """Send the posted message as the signed-in person: the form, and whether it was
    sent (otherwise the form carries the error)."""
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_send(
                thread=thread,
                body=form.cleaned_data["body"],
                by=request.user,
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, errors in fields.items():
                form.add_error(name if name in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return form, True
    return form, False
