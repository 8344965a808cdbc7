"""Training for the demo business: a generated 4-day program Chloe has followed for a
month (with logged sets and a few personal records), her nutrition targets, a meal
plan, a food diary and habits. Idempotent; a fixed seed keeps every demo alike."""

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from clients.models import Client


@transaction.atomic
def training_demo_seed(*, client: Client, coach: User, owner: User) -> None:
    from .models import Program

    if Program.objects.exists():
        return
    program = _program(owner=owner)
    _follow(program=program, client=client, coach=coach)
    from .models import PersonalRecord, WorkoutLog

    # Chloe saw the older celebrations; the last workout's records are still news
    latest = WorkoutLog.objects.filter(client=client).order_by("-started_at").first()
    PersonalRecord.objects.filter(client=client).exclude(workout=latest).update(is_seen=True)
    _nutrition(client=client, coach=coach, owner=owner)
    _habits(client=client, coach=coach)


def _program(*, owner: User):
    from .services.generator import GYM, intake_validate, program_generate

    intake = intake_validate(
        {
            "goal": "strength",
            "level": "intermediate",
            "days_per_week": 4,
            "minutes": 60,
            "equipment": sorted(GYM),
        }
    )
    generated = program_generate(intake=intake, by=owner, name="Strength foundations · 4 days")
    return generated.program


def _follow(*, program, client: Client, coach: User) -> None:
    """Assign the program from 4½ weeks ago and log the workouts done since, with loads
    that climb (so personal records appear), one missed session and today still open."""
    from .models import Prescription, ScheduledWorkout
    from .services.assignment import assignment_create
    from .services.logging import SetInput, exercise_ref, workout_sync

    today = timezone.localdate()
    start = today - dt.timedelta(days=27)  # four weeks back (the service allows 30)
    (assignment,) = assignment_create(
        program=program, clients=[client], start_date=start, weekdays=[0, 1, 3, 4], by=coach
    )
    rng = random.Random(3)
    past = ScheduledWorkout.objects.filter(assignment=assignment, date__lt=today).order_by("date")
    for index, scheduled in enumerate(past):
        if index == 5:  # one missed session: life happens
            continue
        started = timezone.make_aware(dt.datetime.combine(scheduled.date, dt.time(7, 15)))
        sets = []
        prescriptions = Prescription.objects.filter(block__day=scheduled.day).order_by(
            "block__position", "position"
        )
        for prescription in prescriptions:
            reps = prescription.reps_max or prescription.reps_min or 8
            base = {
                "barbell": 60,
                "dumbbell": 16,
                "cable": 25,
                "machine": 40,
                "kettlebells": 16,
                "e-z curl bar": 25,
            }.get(
                (prescription.catalog_exercise.equipment or ["body only"])[0]
                if prescription.catalog_exercise
                else "body only",
                0,
            )
            load = Decimal(base + 2.5 * (scheduled.week_number - 1)) if base else None
            for number in range(1, prescription.sets + 1):
                sets.append(
                    SetInput(
                        client_uuid=uuid.uuid4(),
                        exercise=exercise_ref(
                            catalog_exercise_id=prescription.catalog_exercise_id,
                            exercise_id=prescription.exercise_id,
                        ),
                        set_number=number,
                        reps=max(1, reps - rng.choice((0, 0, 1))),
                        load_kg=load,
                        rpe=Decimal(rng.choice(("7", "7.5", "8", "8.5"))),
                        prescription=prescription.pk,
                        logged_at=started + dt.timedelta(minutes=3 * len(sets)),
                    )
                )
        result = workout_sync(
            client=client,
            workout_uuid=uuid.uuid4(),
            sets=sets,
            scheduled_id=scheduled.pk,
            started_at=started,
            finished_at=started + dt.timedelta(minutes=55),
            notes=rng.choice(["", "Felt strong today.", "Short on sleep, kept it smooth."]),
            rating=rng.choice((3, 4, 4, 5)),
        )
        if index % 4 == 1:
            result.workout.coach_comment = "Nice work: bar speed looked great on the top sets."
            result.workout.commented_by = coach
            result.workout.save(update_fields=["coach_comment", "commented_by"])


def _nutrition(*, client: Client, coach: User, owner: User) -> None:
    from .models import Food
    from .services.nutrition import (
        food_log_add,
        foods_ensure_starter,
        meal_add,
        meal_item_add,
        meal_plan_copy,
        meal_plan_create,
        nutrition_target_set,
    )

    foods_ensure_starter()
    nutrition_target_set(
        client=client, calories=2100, protein_g=140, carbs_g=230, fat_g=70, by=coach
    )

    def food(word: str) -> Food:
        return Food.objects.filter(name__icontains=word).order_by("name").first()

    plan = meal_plan_create(name="Lean and strong · training day", by=owner)
    day = plan.days.get()
    for meal_name, items in (
        ("Breakfast", (("oat", 80), ("milk", 250), ("banana", 120))),
        ("Lunch", (("chicken", 150), ("rice", 180), ("broccoli", 100))),
        ("Snack", (("yogurt", 200), ("almond", 25))),
        ("Dinner", (("salmon", 140), ("potato", 250), ("spinach", 80))),
    ):
        meal = meal_add(day=day, name=meal_name)
        for word, grams in items:
            found = food(word)
            if found is not None:
                meal_item_add(meal=meal, food=found, grams=grams)
    meal_plan_copy(plan=plan, by=coach, client=client, name="Chloe · training day")
    today = timezone.localdate()
    for days_ago, entries in (
        (1, (("Breakfast", "oat", 80), ("Lunch", "chicken", 150), ("Lunch", "rice", 160))),
        (0, (("Breakfast", "oat", 70), ("Breakfast", "banana", 120))),
    ):
        for meal_name, word, grams in entries:
            found = food(word)
            if found is not None:
                food_log_add(
                    client=client,
                    by=client.user,
                    grams=grams,
                    food=found,
                    meal_name=meal_name,
                    on=today - dt.timedelta(days=days_ago),
                    today=today,
                )


def _habits(*, client: Client, coach: User) -> None:
    from .services.habits import habit_assign, habit_check

    today = timezone.localdate()
    start = today - dt.timedelta(days=21)
    steps = habit_assign(
        client=client,
        name="Walk 8,000 steps",
        target=8000,
        unit="steps",
        by=coach,
        starts_on=start,
    )
    water = habit_assign(client=client, name="Drink 2 litres of water", by=coach, starts_on=start)
    sleep = habit_assign(
        client=client,
        name="Lights out by 23:00",
        weekdays=[6, 0, 1, 2, 3],
        by=coach,
        starts_on=start,
    )
    rng = random.Random(9)
    for days_ago in range(21, 0, -1):  # each ticked on the day itself, as Chloe would
        on = today - dt.timedelta(days=days_ago)
        if days_ago < 9 or rng.random() < 0.7:  # a streak that is still going
            habit_check(
                habit=steps, on=on, by=client.user, value=rng.randrange(8000, 12500), today=on
            )
        if rng.random() < 0.85:
            habit_check(habit=water, on=on, by=client.user, today=on)
        if on.weekday() in sleep.weekdays and rng.random() < 0.6:
            habit_check(habit=sleep, on=on, by=client.user, today=on)
