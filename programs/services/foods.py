"""The business's food list: add, change, archive and restore foods (macros per
100 g), and the starter list a business gets on first use."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..data.starter_foods import STARTER_FOODS
from ..models import Food
from .nutrition import HUNDRED, MAX_GRAMS, ZERO, r1

FOOD_FIELDS = ("name", "brand", "kcal_100g", "protein_100g", "carbs_100g", "fat_100g", "serving_g")
PER_100G_MAX = {
    "kcal_100g": Decimal("900"),
    "protein_100g": HUNDRED,
    "carbs_100g": HUNDRED,
    "fat_100g": HUNDRED,
}


def food_validate(
    *,
    name: str,
    brand: str = "",
    kcal_100g: Decimal | None,
    protein_100g: Decimal | None,
    carbs_100g: Decimal | None,
    fat_100g: Decimal | None,
    serving_g: Decimal | None = None,
) -> dict:
    """A food's fields cleaned (per 100 g, rounded to 0.1), or ValidationError keyed by
    field. The numbers come parsed (a form, a serializer); None is "not given"."""
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    brand = " ".join((brand or "").split())
    if not name:
        errors["name"] = _("Name the food.")
    elif len(name) > 120:
        errors["name"] = _("Keep the name to 120 characters.")
    if len(brand) > 80:
        errors["brand"] = _("Keep the brand to 80 characters.")
    cleaned: dict = {"name": name, "brand": brand}
    given = {
        "kcal_100g": kcal_100g,
        "protein_100g": protein_100g,
        "carbs_100g": carbs_100g,
        "fat_100g": fat_100g,
    }
    for key, high in PER_100G_MAX.items():
        value = given[key]
        if value is None:
            errors[key] = _("Enter the amount per 100 g (0 if none).")
        elif not ZERO <= value <= high:
            errors[key] = _("Per 100 g this is between 0 and %(high)s.") % {"high": high}
        cleaned[key] = r1(value) if value is not None else None
    if not any(k in errors for k in ("protein_100g", "carbs_100g", "fat_100g")):
        if cleaned["protein_100g"] + cleaned["carbs_100g"] + cleaned["fat_100g"] > HUNDRED:
            errors["fat_100g"] = _("Protein, carbs and fat add up to more than 100 g per 100 g.")
    if serving_g is not None and not Decimal("0.1") <= serving_g <= MAX_GRAMS:
        errors["serving_g"] = _("A portion is between 0.1 and 5000 g (or leave it empty).")
    cleaned["serving_g"] = r1(serving_g) if serving_g is not None else None
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def food_create(
    *,
    name: str,
    brand: str = "",
    kcal_100g: Decimal | None,
    protein_100g: Decimal | None,
    carbs_100g: Decimal | None,
    fat_100g: Decimal | None,
    serving_g: Decimal | None = None,
    by: User | None = None,
) -> Food:
    cleaned = food_validate(
        name=name,
        brand=brand,
        kcal_100g=kcal_100g,
        protein_100g=protein_100g,
        carbs_100g=carbs_100g,
        fat_100g=fat_100g,
        serving_g=serving_g,
    )
    return Food.objects.create(**cleaned)


@transaction.atomic
def food_update(
    *,
    food: Food,
    name: str,
    brand: str = "",
    kcal_100g: Decimal | None,
    protein_100g: Decimal | None,
    carbs_100g: Decimal | None,
    fat_100g: Decimal | None,
    serving_g: Decimal | None = None,
    by: User | None = None,
) -> Food:
    """Change every field of ``food`` (a partial change sends the others as they are)."""
    cleaned = food_validate(
        name=name,
        brand=brand,
        kcal_100g=kcal_100g,
        protein_100g=protein_100g,
        carbs_100g=carbs_100g,
        fat_100g=fat_100g,
        serving_g=serving_g,
    )
    for field_name, value in cleaned.items():
        setattr(food, field_name, value)
    food.save()
    return food


def food_archive(*, food: Food, by: User | None = None) -> Food:
    """Hide a food from pickers; plans and diaries that use it keep it."""
    Food.objects.filter(pk=food.pk, archived_at__isnull=True).update(archived_at=timezone.now())
    food.refresh_from_db()
    return food


def food_restore(*, food: Food, by: User | None = None) -> Food:
    """Bring an archived food back into the pickers."""
    Food.objects.filter(pk=food.pk).update(archived_at=None)
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
