"""Announcements: one message from the owner or a coach to a segment of their clients.

- Whom: the clients the sender coaches (the owner: every client), not archived, who
  match every part of the segment given: a tag (any of those chosen), a status (any of
  those chosen; without one, clients being onboarded or coached), a program they
  follow now (the template or their copy of it), a class they are booked on or have
  attended in the last ``CLASS_LOOKBACK`` (its session type). Who that is, is worked
  out when it goes out (a scheduled one reaches whoever matches then) and is then
  fixed: ``AnnouncementRecipient`` rows, one per client.
- How: in each client's own conversation, as a message from the sender marked as an
  announcement (the default), or as an announcement notification only. Either way the
  client's login is notified (``notifications.services.notify``, kind announcement),
  so push and e-mail follow the person's preferences: someone who turned off
  announcement e-mails gets none.
- When: now, or at ``send_at`` (a countdown task, with ``announcements_due_send`` as
  the sweep beat runs). Each client's delivery is claimed in its own transaction (a
  row locked and marked delivered), so a send that runs twice, or two workers at once,
  never reaches a client twice.
- Limits: at most ``MAX_RECIPIENTS`` clients in one announcement and
  ``PER_DAY`` announcements per sender a day.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner, is_staff_member
from clients.models import Client, Tag
from clients.selectors import client_queryset_for
from mectofitness.core.tasks import enqueue_on_commit, task_named
from notifications.claims import delivery_claim, delivery_done
from notifications.email import deliver_email
from notifications.models import Channel, Delivery, Kind, Notification
from notifications.selectors import channel_wanted, quiet_hours_end
from notifications.services import notify
from programs.models import Program, ProgramAssignment
from scheduling.models import Booking, SessionType
from tenants.services import rate_limit_hit

from .models import Announcement, AnnouncementRecipient, Message, Thread
from .realtime import events as realtime
from .selectors import person_name
from .services import body_clean

MAX_RECIPIENTS = 500
PER_DAY = 20
CLASS_LOOKBACK = dt.timedelta(days=30)
LATEST_SCHEDULE = dt.timedelta(days=90)
SEND_TASK = "messaging.tasks_announcements.announcement_send_task"
EMAIL_TASK = "messaging.tasks_announcements.announcement_email_task"
SEGMENT_KEYS = ("tags", "statuses", "program", "session_type")
_silenced = contextvars.ContextVar("announcements_silenced", default=False)


# --- whom ----------------------------------------------------------------------------------


def _ids(value, field: str) -> list[int]:
    values = value if isinstance(value, list | tuple) else [value]
    try:
        ids = sorted({int(v) for v in values if v not in (None, "")})
    except (TypeError, ValueError):
        raise ValidationError({field: _("Choose from the list.")}) from None
    if any(not 0 < pk < 2**63 for pk in ids):
        raise ValidationError({field: _("Choose from the list.")})
    return ids


def segment_clean(segment: Mapping | None) -> dict:
    """The segment as stored: ``tags`` (ids), ``statuses``, ``program`` and
    ``session_type`` (ids), each checked against what exists here. Raises
    ValidationError keyed by the part that is wrong."""
    segment = dict(segment or {})
    unknown = set(segment) - set(SEGMENT_KEYS)
    if unknown:
        raise ValidationError({"segment": _("Choose clients by tag, status, program or class.")})
    clean: dict = {}
    tags = _ids(segment.get("tags") or [], "tags")
    if tags:
        if Tag.objects.filter(pk__in=tags).count() != len(tags):
            raise ValidationError({"tags": _("Choose tags from the list.")})
        clean["tags"] = tags
    statuses = segment.get("statuses") or []
    statuses = sorted({statuses} if isinstance(statuses, str) else set(statuses))
    allowed = set(Client.Status.values) - {Client.Status.ARCHIVED}
    if any(status not in allowed for status in statuses):
        raise ValidationError(
            {
                "statuses": _(
                    "Choose lead, onboarding, active or paused (archived clients get nothing)."
                )
            }
        )
    if statuses:
        clean["statuses"] = statuses
    for key, model, message in (
        ("program", Program.objects.filter(archived_at__isnull=True), _("Choose a program.")),
        ("session_type", SessionType.objects.all(), _("Choose a class.")),
    ):
        ids = _ids(segment.get(key), key)
        if len(ids) > 1:
            raise ValidationError({key: message})
        if ids:
            if not model.filter(pk=ids[0]).exists():
                raise ValidationError({key: message})
            clean[key] = ids[0]
    return clean


def announcement_audience(
    *, by: User, segment: Mapping, now: dt.datetime | None = None
) -> QuerySet[Client]:
    """The clients an announcement from ``by`` to ``segment`` reaches now (no query until
    evaluated): those ``by`` coaches (the owner: all), not archived, matching every
    part of the (clean) segment."""
    if not is_staff_member(by):
        return Client.objects.none()
    now = now or timezone.now()
    clients = client_queryset_for(user=by, include_archived=False)
    statuses = segment.get("statuses") or list(Client.ACTIVE_STATUSES)
    clients = clients.filter(status__in=statuses)
    if segment.get("tags"):
        clients = clients.filter(
            pk__in=Client.tags.through.objects.filter(tag_id__in=segment["tags"]).values(
                "client_id"
            )
        )
    if segment.get("program"):
        program = segment["program"]
        following = ProgramAssignment.objects.filter(
            Q(program_id=program) | Q(program__source_id=program),
            status=ProgramAssignment.Status.ACTIVE,
        )
        clients = clients.filter(pk__in=following.values("client_id"))
    if segment.get("session_type"):
        booked = Booking.objects.filter(
            appointment__session_type_id=segment["session_type"],
            status__in=[Booking.Status.BOOKED, Booking.Status.ATTENDED],
            starts_at__gte=now - CLASS_LOOKBACK,
        )
        clients = clients.filter(pk__in=booked.values("client_id"))
    return clients.order_by("pk")


def announcement_audience_count(
    *, by: User, segment: Mapping | None, now: dt.datetime | None = None
) -> int:
    """How many clients an announcement would reach now (the compose page's live
    figure). One query after checking the segment."""
    return announcement_audience(by=by, segment=segment_clean(segment), now=now).count()


def announcement_queryset_for(*, user: User | None) -> QuerySet[Announcement]:
    """The announcements ``user`` may see: the owner, all; a coach, their own."""
    rows = Announcement.objects.select_related("created_by")
    if is_owner(user):
        return rows
    if is_staff_member(user):
        return rows.filter(created_by_id=user.pk)
    return rows.none()


# --- writing -------------------------------------------------------------------------------


@contextlib.contextmanager
def silenced():
    """Write and send announcements without notifying anyone or queueing tasks (the
    caller sends): seeding the demo business, whose people are made up."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def _send_queue(announcement: Announcement) -> None:
    """Once this commits, queue the send for ``send_at`` (at once when it has come),
    in this business's schema."""
    if _silenced.get():
        return
    schema_name = connection.schema_name
    pk, eta = announcement.pk, announcement.send_at

    def queue():
        options = {"kwargs": {"announcement_id": pk}, "headers": {"_schema_name": schema_name}}
        if eta > timezone.now():
            options["eta"] = eta
        task_named(SEND_TASK).apply_async(**options)

    transaction.on_commit(queue)


@transaction.atomic
def announcement_create(
    *,
    by: User,
    body: str,
    segment: Mapping | None = None,
    delivery: str = Announcement.Delivery.THREAD,
    send_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Announcement:
    """Write an announcement from ``by`` (the owner or a coach) to ``segment`` of their
    clients, to go out at ``send_at`` (now without one). Refused, with the field: an
    empty or too long text, a time in the past or more than 90 days ahead, a segment
    nobody or more than ``MAX_RECIPIENTS`` clients match, and more than ``PER_DAY``
    announcements in a day."""
    if not is_staff_member(by):
        raise PermissionDenied(_("Only the team sends announcements."))
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    try:
        text = body_clean(body)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if delivery not in Announcement.Delivery.values:
        errors["delivery"] = [_("Choose how clients get it.")]
    if send_at is not None and send_at < now - dt.timedelta(minutes=1):
        errors["send_at"] = [_("Choose a time from now on.")]
    elif send_at is not None and send_at > now + LATEST_SCHEDULE:
        errors["send_at"] = [_("Schedule it at most 90 days ahead.")]
    try:
        segment = segment_clean(segment)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    count = announcement_audience(by=by, segment=segment, now=now).count()
    if count == 0:
        raise ValidationError({"segment": _("No client of yours matches: choose others.")})
    if count > MAX_RECIPIENTS:
        raise ValidationError(
            {
                "segment": _(
                    "%(n)s clients match; an announcement reaches at most %(max)s. "
                    "Narrow it down by tag, status, program or class."
                )
                % {"n": f"{count:,}", "max": MAX_RECIPIENTS}
            }
        )
    if rate_limit_hit(scope="announcement", key=str(by.pk), limit=PER_DAY, window_seconds=86400):
        raise ValidationError(
            {
                "body": _("You have sent %(n)s announcements today; send more tomorrow.")
                % {"n": PER_DAY}
            }
        )
    announcement = Announcement.objects.create(
        body=text,
        segment=segment,
        delivery=delivery,
        created_by=by,
        created_at=now,
        send_at=max(send_at or now, now),
        recipient_count=count,
    )
    _send_queue(announcement)
    return announcement


@transaction.atomic
def announcement_cancel(*, announcement: Announcement, by: User) -> Announcement:
    """Stop a scheduled announcement before it goes out (its sender or the owner)."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if not (is_owner(by) or (is_staff_member(by) and announcement.created_by_id == by.pk)):
        raise PermissionDenied(_("Only its sender or the owner can cancel an announcement."))
    if announcement.status != Announcement.Status.SCHEDULED:
        raise ValidationError({"status": _("It has gone out already; it cannot be cancelled.")})
    announcement.status = Announcement.Status.CANCELLED
    announcement.save(update_fields=["status"])
    return announcement


# --- sending -------------------------------------------------------------------------------


def _recipients_fix(announcement_id: int, now: dt.datetime) -> Announcement | None:
    """Take the announcement to send (locked): on its first run, fix who gets it. None
    when there is nothing to send (sent, cancelled, not due yet)."""
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .filter(pk=announcement_id)
            .first()
        )
        if announcement is None or announcement.status in (
            Announcement.Status.SENT,
            Announcement.Status.CANCELLED,
        ):
            return None
        if announcement.send_at > now:
            return None  # early (a countdown ahead of the clock): the sweep sends it
        if announcement.status == Announcement.Status.SCHEDULED:
            sender = announcement.created_by
            if sender is None or not (sender.is_active and is_staff_member(sender)):
                announcement.status = Announcement.Status.CANCELLED
                announcement.save(update_fields=["status"])
                return None
            clients = list(
                announcement_audience(by=sender, segment=announcement.segment, now=now).values_list(
                    "pk", flat=True
                )[:MAX_RECIPIENTS]
            )
            AnnouncementRecipient.objects.bulk_create(
                [AnnouncementRecipient(announcement=announcement, client_id=pk) for pk in clients],
                ignore_conflicts=True,
            )
            announcement.status = Announcement.Status.SENDING
            announcement.recipient_count = len(clients)
            announcement.save(update_fields=["status", "recipient_count"])
        return announcement


def _in_thread(announcement: Announcement, client: Client, now: dt.datetime) -> Message:
    """The announcement as a message from its sender in ``client``'s own conversation
    (started if need be), without the per-minute limit of people typing."""
    sender = announcement.created_by
    thread, _created = Thread.objects.get_or_create(
        kind=Thread.Kind.CLIENT,
        client=client,
        defaults={"created_by": sender, "created_at": now},
    )
    thread = Thread.objects.select_for_update(of=("self",)).get(pk=thread.pk)
    message = Message.objects.create(
        thread=thread,
        author=sender,
        body=announcement.body,
        announcement=announcement,
        created_at=now,
    )
    # the sender's read state stays: their client's unread message stays unread to them
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    if not _silenced.get():
        realtime.message_published(message=message, kind=realtime.MESSAGE_NEW)
    return message


def _deliver_one(announcement: Announcement, recipient_id: int, now: dt.datetime) -> bool:
    """Deliver to one client, claimed: the row is locked and marked in the same
    transaction as the message and the notification. False when another run has it."""
    with transaction.atomic():
        recipient = (
            AnnouncementRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("client__user")
            .filter(pk=recipient_id, delivered_at__isnull=True)
            .first()
        )
        if recipient is None:
            return False
        client = recipient.client
        message = None
        url = ""
        if announcement.delivery == Announcement.Delivery.THREAD:
            message = _in_thread(announcement, client, now)
            url = reverse("messaging_thread", args=[message.thread_id])
        login = client.user
        if login is not None and client.status != Client.Status.ARCHIVED and not _silenced.get():
            notification = notify(
                user=login,
                kind=Kind.ANNOUNCEMENT,
                title=_("Announcement from %(name)s")
                % {"name": person_name(announcement.created_by, viewer=login)},
                body=announcement.body,
                url=url,
                key=f"announcement:{announcement.pk}",
                now=now,
            )
            if notification is not None:
                enqueue_on_commit(EMAIL_TASK, notification_id=notification.pk)
        recipient.delivered_at = now
        recipient.message = message
        recipient.save(update_fields=["delivered_at", "message"])
        return True


def announcement_send(*, announcement_id: int, now: dt.datetime | None = None) -> int:
    """Send a due announcement to each of its clients once; safe to run again (a retried
    task, the beat sweep, two workers): who has it already is skipped. Runs outside a
    transaction: each client's delivery commits on its own. Returns how many clients
    got it in this run."""
    now = now or timezone.now()
    announcement = _recipients_fix(announcement_id, now)
    if announcement is None:
        return 0
    sent = 0
    pending = AnnouncementRecipient.objects.filter(
        announcement_id=announcement.pk, delivered_at__isnull=True
    ).values_list("pk", flat=True)
    for recipient_id in list(pending.order_by("pk")):
        sent += _deliver_one(announcement, recipient_id, now)
    if not pending.exists():
        Announcement.objects.filter(pk=announcement.pk, status=Announcement.Status.SENDING).update(
            status=Announcement.Status.SENT, sent_at=now
        )
    return sent


def announcements_due_send(*, now: dt.datetime | None = None) -> int:
    """In one business: send every announcement whose time has come (the sweep beat
    runs; a countdown normally has sent it already). Returns how many clients got one."""
    now = now or timezone.now()
    due = Announcement.objects.filter(
        status__in=[Announcement.Status.SCHEDULED, Announcement.Status.SENDING], send_at__lte=now
    ).values_list("pk", flat=True)
    return sum(announcement_send(announcement_id=pk, now=now) for pk in list(due))


def announcement_email_send(*, notification_id: int, now: dt.datetime | None = None) -> bool:
    """E-mail one client's announcement notification, once, if they want announcement
    e-mails (their preference; someone who turned them off gets none). In their quiet
    hours the task is queued again for when they end. True when it went out."""
    now = now or timezone.now()
    notification = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, kind=Kind.ANNOUNCEMENT)
        .first()
    )
    if notification is None:
        return False
    user = notification.user
    if channel_wanted(user=user, kind=Kind.ANNOUNCEMENT, channel=Channel.EMAIL, now=now):
        return deliver_email(notification=notification, now=now)
    wait_until = quiet_hours_end(user=user, now=now) if user.is_active else None
    if wait_until is not None and user.is_active:
        task_named(EMAIL_TASK).apply_async(
            kwargs={"notification_id": notification_id},
            eta=wait_until,
            headers={"_schema_name": connection.schema_name},
        )
        return False
    # they do not want it (or cannot sign in): settled, recorded as such
    delivery = delivery_claim(notification=notification, channel=Channel.EMAIL, now=now)
    if delivery is not None:
        delivery_done(delivery=delivery, status=Delivery.Status.SKIPPED, detail="not wanted")
    return False
