"""Worker entry points for platform billing (public schema). Thin: the services queue
the e-mail tasks by registered name, so only this module imports them."""

import logging

from celery import shared_task
from django.db import connection

from tenants.models import Business

from .emails import payment_failed_send, trial_ending_send
from .services import billing_clock_tick

logger = logging.getLogger(__name__)


@shared_task
def billing_clock_task() -> dict:
    """Beat, hourly: trial reminders and ends, past-due grace ends (public schema)."""
    connection.set_schema_to_public()
    return billing_clock_tick()


@shared_task
def trial_ending_email_task(*, business_id: int) -> None:
    connection.set_schema_to_public()
    business = Business.objects.filter(pk=business_id).first()
    if business is not None:
        trial_ending_send(business=business)


@shared_task
def payment_failed_email_task(*, business_id: int) -> None:
    connection.set_schema_to_public()
    business = Business.objects.filter(pk=business_id).first()
    if business is not None:
        payment_failed_send(business=business)
