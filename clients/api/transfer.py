"""API: CSV export of the client list, a client's data export (zip), erasure, and the
audit trail.

    GET  /api/v1/clients/export/?q=&status=&tag=&coach=   CSV of the filtered list
    GET  /api/v1/clients/{id}/export/                      zip of one client's data
    POST /api/v1/clients/{id}/erase/  {"confirm_name"}     erase a client (owner)
    GET  /api/v1/me/export/                                zip of the caller's own data
    GET  /api/v1/audit-entries/?action=                    the audit trail (owner)
"""

import json

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policies import IsOwner, IsStaffMember, is_owner, require_portal_client

from ..downloads import client_zip_response, csv_export_response
from ..models import AuditEntry, Client
from ..selectors import client_queryset_for
from ..services.erasure import client_erase
from ..services.records import client_touch
from .records import _FILTERS, clients_filtered


class _FileRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file type; errors still come back as JSON text."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if data is not None else b""


class JsonErrorsMixin:
    """Errors in JSON, with its media type, even when the file's type was asked for
    (``?format=zip``): only the file itself is a file."""

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class ZipRenderer(_FileRenderer):
    media_type = "application/zip"
    format = "zip"


# the list's filters; the CSV export takes the same ones (see records.clients_filtered)
LIST_FILTERS = (
    "q",
    "status",
    "tag",
    "coach",
    "active_within_days",
    "quiet_for_days",
    "include_archived",
)


class EraseSerializer(serializers.Serializer):
    confirm_name = serializers.CharField(
        max_length=200, help_text="The client's full name, exactly as on their record."
    )


class ErasedSerializer(serializers.Serializer):
    erased = serializers.IntegerField(help_text="The client's id")
    audit_entry = serializers.IntegerField()
    removed = serializers.DictField()


class ClientTransferViewSet(JsonErrorsMixin, viewsets.GenericViewSet):
    """Clients in and out: list export, a client's data, erasure."""

    permission_classes = [IsStaffMember]
    lookup_value_regex = r"\d+"
    # what erasure reads; OPTIONS describes it (without one, OPTIONS was a 500)
    serializer_class = EraseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Client.objects.none()
        return client_queryset_for(user=self.request.user)

    @extend_schema(
        parameters=_FILTERS,
        responses={(200, "text/csv"): OpenApiTypes.STR},
        summary="Export the (filtered) client list as CSV",
        operation_id="clients_export_csv",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        url_name="export-csv",
        renderer_classes=[renderers.JSONRenderer, CsvRenderer],
    )
    def export_list(self, request):
        """The client list's CSV: the same filters as GET /api/v1/clients/, for the
        owner or a coach with clients.export_client, limited to their clients."""
        if not (is_owner(request.user) or request.user.has_perm("clients.export_client")):
            raise PermissionDenied("Exporting clients needs the owner's permission.")
        clients = clients_filtered(request=request, clients=self.get_queryset())
        used = {
            key: request.query_params[key] for key in LIST_FILTERS if request.query_params.get(key)
        }
        return csv_export_response(clients=clients, by=request.user, filters=used)

    @extend_schema(
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
        summary="Download one client's data (zip)",
        operation_id="clients_export_data",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export",
        url_name="export-data",
        renderer_classes=[renderers.JSONRenderer, ZipRenderer],
    )
    def export_data(self, request, pk=None):
        client = self.get_object()
        return client_zip_response(
            client=client, by=request.user, business_name=getattr(request.tenant, "name", "")
        )

    @extend_schema(
        request=EraseSerializer, responses={200: ErasedSerializer}, summary="Erase a client"
    )
    @action(detail=True, methods=["post"], url_path="erase", url_name="erase")
    def erase(self, request, pk=None):
        if not is_owner(request.user):
            raise PermissionDenied("Only the owner can erase a client's data.")
        client = self.get_object()
        serializer = EraseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = client_erase(
            client=client, by=request.user, confirm_name=serializer.validated_data["confirm_name"]
        )
        return Response(
            {"erased": client.pk, "audit_entry": entry.pk, "removed": entry.detail["removed"]}
        )


class MyDataViewSet(JsonErrorsMixin, viewsets.GenericViewSet):
    """The signed-in client's own data."""

    def get_queryset(self):
        return Client.objects.none()

    @extend_schema(
        responses={(200, "application/zip"): OpenApiTypes.BINARY, 404: OpenApiResponse()},
        summary="Download my data (zip)",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        url_name="export",
        renderer_classes=[renderers.JSONRenderer, ZipRenderer],
    )
    def export(self, request):
        client = require_portal_client(request)
        client_touch(client=client)
        return client_zip_response(
            client=client,
            by=request.user,
            business_name=getattr(request.tenant, "name", ""),
            for_client=True,
        )


class AuditEntrySerializer(serializers.ModelSerializer):
    client_id = serializers.IntegerField(source="client_id_ref", read_only=True, allow_null=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "action",
            "action_display",
            "subject",
            "client_id",
            "actor",
            "actor_email",
            "at",
            "detail",
        ]
        read_only_fields = fields


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Who exported, imported or erased what, and when. Newest first. Owner only."""

    serializer_class = AuditEntrySerializer
    permission_classes = [IsOwner]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "action", str, enum=AuditEntry.Action.values, description="Only this action"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        entries = AuditEntry.objects.order_by("-at", "-pk")
        wanted = self.request.query_params.get("action", "")
        if wanted:
            if wanted not in AuditEntry.Action.values:
                raise exceptions.ValidationError(
                    {"action": [f"Choose one of: {', '.join(AuditEntry.Action.values)}."]}
                )
            entries = entries.filter(action=wanted)
        return entries


def register(router) -> None:
    """Add this concern's viewsets to the API router.

    They go to the front of the router: records' ClientViewSet matches
    ``clients/<anything>/``, which would take ``clients/export/`` for a client
    whose id is "export" (a 404)."""
    for prefix, viewset, basename in (
        ("clients", ClientTransferViewSet, "client-transfer"),
        ("me", MyDataViewSet, "me-data"),
        ("audit-entries", AuditEntryViewSet, "audit-entry"),
    ):
        router.register(prefix, viewset, basename=basename)
        router.registry.insert(0, router.registry.pop())
