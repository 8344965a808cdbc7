"""Reads of the back office's own pages: the home page's figures."""

from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.roles import CLIENT, COACH
from clients.models import Client
from clients.selectors import client_queryset_for


def backoffice_figures(*, user: User) -> dict:
    """The home dashboard's figures for the business in use, as ``user`` may see them
    (a coach counts their own clients). Three queries."""
    groups = dict(Group.objects.filter(name__in=[CLIENT, COACH]).values_list("name", "pk"))
    by_status = client_queryset_for(user=user).aggregate(
        **{
            f"clients_{status}": Count("pk", filter=Q(status=status))
            for status in Client.Status.values
            if status != Client.Status.ARCHIVED
        },
        # the same "active clients" as the plan's limit and the platform admin
        clients_counted=Count("pk", filter=Q(status__in=Client.ACTIVE_STATUSES)),
    )
    coaches = User.objects.filter(groups__name=COACH, is_active=True).count()
    now = timezone.now()
    open_invitations = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    invitations = open_invitations.aggregate(
        pending=Count("pk", filter=Q(expires_at__gt=now)),
        expired=Count("pk", filter=Q(expires_at__lte=now)),
    )
    return {
        **by_status,
        **invitations,
        "coaches": coaches,
        "client_group": groups.get(CLIENT),
        "coach_group": groups.get(COACH),
    }
