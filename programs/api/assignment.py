"""API: assigning programs, assignments and dated workouts.

- ``POST /api/v1/programs/<id>/assign/`` ``{clients: [ids], start_date, weekdays: [0-6],
  is_main}`` (staff; clients they coach): 201 with the assignments made.
- ``/api/v1/program-assignments/``: the assignments of clients the requester sees
  (``?client=``, ``?status=``); actions ``shift/`` ``{days}``, ``pause/``,
  ``resume/`` ``{start?}``, ``cancel/`` (staff).
- ``/api/v1/scheduled-workouts/?from=&to=&client=``: dated workouts; a client sees
  their own, staff their clients'. Paused and cancelled ones still to come are hidden.
"""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.policies import IsStaffMember
from clients.models import Client
from clients.selectors import client_queryset_for

from ..models import ProgramAssignment, ScheduledWorkout
from ..selectors.assignment import assignment_queryset_for, scheduled_workouts_for
from ..services import assignment as svc


class AssignSerializer(serializers.Serializer):
    clients = serializers.ListField(
        child=serializers.IntegerField(
            error_messages={"invalid": _("Give the clients' ids, numbers.")}
        ),
        allow_empty=False,
        max_length=200,
        error_messages={
            "empty": _("Choose at least one client."),
            "required": _("Choose at least one client."),
            "not_a_list": _("Give the clients' ids as a list."),
        },
    )
    start_date = serializers.DateField(
        error_messages={
            "invalid": _("Enter a date like 2025-03-14."),
            "required": _("Choose the day the program starts."),
        }
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        allow_empty=False,
        max_length=7,
        error_messages={
            "empty": _("Choose at least one training day."),
            "required": _("Choose at least one training day."),
        },
        help_text="0 = Monday … 6 = Sunday",
    )
    is_main = serializers.BooleanField(default=True)


class ProgramAssignmentSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)

    class Meta:
        model = ProgramAssignment
        fields = [
            "id",
            "client",
            "client_name",
            "program",
            "program_name",
            "start_date",
            "weekdays",
            "is_main",
            "status",
            "paused_at",
            "created_at",
        ]
        read_only_fields = fields


def assign_program(request, program):
    """The ``programs/<id>/assign/`` action (staff; the program must be visible)."""
    if not request.user.is_staff:
        raise PermissionDenied
    serializer = AssignSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    wanted = set(data["clients"])
    clients = list(client_queryset_for(user=request.user).filter(pk__in=wanted))
    if len(clients) != len(wanted):
        raise serializers.ValidationError({"clients": [_("Choose among your own clients.")]})
    made = svc.assignment_create(
        program=program,
        clients=clients,
        start_date=data["start_date"],
        weekdays=data["weekdays"],
        is_main=data["is_main"],
        by=request.user,
    )
    return Response(
        ProgramAssignmentSerializer(made, many=True).data, status=status.HTTP_201_CREATED
    )


class ShiftSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=-365,
        max_value=365,
        error_messages={
            "invalid": _("Give a whole number of days, like 7 or -2."),
            "required": _("Give the number of days."),
            "min_value": _("Shift by 1 to 365 days, forwards or back."),
            "max_value": _("Shift by 1 to 365 days, forwards or back."),
        },
    )


class ResumeSerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False, error_messages={"invalid": _("Enter a date like 2025-03-14.")}
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("client", int, description="Only this client's"),
            OpenApiParameter("status", str, description="active, paused, completed, cancelled"),
        ]
    )
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgramAssignmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProgramAssignment.objects.none()
        rows = assignment_queryset_for(user=self.request.user)
        params = self.request.query_params
        if params.get("client", "").isdigit():
            rows = rows.filter(client_id=int(params["client"]))
        if params.get("status") in ProgramAssignment.Status.values:
            rows = rows.filter(status=params["status"])
        return rows.order_by("-created_at", "-pk")

    def _done(self, assignment):
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(ProgramAssignmentSerializer(assignment).data)

    @extend_schema(request=ShiftSerializer, responses=ProgramAssignmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaffMember])
    def shift(self, request, pk=None):
        assignment = self.get_object()
        serializer = ShiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        svc.assignment_shift(
            assignment=assignment, days=serializer.validated_data["days"], by=request.user
        )
        return self._done(assignment)

    @extend_schema(request=None, responses=ProgramAssignmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaffMember])
    def pause(self, request, pk=None):
        assignment = svc.assignment_pause(assignment=self.get_object(), by=request.user)
        return self._done(assignment)

    @extend_schema(request=ResumeSerializer, responses=ProgramAssignmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaffMember])
    def resume(self, request, pk=None):
        serializer = ResumeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = svc.assignment_resume(
            assignment=self.get_object(),
            by=request.user,
            start=serializer.validated_data.get("start"),
        )
        return self._done(assignment)

    @extend_schema(request=None, responses=ProgramAssignmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaffMember])
    def cancel(self, request, pk=None):
        assignment = svc.assignment_cancel(assignment=self.get_object(), by=request.user)
        return self._done(assignment)


class ScheduledWorkoutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="day.name", read_only=True)
    program = serializers.IntegerField(source="assignment.program_id", read_only=True)
    program_name = serializers.CharField(source="assignment.program.name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ScheduledWorkout
        fields = [
            "id",
            "client",
            "assignment",
            "program",
            "program_name",
            "day",
            "name",
            "week_number",
            "date",
            "status",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, workout) -> str:
        return f"/workouts/{workout.pk}/"


def _date_param(request, name: str) -> datetime.date | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise serializers.ValidationError({name: [_("Enter a date like 2025-03-14.")]}) from None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("from", datetime.date, description="From this date (inclusive)"),
            OpenApiParameter("to", datetime.date, description="Up to this date (inclusive)"),
            OpenApiParameter("client", int, description="Only this client's (staff)"),
        ]
    )
)
class ScheduledWorkoutViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ScheduledWorkoutSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ScheduledWorkout.objects.none()
        start, end = _date_param(self.request, "from"), _date_param(self.request, "to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": [_("The end comes before the start.")]})
        if start and end and (end - start).days > 400:
            raise serializers.ValidationError({"to": [_("Ask for at most 400 days at a time.")]})
        client = None
        client_id = self.request.query_params.get("client", "")
        if client_id.isdigit():
            client = Client(pk=int(client_id))
        return scheduled_workouts_for(user=self.request.user, start=start, end=end, client=client)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("program-assignments", AssignmentViewSet, basename="program-assignment")
    router.register("scheduled-workouts", ScheduledWorkoutViewSet, basename="scheduled-workout")
