"""API: metrics and measurements.

Values travel in SI (``value``: kg, cm, %) and, for people, in the requester's
units (``display_value`` and ``display_unit``). A measurement may be written with
either. Staff see and write for the clients ``client_queryset_for`` gives them; a
client only their own record, which is set here, never taken from the payload.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.policies import ReadOrOwnerWrites, portal_client

from .. import units as u
from ..models import Client, Measurement, Metric
from ..selectors import client_queryset_for
from ..serializers import ClientField
from ..services.measurements import (
    client_today,
    measurement_delete,
    measurement_record,
    metric_create,
    metric_update,
)


def requester_units(request, client: Client | None = None) -> str:
    return u.units_for(
        client=client, viewer=request.user, business=getattr(request, "tenant", None)
    )


class MetricSerializer(serializers.ModelSerializer):
    is_archived = serializers.BooleanField(required=False, default=False)
    display_unit = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = [
            "id",
            "key",
            "name",
            "kind",
            "unit",
            "display_unit",
            "higher_is_better",
            "is_builtin",
            "position",
            "is_archived",
        ]
        read_only_fields = ["id", "key", "is_builtin", "display_unit"]
        extra_kwargs = {
            "name": {
                "error_messages": {
                    "blank": _("Give the measurement a name."),
                    "required": _("Give the measurement a name."),
                    "max_length": _("Keep the name to 60 characters."),
                }
            },
            "kind": {
                "error_messages": {
                    "invalid_choice": _("Choose mass, length, percent or other."),
                    "required": _("Choose mass, length, percent or other."),
                }
            },
            "unit": {"error_messages": {"max_length": _("Keep the unit to 16 characters.")}},
        }

    def get_display_unit(self, metric) -> str:
        system = self.context.get("units", u.METRIC)
        return u.display_unit(kind=metric.kind, system=system, unit=metric.unit).symbol

    def to_representation(self, metric):
        data = super().to_representation(metric)
        data["is_archived"] = metric.archived_at is not None
        return data


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("archived", bool, description="Include archived metrics")]
    )
)
class MetricViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What can be measured: built-ins and the owner's own. Everyone signed in here may
    list them; only the owner creates and changes them (archive with is_archived)."""

    serializer_class = MetricSerializer
    permission_classes = [ReadOrOwnerWrites]

    def get_queryset(self):
        metrics = Metric.objects.order_by("position", "name")
        if getattr(self, "swagger_fake_view", False):
            return metrics.none()
        if self.action == "list" and self.request.query_params.get("archived") not in (
            "1",
            "true",
        ):
            metrics = metrics.filter(archived_at__isnull=True)
        return metrics

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["units"] = requester_units(self.request, portal_client(self.request))
        return context

    def perform_create(self, serializer):
        serializer.instance = metric_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = metric_update(
            metric=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class MeasurementSerializer(serializers.ModelSerializer):
    client = ClientField(required=False)
    metric = serializers.PrimaryKeyRelatedField(
        queryset=Metric.objects.all(),
        error_messages={
            "required": _("Choose what was measured."),
            "does_not_exist": _("Choose a measurement from the list."),
            "incorrect_type": _("Give the measurement's id, a number."),
            "null": _("Choose what was measured."),
        },
    )
    value = serializers.DecimalField(
        max_digits=10,
        decimal_places=3,
        required=False,
        coerce_to_string=True,
        help_text="In SI units: kg, cm or %. Give this or display_value.",
        error_messages={
            "invalid": _("Enter a number."),
            "max_digits": _("Enter a number below 10,000,000."),
            "max_decimal_places": _("Use at most 3 decimals."),
            "max_whole_digits": _("Enter a number below 10,000,000."),
        },
    )
    display_value = serializers.CharField(
        required=False,
        max_length=20,
        help_text="In the requester's units (see display_unit). Give this or value.",
    )
    display_unit = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()
    measured_on = serializers.DateField(
        required=False,
        error_messages={"invalid": _("Enter a date like 2025-03-14.")},
        help_text="Defaults to today (the client's time zone).",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        error_messages={"max_length": _("Keep the note under 200 characters.")},
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "client",
            "metric",
            "value",
            "display_value",
            "display_unit",
            "units",
            "measured_on",
            "note",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "recorded_by", "created_at", "display_unit", "units"]
        validators = []  # one per day is an update, done by the service, not a 400

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not request.user.is_staff:
            fields["client"].read_only = True  # a client's own record, set server-side
        return fields

    def _system(self) -> str:
        return self.context.get("units", u.METRIC)

    def get_display_unit(self, m) -> str:
        return u.display_unit(kind=m.metric.kind, system=self._system(), unit=m.metric.unit).symbol

    def get_units(self, m) -> str:
        return self._system()

    def to_representation(self, m):
        data = super().to_representation(m)
        data["display_value"] = u.number_text(
            u.to_display(m.value, kind=m.metric.kind, system=self._system())
        )
        return data

    def validate(self, attrs):
        metric = attrs.get("metric")
        has_si, has_display = "value" in attrs, "display_value" in attrs
        if has_si == has_display:
            raise serializers.ValidationError(
                {"value": _("Give either value (in SI units) or display_value.")}
            )
        if has_display and metric is not None:
            try:
                attrs["value"] = u.parse(
                    attrs.pop("display_value"), kind=metric.kind, system=self._system()
                )
            except ValueError:
                raise serializers.ValidationError(
                    {"display_value": _("Enter a number, like 72.5.")}
                ) from None
        attrs.pop("display_value", None)
        return attrs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("client", int, description="Only this client's values"),
            OpenApiParameter("metric", str, description="Only this metric (id or key)"),
        ]
    )
)
class MeasurementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Logged values, newest first. One value per metric per day: posting the same
    metric and day again updates it (200 instead of 201, ``"updated": true``)."""

    serializer_class = MeasurementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Measurement.objects.none()
        user = self.request.user
        rows = Measurement.objects.filter(client__in=client_queryset_for(user=user))
        params = self.request.query_params
        if params.get("client", "").isdigit():
            rows = rows.filter(client_id=int(params["client"]))
        metric = params.get("metric", "")
        if metric.isdigit():
            rows = rows.filter(metric_id=int(metric))
        elif metric:
            rows = rows.filter(metric__key=metric)
        return rows.select_related("metric").order_by("-measured_on", "metric__position", "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["units"] = requester_units(self.request, portal_client(self.request))
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = portal_client(request)
        if request.user.is_staff:
            client = data.get("client")
            if client is None:
                raise serializers.ValidationError({"client": [_("Choose the client.")]})
            if not request.user.has_perm("clients.add_measurement"):
                raise PermissionDenied
        elif client is None:
            raise PermissionDenied(_("Only clients with a record here can log measurements."))
        today = client_today(client=client, business=request.tenant)
        recorded = measurement_record(
            client=client,
            metric=data["metric"],
            value=data.get("value"),
            measured_on=data.get("measured_on") or today,
            note=data.get("note", ""),
            by=request.user,
            units=serializer.context["units"],
            today=today,
        )
        out = self.get_serializer(recorded.measurement).data
        out["updated"] = not recorded.created
        return Response(
            out, status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        )

    def perform_destroy(self, instance):
        if self.request.user.is_staff and not self.request.user.has_perm(
            "clients.delete_measurement"
        ):
            raise PermissionDenied
        measurement_delete(measurement=instance, by=self.request.user)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("metrics", MetricViewSet, basename="metric")
    router.register("measurements", MeasurementViewSet, basename="measurement")
