"""Worker entry points for the platform. Thin: load rows, call one service."""

import logging

from celery import shared_task
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import User

from . import schemas
from .emails import owner_welcome_send, signin_links_send
from .models import Business
from .selectors import accounts_for_email

logger = logging.getLogger(__name__)


@shared_task
def pool_fill_task() -> int:
    """Top the schema pool up to its size (public schema)."""
    connection.set_schema_to_public()
    return schemas.pool_fill()


@shared_task
def business_signup_followup_task(*, business_id: int, owner_id: int) -> None:
    """After a sign-up commits: welcome the owner, then top the pool up.

    One task rather than two: the sign-up request pays for one broker round
    trip; the pool top-up is queued from here, by the worker.
    """

    connection.set_schema_to_public()
    business = Business.objects.filter(pk=business_id).first()
    if business is None:  # deleted before the worker got here: nobody to welcome
        logger.info("business %s is gone; no welcome sent", business_id)
        return
    with tenant_context(business):
        owner_welcome_send(user=User.objects.get(pk=owner_id), business=business)
    pool_fill_task.delay()


@shared_task
def signin_links_send_task(*, email: str) -> None:
    """The sign-in finder's mail (public schema): nothing is sent to an address with no
    account, and the page that queued this says the same either way."""

    connection.set_schema_to_public()
    accounts = accounts_for_email(email=email)
    if accounts:
        signin_links_send(email=email, accounts=accounts)
