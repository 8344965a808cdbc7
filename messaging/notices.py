"""Telling a conversation's people about a new message: one notification each (the bell,
then push per their preferences and quiet hours), linking to the conversation where
they read it (the portal's page for a client, the back office's for staff); a group of a
hundred costs a few queries and one delivery task, not a hundred of each."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notifications_read_for_url, notify_many

from .models import Message
from .selectors import person_name, thread_people

PREVIEW_CHARS = 140


def message_url_for(*, thread_id: int, reader) -> str:
    """Where ``reader`` reads the conversation: the back office's page for staff."""
    if reader.is_staff:
        return reverse("backoffice:messaging_thread", args=[thread_id])
    return reverse("messaging_thread", args=[thread_id])


def message_notify(*, message: Message) -> int:
    """Notify every reader of ``message``'s conversation but its author (a client: their
    coaches; a coach: the client and the other coaches; a group: its people). Once per
    message and person (key ``message:<id>``), in a few queries however big the group.
    How many were notified."""
    thread = message.thread
    text = message.body or _("Sent an attachment.")
    if len(text) > PREVIEW_CHARS:
        text = text[: PREVIEW_CHARS - 1] + "…"
    author = message.author

    def title(reader) -> str:
        name = person_name(author, viewer=reader)
        if thread.is_group:
            return _("%(name)s wrote in %(group)s") % {"name": name, "group": thread.title}
        return _("%(name)s wrote") % {"name": name}

    return len(
        notify_many(
            users=thread_people(thread=thread).exclude(pk=message.author_id),
            kind=Kind.MESSAGE,
            title=title,
            body=text,
            url=lambda reader: message_url_for(thread_id=thread.pk, reader=reader),
            key=f"message:{message.pk}",
            now=message.created_at,
        )
    )


def message_notifications_read(*, thread_id: int, user, now=None) -> int:
    """``user`` has read the conversation: their notifications of its messages are read
    (one UPDATE). How many were unread."""
    url = message_url_for(thread_id=thread_id, reader=user)
    return notifications_read_for_url(user=user, url=url, now=now)
