"""API: personal records (``/api/v1/personal-records/``).

A client sees their own, staff the records of the clients they may see. Records are made
by logging sets (see programs.services.records), never written through the API; a client
marks the ones they have seen celebrated (``POST .../seen/``)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.policies import portal_client
from clients import units as u
from clients.selectors import client_queryset_for

from ..models import PersonalRecord
from ..selectors.logging import record_text
from ..services.records import record_mark_seen


class SeenSerializer(serializers.Serializer):
    _message = _("Give a list of record ids.")
    ids = serializers.ListField(
        child=serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, error_messages={"invalid": _message}
        ),
        required=False,
        default=list,
        max_length=1000,
        error_messages={"not_a_list": _message},
    )


class PersonalRecordSerializer(serializers.ModelSerializer):
    exercise_name = serializers.SerializerMethodField()
    exercise_ref = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    set = serializers.SerializerMethodField()
    workout = serializers.SerializerMethodField()

    class Meta:
        model = PersonalRecord
        fields = [
            "id",
            "client",
            "kind",
            "reps",
            "distance_m",
            "value",
            "text",
            "exercise_ref",
            "exercise_name",
            "set",
            "workout",
            "achieved_at",
            "is_seen",
        ]
        read_only_fields = fields

    def get_exercise_name(self, r) -> str:
        return (r.catalog_exercise or r.exercise).name

    def get_exercise_ref(self, r) -> str:
        return (
            f"catalog:{r.catalog_exercise_id}" if r.catalog_exercise_id else f"own:{r.exercise_id}"
        )

    def get_text(self, r) -> str:
        return record_text(r, self.context.get("units", u.METRIC))

    def get_set(self, r) -> str | None:
        return str(r.set_log.client_uuid) if r.set_log_id else None

    def get_workout(self, r) -> str:
        return str(r.workout.client_uuid)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("client", int, description="Only this client's records"),
            OpenApiParameter(
                "kind",
                str,
                description="e1rm, rep_max, volume, reps (most reps), time (longest), "
                "distance (longest) or fastest (for distance_m)",
            ),
            OpenApiParameter("unseen", bool, description="Only those not celebrated yet"),
        ]
    )
)
class PersonalRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Personal records, newest first. ``value`` is kg for e1rm, rep_max and volume, a
    count for reps, seconds for time and fastest (lower is better, over ``distance_m``),
    metres for distance; ``text`` says it in the requester's units."""

    serializer_class = PersonalRecordSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PersonalRecord.objects.none()
        rows = PersonalRecord.objects.filter(
            client__in=client_queryset_for(user=self.request.user)
        ).select_related("catalog_exercise", "exercise", "set_log", "workout")
        params = self.request.query_params
        if params.get("client", "").isdigit():
            rows = rows.filter(client_id=int(params["client"]))
        if params.get("kind") in PersonalRecord.Kind.values:
            rows = rows.filter(kind=params["kind"])
        if params.get("unseen") in ("1", "true"):
            rows = rows.filter(is_seen=False)
        return rows.order_by("-achieved_at", "kind", "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["units"] = u.units_for(
                client=portal_client(self.request),
                viewer=self.request.user,
                business=getattr(self.request, "tenant", None),
            )
        return context

    @extend_schema(
        request=SeenSerializer,
        responses={200: inline_serializer("RecordsSeen", {"updated": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"])
    def seen(self, request):
        """The client saw these celebrations: ``{"ids": [1, 2]}``."""
        client = portal_client(request)
        if client is None:
            raise PermissionDenied(_("Only the client marks their records as seen."))
        serializer = SeenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = record_mark_seen(client=client, record_ids=serializer.validated_data["ids"])
        return Response({"updated": count}, status=status.HTTP_200_OK)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("personal-records", PersonalRecordViewSet, basename="personal-record")
