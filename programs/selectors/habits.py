"""Reads of habits: a client's active habits, and each with today's check, its
streaks and the last seven days (the rules are in ``programs.services.habits``)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

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
    Two queries."""
    habits = list(habits_active_for(client=client, on=today))
    checks: dict[int, dict[datetime.date, HabitCheck]] = {h.pk: {} for h in habits}
    for check in HabitCheck.objects.filter(habit__in=habits, date__lte=today):
        checks[check.habit_id][check.date] = check
    result = []
    for habit in habits:
        scheduled_today = habit_is_scheduled(habit, today)
        if only_due and not scheduled_today:
            continue
        done = {d for d, c in checks[habit.pk].items() if c.is_done}

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
