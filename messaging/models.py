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

- ``Attachment``: a file sent with a message: a photo (re-encoded without metadata, as
  progress photos are) or a PDF, stored privately under the business's prefix and
  served only by ``messaging.views_files`` to people who may open the conversation.
  A message has text or files (``has_attachments``) until it is deleted.
- ``Announcement``: one message from the owner or a coach to a segment of their
  clients (by tag, status, program, class), sent now or at a time; each client gets it
  once (``AnnouncementRecipient``, unique per client: the claim a retried send reads).
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
    # set with its Attachment rows (a check cannot look at other rows)
    has_attachments = models.BooleanField(_("has files"), default=False)
    announcement = models.ForeignKey(
        "messaging.Announcement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("announcement"),
        help_text=_("The announcement this message delivered, if any."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            # text or files until deleted; a deleted message keeps neither
            models.CheckConstraint(
                condition=(Q(deleted_at__isnull=True) & (~Q(body="") | Q(has_attachments=True)))
                | Q(deleted_at__isnull=False, body="", has_attachments=False),
                name="message_text_or_files_unless_deleted",
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


ATTACHMENT_NAME_MAX_CHARS = 120


class Attachment(models.Model):
    """A file sent with a message: a cleaned photo or a PDF, private to the business."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        PDF = "pdf", _("PDF")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    # a random name under "<schema>/messages/" (tenants.storage); never a public URL
    file = models.FileField(_("file"), upload_to="messages/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=ATTACHMENT_NAME_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["image", "pdf"]), name="attachment_kind_valid"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class Announcement(models.Model):
    """One message to a segment of clients, sent now or at ``send_at``.

    ``segment`` says whom, as chosen: ``{"tags": [ids], "statuses": [...],
    "program": id, "session_type": id}`` (each optional; all given must hold). Who
    gets it is worked out when it is sent, within the clients ``created_by`` coaches
    then (the owner: everyone)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    class Delivery(models.TextChoices):
        THREAD = "thread", _("In each client's conversation")
        NOTICE = "notice", _("As an announcement only")

    body = models.TextField(_("message"))
    segment = models.JSONField(_("who gets it"), default=dict, blank=True)
    delivery = models.CharField(
        _("how"), max_length=6, choices=Delivery.choices, default=Delivery.THREAD
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("from"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    send_at = models.DateTimeField(_("send at"))
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.SCHEDULED
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("clients"), default=0)

    class Meta:
        ordering = ["-send_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "sending", "sent", "cancelled"]),
                name="announcement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=["thread", "notice"]), name="announcement_delivery_valid"
            ),
            models.CheckConstraint(
                condition=~Q(body="") & LessThanOrEqual(Length("body"), BODY_MAX_CHARS),
                name="announcement_body_1_5000",
            ),
        ]
        indexes = [models.Index(fields=["status", "send_at"], name="announcement_due")]

    def __str__(self) -> str:
        return self.body[:60]


class AnnouncementRecipient(models.Model):
    """One client's copy of an announcement: made once (unique), marked when delivered,
    so a send that runs twice never reaches anyone twice."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="recipients"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="announcements_received"
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "client"], name="announcement_once_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id} → {self.client_id}"
