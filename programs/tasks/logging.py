"""Celery tasks: workout logging. A sync stores sets and detects records in the
request, so the phone can celebrate at once; telling the coach waits for the worker."""

from mectofitness.celery import app

__all__ = ["workout_finished_notify_task"]


@app.task
def workout_finished_notify_task(*, workout_id: int) -> bool:
    """Tell the client's coach about a finished workout's personal records."""
    from programs.models import WorkoutLog
    from programs.services.logging import workout_coach_notify

    log = WorkoutLog.objects.select_related("client__primary_coach").filter(pk=workout_id).first()
    return workout_coach_notify(log=log) if log else False
