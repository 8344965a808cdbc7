"""Celery tasks of the notifications app: delivering a notification on its channels.

``notify`` queues ``notification_deliver_task`` (in the business's schema, through
``mectofitness.core.tasks.enqueue_on_commit``) once the notification is committed;
it queues one task per channel in ``CHANNEL_TASKS`` (``notify_many`` queues one
``notifications_deliver_task`` for its whole batch). A channel's task sends at most
once (``claims.delivery_claim``) and waits for the end of the person's quiet hours.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from mectofitness.celery import app
from mectofitness.core.tasks import task_named

from .models import Channel, Notification
from .push import notification_push

# channel -> the registered name of the task that delivers one notification on it
# (``notification_id`` keyword; ``not_before``: ISO time it must not run before). The
# e-mail and text-message channels add theirs here.
CHANNEL_TASKS: dict[str, str] = {
    Channel.PUSH: "notifications.tasks.notification_push_task",
    Channel.EMAIL: "notifications.tasks_channels.notification_email_task",
    Channel.SMS: "notifications.tasks_channels.notification_sms_task",
}


def _load(notification_id: int) -> Notification | None:
    return Notification.objects.select_related("user").filter(pk=notification_id).first()


@app.task
def notification_deliver_task(*, notification_id: int) -> None:
    """A new notification: queue its delivery on every channel (the bell has it already)."""
    for name in CHANNEL_TASKS.values():
        task_named(name).apply_async(
            kwargs={"notification_id": notification_id},
            headers={"_schema_name": connection.schema_name},
        )


@app.task
def notifications_deliver_task(*, notification_ids: list[int]) -> None:
    """A batch of new notifications (``notify_many``): queue their delivery on every
    channel, push only to people with a subscribed browser (the others have none to
    push to, however many they are)."""
    pushable = set(
        Notification.objects.filter(
            pk__in=notification_ids, user__push_subscriptions__isnull=False
        ).values_list("pk", flat=True)
    )
    headers = {"_schema_name": connection.schema_name}
    for notification_id in notification_ids:
        for channel, name in CHANNEL_TASKS.items():
            if channel == Channel.PUSH and notification_id not in pushable:
                continue
            task_named(name).apply_async(
                kwargs={"notification_id": notification_id}, headers=headers
            )


@app.task
def notification_push_task(*, notification_id: int, not_before: str | None = None) -> None:
    """Push one notification, or come back at the end of its person's quiet hours.

    ``not_before``: the quiet hours' end this run was scheduled for; a worker whose
    clock is a little behind the broker's counts from it, not from before it."""
    notification = _load(notification_id)
    if notification is None:  # deleted since it was queued
        return
    now = timezone.now()
    if not_before:
        now = max(now, dt.datetime.fromisoformat(not_before))
    wait_until = notification_push(notification=notification, now=now)
    if wait_until is not None:
        notification_push_task.apply_async(
            kwargs={"notification_id": notification_id, "not_before": wait_until.isoformat()},
            eta=wait_until,
            headers={"_schema_name": connection.schema_name},
        )


# the e-mail and text-message channels' tasks, and beat's unread-message e-mails: the
# worker imports this module only
from . import tasks_channels  # noqa: E402, F401
