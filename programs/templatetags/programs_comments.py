"""The portal's unread badge: coaches' comments on workouts and replies to check-ins
the client has not opened yet. One query for a client, none for anyone else."""

from django import template
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.policies import portal_client
from clients.models import Client, Response

from ..models import WorkoutLog

register = template.Library()


def _count(queryset):
    counted = queryset.order_by().values("client").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@register.simple_tag
def portal_unread(request) -> dict:
    """{"workouts": n, "checkins": m, "total": n + m} for the signed-in client."""
    client = portal_client(request) if request is not None else None
    if client is None:
        return {"workouts": 0, "checkins": 0, "total": 0}
    workouts, checkins = (
        Client.objects.filter(pk=client.pk)
        .annotate(
            w=_count(
                WorkoutLog.objects.filter(
                    client=OuterRef("pk"), comment_seen_at__isnull=True
                ).exclude(coach_comment="")
            ),
            c=_count(
                Response.objects.filter(
                    client=OuterRef("pk"),
                    reply_seen_at__isnull=True,
                    period_start__isnull=False,
                    status=Response.Status.SUBMITTED,
                ).exclude(coach_comment="")
            ),
        )
        .values_list("w", "c")
        .first()
    ) or (0, 0)
    return {"workouts": workouts, "checkins": checkins, "total": workouts + checkins}
