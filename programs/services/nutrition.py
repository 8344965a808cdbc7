"""Nutrition's numbers: rounding, macros of an amount of food, and the limits every
nutrition service checks. The use cases are ``foods``, ``nutrition_targets``,
``meal_plans`` and ``food_log``; the reads are in ``programs.selectors.nutrition``.

Numbers are Decimals. Rounding (stated once, used everywhere): the macros of an
amount of food are ``per 100 g x grams / 100``, rounded half-up to 0.1 (kcal and
grams alike). A meal's, a day's and a plan's totals are sums of those rounded
lines, so the totals always equal what the lines show. The food log copies the
rounded values at logging time: editing a food later never rewrites a diary.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ..models import Food

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


def grams_validate(
    grams: Decimal | None, *, errors: dict, field_name: str = "grams"
) -> Decimal | None:
    """``grams`` rounded to 0.1, or None with an error noted: more than 0, at most 5 kg."""
    if grams is None:
        errors[field_name] = _("Enter the grams.")
    elif grams <= 0:
        errors[field_name] = _("Enter more than 0 g.")
    elif grams > MAX_GRAMS:
        errors[field_name] = _("Enter at most 5000 g.")
    return r1(grams) if field_name not in errors else None
