"""Changes to a business's exercise library: its own exercises (custom, or an edited copy
of a catalog entry, which then replaces that entry here) and its hide list. The shared
catalog itself is only changed by ``catalog_load`` and ``import_exercises``.

The functions take typed values (``ExerciseChanges``: lists are lists of lines); the
back office's form and the API's serializer parse what people type."""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.policies import role_of
from accounts.roles import COACH, OWNER
from programs.catalog.measurement import measurement_infer
from programs.catalog.models import CatalogExercise, Category
from programs.catalog.text import EQUIPMENT, MUSCLES, normalise
from programs.models import Exercise, ExerciseHide
from programs.selectors.library import own_vocabulary_reset


class ExerciseChanges(TypedDict, total=False):
    """What a business may set on its own exercise (a key left out stays as it is)."""

    name: str
    aliases: list[str]
    category: str
    movement_pattern: str
    primary_muscles: list[str]
    secondary_muscles: list[str]
    equipment: list[str]
    mechanics: str
    force: str
    level: str
    instructions: list[str]
    cues: list[str]
    video_url: str
    measurement: str


EDITABLE = tuple(ExerciseChanges.__annotations__)
MAX_STEPS = 12
MAX_CUES = 6
MAX_ALIASES = 10


def library_can_edit(*, user: User) -> bool:
    """Owners and coaches shape the business's library; clients only read it."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or role_of(user) in (OWNER, COACH))
    )


def _clean_list(
    value: list[str], *, field: str, limit: int, max_length: int, errors: dict
) -> list[str]:
    """The non-empty lines of ``value``, if there are at most ``limit``, each short enough."""
    items = [item.strip() for item in value if item.strip()]
    if len(items) > limit:
        errors[field] = f"At most {limit} lines."
    elif any(len(item) > max_length for item in items):
        errors[field] = f"Keep each line to {max_length} characters."
    return items


def _clean_vocabulary(
    value: list[str], *, field: str, allowed: tuple[str, ...], errors: dict
) -> list[str]:
    items = _clean_list(value, field=field, limit=len(allowed), max_length=40, errors=errors)
    items = [item.lower() for item in items]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        errors[field] = f"Unknown: {', '.join(unknown)}. Choose from: {', '.join(allowed)}."
    return list(dict.fromkeys(items))


def _apply(exercise: Exercise, fields: ExerciseChanges) -> None:
    """Check and set the editable fields present in ``fields``; ValidationError by field."""
    errors: dict[str, str] = {}
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"an exercise has no {sorted(unknown)} to change")
    if "name" in fields:
        name = " ".join(fields["name"].split())
        if not normalise(name):
            errors["name"] = "Give the exercise a name."
        elif len(name) > 120:
            errors["name"] = "Keep the name to 120 characters."
        exercise.name = name
    lists = {
        "aliases": (MAX_ALIASES, 120),
        "instructions": (MAX_STEPS, 1000),
        "cues": (MAX_CUES, 200),
    }
    for field, (limit, length) in lists.items():
        if field in fields:
            value = _clean_list(
                fields[field], field=field, limit=limit, max_length=length, errors=errors
            )
            setattr(exercise, field, value)
    for field in ("primary_muscles", "secondary_muscles"):
        if field in fields:
            value = _clean_vocabulary(fields[field], field=field, allowed=MUSCLES, errors=errors)
            setattr(exercise, field, value)
    if "equipment" in fields:
        exercise.equipment = _clean_vocabulary(
            fields["equipment"], field="equipment", allowed=EQUIPMENT, errors=errors
        )
    for field in (
        "category", "movement_pattern", "mechanics", "force", "level", "video_url", "measurement",
    ):  # fmt: skip
        if field in fields:
            setattr(exercise, field, fields[field].strip())
    if not exercise.category:
        exercise.category = Category.STRENGTH
    try:
        exercise.full_clean(
            exclude=["catalog", "created_by", "search_name", "search_text", *errors]
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)


def _name_taken(exercise: Exercise) -> bool:
    others = Exercise.objects.filter(archived_at__isnull=True, search_name=normalise(exercise.name))
    if exercise.pk:
        others = others.exclude(pk=exercise.pk)
    return others.exists()


def _save(exercise: Exercise) -> Exercise:
    if _name_taken(exercise):
        raise ValidationError({"name": "Your library already has an exercise with this name."})
    exercise.save()
    own_vocabulary_reset()
    return exercise


@transaction.atomic
def exercise_create(*, by: User, **fields: Unpack[ExerciseChanges]) -> Exercise:
    """A custom exercise of this business."""
    exercise = Exercise(created_by=by)
    _apply(exercise, {"category": Category.STRENGTH} | fields)
    if not fields.get("measurement"):  # a plank is timed, a push-up counted: guessed
        exercise.measurement = measurement_infer(
            name=exercise.name, category=exercise.category, equipment=exercise.equipment
        )
    return _save(exercise)


@transaction.atomic
def exercise_update(*, exercise: Exercise, by: User, **fields: Unpack[ExerciseChanges]) -> Exercise:
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    _apply(exercise, fields)
    return _save(exercise)


@transaction.atomic
def exercise_copy(
    *, catalog_exercise: CatalogExercise, by: User, **fields: Unpack[ExerciseChanges]
) -> Exercise:
    """This business's editable copy of a catalog entry (the existing one if there is
    one), which replaces the entry in its library. ``fields`` are edits applied at once."""
    existing = Exercise.objects.filter(catalog=catalog_exercise).first()
    if existing is not None:
        if existing.archived_at is not None:
            existing.archived_at = None
        if fields:
            _apply(existing, fields)
        return _save(existing)
    exercise = Exercise(catalog=catalog_exercise, created_by=by)
    for field in EDITABLE:
        value = getattr(catalog_exercise, field)
        setattr(exercise, field, list(value) if isinstance(value, list) else value)
    exercise.images = list(catalog_exercise.images)
    if fields:
        _apply(exercise, fields)
    try:
        with transaction.atomic():
            return _save(exercise)
    except IntegrityError:  # a colleague copied it at the same moment
        return Exercise.objects.get(catalog=catalog_exercise)


@transaction.atomic
def exercise_archive(*, exercise: Exercise, by: User) -> Exercise:
    """Take an own exercise out of the library (programs that use it keep it). An
    archived copy no longer replaces its catalog entry."""
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.archived_at is None:
        exercise.archived_at = timezone.now()
        exercise.save(update_fields=["archived_at"])
    return exercise


@transaction.atomic
def exercise_hide(*, catalog_exercise: CatalogExercise, by: User) -> ExerciseHide:
    """Hide a catalog entry from this business's library (idempotent)."""
    hide, _created = ExerciseHide.objects.get_or_create(
        catalog_exercise=catalog_exercise, defaults={"hidden_by": by}
    )
    return hide


@transaction.atomic
def exercise_unhide(*, catalog_exercise: CatalogExercise, by: User) -> None:
    ExerciseHide.objects.filter(catalog_exercise=catalog_exercise).delete()
