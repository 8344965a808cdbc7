"""History for the demo's client: two years (or ``days``) before the demo's month.

``make scale`` and ``make bench ARGS=--big`` grow the demo business with it (bench/big.py),
and the portal's query budgets (mectofitness/tests/test_portal_budgets.py) check that no
page's queries grow with it. Before the demo's own rows: four workouts a week with their
sets (her records derived from them by the records service), a weigh-in a day and a tape
measurement a month, her habits ticked, three meals a day logged, a weekly check-in
answered and reviewed, a session a week attended, and about three messages a day with her
coach.

Written in bulk (the services' per-row work would take an hour for two years), with the
columns the services would set; messages keep their order by id (the demo's own, which
came first, are renumbered after the history).
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from clients.demo import demo_checkin_row
from clients.models import (
    CheckInPlan,
    Client,
    Habit,
    HabitCheck,
    Measurement,
    Metric,
    Response,
)
from messaging.models import Message, Thread
from programs.demo import demo_starting_load
from programs.models import (
    Food,
    FoodLogEntry,
    PersonalRecord,
    Prescription,
    ProgramAssignment,
    SetLog,
    WorkoutLog,
)
from programs.services.records import records_refresh
from scheduling.models import Appointment, Booking, SessionType


def demo_history_seed(*, chloe: Client, coach: User, days: int) -> None:
    """``days`` of ``chloe``'s history before the demo's own month, in one transaction
    (see the module's docstring)."""

    with transaction.atomic():
        first = _history_start(chloe=chloe)
        since = first - dt.timedelta(days=days)
        _workouts(chloe=chloe, since=since, until=first)
        _measurements(chloe=chloe, coach=coach, since=since, until=first)
        _habits_and_food(chloe=chloe, since=since, until=first)
        _checkins(chloe=chloe, coach=coach, since=since, until=first)
        _sessions(chloe=chloe, coach=coach, since=since, until=first)
        _messages(chloe=chloe, coach=coach, since=since, until=first)


def _history_start(*, chloe) -> dt.date:
    """The day before the first of the demo's own rows for Chloe (a month or four back)."""

    oldest = Measurement.objects.filter(client=chloe).order_by("measured_on").first()
    today = timezone.localdate()
    first = min(oldest.measured_on if oldest else today, today - dt.timedelta(days=35))
    return first - dt.timedelta(days=1)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _workouts(*, chloe, since: dt.date, until: dt.date) -> None:

    assignment = ProgramAssignment.objects.filter(client=chloe).order_by("-is_main").first()
    by_day: dict[int, list] = {}
    for prescription in (
        Prescription.objects.filter(block__day__week__program=assignment.program)
        .select_related("block__day", "catalog_exercise", "exercise")
        .order_by("block__day__week__number", "block__day__position", "block__position", "position")
    ):
        by_day.setdefault(prescription.block.day_id, []).append(prescription)
    program_days = list(by_day.values())[:4]
    rng = random.Random(23)
    total = (until - since).days
    logs, sets = [], []
    day = since
    while day <= until:
        if day.weekday() in (0, 1, 3, 4) and rng.random() < 0.9:
            prescriptions = program_days[len(logs) % len(program_days)]
            progress = (day - since).days / total  # two years of slow progress
            started = _at(day, rng.choice((6, 7, 7, 12, 18)), rng.randrange(60))
            log = WorkoutLog(
                client=chloe,
                name=prescriptions[0].block.day.name[:120],
                started_at=started,
                finished_at=started + dt.timedelta(minutes=rng.randrange(45, 70)),
                rating=rng.choice((3, 4, 4, 5)),
                notes=rng.choice(["", "", "Felt strong.", "Tired, kept it light."]),
            )
            logs.append(log)
            for prescription in prescriptions:
                exercise = prescription.catalog_exercise or prescription.exercise
                base = demo_starting_load(exercise.name, (exercise.equipment or ["body only"])[0])
                load = None
                if base is not None:
                    load = (base * Decimal(0.6 + 0.4 * progress) / Decimal("2.5")).quantize(
                        Decimal(1)
                    ) * Decimal("2.5")
                for number in range(1, (prescription.sets or 3) + 1):
                    sets.append(
                        SetLog(
                            workout=log,
                            catalog_exercise_id=prescription.catalog_exercise_id,
                            exercise_id=prescription.exercise_id,
                            set_number=number,
                            reps=prescription.reps_min or prescription.reps_max or 8,
                            load_kg=load,
                            rpe=Decimal(rng.choice(("7", "7.5", "8", "8.5", "9"))),
                            logged_at=started + dt.timedelta(minutes=3 * number),
                        )
                    )
        day += dt.timedelta(days=1)
    WorkoutLog.objects.bulk_create(logs, batch_size=2000)
    SetLog.objects.bulk_create(sets, batch_size=5000)
    records_refresh(client=chloe, exercises={(s.catalog_exercise_id, s.exercise_id) for s in sets})
    PersonalRecord.objects.filter(client=chloe, achieved_at__lt=_at(until, 23)).update(is_seen=True)


def _measurements(*, chloe, coach, since: dt.date, until: dt.date) -> None:

    metrics = {metric.key: metric for metric in Metric.objects.all()}
    rng = random.Random(29)
    rows = []
    total = (until - since).days
    day = since
    while day <= until:
        weight = Decimal(78 - 10 * (day - since).days / total + rng.uniform(-0.6, 0.6))
        rows.append(
            Measurement(
                client=chloe,
                metric=metrics["weight"],
                value=weight.quantize(Decimal("0.1")),
                measured_on=day,
                recorded_by=chloe.user,
            )
        )
        if day.day == 1:  # the tape, monthly, by the coach
            for key, cm in (("waist", 80), ("hips", 100)):
                if key in metrics:
                    rows.append(
                        Measurement(
                            client=chloe,
                            metric=metrics[key],
                            value=Decimal(cm - 8 * (day - since).days / total).quantize(
                                Decimal("0.1")
                            )
                            / 100,
                            measured_on=day,
                            recorded_by=coach,
                        )
                    )
        day += dt.timedelta(days=1)
    Measurement.objects.bulk_create(rows, batch_size=5000)


def _habits_and_food(*, chloe, since: dt.date, until: dt.date) -> None:

    rng = random.Random(31)
    habits = list(Habit.objects.filter(client=chloe, archived_at__isnull=True))
    Habit.objects.filter(pk__in=[h.pk for h in habits]).update(starts_on=since)
    checks, food = [], []
    foods = list(Food.objects.order_by("pk")[:40])
    day = since
    while day <= until:
        for habit in habits:
            if rng.random() < 0.75:
                checks.append(
                    HabitCheck(
                        habit=habit,
                        date=day,
                        value=Decimal(rng.randrange(8000, 12500)) if habit.target else None,
                        checked_at=_at(day, 21),
                    )
                )
        for meal, hour in (("Breakfast", 8), ("Lunch", 13), ("Dinner", 19)):
            item = rng.choice(foods) if foods else None
            grams = Decimal(rng.randrange(80, 350))

            def part(per_100g, grams=grams) -> Decimal:
                return (Decimal(per_100g or 0) * grams / 100).quantize(Decimal("0.1"))

            food.append(
                FoodLogEntry(
                    client=chloe,
                    date=day,
                    meal_name=meal,
                    food=item,
                    name=item.name[:120] if item else meal,
                    grams=grams,
                    kcal=part(item.kcal_100g if item else 0),
                    protein_g=part(item.protein_100g if item else 0),
                    carbs_g=part(item.carbs_100g if item else 0),
                    fat_g=part(item.fat_100g if item else 0),
                    logged_at=_at(day, hour),
                )
            )
        day += dt.timedelta(days=1)
    HabitCheck.objects.bulk_create(checks, batch_size=5000)
    FoodLogEntry.objects.bulk_create(food, batch_size=5000)


def _checkins(*, chloe, coach, since: dt.date, until: dt.date) -> None:

    latest = (
        Response.objects.filter(client=chloe, period_start__isnull=False)
        .select_related("version")
        .order_by("period_start")
        .first()
    )
    plan = latest and CheckInPlan.objects.filter(questionnaire=latest.version.questionnaire_id)
    plan = plan and plan.first()
    if plan is None:
        return
    version = latest.version
    first = plan.starts_on
    rng = random.Random(37)
    rows = []
    period = first - dt.timedelta(days=plan.period_days)
    while period >= since:
        sent = _at(period + dt.timedelta(days=6), 19)
        rows.append(
            demo_checkin_row(
                version=version,
                client=chloe,
                period=period,
                sent=sent,
                answers={
                    "energy": rng.randrange(5, 10),
                    "sleep": rng.randrange(5, 9),
                    "adherence": rng.choice(["All of them", "Most of them"]),
                    "wins": rng.choice(["Hit every session", "New PR", "Meal-prepped"]),
                    "struggles": rng.choice(["", "Busy week", "Sore knees"]),
                },
                reply_at=sent + dt.timedelta(hours=15),
                coach=coach,
                comment="Good week, keep it going.",
            )
        )
        period -= dt.timedelta(days=plan.period_days)
    Response.objects.bulk_create(rows, batch_size=1000)
    CheckInPlan.objects.filter(pk=plan.pk).update(starts_on=period + dt.timedelta(days=7))


def _sessions(*, chloe, coach, since: dt.date, until: dt.date) -> None:

    kind = SessionType.objects.filter(capacity=1).order_by("pk").first()
    if kind is None:
        return
    appointments, bookings = [], []
    day = since + dt.timedelta(days=(5 - since.weekday()) % 7)  # Saturdays
    while day <= until:
        starts = _at(day, 10)
        ends = starts + dt.timedelta(minutes=kind.duration_minutes)
        appointment = Appointment(
            session_type=kind,
            coach=coach,
            starts_at=starts,
            ends_at=ends,
            held_from=starts,
            held_until=ends,
            booked=1,
            location_kind=kind.location_kind,
            location=kind.location,
            created_by=coach,
        )
        appointments.append(appointment)
        bookings.append(
            Booking(
                appointment=appointment,
                client=chloe,
                starts_at=starts,
                ends_at=ends,
                status="attended",
                booked_by=chloe.user,
            )
        )
        day += dt.timedelta(days=7)
    Appointment.objects.bulk_create(appointments)
    Booking.objects.bulk_create(bookings)


def _messages(*, chloe, coach, since: dt.date, until: dt.date) -> None:
    """About three a day, in order: the demo's own messages in this conversation (the
    newest) are renumbered after the history, their references with them (the foreign
    keys are checked at commit)."""

    thread = Thread.objects.get(kind="client", client=chloe)
    rng = random.Random(41)
    lines = [
        ("client", "Done today's session, squats felt heavy."),
        ("coach", "Nice work. Keep the last set at RPE 8."),
        ("client", "Can we move Saturday to 11?"),
        ("coach", "Sure, moved. See you then!"),
        ("client", "Weigh-in this morning was down again."),
        ("coach", "Great trend. Protein at breakfast is paying off."),
    ]
    rows = []
    day = since
    while day <= until:
        for _ in range(rng.choice((1, 2, 3, 4, 5))):
            who, body = rng.choice(lines)
            rows.append(
                Message(
                    thread=thread,
                    author=chloe.user if who == "client" else coach,
                    body=body,
                    created_at=_at(day, rng.randrange(7, 22), rng.randrange(60)),
                )
            )
        day += dt.timedelta(days=1)
    rows.sort(key=lambda m: m.created_at)
    table = Message._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        shift = cursor.fetchone()[0] + len(rows) + 1
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        own = f"(SELECT id FROM {table} WHERE thread_id = %s)"
        for other, column in (
            ("messaging_readstate", "last_read_message_id"),
            ("messaging_attachment", "message_id"),
            ("messaging_announcementrecipient", "message_id"),
            (table, "reply_to_id"),
        ):
            cursor.execute(
                f"UPDATE {other} SET {column} = {column} + %s WHERE {column} IN {own}",
                [shift, thread.pk],
            )
        cursor.execute(f"UPDATE {table} SET id = id + %s WHERE thread_id = %s", [shift, thread.pk])
        Message.objects.bulk_create(rows, batch_size=5000)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
