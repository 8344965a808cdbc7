"""Reads for workout logging, records and training progress (portal, panel, API).

Loads are stored in kg; everything here that people read is converted with
``clients.units`` for the ``system`` given ("kg" or "lb")."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Cast, Concat, Rank, TruncDate
from django.utils.dates import MONTHS_3

from clients import units as u
from clients.models import Client
from programs.catalog.models import CatalogExercise

from ..models import (
    Block,
    Exercise,
    ExerciseHide,
    PersonalRecord,
    Prescription,
    ProgramAssignment,
    ProgramWeek,
    ScheduledWorkout,
    SetLog,
    WorkoutLog,
)
from ..progression import prescription_for_week
from ..sets import (
    columns,
    format_distance,
    format_duration,
    format_set,
    format_target,
    kind_of,
)
from ..values import epley_e1rm, exercise_ref, exercises_q, load_display, prescription_version

UPCOMING_DAYS = 14
RECENT_LOGS = 8


def kg_text(load_kg: Decimal | None, system: str) -> str:
    """ "102.5 kg" / "225 lb" for a stored load."""
    if load_kg is None:
        return ""
    return u.format_value(load_kg, kind=u.MASS, system=system)


def unit_symbol(system: str) -> str:
    return "lb" if system == u.IMPERIAL else "kg"


# --- the workouts page ----------------------------------------------------------------


def scheduled_queryset(*, client: Client) -> QuerySet[ScheduledWorkout]:
    """The client's scheduled workouts of active or paused programs, with their day."""
    return (
        ScheduledWorkout.objects.filter(client=client)
        .exclude(
            assignment__status__in=[
                ProgramAssignment.Status.CANCELLED,
            ]
        )
        .select_related("day", "assignment__program")
    )


@dataclass
class WorkoutsOverview:
    today: list[ScheduledWorkout]
    upcoming: list[ScheduledWorkout]
    missed: list[ScheduledWorkout]
    recent: list[WorkoutLog]
    in_progress: dict[int, WorkoutLog] = field(default_factory=dict)

    @property
    def next_workout(self) -> ScheduledWorkout | None:
        for workout in self.today:
            if workout.status == ScheduledWorkout.Status.SCHEDULED:
                return workout
        return self.upcoming[0] if self.upcoming else None


def workouts_overview(*, client: Client, today: datetime.date) -> WorkoutsOverview:
    """Today's workouts, the next two weeks, missed ones of the last week, recent logs
    (four queries)."""
    scheduled = list(
        scheduled_queryset(client=client)
        .filter(date__gte=today - datetime.timedelta(days=7))
        .filter(date__lte=today + datetime.timedelta(days=UPCOMING_DAYS))
        .order_by("date", "pk")
    )
    recent = list(
        WorkoutLog.objects.filter(client=client, finished_at__isnull=False)
        .select_related("scheduled", "commented_by")
        .prefetch_related(
            Prefetch("records", queryset=PersonalRecord.objects.only("pk", "workout_id"))
        )
        .order_by("-started_at")[:RECENT_LOGS]
    )
    open_logs = {
        log.scheduled_id: log
        for log in WorkoutLog.objects.filter(
            client=client, finished_at__isnull=True, scheduled__in=[s.pk for s in scheduled]
        )
    }
    return WorkoutsOverview(
        today=[s for s in scheduled if s.date == today],
        upcoming=[
            s for s in scheduled if s.date > today and s.status == ScheduledWorkout.Status.SCHEDULED
        ],
        missed=[
            s for s in scheduled if s.date < today and s.status == ScheduledWorkout.Status.SCHEDULED
        ],
        recent=recent,
        in_progress=open_logs,
    )


# --- the logger ---------------------------------------------------------------------


@dataclass
class Target:
    sets: int
    reps_min: int | None
    reps_max: int | None
    load_kind: str
    load_value: Decimal | None
    rest_seconds: int | None
    duration_seconds: int | None = None
    distance_m: int | None = None


def _week_target(prescription: Prescription, week: int, *, written_weeks: int) -> Target:
    """The prescription for ``week`` of the program: the builder's progression
    (``programs.progression``, over the program's ``written_weeks``), else the values as
    written."""
    written = Target(
        sets=prescription.sets,
        reps_min=prescription.reps_min,
        reps_max=prescription.reps_max,
        load_kind=prescription.load_kind,
        load_value=prescription.load_value,
        rest_seconds=prescription.rest_seconds,
        duration_seconds=prescription.duration_seconds,
        distance_m=prescription.distance_m,
    )
    if week <= 1:
        return written
    try:
        result = prescription_for_week(prescription, week, written_weeks=written_weeks)
    except Exception:  # noqa: BLE001 - a progression bug must not take the gym page down
        return written
    return Target(
        sets=result.sets or written.sets,
        reps_min=result.reps_min,
        reps_max=result.reps_max,
        load_kind=result.load_kind or written.load_kind,
        load_value=result.load_value,
        rest_seconds=written.rest_seconds,
        duration_seconds=written.duration_seconds,
        distance_m=written.distance_m,
    )


def target_text(target: Target, system: str, kind: str = "reps_load") -> str:
    """ "3 × 5 · 62.5 kg", "4 × 8–10 · RPE 8", "3 × 5 · 75% of 1RM", "3 × 45 s",
    "400 m in 1:32": by the exercise's measurement kind (see ``programs.sets``)."""
    return format_target(target, kind, system=system)


def _round_plate(load_kg: Decimal, system: str) -> Decimal:
    """A load people can put on a bar: 2.5 kg or 5 lb steps (in kg)."""
    step = Decimal("5") * u.KG_PER_LB if system == u.IMPERIAL else Decimal("2.5")
    return ((load_kg / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(
        Decimal("0.01")
    )


@dataclass
class SetRow:
    number: int
    reps: str
    load: str  # in the client's units
    rpe: str
    last: str  # "last time: 60 kg × 5"
    logged: SetLog | None = None
    uuid: str = ""
    time: str = ""  # "45", "1:30": what the time field shows
    distance: str = ""  # metres


@dataclass
class ExerciseCard:
    prescription: Prescription
    exercise: object  # CatalogExercise | Exercise
    ref: str
    version: str
    block: Block
    target: Target
    target_text: str
    rows: list[SetRow]
    alternatives: list[dict]
    last_text: str
    rest_seconds: int
    is_swapped: bool = False
    done_exercise: object = None
    current_ref: str = ""
    measurement: str = "reps_load"
    fields: list[str] = field(default_factory=lambda: ["reps", "load", "rpe"])


LOADED = (Prescription.Load.KG, Prescription.Load.PERCENT_1RM)
FIELD_OF = {"reps": "reps", "load_kg": "load", "duration_seconds": "time", "distance_m": "distance"}


def logger_fields(measurement: str, *, loaded: bool = False) -> list[str]:
    """The logger's inputs for a set, in order: the kind's values ("time" for a plank,
    "reps" and "load" for a squat), a load when the target or history has one (a
    weighted carry or pull-up), then RPE."""
    out = [FIELD_OF[name] for name in columns(measurement)]
    if loaded and "load" not in out:
        out.append("load")
    return [*out, "rpe"]


def time_field(seconds: int | None) -> str:
    """What the time input shows: "45" (seconds) under a minute, "1:30" from a minute."""
    if seconds is None:
        return ""
    if seconds < 60:
        return str(seconds)
    return format_duration(seconds)


def _ex_key(obj) -> tuple[int | None, int | None]:
    return (obj.catalog_exercise_id, obj.exercise_id)


def library_alternatives(
    *, exercises: list, allowed_equipment: set[str], limit: int = 6
) -> dict[tuple, list[dict]]:
    """For each exercise: others of the business's library with the same movement
    pattern and the same first primary muscle, using only ``allowed_equipment``.
    Two queries (catalog, the business's own) plus the hide list."""
    patterns = {e.movement_pattern for e in exercises if e.movement_pattern}
    muscles = {e.primary_muscles[0] for e in exercises if e.primary_muscles}
    if not patterns or not muscles:
        return {}
    equipment = sorted(allowed_equipment | {"body only"})
    hidden = ExerciseHide.objects.values("catalog_exercise_id")
    replaced = Exercise.objects.filter(catalog__isnull=False).values("catalog_id")
    pool: list = list(
        CatalogExercise.objects.filter(
            movement_pattern__in=patterns,
            primary_muscles__overlap=sorted(muscles),
            equipment__contained_by=equipment,
        )
        .exclude(pk__in=hidden)
        .exclude(pk__in=replaced)
        .only("pk", "name", "movement_pattern", "primary_muscles", "equipment")
        .order_by("name")[:400]
    )
    pool += list(
        Exercise.objects.filter(
            archived_at__isnull=True,
            movement_pattern__in=patterns,
            primary_muscles__overlap=sorted(muscles),
            equipment__contained_by=equipment,
        )
        .only("pk", "name", "movement_pattern", "primary_muscles", "equipment")
        .order_by("name")[:200]
    )
    out = {}
    for exercise in exercises:
        key = (type(exercise).__name__, exercise.pk)
        if not exercise.primary_muscles or not exercise.movement_pattern:
            out[key] = []
            continue
        first = exercise.primary_muscles[0]
        found = []
        for other in pool:
            if other is exercise or (type(other) is type(exercise) and other.pk == exercise.pk):
                continue
            if (
                other.movement_pattern == exercise.movement_pattern
                and first in (other.primary_muscles or [])[:1]
            ):
                is_catalog = isinstance(other, CatalogExercise)
                found.append(
                    {
                        "ref": exercise_ref(
                            catalog_exercise_id=other.pk if is_catalog else None,
                            exercise_id=None if is_catalog else other.pk,
                        ),
                        "name": other.name,
                        "equipment": ", ".join(other.equipment),
                    }
                )
            if len(found) >= limit:
                break
        out[key] = found
    return out


def client_equipment(*, client: Client) -> set[str]:
    """Equipment the client has: every piece the exercises of their current programs
    already use (their coach wrote those programs for the gear they have). One query.
    (It used to ask the generator first, through a ``client_equipment`` the generator
    never had: the answer was always this one.)"""
    programs = ProgramAssignment.objects.filter(
        client=client, status=ProgramAssignment.Status.ACTIVE
    ).values("program_id")
    rows = Prescription.objects.filter(block__day__week__program__in=programs).values_list(
        "catalog_exercise__equipment", "exercise__equipment"
    )
    equipment: set[str] = set()
    for catalog_gear, own_gear in rows:
        equipment.update(catalog_gear or own_gear or [])
    return equipment


def last_sets_for(
    *, client: Client, keys: set[tuple], exclude_log: WorkoutLog | None = None
) -> dict[tuple, list[SetLog]]:
    """The working sets of the last workout in which the client did each exercise
    (one query: the database picks each exercise's last workout, so only its sets are
    read, however long the history)."""
    if not keys:
        return {}
    rows = SetLog.objects.filter(exercises_q(keys), workout__client=client, is_warmup=False)
    if exclude_log is not None:
        rows = rows.exclude(workout=exclude_log)
    # 1 for every set of the exercise's latest workout (ties on the start: the later id)
    latest = Window(
        Rank(),
        partition_by=[F("catalog_exercise_id"), F("exercise_id")],
        order_by=[F("workout__started_at").desc(), F("workout_id").desc()],
    )
    found: dict[tuple, list[SetLog]] = {}
    for row in (
        rows.annotate(latest=latest)
        .filter(latest=1)
        .order_by("catalog_exercise_id", "exercise_id", "set_number", "logged_at")
    ):
        found.setdefault(_ex_key(row), []).append(row)
    return found


def best_e1rm_for(*, client: Client, keys: set[tuple]) -> dict[tuple, Decimal]:
    """The client's current best estimated 1RM per exercise, from all their sets (for %
    of 1RM prescriptions). One query: for a number of reps the heaviest load gives the
    best estimate, so the database hands over that load per exercise and reps (at most
    ten rows an exercise), not every set of two years."""
    if not keys:
        return {}
    best: dict[tuple, Decimal] = {}
    heaviest = (
        SetLog.objects.filter(
            exercises_q(keys),
            workout__client=client,
            is_warmup=False,
            reps__gte=1,
            reps__lte=10,
            load_kg__gt=0,
        )
        .values("catalog_exercise_id", "exercise_id", "reps")
        .annotate(heaviest=Max("load_kg"))
        .order_by()
        .values_list("catalog_exercise_id", "exercise_id", "reps", "heaviest")
    )
    for catalog_id, exercise_id, reps, load_kg in heaviest:
        value = epley_e1rm(load_kg, reps)
        key = (catalog_id, exercise_id)
        if value is not None and value > best.get(key, Decimal(0)):
            best[key] = value
    return best


def logger_cards(
    *, client: Client, scheduled: ScheduledWorkout, log: WorkoutLog | None, system: str
) -> list[ExerciseCard]:
    """Everything the logger shows for ``scheduled``: one card per prescription with the
    week's target, rows prefilled (the week's load, else last time's) and already logged
    sets ticked, allowed swaps. A fixed number of queries (about nine)."""
    blocks = list(
        Block.objects.filter(day=scheduled.day)
        .order_by("position")
        .prefetch_related(
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.select_related(
                    "catalog_exercise", "exercise"
                ).order_by("position"),
            )
        )
    )
    prescriptions = [p for b in blocks for p in b.prescriptions.all()]
    # the program's written weeks, counted once (not once per prescription)
    written_weeks = (
        ProgramWeek.objects.filter(
            program_id__in=ProgramWeek.objects.filter(pk=scheduled.day.week_id).values("program_id")
        ).count()
        if scheduled.week_number > 1 and prescriptions
        else 1
    )
    logged = list(log.sets.select_related("catalog_exercise", "exercise")) if log else []
    keys = {_ex_key(p) for p in prescriptions} | {_ex_key(s) for s in logged}
    last = last_sets_for(client=client, keys=keys, exclude_log=log)
    best = best_e1rm_for(client=client, keys=keys)
    exercises = [p.catalog_exercise or p.exercise for p in prescriptions]
    alternatives = library_alternatives(
        exercises=exercises, allowed_equipment=client_equipment(client=client)
    )
    by_prescription: dict[int, list[SetLog]] = defaultdict(list)
    for s in logged:
        if s.prescription_id:
            by_prescription[s.prescription_id].append(s)
    cards = []
    for block in blocks:
        for p in block.prescriptions.all():
            exercise = p.catalog_exercise or p.exercise
            target = _week_target(p, scheduled.week_number, written_weeks=written_weeks)
            done = sorted(by_prescription.get(p.pk, []), key=lambda s: s.set_number)
            measurement = (done[0].catalog_exercise or done[0].exercise) if done else exercise
            measurement = getattr(measurement, "measurement", None) or "reps_load"
            done_key = _ex_key(done[0]) if done else _ex_key(p)
            history = last.get(done_key) or last.get(_ex_key(p)) or []
            count = target.sets
            if block.kind != Block.Kind.STRAIGHT and block.rounds > 1:
                count = block.rounds
            count = max(count, max((s.set_number for s in done), default=0))
            target_load = None
            if target.load_kind == Prescription.Load.KG and target.load_value is not None:
                target_load = Decimal(target.load_value)
            elif target.load_kind == Prescription.Load.PERCENT_1RM and target.load_value:
                e1rm = best.get(_ex_key(p))
                if e1rm:
                    target_load = _round_plate(e1rm * Decimal(target.load_value) / 100, system)
            rows = []
            for number in range(1, count + 1):
                before = history[number - 1] if number - 1 < len(history) else None
                logged_set = next((s for s in done if s.set_number == number), None)
                reps = target.reps_max or target.reps_min
                if before is not None and before.reps is not None and not target.reps_min:
                    reps = before.reps
                load = target_load
                if load is None and before is not None:
                    load = before.load_kg
                rpe = ""
                if target.load_kind == Prescription.Load.RPE and target.load_value is not None:
                    rpe = u.number_text(Decimal(target.load_value).normalize())
                if logged_set is not None:
                    reps, load = logged_set.reps, logged_set.load_kg
                    rpe = u.number_text(logged_set.rpe.normalize()) if logged_set.rpe else ""
                duration = target.duration_seconds
                distance = target.distance_m
                if before is not None:
                    duration = duration if duration is not None else before.duration_seconds
                    distance = distance if distance is not None else before.distance_m
                if logged_set is not None:
                    duration, distance = logged_set.duration_seconds, logged_set.distance_m
                last_text = ""
                if before is not None:
                    last_text = _set_text(before, system, kind=measurement)
                rows.append(
                    SetRow(
                        number=number,
                        reps="" if reps is None else str(reps),
                        load=load_display(load, system=system) if load is not None else "",
                        rpe=rpe,
                        last=last_text,
                        logged=logged_set,
                        uuid=str(logged_set.client_uuid) if logged_set else "",
                        time=time_field(duration),
                        distance="" if distance is None else str(distance),
                    )
                )
            done_exercise = None
            if done and _ex_key(done[0]) != _ex_key(p):
                done_exercise = done[0].catalog_exercise or done[0].exercise
            last_text = ""
            if history:
                when = history[0].logged_at
                last_text = "Last time ({date}): {sets}".format(
                    date=when.strftime("%-d %b"),
                    sets=", ".join(
                        _set_text(s, system, short=True, kind=measurement) for s in history[:6]
                    ),
                )
            loaded = (
                target.load_kind in LOADED
                or any(s.load_kg for s in history)
                or any(s.load_kg for s in done)
            )
            cards.append(
                ExerciseCard(
                    prescription=p,
                    exercise=exercise,
                    ref=exercise_ref(
                        catalog_exercise_id=p.catalog_exercise_id, exercise_id=p.exercise_id
                    ),
                    version=prescription_version(p),
                    block=block,
                    target=target,
                    target_text=target_text(target, system, measurement),
                    rows=rows,
                    alternatives=alternatives.get((type(exercise).__name__, exercise.pk), []),
                    last_text=last_text,
                    rest_seconds=target.rest_seconds or block.rest_after_seconds or 90,
                    is_swapped=done_exercise is not None,
                    done_exercise=done_exercise,
                    current_ref=exercise_ref(
                        catalog_exercise_id=done[0].catalog_exercise_id,
                        exercise_id=done[0].exercise_id,
                    )
                    if done
                    else exercise_ref(
                        catalog_exercise_id=p.catalog_exercise_id, exercise_id=p.exercise_id
                    ),
                    measurement=measurement,
                    fields=logger_fields(measurement, loaded=loaded),
                )
            )
    return cards


def _set_text(s: SetLog, system: str, short: bool = False, kind: str | None = None) -> str:
    """ "60 kg × 5" ("60×5" when ``short``), "12 reps", "45 s", "400 m in 1:32"."""
    if s.load_kg is not None and s.reps is not None:
        load = load_display(s.load_kg, system=system)
        return f"{load}\u00d7{s.reps}" if short else f"{load} {unit_symbol(system)} \u00d7 {s.reps}"
    return format_set(s, kind_of(s, kind), system=system)


# --- a finished workout ---------------------------------------------------------------


@dataclass
class Summary:
    log: WorkoutLog
    exercises: list[dict]
    volume_text: str
    set_count: int
    minutes: int | None
    records: list[PersonalRecord]


def exercise_name(obj) -> str:
    exercise = obj.catalog_exercise or obj.exercise
    return exercise.name if exercise else "Exercise"


def record_text(record: PersonalRecord, system: str) -> str:
    """ "Estimated 1RM 120 kg", "Heaviest 5 reps: 100 kg", "Session volume 4,500 kg",
    "Most reps: 25", "Longest time 1:30", "Longest distance 5 km", "Fastest 400 m: 1:32"."""
    kinds = PersonalRecord.Kind
    if record.kind == kinds.MOST_REPS:
        return f"Most reps: {int(record.value)}"
    if record.kind == kinds.LONGEST_TIME:
        return f"Longest time {format_duration(int(record.value))}"
    if record.kind == kinds.LONGEST_DISTANCE:
        return f"Longest distance {format_distance(int(record.value))}"
    if record.kind == kinds.FASTEST:
        distance = format_distance(record.distance_m)
        return f"Fastest {distance}: {format_duration(int(record.value))}"
    value = kg_text(record.value, system)
    if record.kind == PersonalRecord.Kind.E1RM:
        return f"Estimated 1RM {value}"
    if record.kind == PersonalRecord.Kind.REP_MAX:
        return f"Heaviest for {record.reps} rep{'s' if record.reps != 1 else ''}: {value}"
    return f"Session volume {value}"


def records_best_of(records) -> list[PersonalRecord]:
    """One record per exercise and kind, the best of them: a record beaten twice in one
    workout is one achievement. Keeps the order of first appearance."""
    best: dict[tuple, PersonalRecord] = {}
    for r in records:
        key = (r.catalog_exercise_id, r.exercise_id, r.kind, r.reps, r.distance_m)
        lower_wins = r.kind == PersonalRecord.Kind.FASTEST
        if (
            key not in best
            or (not lower_wins and r.value > best[key].value)
            or (lower_wins and r.value < best[key].value)
        ):
            best[key] = r
    return list(best.values())


def record_entry(record: PersonalRecord, system: str) -> dict:
    """What templates show of a record: the row, its exercise's name, its text."""
    exercise = record.catalog_exercise or record.exercise
    return {"record": record, "name": exercise.name, "text": record_text(record, system)}


def workout_summary(*, log: WorkoutLog, system: str) -> Summary:
    """Sets grouped by exercise, total volume (working sets), time, records (3 queries)."""
    sets = list(log.sets.select_related("catalog_exercise", "exercise").order_by("logged_at"))
    groups: dict[tuple, dict] = {}
    volume = Decimal(0)
    for s in sets:
        group = groups.setdefault(
            _ex_key(s), {"name": exercise_name(s), "sets": [], "volume": Decimal(0)}
        )
        group["sets"].append(
            {
                "number": s.set_number,
                "text": _set_text(s, system),
                "rpe": s.rpe,
                "warmup": s.is_warmup,
            }
        )
        if not s.is_warmup and s.load_kg and s.reps:
            group["volume"] += s.load_kg * s.reps
            volume += s.load_kg * s.reps
    for group in groups.values():
        group["volume_text"] = kg_text(group["volume"], system) if group["volume"] else ""
    minutes = None
    if log.finished_at:
        minutes = max(1, round((log.finished_at - log.started_at).total_seconds() / 60))
    records = list(
        log.records.select_related("catalog_exercise", "exercise").order_by("kind", "reps")
    )
    return Summary(
        log=log,
        exercises=list(groups.values()),
        volume_text=kg_text(volume, system) if volume else kg_text(Decimal(0), system),
        set_count=sum(1 for s in sets if not s.is_warmup),
        minutes=minutes,
        records=records,
    )


# --- progress -------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def adherence_weeks(*, client: Client, today: datetime.date, weeks: int = 12) -> list[dict]:
    """Per week (Monday first), workouts done vs scheduled, up to today (one query)."""
    first = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    rows = ScheduledWorkout.objects.filter(
        client=client, date__gte=first, date__lte=today
    ).values_list("date", "status")
    counts = {first + datetime.timedelta(weeks=i): [0, 0] for i in range(weeks)}
    for date, status in rows:
        bucket = counts[week_start(date)]
        if status == ScheduledWorkout.Status.DONE:
            bucket[0] += 1
            bucket[1] += 1
        elif date < today:  # today's may still happen
            bucket[1] += 1
    return [
        {
            "week": week,
            "done": done,
            "scheduled": scheduled,
            "percent": round(100 * done / scheduled) if scheduled else None,
        }
        for week, (done, scheduled) in counts.items()
    ]


def compliance(*, client: Client, today: datetime.date, days: int = 28) -> dict:
    """Done vs scheduled over the last ``days`` (today counts once done). One query."""
    rows = ScheduledWorkout.objects.filter(
        client=client, date__gt=today - datetime.timedelta(days=days), date__lte=today
    ).values_list("date", "status")
    done = scheduled = 0
    for date, status in rows:
        if status == ScheduledWorkout.Status.DONE:
            done += 1
            scheduled += 1
        elif date < today:
            scheduled += 1
    return {
        "done": done,
        "scheduled": scheduled,
        "percent": round(100 * done / scheduled) if scheduled else None,
    }


EXERCISES_CHARTED = 12  # the lifts training progress charts, the most often done first


def training_progress(
    *,
    client: Client,
    system: str,
    today: datetime.date,
    weeks: int = 12,
    since: datetime.date | None = None,
    weekly: bool = False,
) -> dict:
    """Per exercise, per session from ``since`` on (None: all; one point per week when
    ``weekly``: the week's best estimated 1RM and top set, its total volume): best
    estimated 1RM, top set, volume; sets per week per primary muscle over the last
    ``weeks``; weekly adherence. Three queries, whatever the history; the sets read are
    those of the range (and of the muscles' weeks)."""
    first_week = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    rows = SetLog.objects.filter(workout__client=client, is_warmup=False, reps__gte=1)
    if since is not None:
        read_from = min(since, first_week)
        rows = rows.filter(
            workout__started_at__gte=datetime.datetime.combine(
                read_from, datetime.time.min, tzinfo=datetime.UTC
            )
        )
    # plain rows, not model instances
    rows = rows.order_by("workout__started_at", "logged_at").values_list(
        "reps",
        "load_kg",
        "workout_id",
        # the day in UTC, as ``started_at.date()`` was: a date is cheaper to read
        TruncDate("workout__started_at", tzinfo=datetime.UTC),
        "catalog_exercise_id",
        "exercise_id",
        "catalog_exercise__name",
        "catalog_exercise__primary_muscles",
        "exercise__name",
        "exercise__primary_muscles",
    )
    per_exercise: dict[tuple, dict] = {}
    muscle_weeks: dict[str, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    factor = u.KG_PER_LB if system == u.IMPERIAL else Decimal(1)
    for reps, load_kg, workout_id, day, catalog_id, own_id, *names_and_muscles in rows:
        catalog_name, catalog_muscles, own_name, own_muscles = names_and_muscles
        name, muscles = (
            (catalog_name, catalog_muscles) if catalog_id is not None else (own_name, own_muscles)
        )
        if day >= first_week:
            for muscle in muscles or []:
                muscle_weeks[muscle][week_start(day)] += 1
        if not load_kg or (since is not None and day < since):
            continue
        entry = per_exercise.setdefault(
            (catalog_id, own_id),
            {"name": name, "sessions": {}, "workouts": set(), "slug": f"ex-{len(per_exercise)}"},
        )
        entry["workouts"].add(workout_id)
        point, point_day = (week_start(day), week_start(day)) if weekly else (workout_id, day)
        session = entry["sessions"].setdefault(
            point, {"date": point_day, "e1rm": None, "top": None, "volume": Decimal(0)}
        )
        e1rm = epley_e1rm(load_kg, reps)
        if e1rm is not None and (session["e1rm"] is None or e1rm > session["e1rm"]):
            session["e1rm"] = e1rm
        if session["top"] is None or (load_kg, reps) > session["top"]:
            session["top"] = (load_kg, reps)
        session["volume"] += load_kg * reps
    exercises = []
    months = {month: str(name).title() for month, name in MONTHS_3.items()}
    # the exercises done most often get a chart: only theirs are formatted
    ranked = sorted(per_exercise.values(), key=lambda e: (-len(e["workouts"]), e["name"]))
    for entry in ranked[:EXERCISES_CHARTED]:
        sessions = list(entry.pop("sessions").values())

        def shown(kg):
            return float((kg / factor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

        entry["points"] = [
            {
                "d": s["date"].isoformat(),
                "e1rm": shown(s["e1rm"]) if s["e1rm"] is not None else None,
                "top": shown(s["top"][0]),
                "volume": shown(s["volume"]),
            }
            for s in sessions
        ]
        entry["rows"] = [
            {
                "date": s["date"],
                "date_text": f"{s['date'].day} {months[s['date'].month]} {s['date'].year}",
                "e1rm": kg_text(s["e1rm"], system) if s["e1rm"] is not None else "\u2014",
                "top": f"{kg_text(s['top'][0], system)} \u00d7 {s['top'][1]}",
                "volume": kg_text(s["volume"], system),
            }
            for s in reversed(sessions)
        ]
        entry["count"] = len(entry.pop("workouts"))
        best = max((s["e1rm"] for s in sessions if s["e1rm"] is not None), default=None)
        entry["best"] = kg_text(best, system) if best is not None else ""
        exercises.append(entry)
    week_list = [first_week + datetime.timedelta(weeks=i) for i in range(weeks)]
    muscles = sorted(muscle_weeks, key=lambda m: (-sum(muscle_weeks[m].values()), m))
    shown = muscles[:8]
    return {
        "units": system,
        "unit": unit_symbol(system),
        "weekly": weekly,
        "exercises": exercises,
        "weeks": week_list,
        "muscles": [
            {"name": m, "sets": [muscle_weeks[m].get(w, 0) for w in week_list]} for m in muscles
        ],
        "muscle_rows": [
            {"week": w, "sets": [muscle_weeks[m].get(w, 0) for m in shown]} for w in week_list
        ],
        "adherence": adherence_weeks(client=client, today=today, weeks=weeks),
    }


def records_for(*, client: Client, limit: int | None = None) -> QuerySet[PersonalRecord]:
    """The client's records, newest first, with their exercise."""
    rows = PersonalRecord.objects.filter(client=client).select_related(
        "catalog_exercise", "exercise", "workout"
    )
    rows = rows.order_by("-achieved_at", "kind")
    return rows[:limit] if limit else rows


# a catalog exercise's long texts, left out where a list only names the exercise
EXERCISE_TEXTS = (
    "catalog_exercise__instructions",
    "catalog_exercise__cues",
    "catalog_exercise__images",
    "catalog_exercise__aliases",
    "catalog_exercise__search_text",
)


def workout_logs_for(*, clients: QuerySet[Client]) -> QuerySet[WorkoutLog]:
    """Logs of ``clients`` with their sets and exercises prefetched (for lists)."""
    return (
        WorkoutLog.objects.filter(client__in=clients)
        .select_related("client", "scheduled", "commented_by")
        .prefetch_related(
            Prefetch(
                "sets",
                queryset=SetLog.objects.select_related("catalog_exercise", "exercise")
                .defer(*EXERCISE_TEXTS)
                .order_by("logged_at", "set_number"),
            ),
            Prefetch(
                "records",
                queryset=PersonalRecord.objects.select_related(
                    "catalog_exercise", "exercise"
                ).defer(*EXERCISE_TEXTS),
            ),
        )
        .order_by("-started_at")
    )


# --- the back office's Today -----------------------------------------------------------


def training_activity_of(*, clients: QuerySet[Client], limit: int = 8) -> list[WorkoutLog]:
    """The latest finished workouts of ``clients`` (the caller has narrowed them to what
    the viewer may see), newest first, each with ``record_count``, with what a list
    shows (name, when, notes, the coach's comment, the client's name; the rest deferred).
    One query: ``record_count`` counts the records' distinct exercise, kind, reps and
    distance, as ``records_best_of``."""
    parts = []
    for name in ("catalog_exercise_id", "exercise_id", "kind", "reps", "distance_m"):
        parts += [Cast(f"records__{name}", CharField()), Value("|")]
    one_per_kind = Count(Concat(*parts), distinct=True, filter=Q(records__isnull=False))
    return list(
        WorkoutLog.objects.filter(client__in=clients.values("pk"), finished_at__isnull=False)
        .select_related("client")
        .only(
            "name",
            "finished_at",
            "notes",
            "coach_comment",
            "client__first_name",
            "client__last_name",
        )
        .annotate(record_count=one_per_kind)
        .order_by("-finished_at")[:limit]
    )


def missed_workouts_by_client(
    *, clients: QuerySet[Client], today: datetime.date, days: int = 7
) -> list[dict]:
    """Clients among ``clients`` with workouts of an active program dated in the ``days``
    before ``today`` that are neither done, skipped nor logged: per client ``client_id``,
    ``first_name``, ``full_name``, ``missed`` (how many) and ``last`` (the latest date),
    the most missed first. One query; a row per such client."""
    logged = WorkoutLog.objects.filter(scheduled_id=OuterRef("pk"))
    rows = (
        ScheduledWorkout.objects.filter(
            client__in=clients.values("pk"),
            status=ScheduledWorkout.Status.SCHEDULED,
            assignment__status=ProgramAssignment.Status.ACTIVE,
            date__gte=today - datetime.timedelta(days=days),
            date__lt=today,
        )
        .filter(~Exists(logged))
        .order_by()
        .values("client_id", "client__first_name", "client__last_name")
        .annotate(missed=Count("pk"), last=Max("date"))
        .order_by("-missed", "-last", "client_id")
    )
    return [
        {
            "client_id": row["client_id"],
            "first_name": row["client__first_name"],
            "full_name": f"{row['client__first_name']} {row['client__last_name']}".strip(),
            "missed": row["missed"],
            "last": row["last"],
        }
        for row in rows
    ]


RECORD_KIND_ORDER = ["e1rm", "rep_max", "time", "distance", "fastest", "reps", "volume"]


def records_recent(
    *, clients: QuerySet[Client], since: datetime.datetime, limit: int = 6, scan: int = 60
) -> list[dict]:
    """Personal records ``clients`` set since ``since``, one entry per workout, newest
    first: ``workout_id``, ``client``, ``achieved_at``, ``record`` (its headline: an
    estimated 1RM before a rep max before volume) and ``more`` (its other records, one
    per exercise and kind), with the names of client and exercise (their other fields
    deferred). Reads at most ``scan`` records: one query."""
    rows = list(
        PersonalRecord.objects.filter(client__in=clients.values("pk"), achieved_at__gte=since)
        .select_related("client", "catalog_exercise", "exercise")
        .only(
            "workout_id",
            "kind",
            "reps",
            "distance_m",
            "value",
            "achieved_at",
            "client__first_name",
            "client__last_name",
            "catalog_exercise__name",
            "exercise__name",
        )
        .order_by("-achieved_at", "-pk")[:scan]
    )
    by_workout: dict[int, list[PersonalRecord]] = {}
    for record in rows:
        by_workout.setdefault(record.workout_id, []).append(record)
    found = []
    for workout_id, records in list(by_workout.items())[:limit]:
        best = records_best_of(records)
        best.sort(
            key=lambda r: RECORD_KIND_ORDER.index(r.kind) if r.kind in RECORD_KIND_ORDER else 99
        )
        found.append(
            {
                "workout_id": workout_id,
                "client": best[0].client,
                "achieved_at": records[0].achieved_at,
                "record": best[0],
                "more": len(best) - 1,
            }
        )
    return found


def workouts_logged_by_day(
    *, clients: QuerySet[Client], start: datetime.date, end: datetime.date, tz
) -> list[tuple[datetime.date, int]]:
    """Workouts ``clients`` finished on each day from ``start`` to ``end`` (inclusive) in
    the time zone ``tz``, days without any as 0. One query."""
    since = datetime.datetime.combine(start, datetime.time(), tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    counts = dict(
        WorkoutLog.objects.filter(
            client__in=clients.values("pk"), finished_at__gte=since, finished_at__lt=until
        )
        .annotate(day=TruncDate("finished_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days = (end - start).days + 1
    return [
        (start + datetime.timedelta(days=n), counts.get(start + datetime.timedelta(days=n), 0))
        for n in range(days)
    ]


def charts_json(progress: dict) -> dict:
    """What programs-logging.js draws (the tables carry the same numbers)."""
    return {
        "unit": progress["unit"],
        "exercises": [
            {"id": e["slug"], "name": e["name"], "points": e["points"]}
            for e in progress["exercises"]
        ],
        "weeks": [w.isoformat() for w in progress["weeks"]],
        "muscles": progress["muscles"][:8],
        "adherence": [
            {"week": a["week"].isoformat(), "done": a["done"], "scheduled": a["scheduled"]}
            for a in progress["adherence"]
        ],
    }
