"""Reads the back office shares."""

from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.roles import CLIENT, COACH


def backoffice_figures() -> dict:
    """The home dashboard's figures for the business in use. Three queries."""
    groups = dict(Group.objects.filter(name__in=[CLIENT, COACH]).values_list("name", "pk"))
    people = User.objects.aggregate(
        clients_active=Count("pk", filter=Q(groups__name=CLIENT, is_active=True)),
        clients_inactive=Count("pk", filter=Q(groups__name=CLIENT, is_active=False)),
        coaches=Count("pk", filter=Q(groups__name=COACH, is_active=True)),
    )
    now = timezone.now()
    open_invitations = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    invitations = open_invitations.aggregate(
        pending=Count("pk", filter=Q(expires_at__gt=now)),
        expired=Count("pk", filter=Q(expires_at__lte=now)),
    )
    return {
        **people,
        **invitations,
        "client_group": groups.get(CLIENT),
        "coach_group": groups.get(COACH),
    }
