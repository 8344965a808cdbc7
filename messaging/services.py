"""Conversations: starting them, sending, changing and deleting messages, reading.

The rules every door keeps (API today; the portal, the back office and sockets next):

- A person writes only in a conversation they may open (``selectors.thread_queryset_for``):
  a client in their own thread (to their own coaches) and in their groups; a coach in
  the threads of the clients they coach and in their groups; the owner anywhere.
- A coach starts a group only with clients they coach.
- Only a message's author changes or deletes it, and only for ``EDIT_WINDOW`` after
  sending. A deleted message keeps its row and loses its text.
- Text is stored as typed (trimmed, line ends made ``\\n``): links and emoji are text,
  and nothing is stored or rendered as HTML.
- Sending is rate limited per person (``MESSAGE_RATE_LIMIT_PER_MINUTE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_staff_member
from clients.models import Client
from clients.selectors import client_queryset_for
from tenants.services import rate_limit_hit

from .attachments import attachments_clean, attachments_remove, attachments_save
from .models import BODY_MAX_CHARS, TITLE_MAX_CHARS, Message, ReadState, Thread, ThreadMember
from .notices import message_notifications_read, message_notify
from .realtime import events as realtime
from .selectors import client_thread_for, thread_queryset_for

EDIT_WINDOW = dt.timedelta(minutes=15)
GROUP_MIN_CLIENTS = 2
GROUP_MAX_CLIENTS = 100
RATE_WINDOW_SECONDS = 60


class SendingTooFast(ValidationError):
    """More messages in a minute than a person may send (the API answers 429)."""


# --- checks ----------------------------------------------------------------------------


def body_clean(body: str | None) -> str:
    """The text to store: trimmed, with ``\\n`` line ends; refused when empty, longer
    than ``BODY_MAX_CHARS`` or holding a NUL character (which cannot be stored)."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ValidationError({"body": _("The message holds a character that cannot be sent.")})
    if not text:
        raise ValidationError({"body": _("Write a message.")})
    if len(text) > BODY_MAX_CHARS:
        raise ValidationError(
            {
                "body": _("Keep a message to %(max)s characters (this one has %(n)s).")
                % {"max": f"{BODY_MAX_CHARS:,}", "n": f"{len(text):,}"}
            }
        )
    return text


def _title_clean(title: str | None) -> str:
    text = " ".join((title or "").split())
    if "\x00" in text:
        raise ValidationError({"title": _("The title holds a character that cannot be stored.")})
    if not text:
        raise ValidationError({"title": _("Give the group a name.")})
    if len(text) > TITLE_MAX_CHARS:
        raise ValidationError(
            {"title": _("Keep the name to %(max)s characters.") % {"max": TITLE_MAX_CHARS}}
        )
    return text


def thread_may_open(*, thread: Thread, user: User | None) -> bool:
    """Whether ``user`` may read ``thread`` now (one query)."""
    return thread_queryset_for(user=user).filter(pk=thread.pk).exists()


def _require_open(thread: Thread, by: User) -> None:
    if not thread_may_open(thread=thread, user=by):
        raise PermissionDenied(_("You are not part of this conversation."))


def _require_open_for_writing(thread: Thread, by: User) -> None:
    _require_open(thread, by)
    if not thread.is_group and thread.client.status == Client.Status.ARCHIVED:
        raise ValidationError(
            {"thread": _("This client is archived: their conversation is closed.")}
        )


def _require_author_in_time(message: Message, by: User, now: dt.datetime, *, deleting: bool):
    """Only the author, while still in the conversation, within ``EDIT_WINDOW``."""
    _require_open(message.thread, by)
    if message.author_id != by.pk:
        raise PermissionDenied(_("Only the person who wrote a message can change or delete it."))
    if message.is_deleted:
        raise ValidationError({"body": _("This message was deleted.")})
    if now - message.created_at <= EDIT_WINDOW:
        return
    minutes = {"n": int(EDIT_WINDOW.total_seconds() // 60)}
    if deleting:
        raise ValidationError(
            _("A message can be deleted up to %(n)s minutes after it is sent; this one is older.")
            % minutes
        )
    raise ValidationError(
        {
            "body": _(
                "A message can be changed up to %(n)s minutes after it is sent; this one is older."
            )
            % minutes
        }
    )


# --- starting conversations -------------------------------------------------------------------


@transaction.atomic
def client_thread_get_or_create(
    *, client: Client, by: User, now: dt.datetime | None = None
) -> Thread:
    """The one conversation between ``client`` and their coaches, started if need be.

    ``by`` is the client themselves, a coach of theirs or the owner. Who reads it is
    not stored: whoever coaches the client (now) does. An archived client's existing
    conversation is returned (to read); a new one is not started for them."""
    if not client_queryset_for(user=by).filter(pk=client.pk).exists():
        raise PermissionDenied(_("You cannot write to this client."))
    thread = client_thread_for(client=client)
    if thread is not None:
        return thread
    if client.status == Client.Status.ARCHIVED:
        raise ValidationError({"client": _("This client is archived.")})
    # two first messages at once: the unique constraint keeps one thread, get_or_create
    # reads the other's
    thread, _created = Thread.objects.get_or_create(
        kind=Thread.Kind.CLIENT,
        client=client,
        defaults={"created_by": by, "created_at": now or timezone.now()},
    )
    return thread


@transaction.atomic
def group_thread_create(
    *,
    title: str,
    clients: Iterable[Client],
    by: User,
    staff: Iterable[User] = (),
    now: dt.datetime | None = None,
) -> Thread:
    """A group conversation named ``title``: ``by`` (a coach or the owner), ``clients``
    (from two to ``GROUP_MAX_CLIENTS``, all clients ``by`` coaches; the owner may add
    any) and other ``staff`` to read along. Archived clients cannot be added."""
    if not is_staff_member(by):
        raise PermissionDenied(_("Only coaches start group conversations."))
    title = _title_clean(title)
    chosen = {client.pk: client for client in clients}
    if len(chosen) < GROUP_MIN_CLIENTS:
        raise ValidationError(
            {
                "clients": _(
                    "Choose at least %(n)s clients; to write to one, use their own conversation."
                )
                % {"n": GROUP_MIN_CLIENTS}
            }
        )
    if len(chosen) > GROUP_MAX_CLIENTS:
        raise ValidationError(
            {"clients": _("A group holds at most %(n)s clients.") % {"n": GROUP_MAX_CLIENTS}}
        )
    mine = client_queryset_for(user=by, include_archived=False).filter(pk__in=list(chosen))
    if mine.count() != len(chosen):
        raise ValidationError({"clients": _("Add only active clients you coach.")})
    others = {person.pk: person for person in staff if person.pk != by.pk}
    if any(not (person.is_staff and person.is_active) for person in others.values()):
        raise ValidationError({"staff": _("Add only active members of the team.")})
    now = now or timezone.now()
    thread = Thread.objects.create(
        kind=Thread.Kind.GROUP, title=title, created_by=by, created_at=now
    )
    ThreadMember.objects.bulk_create(
        [ThreadMember(thread=thread, user=by, added_at=now)]
        + [ThreadMember(thread=thread, user=person, added_at=now) for person in others.values()]
        + [ThreadMember(thread=thread, client_id=pk, added_at=now) for pk in sorted(chosen)]
    )
    return thread


# --- messages ---------------------------------------------------------------------------------


@transaction.atomic
def message_send(
    *,
    thread: Thread,
    body: str,
    by: User,
    reply_to: Message | None = None,
    now: dt.datetime | None = None,
    attachments: Sequence = (),
) -> Message:
    """Send ``body`` to ``thread`` as ``by`` (perhaps in reply to one of its messages),
    with up to five ``attachments`` (uploaded photos and PDFs, checked and cleaned by
    ``messaging.attachments``; with files, the text may be empty).

    Refused: to someone who may not open the thread (PermissionDenied), in an archived
    client's thread, an empty or too long text, a reply to another thread's message
    (ValidationError), and past the per-minute limit (``SendingTooFast``). The sender
    has read their own message (their read state moves to it)."""
    files = attachments_clean(attachments) if attachments else []
    text = body_clean(body) if not files or (body or "").strip() else ""
    # one send at a time per thread: last_message_at and the ids keep the same order
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("client").get(pk=thread.pk)
    )
    _require_open_for_writing(thread, by)
    if reply_to is not None and reply_to.thread_id != thread.pk:
        raise ValidationError({"reply_to": _("Reply to a message of this conversation.")})
    if rate_limit_hit(
        scope="message-send",
        key=str(by.pk),  # the cache key carries the business
        limit=settings.MESSAGE_RATE_LIMIT_PER_MINUTE,
        window_seconds=RATE_WINDOW_SECONDS,
    ):
        raise SendingTooFast(
            {"body": _("You are sending messages very fast. Please wait a minute and try again.")}
        )
    now = now or timezone.now()
    message = Message.objects.create(
        thread=thread,
        author=by,
        body=text,
        reply_to=reply_to,
        created_at=now,
        has_attachments=bool(files),
    )
    attachments_save(message=message, files=files)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    _read_up_to(thread=thread, user=by, message=message, now=now)
    realtime.message_published(message=message, kind=realtime.MESSAGE_NEW)
    message_notify(message=message)  # the bell now; push once this commits
    return message


@transaction.atomic
def message_edit(
    *, message: Message, body: str, by: User, now: dt.datetime | None = None
) -> Message:
    """Change the text of ``by``'s own message, within ``EDIT_WINDOW`` of sending.
    Otherwise PermissionDenied (not the author, or no longer in the conversation) or
    ValidationError saying the window has passed. The same text changes nothing."""
    now = now or timezone.now()
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("thread__client")
        .get(pk=message.pk)
    )
    _require_author_in_time(message, by, now, deleting=False)
    text = body_clean(body)
    if text != message.body:
        message.body = text
        message.edited_at = now
        message.save(update_fields=["body", "edited_at"])
        realtime.message_published(message=message, kind=realtime.MESSAGE_CHANGED)
    return message


@transaction.atomic
def message_delete(*, message: Message, by: User, now: dt.datetime | None = None) -> Message:
    """Delete ``by``'s own message within ``EDIT_WINDOW`` of sending: its text goes,
    the row stays (readers see "Message deleted", replies keep their place). Deleting
    it again changes nothing."""
    now = now or timezone.now()
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("thread__client")
        .get(pk=message.pk)
    )
    if message.is_deleted and message.author_id == by.pk:
        return message
    _require_author_in_time(message, by, now, deleting=True)
    attachments_remove(message=message)
    message.body = ""
    message.deleted_at = now
    message.save(update_fields=["body", "deleted_at", "has_attachments"])
    realtime.message_published(message=message, kind=realtime.MESSAGE_DELETED)
    return message


# --- reading ----------------------------------------------------------------------------------


def _read_up_to(*, thread: Thread, user: User, message: Message, now: dt.datetime) -> ReadState:
    """Move ``user``'s read state in ``thread`` to ``message``, never back."""
    state, created = ReadState.objects.get_or_create(
        thread=thread, user=user, defaults={"last_read_message": message, "last_read_at": now}
    )
    if not created and (state.last_read_message_id or 0) < message.pk:
        # only forward, also when two tabs mark at once (the condition is in the UPDATE)
        ReadState.objects.filter(pk=state.pk).filter(
            Q(last_read_message__isnull=True) | Q(last_read_message_id__lt=message.pk)
        ).update(last_read_message=message, last_read_at=now)
        state.refresh_from_db()
    return state


@transaction.atomic
def thread_mark_read(
    *,
    thread: Thread,
    by: User,
    up_to: Message | None = None,
    now: dt.datetime | None = None,
) -> ReadState | None:
    """``by`` has read ``thread`` up to ``up_to`` (default: its latest message): their
    unread count drops and the others see the read receipt. A read state never moves
    back. None when the thread has no messages yet."""
    _require_open(thread, by)
    if up_to is not None and up_to.thread_id != thread.pk:
        raise ValidationError({"up_to": _("Choose a message of this conversation.")})
    if up_to is None:
        up_to = Message.objects.filter(thread_id=thread.pk).order_by("-pk").first()
        if up_to is None:
            return None
    now = now or timezone.now()
    state = _read_up_to(thread=thread, user=by, message=up_to, now=now)
    # read on the page, perhaps as it arrived over the socket: the bell's notice of it
    # is read too (and so never becomes the unread-message e-mail)
    message_notifications_read(thread_id=thread.pk, user=by, now=now)
    realtime.read_published(state=state, user=by)
    return state
