"""Back office: programs. A list (templates and client programs) and a builder page per
program; the builder's changes go through the JSON API (``programs.api.builder``),
so the page and the API share one set of rules.

Coaches build templates and the programs of clients they coach; a client program
of someone else's client is a 404 here as in the API (``program_queryset_for``).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_staff_member
from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import Block, Prescription, Program, ProgramDay
from ..selectors.builder import (
    exercise_name,
    exercise_picker,
    move_choices,
    move_target_get,
    program_can_edit,
    program_list_for,
    program_queryset_for,
    program_structure,
)
from ..services import builder as svc
from ..sets import format_time_distance


class ProgramCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    goal = forms.ChoiceField(
        label=gettext_lazy("Goal"), choices=[("", "—"), *Program.Goal.choices], required=False
    )
    length_weeks = forms.IntegerField(
        label=gettext_lazy("Length (weeks)"), min_value=1, max_value=52, initial=4
    )
    days = forms.IntegerField(
        label=gettext_lazy("Workouts a week"),
        min_value=0,
        max_value=7,
        initial=3,
        help_text=gettext_lazy("Named Day 1, Day 2…; rename them in the builder."),
    )
    client = forms.ModelChoiceField(
        label=gettext_lazy("For a client"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("No one: a template"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_queryset_for(user=user, include_archived=False)


def _target(prescription: Prescription, written: int, length: int) -> list:
    """The first weeks' targets of a prescription, for the builder's preview."""
    weeks = sorted({1, 2, min(length, 3), min(length, 4), length})
    return [svc.prescription_for_week(prescription, w, written_weeks=written) for w in weeks]


class ProgramAdmin(admin.ModelAdmin):
    """The program list and the builder."""

    search_fields = ["name"]

    def get_queryset(self, request):
        return program_queryset_for(user=request.user)

    def has_module_permission(self, request):
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff_member(request.user)

    def has_add_permission(self, request):
        return is_staff_member(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # archived from the builder, never deleted: calendars point at days

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/builder/", wrap(self.builder_view), name="programs_program_builder"),
            path(
                "<int:pk>/builder/move/",
                wrap(self.builder_move_view),
                name="programs_program_builder_move",
            ),
            path("exercises/", wrap(self.picker_view), name="programs_program_exercises"),
            *super().get_urls(),
        ]

    # --- the list ------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        kind = request.GET.get("kind", "")
        kind = kind if kind in ("template", "client") else ""
        goal = request.GET.get("goal", "")
        goal = goal if goal in Program.Goal.values else ""
        query = request.GET.get("q", "")[:100]
        programs = list(program_list_for(user=request.user, kind=kind, query=query, goal=goal))
        form = ProgramCreateForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Programs"),
            "opts": self.model._meta,
            "programs": programs,
            "kind": kind,
            "goal": goal,
            "query": query,
            "goals": Program.Goal.choices,
            "form": form,
        }
        return render(request, "programs/backoffice/builder_list.html", context)

    def add_view(self, request, form_url="", extra_context=None):
        """The list's "New program" form posts here; on success, to the builder."""
        request.current_app = self.admin_site.name
        form = ProgramCreateForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                program = svc.program_create(
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
        context = {
            **self.admin_site.each_context(request),
            "title": _("New program"),
            "opts": self.model._meta,
            "form": form,
        }
        status = 400 if form.errors else 200
        return render(request, "programs/backoffice/builder_new.html", context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return redirect("backoffice:programs_program_builder", int(object_id))

    # --- the builder ---------------------------------------------------------------

    def builder_view(self, request, pk: int, status: int = 200):
        request.current_app = self.admin_site.name
        program = program_structure(programs=program_queryset_for(user=request.user)).filter(pk=pk)
        program = program.first()
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
                        p.targets = _target(p, written, program.length_weeks)
                        p.rule_text = svc.progression_text(p.progression, p.load_kind)
        context = {
            **self.admin_site.each_context(request),
            "title": program.name,
            "opts": self.model._meta,
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
        return render(request, "programs/backoffice/builder.html", context, status=status)

    def builder_move_view(self, request, pk: int):
        """The builder's "Move to" forms without JavaScript: POST ``prescription`` or
        ``block`` (an id) and ``to`` ("block:12" or "day:5"), then back to the builder.
        Parts of other programs are a 404; a coach who may not edit the program, 403."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        program = program_queryset_for(user=request.user).filter(pk=pk).first()
        if program is None:
            raise Http404
        if not program_can_edit(user=request.user, program=program):
            raise PermissionDenied
        post = request.POST
        if post.get("prescription"):
            model, key, path_ = Prescription, "prescription", "block__day__week__program"
        else:
            model, key, path_ = Block, "block", "day__week__program"
        raw = str(post.get(key) or "")
        pk_ = int(raw) if raw.isdigit() and len(raw) < 12 else 0  # ids are bigints
        part = model.objects.filter(pk=pk_, **{path_: program})
        part = part.first()
        if part is None:
            raise Http404
        to = post.get("to", "")
        target = move_target_get(program_id=program.pk, to=to) if to else None
        kinds = ("block", "day") if model is Prescription else ("day",)
        if to and (target is None or to.partition(":")[0] not in kinds):
            raise Http404
        try:
            if target is None:
                raise ValidationError({"to": _("Choose where it goes.")})
            if model is Prescription:
                part = svc.prescription_move(
                    prescription=part,
                    by=request.user,
                    block=target if isinstance(target, Block) else None,
                    day=target if isinstance(target, ProgramDay) else None,
                )
                name = exercise_name(part)
            else:
                part = svc.block_move(block=part, by=request.user, day=target)
                name = _("the block")
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
            return self.builder_view(request, program.pk, status=400)
        day = target if isinstance(target, ProgramDay) else target.day
        messages.success(
            request,
            _("Moved %(what)s to %(day)s (week %(week)s).")
            % {"what": name, "day": day.name, "week": day.week.number},
        )
        anchor = f"rx-{part.pk}" if model is Prescription else f"block-{part.pk}"
        url = reverse("backoffice:programs_program_builder", args=[program.pk])
        return redirect(f"{url}#{anchor}")

    def picker_view(self, request):
        """Exercises for the builder's search box (JSON)."""
        return JsonResponse({"results": exercise_picker(query=request.GET.get("q", "")[:100])})


register_in_backoffice(Program, ProgramAdmin)
