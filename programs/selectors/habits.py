"""Reads of habits: a client's active habits, and each with today's check, its
streaks and the last seven days (the rules are in ``programs.services.habits``)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Q, QuerySet, When

from clients.models import Client, Habit, HabitCheck
from clients.selectors import client_queryset_for
from programs.services.habits import habit_is_scheduled, streak_best, streak_current


@dataclass
class HabitDay:
    habit: Habit
    is_scheduled: bool
    check: HabitCheck | None
    streak: int
    best: int
    week: list[dict] = field(default_factory=list)  # the last 7 days, oldest first

    @property
    def is_done(self) -> bool:
        return bool(self.check and self.check.is_done)


def habits_for(*, user) -> QuerySet[Habit]:
    """The habits of the clients ``user`` may see (``client_queryset_for``)."""
    return Habit.objects.filter(client__in=client_queryset_for(user=user))


def habits_active_for(*, client: Client, on: datetime.date):
    """The client's habits that are not archived and not over on ``on`` (one query)."""
    return (
        Habit.objects.filter(client=client, archived_at__isnull=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("name", "pk")
    )


def habit_days(*, client: Client, today: datetime.date, only_due: bool = False) -> list[HabitDay]:
    """Each active habit with today's check, its streaks and the last seven days.
    Two queries.

    The checks of the last seven days are read whole (they are shown); older ones only
    as the days done, for the streaks: a client two years into three daily habits has
    over 2,000 checks, and making each a model instance (its time stamp parsed) cost
    most of the portal home's time."""
    habits = list(habits_active_for(client=client, on=today))
    week_from = today - datetime.timedelta(days=6)
    checks: dict[int, dict[datetime.date, HabitCheck]] = {h.pk: {} for h in habits}
    done_on: dict[int, set[datetime.date]] = {h.pk: set() for h in habits}
    in_week = Q(date__gte=week_from)
    rows = (
        HabitCheck.objects.filter(habit__in=habits, date__lte=today)
        .filter(in_week | Q(is_done=True))
        .annotate(
            week_value=Case(When(in_week, then="value")),
            week_checked_at=Case(When(in_week, then="checked_at")),
        )
        .order_by()
        .values_list("pk", "habit_id", "date", "week_value", "is_done", "week_checked_at")
    )
    for pk, habit_id, day, value, is_done, checked_at in rows:
        if is_done:
            done_on[habit_id].add(day)
        if day >= week_from:
            checks[habit_id][day] = HabitCheck.from_db(
                rows.db,
                ["id", "habit_id", "date", "value", "is_done", "checked_at"],
                [pk, habit_id, day, value, is_done, checked_at],
            )
    result = []
    for habit in habits:
        scheduled_today = habit_is_scheduled(habit, today)
        if only_due and not scheduled_today:
            continue
        done = done_on[habit.pk]

        def scheduled(d, h=habit):
            return habit_is_scheduled(h, d)

        week = []
        for back in range(6, -1, -1):
            day = today - datetime.timedelta(days=back)
            check = checks[habit.pk].get(day)
            week.append(
                {
                    "date": day,
                    "is_scheduled": scheduled(day),
                    "is_done": bool(check and check.is_done),
                    "is_logged": check is not None,
                    "is_today": day == today,
                }
            )
        result.append(
            HabitDay(
                habit=habit,
                is_scheduled=scheduled_today,
                check=checks[habit.pk].get(today),
                streak=streak_current(
                    done=done, is_scheduled=scheduled, today=today, earliest=habit.starts_on
                ),
                best=streak_best(done=done, is_scheduled=scheduled, today=today),
                week=week,
            )
        )
    return result
