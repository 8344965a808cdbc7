"""API: a person's notifications (the bell), what they want on which channel, their
quiet hours, and the browsers that may be pushed to.

Everyone sees only their own notifications: ``selectors.notification_list_for`` is the
queryset, so another person's id answers 404, whoever asks. Writes go through
``services``; bad input answers 400 with the field.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import Kind, Notification
from .selectors import (
    notification_list_for,
    notification_unread_count,
    person_settings_get,
    person_tz,
    preferences_for,
)


class NotificationSerializer(serializers.ModelSerializer):
    """One notification: ``url`` is the path of the place it is about."""

    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class ChannelsSerializer(serializers.Serializer):
    push = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    sms = serializers.BooleanField(required=False)


class PreferencesSerializer(serializers.Serializer):
    """``channels``: for each kind (``message``, ``checkin``, ...), on or off per channel
    (``push``, ``email``, ``sms``); kinds and channels left out keep their setting.
    ``quiet_from`` / ``quiet_until``: quiet hours on the person's clock (``timezone``,
    read only), both or neither (null: none)."""

    channels = serializers.DictField(child=ChannelsSerializer(), required=False)
    quiet_from = serializers.TimeField(required=False, allow_null=True, format="%H:%M")
    quiet_until = serializers.TimeField(required=False, allow_null=True, format="%H:%M")
    timezone = serializers.CharField(read_only=True)

    def validate_channels(self, value):
        unknown = sorted(set(value) - set(Kind.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown kind of notification: %s") % ", ".join(unknown)
            )
        return value


def _preferences_data(user) -> dict:
    row = person_settings_get(user=user)
    return {
        "channels": preferences_for(user=user),
        "quiet_from": row.quiet_from.strftime("%H:%M") if row and row.quiet_from else None,
        "quiet_until": row.quiet_until.strftime("%H:%M") if row and row.quiet_until else None,
        "timezone": str(person_tz(user)),
    }


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The person's notifications, newest first (``?unread=1``: only the unread ones).
    ``unread`` gives the bell's count; ``read`` marks one read, ``read-all`` all of
    them; ``preferences`` reads and saves what they want on which channel and their
    quiet hours."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "") in ("1", "true", "yes")
        return notification_list_for(user=self.request.user, unread=unread)

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only the unread ones.")
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: UnreadSerializer})
    @action(detail=False, methods=["get"])
    def unread(self, request):
        """How many notifications are unread: the bell's count."""
        return Response({"unread": notification_unread_count(user=request.user)})

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read (again: no change)."""
        notification = self.get_object()
        services.notification_read(notification=notification, user=request.user)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: UnreadSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark every notification read; answers the unread count (0)."""
        services.notifications_read_all(user=request.user)
        return Response({"unread": notification_unread_count(user=request.user)})

    @extend_schema(methods=["GET"], request=None, responses={200: PreferencesSerializer})
    @extend_schema(
        methods=["PUT"], request=PreferencesSerializer, responses={200: PreferencesSerializer}
    )
    @action(detail=False, methods=["get", "put"], serializer_class=PreferencesSerializer)
    def preferences(self, request):
        """GET: on or off for each kind and channel, and quiet hours. PUT: save them
        (what is left out keeps its setting; quiet hours: both times, or both null)."""
        if request.method == "PUT":
            body = PreferencesSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            choices = {kind: dict(channels) for kind, channels in data.get("channels", {}).items()}
            quiet_hours = None
            if "quiet_from" in data or "quiet_until" in data:
                row = person_settings_get(user=request.user)
                quiet_hours = (
                    data.get("quiet_from", row.quiet_from if row else None),
                    data.get("quiet_until", row.quiet_until if row else None),
                )
            services.notification_settings_save(
                user=request.user, choices=choices, quiet_hours=quiet_hours
            )
        return Response(_preferences_data(request.user))


class PushSubscriptionSerializer(serializers.Serializer):
    """The Push API's ``PushSubscription.toJSON()``: ``endpoint`` and ``keys``."""

    endpoint = serializers.URLField(max_length=1000)
    keys = serializers.DictField(child=serializers.CharField(max_length=200), required=False)


class PushSubscriptionView(APIView):
    """POST: this browser may be pushed to (the Push API's subscription, as
    ``PushSubscription.toJSON()`` gives it). DELETE: no more (``endpoint``)."""

    @extend_schema(request=PushSubscriptionSerializer, responses={201: None})
    def post(self, request):
        body = PushSubscriptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        keys = body.validated_data.get("keys") or {}
        services.push_subscribe(
            user=request.user,
            endpoint=body.validated_data["endpoint"],
            p256dh=keys.get("p256dh", ""),
            auth=keys.get("auth", ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response({"endpoint": body.validated_data["endpoint"]}, status=201)

    @extend_schema(request=PushSubscriptionSerializer, responses={204: None})
    def delete(self, request):
        endpoint = str(request.data.get("endpoint", "")) if hasattr(request.data, "get") else ""
        if not endpoint:
            raise serializers.ValidationError({"endpoint": [_("Give the push address.")]})
        services.push_unsubscribe(user=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("notifications", NotificationViewSet, basename="api-notification")
