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


def client_counts(*, businesses) -> dict[int, int]:
    """Active clients of each business, counted in their own schemas in one query.

    Crosses tenants on purpose (the platform admin's list): a UNION ALL over
    the businesses' schemas, each name quoted as an identifier.
    """
    from django.db import connection
    from django_tenants.utils import quote_schema_name

    businesses = [b for b in businesses if b.schema_name != "public"]
    if not businesses:
        return {}
    parts = [
        f"SELECT {int(b.pk)} AS business_id, count(*) AS clients "
        f"FROM {quote_schema_name(b.schema_name)}.accounts_user u "
        f"JOIN {quote_schema_name(b.schema_name)}.accounts_user_groups ug ON ug.user_id = u.id "
        f"JOIN {quote_schema_name(b.schema_name)}.auth_group g ON g.id = ug.group_id "
        f"WHERE g.name = %s AND u.is_active"
        for b in businesses
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [CLIENT] * len(parts))
        return dict(cursor.fetchall())
