"""Messaging: conversations between a business's coaches and its clients.

- ``Thread``: a conversation. A client thread is the one conversation between a client
  and whoever coaches them (one per client, a unique constraint): who reads it is not
  stored but derived from who coaches the client now
  (``clients.selectors.client_queryset_for``), so a coach added later reads the
  history and a coach removed loses it. A group thread is a coach and several of
  their clients (a challenge group), with a title; its people are ``ThreadMember`` rows.
- ``ThreadMember``: one person of a group thread: a client record, or a member of staff.
- ``Message``: one message, plain text (links and emoji are text; nothing is rendered
  as HTML). A deleted message keeps its row and loses its text ("Message deleted").
- ``ReadState``: how far one person has read one thread: read receipts and unread counts.

Attachments are not here yet: they will be an ``Attachment`` row per file pointing at
its message, and the check "a message has text unless deleted" will then read "text or
an attachment".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BODY_MAX_CHARS = 5000
TITLE_MAX_CHARS = 120


class Thread(models.Model):
    """A conversation: a client's own, or a coach's group."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("Client and their coaches")
        GROUP = "group", _("Group")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message_threads",
        verbose_name=_("client"),
        help_text=_("The client of a client thread (empty for a group)."),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)

    class Meta:
        ordering = [F("last_message_at").desc(nulls_last=True), "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["client", "group"]), name="thread_kind_valid"
            ),
            # a client thread names its client; a group names none (its clients are members)
            models.CheckConstraint(
                condition=Q(kind="client", client__isnull=False)
                | Q(kind="group", client__isnull=True),
                name="thread_client_iff_client_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="client") | ~Q(title=""), name="thread_group_has_title"
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(kind="client"),
                name="thread_one_per_client",
                violation_error_message=_("This client already has a conversation."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "-last_message_at"], name="thread_recent")]

    def __str__(self) -> str:
        if self.kind == self.Kind.GROUP:
            return self.title
        return str(self.client) if self.client_id else str(_("Conversation"))

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP


class ThreadMember(models.Model):
    """One person of a group thread: a client (by their record) or a member of staff."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="members")
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message_memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message_memberships",
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, user__isnull=True)
                | Q(client__isnull=True, user__isnull=False),
                name="threadmember_client_xor_user",
            ),
            models.UniqueConstraint(
                fields=["thread", "client"],
                condition=Q(client__isnull=False),
                name="threadmember_client_once",
            ),
            models.UniqueConstraint(
                fields=["thread", "user"],
                condition=Q(user__isnull=False),
                name="threadmember_user_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.client if self.client_id else self.user)


class Message(models.Model):
    """One message of a thread: plain text, perhaps a reply to an earlier one."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("from"),
    )
    body = models.TextField(_("message"), blank=True)
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            # text until deleted; a deleted message keeps no text
            models.CheckConstraint(
                condition=(Q(deleted_at__isnull=True) & ~Q(body=""))
                | Q(deleted_at__isnull=False, body=""),
                name="message_body_unless_deleted",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_CHARS),
                name="message_body_max_5000",
            ),
            models.CheckConstraint(
                condition=Q(edited_at__isnull=True) | Q(edited_at__gte=F("created_at")),
                name="message_edited_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(deleted_at__gte=F("created_at")),
                name="message_deleted_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(reply_to__isnull=True) | ~Q(reply_to=F("pk")),
                name="message_not_a_reply_to_itself",
            ),
        ]
        # a page of a thread: its messages before an id, newest first
        indexes = [models.Index(fields=["thread", "-id"], name="message_thread_page")]

    def __str__(self) -> str:
        return self.shown_text[:60]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def shown_text(self) -> str:
        """What a reader sees: the text, or "Message deleted"."""
        return str(_("Message deleted")) if self.is_deleted else self.body


class ReadState(models.Model):
    """How far ``user`` has read ``thread``: the last message they have seen."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_read_states"
    )
    last_read_message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="readstate_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.last_read_message_id}"
