"""The clients app's part in what accounts announces (``accounts.events``)."""

from django.dispatch import receiver

from accounts.events import client_invitation_creating, client_joined
from mectofitness.core import quotas

from .models import Client
from .services.records import client_for_user_link


@receiver(client_invitation_creating, dispatch_uid="clients_invitation_room")
def invitation_room_check(sender, *, email: str, open_invitations, **kwargs) -> None:
    """The plan must have room for what the client invitations will add when accepted:
    people who are active (or onboarding) clients already add nobody."""
    active = Client.objects.filter(status__in=Client.ACTIVE_STATUSES)
    if active.filter(email__iexact=email).exists():
        return  # already counted: joining the portal adds nobody
    pending = open_invitations.exclude(email__in=active.values("email")).count()
    quotas.limit_check(kind="clients", field="email", adding=1 + pending)


@receiver(client_joined, dispatch_uid="clients_record_link")
def record_link(sender, *, user, invited_by=None, **kwargs) -> None:
    client_for_user_link(user=user, invited_by=invited_by)
