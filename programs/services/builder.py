"""The program builder: programs, weeks, days, blocks and prescriptions; reordering,
duplicating, cloning; and progression from week to week.

Every function here is one transaction and raises ``ValidationError`` keyed by field
with a message a coach can act on. Who may edit which program is checked by callers
with ``programs.selectors.builder.program_can_edit`` (the API and the back office).

Positions are unique per parent, with DEFERRED constraints: reordering writes the
new positions inside the transaction and ``_positions_check`` makes PostgreSQL check
them at once (so a broken order fails here, not at some later commit).

Progression (``Prescription.progression``) is JSON of one of these shapes; every
shape may add ``"deload_every": N`` (2-52) and ``"deload_percent": P`` (30-100,
default 60): every Nth program week the load is P % of that week's target.

- ``{}``: no progression; every week repeats what was written.
- ``{"kind": "add_load", "step": 2.5}``: add ``step`` each cycle (kg for kg loads,
  percentage points for % of 1RM; -50..50).
- ``{"kind": "add_reps", "step": 1, "max": 12, "load_step": 2.5}``: add ``step``
  reps each cycle until the top of the range would pass ``max``; then go back to
  the written reps and add ``load_step`` (optional) to the load.
- ``{"kind": "wave", "percents": [70, 75, 80]}``: cycle through the percents. For a
  % of 1RM load the percent is the load (the written value becomes percents[0]); for
  a kg load each week is the written load x percent / percents[0].

A *cycle* is one pass over the written weeks: with 4 written weeks and a 12-week
program, program weeks 1-4 are cycle 0, weeks 5-8 cycle 1 (written week 1 again, one
step further), and so on. Week 1 always gives what was written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from programs.catalog.models import CatalogExercise, Measurement

from ..models import Block, Exercise, Prescription, Program, ProgramDay, ProgramWeek

MAX_WEEKS_WRITTEN = 52
MAX_DAYS_PER_WEEK = 7
MAX_BLOCKS_PER_DAY = 30
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
PROGRESSION_KINDS = ("add_load", "add_reps", "wave")


# --- helpers -----------------------------------------------------------------------


def _positions_check() -> None:
    """Check the deferred position constraints now (then defer them again)."""
    names = "program_day_position_unique, block_position_unique, prescription_position_unique"
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def _text(value: Any, *, field: str, limit: int, required: str | None = None) -> str:
    text = " ".join(str(value or "").split()) if field != "note_long" else str(value or "").strip()
    if required and not text:
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it to %(n)d characters.") % {"n": limit}})
    return text


def _int(
    value: Any, *, field: str, low: int, high: int, message: str, required: bool = False
) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: message})
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: message}) from None
    if not low <= number <= high:
        raise ValidationError({field: message})
    return number


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return Decimal("NaN")
    return number


def _renumber(queryset, field: str = "position") -> None:
    for index, pk in enumerate(queryset.order_by(field, "pk").values_list("pk", flat=True), 1):
        queryset.model.objects.filter(pk=pk).update(**{field: index})


# --- programs ----------------------------------------------------------------------

PROGRAM_FIELDS = ("name", "description", "goal", "level", "length_weeks")


def _program_clean(program: Program) -> None:
    errors = {}
    program.name = " ".join((program.name or "").split())
    if not program.name:
        errors["name"] = _("Give the program a name.")
    elif len(program.name) > 120:
        errors["name"] = _("Keep the name to 120 characters.")
    program.description = (program.description or "").strip()
    if len(program.description) > 5000:
        errors["description"] = _("Keep the description to 5000 characters.")
    # "" is no goal; anything else (an empty JSON object too, falsy) must be a choice
    if program.goal != "" and program.goal not in Program.Goal.values:
        errors["goal"] = _("Choose a goal from the list.")
    if program.level != "" and program.level not in ("beginner", "intermediate", "advanced"):
        errors["level"] = _("Choose beginner, intermediate or advanced.")
    try:
        length = int(program.length_weeks)
    except (TypeError, ValueError):
        length = 0
    if not 1 <= length <= 52:
        errors["length_weeks"] = _("A program lasts between 1 and 52 weeks.")
    else:
        program.length_weeks = length
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def program_create(
    *,
    by: User | None,
    name: str,
    description: str = "",
    goal: str = "",
    level: str = "",
    length_weeks: int = 4,
    client: Client | None = None,
    days: list[str] | None = None,
) -> Program:
    """A new program with its first week (and ``days``, named, if given): a template,
    or a client's own program when ``client`` is set."""
    program = Program(
        name=name,
        description=description,
        goal=goal or "",
        level=level or "",
        length_weeks=length_weeks,
        is_template=client is None,
        client=client,
        created_by=by,
    )
    _program_clean(program)
    program.save()
    week = ProgramWeek.objects.create(program=program, number=1)
    for position, day_name in enumerate(days or [], 1):
        ProgramDay.objects.create(
            week=week,
            position=position,
            name=_text(day_name, field="name", limit=80, required=_("Name the day.")),
        )
    return program


@transaction.atomic
def program_update(*, program: Program, by: User | None, data: dict) -> Program:
    """Rename, describe, set goal, level or length."""
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    program = Program.objects.select_for_update().get(pk=program.pk)
    for name, value in data.items():
        setattr(program, name, value if value is not None else "")
    _program_clean(program)
    program.save()
    return program


@transaction.atomic
def program_archive(*, program: Program, by: User | None) -> Program:
    """Hide a program from lists. Assigned copies and their calendars stay."""
    from django.utils import timezone

    Program.objects.filter(pk=program.pk).update(archived_at=timezone.now())
    program.refresh_from_db()
    return program


def _copy_days(source_week: ProgramWeek, target_week: ProgramWeek, start: int = 1) -> None:
    """Copy the days of ``source_week`` (with blocks and prescriptions) into ``target_week``
    from position ``start`` on. A fixed number of queries per day."""
    days = source_week.days.all().prefetch_related("blocks__prescriptions")
    for offset, day in enumerate(days):
        _copy_day(day, target_week, start + offset)


def _copy_day(day: ProgramDay, week: ProgramWeek, position: int, name: str | None = None):
    new_day = ProgramDay.objects.create(
        week=week, position=position, name=name or day.name, note=day.note
    )
    blocks = list(day.blocks.all())
    new_blocks = Block.objects.bulk_create(
        Block(
            day=new_day,
            position=b.position,
            kind=b.kind,
            rounds=b.rounds,
            rest_after_seconds=b.rest_after_seconds,
            note=b.note,
        )
        for b in blocks
    )
    rows = []
    for old, new in zip(blocks, new_blocks, strict=True):
        for p in old.prescriptions.all():
            twin = copy.copy(p)
            twin.pk = twin.id = None
            twin._state = Prescription()._state
            twin.block = new
            twin.progression = copy.deepcopy(p.progression)
            rows.append(twin)
    Prescription.objects.bulk_create(rows)
    return new_day


@transaction.atomic
def program_clone(
    *,
    program: Program,
    by: User | None,
    name: str | None = None,
    client: Client | None = None,
) -> Program:
    """A deep copy of ``program`` (weeks, days, blocks, prescriptions): a template when
    ``client`` is None, else that client's own program. The copy remembers its
    source; later edits of either never touch the other."""
    twin = Program(
        name=name if name is not None else program.name,
        description=program.description,
        goal=program.goal,
        level=program.level,
        length_weeks=program.length_weeks,
        is_template=client is None,
        client=client,
        source=program,
        created_by=by,
        generator_notes=copy.deepcopy(program.generator_notes),
    )
    _program_clean(twin)
    twin.save()
    weeks = program.weeks.all().prefetch_related("days__blocks__prescriptions")
    for week in weeks:
        new_week = ProgramWeek.objects.create(program=twin, number=week.number, note=week.note)
        for day in week.days.all():
            _copy_day(day, new_week, day.position)
    return twin


def program_save_as_template(*, program: Program, by: User | None, name: str = "") -> Program:
    """A client's program (as it is now, with the coach's edits) becomes a new template."""
    if program.is_template:
        raise ValidationError({"program": _("This is a template already: clone it instead.")})
    name = " ".join((name or "").split()) or _("%(name)s (template)") % {"name": program.name}
    return program_clone(program=program, by=by, name=name[:120], client=None)


# --- weeks -------------------------------------------------------------------------


@transaction.atomic
def week_add(*, program: Program, by: User | None, copy_of: ProgramWeek | None = None):
    """Append a week: empty, or a copy of ``copy_of`` (a week of the same program)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    count = program.weeks.count()
    if count >= MAX_WEEKS_WRITTEN:
        raise ValidationError({"week": _("A program has at most 52 written weeks.")})
    if copy_of is not None and copy_of.program_id != program.pk:
        raise ValidationError({"week": _("Copy a week of this program.")})
    number = (program.weeks.aggregate(top=Max("number"))["top"] or 0) + 1
    week = ProgramWeek.objects.create(
        program=program, number=number, note=copy_of.note if copy_of else ""
    )
    if copy_of is not None:
        _copy_days(copy_of, week)
    if program.length_weeks < number:
        Program.objects.filter(pk=program.pk).update(length_weeks=number)
    return week


def week_duplicate(*, week: ProgramWeek, by: User | None) -> ProgramWeek:
    """A copy of ``week`` (its days, blocks and prescriptions) as the program's last week."""
    return week_add(program=week.program, by=by, copy_of=week)


@transaction.atomic
def week_update(*, week: ProgramWeek, by: User | None, note: str) -> ProgramWeek:
    week.note = _text(note, field="note", limit=200)
    week.save(update_fields=["note"])
    return week


@transaction.atomic
def week_remove(*, week: ProgramWeek, by: User | None) -> None:
    """Delete a week with its days; later weeks move up. The last week stays."""
    program = Program.objects.select_for_update().get(pk=week.program_id)
    if program.weeks.count() <= 1:
        raise ValidationError({"week": _("A program needs at least one week.")})
    if week.days.filter(scheduled__isnull=False).exists():
        raise ValidationError(
            {
                "week": _(
                    "Workouts of this week are on the client's calendar: shift or cancel "
                    "the assignment first."
                )
            }
        )
    week.delete()
    # unique (program, number) is not deferrable: renumber in ascending order
    for index, pk in enumerate(program.weeks.order_by("number").values_list("pk", flat=True), 1):
        ProgramWeek.objects.filter(pk=pk).update(number=index)


# --- days --------------------------------------------------------------------------


@transaction.atomic
def day_add(*, week: ProgramWeek, by: User | None, name: str, note: str = "") -> ProgramDay:
    week = ProgramWeek.objects.select_for_update().get(pk=week.pk)
    if week.days.count() >= MAX_DAYS_PER_WEEK:
        raise ValidationError({"name": _("A week has at most 7 workouts.")})
    position = (week.days.aggregate(top=Max("position"))["top"] or 0) + 1
    return ProgramDay.objects.create(
        week=week,
        position=position,
        name=_text(name, field="name", limit=80, required=_("Name the workout, like Upper A.")),
        note=_text(note, field="note_long", limit=2000),
    )


@transaction.atomic
def day_update(*, day: ProgramDay, by: User | None, data: dict) -> ProgramDay:
    if "name" in data:
        day.name = _text(
            data["name"], field="name", limit=80, required=_("Name the workout, like Upper A.")
        )
    if "note" in data:
        day.note = _text(data["note"], field="note_long", limit=2000)
    day.save(update_fields=["name", "note"])
    return day


@transaction.atomic
def day_remove(*, day: ProgramDay, by: User | None) -> None:
    if day.scheduled.exists():
        raise ValidationError(
            {"day": _("This workout is on the client's calendar: cancel the assignment first.")}
        )
    week = day.week
    day.delete()
    _renumber(week.days.all())
    _positions_check()


@transaction.atomic
def day_duplicate(*, day: ProgramDay, by: User | None) -> ProgramDay:
    """A copy of ``day`` right after it ("Upper A (copy)")."""
    week = ProgramWeek.objects.select_for_update().get(pk=day.week_id)
    if week.days.count() >= MAX_DAYS_PER_WEEK:
        raise ValidationError({"day": _("A week has at most 7 workouts.")})
    later = list(week.days.filter(position__gt=day.position).order_by("position"))
    for other in later:
        ProgramDay.objects.filter(pk=other.pk).update(position=other.position + 1)
    day = ProgramDay.objects.prefetch_related("blocks__prescriptions").get(pk=day.pk)
    name = _("%(name)s (copy)") % {"name": day.name}
    twin = _copy_day(day, week, day.position + 1, name=name[:80])
    _positions_check()
    return twin


def _reorder(parent_field: str, parent, model, order: list, label: str) -> None:
    """Give the children of ``parent`` positions 1..n in ``order`` (every child once)."""
    try:
        wanted = [int(pk) for pk in order]
    except (TypeError, ValueError):
        raise ValidationError({"order": _("Give the ids in their new order.")}) from None
    current = set(model.objects.filter(**{parent_field: parent}).values_list("pk", flat=True))
    if len(wanted) != len(set(wanted)) or set(wanted) != current:
        raise ValidationError(
            {
                "order": _("The %(what)s changed meanwhile: reload the page and try again.")
                % {"what": label}
            }
        )
    for position, pk in enumerate(wanted, 1):
        model.objects.filter(pk=pk).update(position=position)
    _positions_check()


@transaction.atomic
def day_reorder(*, week: ProgramWeek, by: User | None, order: list[int]) -> None:
    """Put the week's days in ``order`` (their ids)."""
    ProgramWeek.objects.select_for_update().get(pk=week.pk)
    _reorder("week", week, ProgramDay, order, _("days of this week"))


# --- blocks ------------------------------------------------------------------------


def _block_fields(data: dict, block: Block) -> None:
    if "kind" in data:
        if data["kind"] not in Block.Kind.values:
            raise ValidationError({"kind": _("Choose straight sets, superset or circuit.")})
        block.kind = data["kind"]
    if "rounds" in data:
        block.rounds = _int(
            data["rounds"],
            field="rounds",
            low=1,
            high=20,
            message=_("Rounds must be between 1 and 20."),
            required=True,
        )
    if "rest_after_seconds" in data:
        block.rest_after_seconds = _int(
            data["rest_after_seconds"],
            field="rest_after_seconds",
            low=0,
            high=3600,
            message=_("Rest after the block must be between 0 and 3600 seconds."),
        )
    if "note" in data:
        block.note = _text(data["note"], field="note", limit=200)


@transaction.atomic
def block_add(*, day: ProgramDay, by: User | None, data: dict | None = None) -> Block:
    day = ProgramDay.objects.select_for_update().get(pk=day.pk)
    if day.blocks.count() >= MAX_BLOCKS_PER_DAY:
        raise ValidationError({"kind": _("A workout has at most 30 blocks.")})
    position = (day.blocks.aggregate(top=Max("position"))["top"] or 0) + 1
    block = Block(day=day, position=position)
    _block_fields(data or {}, block)
    block.save()
    return block


@transaction.atomic
def block_update(*, block: Block, by: User | None, data: dict) -> Block:
    _block_fields(data, block)
    block.save()
    return block


@transaction.atomic
def block_remove(*, block: Block, by: User | None) -> None:
    day = block.day
    block.delete()
    _renumber(day.blocks.all())
    _positions_check()


@transaction.atomic
def block_reorder(*, day: ProgramDay, by: User | None, order: list[int]) -> None:
    ProgramDay.objects.select_for_update().get(pk=day.pk)
    _reorder("day", day, Block, order, _("blocks of this workout"))


# --- prescriptions ---------------------------------------------------------------


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


def progression_clean(
    rule: Any, *, load_kind: str, reps_min: int | None, reps_max: int | None
) -> dict:
    """The progression rule as stored, or ValidationError({"progression": ...})."""
    if rule in (None, "", {}):
        return {}
    if not isinstance(rule, dict):
        raise ValidationError({"progression": _("The progression rule is not valid.")})
    kind = rule.get("kind", "")
    clean: dict[str, Any] = {}
    error = None

    def number(key, low, high, *, integer=False, required=True):
        nonlocal error
        value = rule.get(key)
        if value in (None, ""):
            if required:
                error = error or _("Give the %(key)s of the progression.") % {"key": key}
            return None
        try:
            parsed = Decimal(str(value).replace(",", "."))
        except (InvalidOperation, ValueError):
            parsed = None
        if parsed is None or not parsed.is_finite() or not low <= parsed <= high:
            error = error or _(
                "The progression's %(key)s must be between %(low)s and %(high)s."
            ) % {
                "key": key.replace("_", " "),
                "low": low,
                "high": high,
            }
            return None
        if integer:
            if parsed != parsed.to_integral_value():
                error = error or _("The progression's %(key)s must be a whole number.") % {
                    "key": key.replace("_", " ")
                }
                return None
            return int(parsed)
        return float(parsed)

    loaded = load_kind in (Prescription.Load.KG, Prescription.Load.PERCENT_1RM)
    if kind == "add_load":
        if not loaded:
            error = _("Adding load needs a load in kg or % of 1RM.")
        clean = {"kind": kind, "step": number("step", -50, 50)}
    elif kind == "add_reps":
        top = reps_max or reps_min
        if top is None:
            error = _("Adding reps needs reps to start from.")
        clean = {
            "kind": kind,
            "step": number("step", 1, 20, integer=True),
            "max": number("max", 1, 100, integer=True),
        }
        load_step = number("load_step", 0, 50, required=False)
        if load_step is not None:
            if not loaded and load_step:
                error = error or _("Adding load after the reps needs a load in kg or % of 1RM.")
            clean["load_step"] = load_step
        if error is None and top is not None and clean["max"] < top:
            error = _("The progression's max reps must be at least the written %(n)d.") % {"n": top}
    elif kind == "wave":
        if not loaded:
            error = _("A percentage wave needs a load in kg or % of 1RM.")
        percents = rule.get("percents")
        if isinstance(percents, str):
            percents = [p for p in percents.replace(";", ",").split(",") if p.strip()]
        if not isinstance(percents, list) or not 2 <= len(percents) <= 12:
            error = error or _("A wave needs 2 to 12 percentages, like 70, 75, 80.")
            percents = []
        values = []
        for p in percents:
            parsed = _decimal(p)
            if parsed is None or not parsed.is_finite() or not 1 <= parsed <= 110:
                error = error or _("Each percentage of the wave must be between 1 and 110.")
                break
            values.append(float(parsed))
        clean = {"kind": kind, "percents": values}
    else:
        error = _("Choose how the prescription progresses: add load, add reps or a wave.")
    if "deload_every" in rule and rule.get("deload_every") not in (None, ""):
        clean["deload_every"] = number("deload_every", 2, 52, integer=True)
        percent = number("deload_percent", 30, 100, required=False)
        clean["deload_percent"] = percent if percent is not None else 60
    if error:
        raise ValidationError({"progression": error})
    return clean


PRESCRIPTION_FIELDS = (
    "sets",
    "reps_min",
    "reps_max",
    "load_kind",
    "load_value",
    "tempo",
    "rest_seconds",
    "duration_seconds",
    "distance_m",
    "notes",
    "progression",
)


def prescription_apply(prescription: Prescription, data: dict) -> None:
    """Validate ``data`` (as typed: strings or numbers) onto ``prescription``. Every
    problem is reported at once, keyed by field."""
    errors: dict[str, str] = {}

    def check(field, fn):
        try:
            fn()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, messages[0])

    p = prescription
    if "sets" in data:
        check(
            "sets",
            lambda: setattr(
                p,
                "sets",
                _int(
                    data["sets"],
                    field="sets",
                    low=1,
                    high=20,
                    message=_("Sets must be between 1 and 20."),
                    required=True,
                ),
            ),
        )
    for field in ("reps_min", "reps_max"):
        if field in data:
            check(
                field,
                lambda field=field: setattr(
                    p,
                    field,
                    _int(
                        data[field],
                        field=field,
                        low=1,
                        high=100,
                        message=_("Reps must be between 1 and 100."),
                    ),
                ),
            )
    if "reps_min" not in errors and "reps_max" not in errors:
        if p.reps_max is not None and p.reps_min is None:
            errors["reps_min"] = _("Give the lowest reps of the range too.")
        elif p.reps_max is not None and p.reps_max < p.reps_min:
            errors["reps_max"] = _("The top of the rep range must be at least %(n)d.") % {
                "n": p.reps_min
            }
        elif p.reps_max == p.reps_min:
            p.reps_max = None  # "8-8" is 8
    if "load_kind" in data:
        if data["load_kind"] not in Prescription.Load.values:
            errors["load_kind"] = _("Choose a kind of load from the list.")
        else:
            p.load_kind = data["load_kind"]
    if "load_value" in data:
        value = _decimal(data["load_value"])
        if value is not None and not value.is_finite():
            errors["load_value"] = _("Enter the load as a number, like 62.5.")
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
    if "tempo" in data:
        tempo = str(data["tempo"] or "").strip().replace(" ", "")
        if tempo and (len(tempo) > 12 or not all(c.isdigit() or c in "-xX/" for c in tempo)):
            errors["tempo"] = _("Write the tempo like 3-1-1-0 (X for explosive).")
        p.tempo = tempo.upper()
    for field, high, message in (
        ("rest_seconds", 3600, _("Rest must be between 0 and 3600 seconds.")),
        ("duration_seconds", 86400, _("Duration must be between 1 second and 24 hours.")),
        ("distance_m", 500000, _("Distance must be between 1 m and 500 km.")),
    ):
        if field in data:
            low = 0 if field == "rest_seconds" else 1
            check(
                field,
                lambda field=field, high=high, message=message, low=low: setattr(
                    p, field, _int(data[field], field=field, low=low, high=high, message=message)
                ),
            )
    if "notes" in data:
        check("notes", lambda: setattr(p, "notes", _text(data["notes"], field="notes", limit=300)))
    if p.reps_min is None and p.duration_seconds is None and p.distance_m is None:
        if not errors:
            errors["reps_min"] = _("Give reps, a duration or a distance.")
    if "progression" in data or "load_kind" in data or "reps_min" in data:
        if not errors:
            check(
                "progression",
                lambda: setattr(
                    p,
                    "progression",
                    progression_clean(
                        data.get("progression", p.progression),
                        load_kind=p.load_kind,
                        reps_min=p.reps_min,
                        reps_max=p.reps_max,
                    ),
                ),
            )
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
    data: dict | None = None,
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
    prescription_apply(prescription, data or {})
    prescription.save()
    return prescription


@transaction.atomic
def prescription_update(*, prescription: Prescription, by: User | None, data: dict) -> Prescription:
    """Change what is prescribed; ``exercise`` (a picker ref) swaps the exercise."""
    prescription = Prescription.objects.select_for_update().get(pk=prescription.pk)
    data = dict(data)
    swapped_from = None
    if data.get("exercise"):
        swapped_from = _measurement_of(prescription)
        prescription.catalog_exercise, prescription.exercise = exercise_from_ref(
            data.pop("exercise")
        )
    data.pop("exercise", None)
    if swapped_from is not None and swapped_from != _measurement_of(prescription):
        # a squat swapped for a plank: "3 x 10" becomes "3 x 30 s" unless the edit says
        for field, value in prescription_defaults(_measurement_of(prescription)).items():
            if field != "sets" and field not in data:
                setattr(prescription, field, value)
        if "reps_min" not in data and prescription.reps_min is None:
            prescription.reps_max = None
    unknown = set(data) - set(PRESCRIPTION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    prescription_apply(prescription, data)
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
        _renumber(block.prescriptions.all())
        _positions_check()


@transaction.atomic
def prescription_reorder(*, block: Block, by: User | None, order: list[int]) -> None:
    """Put the block's prescriptions in ``order``. Ids of prescriptions from other blocks of
    the same workout move into this block (dragging an exercise into a superset)."""
    block = Block.objects.select_for_update().get(pk=block.pk)
    try:
        wanted = [int(pk) for pk in order]
    except (TypeError, ValueError):
        raise ValidationError({"order": _("Give the ids in their new order.")}) from None
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
            _renumber(source.prescriptions.all())
        else:
            source.delete()
            _renumber(Block.objects.filter(day_id=block.day_id))
    _positions_check()


# --- moving between workouts ---------------------------------------------------------


def _place(position: Any, count: int) -> int:
    """A 1-based ``position`` among ``count`` others as a list index (the end when None)."""
    if position in (None, ""):
        return count
    index = _int(
        position,
        field="position",
        low=1,
        high=count + 1,
        message=_("Choose a place from 1 to %(n)d.") % {"n": count + 1},
    )
    return index - 1


def _program_of_day(day_id: int) -> int:
    return ProgramDay.objects.filter(pk=day_id).values_list("week__program_id", flat=True).get()


@transaction.atomic
def prescription_move(
    *,
    prescription: Prescription,
    by: User | None,
    block: Block | None = None,
    day: ProgramDay | None = None,
    position: int | str | None = None,
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
    if _program_of_day(target_day_id) != program_id:
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
    others.insert(_place(position, len(others)), prescription.pk)
    for index, pk in enumerate(others, 1):
        Prescription.objects.filter(pk=pk).update(block=block, position=index)
    if source.pk != block.pk:
        if source.prescriptions.exists():
            _renumber(source.prescriptions.all())
        else:
            source_day = source.day_id
            source.delete()
            _renumber(Block.objects.filter(day_id=source_day))
    _positions_check()
    prescription.refresh_from_db()
    return prescription


@transaction.atomic
def block_move(
    *, block: Block, by: User | None, day: ProgramDay, position: int | str | None = None
) -> Block:
    """Move a block (with its exercises) to ``day`` at ``position`` (from 1; the end when
    None): any workout of the same program, its own to reorder. Both workouts' blocks are
    numbered 1..n again. Another program's day is refused."""
    block = Block.objects.select_related("day__week").get(pk=block.pk)
    program_id = block.day.week.program_id
    if _program_of_day(day.pk) != program_id:
        raise ValidationError({"day": _("Move blocks within this program only.")})
    Program.objects.select_for_update().get(pk=program_id)
    source_day = block.day_id
    others = list(
        Block.objects.filter(day_id=day.pk)
        .exclude(pk=block.pk)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    if source_day != day.pk and len(others) >= MAX_BLOCKS_PER_DAY:
        raise ValidationError({"day": _("A workout has at most 30 blocks.")})
    others.insert(_place(position, len(others)), block.pk)
    for index, pk in enumerate(others, 1):
        Block.objects.filter(pk=pk).update(day_id=day.pk, position=index)
    if source_day != day.pk:
        _renumber(Block.objects.filter(day_id=source_day))
    _positions_check()
    block.refresh_from_db()
    return block


# --- progression -------------------------------------------------------------------

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Target:
    """What a prescription asks for in one program week."""

    week_number: int
    sets: int
    reps_min: int | None
    reps_max: int | None
    load_kind: str
    load_value: Decimal | None
    is_deload: bool = False

    @property
    def reps_text(self) -> str:
        if self.reps_min is None:
            return ""
        if self.reps_max and self.reps_max != self.reps_min:
            return f"{self.reps_min}\u2013{self.reps_max}"
        return str(self.reps_min)

    @property
    def load_text(self) -> str:
        if self.load_value is None or self.load_kind == Prescription.Load.NONE:
            return ""
        value = f"{self.load_value.normalize():f}"
        return {
            "kg": f"{value}\u00a0kg",
            "percent_1rm": f"{value}\u00a0% 1RM",
            "rpe": f"RPE {value}",
            "rir": f"{value} RIR",
        }[self.load_kind]


def _clamp_load(kind: str, value: Decimal) -> Decimal:
    high = Decimal("110") if kind == Prescription.Load.PERCENT_1RM else Decimal("1000")
    return min(max(value, Decimal("0")), high).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def prescription_for_week(
    prescription: Prescription, week_number: int, *, written_weeks: int | None = None
) -> Target:
    """The target of ``prescription`` in program week ``week_number`` (from 1).

    The written weeks repeat up to the program's length; each repetition (cycle) is
    one step of the progression rule (see the module docstring for the shapes).
    ``written_weeks`` is the number of written weeks of the program; without it,
    one query counts them. Loads never go below 0 (nor above 1000 kg / 110 %)."""
    if written_weeks is None:
        written_weeks = ProgramWeek.objects.filter(
            program_id=prescription.block.day.week.program_id
        ).count()
    written_weeks = max(1, written_weeks)
    week_number = max(1, int(week_number))
    cycle = (week_number - 1) // written_weeks
    rule = prescription.progression or {}
    kind = rule.get("kind")
    reps_min, reps_max = prescription.reps_min, prescription.reps_max
    load = prescription.load_value
    loaded = load is not None and prescription.load_kind in ("kg", "percent_1rm")
    if kind == "add_load" and loaded:
        load = load + Decimal(str(rule.get("step", 0))) * cycle
    elif kind == "add_reps" and reps_min is not None:
        step = max(1, int(rule.get("step", 1)))
        top = reps_max or reps_min
        ceiling = max(int(rule.get("max", top)), top)
        per_round = (ceiling - top) // step + 1
        rounds, k = divmod(cycle, per_round)
        reps_min = reps_min + k * step
        reps_max = reps_max + k * step if reps_max is not None else None
        if loaded:
            load = load + Decimal(str(rule.get("load_step", 0))) * rounds
    elif kind == "wave" and loaded:
        percents = [Decimal(str(p)) for p in rule.get("percents") or []]
        if percents and percents[0] > 0:
            load = load * percents[cycle % len(percents)] / percents[0]
    is_deload = False
    every = rule.get("deload_every")
    if every and int(every) >= 2 and week_number % int(every) == 0:
        is_deload = True
        if loaded:
            load = load * Decimal(str(rule.get("deload_percent", 60))) / 100
    if load is not None:
        load = _clamp_load(prescription.load_kind, load) if loaded else load
    return Target(
        week_number=week_number,
        sets=prescription.sets,
        reps_min=reps_min,
        reps_max=reps_max,
        load_kind=prescription.load_kind,
        load_value=load,
        is_deload=is_deload,
    )


def progression_text(rule: dict, load_kind: str = "kg") -> str:
    """The rule in words, for the builder ("+2.5 kg a week, deload every 4th week")."""
    if not rule:
        return ""
    unit = "\u00a0kg" if load_kind == "kg" else "\u00a0%"
    kind = rule.get("kind")
    if kind == "add_load":
        text = _("%(step)s%(unit)s each cycle") % {
            "step": f"{rule['step']:+g}",
            "unit": unit,
        }
    elif kind == "add_reps":
        text = _("+%(step)s reps each cycle up to %(max)s") % rule
        if rule.get("load_step"):
            text += _(", then +%(step)s%(unit)s") % {"step": f"{rule['load_step']:g}", "unit": unit}
    elif kind == "wave":
        text = _("wave %(p)s %%") % {"p": "/".join(f"{p:g}" for p in rule.get("percents", []))}
    else:
        text = ""
    if rule.get("deload_every"):
        text += _("; deload every %(n)s weeks") % {"n": rule["deload_every"]}
    return text
