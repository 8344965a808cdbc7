"""The coach's review of a logged workout: per exercise, per set, what the program
asked for next to what the client did, with the records the set made.

Sets logged against a prescription of the scheduled day are paired with its target
sets in order (warm-ups apart); target sets never logged show as missed; sets of
exercises that were not in the plan (a workout of the client's own, an extra
exercise) show without a target. Four or five queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from clients import units as u
from clients.selectors import client_queryset_for

from ..models import PersonalRecord, Prescription, ProgramWeek, SetLog, WorkoutLog
from ..progression import prescription_for_week
from ..sets import (
    DOT,
    HAS_LOAD,
    HAS_REPS,
    TIME,
    TIME_DISTANCE,
    format_distance,
    format_duration,
    format_load,
    format_set,
    format_target,
    kind_of,
)
from .logging import exercise_name, record_text, records_best_of


@dataclass
class ReviewSet:
    number: int | None
    target: str
    actual: str
    rpe: Decimal | None = None
    is_warmup: bool = False
    is_missed: bool = False
    is_extra: bool = False
    records: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ReviewExercise:
    name: str
    target: str  # the whole prescription: "3 × 45 s"
    kind: str
    swapped_from: str = ""
    sets: list[ReviewSet] = field(default_factory=list)
    records: list[str] = field(default_factory=list)  # records of the session (volume)

    @property
    def is_skipped(self) -> bool:
        return bool(self.sets) and all(s.is_missed for s in self.sets)


@dataclass
class WorkoutReview:
    log: WorkoutLog
    exercises: list[ReviewExercise]
    records: list[dict]
    set_count: int
    minutes: int | None


def set_target_text(target, prescription: Prescription, kind: str, system: str) -> str:
    """What one set of a prescription asks for: "8–10 reps · 60 kg", "45 s",
    "400 m in 1:32"."""
    if kind in HAS_REPS:
        low, high = target.reps_min, target.reps_max
        text = ""
        if low and high and high != low:
            text = f"{low}\u2013{high} reps"
        elif low:
            text = f"{low} rep{'' if low == 1 else 's'}"
        load = ""
        if target.load_value is not None:
            number = u.number_text(Decimal(target.load_value).normalize())
            if target.load_kind == Prescription.Load.KG and kind in HAS_LOAD:
                load = format_load(target.load_value, system)
            elif target.load_kind == Prescription.Load.PERCENT_1RM and kind in HAS_LOAD:
                load = f"{number}% of 1RM"
            elif target.load_kind == Prescription.Load.RPE:
                load = f"RPE {number}"
            elif target.load_kind == Prescription.Load.RIR:
                load = f"{number} in reserve"
        return f" {DOT} ".join(p for p in (text, load) if p) or "\u2014"
    duration = format_duration(prescription.duration_seconds)
    distance = format_distance(prescription.distance_m)
    if kind == TIME:
        return duration or "\u2014"
    if kind == TIME_DISTANCE and duration and distance:
        return f"{distance} in {duration}"
    return distance or duration or "\u2014"


def _records_by_set(records: list[PersonalRecord], system: str):
    by_set: dict[int, list[str]] = defaultdict(list)
    loose: dict[tuple, list[str]] = defaultdict(list)
    for record in records_best_of(records):
        text = record_text(record, system)
        if record.set_log_id:
            by_set[record.set_log_id].append(text)
        else:
            loose[(record.catalog_exercise_id, record.exercise_id)].append(text)
    return by_set, loose


def _actual(s: SetLog, system: str) -> ReviewSet:
    return ReviewSet(
        number=s.set_number,
        target="",
        actual=format_set(s, kind_of(s), system=system),
        rpe=s.rpe,
        is_warmup=s.is_warmup,
        note=s.note,
    )


def workout_review(*, log: WorkoutLog, system: str) -> WorkoutReview:
    """The review of ``log`` in the viewer's unit ``system`` (four queries; five for a
    scheduled workout whose ``scheduled`` is not loaded yet)."""
    sets = list(
        log.sets.select_related("catalog_exercise", "exercise").order_by(
            "logged_at", "set_number", "pk"
        )
    )
    records = list(
        PersonalRecord.objects.filter(workout=log)
        .select_related("catalog_exercise", "exercise")
        .order_by("achieved_at", "pk")
    )
    by_set, loose = _records_by_set(records, system)
    prescriptions: list[Prescription] = []
    week, written_weeks = 1, 1
    if log.scheduled_id and log.scheduled is not None:
        week = log.scheduled.week_number
        written_weeks = ProgramWeek.objects.filter(
            program__weeks__days=log.scheduled.day_id
        ).count()
        prescriptions = list(
            Prescription.objects.filter(block__day_id=log.scheduled.day_id)
            .select_related("catalog_exercise", "exercise", "block")
            .order_by("block__position", "position")
        )
    planned = {p.pk for p in prescriptions}
    by_prescription: dict[int, list[SetLog]] = defaultdict(list)
    unplanned: dict[tuple, list[SetLog]] = {}
    for s in sets:
        if s.prescription_id in planned:
            by_prescription[s.prescription_id].append(s)
        else:
            unplanned.setdefault((s.catalog_exercise_id, s.exercise_id), []).append(s)

    exercises: list[ReviewExercise] = []
    for p in prescriptions:
        kind = kind_of(p)
        target = prescription_for_week(p, week, written_weeks=written_weeks)
        logged = by_prescription.get(p.pk, [])
        done_as = logged[0] if logged else None
        swapped = done_as is not None and (done_as.catalog_exercise_id, done_as.exercise_id) != (
            p.catalog_exercise_id,
            p.exercise_id,
        )
        week_view = _TargetView(p, target)
        entry = ReviewExercise(
            name=exercise_name(done_as) if swapped else exercise_name(p),
            target=format_target(week_view, kind, system=system),
            kind=kind,
            swapped_from=exercise_name(p) if swapped else "",
        )
        per_set = set_target_text(target, p, kind, system)
        working = [s for s in logged if not s.is_warmup]
        for s in logged:
            if s.is_warmup:
                row = _actual(s, system)
                row.target = "Warm-up"
                row.records = by_set.get(s.pk, [])
                entry.sets.append(row)
        for index in range(max(target.sets, len(working))):
            if index < len(working):
                row = _actual(working[index], system)
                row.records = by_set.get(working[index].pk, [])
                if index < target.sets:
                    row.target = per_set
                else:
                    row.target, row.is_extra = "Extra set", True
            else:
                row = ReviewSet(number=index + 1, target=per_set, actual="", is_missed=True)
            entry.sets.append(row)
        key = (done_as or p).catalog_exercise_id, (done_as or p).exercise_id
        entry.records = loose.pop(key, [])
        exercises.append(entry)
    for key, rows in unplanned.items():
        first = rows[0]
        entry = ReviewExercise(name=exercise_name(first), target="", kind=kind_of(first))
        for s in rows:
            row = _actual(s, system)
            row.target = "Warm-up" if s.is_warmup else ""
            row.records = by_set.get(s.pk, [])
            entry.sets.append(row)
        entry.records = loose.pop(key, [])
        exercises.append(entry)
    minutes = None
    if log.finished_at:
        minutes = max(1, round((log.finished_at - log.started_at).total_seconds() / 60))
    best = records_best_of(records)
    return WorkoutReview(
        log=log,
        exercises=exercises,
        records=[{"name": exercise_name(r), "text": record_text(r, system)} for r in best],
        set_count=sum(1 for s in sets if not s.is_warmup),
        minutes=minutes,
    )


class _TargetView:
    """A prescription with its week's sets, reps and load (what ``format_target`` reads)."""

    def __init__(self, prescription: Prescription, target):
        self.sets = target.sets
        self.reps_min, self.reps_max = target.reps_min, target.reps_max
        self.load_kind, self.load_value = target.load_kind, target.load_value
        self.duration_seconds = prescription.duration_seconds
        self.distance_m = prescription.distance_m


def workout_log_for_review(*, user: User, pk: int) -> WorkoutLog | None:
    """The log ``pk`` if its client is one ``user`` may see (else None), with what the
    review page shows of it (one query)."""
    return (
        WorkoutLog.objects.filter(pk=pk, client__in=client_queryset_for(user=user))
        .select_related("client", "commented_by", "scheduled__day")
        .first()
    )
