"""Worker entry points for platform billing (public schema). Thin."""

import logging

from celery import shared_task
from django.db import connection

from tenants.models import Business

logger = logging.getLogger(__name__)


@shared_task
def billing_clock_task() -> dict:
    """Beat, hourly: trial reminders and ends, past-due grace ends (public schema)."""
    from .services import billing_clock_tick

    connection.set_schema_to_public()
    return billing_clock_tick()


@shared_task
def trial_ending_email_task(*, business_id: int) -> None:
    from .emails import trial_ending_send

    connection.set_schema_to_public()
    business = Business.objects.filter(pk=business_id).first()
    if business is not None:
        trial_ending_send(business=business)


@shared_task
def payment_failed_email_task(*, business_id: int) -> None:
    from .emails import payment_failed_send

    connection.set_schema_to_public()
    business = Business.objects.filter(pk=business_id).first()
    if business is not None:
        payment_failed_send(business=business)
