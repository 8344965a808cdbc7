"""API: habits (the coach assigns them) and habit checks (the client ticks them off).

Staff see and change the habits of the clients ``client_queryset_for`` gives them;
a client reads their own habits and checks them off. A check is once per habit and
day: posting the same day again updates it (200), never duplicates.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.policies import is_staff_member, portal_client, staff_may
from clients.models import Client, Habit, HabitCheck
from clients.selectors import client_queryset_for
from clients.serializers import ClientField
from clients.services.measurements import client_today

from ..selectors.habits import habit_days, habits_for
from ..services import habits as svc
from .fields import DecimalTextField

NUMBER_MESSAGE = _lazy("Enter a number, like 8000 or 2.5.")
HABIT_FIELDS = ("name", "target", "unit", "weekdays", "starts_on", "ends_on")


class HabitSerializer(serializers.ModelSerializer):
    client = ClientField(required=False)
    target = DecimalTextField(error_messages={"invalid": NUMBER_MESSAGE})
    weekdays = serializers.ListField(child=serializers.IntegerField(), required=False)
    starts_on = serializers.DateField(
        required=False, error_messages={"invalid": _("Enter a date like 2025-03-14.")}
    )
    ends_on = serializers.DateField(
        required=False,
        allow_null=True,
        error_messages={"invalid": _("Enter a date like 2025-03-14.")},
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=300)
    streak = serializers.SerializerMethodField()
    is_archived = serializers.SerializerMethodField()

    class Meta:
        model = Habit
        fields = [
            "id",
            "client",
            "name",
            "target",
            "unit",
            "weekdays",
            "starts_on",
            "ends_on",
            "streak",
            "is_archived",
        ]
        read_only_fields = ["id", "streak", "is_archived"]

    def get_streak(self, habit) -> int | None:
        return self.context.get("streaks", {}).get(habit.pk)

    def get_is_archived(self, habit) -> bool:
        return habit.archived_at is not None

    def to_representation(self, habit):
        data = super().to_representation(habit)
        data["target"] = str(habit.target) if habit.target is not None else None
        return data


class HabitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Habits with their current streak. Staff assign, change and stop them (DELETE
    archives: the history stays); a client reads their own active habits."""

    serializer_class = HabitSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Habit.objects.none()
        rows = habits_for(user=self.request.user)
        if not is_staff_member(self.request.user) or self.request.query_params.get(
            "archived"
        ) not in (
            "1",
            "true",
        ):
            rows = rows.filter(archived_at__isnull=True)
        client = self.request.query_params.get("client", "")
        if client.isdigit():
            rows = rows.filter(client_id=int(client))
        return rows.order_by("client_id", "name", "pk")

    def _require(self, perm: str) -> None:
        if not staff_may(self.request.user, perm):
            raise PermissionDenied(_("Only your coach changes your habits."))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        streaks = {}
        for client in Client.objects.filter(pk__in={h.client_id for h in page}):
            today = client_today(client=client, business=request.tenant)
            for day in habit_days(client=client, today=today):
                streaks[day.habit.pk] = day.streak
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "streaks": streaks}
        )
        return self.get_paginated_response(serializer.data)

    def perform_create(self, serializer):
        self._require("clients.add_habit")
        data = serializer.validated_data
        if data.get("client") is None:
            raise serializers.ValidationError({"client": [_("Choose the client.")]})
        serializer.instance = svc.habit_assign(
            client=data["client"],
            name=data.get("name", ""),
            target=data.get("target"),
            unit=data.get("unit", ""),
            weekdays=data.get("weekdays"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            by=self.request.user,
        )

    def perform_update(self, serializer):
        self._require("clients.change_habit")
        habit = serializer.instance
        # a partial change (PATCH) sends the other fields as they are
        values = {name: getattr(habit, name) for name in HABIT_FIELDS} | {
            k: v for k, v in serializer.validated_data.items() if k in HABIT_FIELDS
        }
        serializer.instance = svc.habit_update(habit=habit, by=self.request.user, **values)

    def perform_destroy(self, instance):
        self._require("clients.delete_habit")
        svc.habit_archive(habit=instance, by=self.request.user)


class HabitCheckSerializer(serializers.ModelSerializer):
    habit = serializers.PrimaryKeyRelatedField(
        queryset=Habit.objects.all(),
        error_messages={
            "does_not_exist": _("Choose one of your habits."),
            "required": _("Choose the habit."),
            "incorrect_type": _("Give the habit's id, a number."),
        },
    )
    date = serializers.DateField(
        required=False, error_messages={"invalid": _("Enter a date like 2025-03-14.")}
    )
    value = DecimalTextField(error_messages={"invalid": NUMBER_MESSAGE})

    class Meta:
        model = HabitCheck
        fields = ["id", "habit", "date", "value", "is_done", "checked_at"]
        read_only_fields = ["id", "is_done", "checked_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["habit"].queryset = habits_for(user=request.user)
        return fields

    def to_representation(self, check):
        data = super().to_representation(check)
        data["value"] = str(check.value) if check.value is not None else None
        return data


class HabitCheckViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Days a habit was ticked off. A client checks their own habits (once per habit and
    day: a repeat updates, 200) and may delete a check (a mis-tap). Staff read."""

    serializer_class = HabitCheckSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HabitCheck.objects.none()
        rows = HabitCheck.objects.filter(
            habit__client__in=client_queryset_for(user=self.request.user)
        )
        params = self.request.query_params
        if params.get("habit", "").isdigit():
            rows = rows.filter(habit_id=int(params["habit"]))
        return rows.order_by("-date", "habit_id")

    def create(self, request, *args, **kwargs):
        client = portal_client(request)
        if client is None:
            raise PermissionDenied(_("Only the client ticks off their habits."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        today = client_today(client=client, business=request.tenant)
        checked = svc.habit_check(
            habit=data["habit"],
            on=data.get("date") or today,
            value=data.get("value"),
            by=request.user,
            today=today,
        )
        return Response(
            self.get_serializer(checked.check).data,
            status=status.HTTP_201_CREATED if checked.created else status.HTTP_200_OK,
        )

    def perform_destroy(self, instance):
        if is_staff_member(self.request.user):
            raise PermissionDenied(_("Only the client ticks off their habits."))
        svc.habit_uncheck(habit=instance.habit, on=instance.date, by=self.request.user)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("habits", HabitViewSet, basename="habit")
    router.register("habit-checks", HabitCheckViewSet, basename="habit-check")
