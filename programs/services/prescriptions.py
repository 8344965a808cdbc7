"""What a block of the builder prescribes: adding an exercise, changing what is
prescribed (sets, reps, load, tempo, rest, duration, distance, notes, progression),
swapping the exercise, reordering, moving to another workout and removing.

Every function here is one transaction and takes typed values (``PrescriptionChanges``;
the API's serializers parse what people type); it raises ``ValidationError`` keyed by
field, every problem at once. How a prescription progresses from week to week is
``programs.progression``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from programs.catalog.models import CatalogExercise, Measurement

from ..models import Block, Exercise, Prescription, Program, ProgramDay
from ..progression import progression_clean
from .program_structure import (
    block_add,
    block_move,
    block_remove,
    place,
    positions_check,
    program_of_day,
    renumber,
)

MAX_PRESCRIPTIONS_PER_BLOCK = 12

LOAD_BOUNDS = {
    Prescription.Load.KG: (Decimal("0"), Decimal("1000"), _("kg must be between 0 and 1000.")),
    Prescription.Load.PERCENT_1RM: (
        Decimal("1"),
        Decimal("110"),
        _("A percentage of 1RM must be between 1 and 110."),
    ),
    Prescription.Load.RPE: (Decimal("1"), Decimal("10"), _("RPE must be between 1 and 10.")),
    Prescription.Load.RIR: (
        Decimal("0"),
        Decimal("10"),
        _("Reps in reserve must be between 0 and 10."),
    ),
}
LOAD_MESSAGE = _("Enter the load as a number, like 62.5.")
TEMPO_MESSAGE = _("Write the tempo like 3-1-1-0 (X for explosive).")

# the whole numbers of a prescription: (lowest, highest, the message when outside)
NUMBER_BOUNDS = {
    "sets": (1, 20, _("Sets must be between 1 and 20.")),
    "reps_min": (1, 100, _("Reps must be between 1 and 100.")),
    "reps_max": (1, 100, _("Reps must be between 1 and 100.")),
    "rest_seconds": (0, 3600, _("Rest must be between 0 and 3600 seconds.")),
    "duration_seconds": (1, 86400, _("Duration must be between 1 second and 24 hours.")),
    "distance_m": (1, 500000, _("Distance must be between 1 m and 500 km.")),
}
NOTES_LIMIT = 300


class PrescriptionChanges(TypedDict, total=False):
    """What a prescription asks for; a key left out stays as it is (None clears)."""

    sets: int
    reps_min: int | None
    reps_max: int | None
    load_kind: str
    load_value: Decimal | None
    tempo: str
    rest_seconds: int | None
    duration_seconds: int | None
    distance_m: int | None
    notes: str
    progression: dict


PRESCRIPTION_FIELDS = tuple(PrescriptionChanges.__annotations__)


def exercise_from_ref(ref: str) -> tuple[CatalogExercise | None, Exercise | None]:
    """``"catalog:12"`` or ``"own:5"`` (as the exercise picker gives them); the library's
    keys ``"c-12"`` and ``"b-5"`` work too."""
    ref = str(ref or "")
    if ref[:2] in ("c-", "b-"):
        ref = ("catalog:" if ref[0] == "c" else "own:") + ref[2:]
    kind, _sep, pk = ref.partition(":")
    if not pk.isdigit():
        raise ValidationError({"exercise": _("Choose an exercise from the list.")})
    if kind == "catalog":
        found = CatalogExercise.objects.filter(pk=int(pk)).first()
        if found is not None:
            return found, None
    elif kind == "own":
        found = Exercise.objects.filter(pk=int(pk), archived_at__isnull=True).first()
        if found is not None:
            return None, found
    raise ValidationError({"exercise": _("This exercise is not in the library any more.")})


def prescription_apply(prescription: Prescription, changes: PrescriptionChanges) -> None:
    """Check ``changes`` (typed values) and set them on ``prescription``. Every problem
    is reported at once, keyed by field."""
    unknown = set(changes) - set(PRESCRIPTION_FIELDS)
    if unknown:
        raise TypeError(f"a prescription has no {sorted(unknown)}")
    errors: dict[str, str] = {}
    p = prescription
    for field, (low, high, message) in NUMBER_BOUNDS.items():
        if field not in changes:
            continue
        value = changes[field]
        if value is None and field != "sets":
            setattr(p, field, None)
        elif value is None or not low <= value <= high:
            errors[field] = message
        else:
            setattr(p, field, value)
    if "reps_min" not in errors and "reps_max" not in errors:
        if p.reps_max is not None and p.reps_min is None:
            errors["reps_min"] = _("Give the lowest reps of the range too.")
        elif p.reps_max is not None and p.reps_max < p.reps_min:
            errors["reps_max"] = _("The top of the rep range must be at least %(n)d.") % {
                "n": p.reps_min
            }
        elif p.reps_max == p.reps_min:
            p.reps_max = None  # "8-8" is 8
    if "load_kind" in changes:
        if changes["load_kind"] not in Prescription.Load.values:
            errors["load_kind"] = _("Choose a kind of load from the list.")
        else:
            p.load_kind = changes["load_kind"]
    if "load_value" in changes:
        value = changes["load_value"]
        if value is not None and not value.is_finite():
            errors["load_value"] = LOAD_MESSAGE
        else:
            p.load_value = value
    if "load_kind" not in errors and "load_value" not in errors:
        if p.load_kind == Prescription.Load.NONE:
            p.load_value = None
        elif p.load_value is None:
            errors["load_value"] = _("Enter the load, or choose no load.")
        else:
            low, high, message = LOAD_BOUNDS[p.load_kind]
            if not low <= p.load_value <= high:
                errors["load_value"] = message
            elif p.load_value != p.load_value.quantize(Decimal("0.01")):
                errors["load_value"] = _("Use at most two decimals.")
    if "tempo" in changes:
        tempo = changes["tempo"]
        if tempo and (len(tempo) > 12 or not all(c.isdigit() or c in "-X/" for c in tempo)):
            errors["tempo"] = TEMPO_MESSAGE
        p.tempo = tempo
    if "notes" in changes:
        if len(changes["notes"]) > NOTES_LIMIT:
            errors["notes"] = _("Keep it to %(n)d characters.") % {"n": NOTES_LIMIT}
        p.notes = changes["notes"]
    if p.reps_min is None and p.duration_seconds is None and p.distance_m is None:
        if not errors:
            errors["reps_min"] = _("Give reps, a duration or a distance.")
    if not errors and ("progression" in changes or "load_kind" in changes or "reps_min" in changes):
        try:
            p.progression = progression_clean(
                changes.get("progression", p.progression),
                load_kind=p.load_kind,
                reps_min=p.reps_min,
                reps_max=p.reps_max,
            )
        except ValidationError as exc:
            errors["progression"] = exc.message_dict["progression"][0]
    if not errors and p.progression.get("kind") == "wave" and p.load_kind == "percent_1rm":
        p.load_value = Decimal(str(p.progression["percents"][0])).quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)


# what a new prescription asks for, by how its exercise is measured
PRESCRIPTION_DEFAULTS = {
    Measurement.REPS_LOAD: {"sets": 3, "reps_min": 10},
    Measurement.REPS: {"sets": 3, "reps_min": 10},
    Measurement.TIME: {"sets": 3, "duration_seconds": 30},
    Measurement.DISTANCE: {"sets": 3, "distance_m": 40},
    Measurement.TIME_DISTANCE: {"sets": 1, "duration_seconds": 1200},
}


def prescription_defaults(measurement: str) -> dict:
    """Sets, reps, duration and distance of a new prescription (the others None)."""
    values = PRESCRIPTION_DEFAULTS.get(measurement, PRESCRIPTION_DEFAULTS[Measurement.REPS_LOAD])
    return {"reps_min": None, "duration_seconds": None, "distance_m": None} | values


def _measurement_of(prescription: Prescription) -> str:
    exercise = prescription.catalog_exercise or prescription.exercise
    return getattr(exercise, "measurement", Measurement.REPS_LOAD)


@transaction.atomic
def prescription_add(
    *,
    by: User | None,
    exercise_ref: str,
    block: Block | None = None,
    day: ProgramDay | None = None,
    **values: Unpack[PrescriptionChanges],
) -> Prescription:
    """Add an exercise to ``block``, or to a new straight-sets block at the end of ``day``.

    Defaults follow how the exercise is measured (``PRESCRIPTION_DEFAULTS``): 3 sets of
    10 for a squat or a push-up, 3 x 30 s for a plank, 3 x 40 m for a carry, 20 minutes
    for a run; no load."""
    catalog, own = exercise_from_ref(exercise_ref)
    if block is None:
        if day is None:
            raise ValidationError({"block": _("Choose where the exercise goes.")})
        block = block_add(day=day, by=by)
    block = Block.objects.select_for_update().get(pk=block.pk)
    if block.prescriptions.count() >= MAX_PRESCRIPTIONS_PER_BLOCK:
        raise ValidationError({"exercise": _("A block has at most 12 exercises.")})
    position = (block.prescriptions.aggregate(top=Max("position"))["top"] or 0) + 1
    prescription = Prescription(
        block=block,
        position=position,
        catalog_exercise=catalog,
        exercise=own,
        **prescription_defaults((catalog or own).measurement),
    )
    prescription_apply(prescription, values)
    prescription.save()
    return prescription


@transaction.atomic
def prescription_update(
    *,
    prescription: Prescription,
    by: User | None,
    exercise_ref: str | None = None,
    **changes: Unpack[PrescriptionChanges],
) -> Prescription:
    """Change what is prescribed; ``exercise_ref`` (a picker ref) swaps the exercise."""
    prescription = Prescription.objects.select_for_update().get(pk=prescription.pk)
    swapped_from = None
    if exercise_ref:
        swapped_from = _measurement_of(prescription)
        prescription.catalog_exercise, prescription.exercise = exercise_from_ref(exercise_ref)
    if swapped_from is not None and swapped_from != _measurement_of(prescription):
        # a squat swapped for a plank: "3 x 10" becomes "3 x 30 s" unless the edit says
        for field, value in prescription_defaults(_measurement_of(prescription)).items():
            if field != "sets" and field not in changes:
                setattr(prescription, field, value)
        if "reps_min" not in changes and prescription.reps_min is None:
            prescription.reps_max = None
    prescription_apply(prescription, changes)
    prescription.save()
    return prescription


@transaction.atomic
def prescription_remove(*, prescription: Prescription, by: User | None) -> None:
    """Remove an exercise; an emptied block goes with it."""
    block = prescription.block
    prescription.delete()
    if not block.prescriptions.exists():
        block_remove(block=block, by=by)
    else:
        renumber(block.prescriptions.all())
        positions_check()


@transaction.atomic
def prescription_reorder(*, block: Block, by: User | None, order: list[int]) -> None:
    """Put the block's prescriptions in ``order``. Ids of prescriptions from other blocks of
    the same workout move into this block (dragging an exercise into a superset)."""
    block = Block.objects.select_for_update().get(pk=block.pk)
    wanted = list(order)
    rows = {p.pk: p for p in Prescription.objects.filter(pk__in=wanted, block__day=block.day_id)}
    current = set(block.prescriptions.values_list("pk", flat=True))
    if len(wanted) != len(set(wanted)) or set(rows) != set(wanted) or not current <= set(wanted):
        raise ValidationError(
            {"order": _("The exercises changed meanwhile: reload the page and try again.")}
        )
    if len(wanted) > MAX_PRESCRIPTIONS_PER_BLOCK:
        raise ValidationError({"order": _("A block has at most 12 exercises.")})
    sources = {p.block_id for p in rows.values()} - {block.pk}
    for position, pk in enumerate(wanted, 1):
        Prescription.objects.filter(pk=pk).update(block=block, position=position)
    for source in Block.objects.filter(pk__in=sources):
        if source.prescriptions.exists():
            renumber(source.prescriptions.all())
        else:
            source.delete()
            renumber(Block.objects.filter(day_id=block.day_id))
    positions_check()


# --- moving between workouts ---------------------------------------------------------


@transaction.atomic
def prescription_move(
    *,
    prescription: Prescription,
    by: User | None,
    block: Block | None = None,
    day: ProgramDay | None = None,
    position: int | None = None,
) -> Prescription:
    """Move an exercise into ``block`` (at ``position``, from 1; the end when None), or
    into a new straight-sets block at the end of ``day``: any workout of the same program.

    The block it leaves and the block it joins are numbered 1..n again; a block left
    empty goes, and its workout's blocks close the gap. Another program's block or day
    is refused (callers look targets up inside the program, so they answer 404)."""
    prescription = Prescription.objects.select_related("block__day__week").get(pk=prescription.pk)
    program_id = prescription.block.day.week.program_id
    if (block is None) == (day is None):
        raise ValidationError({"block": _("Choose where the exercise goes.")})
    target_day_id = block.day_id if block is not None else day.pk
    if program_of_day(target_day_id) != program_id:
        raise ValidationError({"block": _("Move exercises within this program only.")})
    # one structural change of a program at a time (positions of two days change)
    Program.objects.select_for_update().get(pk=program_id)
    source = prescription.block
    if block is None:
        if source.day_id == day.pk and source.prescriptions.count() == 1:
            block = source  # already alone in a block of that workout: just go to its end
            block_move(block=block, by=by, day=day)
        else:
            block = block_add(day=day, by=by)
    block = Block.objects.get(pk=block.pk)
    others = list(
        block.prescriptions.exclude(pk=prescription.pk)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    if block.pk != source.pk and len(others) >= MAX_PRESCRIPTIONS_PER_BLOCK:
        raise ValidationError({"block": _("A block has at most 12 exercises.")})
    others.insert(place(position, len(others)), prescription.pk)
    for index, pk in enumerate(others, 1):
        Prescription.objects.filter(pk=pk).update(block=block, position=index)
    if source.pk != block.pk:
        if source.prescriptions.exists():
            renumber(source.prescriptions.all())
        else:
            source_day = source.day_id
            source.delete()
            renumber(Block.objects.filter(day_id=source_day))
    positions_check()
    prescription.refresh_from_db()
    return prescription
