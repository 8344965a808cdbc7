"""Celery tasks of the scheduling app (autodiscovered through this module).

Beat's periodic tasks run in the public schema and fan out to every open business
(``mectofitness.core.tasks.fan_out``); the rows are migrations of the shared app
``scheduling.platform``.
"""

import logging

from django.utils import timezone

from mectofitness.celery import app
from mectofitness.core.tasks import fan_out

from .models import Appointment, BusyCalendar
from .services.busy import busy_calendar_poll, busy_calendars_poll_due
from .services.video import ZoomError, appointment_meeting_sync
from .tasks_notices import *  # noqa: F403 (booking mail and reminders: registered here)

logger = logging.getLogger(__name__)

# --- coaches' own calendars (services/busy.py) --------------------------------------------


@app.task
def busy_calendar_poll_task(*, calendar_id: int) -> None:
    """Read one coach's own calendar (after it is saved, and every 15 minutes)."""
    calendar = BusyCalendar.objects.filter(pk=calendar_id).first()
    if calendar is not None:  # removed since it was queued
        busy_calendar_poll(calendar=calendar, now=timezone.now())


@app.task
def busy_calendars_poll_task() -> int:
    """In one business: queue a read of each calendar not read in the last 15 minutes."""
    return busy_calendars_poll_due(now=timezone.now())


@app.task
def busy_calendars_poll_fanout_task() -> int:
    """In the public schema, every 15 minutes (beat): ``busy_calendars_poll_task`` for
    every open business."""
    return fan_out(busy_calendars_poll_task)


# --- video links of online sessions (services/video.py) ----------------------------------

MEETING_RETRIES = 6


@app.task(bind=True, max_retries=MEETING_RETRIES)
def appointment_meeting_sync_task(self, *, appointment_id: int) -> None:
    """Make, move or delete an online session's Zoom meeting. Zoom down: retried after
    1, 2, 4... minutes; the session keeps its standing link meanwhile."""
    appointment = Appointment.objects.filter(pk=appointment_id).first()
    if appointment is None:
        return
    try:
        appointment_meeting_sync(appointment=appointment)
    except ZoomError as exc:
        tries = self.request.retries
        log = logger.error if tries >= MEETING_RETRIES else logger.warning
        log("Zoom meeting of appointment %s not synced (try %s): %s", appointment_id, tries, exc)
        raise self.retry(exc=exc, countdown=60 * 2**tries) from exc
