"""Celery tasks: a coach's comment on a workout. The comment is stored in the
request; the e-mail to the client waits for the worker (and is sent once)."""

from mectofitness.celery import app
from programs.services.comments import workout_comment_notify

__all__ = ["workout_comment_notify_task"]


@app.task
def workout_comment_notify_task(*, workout_id: int) -> bool:
    """E-mail the client that their coach commented on a workout (at most once)."""
    return workout_comment_notify(workout_id=workout_id)
