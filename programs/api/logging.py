"""API: logged workouts and the offline sync.

- ``POST /api/v1/workout-sync/``: a client's phone sends one workout and its sets (live,
  or queued offline). Idempotent by the device's ids; conflicts are listed, never dropped.
- ``POST /api/v1/workout-sync/unlog/``: un-log one set ticked by mistake.
- ``/api/v1/workout-logs/``: a client their own logs; staff the logs of the clients they
  may see (``client_queryset_for``); staff comment with ``POST <id>/comment/`` (or write
  ``coach_comment`` with PATCH); the client marks a comment read with
  ``POST <id>/comment-seen/``.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.policies import IsPortalClient, IsStaffMember, is_staff_member, portal_client
from clients import units as u
from clients.selectors import client_queryset_for

from ..models import SetLog, WorkoutLog
from ..selectors.logging import record_text, workout_logs_for
from ..services.comments import MAX_COMMENT, workout_comments_mark_seen
from ..services.logging import (
    MAX_LOAD_KG,
    MAX_REPS,
    SetInput,
    load_to_kg,
    measurements_for,
    set_log_delete,
    set_values_errors,
    workout_comment,
    workout_sync,
)
from ..sets import format_set, kind_of

KG_RECORDS = ("e1rm", "rep_max", "volume")


class SyncSetSerializer(serializers.Serializer):
    client_uuid = serializers.UUIDField(
        error_messages={"invalid": _("Give the set's id made on the device (a UUID).")}
    )
    prescription = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    prescription_version = serializers.CharField(required=False, allow_blank=True, max_length=40)
    exercise = serializers.CharField(
        max_length=40, help_text='"catalog:<id>" or "own:<id>": what was actually done'
    )
    set_number = serializers.IntegerField(
        min_value=1,
        max_value=50,
        error_messages={
            "min_value": _("The set number must be between 1 and 50."),
            "max_value": _("The set number must be between 1 and 50."),
        },
    )
    reps = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_REPS,
        error_messages={
            "min_value": _("Reps cannot be negative."),
            "max_value": _("Reps must be at most %(max)d.") % {"max": MAX_REPS},
            "invalid": _("Enter the reps as a whole number."),
        },
    )
    load_kg = serializers.DecimalField(
        required=False,
        allow_null=True,
        max_digits=8,
        decimal_places=3,
        min_value=Decimal(0),
        max_value=MAX_LOAD_KG,
        error_messages={
            "min_value": _("The load cannot be negative."),
            "max_value": _("The load must be at most 1000 kg."),
            "invalid": _("Enter the load as a number."),
            "max_whole_digits": _("The load must be at most 1000 kg."),
            "max_digits": _("The load must be at most 1000 kg."),
        },
    )
    load = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="The load as typed, in ``unit`` (instead of load_kg)",
    )
    unit = serializers.ChoiceField(choices=["kg", "lb"], required=False, default="kg")
    rpe = serializers.DecimalField(
        required=False,
        allow_null=True,
        max_digits=3,
        decimal_places=1,
        min_value=Decimal(1),
        max_value=Decimal(10),
        error_messages={
            "min_value": _("RPE goes from 1 to 10."),
            "max_value": _("RPE goes from 1 to 10."),
            "invalid": _("RPE goes from 1 to 10."),
            "max_whole_digits": _("RPE goes from 1 to 10."),
            "max_digits": _("RPE goes from 1 to 10."),
            "max_decimal_places": _("RPE uses at most one decimal, like 7.5."),
        },
    )
    is_warmup = serializers.BooleanField(required=False, default=False)
    logged_at = serializers.DateTimeField(required=False)
    duration_seconds = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=86400
    )
    distance_m = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1000000
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs):
        raw = attrs.pop("load", "")
        unit = attrs.pop("unit", "kg")
        if raw not in ("", None):
            try:
                attrs["load_kg"] = load_to_kg(raw, unit=unit)
            except ValueError:
                raise serializers.ValidationError(
                    {"load": [_("Enter the load as a number.")]}
                ) from None
        load = attrs.get("load_kg")
        if load is not None:
            load = Decimal(load).quantize(Decimal("0.01"))
            if load < 0:
                raise serializers.ValidationError({"load": [_("The load cannot be negative.")]})
            if load > MAX_LOAD_KG:
                raise serializers.ValidationError(
                    {"load": [_("The load must be at most 1000 kg (2204 lb).")]}
                )
            attrs["load_kg"] = load
        return attrs


class SyncWorkoutSerializer(serializers.Serializer):
    client_uuid = serializers.UUIDField(
        error_messages={"invalid": _("Give the workout's id made on the device (a UUID).")}
    )
    scheduled = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    finished_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)


class SyncSerializer(serializers.Serializer):
    workout = SyncWorkoutSerializer()
    sets = SyncSetSerializer(many=True, required=False, default=list)
    # who queued it on the device: a shared phone must never send one person's
    # queue under another person's sign-in
    user = serializers.IntegerField(required=False, min_value=1)

    def validate_sets(self, value):
        if len(value) > 200:
            raise serializers.ValidationError(_("Send at most 200 sets at a time."))
        # each set carries what its exercise is measured by: errors per set, so the
        # phone keeps (and shows) only the refused ones
        kinds = measurements_for({item["exercise"] for item in value})
        errors = [
            set_values_errors(SetInput(**item), kinds.get(item["exercise"], "reps_load"))
            for item in value
        ]
        if any(errors):
            raise serializers.ValidationError([{k: [v] for k, v in e.items()} for e in errors])
        return value


class UnlogSerializer(serializers.Serializer):
    set = serializers.UUIDField(
        help_text="The set's id made on the device",
        error_messages={"required": _("Give the set's id."), "invalid": _("Give the set's id.")},
    )


class SetLogSerializer(serializers.ModelSerializer):
    exercise_name = serializers.SerializerMethodField()
    exercise_ref = serializers.SerializerMethodField()
    measurement = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta:
        model = SetLog
        fields = [
            "id",
            "client_uuid",
            "prescription",
            "exercise_ref",
            "exercise_name",
            "measurement",
            "text",
            "set_number",
            "reps",
            "load_kg",
            "rpe",
            "is_warmup",
            "logged_at",
            "duration_seconds",
            "distance_m",
            "note",
        ]
        read_only_fields = fields

    def get_exercise_name(self, s) -> str:
        exercise = s.catalog_exercise or s.exercise
        return exercise.name if exercise else ""

    def get_measurement(self, s) -> str:
        """How the exercise is measured: which of reps, load_kg, duration_seconds and
        distance_m the set carries."""
        return kind_of(s)

    def get_text(self, s) -> str:
        """The set for people: "60 kg × 5", "45 s", "400 m in 1:32" (in kg)."""
        return format_set(s, kind_of(s), system=self.context.get("units", u.METRIC))

    def get_exercise_ref(self, s) -> str:
        return (
            f"catalog:{s.catalog_exercise_id}" if s.catalog_exercise_id else f"own:{s.exercise_id}"
        )


class WorkoutLogSerializer(serializers.ModelSerializer):
    sets = SetLogSerializer(many=True, read_only=True)
    records = serializers.SerializerMethodField()
    commented_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = WorkoutLog
        fields = [
            "id",
            "client",
            "client_uuid",
            "scheduled",
            "name",
            "started_at",
            "finished_at",
            "notes",
            "rating",
            "coach_comment",
            "commented_by",
            "commented_at",
            "comment_is_new",
            "sets",
            "records",
        ]
        read_only_fields = [f for f in fields if f != "coach_comment"]

    comment_is_new = serializers.BooleanField(
        source="has_new_comment",
        read_only=True,
        help_text="A comment the client has not opened yet (the portal's badge)",
    )

    def get_records(self, log) -> list[dict]:
        system = self.context.get("units", u.METRIC)
        return [
            {
                "id": r.pk,
                "kind": r.kind,
                "reps": r.reps,
                "value_kg": str(r.value) if r.kind in KG_RECORDS else None,
                "value": str(r.value),
                "distance_m": r.distance_m,
                "text": f"{(r.catalog_exercise or r.exercise).name}: {record_text(r, system)}",
            }
            for r in log.records.all()
        ]


class WorkoutCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True,
        max_length=MAX_COMMENT,
        trim_whitespace=True,
        help_text="The coach's comment; an empty text removes it",
        error_messages={"max_length": _("Keep the comment under 5,000 characters.")},
    )


class WorkoutSyncViewSet(viewsets.GenericViewSet):
    """A client's phone stores a workout and its sets (also what it queued offline)."""

    serializer_class = SyncSerializer

    def _client(self, request):
        client = portal_client(request)
        if client is None:
            raise PermissionDenied(_("Only clients log their workouts here."))
        return client

    @extend_schema(
        request=SyncSerializer,
        responses={
            200: dict,
            201: dict,
            409: OpenApiResponse(description="The sets were queued by someone else."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Store the batch. 201 when something new was stored, 200 for a replay.

        Response: ``workout`` (id, client_uuid), ``sets`` (client_uuid -> "created" or
        "stored"), ``conflicts`` ([{set, kind, message}]), ``records`` (new ones)."""
        client = self._client(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("user", request.user.pk) != request.user.pk:
            return Response(
                {
                    "detail": _(
                        "These sets were logged on this device by someone else. They stay "
                        "on the device until that person signs in again."
                    )
                },
                status=status.HTTP_409_CONFLICT,
            )
        w = data["workout"]
        result = workout_sync(
            client=client,
            workout_uuid=w["client_uuid"],
            scheduled_id=w.get("scheduled"),
            started_at=w.get("started_at"),
            finished_at=w.get("finished_at"),
            notes=w.get("notes"),
            name=w.get("name", ""),
            rating=w.get("rating"),
            sets=[SetInput(**item) for item in data["sets"]],
        )
        system = u.units_for(client=client, viewer=request.user, business=request.tenant)
        states = {str(s.client_uuid): "created" for s in result.created}
        states.update({str(s.client_uuid): "stored" for s in result.stored})
        body = {
            "workout": {
                "id": result.workout.pk,
                "client_uuid": str(result.workout.client_uuid),
                "finished": result.workout.finished_at is not None,
                "summary_url": f"/workouts/log/{result.workout.client_uuid}/",
            },
            "sets": states,
            "conflicts": [
                {"set": c.set_uuid, "kind": c.kind, "message": c.message} for c in result.conflicts
            ],
            "records": [
                {
                    "id": n.record.pk,
                    "kind": n.record.kind,
                    "reps": n.record.reps,
                    "value_kg": str(n.record.value) if n.record.kind in KG_RECORDS else None,
                    "previous_kg": str(n.previous) if n.record.kind in KG_RECORDS else None,
                    # kg, a count of reps, seconds or metres, by kind; lower is better
                    # for "fastest" (a time for ``distance_m``)
                    "value": str(n.record.value),
                    "previous": str(n.previous),
                    "distance_m": n.record.distance_m,
                    "set": str(n.record.set_log.client_uuid) if n.record.set_log_id else None,
                    "exercise": (n.record.catalog_exercise or n.record.exercise).name,
                    "text": record_text(n.record, system),
                }
                for n in result.records
            ],
        }
        new = result.created or result.workout_created
        return Response(body, status=status.HTTP_201_CREATED if new else status.HTTP_200_OK)

    @extend_schema(request=UnlogSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def unlog(self, request):
        """Un-log one set (``{"set": "<client_uuid>"}``): 204, or 404 if not yours."""
        client = self._client(request)
        serializer = UnlogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        set_uuid = serializer.validated_data["set"]
        if not set_log_delete(client=client, set_uuid=set_uuid):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkoutLogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Logged workouts, newest first, with sets and records. Staff may PATCH
    ``coach_comment``; clients read their own."""

    serializer_class = WorkoutLogSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkoutLog.objects.none()
        logs = workout_logs_for(clients=client_queryset_for(user=self.request.user))
        client_id = self.request.query_params.get("client", "")
        if client_id.isdigit():
            logs = logs.filter(client_id=int(client_id))
        return logs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["units"] = u.units_for(
                client=portal_client(self.request),
                viewer=self.request.user,
                business=getattr(self.request, "tenant", None),
            )
        return context

    def perform_update(self, serializer):
        if not is_staff_member(self.request.user):
            raise PermissionDenied(_("Only your coach comments on your workouts."))
        unknown = set(self.request.data) - {"coach_comment"}
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Only coach_comment can be changed.")] for name in sorted(unknown)}
            )
        serializer.instance = workout_comment(
            log=serializer.instance,
            by=self.request.user,
            comment=serializer.validated_data.get("coach_comment", ""),
        )

    @extend_schema(request=WorkoutCommentSerializer, responses={200: WorkoutLogSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsStaffMember])
    def comment(self, request, pk=None):
        """The coach's comment (``{"comment": "..."}``; empty removes it). Owners and the
        client's coaches; the client is told in the portal and by one e-mail."""
        log = self.get_object()
        serializer = WorkoutCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            log = workout_comment(
                log=log, by=request.user, comment=serializer.validated_data["comment"]
            )
        except DjangoPermissionDenied:
            raise Http404 from None
        log = self.get_queryset().get(pk=log.pk)
        return Response(self.get_serializer(log).data)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True, methods=["post"], url_path="comment-seen", permission_classes=[IsPortalClient]
    )
    def comment_seen(self, request, pk=None):
        """The client read the coach's comment (the portal's badge clears): 204."""
        log = self.get_object()
        workout_comments_mark_seen(client=portal_client(request), log_ids=[log.pk])
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("workout-sync", WorkoutSyncViewSet, basename="workout-sync")
    router.register("workout-logs", WorkoutLogViewSet, basename="workout-log")
