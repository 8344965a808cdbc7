"""API: progress photos.

Upload with multipart/form-data (``image``, ``pose``, ``taken_on``; staff also
``client``). Image URLs point at the permission-checked views, never at storage.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.policies import portal_client
from mectofitness.core.uploads import file_route_limit

from ..models import ProgressPhoto
from ..selectors import client_queryset_for
from ..serializers import ClientField
from ..services.measurements import client_today
from ..services.photos import MAX_UPLOAD_BYTES, photo_delete, photo_upload


class ProgressPhotoSerializer(serializers.ModelSerializer):
    client = ClientField(required=False)
    image = serializers.FileField(
        write_only=True,
        help_text="JPEG, PNG or WebP (HEIC where supported), at most 20 MB.",
        error_messages={
            "required": _("Choose a photo to upload."),
            "empty": _("This file is empty."),
            "invalid": _("Send the photo as a file (multipart/form-data)."),
            "no_name": _("Send the photo as a file (multipart/form-data)."),
        },
    )
    pose = serializers.ChoiceField(
        choices=ProgressPhoto.Pose.choices,
        error_messages={
            "required": _("Choose front, side or back."),
            "invalid_choice": _("Choose front, side or back."),
        },
    )
    taken_on = serializers.DateField(
        required=False,
        error_messages={"invalid": _("Enter a date like 2025-03-14.")},
        help_text="Defaults to today (the client's time zone).",
    )
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressPhoto
        fields = [
            "id",
            "client",
            "pose",
            "taken_on",
            "image",
            "image_url",
            "thumbnail_url",
            "width",
            "height",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = ["id", "width", "height", "uploaded_by", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not request.user.is_staff:
            fields["client"].read_only = True  # a client's own record, set server-side
        return fields

    def _url(self, name, photo) -> str:
        path = reverse(name, args=[photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_image_url(self, photo) -> str:
        return self._url("progress_photo_file", photo)

    def get_thumbnail_url(self, photo) -> str | None:
        """Null until the worker has made the thumbnail."""
        return self._url("progress_photo_thumb", photo) if photo.thumbnail else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("client", int, description="Only this client's photos"),
            OpenApiParameter("pose", str, description="front, side or back"),
        ]
    )
)
class ProgressPhotoViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Progress photos, newest first: the client's own, or those of clients you coach."""

    serializer_class = ProgressPhotoSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    body_max_bytes = file_route_limit(MAX_UPLOAD_BYTES)  # mectofitness.core.uploads

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProgressPhoto.objects.none()
        rows = ProgressPhoto.objects.filter(client__in=client_queryset_for(user=self.request.user))
        params = self.request.query_params
        if params.get("client", "").isdigit():
            rows = rows.filter(client_id=int(params["client"]))
        if params.get("pose") in ProgressPhoto.Pose.values:
            rows = rows.filter(pose=params["pose"])
        return rows.order_by("-taken_on", "pose", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = portal_client(request)
        if request.user.is_staff:
            client = data.get("client")
            if client is None:
                raise serializers.ValidationError({"client": [_("Choose the client.")]})
            if not request.user.has_perm("clients.add_progressphoto"):
                raise PermissionDenied
        elif client is None:
            raise PermissionDenied(_("Only clients with a record here can add photos."))
        today = client_today(client=client, business=request.tenant)
        photo = photo_upload(
            client=client,
            upload=data["image"],
            pose=data["pose"],
            taken_on=data.get("taken_on") or today,
            by=request.user,
            today=today,
        )
        photo.refresh_from_db()
        return Response(self.get_serializer(photo).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if self.request.user.is_staff and not self.request.user.has_perm(
            "clients.delete_progressphoto"
        ):
            raise PermissionDenied
        photo_delete(photo=instance, by=self.request.user)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("progress-photos", ProgressPhotoViewSet, basename="progress-photo")
