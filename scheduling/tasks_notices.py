"""Celery tasks of what scheduling sends out: booking mail and reminders (re-exported
by ``scheduling.tasks``, which the worker autodiscovers).

Beat runs ``booking_reminders_fanout_task`` every 5 minutes in the public schema
(scheduling/platform/migrations/0002_beat_booking_reminders.py); it queues
``booking_reminders_task`` for every open business, the schema in the headers.
"""

import datetime as dt

from django.utils import timezone

from mectofitness.celery import app
from mectofitness.core.tasks import fan_out

from .services.notices import appointment_moved_send, booking_notice_send
from .services.reminders import reminders_send

__all__ = [
    "appointment_moved_notice_task",
    "booking_notice_task",
    "booking_reminders_fanout_task",
    "booking_reminders_task",
]


@app.task
def booking_notice_task(*, booking_id: int, notice: str) -> int:
    """Mail the client and the coach about a booking (confirmed, from the waitlist,
    cancelled), the invitation attached."""
    return booking_notice_send(booking_id=booking_id, notice=notice)


@app.task
def appointment_moved_notice_task(
    *, appointment_id: int, was_starts_at: str, was_coach_id: int | None
) -> int:
    """Mail a moved session's clients and coach its new time."""
    return appointment_moved_send(
        appointment_id=appointment_id,
        was_starts_at=dt.datetime.fromisoformat(was_starts_at),
        was_coach_id=was_coach_id,
    )


@app.task
def booking_reminders_task() -> int:
    """In one business: send the reminders that are due (each at most once)."""
    return reminders_send(now=timezone.now())


@app.task
def booking_reminders_fanout_task() -> int:
    """In the public schema, every 5 minutes (beat): ``booking_reminders_task`` for
    every open business."""
    return fan_out(booking_reminders_task)
