"""Celery tasks of announcements (re-exported by ``messaging.tasks``, which the worker
autodiscovers).

``announcement_create`` queues ``announcement_send_task`` for the announcement's time;
``announcements_due_fanout_task`` is the sweep for beat (every 5 minutes, in the public
schema): it queues ``announcements_due_task`` for every open business, so a countdown
lost with a worker still goes out. Sending twice reaches nobody twice.
"""

from django.utils import timezone

from mectofitness.celery import app
from mectofitness.core.tasks import fan_out

from .announcements import announcement_email_send, announcement_send, announcements_due_send

__all__ = [
    "announcement_email_task",
    "announcement_send_task",
    "announcements_due_fanout_task",
    "announcements_due_task",
]


@app.task
def announcement_send_task(*, announcement_id: int) -> int:
    """Send one announcement whose time has come (each client once)."""
    return announcement_send(announcement_id=announcement_id, now=timezone.now())


@app.task
def announcements_due_task() -> int:
    """In one business: send the announcements whose time has come."""
    return announcements_due_send(now=timezone.now())


@app.task
def announcements_due_fanout_task() -> int:
    """In the public schema (beat): ``announcements_due_task`` for every open business."""
    return fan_out(announcements_due_task)


@app.task
def announcement_email_task(*, notification_id: int) -> bool:
    """E-mail one client their announcement, once, if they want announcement e-mails."""
    return announcement_email_send(notification_id=notification_id, now=timezone.now())
