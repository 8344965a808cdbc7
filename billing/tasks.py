"""Celery tasks of the billing app (autodiscovered through this module).

Invoices' tasks live in ``tasks_invoices`` and are re-exported here so the
worker registers them; the shop's tasks go in this module (keep the import).
"""

from .tasks_invoices import *  # noqa: F403
