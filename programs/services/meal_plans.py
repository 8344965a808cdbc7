"""Meal plans: templates and clients' plans, their days, meals and foods with grams.
A client follows one plan at a time; a plan keeps at least one day."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client

from ..models import Food, Meal, MealItem, MealPlan, MealPlanDay
from .nutrition import grams_validate


def _name(value: str, *, field_name: str, limit: int, errors: dict, empty: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        errors[field_name] = empty
    elif len(text) > limit:
        errors[field_name] = _("Keep it to %(n)d characters.") % {"n": limit}
    return text


@transaction.atomic
def meal_plan_create(
    *,
    name: str,
    by: User | None,
    client: Client | None = None,
    notes: str = "",
    is_active: bool = True,
) -> MealPlan:
    """A new plan: a template (no client) or a client's own. Starts with one day. An
    active plan of a client ends their other plans: a client follows one at a time."""
    errors: dict[str, str] = {}
    name = _name(name, field_name="name", limit=120, errors=errors, empty=_("Name the plan."))
    if errors:
        raise ValidationError(errors)
    if client is not None and is_active:
        MealPlan.objects.filter(client=client, is_active=True).update(is_active=False)
    plan = MealPlan.objects.create(
        name=name, client=client, notes=notes or "", is_active=is_active, created_by=by
    )
    MealPlanDay.objects.create(plan=plan, position=1, name=_("Day 1"))
    return plan


@transaction.atomic
def meal_plan_update(
    *,
    plan: MealPlan,
    name: str,
    client: Client | None,
    notes: str,
    is_active: bool,
    by: User | None,
) -> MealPlan:
    """Rename a plan, give it to another client (or make it a template), change its
    notes or whether the client follows it."""
    errors: dict[str, str] = {}
    name = _name(name, field_name="name", limit=120, errors=errors, empty=_("Name the plan."))
    if errors:
        raise ValidationError(errors)
    plan.name, plan.client, plan.notes, plan.is_active = name, client, notes or "", is_active
    plan.save(update_fields=["name", "client", "notes", "is_active"])
    return plan


@transaction.atomic
def meal_plan_delete(*, plan: MealPlan, by: User | None) -> None:
    """Delete a plan with its days, meals and foods (diaries keep what was eaten)."""
    MealPlan.objects.filter(pk=plan.pk).delete()


@transaction.atomic
def meal_plan_copy(
    *, plan: MealPlan, by: User | None, client: Client | None, name: str = ""
) -> MealPlan:
    """Copy a plan (days, meals, foods) for ``client`` (or as a new template). The
    client's earlier plans stop being active: a client follows one plan at a time."""
    if client is not None:
        MealPlan.objects.filter(client=client, is_active=True).update(is_active=False)
    copy = MealPlan.objects.create(
        name=(name or plan.name)[:120], client=client, notes=plan.notes, created_by=by
    )
    for day in plan.days.prefetch_related("meals__items"):
        new_day = MealPlanDay.objects.create(plan=copy, position=day.position, name=day.name)
        for meal in day.meals.all():
            new_meal = Meal.objects.create(day=new_day, position=meal.position, name=meal.name)
            MealItem.objects.bulk_create(
                MealItem(meal=new_meal, position=n, food_id=item.food_id, grams=item.grams)
                for n, item in enumerate(meal.items.all(), 1)
            )
    return copy


@transaction.atomic
def meal_plan_day_add(*, plan: MealPlan, name: str = "") -> MealPlanDay:
    last = plan.days.order_by("-position").values_list("position", flat=True).first() or 0
    errors: dict[str, str] = {}
    name = _name(
        name or _("Day %(n)d") % {"n": last + 1},
        field_name="name",
        limit=60,
        errors=errors,
        empty=_("Name the day."),
    )
    if errors:
        raise ValidationError(errors)
    return MealPlanDay.objects.create(plan=plan, position=last + 1, name=name)


@transaction.atomic
def meal_plan_day_remove(*, day: MealPlanDay, by: User | None = None) -> None:
    """Remove a day with its meals. A plan keeps at least one day."""
    # lock the plan: two removals at once must not leave it without a day
    plan = MealPlan.objects.select_for_update().get(pk=day.plan_id)
    if plan.days.count() <= 1:
        raise ValidationError({"day": _("A plan keeps at least one day.")})
    MealPlanDay.objects.filter(pk=day.pk).delete()


@transaction.atomic
def meal_add(*, day: MealPlanDay, name: str) -> Meal:
    errors: dict[str, str] = {}
    name = _name(name, field_name="meal_name", limit=60, errors=errors, empty=_("Name the meal."))
    if errors:
        raise ValidationError(errors)
    last = day.meals.order_by("-position").values_list("position", flat=True).first() or 0
    return Meal.objects.create(day=day, position=last + 1, name=name)


def meal_remove(*, meal: Meal, by: User | None = None) -> None:
    """Remove a meal with its foods."""
    Meal.objects.filter(pk=meal.pk).delete()


@transaction.atomic
def meal_item_add(*, meal: Meal, food: Food | None, grams: Decimal | None) -> MealItem:
    errors: dict[str, str] = {}
    if food is None:
        errors["food"] = _("Choose a food from the list.")
    elif food.archived_at is not None:
        errors["food"] = _("%(food)s is archived: choose another food.") % {"food": food.name}
    value = grams_validate(grams, errors=errors)
    if errors:
        raise ValidationError(errors)
    meal = Meal.objects.select_for_update().get(pk=meal.pk)  # two adds at once: one position each
    last = meal.items.order_by("-position").values_list("position", flat=True).first() or 0
    return MealItem.objects.create(meal=meal, position=last + 1, food=food, grams=value)


@transaction.atomic
def meal_item_update(*, item: MealItem, grams: Decimal | None) -> MealItem:
    errors: dict[str, str] = {}
    value = grams_validate(grams, errors=errors)
    if errors:
        raise ValidationError(errors)
    item.grams = value
    item.save(update_fields=["grams"])
    return item


def _items_renumber(meal_id: int, order: list[int]) -> None:
    for position, pk in enumerate(order, 1):
        MealItem.objects.filter(pk=pk).update(meal_id=meal_id, position=position)


@transaction.atomic
def meal_item_move(
    *, item: MealItem, meal: Meal, position: int | str | None = None, by: User | None = None
) -> MealItem:
    """Put ``item`` in ``meal`` (of the same plan: another meal, another day, or its own
    meal to reorder) at ``position`` (from 1; the end when None). The foods of the meal
    it leaves and of the meal it joins are numbered 1..n again."""
    item = MealItem.objects.select_related("meal__day").get(pk=item.pk)
    meal = Meal.objects.select_related("day").get(pk=meal.pk)
    if meal.day.plan_id != item.meal.day.plan_id:
        raise ValidationError({"meal": _("Move foods between meals of this plan only.")})
    # one plan at a time: two coaches moving foods of one plan cannot interleave
    MealPlan.objects.select_for_update().get(pk=meal.day.plan_id)
    source_id = item.meal_id
    others = list(
        MealItem.objects.filter(meal=meal).exclude(pk=item.pk).values_list("pk", flat=True)
    )
    if position in (None, ""):
        index = len(others)
    else:
        try:
            index = int(str(position).strip()) - 1
        except (TypeError, ValueError):
            raise ValidationError({"position": _("Give the new place as a number.")}) from None
        if not 0 <= index <= len(others):
            raise ValidationError(
                {"position": _("Choose a place from 1 to %(n)d.") % {"n": len(others) + 1}}
            )
    others.insert(index, item.pk)
    _items_renumber(meal.pk, others)
    if source_id != meal.pk:
        left = MealItem.objects.filter(meal_id=source_id).order_by("position", "pk")
        _items_renumber(source_id, list(left.values_list("pk", flat=True)))
    with connection.cursor() as cursor:  # check the deferred constraint here, not at commit
        cursor.execute("SET CONSTRAINTS meal_item_position_unique IMMEDIATE")
        cursor.execute("SET CONSTRAINTS meal_item_position_unique DEFERRED")
    item.refresh_from_db()
    return item


def meal_item_remove(*, item: MealItem, by: User | None = None) -> None:
    MealItem.objects.filter(pk=item.pk).delete()
