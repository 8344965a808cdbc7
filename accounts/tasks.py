from celery import shared_task
from django.db import connection

from .emails import invitation_send
from .models import Invitation


@shared_task
def invitation_send_task(*, invitation_id: int, token: str) -> None:
    """E-mail an invitation link; runs in the inviting business's schema."""
    invitation_send(
        invitation=Invitation.objects.select_related("invited_by").get(pk=invitation_id),
        token=token,
        business=connection.tenant,
    )
