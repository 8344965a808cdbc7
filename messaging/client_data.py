"""A client's conversations in their data export and erasure (registered with
``clients.services.data_parts`` from ``MessagingConfig.ready``: clients does not import
messaging).

- Export: ``messages.json`` holds the client's own conversation with their coaches
  (every message, who wrote it, when, edits, deletions, files) and what the client
  wrote in groups (not the others' messages: those are theirs); the files sent are
  copied under ``messages/``.
- Erasure: the client's own conversation goes (its messages and their files), and so
  do their announcements received and their places in groups; what their login wrote
  in groups is deleted as any deleted message is (the row stays so replies keep their
  place; its text and files go).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from clients.services.data_parts import ClientDataPart

from .models import AnnouncementRecipient, Attachment, Message, ReadState, Thread, ThreadMember

README = """\
messages.json      Your conversation with your coaches (every message, who wrote it and
                   when), and what you wrote in group conversations.
messages/          Photos and PDFs sent in those messages.
"""


def _mine(client: Client) -> Q:
    """The messages of ``client``'s data: all of their own conversation, and what
    their login wrote in groups."""
    own = Q(thread__kind=Thread.Kind.CLIENT, thread__client_id=client.pk)
    if client.user_id:
        return own | Q(thread__kind=Thread.Kind.GROUP, author_id=client.user_id)
    return own


def _file_path(attachment: Attachment) -> str:
    return f"messages/{attachment.message_id}-{attachment.pk}-{attachment.name}"


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def client_messages_documents(client: Client) -> dict[str, object]:
    """``messages.json``: the conversations' messages, oldest first. Two queries."""
    rows = (
        Message.objects.filter(_mine(client))
        .select_related("author", "thread")
        .prefetch_related("attachments")
        .order_by("thread_id", "pk")
    )
    messages = [
        {
            "conversation": message.thread.title if message.thread.is_group else "Your coaches",
            "from": _person(message.author),
            "by_you": bool(client.user_id) and message.author_id == client.user_id,
            "text": message.body,
            "sent_at": message.created_at,
            "edited_at": message.edited_at,
            "deleted_at": message.deleted_at,
            "announcement": message.announcement_id is not None,
            "files": [_file_path(a) for a in message.attachments.all()],
        }
        for message in rows
    ]
    return {"messages": messages}


def client_messages_files(client: Client) -> list[tuple[str, str]]:
    """The files sent in those messages: (path in the zip, storage name)."""
    return [
        (_file_path(attachment), attachment.file.name)
        for attachment in Attachment.objects.filter(
            message__in=Message.objects.filter(_mine(client))
        ).order_by("pk")
        if attachment.file.name
    ]


def client_messages_erase(client: Client) -> tuple[dict[str, int], list[str]]:
    """Delete the client's conversation and their part in groups (inside the erasure's
    transaction). Returns what was removed and the stored files to delete."""
    files = [name for _path, name in client_messages_files(client)]
    Attachment.objects.filter(message__in=Message.objects.filter(_mine(client))).delete()
    written = 0
    if client.user_id:
        written = (
            Message.objects.filter(thread__kind=Thread.Kind.GROUP, author_id=client.user_id)
            .filter(deleted_at__isnull=True)
            .update(body="", has_attachments=False, deleted_at=timezone.now())
        )
        ReadState.objects.filter(user_id=client.user_id).delete()
    own = Message.objects.filter(thread__kind=Thread.Kind.CLIENT, thread__client_id=client.pk)
    removed = {
        "messages": own.count() + written,
        "conversations": Thread.objects.filter(kind=Thread.Kind.CLIENT, client=client).count(),
    }
    Thread.objects.filter(kind=Thread.Kind.CLIENT, client=client).delete()
    ThreadMember.objects.filter(client=client).delete()
    AnnouncementRecipient.objects.filter(client=client).delete()
    return removed, files


client_messages_part = ClientDataPart(
    name="messages",
    documents=client_messages_documents,
    files=client_messages_files,
    erase=client_messages_erase,
    readme=README,
)
