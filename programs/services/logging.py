"""Workout logging: sets arrive in batches from the phone (live, or queued offline and
synced later), the workout is finished with notes, the coach comments.

Everything a phone sends carries ids made on the device (``client_uuid``), so a batch
sent twice (a retry after a timeout, a replayed Background Sync) stores nothing twice:
a set whose id is already stored is returned as ``"stored"`` and left as it was.

A conflict (the coach changed or removed the prescription after the page was cached on
the phone) never drops a set: the set is stored against the exercise it was logged for,
and the response lists the conflict so the page can say so.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import units as u
from clients.models import Client
from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail
from mectofitness.core.tasks import enqueue_on_commit
from programs.catalog.models import CatalogExercise, Measurement

from ..models import Exercise, PersonalRecord, Prescription, ScheduledWorkout, SetLog, WorkoutLog
from ..selectors.logging import exercise_name, record_text, records_best_of
from ..values import prescription_version
from .assignment import assignment_complete_if_done
from .bell import records_bell
from .comments import workout_comment  # noqa: F401 - the coach's comment lives there
from .records import NewRecord, records_refresh

MAX_LOAD_KG = Decimal("1000")
MAX_REPS = 200
MAX_SETS_PER_BATCH = 200
CENT = Decimal("0.01")


# --- values -------------------------------------------------------------------------


def load_to_kg(value, *, unit: str) -> Decimal:
    """A load typed in ``unit`` ("kg" or "lb") in kg, rounded half up to 0.01 kg (what
    SetLog stores). 225 lb -> 102.06 kg. Raises ValueError for what is not a number."""
    if isinstance(value, float):
        value = repr(value)
    raw = str(value).strip().replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a number")
    factor = u.KG_PER_LB if unit == u.IMPERIAL else Decimal(1)
    return (number * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def exercise_from_ref(ref: str) -> tuple[int | None, int | None]:
    """("catalog:12") -> (12, None); ("own:7") -> (None, 7). ValueError if malformed or
    unknown here (an archived own exercise is still known: old sets point at it)."""
    kind, _sep, number = (ref or "").partition(":")
    if not number.isdigit():
        raise ValueError(ref)
    pk = int(number)
    if kind == "catalog" and CatalogExercise.objects.filter(pk=pk).exists():
        return pk, None
    if kind == "own" and Exercise.objects.filter(pk=pk).exists():
        return None, pk
    raise ValueError(ref)


# --- the sync ----------------------------------------------------------------------


@dataclass
class SetInput:
    """One set as the phone sent it, already type-checked (see the API serializer)."""

    client_uuid: uuid.UUID
    exercise: str  # "catalog:12" / "own:7"
    set_number: int
    reps: int | None = None
    load_kg: Decimal | None = None
    rpe: Decimal | None = None
    prescription: int | None = None
    prescription_version: str = ""
    is_warmup: bool = False
    logged_at: datetime.datetime | None = None
    duration_seconds: int | None = None
    distance_m: int | None = None
    note: str = ""


@dataclass
class Conflict:
    set_uuid: str
    kind: str  # "removed": the prescription is gone; "changed": edited meanwhile; "workout"
    message: str


@dataclass
class SyncResult:
    workout: WorkoutLog
    workout_created: bool
    created: list[SetLog] = field(default_factory=list)
    stored: list[SetLog] = field(default_factory=list)  # already there: a replayed batch
    conflicts: list[Conflict] = field(default_factory=list)
    records: list[NewRecord] = field(default_factory=list)


def set_input_validate(item: SetInput, index: int | None = None) -> None:
    """Field errors for values we never store (the serializer checks the same first)."""
    errors = {}
    if item.reps is not None and not 0 <= item.reps <= MAX_REPS:
        errors["reps"] = _("Reps must be between 0 and %(max)d.") % {"max": MAX_REPS}
    if item.load_kg is not None and not 0 <= item.load_kg <= MAX_LOAD_KG:
        errors["load_kg"] = _("The load must be between 0 and 1000 kg.")
    if item.rpe is not None and not 1 <= item.rpe <= 10:
        errors["rpe"] = _("RPE goes from 1 to 10.")
    if not 1 <= item.set_number <= 50:
        errors["set_number"] = _("The set number must be between 1 and 50.")
    if errors:
        raise ValidationError(errors)


def measurements_for(refs) -> dict[str, str]:
    """How each exercise ("catalog:12", "own:7") is measured; unknown refs are left out.
    Two queries at most, whatever the number of refs."""
    catalog, own = set(), set()
    for ref in refs:
        kind, _sep, number = (ref or "").partition(":")
        if number.isdigit():
            (catalog if kind == "catalog" else own if kind == "own" else set()).add(int(number))
    found = {}
    if catalog:
        for pk, kind in CatalogExercise.objects.filter(pk__in=catalog).values_list(
            "pk", "measurement"
        ):
            found[f"catalog:{pk}"] = kind
    if own:
        for pk, kind in Exercise.objects.filter(pk__in=own).values_list("pk", "measurement"):
            found[f"own:{pk}"] = kind
    return found


def set_values_errors(item: SetInput, measurement: str) -> dict[str, str]:
    """What a set must carry for how its exercise is measured: a timed exercise its
    time and no reps (a plank held 45 s is not "45 reps"), a carry or a run its distance
    or time (or both), a counted exercise its reps (or, for older phones, a time or
    distance). A load is allowed for every kind: a weighted plank, a carry, a vest."""
    M = Measurement
    errors = {}
    if measurement in (M.TIME, M.DISTANCE, M.TIME_DISTANCE) and item.reps is not None:
        errors["reps"] = {
            M.TIME: _("This exercise is timed: send its time (duration_seconds), not reps."),
            M.DISTANCE: _("This exercise goes over a distance: send distance_m, not reps."),
            M.TIME_DISTANCE: _("This exercise is measured in distance and time, not reps."),
        }[measurement]
    if measurement == M.TIME and not item.duration_seconds:
        errors["duration_seconds"] = _("Give the time, in seconds (at least 1).")
    if measurement in (M.DISTANCE, M.TIME_DISTANCE) and not (
        item.duration_seconds or item.distance_m
    ):
        errors["distance_m"] = _("Give the distance in metres, the time or both.")
    if (
        measurement in (M.REPS, M.REPS_LOAD)
        and item.reps is None
        and not (item.duration_seconds or item.distance_m)
    ):
        errors["reps"] = _("Give the reps.")
    return errors


def _scheduled_for(
    client: Client, scheduled_id: int | None
) -> tuple[ScheduledWorkout | None, bool]:
    """The client's scheduled workout; (None, True) when it was removed meanwhile.
    Another client's workout is a 404, as if it did not exist."""
    if scheduled_id is None:
        return None, False
    found = ScheduledWorkout.objects.filter(pk=scheduled_id).select_related("day").first()
    if found is None:
        return None, True  # the coach re-planned: keep the log, as a workout of its own
    if found.client_id != client.pk:
        raise Http404
    return found, False


def _workout_get_or_create(
    *, client: Client, workout_uuid: uuid.UUID, scheduled_id: int | None, started_at, name: str
) -> tuple[WorkoutLog, bool, bool]:
    """Lock the client's workout with this id (made if new): (log, created, schedule_gone)."""
    existing = WorkoutLog.objects.select_for_update().filter(client_uuid=workout_uuid).first()
    if existing is not None:
        if existing.client_id != client.pk:
            raise Http404
        return existing, False, False
    scheduled, gone = _scheduled_for(client, scheduled_id)
    if scheduled is not None:
        # the page was opened twice (two tabs, a reload before the first sync): one
        # workout, not two; the response tells the page which id to use from now on
        open_log = (
            WorkoutLog.objects.select_for_update()
            .filter(client=client, scheduled=scheduled, finished_at__isnull=True)
            .order_by("started_at")
            .first()
        )
        if open_log is not None:
            return open_log, False, False
    defaults = {
        "client": client,
        "scheduled": scheduled,
        "name": (scheduled.day.name if scheduled else name)[:120],
        "started_at": started_at or timezone.now(),
    }
    try:
        with transaction.atomic():
            log = WorkoutLog.objects.create(client_uuid=workout_uuid, **defaults)
        return log, True, gone
    except IntegrityError:  # the same batch, sent twice at once: the other one made it
        log = WorkoutLog.objects.select_for_update().get(client_uuid=workout_uuid)
        if log.client_id != client.pk:
            raise Http404 from None
        return log, False, False


@transaction.atomic
def workout_sync(
    *,
    client: Client,
    workout_uuid: uuid.UUID,
    sets: list[SetInput],
    scheduled_id: int | None = None,
    started_at: datetime.datetime | None = None,
    finished_at: datetime.datetime | None = None,
    notes: str | None = None,
    name: str = "",
    rating: int | None = None,
    notify: bool = True,
) -> SyncResult:
    """Store a batch of sets for ``client``'s workout ``workout_uuid`` (made when new).

    Idempotent: sets whose ``client_uuid`` is stored already are not written again (and
    not changed). Raises Http404 when the workout, the scheduled workout or a set id
    belongs to another client; ValidationError for values we never store. With
    ``notify=False`` (history written by the demo) the coach is not told of it."""
    if len(sets) > MAX_SETS_PER_BATCH:
        raise ValidationError({"sets": _("Send at most 200 sets at a time.")})
    for item in sets:
        set_input_validate(item)
    kinds = measurements_for({item.exercise for item in sets})
    for item in sets:
        errors = set_values_errors(item, kinds.get(item.exercise, Measurement.REPS_LOAD))
        if errors:
            raise ValidationError(errors)
    log, created, schedule_gone = _workout_get_or_create(
        client=client,
        workout_uuid=workout_uuid,
        scheduled_id=scheduled_id,
        started_at=started_at,
        name=name,
    )
    result = SyncResult(workout=log, workout_created=created)
    if schedule_gone:
        result.conflicts.append(
            Conflict(
                set_uuid="",
                kind="workout",
                message=_(
                    "Your coach changed your schedule while you trained: this workout is "
                    "kept as a workout of its own."
                ),
            )
        )

    uuids = [item.client_uuid for item in sets]
    already = {s.client_uuid: s for s in SetLog.objects.filter(client_uuid__in=uuids)}
    if any(s.workout_id != log.pk for s in already.values()):
        foreign = [s for s in already.values() if s.workout_id != log.pk]
        # the same id in this client's other workout is a replay too; anyone else's: 404
        if (
            WorkoutLog.objects.filter(pk__in={s.workout_id for s in foreign})
            .exclude(client=client)
            .exists()
        ):
            raise Http404
    prescription_ids = {item.prescription for item in sets if item.prescription}
    prescriptions = {}
    if prescription_ids:
        # only prescriptions of this client's programs (or templates it copies) are
        # linkable; an id from elsewhere is treated as gone, never attached
        prescriptions = {
            p.pk: p
            for p in Prescription.objects.filter(pk__in=prescription_ids).filter(
                _prescription_visible_q(client)
            )
        }
    touched: set[tuple[int | None, int | None]] = set()
    seen_in_batch: set[uuid.UUID] = set()
    for item in sets:
        if item.client_uuid in already:
            result.stored.append(already[item.client_uuid])
            continue
        if item.client_uuid in seen_in_batch:
            continue  # the same set twice in one batch
        seen_in_batch.add(item.client_uuid)
        try:
            catalog_id, exercise_id = exercise_from_ref(item.exercise)
        except ValueError:
            raise ValidationError(
                {"exercise": _("Unknown exercise %(ref)s.") % {"ref": item.exercise}}
            ) from None
        prescription = None
        if item.prescription:
            prescription = prescriptions.get(item.prescription)
            if prescription is None:
                result.conflicts.append(
                    Conflict(
                        set_uuid=str(item.client_uuid),
                        kind="removed",
                        message=_(
                            "Your coach removed this exercise from the workout after you "
                            "opened it. Your set is kept."
                        ),
                    )
                )
            elif item.prescription_version and item.prescription_version != (
                prescription_version(prescription)
            ):
                result.conflicts.append(
                    Conflict(
                        set_uuid=str(item.client_uuid),
                        kind="changed",
                        message=_(
                            "Your coach changed this exercise after you opened the workout. "
                            "Your set is kept as you logged it."
                        ),
                    )
                )
        row = SetLog(
            workout=log,
            prescription=prescription,
            catalog_exercise_id=catalog_id,
            exercise_id=exercise_id,
            client_uuid=item.client_uuid,
            set_number=item.set_number,
            reps=item.reps,
            load_kg=item.load_kg,
            rpe=item.rpe,
            is_warmup=item.is_warmup,
            logged_at=item.logged_at or timezone.now(),
            duration_seconds=item.duration_seconds,
            distance_m=item.distance_m,
            note=(item.note or "")[:200],
        )
        result.created.append(row)
        touched.add((catalog_id, exercise_id))
    if result.created:
        SetLog.objects.bulk_create(result.created)

    changed = []
    if notes is not None and notes != log.notes:
        log.notes = notes[:5000]
        changed.append("notes")
    if rating is not None and rating != log.rating:
        log.rating = rating
        changed.append("rating")
    if finished_at is not None and log.finished_at is None:
        log.finished_at = max(finished_at, log.started_at)
        changed.append("finished_at")
    if changed:
        log.save(update_fields=changed)
    if log.finished_at is not None and log.scheduled_id:
        marked = (
            ScheduledWorkout.objects.filter(pk=log.scheduled_id, client=client)
            .exclude(status=ScheduledWorkout.Status.DONE)
            .update(status=ScheduledWorkout.Status.DONE, updated_at=timezone.now())
        )
        if marked:
            assignment_complete_if_done(assignment_id=log.scheduled.assignment_id)
    if "finished_at" in changed and notify:
        enqueue_on_commit("programs.tasks.logging.workout_finished_notify_task", workout_id=log.pk)
    if touched:
        result.records = records_refresh(client=client, exercises=touched)
    if client.user_id and (result.created or changed):
        Client.objects.filter(pk=client.pk).update(last_activity_at=timezone.now())
    return result


def _prescription_visible_q(client: Client):
    return Q(block__day__week__program__client=client) | Q(
        block__day__week__program__assignments__client=client
    )


@transaction.atomic
def set_log_delete(*, client: Client, set_uuid: uuid.UUID) -> bool:
    """Un-log a set the client ticked by mistake; records are recomputed. False if it is
    not theirs (or already gone)."""
    row = (
        SetLog.objects.select_for_update()
        .filter(client_uuid=set_uuid, workout__client=client)
        .first()
    )
    if row is None:
        return False
    key = (row.catalog_exercise_id, row.exercise_id)
    row.delete()
    records_refresh(client=client, exercises=[key])
    return True


def workout_coach_notify(*, log: WorkoutLog) -> bool:
    """E-mail the client's coach when a finished workout set personal records (with
    the client's notes), so records are announced to the coach as to the client.
    Workouts without records show on the back-office home only. Returns whether a
    mail went out."""
    coach = log.client.primary_coach
    if log.finished_at is None or coach is None or not coach.is_active or not coach.email:
        return False
    records = records_best_of(
        PersonalRecord.objects.filter(workout=log)
        .select_related("catalog_exercise", "exercise")
        .order_by("achieved_at", "pk")
    )
    if not records:
        return False
    records_bell(log=log, coach=coach, count=len(records))  # the bell and push, beside the mail
    business = getattr(connection, "tenant", None)
    system = u.units_for(client=log.client, viewer=coach, business=business)
    context = {
        "coach": coach,
        "client": log.client,
        "log": log,
        "records": [{"name": exercise_name(r), "text": record_text(r, system)} for r in records],
        "url": business_url(
            getattr(business, "slug", ""), f"/admin/programs/workoutlog/{log.pk}/review/"
        ),
    }
    subject = _("%(client)s set %(n)d personal record(s)") % {
        "client": log.client.full_name,
        "n": len(records),
    }
    send_business_mail(
        business=business,
        to=coach.email,
        subject=subject,
        template="programs/emails/coach_records",
        context=context,
    )
    return True


@dataclass
class AdHocEntry:
    """One row of a workout logged after the fact: ``sets`` sets of the same values."""

    exercise: str  # "catalog:12" / "own:7"
    sets: int
    reps: int | None = None
    load_kg: Decimal | None = None
    duration_seconds: int | None = None


@transaction.atomic
def workout_adhoc_log(
    *,
    client: Client,
    workout_uuid: uuid.UUID,
    name: str,
    entries: list[AdHocEntry],
    notes: str = "",
    minutes: int | None = None,
) -> SyncResult:
    """Store a finished workout the client did on their own (not on their calendar).

    Set ids are derived from the workout's id, so sending the same form twice (a double
    tap, a reload) stores it once; records are detected as for any logged set."""
    if not entries:
        raise ValidationError({"exercise": _("Add at least one exercise.")})
    now = timezone.now()
    started = now - datetime.timedelta(minutes=minutes) if minutes else now
    sets = []
    for row_index, entry in enumerate(entries):
        for number in range(1, entry.sets + 1):
            sets.append(
                SetInput(
                    client_uuid=uuid.uuid5(workout_uuid, f"{row_index}-{number}"),
                    exercise=entry.exercise,
                    set_number=number,
                    reps=entry.reps,
                    load_kg=entry.load_kg,
                    duration_seconds=entry.duration_seconds,
                    logged_at=started,
                )
            )
    return workout_sync(
        client=client,
        workout_uuid=workout_uuid,
        sets=sets,
        started_at=started,
        finished_at=now,
        notes=notes,
        name=name,
    )
