"""Celery tasks: assignment.

Beat runs ``assignments_complete_fanout_task`` once an hour in the public schema; it
queues ``assignments_complete_due_task`` for every open business, with the schema in
the task headers. Completing is idempotent, so running it hourly costs one cheap query
per business and a program ends within the hour its grace week runs out.
"""

from mectofitness.celery import app
from mectofitness.core.tasks import fan_out
from programs.services.assignment import assignments_complete_due

__all__ = ["assignments_complete_due_task", "assignments_complete_fanout_task"]


@app.task
def assignments_complete_due_task() -> int:
    """In one business: complete the programs whose last workout is a week past."""
    return assignments_complete_due()


@app.task
def assignments_complete_fanout_task() -> int:
    """In the public schema: queue the completion check of every open business."""
    return fan_out(assignments_complete_due_task)
