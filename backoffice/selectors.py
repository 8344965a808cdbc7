"""Reads of the back office's own pages: the home page's figures and its getting-started
checklist."""

from django.contrib.auth.models import Group
from django.db.models import Count, Exists, Q
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.roles import CLIENT, COACH
from clients.models import Client
from clients.selectors import client_queryset_for
from programs.models import Program
from scheduling.models import WeeklyHours
from tenants.models import Business


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


def getting_started_state(*, business: Business, user: User) -> dict[str, bool]:
    """Which first steps a new business has taken, read from what is there: a brand (a
    logo, or a colour of its own), a client, a program, payments (a Stripe Connect
    account that can take charges), a coach (invited, or on the team besides ``user``)
    and booking hours (someone's weekly hours). One query."""
    colour_field = Business._meta.get_field("primary_color")
    others = User.objects.filter(groups__name=COACH, is_active=True).exclude(pk=user.pk)
    invited = Invitation.objects.filter(role=Invitation.Role.COACH, revoked_at__isnull=True)
    found = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_client=Exists(Client.objects.exclude(status=Client.Status.ARCHIVED)),
            has_program=Exists(Program.objects.filter(archived_at__isnull=True)),
            has_coach=Exists(others),
            has_invited=Exists(invited),
            has_hours=Exists(WeeklyHours.objects.all()),
        )
        .values("has_client", "has_program", "has_coach", "has_invited", "has_hours")
        .first()
    ) or {}
    colour = (business.primary_color or "").lower()
    return {
        "brand": bool(business.logo) or colour != colour_field.default.lower(),
        "client": bool(found.get("has_client")),
        "program": bool(found.get("has_program")),
        "payments": bool(business.stripe_account_id and business.stripe_charges_enabled),
        "coach": bool(found.get("has_coach") or found.get("has_invited")),
        "hours": bool(found.get("has_hours")),
    }
