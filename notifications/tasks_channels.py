"""Celery tasks of the e-mail and text-message channels (imported by
``notifications.tasks``, which the worker autodiscovers and whose ``CHANNEL_TASKS``
names the two channel tasks).

Beat runs ``unread_message_emails_fanout_task`` every minute in the public schema
(notifications/platform/migrations/0001_beat_unread_message_emails.py); it queues
``unread_message_emails_task`` for every open business, the schema in the headers.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from mectofitness.celery import app
from mectofitness.core.tasks import fan_out

from .email import deliver_email, unread_message_emails_send
from .models import OWN_MAIL_KINDS, Channel, Kind, Notification
from .selectors import channel_wanted, quiet_hours_end
from .sms import URGENT_KINDS, deliver_sms

__all__ = [
    "notification_email_task",
    "notification_sms_task",
    "unread_message_emails_fanout_task",
    "unread_message_emails_task",
]


def _deliver(notification_id: int, not_before: str | None, channel: str, task) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return
    now = timezone.now()
    if not_before:
        now = max(now, dt.datetime.fromisoformat(not_before))
    user = notification.user
    if channel_wanted(user=user, kind=notification.kind, channel=channel, now=now):
        send = deliver_email if channel == Channel.EMAIL else deliver_sms
        send(notification=notification, now=now)
        return
    wait_until = quiet_hours_end(user=user, now=now)
    if wait_until is not None:  # wanted, but quiet now: come back when the hours end
        task.apply_async(
            kwargs={"notification_id": notification_id, "not_before": wait_until.isoformat()},
            eta=wait_until,
            headers={"_schema_name": connection.schema_name},
        )


@app.task
def notification_email_task(*, notification_id: int, not_before: str | None = None) -> None:
    """E-mail one notification (once), or come back when its person's quiet hours end.
    A new message is not e-mailed at once: only if still unread after the business's
    delay (``unread_message_emails_task``); the kinds whose own app mails them
    (``OWN_MAIL_KINDS``: bookings, comments, check-ins) are left to it."""
    kind = Notification.objects.filter(pk=notification_id).values_list("kind", flat=True).first()
    if kind is None or kind == Kind.MESSAGE or kind in OWN_MAIL_KINDS:
        return
    _deliver(notification_id, not_before, Channel.EMAIL, notification_email_task)


@app.task
def notification_sms_task(*, notification_id: int, not_before: str | None = None) -> None:
    """Text one urgent notification (once), where the business and the person said yes."""
    kind = Notification.objects.filter(pk=notification_id).values_list("kind", flat=True).first()
    if kind not in URGENT_KINDS:
        return
    _deliver(notification_id, not_before, Channel.SMS, notification_sms_task)


@app.task
def unread_message_emails_task() -> int:
    """In one business: e-mail the messages unread for longer than its delay."""
    return unread_message_emails_send(now=timezone.now())


@app.task
def unread_message_emails_fanout_task() -> int:
    """In the public schema, every minute (beat): ``unread_message_emails_task`` for
    every open business."""
    return fan_out(unread_message_emails_task)
