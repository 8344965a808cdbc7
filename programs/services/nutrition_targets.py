"""A client's daily nutrition targets: set (from a day on), replaced the same day, and
the advice when calories and macros disagree."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from clients.services.measurements import client_today

from ..models import NutritionTarget
from .nutrition import (
    MAX_TARGET_KCAL,
    MIN_TARGET_KCAL,
    TARGET_TOLERANCE,
    kcal_from_macros,
)


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


def target_validate(
    *,
    calories: int | None,
    protein_g: int | None,
    carbs_g: int | None,
    fat_g: int | None,
    starts_on: datetime.date | None,
) -> dict:
    """A target's fields (whole numbers a form or serializer parsed) checked against the
    limits, or ValidationError keyed by field."""
    errors: dict[str, str] = {}
    cleaned = {}
    limits = {
        "calories": (MIN_TARGET_KCAL, MAX_TARGET_KCAL, _("kcal")),
        "protein_g": (0, 1000, "g"),
        "carbs_g": (0, 2000, "g"),
        "fat_g": (0, 1000, "g"),
    }
    given = {"calories": calories, "protein_g": protein_g, "carbs_g": carbs_g, "fat_g": fat_g}
    for key, (low, high, unit) in limits.items():
        value = given[key]
        if value is None:
            errors[key] = _("Enter a whole number.")
        elif not low <= value <= high:
            errors[key] = _("Enter between %(low)s and %(high)s %(unit)s.") % {
                "low": f"{low:,}",
                "high": f"{high:,}",
                "unit": unit,
            }
        else:
            cleaned[key] = value
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
    calories: int | None,
    protein_g: int | None,
    carbs_g: int | None,
    fat_g: int | None,
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


def nutrition_target_delete(*, target: NutritionTarget, by: User | None) -> None:
    """Remove a target: the one before it is in force again from that day."""
    NutritionTarget.objects.filter(pk=target.pk).delete()
