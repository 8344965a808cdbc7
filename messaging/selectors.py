"""Reads of the messaging app: whose conversations, their messages, what is unread.

Who may read a conversation is decided here, in querysets, on top of the one policy
(``accounts.policies``) and the client scoping (``clients.selectors.client_queryset_for``):

- the owner reads every conversation;
- a coach reads the client thread of every client they coach now (primary or sharing;
  a coach added later reads the history, a coach removed no longer reads it), and the
  groups they are a member of;
- a client reads their own client thread and the groups their record is in, while
  their record is not archived.

Nothing is stored about who reads a client thread: it follows the client's coaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner, is_staff_member
from accounts.roles import OWNER
from clients.models import Client
from clients.selectors import client_queryset_for

from .models import Attachment, Message, ReadState, Thread, ThreadMember

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _signed_in(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def thread_queryset_for(*, user: User | None) -> QuerySet[Thread]:
    """The conversations ``user`` may open (no query until evaluated; the client of a
    client thread comes with it)."""
    threads = Thread.objects.select_related("client")
    if not _signed_in(user):
        return threads.none()
    if is_owner(user):
        return threads
    if is_staff_member(user):
        coached = client_queryset_for(user=user).values("pk")
        groups = ThreadMember.objects.filter(user_id=user.pk).values("thread_id")
    else:
        # a client: their own record while it is not archived
        coached = client_queryset_for(user=user).values("pk")
        groups = ThreadMember.objects.filter(client__in=coached).values("thread_id")
    return threads.filter(
        Q(kind=Thread.Kind.CLIENT, client__in=coached) | Q(kind=Thread.Kind.GROUP, pk__in=groups)
    )


def _uncoached_clients() -> QuerySet[Client]:
    """Clients nobody active coaches: neither an active primary coach nor a sharing one."""
    staff = User.objects.filter(is_staff=True, is_active=True).values("pk")
    sharing = Client.coaches.through.objects.filter(user_id__in=staff).values("client_id")
    return Client.objects.exclude(Q(primary_coach_id__in=staff) | Q(pk__in=sharing))


def thread_queryset_taking_part(*, user: User | None) -> QuerySet[Thread]:
    """The conversations ``user`` takes part in: what their unread badge counts.

    The same as :func:`thread_queryset_for`, except for the owner: they may open every
    conversation, but take part in those of the clients they coach themselves, of
    clients nobody coaches (someone must read them), and in their groups. A business
    with ten coaches does not light the owner's badge for every message."""
    if not is_owner(user):
        return thread_queryset_for(user=user)
    own = client_queryset_for(user=user).filter(
        Q(primary_coach_id=user.pk)
        | Q(pk__in=Client.coaches.through.objects.filter(user_id=user.pk).values("client_id"))
        | Q(pk__in=_uncoached_clients().values("pk"))
    )
    groups = ThreadMember.objects.filter(user_id=user.pk).values("thread_id")
    return Thread.objects.select_related("client").filter(
        Q(kind=Thread.Kind.CLIENT, client__in=own.values("pk"))
        | Q(kind=Thread.Kind.GROUP, pk__in=groups)
    )


def _seen_by(user: User, thread_ref: str) -> Coalesce:
    """The id of the last message ``user`` has read in the thread ``thread_ref`` points
    at (an OuterRef name), 0 when none."""
    last = ReadState.objects.filter(thread_id=OuterRef(thread_ref), user_id=user.pk).values(
        "last_read_message_id"
    )[:1]
    return Coalesce(Subquery(last), 0, output_field=BigIntegerField())


def _unread_messages(user: User) -> QuerySet[Message]:
    """Messages others wrote that are not deleted (filter them further by thread)."""
    return Message.objects.filter(deleted_at__isnull=True).exclude(author_id=user.pk)


def thread_list_for(*, user: User) -> QuerySet[Thread]:
    """The conversations ``user`` may open, most recent first, each with ``unread``
    (messages of others after the last one they read) and ``latest`` (a list of its
    last message, or empty). Two queries: the threads, then their last messages."""
    unread = (
        _unread_messages(user)
        .filter(thread_id=OuterRef("pk"), pk__gt=OuterRef("seen"))
        .order_by()
        .values("thread_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = Message.objects.select_related("author").order_by("-pk")
    return (
        thread_queryset_for(user=user)
        .annotate(seen=_seen_by(user, "pk"))
        .annotate(unread=Coalesce(Subquery(unread), 0, output_field=IntegerField()))
        .prefetch_related(Prefetch("messages", queryset=latest[:1], to_attr="latest"))
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


@dataclass(frozen=True)
class UnreadCounts:
    """Unread messages: in all, and per thread id (threads with none are left out)."""

    total: int = 0
    by_thread: dict[int, int] = field(default_factory=dict)


def unread_counts(*, user: User | None) -> UnreadCounts:
    """What ``user`` has not read yet in the conversations they take part in
    (:func:`thread_queryset_taking_part`): others' messages, not deleted, after the
    last one they read. One query, however many threads."""
    if not _signed_in(user):
        return UnreadCounts()
    threads = thread_queryset_taking_part(user=user).values("pk")
    rows = (
        _unread_messages(user)
        .filter(thread_id__in=threads, pk__gt=_seen_by(user, "thread_id"))
        .order_by()
        .values_list("thread_id")
        .annotate(n=Count("pk"))
    )
    by_thread = dict(rows)
    return UnreadCounts(total=sum(by_thread.values()), by_thread=by_thread)


def unread_threads_for(
    *, user: User, clients: QuerySet[Client], everyone: bool = False, limit: int = 5
) -> tuple[list[Thread], int]:
    """Conversations ``user`` may open (:func:`thread_queryset_for`) with messages they
    have not read: the client threads of ``clients`` and the groups ``user`` is a member
    of (with ``everyone``, every group they may open), most recent first, each with
    ``unread`` (how many) and ``latest`` (a list of its last message, with its author);
    and how many such conversations there are. Only what a list shows is read (names,
    the last message's text and time; the rest deferred). Two queries: the threads, then
    their last messages (none when nothing is unread).

    With ``clients`` the clients ``user`` looks after (``clients.selectors.
    client_queryset_own``) these are the conversations they take part in
    (:func:`thread_queryset_taking_part`)."""
    unread = (
        _unread_messages(user)
        .filter(thread_id=OuterRef("pk"), pk__gt=OuterRef("seen"))
        .order_by()
        .values("thread_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    groups = Q(kind=Thread.Kind.GROUP)
    if not everyone:
        groups &= Q(pk__in=ThreadMember.objects.filter(user_id=user.pk).values("thread_id"))
    rows = (
        thread_queryset_for(user=user)
        .filter(Q(kind=Thread.Kind.CLIENT, client__in=clients.values("pk")) | groups)
        .only("kind", "title", "last_message_at", "client__first_name", "client__last_name")
        .annotate(seen=_seen_by(user, "pk"))
        .annotate(unread=Coalesce(Subquery(unread), 0, output_field=IntegerField()))
        .filter(unread__gt=0)
        .annotate(listed_total=Window(Count("pk")))
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )
    found = list(rows[:limit])
    if not found:
        return [], 0
    # each one's last message: one per thread (PostgreSQL's DISTINCT ON)
    last = {
        message.thread_id: message
        for message in Message.objects.filter(thread_id__in=[t.pk for t in found])
        .select_related("author")
        .only(
            "thread_id",
            "body",
            "created_at",
            "deleted_at",
            "has_attachments",
            "author__first_name",
            "author__last_name",
            "author__email",
        )
        .order_by("thread_id", "-pk")
        .distinct("thread_id")
    }
    for thread in found:
        thread.latest = [last[thread.pk]] if thread.pk in last else []
    return found, (found[0].listed_total if found else 0)


@dataclass(frozen=True)
class MessagePage:
    """Up to a page of a thread's messages, oldest first; ``has_more`` when older ones
    are left (ask again with ``before`` = the first one's id)."""

    messages: list[Message]
    has_more: bool


def messages_for(
    *,
    thread: Thread,
    user: User | None,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> MessagePage:
    """The ``limit`` messages of ``thread`` before the message id ``before`` (the latest
    without it), newest last, with their authors and what they reply to. Empty for
    someone who may not open the thread (checked in the same query).

    With ``after`` (a page polling for news): the first ``limit`` messages after that
    id, oldest first; ``has_more`` then says newer ones are left."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    rows = Message.objects.filter(
        thread_id=thread.pk, thread_id__in=thread_queryset_for(user=user).values("pk")
    ).select_related("author", "reply_to__author")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    if after is not None:
        newer = list(rows.filter(pk__gt=after).order_by("pk")[: limit + 1])
        return MessagePage(messages=_with_files(newer[:limit]), has_more=len(newer) > limit)
    found = list(rows.order_by("-pk")[: limit + 1])
    page = found[:limit]
    page.reverse()
    return MessagePage(messages=_with_files(page), has_more=len(found) > limit)


def _with_files(messages: list[Message]) -> list[Message]:
    """Fetch the files of those ``messages`` that have any (one query, none without)."""
    prefetch_related_objects([m for m in messages if m.has_attachments], "attachments")
    return messages


def person_name(user: User | None, *, viewer: User) -> str:
    """How a person is named to ``viewer``: their name; staff also see an address when
    there is no name (clients never see another person's address)."""
    if user is None:
        return _("Former member")
    return user.get_full_name() or (user.email if viewer.is_staff else _("A member"))


def message_queryset_for(*, user: User | None) -> QuerySet[Message]:
    """The messages ``user`` may read: those of the conversations they may open."""
    return Message.objects.filter(
        thread_id__in=thread_queryset_for(user=user).values("pk")
    ).select_related("author", "reply_to__author", "thread")


def read_states_for(*, thread: Thread) -> list[ReadState]:
    """How far each person has read ``thread`` (read receipts), with the people. One
    query."""
    return list(
        ReadState.objects.filter(thread_id=thread.pk, last_read_message__isnull=False)
        .select_related("user")
        .order_by("last_read_at", "pk")
    )


def client_thread_for(*, client: Client) -> Thread | None:
    """The conversation between ``client`` and their coaches, if one was started."""
    return Thread.objects.filter(kind=Thread.Kind.CLIENT, client_id=client.pk).first()


def thread_members(*, thread: Thread) -> list[ThreadMember]:
    """A group's people, clients and staff, with their records. One query. An archived
    client has left the group (they no longer read it; back in if reactivated)."""
    return list(
        ThreadMember.objects.filter(thread_id=thread.pk)
        .exclude(client__status=Client.Status.ARCHIVED)
        .select_related("client", "user")
        .order_by("user_id", "client__first_name", "pk")
    )


def thread_people(*, thread: Thread) -> QuerySet[User]:
    """The people a message in ``thread`` is for (the notifications to come tell them):
    a client thread's client (their login, while the record is not archived) and their
    active coaches, or the owners when nobody coaches them; a group's staff members
    and its clients' logins."""
    active = User.objects.filter(is_active=True)
    if thread.is_group:
        members = ThreadMember.objects.filter(thread_id=thread.pk)
        clients = Client.objects.filter(pk__in=members.values("client_id")).exclude(
            status=Client.Status.ARCHIVED
        )
        return active.filter(
            Q(pk__in=members.values("user_id")) | Q(pk__in=clients.values("user_id"))
        ).order_by("pk")
    client = thread.client
    coaches = active.filter(is_staff=True).filter(
        Q(pk=client.primary_coach_id) | Q(shared_clients=client)
    )
    readers = Q(pk__in=coaches.values("pk"))
    if not coaches.exists():
        readers = Q(is_staff=True, is_superuser=True) | Q(is_staff=True, groups__name=OWNER)
    if client.user_id and client.status != Client.Status.ARCHIVED:
        readers |= Q(pk=client.user_id)
    return active.filter(readers).distinct().order_by("pk")


def attachments_of_thread(*, thread: Thread, user: User | None, limit: int) -> list[Attachment]:
    """The files sent in ``thread`` (messages not deleted), newest first, with their
    messages' authors; empty for someone who may not open it. One query."""
    return list(
        Attachment.objects.filter(
            message__thread_id=thread.pk,
            message__deleted_at__isnull=True,
            message__thread_id__in=thread_queryset_for(user=user).values("pk"),
        )
        .select_related("message__author")
        .order_by("-created_at", "-pk")[:limit]
    )


def attachment_for(*, user: User | None, pk: int) -> Attachment | None:
    """The file ``pk`` if ``user`` may open its conversation and its message is not
    deleted; None otherwise. One query."""
    return (
        Attachment.objects.filter(
            pk=pk,
            message__deleted_at__isnull=True,
            message__thread_id__in=thread_queryset_for(user=user).values("pk"),
        )
        .select_related("message")
        .first()
    )
