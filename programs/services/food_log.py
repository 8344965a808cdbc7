"""The client's food diary: a line from the food list or a custom entry, macros copied
(rounded to 0.1) when logged, so editing a food later never rewrites a diary."""

import datetime
import uuid as uuid_lib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from clients.services.measurements import client_today
from clients.services.records import client_touch

from ..models import Food, FoodLogEntry
from .nutrition import (
    LOG_DAYS_BACK,
    MAX_ENTRY_KCAL,
    MAX_ENTRY_MACRO,
    ZERO,
    grams_validate,
    macros_for,
    r1,
)


@dataclass(frozen=True)
class CustomEntry:
    """What a client says of something not on the food list, for the portion eaten:
    calories, and the macros when they know them (None: 0 g)."""

    kcal: Decimal | None = None
    protein_g: Decimal | None = None
    carbs_g: Decimal | None = None
    fat_g: Decimal | None = None


@dataclass
class Logged:
    entry: FoodLogEntry
    created: bool  # False: the same client_uuid was sent before (a retried sync)


def food_log_validate(
    *,
    food: Food | None,
    grams: Decimal | None,
    name: str,
    custom: CustomEntry | None,
    on: datetime.date | None,
    today: datetime.date,
    meal_name: str,
) -> dict:
    """Clean one diary line, or raise ValidationError keyed by field.

    From the food list: ``food`` and ``grams``. A custom entry: ``name``, ``grams`` and
    ``custom`` (its kcal and macros)."""
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
        custom = custom or CustomEntry()
        kcal = custom.kcal
        if kcal is None:
            errors["kcal"] = _("Enter the calories of what you ate.")
        elif not ZERO <= kcal <= MAX_ENTRY_KCAL:
            errors["kcal"] = _("Enter between 0 and 5000 kcal for one entry.")
        cleaned["kcal"] = r1(kcal) if kcal is not None else None
        macro_sum = ZERO
        for key in ("protein_g", "carbs_g", "fat_g"):
            value = getattr(custom, key)
            value = ZERO if value is None else value
            if not ZERO <= value <= MAX_ENTRY_MACRO:
                errors[key] = _("Enter between 0 and 500 g.")
            else:
                macro_sum += value
            cleaned[key] = r1(value)
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
    grams: Decimal | None,
    food: Food | None = None,
    name: str = "",
    custom: CustomEntry | None = None,
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
        client_touch(client=client)
    return Logged(entry, True)


def food_log_delete(*, entry: FoodLogEntry, by: User | None) -> None:
    FoodLogEntry.objects.filter(pk=entry.pk).delete()
