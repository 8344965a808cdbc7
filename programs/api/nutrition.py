"""API: foods, nutrition targets, meal plans and the food log.

Staff see the clients ``client_queryset_for`` gives them; a client sees their own
record only, which is set here, never taken from the payload. Numbers travel as
decimal strings (kcal and grams to 0.1; see programs.services.nutrition).
"""

import datetime
from collections.abc import Mapping

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.policies import ReadOrStaffWrites, is_staff_member, portal_client, staff_may
from clients.selectors import client_queryset_for
from clients.serializers import ClientField
from clients.services.measurements import client_today

from ..models import Food, FoodLogEntry, Meal, MealItem, MealPlan, MealPlanDay, NutritionTarget
from ..selectors import nutrition as selectors
from ..services import food_log, foods, meal_plans, nutrition_targets
from ..services.foods import FOOD_FIELDS
from .fields import DecimalTextField


def _date_param(request, name: str = "date") -> datetime.date | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError({name: [_("Enter a date like 2025-03-14.")]}) from None


# --- foods ---------------------------------------------------------------------------------


class FoodSerializer(serializers.ModelSerializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    brand = serializers.CharField(required=False, allow_blank=True, max_length=300)
    kcal_100g = DecimalTextField()
    protein_100g = DecimalTextField()
    carbs_100g = DecimalTextField()
    fat_100g = DecimalTextField()
    serving_g = DecimalTextField()
    is_archived = serializers.SerializerMethodField()

    class Meta:
        model = Food
        fields = [
            "id",
            "name",
            "brand",
            "kcal_100g",
            "protein_100g",
            "carbs_100g",
            "fat_100g",
            "serving_g",
            "is_archived",
        ]
        read_only_fields = ["id", "is_archived"]

    def get_is_archived(self, food) -> bool:
        return food.archived_at is not None

    def to_internal_value(self, data):
        # an object, with text where text is expected (a number is not a name); the
        # service checks the values' ranges and gives friendly messages
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Send a JSON object.")]}
            )
        errors = {
            key: [_("Enter text.")]
            for key in ("name", "brand")
            if data.get(key) is not None and not isinstance(data[key], str)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class FoodViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The business's food list, macros per 100 g. Everyone signed in reads it (``q``
    searches names); staff add and change foods; DELETE archives (plans and diaries
    keep using it). The starter list is added on first use."""

    serializer_class = FoodSerializer
    permission_classes = [ReadOrStaffWrites]

    @property
    def write_perm(self):
        return "programs.change_food" if self.action != "create" else "programs.add_food"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Food.objects.none()
        foods.foods_ensure_starter()
        rows = Food.objects.order_by("name", "pk")
        if self.request.query_params.get("archived") not in ("1", "true"):
            rows = rows.filter(archived_at__isnull=True)
        q = self.request.query_params.get("q", "").strip()
        if q:
            rows = rows.filter(Q(name__icontains=q) | Q(brand__icontains=q))
        return rows

    def perform_create(self, serializer):
        values = {name: serializer.validated_data.get(name) for name in FOOD_FIELDS}
        values["name"] = values["name"] or ""
        values["brand"] = values["brand"] or ""
        serializer.instance = foods.food_create(by=self.request.user, **values)

    def perform_update(self, serializer):
        food = serializer.instance
        # a partial change (PATCH) sends the other fields as they are
        values = {name: getattr(food, name) for name in FOOD_FIELDS} | {
            k: v for k, v in serializer.validated_data.items() if k in FOOD_FIELDS
        }
        serializer.instance = foods.food_update(food=food, by=self.request.user, **values)

    def perform_destroy(self, instance):
        foods.food_archive(food=instance, by=self.request.user)


# --- targets -------------------------------------------------------------------------------


class WholeNumberField(serializers.IntegerField):
    """A whole number, 2000 or "2000" (the service checks its range)."""

    default_error_messages = {"invalid": _lazy("Enter a whole number.")}


class NutritionTargetSerializer(serializers.ModelSerializer):
    client = ClientField(required=False)
    calories = WholeNumberField()
    protein_g = WholeNumberField()
    carbs_g = WholeNumberField()
    fat_g = WholeNumberField()
    starts_on = serializers.DateField(
        required=False, error_messages={"invalid": _("Enter a date like 2025-03-14.")}
    )

    class Meta:
        model = NutritionTarget
        fields = [
            "id",
            "client",
            "starts_on",
            "calories",
            "protein_g",
            "carbs_g",
            "fat_g",
            "set_by",
        ]
        read_only_fields = ["id", "set_by"]
        validators = []

    def to_representation(self, target):
        data = super().to_representation(target)
        for key in ("calories", "protein_g", "carbs_g", "fat_g"):
            data[key] = getattr(target, key)
        return data


class NutritionTargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Daily targets, newest first. Staff set them for their clients (POST again on the
    same ``starts_on`` replaces it; the response carries ``warnings`` when calories are
    more than 15 % from 4/4/9 of the macros). A client reads their own."""

    serializer_class = NutritionTargetSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NutritionTarget.objects.none()
        rows = NutritionTarget.objects.filter(
            client__in=client_queryset_for(user=self.request.user)
        )
        client = self.request.query_params.get("client", "")
        if client.isdigit():
            rows = rows.filter(client_id=int(client))
        return rows.order_by("client_id", "-starts_on")

    def create(self, request, *args, **kwargs):
        if not staff_may(request.user, "programs.add_nutritiontarget"):
            raise PermissionDenied(_("Only your coach sets your targets."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("client") is None:
            raise serializers.ValidationError({"client": [_("Choose the client.")]})
        result = nutrition_targets.nutrition_target_set(
            client=data["client"],
            calories=data["calories"],
            protein_g=data["protein_g"],
            carbs_g=data["carbs_g"],
            fat_g=data["fat_g"],
            starts_on=data.get("starts_on"),
            by=request.user,
        )
        out = self.get_serializer(result.target).data
        out["warnings"] = result.warnings
        return Response(
            out, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    def perform_destroy(self, instance):
        if not staff_may(self.request.user, "programs.delete_nutritiontarget"):
            raise PermissionDenied
        nutrition_targets.nutrition_target_delete(target=instance, by=self.request.user)


# --- meal plans ----------------------------------------------------------------------------


def plan_json(plan: MealPlan) -> dict:
    totals = selectors.meal_plan_totals(plan=plan)
    return {
        "id": plan.pk,
        "name": plan.name,
        "client": plan.client_id,
        "notes": plan.notes,
        "is_active": plan.is_active,
        "is_template": plan.client_id is None,
        "days": [
            {
                "id": d.day.pk,
                "position": d.day.position,
                "name": d.day.name,
                "totals": d.total.as_dict(),
                "meals": [
                    {
                        "id": m.meal.pk,
                        "name": m.meal.name,
                        "totals": m.total.as_dict(),
                        "items": [
                            {
                                "id": item.pk,
                                "food": item.food_id,
                                "food_name": str(item.food),
                                "grams": str(item.grams),
                                **macros.as_dict(),
                            }
                            for item, macros in m.items
                        ],
                    }
                    for m in d.meals
                ],
            }
            for d in totals.days
        ],
    }


class MealPlanSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    client = ClientField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    copy_from = serializers.IntegerField(required=False)


class ItemSerializer(serializers.Serializer):
    meal = serializers.IntegerField(required=False)
    day = serializers.IntegerField(required=False)
    meal_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    food = serializers.IntegerField(required=False)
    grams = DecimalTextField()


class ItemRemoveSerializer(serializers.Serializer):
    item = serializers.IntegerField(required=False)
    meal = serializers.IntegerField(required=False)
    day = serializers.IntegerField(required=False)


class MacrosSerializer(serializers.Serializer):
    """Energy and macros, decimal text to 0.1 (kcal, grams)."""

    kcal = serializers.CharField()
    protein = serializers.CharField()
    carbs = serializers.CharField()
    fat = serializers.CharField()


class MealPlanItemOutSerializer(MacrosSerializer):
    id = serializers.IntegerField()
    food = serializers.IntegerField(allow_null=True)
    food_name = serializers.CharField()
    grams = serializers.CharField()


class MealOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    totals = MacrosSerializer()
    items = MealPlanItemOutSerializer(many=True)


class MealPlanDayOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    totals = MacrosSerializer()
    meals = MealOutSerializer(many=True)


class MealPlanOutSerializer(serializers.Serializer):
    """A plan as ``plan_json`` gives it: days -> meals -> items, with totals."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    client = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField()
    is_active = serializers.BooleanField()
    is_template = serializers.BooleanField()
    days = MealPlanDayOutSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("client", int, description="Only this client's plans"),
            OpenApiParameter("template", bool, description="Only templates"),
        ],
        responses=MealPlanOutSerializer(many=True),
    ),
    retrieve=extend_schema(responses=MealPlanOutSerializer),
    create=extend_schema(request=MealPlanSerializer, responses={201: MealPlanOutSerializer}),
    destroy=extend_schema(responses={204: None}),
)
class MealPlanViewSet(viewsets.GenericViewSet):
    """Meal plans: days -> meals -> foods with grams, totals per meal and day.

    Staff see templates and their clients' plans, create them (``copy_from`` copies a
    plan for ``client``), add days, meals and foods, and delete plans. A client reads
    their own active plan(s)."""

    serializer_class = MealPlanSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MealPlan.objects.none()
        user = self.request.user
        mine = Q(client__in=client_queryset_for(user=user))
        if is_staff_member(user):
            return selectors.meal_plans_for(user=user).order_by("name", "pk")
        return MealPlan.objects.filter(mine, is_active=True).order_by("-created_at", "-pk")

    def _require_staff(self, perm: str) -> None:
        if not staff_may(self.request.user, perm):
            raise PermissionDenied(_("Only coaches change meal plans."))

    def list(self, request):
        plans = self.get_queryset()
        client = request.query_params.get("client", "")
        if client.isdigit():
            plans = plans.filter(client_id=int(client))
        if request.query_params.get("template") in ("1", "true"):
            plans = plans.filter(client__isnull=True)
        page = self.paginate_queryset(plans)
        return self.get_paginated_response([plan_json(p) for p in page])

    def retrieve(self, request, pk=None):
        return Response(plan_json(self.get_object()))

    def create(self, request):
        self._require_staff("programs.add_mealplan")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = data.get("client")
        if "copy_from" in data:
            source = self.get_queryset().filter(pk=data["copy_from"]).first()
            if source is None:
                raise serializers.ValidationError({"copy_from": [_("Choose one of your plans.")]})
            plan = meal_plans.meal_plan_copy(
                plan=source, client=client, by=request.user, name=data.get("name", "")
            )
        else:
            plan = meal_plans.meal_plan_create(
                name=data.get("name", ""),
                client=client,
                notes=data.get("notes", ""),
                by=request.user,
            )
        return Response(plan_json(plan), status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        self._require_staff("programs.delete_mealplan")
        meal_plans.meal_plan_delete(plan=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ItemSerializer, responses={201: MealPlanOutSerializer})
    @action(detail=True, methods=["post"], url_path="items", serializer_class=ItemSerializer)
    def add_item(self, request, pk=None):
        """Add a day (``{}``), a meal (``{"day", "meal_name"}``) or a food to a meal
        (``{"meal", "food", "grams"}``)."""
        self._require_staff("programs.change_mealplan")
        plan = self.get_object()  # DRF's lookup: an id that is not a number is a 404
        serializer = ItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "meal" in data:
            meal = Meal.objects.filter(pk=data["meal"], day__plan=plan).first()
            if meal is None:
                raise serializers.ValidationError({"meal": [_("Choose a meal of this plan.")]})
            food = Food.objects.filter(pk=data.get("food")).first() if data.get("food") else None
            meal_plans.meal_item_add(meal=meal, food=food, grams=data.get("grams"))
        elif "day" in data:
            day = MealPlanDay.objects.filter(pk=data["day"], plan=plan).first()
            if day is None:
                raise serializers.ValidationError({"day": [_("Choose a day of this plan.")]})
            meal_plans.meal_add(day=day, name=data.get("meal_name", ""))
        else:
            meal_plans.meal_plan_day_add(plan=plan, name=data.get("name", ""))
        return Response(plan_json(plan), status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemRemoveSerializer, responses={200: MealPlanOutSerializer})
    @add_item.mapping.delete
    def remove_item(self, request, pk=None):
        """Remove a food (``{"item"}``), a meal with its foods (``{"meal"}``) or a day
        with its meals (``{"day"}``; a plan keeps at least one day)."""
        self._require_staff("programs.change_mealplan")
        plan = self.get_object()
        serializer = ItemRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "item" in data:
            item = MealItem.objects.filter(pk=data["item"], meal__day__plan=plan).first()
            if item is None:
                raise serializers.ValidationError({"item": [_("Choose a food of this plan.")]})
            meal_plans.meal_item_remove(item=item, by=request.user)
        elif "meal" in data:
            meal = Meal.objects.filter(pk=data["meal"], day__plan=plan).first()
            if meal is None:
                raise serializers.ValidationError({"meal": [_("Choose a meal of this plan.")]})
            meal_plans.meal_remove(meal=meal, by=request.user)
        elif "day" in data:
            day = MealPlanDay.objects.filter(pk=data["day"], plan=plan).first()
            if day is None:
                raise serializers.ValidationError({"day": [_("Choose a day of this plan.")]})
            meal_plans.meal_plan_day_remove(day=day, by=request.user)
        else:
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Name the item, meal or day to remove.")]}
            )
        return Response(plan_json(plan))


# --- the food log --------------------------------------------------------------------------


class FoodLogSerializer(serializers.ModelSerializer):
    food = serializers.PrimaryKeyRelatedField(
        queryset=Food.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Choose a food from the list.")},
    )
    grams = DecimalTextField(required=True)
    date = serializers.DateField(
        required=False, error_messages={"invalid": _("Enter a date like 2025-03-14.")}
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    meal_name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    kcal = DecimalTextField()
    protein_g = DecimalTextField()
    carbs_g = DecimalTextField()
    fat_g = DecimalTextField()
    client_uuid = serializers.UUIDField(required=False)

    class Meta:
        model = FoodLogEntry
        fields = [
            "id",
            "client",
            "date",
            "meal_name",
            "food",
            "name",
            "grams",
            "kcal",
            "protein_g",
            "carbs_g",
            "fat_g",
            "client_uuid",
            "logged_at",
        ]
        read_only_fields = ["id", "client", "logged_at"]
        validators = []

    def to_representation(self, entry):
        return {
            "id": entry.pk,
            "client": entry.client_id,
            "date": entry.date.isoformat(),
            "meal_name": entry.meal_name,
            "food": entry.food_id,
            "name": entry.name,
            "grams": str(entry.grams),
            "kcal": str(entry.kcal),
            "protein_g": str(entry.protein_g),
            "carbs_g": str(entry.carbs_g),
            "fat_g": str(entry.fat_g),
            "client_uuid": str(entry.client_uuid),
            "logged_at": entry.logged_at.isoformat(),
        }


class DayTargetSerializer(serializers.Serializer):
    calories = serializers.IntegerField()
    protein_g = serializers.IntegerField()
    carbs_g = serializers.IntegerField()
    fat_g = serializers.IntegerField()
    starts_on = serializers.DateField()


class DayPercentSerializer(serializers.Serializer):
    """Percent of the target eaten, per macro (null without a target)."""

    kcal = serializers.IntegerField(allow_null=True)
    protein = serializers.IntegerField(allow_null=True)
    carbs = serializers.IntegerField(allow_null=True)
    fat = serializers.IntegerField(allow_null=True)


class FoodLogDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    totals = MacrosSerializer()
    target = DayTargetSerializer(allow_null=True)
    percent = DayPercentSerializer()
    entries = FoodLogSerializer(many=True)


def day_json(day: selectors.DayLog) -> dict:
    target = day.target
    return {
        "date": day.date.isoformat(),
        "totals": day.total.as_dict(),
        "target": None
        if target is None
        else {
            "calories": target.calories,
            "protein_g": target.protein_g,
            "carbs_g": target.carbs_g,
            "fat_g": target.fat_g,
            "starts_on": target.starts_on.isoformat(),
        },
        "percent": {k: v["percent"] for k, v in day.progress.items()},
        "entries": [FoodLogSerializer().to_representation(e) for e in day.entries],
    }


class FoodLogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The food diary. A client logs their own (a food and grams, or a custom entry with
    name, grams and its kcal and macros); a repeated ``client_uuid`` returns the first
    entry (200). Staff read their clients' diaries. ``day/?date=`` gives one day's
    entries and totals against the target."""

    serializer_class = FoodLogSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FoodLogEntry.objects.none()
        rows = FoodLogEntry.objects.filter(client__in=client_queryset_for(user=self.request.user))
        params = self.request.query_params
        if params.get("client", "").isdigit():
            rows = rows.filter(client_id=int(params["client"]))
        on = _date_param(self.request)
        if on:
            rows = rows.filter(date=on)
        return rows.order_by("-date", "-logged_at", "-pk")

    def create(self, request, *args, **kwargs):
        client = portal_client(request)
        if client is None:
            raise PermissionDenied(_("Only clients keep a food log."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        logged = food_log.food_log_add(
            client=client,
            by=request.user,
            food=data.get("food"),
            grams=data.get("grams"),
            name=data.get("name", ""),
            custom=food_log.CustomEntry(
                kcal=data.get("kcal"),
                protein_g=data.get("protein_g"),
                carbs_g=data.get("carbs_g"),
                fat_g=data.get("fat_g"),
            ),
            on=data.get("date"),
            meal_name=data.get("meal_name", ""),
            client_uuid=data.get("client_uuid"),
            today=client_today(client=client, business=request.tenant),
        )
        return Response(
            self.get_serializer(logged.entry).data,
            status=status.HTTP_201_CREATED if logged.created else status.HTTP_200_OK,
        )

    def perform_destroy(self, instance):
        if is_staff_member(self.request.user) or instance.client.user_id != self.request.user.pk:
            raise PermissionDenied(_("Only the client changes their food log."))
        food_log.food_log_delete(entry=instance, by=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("date", str, description="The day (default today)"),
            OpenApiParameter("client", int, description="Staff: the client"),
        ],
        responses=FoodLogDaySerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def day(self, request):
        client = portal_client(request)
        if is_staff_member(request.user):
            raw = request.query_params.get("client", "")
            client = (
                client_queryset_for(user=request.user).filter(pk=int(raw)).first()
                if raw.isdigit()
                else None
            )
            if client is None:
                raise serializers.ValidationError({"client": [_("Choose one of your clients.")]})
        if client is None:
            raise PermissionDenied
        on = _date_param(request) or client_today(client=client, business=request.tenant)
        return Response(day_json(selectors.food_log_day(client=client, on=on)))


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("foods", FoodViewSet, basename="food")
    router.register("nutrition-targets", NutritionTargetViewSet, basename="nutrition-target")
    router.register("meal-plans", MealPlanViewSet, basename="meal-plan")
    router.register("food-log", FoodLogViewSet, basename="food-log")
