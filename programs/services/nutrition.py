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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
