"""Training's figures on the back office's client list: the current program, compliance
over the last four weeks and the last workout, as subqueries of the list's one query.

Registered with ``clients.selectors.client_list_figures_register`` from
``ProgramsConfig.ready`` (clients does not import programs). Compliance counts as
``selectors.logging.compliance`` does for one client: workouts done of those scheduled
over the last ``COMPLIANCE_DAYS``, a workout scheduled today counted once it is done.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from clients.models import Client
from clients.selectors import ClientListScope

from ..models import ProgramAssignment, ScheduledWorkout, WorkoutLog

COMPLIANCE_DAYS = 28


def _count(rows: QuerySet, condition: Q) -> Coalesce:
    """How many of ``rows`` (one client's, by ``OuterRef``) meet ``condition``: 0, not
    None, when there are none."""
    counted = (
        rows.filter(condition).order_by().values("client_id").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def client_list_training(clients: QuerySet[Client], scope: ClientListScope) -> QuerySet[Client]:
    """``clients`` annotated with ``current_program``, ``compliance_done``,
    ``compliance_due``, ``compliance_ratio`` (None when nothing was due) and
    ``last_workout_at``: five subqueries, each on an index by client."""
    today = scope.today
    current = (
        ProgramAssignment.objects.filter(
            client=OuterRef("pk"), status=ProgramAssignment.Status.ACTIVE
        )
        .order_by("-is_main", "-created_at")
        .values("program__name")[:1]
    )
    window = ScheduledWorkout.objects.filter(
        client=OuterRef("pk"),
        date__gt=today - datetime.timedelta(days=COMPLIANCE_DAYS),
        date__lte=today,
    )
    done = Q(status=ScheduledWorkout.Status.DONE)
    last_workout = (
        WorkoutLog.objects.filter(client=OuterRef("pk"))
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    return clients.annotate(
        current_program=Subquery(current),
        compliance_done=_count(window, done),
        compliance_due=_count(window, done | Q(date__lt=today)),
        last_workout_at=Subquery(last_workout),
    ).annotate(
        compliance_ratio=Cast(F("compliance_done"), FloatField())
        / NullIf(F("compliance_due"), Value(0)),
    )
