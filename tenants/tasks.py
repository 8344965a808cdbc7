"""Worker entry points for the platform. Thin: load rows, call one service."""

from celery import shared_task
from django.db import connection

from . import schemas


@shared_task
def pool_fill_task() -> int:
    """Top the schema pool up after a sign-up has taken from it (public schema)."""
    connection.set_schema_to_public()
    return schemas.pool_fill()


@shared_task
def owner_welcome_email_task(*, user_id: int) -> None:
    """Welcome a new business owner; runs in the business's schema (task headers)."""
    from accounts.models import User

    from .emails import owner_welcome_send

    owner_welcome_send(user=User.objects.get(pk=user_id), business=connection.tenant)
