"""Publishing what happened in a conversation to its open pages, after commit.

Events go through the channel layer (Redis) to the sockets of ``consumers``:

- ``message.new`` / ``message.changed`` / ``message.deleted``: the message, as every
  reader may see it (the socket names its author for the viewer);
- ``read``: a person has read up to a message (a read receipt);
- ``unread.changed``: to each person of the conversation but the author: their count changed.

Published in ``transaction.on_commit``: nothing is announced that was rolled back. A
publish that fails (Redis away) is logged and dropped: the message is saved, and the
pages' polling fallback brings it.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from accounts.models import User

from ..models import Message, ReadState, Thread
from ..selectors import thread_people
from . import thread_group, user_group

logger = logging.getLogger(__name__)

MESSAGE_NEW = "message.new"
MESSAGE_CHANGED = "message.changed"
MESSAGE_DELETED = "message.deleted"
READ = "read"
TYPING = "typing"


def person_payload(user: User | None) -> dict | None:
    """A person as an event names them: ``name`` for clients' eyes (never an address),
    ``staff_name`` for staff (the address when there is no name); the socket picks."""
    if user is None:
        return None
    full = user.get_full_name()
    return {
        "id": user.pk,
        "name": full,
        "staff_name": full or user.email,
        "is_staff": user.is_staff,
    }


def message_payload(message: Message) -> dict:
    """A message as the API shows it, less what depends on the viewer."""
    quoted = message.reply_to
    return {
        "id": message.pk,
        "thread": message.thread_id,
        "author": person_payload(message.author),
        "body": message.body,
        "text": message.shown_text,
        "is_deleted": message.is_deleted,
        # files are the API's to show: a page fetches such a message from it
        "has_attachments": getattr(message, "has_attachments", False),
        "reply_to": None
        if quoted is None
        else {
            "id": quoted.pk,
            "author": person_payload(quoted.author),
            "text": quoted.shown_text[:200],
            "is_deleted": quoted.is_deleted,
        },
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted_at": message.deleted_at.isoformat() if message.deleted_at else None,
    }


def _send(groups: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        for group, event in groups:
            async_to_sync(layer.group_send)(group, event)
    except Exception:  # noqa: BLE001 (Redis away: the pages' polling brings it)
        logger.warning("real-time publish failed", exc_info=True)


def message_published(*, message: Message, kind: str) -> None:
    """Tell the open pages of ``message``'s conversation, when the transaction commits;
    on a new message, also tell its people (but the author) their unread count moved."""
    schema = connection.schema_name
    event = {"type": "thread.event", "event": {"type": kind, "message": message_payload(message)}}
    thread_id, author_id = message.thread_id, message.author_id
    groups = [(thread_group(schema=schema, thread_id=thread_id), event)]
    if kind == MESSAGE_NEW:
        # read now, in the business's schema: after the commit the connection may
        # already be back in another (a demo seed, a task that switches schemas)
        groups += [
            (user_group(schema=schema, user_id=pk), {"type": "unread.changed", "thread": thread_id})
            for pk in _people_ids(thread_id)
            if pk != author_id
        ]

    def publish() -> None:
        _send(groups)

    transaction.on_commit(publish)


def _people_ids(thread_id: int) -> list[int]:
    thread = Thread.objects.select_related("client").get(pk=thread_id)
    return list(thread_people(thread=thread).values_list("pk", flat=True))


def read_published(*, state: ReadState, user: User) -> None:
    """Tell the open pages of the conversation that ``user`` (``state``'s person) has
    read up to its message (a read receipt), and their own pages that their unread
    count moved."""
    schema = connection.schema_name
    event = {
        "type": "thread.event",
        "event": {
            "type": READ,
            "thread": state.thread_id,
            "person": person_payload(user),
            "last_read_message": state.last_read_message_id,
            "last_read_at": state.last_read_at.isoformat(),
        },
    }
    groups = [
        (thread_group(schema=schema, thread_id=state.thread_id), event),
        (
            user_group(schema=schema, user_id=user.pk),
            {"type": "unread.changed", "thread": state.thread_id},
        ),
    ]
    transaction.on_commit(lambda: _send(groups))
