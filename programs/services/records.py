"""Personal records: detected from every stored set, so logging order never matters.

Three kinds, per client and per exercise (what was actually done, a swap included):

- **Estimated 1RM** (``e1rm``): Epley, ``load x (1 + reps / 30)``, used only for sets of
  1 to 10 reps (beyond 10 the estimate drifts too far); a single counts as its load
  (Epley would add 1/30). Values are rounded half up to 0.01 kg and compared rounded.
- **Heaviest for reps** (``rep_max``): the heaviest load lifted for exactly 1, 2, …, 12 reps.
- **Session volume** (``volume``): the sum of load x reps of one exercise's working sets in
  one workout.

Warm-up sets, sets without reps or load, and sets with no load (0 kg) never count.

Exercises not measured in reps and load (``Measurement``) have their own kinds, exact
integers compared as stored (no rounding):

- **Most reps** (``reps``), for reps-only exercises: the most reps in one set without a load
  (a weighted set of push-ups counts for the load records above instead).
- **Longest time** (``time``), for timed exercises: the longest set, in seconds (a plank).
- **Longest distance** (``distance``), for distance and time-and-distance exercises.
- **Fastest for a distance** (``fastest``), for distance and time-and-distance exercises:
  the shortest time for exactly that distance (``distance_m``); lower is better.

A record is a performance that beats *everything logged before it* (strictly: a tie is
not a record) for the same exercise and kind (and rep count). The first time a client
does an exercise sets the baseline; it is not a record. "Before" is the time the set was
logged (the workout's start for volume), ties broken by the device's id, so the records
are a function of the stored sets alone: sets synced late from an offline phone, or in
any order, give the same rows as sets logged live (see ``records_expected``). When a
late set changes history, records it makes obsolete are deleted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from programs.catalog.models import CatalogExercise, Measurement

from ..models import Exercise, PersonalRecord, SetLog
from ..values import epley_e1rm, exercises_q

CENT = Decimal("0.01")
REP_MAX_REPS = 12

ExerciseKey = tuple[int | None, int | None]  # (catalog_exercise_id, exercise_id)


@dataclass(frozen=True)
class SetFact:
    """What record detection needs of one set (also built by tests, without a database)."""

    key: str  # a stable identity: the set's client_uuid
    workout_key: str  # the workout's client_uuid
    at: datetime.datetime  # when the set was logged
    workout_at: datetime.datetime  # when its workout started
    reps: int | None
    load_kg: Decimal | None
    is_warmup: bool = False
    duration_seconds: int | None = None
    distance_m: int | None = None

    @property
    def counts(self) -> bool:
        return (
            not self.is_warmup
            and self.reps is not None
            and self.reps >= 1
            and self.load_kg is not None
            and self.load_kg > 0
        )


@dataclass(frozen=True)
class Expected:
    """One record the stored sets imply."""

    kind: str
    reps: int | None
    value: Decimal
    set_key: str | None  # None for session volume
    workout_key: str
    at: datetime.datetime
    previous: Decimal  # the best it beat
    distance_m: int | None = None  # fastest times only

    @property
    def identity(self) -> tuple:
        return (
            self.kind,
            self.reps,
            self.distance_m,
            self.set_key if self.set_key else self.workout_key,
        )


def _progression(
    candidates: list[tuple[tuple, Decimal, dict]],
    kind: str,
    reps=None,
    *,
    lower_is_better: bool = False,
    distance_m: int | None = None,
):
    """Candidates in time order; each one strictly better than all before it (not the
    first): above them, or below them when ``lower_is_better`` (a time for a distance)."""
    out = []
    best = None
    for _order, value, extra in sorted(candidates, key=lambda c: c[0]):
        better = best is not None and (value < best if lower_is_better else value > best)
        if better:
            out.append(
                Expected(
                    kind=kind,
                    reps=reps,
                    value=value,
                    previous=best,
                    distance_m=distance_m,
                    **extra,
                )
            )
        if best is None or better:
            best = value
    return out


def _set_extra(f: SetFact) -> dict:
    return {"set_key": f.key, "workout_key": f.workout_key, "at": f.at}


def _timed_records(facts: list[SetFact], measurement: str) -> list[Expected]:
    """Most reps, longest time, longest distance, fastest for a distance (see above)."""
    working = [f for f in facts if not f.is_warmup]
    found: list[Expected] = []
    if measurement == Measurement.REPS:
        found += _progression(
            [
                ((f.at, f.key), Decimal(f.reps), _set_extra(f))
                for f in working
                if f.reps is not None and f.reps >= 1 and not f.load_kg
            ],
            PersonalRecord.Kind.MOST_REPS,
        )
    if measurement == Measurement.TIME:
        found += _progression(
            [
                ((f.at, f.key), Decimal(f.duration_seconds), _set_extra(f))
                for f in working
                if f.duration_seconds is not None and f.duration_seconds >= 1
            ],
            PersonalRecord.Kind.LONGEST_TIME,
        )
    if measurement in (Measurement.DISTANCE, Measurement.TIME_DISTANCE):
        found += _progression(
            [
                ((f.at, f.key), Decimal(f.distance_m), _set_extra(f))
                for f in working
                if f.distance_m is not None and f.distance_m >= 1
            ],
            PersonalRecord.Kind.LONGEST_DISTANCE,
        )
        by_distance: dict[int, list] = defaultdict(list)
        for f in working:
            if f.distance_m and f.distance_m >= 1 and f.duration_seconds:
                by_distance[f.distance_m].append(
                    ((f.at, f.key), Decimal(f.duration_seconds), _set_extra(f))
                )
        for distance, candidates in by_distance.items():
            found += _progression(
                candidates,
                PersonalRecord.Kind.FASTEST,
                lower_is_better=True,
                distance_m=distance,
            )
    return found


def records_expected(
    facts: Iterable[SetFact], measurement: str = Measurement.REPS_LOAD
) -> list[Expected]:
    """The records of ONE client's ONE exercise, from all its sets (pure, no database),
    by how the exercise is measured."""
    facts = list(facts)
    found = _timed_records(facts, measurement)
    if measurement not in (Measurement.REPS_LOAD, Measurement.REPS):
        return found
    working = [f for f in facts if f.counts]
    e1rm, by_reps = [], defaultdict(list)
    volumes: dict[str, Decimal] = defaultdict(Decimal)
    workout_at: dict[str, datetime.datetime] = {}
    for f in working:
        order = (f.at, f.key)
        extra = {"set_key": f.key, "workout_key": f.workout_key, "at": f.at}
        estimate = epley_e1rm(f.load_kg, f.reps)
        if estimate is not None:
            e1rm.append((order, estimate, extra))
        if f.reps <= REP_MAX_REPS:
            by_reps[f.reps].append((order, Decimal(f.load_kg).quantize(CENT), extra))
        volumes[f.workout_key] += Decimal(f.load_kg) * f.reps
        workout_at[f.workout_key] = f.workout_at
    found += _progression(e1rm, PersonalRecord.Kind.E1RM)
    for reps, candidates in by_reps.items():
        found += _progression(candidates, PersonalRecord.Kind.REP_MAX, reps)
    found += _progression(
        [
            (
                (workout_at[w], w),
                volume.quantize(CENT, rounding=ROUND_HALF_UP),
                {"set_key": None, "workout_key": w, "at": workout_at[w]},
            )
            for w, volume in volumes.items()
        ],
        PersonalRecord.Kind.SESSION_VOLUME,
    )
    return found


@dataclass
class NewRecord:
    record: PersonalRecord
    previous: Decimal


@transaction.atomic
def records_refresh(*, client, exercises: Iterable[ExerciseKey]) -> list[NewRecord]:
    """Make ``client``'s stored records of ``exercises`` equal what their sets imply.

    Creates the missing rows (returned: these are the ones to celebrate), updates a
    session volume that grew, and deletes rows a late, earlier set made obsolete.
    Five queries for any number of exercises plus one per change; reads every working
    set the client logged for them (a few hundred rows a year each)."""
    keys = list(set(exercises))
    if not keys:
        return []
    matching = exercises_q(keys)
    sets_of = _by_exercise(
        SetLog.objects.filter(matching, workout__client=client)
        .select_related("workout", "catalog_exercise", "exercise")
        .only(
            "id",
            "client_uuid",
            "logged_at",
            "reps",
            "load_kg",
            "is_warmup",
            "duration_seconds",
            "distance_m",
            "workout__id",
            "workout__client_uuid",
            "workout__started_at",
            "catalog_exercise__measurement",
            "exercise__measurement",
        )
    )
    records_of = _by_exercise(
        PersonalRecord.objects.filter(matching, client=client).select_related("set_log", "workout")
    )
    new: list[tuple[ExerciseKey, list[PersonalRecord], list[Expected]]] = []
    for key in keys:
        sets = _of_exercise(sets_of, key)
        by_uuid = {str(s.client_uuid): s for s in sets}
        workouts = {str(s.workout.client_uuid): s.workout for s in sets}
        facts = [
            SetFact(
                key=str(s.client_uuid),
                workout_key=str(s.workout.client_uuid),
                at=s.logged_at,
                workout_at=s.workout.started_at,
                reps=s.reps,
                load_kg=s.load_kg,
                is_warmup=s.is_warmup,
                duration_seconds=s.duration_seconds,
                distance_m=s.distance_m,
            )
            for s in sets
        ]
        measurement = Measurement.REPS_LOAD
        if sets:
            measurement = (sets[0].catalog_exercise or sets[0].exercise).measurement
        wanted = {e.identity: e for e in records_expected(facts, measurement)}
        for record in _of_exercise(records_of, key):
            identity = (
                record.kind,
                record.reps,
                record.distance_m,
                str(record.set_log.client_uuid)
                if record.set_log_id
                else str(record.workout.client_uuid),
            )
            expected = wanted.pop(identity, None)
            if expected is None:
                record.delete()
            elif record.value != expected.value:
                record.value = expected.value
                record.save(update_fields=["value"])
        catalog_id, exercise_id = key
        if not wanted:
            continue
        rows = [
            PersonalRecord(
                client=client,
                catalog_exercise_id=catalog_id,
                exercise_id=exercise_id,
                kind=expected.kind,
                reps=expected.reps,
                distance_m=expected.distance_m,
                value=expected.value,
                set_log=by_uuid[expected.set_key] if expected.set_key else None,
                workout=workouts[expected.workout_key],
                achieved_at=expected.at,
            )
            for expected in wanted.values()
        ]
        new.append((key, rows, list(wanted.values())))
    if not new:
        return []
    PersonalRecord.objects.bulk_create(row for _key, rows, _e in new for row in rows)
    catalog = CatalogExercise.objects.in_bulk([key[0] for key, _r, _e in new if key[0]])
    own = Exercise.objects.in_bulk([key[1] for key, _r, _e in new if not key[0]])
    created: list[NewRecord] = []
    for (catalog_id, exercise_id), rows, expected_rows in new:
        for record, expected in zip(rows, expected_rows, strict=True):
            if catalog_id:
                record.catalog_exercise = catalog[catalog_id]
            else:
                record.exercise = own[exercise_id]
            created.append(NewRecord(record=record, previous=expected.previous))
    return created


def _by_exercise(rows) -> dict[tuple[str, int], list]:
    """``rows`` (sets or records) by their exercise, as ``values.exercises_q`` matches them."""
    found: dict[tuple[str, int], list] = defaultdict(list)
    for row in rows:
        if row.catalog_exercise_id is not None:
            found["catalog", row.catalog_exercise_id].append(row)
        if row.exercise_id is not None:
            found["own", row.exercise_id].append(row)
    return found


def _of_exercise(found: dict[tuple[str, int], list], key: ExerciseKey) -> list:
    catalog_id, exercise_id = key
    if catalog_id is not None:
        return found.get(("catalog", catalog_id), [])
    return found.get(("own", exercise_id), [])


def record_mark_seen(*, client, record_ids: Iterable[int]) -> int:
    """The client saw these celebrations (their own records only)."""
    return PersonalRecord.objects.filter(client=client, pk__in=list(record_ids)).update(
        is_seen=True
    )
