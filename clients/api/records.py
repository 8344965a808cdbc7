"""API: client records (search, filters, pipeline), their notes, and tags.

Staff see the clients ``client_queryset_for`` gives them; a client sees only
their own record, read-only. Records are archived, never deleted.
"""

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.roles import OWNER
from accounts.services import user_role
from mectofitness.core.api import IsStaff, timezone_validate

from ..models import Client, ClientNote, ClientStatusChange, Tag
from ..selectors import client_queryset_for, client_search, coach_list
from ..services.records import (
    client_note_add,
    client_note_update,
    client_record_save,
    client_status_set,
    tag_get_or_create,
)


class StaffWritesOnly(permissions.BasePermission):
    """Anyone signed in may read what their queryset holds; only staff change things."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return IsStaff().has_permission(request, view)


class CoachField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return coach_list()


class ClientSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        write_only=True,
        help_text="Tag names (created when new)",
    )
    primary_coach = CoachField(required=False, allow_null=True)
    coaches = CoachField(many=True, required=False)
    has_health_flag = serializers.BooleanField(read_only=True)
    has_portal_login = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_of_birth",
            "gender",
            "goals",
            "experience_level",
            "injuries",
            "medical_notes",
            "has_health_flag",
            "emergency_contact_name",
            "emergency_contact_phone",
            "timezone",
            "units",
            "primary_coach",
            "coaches",
            "source",
            "tags",
            "status",
            "status_changed_at",
            "last_activity_at",
            "has_portal_login",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status_changed_at", "last_activity_at", "created_at", "updated_at"]
        validators = []  # e-mail uniqueness is checked by the service with a clear message

    def get_has_portal_login(self, client) -> bool:
        return client.user_id is not None

    def to_representation(self, client):
        data = super().to_representation(client)
        data["tags"] = sorted(tag.name for tag in client.tags.all())
        return data

    def validate_timezone(self, value):
        return timezone_validate(value)

    def validate(self, attrs):
        request = self.context["request"]
        if "primary_coach" in attrs and user_role(request.user) != OWNER:
            current = self.instance.primary_coach if self.instance else None
            wanted = attrs["primary_coach"]
            if self.instance is not None and wanted != current:
                raise serializers.ValidationError(
                    {"primary_coach": "Only the owner can hand a client to another coach."}
                )
        return attrs

    def _save(self, client, validated_data):
        tags = validated_data.pop("tags", None)
        coaches = validated_data.pop("coaches", None)
        for name, value in validated_data.items():
            setattr(client, name, value)
        client.full_clean(exclude=["user", "primary_coach"], validate_constraints=False)
        client = client_record_save(client=client, by=self.context["request"].user)
        if tags is not None:
            client.tags.set([tag_get_or_create(name=name) for name in tags])
        if coaches is not None:
            client.coaches.set(coaches)
        return client

    def create(self, validated_data):
        return self._save(Client(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Client.Status.choices)


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = ClientNote
        fields = ["id", "body", "is_pinned", "author", "created_at", "updated_at"]
        read_only_fields = ["id", "author", "created_at", "updated_at"]


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.StringRelatedField()

    class Meta:
        model = ClientStatusChange
        fields = ["from_status", "to_status", "changed_by", "changed_at"]


_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Name, e-mail or phone; best first"),
    OpenApiParameter("status", OpenApiTypes.STR, description="lead, onboarding, active, …"),
    OpenApiParameter("tag", OpenApiTypes.STR, description="A tag name"),
    OpenApiParameter("coach", OpenApiTypes.INT, description="A coach's user id"),
    OpenApiParameter("active_within_days", OpenApiTypes.INT),
    OpenApiParameter("quiet_for_days", OpenApiTypes.INT),
    OpenApiParameter("include_archived", OpenApiTypes.BOOL),
]


def _positive_int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise serializers.ValidationError({name: "Give a whole number."})
    return int(value)


def clients_filtered(*, request, clients):
    """Apply the list filters of the API's query string (shared with CSV export)."""
    params = request.query_params
    status_value = params.get("status")
    if status_value:
        if status_value not in Client.Status.values:
            raise serializers.ValidationError({"status": "Unknown status."})
        clients = clients.filter(status=status_value)
    elif params.get("include_archived") not in ("1", "true", "yes"):
        clients = clients.exclude(status=Client.Status.ARCHIVED)
    if params.get("tag"):
        clients = clients.filter(tags__name__iexact=params["tag"])
    coach = _positive_int(params.get("coach"), "coach")
    if coach is not None:
        shared = Client.coaches.through.objects.filter(user_id=coach).values("client_id")
        clients = clients.filter(primary_coach_id=coach) | clients.filter(pk__in=shared)
    now = timezone.now()
    within = _positive_int(params.get("active_within_days"), "active_within_days")
    if within is not None:
        clients = clients.filter(last_activity_at__gte=now - dt.timedelta(days=within))
    quiet = _positive_int(params.get("quiet_for_days"), "quiet_for_days")
    if quiet is not None:
        clients = clients.filter(last_activity_at__lt=now - dt.timedelta(days=quiet))
    if params.get("q", "").strip():
        clients = client_search(clients=clients, query=params["q"])
    return clients


@extend_schema_view(list=extend_schema(parameters=_FILTERS))
class ClientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Client records. Archive with the status action; records are never deleted."""

    serializer_class = ClientSerializer
    permission_classes = [permissions.IsAuthenticated, StaffWritesOnly]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Client.objects.none()
        clients = client_queryset_for(user=self.request.user).select_related("primary_coach")
        clients = clients.prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")), "coaches"
        )
        if self.action == "list":
            clients = clients_filtered(request=self.request, clients=clients)
        return clients

    @extend_schema(request=StatusSerializer, responses=ClientSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def status(self, request, pk=None):
        """Move the client through the pipeline (lead → onboarding → active → paused → archived)."""
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = client_status_set(
            client=self.get_object(), status=serializer.validated_data["status"], by=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=client.pk)).data)

    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="status-history", permission_classes=[IsStaff])
    def status_history(self, request, pk=None):
        changes = self.get_object().status_changes.select_related("changed_by")
        return Response(StatusChangeSerializer(changes, many=True).data)

    @extend_schema(methods=["get"], responses=NoteSerializer(many=True))
    @extend_schema(methods=["post"], request=NoteSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["get", "post"], permission_classes=[IsStaff])
    def notes(self, request, pk=None):
        """The client's timeline of notes, pinned first; POST adds one."""
        client = self.get_object()
        if request.method == "GET":
            notes = client.notes.select_related("author")
            return Response(NoteSerializer(notes, many=True).data)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = client_note_add(client=client, author=request.user, **serializer.validated_data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Edit or remove a note of a client you coach. Authors and the owner may delete."""

    serializer_class = NoteSerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ClientNote.objects.none()
        return ClientNote.objects.filter(
            client__in=client_queryset_for(user=self.request.user)
        ).select_related("author")

    def perform_update(self, serializer):
        note = serializer.instance
        serializer.instance = client_note_update(
            note=note,
            by=self.request.user,
            body=serializer.validated_data.get("body", note.body),
            is_pinned=serializer.validated_data.get("is_pinned", note.is_pinned),
        )

    def perform_destroy(self, note):
        if note.author_id != self.request.user.pk and not self.request.user.is_superuser:
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only the note's author or the owner can delete it.")
        note.delete()


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "colour"]


class TagViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = TagSerializer
    permission_classes = [IsStaff]
    queryset = Tag.objects.all()
    pagination_class = None

    def perform_create(self, serializer):
        serializer.instance = tag_get_or_create(name=serializer.validated_data["name"])


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("clients", ClientViewSet, basename="client")
    router.register("client-notes", NoteViewSet, basename="client-note")
    router.register("tags", TagViewSet, basename="tag")
