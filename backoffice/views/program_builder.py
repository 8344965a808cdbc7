"""Back office: programs. The list (templates and client programs), the "New program"
form, and a builder page per program; the builder's changes go through the JSON API
(``programs.api.builder``), so the page and the API share one set of rules. Without
JavaScript, the builder's "Move to" forms post here.

Coaches build templates and the programs of clients they coach; a client program
of someone else's client is a 404 here as in the API (``program_queryset_for``).
The paths and names are the program list's own (``programs/program/...``), mounted
before ``programs.admin.builder.ProgramAdmin``'s stock routes.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from programs.forms_builder import MoveForm, ProgramCreateForm
from programs.models import Block, Prescription, Program, ProgramDay
from programs.progression import prescription_for_week, progression_text
from programs.selectors.builder import (
    exercise_name,
    exercise_picker,
    move_choices,
    move_target_get,
    program_can_edit,
    program_list_for,
    program_queryset_for,
    program_structure,
)
from programs.services.prescriptions import prescription_move
from programs.services.program_structure import block_move, program_create
from programs.sets import format_time_distance

from ..chrome import render_page


def urls(site):
    view = site.admin_view
    return [
        path("programs/program/", view(program_list_view), name="programs_program_changelist"),
        path("programs/program/add/", view(program_add_view), name="programs_program_add"),
        path(
            "programs/program/<path:object_id>/change/",
            view(program_change_view),
            name="programs_program_change",
        ),
        path(
            "programs/program/<int:pk>/builder/",
            view(builder_view),
            name="programs_program_builder",
        ),
        path(
            "programs/program/<int:pk>/builder/move/",
            view(builder_move_view),
            name="programs_program_builder_move",
        ),
        path("programs/program/exercises/", view(picker_view), name="programs_program_exercises"),
    ]


def _staff(request) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


# --- the list ----------------------------------------------------------------------


def program_list_view(request):
    _staff(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ("template", "client") else ""
    goal = request.GET.get("goal", "")
    goal = goal if goal in Program.Goal.values else ""
    query = request.GET.get("q", "")[:100]
    context = {
        "title": _("Programs"),
        "opts": Program._meta,
        "programs": list(program_list_for(user=request.user, kind=kind, query=query, goal=goal)),
        "kind": kind,
        "goal": goal,
        "query": query,
        "goals": Program.Goal.choices,
        "form": ProgramCreateForm(user=request.user),
    }
    return render_page(request, "programs/backoffice/builder_list.html", context)


def program_add_view(request):
    """The list's "New program" form posts here; on success, to the builder."""
    _staff(request)
    form = ProgramCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = program_create(
                by=request.user,
                name=data["name"],
                goal=data.get("goal") or "",
                length_weeks=data["length_weeks"],
                client=data.get("client"),
                days=[_("Day %(n)d") % {"n": n} for n in range(1, data["days"] + 1)],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Created %(name)s.") % {"name": program.name})
            return redirect("backoffice:programs_program_builder", program.pk)
    context = {"title": _("New program"), "opts": Program._meta, "form": form}
    status = 400 if form.errors else 200
    return render_page(request, "programs/backoffice/builder_new.html", context, status=status)


def program_change_view(request, object_id: str):
    """A program's change page is its builder."""
    _staff(request)
    if not str(object_id).isdigit():
        raise Http404
    return redirect("backoffice:programs_program_builder", int(object_id))


# --- the builder -------------------------------------------------------------------


def _targets(prescription: Prescription, written: int, length: int) -> list:
    """The first weeks' targets of a prescription, for the builder's preview."""
    weeks = sorted({1, 2, min(length, 3), min(length, 4), length})
    return [prescription_for_week(prescription, w, written_weeks=written) for w in weeks]


def _editable_program(request, pk: int) -> Program:
    """A program the signed-in person sees (else 404) and may edit (else 403)."""
    program = program_queryset_for(user=request.user).filter(pk=pk).first()
    if program is None:
        raise Http404
    if not program_can_edit(user=request.user, program=program):
        raise PermissionDenied
    return program


def builder_view(request, pk: int, status: int = 200):
    _staff(request)
    programs = program_structure(programs=program_queryset_for(user=request.user))
    program = programs.filter(pk=pk).first()
    if program is None:
        raise Http404
    if not program_can_edit(user=request.user, program=program):
        raise PermissionDenied
    weeks = list(program.weeks.all())
    written = len(weeks)
    for week in weeks:
        for day in week.days.all():
            for block in day.blocks.all():
                for p in block.prescriptions.all():
                    p.display_name = exercise_name(p)
                    p.time_text = format_time_distance(p.duration_seconds, p.distance_m)
                    p.targets = _targets(p, written, program.length_weeks)
                    p.rule_text = progression_text(p.progression, p.load_kind)
    context = {
        "title": program.name,
        "opts": Program._meta,
        "program": program,
        "weeks": weeks,
        "client": program.client,
        "goals": Program.Goal.choices,
        "block_kinds": Block.Kind.choices,
        "load_kinds": Prescription.Load.choices,
        "picker_url": reverse("backoffice:programs_program_exercises"),
        "move_url": reverse("backoffice:programs_program_builder_move", args=[program.pk]),
        "move_choices": move_choices(weeks=weeks),
        "assign_url": reverse("backoffice:programs_programassignment_assign")
        + f"?program={program.pk}",
    }
    return render_page(request, "programs/backoffice/builder.html", context, status=status)


def builder_move_view(request, pk: int):
    """The builder's "Move to" forms without JavaScript: POST ``prescription`` or
    ``block`` (an id) and ``to`` ("block:12" or "day:5"), then back to the builder.
    Parts of other programs are a 404; a coach who may not edit the program, 403."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _staff(request)
    program = _editable_program(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise Http404  # an id that is no id names nothing of this program
    moved = form.cleaned_data
    if moved["prescription"]:
        model, part_pk, path_ = Prescription, moved["prescription"], "block__day__week__program"
    else:
        model, part_pk, path_ = Block, moved["block"] or 0, "day__week__program"
    part = model.objects.filter(pk=part_pk, **{path_: program}).first()
    if part is None:
        raise Http404
    to = moved["to"]
    target = move_target_get(program_id=program.pk, to=to) if to else None
    kinds = ("block", "day") if model is Prescription else ("day",)
    if to and (target is None or to.partition(":")[0] not in kinds):
        raise Http404
    try:
        if target is None:
            raise ValidationError({"to": _("Choose where it goes.")})
        if model is Prescription:
            part = prescription_move(
                prescription=part,
                by=request.user,
                block=target if isinstance(target, Block) else None,
                day=target if isinstance(target, ProgramDay) else None,
            )
            name = exercise_name(part)
        else:
            part = block_move(block=part, by=request.user, day=target)
            name = _("the block")
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return builder_view(request, program.pk, status=400)
    day = target if isinstance(target, ProgramDay) else target.day
    messages.success(
        request,
        _("Moved %(what)s to %(day)s (week %(week)s).")
        % {"what": name, "day": day.name, "week": day.week.number},
    )
    anchor = f"rx-{part.pk}" if model is Prescription else f"block-{part.pk}"
    url = reverse("backoffice:programs_program_builder", args=[program.pk])
    return redirect(f"{url}#{anchor}")


def picker_view(request):
    """Exercises for the builder's search box (JSON)."""
    _staff(request)
    return JsonResponse({"results": exercise_picker(query=request.GET.get("q", "")[:100])})
