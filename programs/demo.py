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
from programs.catalog.models import Measurement

from .models import (
    Food,
    PersonalRecord,
    Prescription,
    Program,
    ScheduledWorkout,
    SetLog,
    WorkoutLog,
)
from .services.assignment import assignment_create
from .services.food_log import food_log_add
from .services.foods import foods_ensure_starter
from .services.generator import intake_build, program_generate
from .services.generator_rules import GYM
from .services.habits import habit_assign, habit_check
from .services.logging import SetInput, workout_sync
from .services.meal_plans import meal_add, meal_item_add, meal_plan_copy, meal_plan_create
from .services.nutrition_targets import nutrition_target_set
from .services.records import records_refresh
from .values import exercise_ref


@transaction.atomic
def training_demo_seed(*, client: Client, coach: User, owner: User) -> None:
    if Program.objects.exists():
        return
    program = _program(owner=owner)
    _follow(program=program, client=client, coach=coach)
    # Chloe saw the older celebrations; the last workout's records are still news
    latest = WorkoutLog.objects.filter(client=client).order_by("-started_at").first()
    PersonalRecord.objects.filter(client=client).exclude(workout=latest).update(is_seen=True)
    _nutrition(client=client, coach=coach, owner=owner)
    _habits(client=client, coach=coach)


def _program(*, owner: User):
    intake = intake_build(
        goal="strength", level="intermediate", days_per_week=4, minutes=60, equipment=GYM
    )
    generated = program_generate(intake=intake, by=owner, name="Strength foundations · 4 days")
    return generated.program


# Chloe's working loads (kg) at the start of the month, by the words in a lift's name
# (first match wins), as a barbell or machine load; dumbbells and kettlebells are per hand.
STARTING_LOADS = (
    ("romanian deadlift", 55),
    ("stiff-legged", 50),
    ("deadlift", 80),
    ("hip thrust", 70),
    ("glute bridge", 50),
    ("front squat", 45),
    ("split squat", 30),
    ("goblet", 40),
    ("squat", 62.5),
    ("leg press", 110),
    ("lunge", 30),
    ("step-up", 25),
    ("incline", 35),
    ("decline", 40),
    ("bench press", 42.5),
    ("push press", 35),
    ("press", 30),
    ("pulldown", 40),
    ("pull-down", 40),
    ("pullover", 25),
    ("row", 40),
    ("shrug", 50),
    ("leg curl", 30),
    ("leg extension", 35),
    ("calf", 45),
    ("face pull", 15),
    ("fly", 25),
    ("flye", 25),
    ("crossover", 20),
    ("curl", 20),
    ("extension", 20),
    ("pushdown", 20),
    ("kickback", 15),
    ("raise", 15),
    ("swing", 40),
    ("clean", 40),
    ("snatch", 30),
    ("good morning", 35),
    ("crunch", 25),
    ("woodchop", 15),
    ("carry", 40),
)
FALLBACK_LOADS = {"barbell": 40, "dumbbell": 25, "kettlebells": 32, "cable": 25, "machine": 40}
PER_HAND = {"dumbbell": 0.4, "kettlebells": 0.4}
STEPS = {
    "barbell": Decimal("2.5"),
    "e-z curl bar": Decimal("2.5"),
    "dumbbell": Decimal("2"),
    "kettlebells": Decimal("4"),
    "machine": Decimal("5"),
}


def demo_starting_load(name: str, equipment: str) -> Decimal | None:
    """A believable first working load for ``name`` done with ``equipment``, or None
    for lifts done with the body's own weight. Rounded to what the gym has: 2.5 kg
    plates, 2 kg dumbbell and 4 kg kettlebell steps, 5 kg on a stack (2.5 for cables)."""
    if equipment not in FALLBACK_LOADS and equipment != "e-z curl bar":
        return None
    lowered = name.lower()
    load = next(
        (kg for words, kg in STARTING_LOADS if words in lowered),
        FALLBACK_LOADS.get(equipment, 25),
    )
    load = Decimal(str(load)) * Decimal(str(PER_HAND.get(equipment, 1)))
    step = demo_load_step(equipment)
    return max(step, (load / step).quantize(Decimal("1")) * step)


def _set_values(prescription, exercise, load: Decimal | None) -> tuple:
    """What a demo set of ``prescription`` records, by what its exercise measures, as
    ``(reps, load, seconds, metres)``: reps at ``load``; a time or a distance (or both)
    as prescribed, without reps or load; reps alone for a bodyweight exercise."""
    reps = prescription.reps_max or prescription.reps_min or 8
    seconds = metres = None
    measured = exercise.measurement
    if measured in (Measurement.TIME, Measurement.TIME_DISTANCE):
        seconds, reps, load = prescription.duration_seconds or 45, None, None
    if measured in (Measurement.DISTANCE, Measurement.TIME_DISTANCE):
        metres, reps, load = prescription.distance_m or 400, None, None
    if measured == Measurement.REPS:
        load = None
    return reps, load, seconds, metres


def demo_load_step(equipment: str) -> Decimal:
    return STEPS.get(equipment, Decimal("2.5"))


def _follow(*, program, client: Client, coach: User) -> None:
    """Assign the program from 4½ weeks ago and log the workouts done since, one missed
    session among them and today still open.

    Each lift starts at its own working load (``STARTING_LOADS``) and is repeated at that
    load for the prescribed reps, feeling easier each week; a few times in the month the
    day's main lift goes up a step: those are her records, the newest still unseen in the
    portal."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=27)  # four weeks back (the service allows 30)
    (assignment,) = assignment_create(
        program=program, clients=[client], start_date=start, weekdays=[0, 1, 3, 4], by=coach
    )
    rng = random.Random(3)
    past = list(
        ScheduledWorkout.objects.filter(assignment=assignment, date__lt=today).order_by("date")
    )
    done = [scheduled for index, scheduled in enumerate(past) if index != 5]  # life happens
    # the sessions where the day's main lift goes up: the last one is still news
    breakthroughs = {3, 7, 10, len(done) - 1}
    loads: dict[int | None, Decimal | None] = {}
    for index, scheduled in enumerate(done):
        started = timezone.make_aware(dt.datetime.combine(scheduled.date, dt.time(7, 15)))
        sets = []
        prescriptions = list(
            Prescription.objects.filter(block__day=scheduled.day)
            .select_related("catalog_exercise", "exercise")
            .order_by("block__position", "position")
        )
        raised = False
        for prescription in prescriptions:
            exercise = prescription.catalog_exercise or prescription.exercise
            equipment = (exercise.equipment or ["body only"])[0]
            key = prescription.catalog_exercise_id or -prescription.exercise_id
            if key not in loads:
                loads[key] = demo_starting_load(exercise.name, equipment)
            reps, load, seconds, metres = _set_values(prescription, exercise, loads[key])
            if index in breakthroughs and not raised and load is not None and load >= 20:
                load = loads[key] = load + demo_load_step(equipment)
                raised = True
            for number in range(1, prescription.sets + 1):
                # the same reps at the same load feel easier week by week; the last set
                # of a session is the hardest
                effort = Decimal("8.5") - Decimal("0.5") * min(2, scheduled.week_number - 1)
                if number == prescription.sets:
                    effort += Decimal(rng.choice(("0.5", "1")))
                sets.append(
                    SetInput(
                        client_uuid=uuid.uuid4(),
                        exercise=exercise_ref(
                            catalog_exercise_id=prescription.catalog_exercise_id,
                            exercise_id=prescription.exercise_id,
                        ),
                        set_number=number,
                        reps=reps,
                        load_kg=load,
                        duration_seconds=seconds,
                        distance_m=metres,
                        rpe=effort,
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
            notify=False,
        )
        if index % 4 == 1:
            # history: commented the next morning, long read (no badge, no e-mail)
            commented = started + dt.timedelta(hours=18)
            result.workout.coach_comment = "Nice work: bar speed looked great on the top sets."
            result.workout.commented_by = coach
            result.workout.commented_at = commented
            result.workout.comment_seen_at = result.workout.comment_mailed_at = commented
            result.workout.save(
                update_fields=[
                    "coach_comment",
                    "commented_by",
                    "commented_at",
                    "comment_seen_at",
                    "comment_mailed_at",
                ]
            )


def _nutrition(*, client: Client, coach: User, owner: User) -> None:
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
    today = timezone.localdate()
    start = today - dt.timedelta(days=21)
    steps = habit_assign(
        client=client,
        name="Walk 8,000 steps",
        target=Decimal(8000),
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
                habit=steps,
                on=on,
                by=client.user,
                value=Decimal(rng.randrange(8000, 12500)),
                today=on,
            )
        if rng.random() < 0.85:
            habit_check(habit=water, on=on, by=client.user, today=on)
        if on.weekday() in sleep.weekdays and rng.random() < 0.6:
            habit_check(habit=sleep, on=on, by=client.user, today=on)


# --- the fuller roster ------------------------------------------------------------------

# (name, goal, level, days a week, minutes, weekdays)
ROSTER_PROGRAMS = [
    ("Muscle builder · 3 days", "hypertrophy", "intermediate", 3, 60, [0, 2, 4]),
    ("Lean and fit · 3 days", "fat_loss", "beginner", 3, 45, [0, 2, 4]),
]
# how many of their scheduled workouts each client does, in turn: most train, a few
# slip, one has stopped (Today's "missed workouts" and "gone quiet")
ADHERENCE = (1.0, 0.9, 0.75, 1.0, 0.5, 0.9, 0.0, 0.8)


@transaction.atomic
def training_demo_roster_seed(*, clients: list[Client], coach: User, owner: User) -> int:
    """Programs for the roster's active ``clients`` (two more generated templates and
    Chloe's, each client on one, started one to four weeks ago) and the workouts they
    logged since, each client as diligent as ``ADHERENCE`` says. Returns the workouts
    logged. Run once, with the roster (``clients.demo.clients_demo_roster_seed``)."""
    if not clients:
        return 0
    templates = list(Program.objects.filter(is_template=True, client__isnull=True)[:1])
    for name, goal, level, days, minutes, _weekdays in ROSTER_PROGRAMS:
        intake = intake_build(
            goal=goal, level=level, days_per_week=days, minutes=minutes, equipment=GYM
        )
        templates.append(program_generate(intake=intake, by=owner, name=name).program)
    weekdays = [[0, 1, 3, 4]] * (len(templates) - len(ROSTER_PROGRAMS))
    weekdays += [w for *_rest, w in ROSTER_PROGRAMS]
    today = timezone.localdate()
    groups: dict[tuple[int, int], list[Client]] = {}
    for index, client in enumerate(clients):
        weeks_ago = 1 + index % 4
        groups.setdefault((index % len(templates), weeks_ago), []).append(client)
    rng = random.Random(4)
    logged = 0
    for (which, weeks_ago), members in sorted(groups.items()):
        start = today - dt.timedelta(days=7 * weeks_ago - 1)
        for assignment in assignment_create(
            program=templates[which],
            clients=members,
            start_date=start,
            weekdays=weekdays[which],
            by=coach if which else owner,
        ):
            index = clients.index(next(c for c in members if c.pk == assignment.client_id))
            logged += _roster_follow(
                assignment=assignment, adherence=ADHERENCE[index % len(ADHERENCE)], rng=rng
            )
    return logged


def _roster_follow(*, assignment, adherence: float, rng: random.Random) -> int:
    """The assignment's past workouts the client did, each prescription's sets at its
    starting load (the demo's loads) and reps: history, so written in bulk as the sync
    stores a finished workout (the workout, its sets, its scheduled workout done; two
    hundred syncs took half a minute), the records then derived once by the records
    service and counted as seen. Returns the workouts logged."""
    client = assignment.client
    today = timezone.localdate()
    past = list(
        ScheduledWorkout.objects.filter(assignment=assignment, date__lt=today)
        .select_related("day")
        .order_by("date")
    )
    by_day: dict[int, list[Prescription]] = {}
    for prescription in (
        Prescription.objects.filter(block__day__in={s.day_id for s in past})
        .select_related("block", "catalog_exercise", "exercise")
        .order_by("block__position", "position")
    ):
        by_day.setdefault(prescription.block.day_id, []).append(prescription)
    logs, sets, done = [], [], []
    for scheduled in past:
        if rng.random() >= adherence:
            continue
        started = timezone.make_aware(
            dt.datetime.combine(scheduled.date, dt.time(rng.choice((6, 7, 12, 17, 18))))
        )
        log = WorkoutLog(
            client=client,
            scheduled=scheduled,
            name=scheduled.day.name[:120],
            started_at=started,
            finished_at=started + dt.timedelta(minutes=rng.randrange(40, 70)),
            rating=rng.choice((3, 4, 4, 5)),
        )
        logs.append(log)
        done.append(scheduled.pk)
        for prescription in by_day.get(scheduled.day_id, []):
            exercise = prescription.catalog_exercise or prescription.exercise
            load = demo_starting_load(exercise.name, (exercise.equipment or ["body only"])[0])
            reps, load, seconds, metres = _set_values(prescription, exercise, load)
            for number in range(1, prescription.sets + 1):
                sets.append(
                    SetLog(
                        workout=log,
                        prescription=prescription,
                        catalog_exercise_id=prescription.catalog_exercise_id,
                        exercise_id=prescription.exercise_id,
                        set_number=number,
                        reps=reps,
                        load_kg=load,
                        duration_seconds=seconds,
                        distance_m=metres,
                        rpe=Decimal(rng.choice(("7", "7.5", "8", "8.5"))),
                        logged_at=started + dt.timedelta(minutes=3 * (len(sets) % 20)),
                    )
                )
    WorkoutLog.objects.bulk_create(logs)
    SetLog.objects.bulk_create(sets)
    ScheduledWorkout.objects.filter(pk__in=done).update(
        status=ScheduledWorkout.Status.DONE, updated_at=timezone.now()
    )
    records_refresh(client=client, exercises={(s.catalog_exercise_id, s.exercise_id) for s in sets})
    # the first workout's lifts are "records" only because nothing came before: seen
    PersonalRecord.objects.filter(client=client).update(is_seen=True)
    if logs:  # last active when they last trained
        Client.objects.filter(pk=client.pk).update(
            last_activity_at=logs[-1].finished_at + dt.timedelta(minutes=5)
        )
    return len(logs)
