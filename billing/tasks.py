"""Celery tasks of the billing app (autodiscovered through this module).

Invoices' tasks live in ``tasks_invoices`` and are re-exported here so the
worker registers them; the shop's tasks go in this module (keep the import).

Beat runs ``purchases_housekeep_fanout_task`` hourly in the public schema
(billing/platform/migrations/0004_beat_shop_housekeeping.py); it queues
``purchases_housekeep_task`` for every open business, the schema in the headers.
"""

from mectofitness.celery import app
from mectofitness.core.tasks import fan_out

from .services.housekeeping import purchases_housekeep
from .tasks_invoices import *  # noqa: F403


@app.task
def purchases_housekeep_task() -> tuple[int, int]:
    """In one business: expire packs past their date, cancel abandoned Checkouts."""
    return purchases_housekeep()


@app.task
def purchases_housekeep_fanout_task() -> int:
    """In the public schema: queue the shop's housekeeping of every open business."""
    return fan_out(purchases_housekeep_task)
