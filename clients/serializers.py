"""Serializer fields the API modules share, in clients and in the apps above it
(programs' nutrition, habits and generator APIs name a client the same way)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Client
from .selectors import client_queryset_for


@extend_schema_field(OpenApiTypes.INT)
class ClientField(serializers.PrimaryKeyRelatedField):
    """A client the requester may see (their queryset is set per request)."""

    default_error_messages = {
        "required": _("Choose the client."),
        "does_not_exist": _("Choose one of your clients."),
        "incorrect_type": _("Give the client's id, a number."),
        "null": _("Choose the client."),
    }

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Client.objects.none()
        return client_queryset_for(user=request.user)
