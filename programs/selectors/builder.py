"""Reads for the program builder: which programs a person may see and edit, a program's
whole structure in a fixed number of queries (``program_structure`` for the API,
``program_outline`` for the builder's page), and the exercise picker.

Templates are the business's shared work: every owner and coach sees and edits them.
A client's program is seen and edited by the staff who see that client
(``client_queryset_for``); the client sees their own programs, read only.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from clients.selectors import client_queryset_for

from ..models import Block, Exercise, Prescription, Program, ProgramDay, ProgramWeek
from .library import exercise_search

PICKER_LIMIT = 20


def program_queryset_for(*, user: User, include_archived: bool = False) -> QuerySet[Program]:
    """Programs ``user`` may see (no query until evaluated)."""
    programs = Program.objects.all()
    if not include_archived:
        programs = programs.filter(archived_at__isnull=True)
    if not user.is_authenticated or not user.is_active:
        return programs.none()
    clients = client_queryset_for(user=user).values("pk")
    if user.is_staff:
        return programs.filter(Q(is_template=True) | Q(client__in=clients))
    return programs.filter(is_template=False, client__in=clients)


def program_can_edit(*, user: User, program: Program) -> bool:
    """Staff who may change ``program`` (a template, or a program of a client they see)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if program.is_template:
        return True
    return client_queryset_for(user=user).filter(pk=program.client_id).exists()


def program_list_for(
    *, user: User, kind: str = "", query: str = "", goal: str = ""
) -> QuerySet[Program]:
    """The back office's list: ``kind`` is "template", "client" or "" (both)."""
    programs = program_queryset_for(user=user).select_related("client", "created_by")
    if kind == "template":
        programs = programs.filter(is_template=True)
    elif kind == "client":
        programs = programs.filter(is_template=False)
    if goal:
        programs = programs.filter(goal=goal)
    query = " ".join((query or "").split())
    if query:
        programs = programs.filter(
            Q(name__icontains=query)
            | Q(client__first_name__icontains=query)
            | Q(client__last_name__icontains=query)
        )
    return programs.annotate(
        week_count=Count("weeks", distinct=True),
        day_count=Count("weeks__days", distinct=True),
    ).order_by("-is_template", "name", "pk")


def program_structure(*, programs: QuerySet[Program]) -> QuerySet[Program]:
    """``programs`` with weeks -> days -> blocks -> prescriptions (and their exercises)
    prefetched: five queries for any number of programs."""
    prescriptions = Prescription.objects.select_related("catalog_exercise", "exercise").order_by(
        "position", "pk"
    )
    blocks = Block.objects.prefetch_related(
        Prefetch("prescriptions", queryset=prescriptions)
    ).order_by("position", "pk")
    days = ProgramDay.objects.prefetch_related(Prefetch("blocks", queryset=blocks)).order_by(
        "position", "pk"
    )
    weeks = ProgramWeek.objects.prefetch_related(Prefetch("days", queryset=days)).order_by("number")
    return programs.select_related("client", "source").prefetch_related(
        Prefetch("weeks", queryset=weeks)
    )


def program_outline(*, program: Program) -> list[ProgramWeek]:
    """The weeks of ``program`` for the builder's page: ``week.day_list`` ->
    ``day.block_list`` -> ``block.rx_list``, each prescription with only the name of its
    exercise. Four flat queries, grouped here: for one program's page about half the
    time of ``program_structure``'s nested prefetches (4 weeks x 21 exercises)."""
    weeks = list(ProgramWeek.objects.filter(program=program).order_by("number"))
    days = ProgramDay.objects.filter(week__program=program).order_by("position", "pk")
    blocks = Block.objects.filter(day__week__program=program).order_by("position", "pk")
    fields = [field.attname for field in Prescription._meta.concrete_fields]
    prescriptions = (
        Prescription.objects.filter(block__day__week__program=program)
        .select_related("catalog_exercise", "exercise")
        .only(*fields, "catalog_exercise__name", "exercise__name")
        .order_by("position", "pk")
    )
    day_lists: dict[int, list] = {week.pk: [] for week in weeks}
    block_lists: dict[int, list] = {}
    rx_lists: dict[int, list] = {}
    for day in days:
        day.block_list = block_lists.setdefault(day.pk, [])
        day_lists[day.week_id].append(day)
    for block in blocks:
        block.rx_list = rx_lists.setdefault(block.pk, [])
        block_lists[block.day_id].append(block)
    for prescription in prescriptions:
        rx_lists[prescription.block_id].append(prescription)
    for week in weeks:
        week.day_list = day_lists[week.pk]
    return weeks


def exercise_name(prescription: Prescription) -> str:
    exercise = prescription.exercise or prescription.catalog_exercise
    return exercise.name if exercise is not None else "?"


def exercise_ref(prescription: Prescription) -> str:
    if prescription.exercise_id:
        return f"own:{prescription.exercise_id}"
    return f"catalog:{prescription.catalog_exercise_id}"


def exercise_picker(*, query: str, limit: int = PICKER_LIMIT) -> list[dict]:
    """Exercises matching ``query`` for the builder's picker: ``{"ref", "name", "detail"}``.

    Uses the exercise library's ranked, typo-tolerant search
    (``programs.selectors.library``)."""
    query = " ".join((query or "").split())
    if not query:
        return []
    page = exercise_search(query=query, limit=limit)
    return [_picker_row(item) for item in page.results][:limit]


def _picker_row(item) -> dict:
    if isinstance(item, dict):
        return item
    ref = f"own:{item.pk}" if isinstance(item, Exercise) else f"catalog:{item.pk}"
    muscles = ", ".join((item.primary_muscles or [])[:2])
    equipment = ", ".join((item.equipment or [])[:2])
    return {
        "ref": ref,
        "name": item.name,
        "detail": " · ".join(part for part in (muscles, equipment) if part),
        "category": item.category,
    }


def move_target_get(*, program_id: int, to: str) -> Block | ProgramDay | None:
    """Where a "Move to…" choice points: ``"block:12"`` or ``"day:5"`` of the program
    ``program_id``; None for anything else, another program's parts included (callers
    answer 404). One query."""
    kind, _sep, pk = str(to or "").partition(":")
    if not pk.isdigit() or len(pk) > 11:
        return None
    if kind == "block":
        return Block.objects.filter(pk=int(pk), day__week__program_id=program_id).first()
    if kind == "day":
        return ProgramDay.objects.filter(pk=int(pk), week__program_id=program_id).first()
    return None
