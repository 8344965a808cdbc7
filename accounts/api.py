"""API: the signed-in person (/me) and their personal tokens."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.response import Response

from mectofitness.core.api import CachedModelSerializer, timezone_validate

from .mfa import staff_mfa_message, staff_mfa_missing
from .models import ApiToken, User
from .policies import role_of
from .services import api_token_create, api_token_revoke, user_details_update


class MeSerializer(CachedModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "phone", "timezone", "role"]
        read_only_fields = ["id", "email", "role"]

    def get_role(self, user) -> str | None:
        return role_of(user)

    def validate_timezone(self, value):
        return timezone_validate(value)


class MeView(RetrieveUpdateAPIView):
    """The person making the request: read, and change their own details."""

    # a login without a client record may still manage its own account
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = user_details_update(
            user=serializer.instance,
            first_name=data.get("first_name"),
            last_name=data.get("last_name"),
            phone=data.get("phone"),
            timezone_name=data.get("timezone"),
        )


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at"]


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once. Store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your personal API tokens: list, create (the key is shown once), revoke."""

    # a login without a client record may still manage its own account
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)

    @extend_schema(responses={201: ApiTokenCreatedSerializer})
    def create(self, request, *args, **kwargs):
        business = getattr(request, "tenant", None)
        if staff_mfa_missing(user=request.user, business=business):
            # the middleware refuses such a session already: a token outlives it
            raise PermissionDenied(staff_mfa_message(business=business))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = api_token_create(user=request.user, name=serializer.validated_data["name"])
        token.key = key
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        api_token_revoke(token=instance)
