"""Celery tasks: workout logging. A sync stores sets and detects records in the
request, so the phone can celebrate at once; telling the coach waits for the worker.
The service queues this task by its registered name, so only this module imports the
other."""

from mectofitness.celery import app
from programs.models import WorkoutLog
from programs.services.logging import workout_coach_notify

__all__ = ["workout_finished_notify_task"]


@app.task
def workout_finished_notify_task(*, workout_id: int) -> bool:
    """Tell the client's coach about a finished workout's personal records."""
    log = WorkoutLog.objects.select_related("client__primary_coach").filter(pk=workout_id).first()
    return workout_coach_notify(log=log) if log else False
