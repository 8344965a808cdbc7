"""API: check-ins. Staff read their clients' check-ins (``?unreviewed=1``: the
queue, oldest first), reply and mark them reviewed; a client reads their own and
asks which are due (``/checkins/due/``). Answering goes through ``/responses/``."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response as ApiResponse

from accounts.policies import is_staff_member, require_portal_client

from ..models import Response
from ..selectors_intake import checkin_previous, checkins_due_for, checkins_for
from ..services.checkins import checkin_review
from .intake import ResponseSerializer


class CheckInSerializer(ResponseSerializer):
    reviewed_by = serializers.SerializerMethodField()

    class Meta(ResponseSerializer.Meta):
        fields = [*ResponseSerializer.Meta.fields, "reviewed_by"]
        read_only_fields = fields

    def get_reviewed_by(self, obj) -> str | None:
        if obj.reviewed_by is None:
            return None
        return obj.reviewed_by.get_full_name() or obj.reviewed_by.email


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    mark_reviewed = serializers.BooleanField(default=True)


class CheckInViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sent check-ins: staff see their clients', a client their own."""

    serializer_class = CheckInSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Response.objects.none()
        queryset = checkins_for(user=self.request.user).prefetch_related("files")
        if self.request.query_params.get("unreviewed") in ("1", "true"):
            return queryset.filter(reviewed_at__isnull=True).order_by("submitted_at", "pk")
        return queryset.order_by("-period_start", "-submitted_at", "-pk")

    @extend_schema(request=ReviewSerializer, responses={200: CheckInSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Reply to a client's check-in and (by default) mark it reviewed. Staff only."""
        if not is_staff_member(request.user):
            raise PermissionDenied("Only the client's coaches review check-ins.")
        response = self.get_object()
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checkin_review(
            response=response,
            by=request.user,
            comment=data.validated_data["comment"],
            mark_reviewed=data.validated_data["mark_reviewed"],
        )
        return ApiResponse(self.get_serializer(self.get_queryset().get(pk=response.pk)).data)

    @extend_schema(responses={200: CheckInSerializer})
    @action(detail=True, methods=["get"])
    def previous(self, request, pk=None):
        """The client's check-in before this one (404 if it is their first)."""
        previous = checkin_previous(response=self.get_object())
        if previous is None:
            raise Http404
        return ApiResponse(self.get_serializer(self.get_queryset().get(pk=previous.pk)).data)

    @extend_schema(
        responses={
            200: inline_serializer(
                "DueCheckIn",
                {
                    "checkin_plan": serializers.IntegerField(),
                    "questionnaire": serializers.IntegerField(),
                    "title": serializers.CharField(),
                    "period_start": serializers.DateField(),
                    "period_end": serializers.DateField(),
                    "draft": serializers.IntegerField(allow_null=True),
                },
                many=True,
            )
        }
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def due(self, request):
        """The check-ins I should answer now (clients only)."""
        client = require_portal_client(request)
        return ApiResponse(
            [
                {
                    "checkin_plan": due.plan.pk,
                    "questionnaire": due.plan.questionnaire_id,
                    "title": due.questionnaire.title,
                    "period_start": due.period_start,
                    "period_end": due.period_end,
                    "draft": due.draft.pk if due.draft else None,
                }
                for due in checkins_due_for(client=client)
            ]
        )


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("checkins", CheckInViewSet, basename="checkin")
