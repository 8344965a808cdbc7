"""Reads of nutrition: the food list and its typo-tolerant search by name (the same
rules as the exercise library's: each word starts a word of the name or is one slip
from one), the target in force, a meal plan with its totals, and a day of the food
log against the target."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from clients.models import Client
from clients.selectors import client_queryset_for
from mectofitness.core.fuzzy import one_slip_apart
from programs.catalog.text import normalise
from programs.models import (
    Food,
    FoodLogEntry,
    Meal,
    MealItem,
    MealPlan,
    MealPlanDay,
    NutritionTarget,
)
from programs.services.nutrition import Macros, macros_for

FOOD_RESULTS = 8


@dataclass(frozen=True)
class FoodMatch:
    food: Food
    score: float
    is_exact: bool


def _word_score(word: str, name_words: list[str]) -> float:
    """3: a word of the name; 2: the start of one; 1.5: one slip from one (or from the
    start of one, for a word being typed); 0: none."""
    best = 0.0
    for candidate in name_words:
        if candidate == word:
            return 3.0
        if candidate.startswith(word):
            best = max(best, 2.0)
        elif len(word) >= 3 and (
            one_slip_apart(word, candidate)
            or one_slip_apart(word, candidate[: len(word)])
            or one_slip_apart(word, candidate[: len(word) + 1])
        ):
            best = max(best, 1.5)
    return best


def food_search(*, query: str, limit: int = FOOD_RESULTS) -> list[FoodMatch]:
    """Foods a person can pick whose name (or brand) has every word of ``query``, spelt
    as typed or with one slip per word ("banan", "bananna", "greek yoghurt"), best
    first: the name itself, then names whose words all matched, then more exact words,
    then shorter names. One query (the list is a hundred or so rows)."""
    words = normalise(query).split()
    if not words:
        return []
    matches = []
    for food in food_choices():
        key = normalise(food.name)
        name_words = key.split() + normalise(food.brand).split()
        scores = [_word_score(word, name_words) for word in words]
        if not all(scores):
            continue
        is_exact = key == " ".join(words)
        covered = len(words) >= len(key.split())  # no word of the name left over
        score = sum(scores) + (10 if is_exact else 0) + (1 if covered else 0)
        matches.append(FoodMatch(food=food, score=score, is_exact=is_exact))
    matches.sort(key=lambda m: (-m.score, len(m.food.name), m.food.name))
    return matches[:limit]


def food_meant(*, query: str) -> tuple[Food | None, list[Food]]:
    """(the food ``query`` names, when one stands out; the candidates otherwise): a name
    as typed or one clear best match ("bananna" -> Banana); several equally good
    ("bread") or none -> (None, the best few)."""
    matches = food_search(query=query)
    if not matches:
        return None, []
    best = matches[0]
    if best.is_exact or len(matches) == 1 or best.score > matches[1].score:
        return best.food, []
    return None, [m.food for m in matches]


# --- foods, targets, meal plans and the food log ---------------------------------------


def food_choices():
    """Foods a person can pick now (not archived), by name."""
    return Food.objects.filter(archived_at__isnull=True).order_by("name", "pk")


def target_for(*, client: Client, on: datetime.date) -> NutritionTarget | None:
    """The target in force on ``on`` (one query)."""
    return (
        NutritionTarget.objects.filter(client=client, starts_on__lte=on)
        .order_by("-starts_on")
        .first()
    )


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


def meal_plans_for(*, user) -> QuerySet[MealPlan]:
    """The plans ``user`` may open: templates (no client) and the plans of the clients
    ``client_queryset_for`` gives them."""
    return MealPlan.objects.filter(
        Q(client__isnull=True) | Q(client__in=client_queryset_for(user=user))
    )


def meal_plan_for_client(*, client: Client) -> MealPlan | None:
    """The plan the client follows now: their latest active one."""
    return (
        MealPlan.objects.filter(client=client, is_active=True)
        .order_by("-created_at", "-pk")
        .first()
    )


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
