"""The program builder's structure: programs, weeks, days (workouts) and blocks; adding,
changing, reordering, duplicating, cloning, moving between workouts and removing.
What a block prescribes is ``programs.services.prescriptions``; how it progresses from
week to week, ``programs.progression``.

Every function here is one transaction, takes typed values (the API's serializers and
the back office's forms parse input) and raises ``ValidationError`` keyed by field
with a message a coach can act on. Who may edit which program is checked by callers
with ``programs.selectors.builder.program_can_edit`` (the API and the back office).

Positions are unique per parent, with DEFERRED constraints: reordering writes the
new positions inside the transaction and ``positions_check`` makes PostgreSQL check
them at once (so a broken order fails here, not at some later commit).
"""

from __future__ import annotations

import copy
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client

from ..models import Block, Prescription, Program, ProgramDay, ProgramWeek

MAX_WEEKS_WRITTEN = 52
MAX_DAYS_PER_WEEK = 7
MAX_BLOCKS_PER_DAY = 30

PROGRAM_LENGTH_MESSAGE = _("A program lasts between 1 and 52 weeks.")
ROUNDS_MESSAGE = _("Rounds must be between 1 and 20.")
REST_AFTER_MESSAGE = _("Rest after the block must be between 0 and 3600 seconds.")
ORDER_MESSAGE = _("Give the ids in their new order.")
DAY_NAME_MESSAGE = _("Name the workout, like Upper A.")


class ProgramChanges(TypedDict, total=False):
    """What ``program_update`` may change (a key left out stays as it is)."""

    name: str
    description: str
    goal: str
    level: str
    length_weeks: int


class BlockChanges(TypedDict, total=False):
    """What ``block_add`` sets and ``block_update`` changes (a key left out stays)."""

    kind: str
    rounds: int
    rest_after_seconds: int | None
    note: str


# --- helpers -----------------------------------------------------------------------


def positions_check() -> None:
    """Check the deferred position constraints now (then defer them again)."""
    names = "program_day_position_unique, block_position_unique, prescription_position_unique"
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def renumber(queryset, field: str = "position") -> None:
    """Number the rows of ``queryset`` 1..n in their current order."""
    for index, pk in enumerate(queryset.order_by(field, "pk").values_list("pk", flat=True), 1):
        queryset.model.objects.filter(pk=pk).update(**{field: index})


def place(position: int | None, count: int) -> int:
    """A 1-based ``position`` among ``count`` others as a list index (the end when None)."""
    if position is None:
        return count
    if not 1 <= position <= count + 1:
        raise ValidationError({"position": _("Choose a place from 1 to %(n)d.") % {"n": count + 1}})
    return position - 1


def program_of_day(day_id: int) -> int:
    return ProgramDay.objects.filter(pk=day_id).values_list("week__program_id", flat=True).get()


def _text_check(text: str, *, field: str, limit: int, required: str | None = None) -> str:
    """``text`` as given, if it is there when ``required`` and no longer than ``limit``."""
    if required and not text.strip():
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it to %(n)d characters.") % {"n": limit}})
    return text


# --- programs ----------------------------------------------------------------------


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
    if not isinstance(program.length_weeks, int) or not 1 <= program.length_weeks <= 52:
        errors["length_weeks"] = PROGRAM_LENGTH_MESSAGE
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
            name=_text_check(day_name, field="name", limit=80, required=_("Name the day.")),
        )
    return program


@transaction.atomic
def program_update(
    *, program: Program, by: User | None, **changes: Unpack[ProgramChanges]
) -> Program:
    """Rename, describe, set goal, level or length."""
    unknown = set(changes) - set(ProgramChanges.__annotations__)
    if unknown:
        raise TypeError(f"program_update() cannot change {sorted(unknown)}")
    program = Program.objects.select_for_update().get(pk=program.pk)
    for name, value in changes.items():
        setattr(program, name, value)
    _program_clean(program)
    program.save()
    return program


@transaction.atomic
def program_archive(*, program: Program, by: User | None) -> Program:
    """Hide a program from lists. Assigned copies and their calendars stay."""
    Program.objects.filter(pk=program.pk).update(archived_at=timezone.now())
    program.refresh_from_db()
    return program


def _copy_days(source_week: ProgramWeek, target_week: ProgramWeek, start: int = 1) -> None:
    """Copy the days of ``source_week`` (with blocks and prescriptions) into ``target_week``
    from position ``start`` on. A fixed number of queries per day."""
    days = source_week.days.all().prefetch_related("blocks__prescriptions")
    for offset, day in enumerate(days):
        _copy_day(day, target_week, start + offset)


def _block_twin(block: Block, day: ProgramDay) -> Block:
    return Block(
        day=day,
        position=block.position,
        kind=block.kind,
        rounds=block.rounds,
        rest_after_seconds=block.rest_after_seconds,
        note=block.note,
    )


def _prescription_twins(blocks: list[Block], new_blocks: list[Block]) -> list[Prescription]:
    """Unsaved copies of the (prefetched) prescriptions of ``blocks``, each in the
    matching one of ``new_blocks``."""
    rows = []
    for old, new in zip(blocks, new_blocks, strict=True):
        for p in old.prescriptions.all():
            twin = copy.copy(p)
            twin.pk = twin.id = None
            twin._state = Prescription()._state
            twin.block = new
            twin.progression = copy.deepcopy(p.progression)
            rows.append(twin)
    return rows


def _copy_day(day: ProgramDay, week: ProgramWeek, position: int, name: str | None = None):
    new_day = ProgramDay.objects.create(
        week=week, position=position, name=name or day.name, note=day.note
    )
    blocks = list(day.blocks.all())
    new_blocks = Block.objects.bulk_create(_block_twin(b, new_day) for b in blocks)
    Prescription.objects.bulk_create(_prescription_twins(blocks, new_blocks))
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
    # the whole tree in four inserts whatever its size (assigning a program to twenty
    # clients clones it twenty times)
    weeks = list(program.weeks.all().prefetch_related("days__blocks__prescriptions"))
    new_weeks = ProgramWeek.objects.bulk_create(
        ProgramWeek(program=twin, number=week.number, note=week.note) for week in weeks
    )
    days = [
        (day, new_week)
        for week, new_week in zip(weeks, new_weeks, strict=True)
        for day in week.days.all()
    ]
    new_days = ProgramDay.objects.bulk_create(
        ProgramDay(week=new_week, position=day.position, name=day.name, note=day.note)
        for day, new_week in days
    )
    blocks, new_blocks = [], []
    for (day, _week), new_day in zip(days, new_days, strict=True):
        for block in day.blocks.all():
            blocks.append(block)
            new_blocks.append(_block_twin(block, new_day))
    Block.objects.bulk_create(new_blocks)
    Prescription.objects.bulk_create(_prescription_twins(blocks, new_blocks))
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
    week.note = _text_check(note, field="note", limit=200)
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
        name=_text_check(name, field="name", limit=80, required=DAY_NAME_MESSAGE),
        note=_text_check(note, field="note", limit=2000),
    )


@transaction.atomic
def day_update(
    *, day: ProgramDay, by: User | None, name: str | None = None, note: str | None = None
) -> ProgramDay:
    """Rename a workout or change its note (None leaves it as it is)."""
    if name is not None:
        day.name = _text_check(name, field="name", limit=80, required=DAY_NAME_MESSAGE)
    if note is not None:
        day.note = _text_check(note, field="note", limit=2000)
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
    renumber(week.days.all())
    positions_check()


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
    positions_check()
    return twin


def _reorder(parent_field: str, parent, model, order: list, label: str) -> None:
    """Give the children of ``parent`` positions 1..n in ``order`` (every child once)."""
    wanted = list(order)
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
    positions_check()


@transaction.atomic
def day_reorder(*, week: ProgramWeek, by: User | None, order: list[int]) -> None:
    """Put the week's days in ``order`` (their ids)."""
    ProgramWeek.objects.select_for_update().get(pk=week.pk)
    _reorder("week", week, ProgramDay, order, _("days of this week"))


# --- blocks ------------------------------------------------------------------------


def _block_fields(changes: BlockChanges, block: Block) -> None:
    unknown = set(changes) - set(BlockChanges.__annotations__)
    if unknown:
        raise TypeError(f"a block has no {sorted(unknown)}")
    if "kind" in changes:
        if changes["kind"] not in Block.Kind.values:
            raise ValidationError({"kind": _("Choose straight sets, superset or circuit.")})
        block.kind = changes["kind"]
    if "rounds" in changes:
        if changes["rounds"] is None or not 1 <= changes["rounds"] <= 20:
            raise ValidationError({"rounds": ROUNDS_MESSAGE})
        block.rounds = changes["rounds"]
    if "rest_after_seconds" in changes:
        rest = changes["rest_after_seconds"]
        if rest is not None and not 0 <= rest <= 3600:
            raise ValidationError({"rest_after_seconds": REST_AFTER_MESSAGE})
        block.rest_after_seconds = rest
    if "note" in changes:
        block.note = _text_check(changes["note"], field="note", limit=200)


@transaction.atomic
def block_add(*, day: ProgramDay, by: User | None, **fields: Unpack[BlockChanges]) -> Block:
    day = ProgramDay.objects.select_for_update().get(pk=day.pk)
    if day.blocks.count() >= MAX_BLOCKS_PER_DAY:
        raise ValidationError({"kind": _("A workout has at most 30 blocks.")})
    position = (day.blocks.aggregate(top=Max("position"))["top"] or 0) + 1
    block = Block(day=day, position=position)
    _block_fields(fields, block)
    block.save()
    return block


@transaction.atomic
def block_update(*, block: Block, by: User | None, **changes: Unpack[BlockChanges]) -> Block:
    _block_fields(changes, block)
    block.save()
    return block


@transaction.atomic
def block_remove(*, block: Block, by: User | None) -> None:
    day = block.day
    block.delete()
    renumber(day.blocks.all())
    positions_check()


@transaction.atomic
def block_reorder(*, day: ProgramDay, by: User | None, order: list[int]) -> None:
    ProgramDay.objects.select_for_update().get(pk=day.pk)
    _reorder("day", day, Block, order, _("blocks of this workout"))


@transaction.atomic
def block_move(
    *, block: Block, by: User | None, day: ProgramDay, position: int | None = None
) -> Block:
    """Move a block (with its exercises) to ``day`` at ``position`` (from 1; the end when
    None): any workout of the same program, its own to reorder. Both workouts' blocks are
    numbered 1..n again. Another program's day is refused."""
    block = Block.objects.select_related("day__week").get(pk=block.pk)
    program_id = block.day.week.program_id
    if program_of_day(day.pk) != program_id:
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
    others.insert(place(position, len(others)), block.pk)
    for index, pk in enumerate(others, 1):
        Block.objects.filter(pk=pk).update(day_id=day.pk, position=index)
    if source_day != day.pk:
        renumber(Block.objects.filter(day_id=source_day))
    positions_check()
    block.refresh_from_db()
    return block
