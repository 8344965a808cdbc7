"""Celery tasks of messaging, for the worker's autodiscovery."""

from .tasks_announcements import (
    announcement_email_task,
    announcement_send_task,
    announcements_due_fanout_task,
    announcements_due_task,
)

__all__ = [
    "announcement_email_task",
    "announcement_send_task",
    "announcements_due_fanout_task",
    "announcements_due_task",
]
