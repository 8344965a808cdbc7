"""Nutrition: the business's food list, daily targets, meal plans and the client's food log.

Numbers are Decimals. Rounding (stated once, used everywhere): the macros of an
amount of food are ``per 100 g x grams / 100``, rounded half-up to 0.1 (kcal and
grams alike). A meal's, a day's and a plan's totals are sums of those rounded
lines, so the totals always equal what the lines show. The food log copies the
rounded values at logging time: editing a food later never rewrites a diary.
"""

import datetime
import uuid as uuid_lib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from clients.services.measurements import client_today

from ..models import Food, FoodLogEntry, Meal, MealItem, MealPlan, MealPlanDay, NutritionTarget

TENTH = Decimal("0.1")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
MACROS = ("kcal", "protein", "carbs", "fat")
KCAL_PER_G = {"protein": Decimal(4), "carbs": Decimal(4), "fat": Decimal(9)}
TARGET_TOLERANCE = Decimal("0.15")  # calories vs 4/4/9 of the macros
MAX_GRAMS = Decimal("5000")
MAX_ENTRY_KCAL = Decimal("5000")  # one custom entry; more is a typo
MAX_ENTRY_MACRO = Decimal("500")
LOG_DAYS_BACK = 366
MIN_TARGET_KCAL, MAX_TARGET_KCAL = 800, 10000


def r1(value) -> Decimal:
    """Round half-up to 0.1."""
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


def number(value, *, field_name: str, errors: dict, message: str | None = None) -> Decimal | None:
    """A Decimal from what a person typed ("12,5" too), or None with an error noted."""
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        result = None
    if result is None or not result.is_finite():
        errors[field_name] = message or _("Enter a number, like 120 or 12.5.")
        return None
    return result


@dataclass
class Macros:
    kcal: Decimal = ZERO
    protein: Decimal = ZERO
    carbs: Decimal = ZERO
    fat: Decimal = ZERO

    def __add__(self, other: "Macros") -> "Macros":
        return Macros(*(getattr(self, m) + getattr(other, m) for m in MACROS))

    def as_dict(self) -> dict:
        return {m: str(getattr(self, m)) for m in MACROS}


def macros_for(*, food: Food, grams: Decimal) -> Macros:
    """The macros of ``grams`` of ``food``, each rounded to 0.1."""
    g = Decimal(str(grams))

    def part(per_100g) -> Decimal:
        return r1(Decimal(str(per_100g)) * g / HUNDRED)

    return Macros(
        kcal=part(food.kcal_100g),
        protein=part(food.protein_100g),
        carbs=part(food.carbs_100g),
        fat=part(food.fat_100g),
    )


def kcal_from_macros(*, protein, carbs, fat) -> Decimal:
    return (
        Decimal(protein) * KCAL_PER_G["protein"]
        + Decimal(carbs) * KCAL_PER_G["carbs"]
        + Decimal(fat) * KCAL_PER_G["fat"]
    )


# --- foods -----------------------------------------------------------------------------


def food_validate(*, data: dict) -> dict:
    """Clean a food's fields (per 100 g), or raise ValidationError keyed by field."""
    errors: dict[str, str] = {}
    name = " ".join((data.get("name") or "").split())
    brand = " ".join((data.get("brand") or "").split())
    if not name:
        errors["name"] = _("Name the food.")
    elif len(name) > 120:
        errors["name"] = _("Keep the name to 120 characters.")
    if len(brand) > 80:
        errors["brand"] = _("Keep the brand to 80 characters.")
    cleaned = {"name": name, "brand": brand}
    limits = {
        "kcal_100g": Decimal("900"),
        "protein_100g": HUNDRED,
        "carbs_100g": HUNDRED,
        "fat_100g": HUNDRED,
    }
    for key, high in limits.items():
        value = number(data.get(key), field_name=key, errors=errors)
        if value is None and key not in errors:
            errors[key] = _("Enter the amount per 100 g (0 if none).")
        elif value is not None and not ZERO <= value <= high:
            errors[key] = _("Per 100 g this is between 0 and %(high)s.") % {"high": high}
        cleaned[key] = r1(value) if value is not None else None
    if not any(k in errors for k in ("protein_100g", "carbs_100g", "fat_100g")):
        if cleaned["protein_100g"] + cleaned["carbs_100g"] + cleaned["fat_100g"] > HUNDRED:
            errors["fat_100g"] = _("Protein, carbs and fat add up to more than 100 g per 100 g.")
    serving = number(data.get("serving_g"), field_name="serving_g", errors=errors)
    if serving is not None and not Decimal("0.1") <= serving <= MAX_GRAMS:
        errors["serving_g"] = _("A portion is between 0.1 and 5000 g (or leave it empty).")
    cleaned["serving_g"] = r1(serving) if serving is not None else None
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def food_create(*, data: dict, by: User | None = None) -> Food:
    return Food.objects.create(**food_validate(data=data))


@transaction.atomic
def food_update(*, food: Food, data: dict, by: User | None = None) -> Food:
    fields = ("name", "brand", "kcal_100g", "protein_100g", "carbs_100g", "fat_100g", "serving_g")
    current = {name: getattr(food, name) for name in fields}
    cleaned = food_validate(data=current | {k: v for k, v in data.items() if k in fields})
    for name, value in cleaned.items():
        setattr(food, name, value)
    food.save()
    return food


def food_archive(*, food: Food, by: User | None = None) -> Food:
    """Hide a food from pickers; plans and diaries that use it keep it."""
    Food.objects.filter(pk=food.pk, archived_at__isnull=True).update(archived_at=timezone.now())
    food.refresh_from_db()
    return food


@transaction.atomic
def foods_ensure_starter() -> int:
    """On first use, give the business the starter food list. Returns how many were added.

    Runs once per business: only while it has no food at all (archived ones
    count), under a table lock so two first visits at once do not both add it."""
    if Food.objects.exists():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Food._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    if Food.objects.exists():
        return 0
    from ..data.starter_foods import STARTER_FOODS

    foods = [
        Food(
            name=name,
            kcal_100g=r1(kcal),
            protein_100g=r1(protein),
            carbs_100g=r1(carbs),
            fat_100g=r1(fat),
            serving_g=r1(serving) if serving else None,
        )
        for name, kcal, protein, carbs, fat, serving in STARTER_FOODS
    ]
    Food.objects.bulk_create(foods)
    return len(foods)


def food_choices():
    """Foods a person can pick now (not archived), by name."""
    return Food.objects.filter(archived_at__isnull=True).order_by("name", "pk")


# --- targets ---------------------------------------------------------------------------


def target_warnings(*, calories, protein_g, carbs_g, fat_g) -> list[str]:
    """Advice, not errors: calories far (over 15 %) from 4/4/9 of the macros."""
    from_macros = kcal_from_macros(protein=protein_g, carbs=carbs_g, fat=fat_g)
    calories = Decimal(calories)
    if calories <= 0:
        return []
    gap = abs(from_macros - calories) / calories
    if gap > TARGET_TOLERANCE:
        return [
            _(
                "The macros add up to %(macro_kcal)s kcal (protein and carbs 4 kcal/g, "
                "fat 9 kcal/g), %(gap)s%% away from the %(kcal)s kcal target. "
                "Check the numbers; it was saved as entered."
            )
            % {
                "macro_kcal": f"{from_macros.quantize(Decimal(1)):,}",
                "gap": (gap * 100).quantize(Decimal(1)),
                "kcal": f"{calories.quantize(Decimal(1)):,}",
            }
        ]
    return []


def target_validate(*, calories, protein_g, carbs_g, fat_g, starts_on) -> dict:
    errors: dict[str, str] = {}
    cleaned = {}
    limits = {
        "calories": (MIN_TARGET_KCAL, MAX_TARGET_KCAL, _("kcal")),
        "protein_g": (0, 1000, "g"),
        "carbs_g": (0, 2000, "g"),
        "fat_g": (0, 1000, "g"),
    }
    raw = {"calories": calories, "protein_g": protein_g, "carbs_g": carbs_g, "fat_g": fat_g}
    for key, (low, high, unit) in limits.items():
        value = number(raw[key], field_name=key, errors=errors, message=_("Enter a whole number."))
        if value is None:
            errors.setdefault(key, _("Enter a whole number."))
            continue
        if value != value.to_integral_value():
            errors[key] = _("Enter a whole number.")
        elif not low <= value <= high:
            errors[key] = _("Enter between %(low)s and %(high)s %(unit)s.") % {
                "low": f"{low:,}",
                "high": f"{high:,}",
                "unit": unit,
            }
        else:
            cleaned[key] = int(value)
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day, like 2025-03-14.")
    if errors:
        raise ValidationError(errors)
    cleaned["starts_on"] = starts_on
    return cleaned


@dataclass
class TargetSet:
    target: NutritionTarget
    created: bool
    warnings: list[str]


@transaction.atomic
def nutrition_target_set(
    *,
    client: Client,
    calories,
    protein_g,
    carbs_g,
    fat_g,
    by: User | None,
    starts_on: datetime.date | None = None,
) -> TargetSet:
    """Set the client's daily targets from ``starts_on`` (today by default) until the
    next target. Setting a target the same day again replaces it. Returns warnings
    (calories not matching the macros) for the coach to read."""
    cleaned = target_validate(
        calories=calories,
        protein_g=protein_g,
        carbs_g=carbs_g,
        fat_g=fat_g,
        starts_on=starts_on or client_today(client=client),
    )
    starts = cleaned.pop("starts_on")
    target, created = NutritionTarget.objects.select_for_update().update_or_create(
        client=client, starts_on=starts, defaults={**cleaned, "set_by": by}
    )
    return TargetSet(target, created, target_warnings(**cleaned))


def target_for(*, client: Client, on: datetime.date) -> NutritionTarget | None:
    """The target in force on ``on`` (one query)."""
    return (
        NutritionTarget.objects.filter(client=client, starts_on__lte=on)
        .order_by("-starts_on")
        .first()
    )


# --- meal plans ------------------------------------------------------------------------


def _name(value: str, *, field_name: str, limit: int, errors: dict, empty: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        errors[field_name] = empty
    elif len(text) > limit:
        errors[field_name] = _("Keep it to %(n)d characters.") % {"n": limit}
    return text


@transaction.atomic
def meal_plan_create(
    *, name: str, by: User | None, client: Client | None = None, notes: str = ""
) -> MealPlan:
    """A new plan: a template (no client) or a client's own. Starts with one day."""
    errors: dict[str, str] = {}
    name = _name(name, field_name="name", limit=120, errors=errors, empty=_("Name the plan."))
    if errors:
        raise ValidationError(errors)
    if client is not None:
        MealPlan.objects.filter(client=client, is_active=True).update(is_active=False)
    plan = MealPlan.objects.create(name=name, client=client, notes=notes or "", created_by=by)
    MealPlanDay.objects.create(plan=plan, position=1, name=_("Day 1"))
    return plan


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
def meal_add(*, day: MealPlanDay, name: str) -> Meal:
    errors: dict[str, str] = {}
    name = _name(name, field_name="meal_name", limit=60, errors=errors, empty=_("Name the meal."))
    if errors:
        raise ValidationError(errors)
    last = day.meals.order_by("-position").values_list("position", flat=True).first() or 0
    return Meal.objects.create(day=day, position=last + 1, name=name)


def grams_validate(grams, *, errors: dict, field_name: str = "grams") -> Decimal | None:
    value = number(grams, field_name=field_name, errors=errors, message=_("Enter the grams."))
    if value is None:
        errors.setdefault(field_name, _("Enter the grams."))
        return None
    if value <= 0:
        errors[field_name] = _("Enter more than 0 g.")
    elif value > MAX_GRAMS:
        errors[field_name] = _("Enter at most 5000 g.")
    return r1(value) if field_name not in errors else None


@transaction.atomic
def meal_item_add(*, meal: Meal, food: Food | None, grams) -> MealItem:
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
def meal_item_update(*, item: MealItem, grams) -> MealItem:
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


@dataclass
class MealTotals:
    meal: Meal
    items: list[tuple[MealItem, Macros]]
    total: Macros


@dataclass
class DayTotals:
    day: MealPlanDay
    meals: list[MealTotals]
    total: Macros


@dataclass
class PlanTotals:
    plan: MealPlan
    days: list[DayTotals] = field(default_factory=list)


def meal_plan_totals(*, plan: MealPlan) -> PlanTotals:
    """Every day, meal and food of ``plan`` with macros per line, meal and day.
    Three queries (days, meals, items with their foods)."""
    days = MealPlanDay.objects.filter(plan=plan).prefetch_related(
        Prefetch("meals", queryset=Meal.objects.order_by("position", "pk")),
        Prefetch(
            "meals__items",
            queryset=MealItem.objects.select_related("food").order_by("position", "pk"),
        ),
    )
    result = PlanTotals(plan=plan)
    for day in days:
        day_total = Macros()
        meals = []
        for meal in day.meals.all():
            items = [
                (item, macros_for(food=item.food, grams=item.grams)) for item in meal.items.all()
            ]
            total = Macros()
            for _item, m in items:
                total = total + m
            meals.append(MealTotals(meal=meal, items=items, total=total))
            day_total = day_total + total
        result.days.append(DayTotals(day=day, meals=meals, total=day_total))
    return result


def meal_plan_for_client(*, client: Client) -> MealPlan | None:
    """The plan the client follows now: their latest active one."""
    return (
        MealPlan.objects.filter(client=client, is_active=True)
        .order_by("-created_at", "-pk")
        .first()
    )


# --- the food log ----------------------------------------------------------------------


@dataclass
class Logged:
    entry: FoodLogEntry
    created: bool  # False: the same client_uuid was sent before (a retried sync)


def food_log_validate(
    *,
    food: Food | None,
    grams,
    name: str,
    custom: dict | None,
    on: datetime.date | None,
    today: datetime.date,
    meal_name: str,
) -> dict:
    """Clean one diary line, or raise ValidationError keyed by field.

    From the food list: ``food`` and ``grams``. A custom entry: ``name``, ``grams`` and
    ``custom`` = {kcal, protein_g, carbs_g, fat_g} for the portion eaten."""
    errors: dict[str, str] = {}
    g = grams_validate(grams, errors=errors)
    meal_name = " ".join((meal_name or "").split())
    if len(meal_name) > 60:
        errors["meal_name"] = _("Keep the meal name to 60 characters.")
    if on is None:
        errors["date"] = _("Enter the day, like 2025-03-14.")
    elif on > today:
        errors["date"] = _("You cannot log a day that has not come yet.")
    elif on < today - datetime.timedelta(days=LOG_DAYS_BACK):
        errors["date"] = _("You can log up to a year back.")
    cleaned: dict = {"date": on, "meal_name": meal_name, "grams": g}
    if food is not None:
        if food.archived_at is not None:
            errors["food"] = _("%(food)s is no longer on the list: choose another.") % {
                "food": food.name
            }
        cleaned["name"] = str(food)[:120]
        cleaned["food"] = food
        if g is not None and not errors:
            m = macros_for(food=food, grams=g)
            cleaned |= {"kcal": m.kcal, "protein_g": m.protein, "carbs_g": m.carbs, "fat_g": m.fat}
    else:
        text = " ".join((name or "").split())
        if not text:
            errors["name"] = _("Choose a food from the list, or name what you ate.")
        elif len(text) > 120:
            errors["name"] = _("Keep the name to 120 characters.")
        cleaned["name"] = text
        cleaned["food"] = None
        custom = custom or {}
        kcal = number(custom.get("kcal"), field_name="kcal", errors=errors)
        if kcal is None and "kcal" not in errors:
            errors["kcal"] = _("Enter the calories of what you ate.")
        elif kcal is not None and not ZERO <= kcal <= MAX_ENTRY_KCAL:
            errors["kcal"] = _("Enter between 0 and 5000 kcal for one entry.")
        cleaned["kcal"] = r1(kcal) if kcal is not None else None
        macro_sum = ZERO
        for key in ("protein_g", "carbs_g", "fat_g"):
            value = number(custom.get(key), field_name=key, errors=errors)
            value = ZERO if value is None and key not in errors else value
            if value is not None and not ZERO <= value <= MAX_ENTRY_MACRO:
                errors[key] = _("Enter between 0 and 500 g.")
            elif value is not None:
                macro_sum += value
            cleaned[key] = r1(value) if value is not None else None
        if g is not None and macro_sum > g and not errors:
            errors["grams"] = _(
                "Protein, carbs and fat (%(macros)s g) cannot weigh more than the portion."
            ) % {"macros": r1(macro_sum)}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def food_log_add(
    *,
    client: Client,
    by: User | None,
    grams,
    food: Food | None = None,
    name: str = "",
    custom: dict | None = None,
    on: datetime.date | None = None,
    meal_name: str = "",
    client_uuid: uuid_lib.UUID | None = None,
    today: datetime.date | None = None,
) -> Logged:
    """Add a line to the client's food diary, macros copied (rounded to 0.1) now.

    ``client_uuid`` makes a retried submission harmless: the same id returns the
    entry made the first time."""
    if today is None:
        today = client_today(client=client)
    if client_uuid is not None:
        existing = FoodLogEntry.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            if existing.client_id != client.pk:
                raise ValidationError({"client_uuid": _("This id is already used.")})
            return Logged(existing, False)
    cleaned = food_log_validate(
        food=food,
        grams=grams,
        name=name,
        custom=custom,
        on=on or today,
        today=today,
        meal_name=meal_name,
    )
    extra = {"client_uuid": client_uuid} if client_uuid else {}
    try:
        with transaction.atomic():
            entry = FoodLogEntry.objects.create(client=client, **cleaned, **extra)
    except IntegrityError:
        entry = FoodLogEntry.objects.filter(client_uuid=client_uuid, client=client).first()
        if entry is None:
            raise ValidationError({"client_uuid": _("This id is already used.")}) from None
        return Logged(entry, False)
    if by is not None and client.user_id == by.pk:
        from clients.services.records import client_touch

        client_touch(client=client)
    return Logged(entry, True)


def food_log_delete(*, entry: FoodLogEntry, by: User | None) -> None:
    FoodLogEntry.objects.filter(pk=entry.pk).delete()


def _progress(value: Decimal, target) -> dict:
    if not target:
        return {
            "value": value,
            "target": None,
            "percent": None,
            "bar": 0,
            "over": False,
            "left": None,
        }
    target = Decimal(target)
    percent = int((value / target * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return {
        "value": value,
        "target": target,
        "percent": percent,
        "bar": min(percent, 100),
        "over": value > target,
        "left": target - value,
    }


@dataclass
class DayLog:
    date: datetime.date
    entries: list[FoodLogEntry]
    total: Macros
    target: NutritionTarget | None
    progress: dict  # per macro: value, target, percent, bar (0-100), over, left


def day_totals(entries) -> Macros:
    total = Macros()
    for e in entries:
        total = total + Macros(kcal=e.kcal, protein=e.protein_g, carbs=e.carbs_g, fat=e.fat_g)
    return total


def food_log_day(*, client: Client, on: datetime.date) -> DayLog:
    """The diary of one day with totals against the target in force. Two queries."""
    entries = list(FoodLogEntry.objects.filter(client=client, date=on).order_by("logged_at", "pk"))
    total = day_totals(entries)
    target = target_for(client=client, on=on)
    progress = {
        "kcal": _progress(total.kcal, target and target.calories),
        "protein": _progress(total.protein, target and target.protein_g),
        "carbs": _progress(total.carbs, target and target.carbs_g),
        "fat": _progress(total.fat, target and target.fat_g),
    }
    return DayLog(on, entries, total, target, progress)


def food_log_history(*, client: Client, before: datetime.date, days: int = 14) -> list[dict]:
    """Totals of the days before ``before`` that have entries, newest first (one query)."""
    since = before - datetime.timedelta(days=days)
    rows = (
        FoodLogEntry.objects.filter(client=client, date__lt=before, date__gte=since)
        .values("date")
        .annotate(
            kcal=Sum("kcal"),
            protein=Sum("protein_g"),
            carbs=Sum("carbs_g"),
            fat=Sum("fat_g"),
            n=Count("pk"),
        )
        .order_by("-date")
    )
    return list(rows)
