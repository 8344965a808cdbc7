"""API: announcements to a segment of clients (``/api/v1/announcements/``). Staff only:
a coach sees and reaches their own clients and their own announcements, the owner
all. ``audience`` answers how many clients a segment reaches now (the compose page's
live figure); POST writes one to go out now or at ``send_at``; ``cancel`` stops a
scheduled one. Bad input answers 400 with the field."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policies import IsStaffMember

from . import announcements
from .models import BODY_MAX_CHARS, Announcement
from .selectors import person_name

MAX_ID = 2**63 - 1
ID = serializers.IntegerField(
    min_value=1, max_value=MAX_ID, error_messages={"invalid": gettext_lazy("Give an id.")}
)


class SegmentSerializer(serializers.Serializer):
    """Whom: clients with any of ``tags``, in any of ``statuses`` (default: onboarding
    and active), following ``program``, booked on (or lately at) the class
    ``session_type``. All given must hold."""

    tags = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=50,
    )
    statuses = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=5
    )
    program = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    session_type = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )

    def to_internal_value(self, data):
        # a query string gives tags=1&tags=2; a JSON body a list
        if hasattr(data, "getlist"):
            data = {
                "tags": data.getlist("tags"),
                "statuses": data.getlist("statuses"),
                **{key: data[key] for key in ("program", "session_type") if data.get(key)},
            }
        return super().to_internal_value(data)


def _segment(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, [], "")}


class AnnouncementSerializer(serializers.ModelSerializer):
    """An announcement: its text, whom (``segment``), how, when, how many clients."""

    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "body",
            "segment",
            "delivery",
            "created_by",
            "created_at",
            "send_at",
            "status",
            "sent_at",
            "recipient_count",
        ]
        read_only_fields = fields

    def get_created_by(self, announcement: Announcement) -> str:
        return person_name(announcement.created_by, viewer=self.context["request"].user)


class AnnouncementWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_CHARS + 1000, trim_whitespace=False)
    segment = SegmentSerializer(required=False)
    delivery = serializers.ChoiceField(
        choices=Announcement.Delivery.choices, default=Announcement.Delivery.THREAD
    )
    send_at = serializers.DateTimeField(required=False, allow_null=True)


class AudienceSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class AnnouncementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Announcements, newest first (a coach: their own)."""

    serializer_class = AnnouncementSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Announcement.objects.none()
        return announcements.announcement_queryset_for(user=self.request.user)

    @extend_schema(request=AnnouncementWriteSerializer, responses={201: AnnouncementSerializer})
    def create(self, request):
        """Send ``body`` to ``segment`` of your clients, now or at ``send_at``, in each
        client's conversation (``delivery`` "thread") or as an announcement only."""
        body = AnnouncementWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        announcement = announcements.announcement_create(
            by=request.user,
            body=data["body"],
            segment=_segment(data.get("segment") or {}),
            delivery=data["delivery"],
            send_at=data.get("send_at"),
        )
        return Response(self.get_serializer(announcement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("tags", OpenApiTypes.INT, many=True),
            OpenApiParameter("statuses", OpenApiTypes.STR, many=True),
            OpenApiParameter("program", OpenApiTypes.INT),
            OpenApiParameter("session_type", OpenApiTypes.INT),
        ],
        responses={200: AudienceSerializer},
    )
    @action(detail=False, methods=["get"])
    def audience(self, request):
        """How many of your clients the segment reaches now."""
        segment = SegmentSerializer(data=request.query_params)
        segment.is_valid(raise_exception=True)
        count = announcements.announcement_audience_count(
            by=request.user, segment=_segment(segment.validated_data)
        )
        return Response({"count": count})

    @extend_schema(request=None, responses={200: AnnouncementSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Stop a scheduled announcement before it goes out."""
        announcement = announcements.announcement_cancel(
            announcement=self.get_object(), by=request.user
        )
        return Response(self.get_serializer(announcement).data)
