"""Habits: the coach assigns them ("8k steps", "3 litres of water") on some weekdays,
the client ticks them off day by day, and a streak counts the scheduled days done
in a row.

The models live in ``clients`` (Habit, HabitCheck); the rules live here.

Streak rule: walking back from today, count consecutive *scheduled* days that
are done. Days the habit is not scheduled (another weekday, before it started)
neither count nor break the streak. Today, while not done yet, does not break it
either: the day is not over.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client, Habit, HabitCheck
from clients.services.measurements import client_today

WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MAX_VALUE = Decimal("999999.9")
TENTH = Decimal("0.1")
BACKDATE_DAYS = 7  # a client may tick off a day they forgot, up to a week back
STREAK_HORIZON_DAYS = 3650


# --- schedule and streaks (pure) -----------------------------------------------------


def habit_is_scheduled(habit: Habit, on: datetime.date) -> bool:
    """True when ``habit`` is due on ``on``: inside its dates and on one of its weekdays."""
    if habit.starts_on and on < habit.starts_on:
        return False
    if habit.ends_on and on > habit.ends_on:
        return False
    return on.weekday() in (habit.weekdays or [])


def streak_current(
    *,
    done: set[datetime.date],
    is_scheduled: Callable[[datetime.date], bool],
    today: datetime.date,
    earliest: datetime.date,
) -> int:
    """Consecutive scheduled days done, ending today (or yesterday while today is open).

    Unscheduled days are skipped; the walk stops at ``earliest`` (the habit's start)."""
    day = today
    if is_scheduled(today) and today not in done:
        day = today - datetime.timedelta(days=1)  # today is still open
    count = 0
    stop = max(earliest, today - datetime.timedelta(days=STREAK_HORIZON_DAYS))
    while day >= stop:
        if is_scheduled(day):
            if day not in done:
                break
            count += 1
        day -= datetime.timedelta(days=1)
    return count


def streak_best(
    *, done: set[datetime.date], is_scheduled: Callable[[datetime.date], bool], today: datetime.date
) -> int:
    """The longest run of scheduled days done, up to today."""
    best = run = 0
    if not done:
        return 0
    day, last = min(done), today
    while day <= last:
        if is_scheduled(day):
            if day in done:
                run += 1
                best = max(best, run)
            elif day < today:
                run = 0
        day += datetime.timedelta(days=1)
    return best


def weekdays_text(weekdays: Iterable[int]) -> str:
    days = sorted(set(weekdays))
    if days == list(range(7)):
        return _("every day")
    if days == list(range(5)):
        return _("weekdays")
    if days == [5, 6]:
        return _("weekends")
    return ", ".join(WEEKDAY_NAMES[d] for d in days)


# --- validation ------------------------------------------------------------------------


def habit_validate(
    *,
    name: str,
    target: Decimal | None,
    unit: str,
    weekdays: Iterable[int] | None,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> dict:
    """The fields of a habit cleaned (a form or serializer parsed them), or
    ValidationError keyed by field."""
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    unit = " ".join((unit or "").split())
    if not name:
        errors["name"] = _("Name the habit, like “8k steps” or “3 litres of water”.")
    elif len(name) > 80:
        errors["name"] = _("Keep the name to 80 characters.")
    if len(unit) > 20:
        errors["unit"] = _("Keep the unit to 20 characters.")
    if target is not None:
        if target > MAX_VALUE:
            errors["target"] = _("Enter a target below 1,000,000.")
        elif target.quantize(TENTH) <= 0:
            errors["target"] = _("The target must be above zero (or leave it empty).")
        else:
            target = target.quantize(TENTH)
    try:
        days = sorted({int(d) for d in (weekdays if weekdays is not None else range(7))})
    except (TypeError, ValueError):
        days = []
        errors["weekdays"] = _("Choose the days of the week.")
    if not days and "weekdays" not in errors:
        errors["weekdays"] = _("Choose at least one day of the week.")
    elif any(d < 0 or d > 6 for d in days):
        errors["weekdays"] = _("Days of the week are 0 (Monday) to 6 (Sunday).")
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day, like 2025-03-14.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "target": target,
        "unit": unit,
        "weekdays": days,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


# --- state changes ---------------------------------------------------------------------


@transaction.atomic
def habit_assign(
    *,
    client: Client,
    name: str,
    by: User | None,
    target: Decimal | None = None,
    unit: str = "",
    weekdays: Iterable[int] | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Habit:
    """Give ``client`` a habit. Callers check that ``by`` coaches the client."""
    cleaned = habit_validate(
        name=name,
        target=target,
        unit=unit,
        weekdays=weekdays,
        starts_on=starts_on or client_today(client=client),
        ends_on=ends_on,
    )
    return Habit.objects.create(
        client=client,
        created_by=by,
        name=cleaned["name"],
        target=cleaned["target"],
        unit=cleaned["unit"],
        weekdays=cleaned["weekdays"],
        starts_on=cleaned["starts_on"],
        ends_on=cleaned["ends_on"],
    )


@transaction.atomic
def habit_update(
    *,
    habit: Habit,
    name: str,
    target: Decimal | None,
    unit: str,
    weekdays: Iterable[int],
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    by: User | None,
) -> Habit:
    """Change a habit's name, target, unit, days or dates (all of them: a partial change
    sends the others as they are). Past checks stay."""
    cleaned = habit_validate(
        name=name,
        target=target,
        unit=unit,
        weekdays=weekdays,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    habit = Habit.objects.select_for_update().get(pk=habit.pk)
    for field_name, value in cleaned.items():
        setattr(habit, field_name, value)
    habit.save()
    return habit


def habit_archive(*, habit: Habit, by: User | None) -> Habit:
    """Stop a habit: it leaves the client's list; its checks and streak history stay."""
    Habit.objects.filter(pk=habit.pk, archived_at__isnull=True).update(archived_at=timezone.now())
    habit.refresh_from_db()
    return habit


@dataclass
class Checked:
    check: HabitCheck
    created: bool  # False: the day was already checked and was updated


def _check_validate(
    *, habit: Habit, on: datetime.date, value: Decimal | None, today: datetime.date
) -> Decimal | None:
    errors: dict[str, str] = {}
    if habit.archived_at is not None:
        errors["habit"] = _("Your coach has stopped this habit.")
    if on > today:
        errors["date"] = _("You cannot tick off a day that has not come yet.")
    elif on < today - datetime.timedelta(days=BACKDATE_DAYS):
        errors["date"] = _("You can tick off days up to a week back.")
    elif not habit_is_scheduled(habit, on):
        errors["date"] = _("%(habit)s is not planned for that day.") % {"habit": habit.name}
    number = None
    if value is not None:
        if value < 0:
            errors["value"] = _("Enter zero or more.")
        elif value > MAX_VALUE:
            errors["value"] = _("Enter a number below 1,000,000.")
        else:
            number = value.quantize(TENTH)
    if errors:
        raise ValidationError(errors)
    return number


@transaction.atomic
def habit_check(
    *,
    habit: Habit,
    on: datetime.date,
    by: User | None,
    value: Decimal | None = None,
    today: datetime.date | None = None,
) -> Checked:
    """Tick off ``habit`` on ``on``. Idempotent: checking the same day again updates it.

    With a value and a target, the day counts as done when the value reaches the
    target (6,000 of 8,000 steps is logged but not done); without a value it is done."""
    if today is None:
        today = client_today(client=habit.client)
    number = _check_validate(habit=habit, on=on, value=value, today=today)
    is_done = True
    if number is not None and habit.target is not None:
        is_done = number >= habit.target
    defaults = {"value": number, "is_done": is_done, "checked_at": timezone.now()}
    existing = HabitCheck.objects.select_for_update().filter(habit=habit, date=on).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Checked(HabitCheck.objects.create(habit=habit, date=on, **defaults), True)
        except IntegrityError:  # the same tap arrived twice at once
            existing = HabitCheck.objects.select_for_update().get(habit=habit, date=on)
    for name, field_value in defaults.items():
        setattr(existing, name, field_value)
    existing.save(update_fields=list(defaults))
    return Checked(existing, False)


def habit_uncheck(*, habit: Habit, on: datetime.date, by: User | None) -> bool:
    """Undo a tick (a mis-tap). True when there was one."""
    deleted, _rows = HabitCheck.objects.filter(habit=habit, date=on).delete()
    return bool(deleted)
