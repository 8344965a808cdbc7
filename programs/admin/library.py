"""Back office: the exercise library (search, filters, copy and edit, hide, custom
exercises, detail pages), and the shared catalog in the platform admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mectofitness.core.admin_registry import register_in_backoffice
from programs.catalog.models import (
    CatalogExercise,
    Category,
    Force,
    Level,
    Measurement,
    Mechanics,
    Pattern,
)
from programs.catalog.text import EQUIPMENT, MUSCLES
from programs.models import Exercise
from programs.selectors.library import (
    PAGE_SIZE,
    LibraryFilters,
    exercise_get,
    exercise_search,
    library_filters,
)
from programs.services.library import (
    exercise_archive,
    exercise_copy,
    exercise_create,
    exercise_hide,
    exercise_unhide,
    exercise_update,
    library_can_edit,
)

MAX_PAGE = 100
LINES = forms.Textarea(attrs={"rows": 5})


def _blank(choices) -> list:
    return [("", "—"), *choices]


class ExerciseForm(forms.Form):
    """A business's own exercise; lists are one item per line, vocabularies checkboxes."""

    name = forms.CharField(label=_("Name"), max_length=120)
    aliases = forms.CharField(
        label=_("Other names"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: what people also call it, for search."),
    )  # fmt: skip
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    movement_pattern = forms.ChoiceField(
        label=_("Movement pattern"), choices=_blank(Pattern.choices), required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=_blank(Level.choices), required=False)
    mechanics = forms.ChoiceField(
        label=_("Mechanics"), choices=_blank(Mechanics.choices), required=False
    )
    force = forms.ChoiceField(label=_("Force"), choices=_blank(Force.choices), required=False)
    measurement = forms.ChoiceField(
        label=_("Measured by"),
        choices=[("", _("Guess from the name and equipment")), *Measurement.choices],
        required=False,
        help_text=_(
            "What a client logs for a set: a plank is timed, a carry goes over a distance, "
            "a push-up is counted in reps. The logger's columns and records follow it."
        ),
    )
    primary_muscles = forms.MultipleChoiceField(
        label=_("Primary muscles"), choices=[(m, m.title()) for m in MUSCLES], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    secondary_muscles = forms.MultipleChoiceField(
        label=_("Secondary muscles"), choices=[(m, m.title()) for m in MUSCLES], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"), choices=[(e, e.title()) for e in EQUIPMENT], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=LINES, help_text=_("One step per line.")
    )
    cues = forms.CharField(
        label=_("Coaching cues"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One cue per line, at most six."),
    )  # fmt: skip
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    @classmethod
    def initial_for(cls, exercise) -> dict:
        initial = {name: getattr(exercise, name) for name in cls.base_fields}
        for name in ("aliases", "instructions", "cues"):
            initial[name] = "\n".join(initial[name])
        return initial

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("aliases", "instructions", "cues"):
            data[name] = data[name].splitlines()
        if not data.get("measurement"):
            data.pop("measurement", None)  # new: guessed; edited: kept as it was
        return data


class ExerciseAdmin(admin.ModelAdmin):
    """The library replaces the change list; custom pages replace add and change."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.library_view), name="programs_exercise_changelist"),
            path("add/", view(self.form_view), name="programs_exercise_add"),
            path("<str:key>/", view(self.detail_view), name="programs_library_detail"),
            path("<str:key>/edit/", view(self.form_view), name="programs_library_edit"),
            *(
                path(
                    f"<str:key>/{action}/",
                    view(require_POST(handler)),
                    name=f"programs_library_{action}",
                )
                for action, handler in (
                    ("copy", self.copy_view),
                    ("hide", self.hide_view),
                    ("unhide", self.unhide_view),
                    ("archive", self.archive_view),
                )
            ),
        ]

    def _context(self, request, **extra) -> dict:
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "can_edit": library_can_edit(user=request.user),
            **extra,
        }

    def _editor(self, request) -> None:
        if not library_can_edit(user=request.user):
            raise PermissionDenied

    def library_view(self, request):
        if not request.user.is_staff:
            raise PermissionDenied
        query = request.GET.get("q", "")[:100]
        hidden = request.GET.get("hidden") == "1"
        page_number = request.GET.get("page", "1")
        page_number = int(page_number) if page_number.isdigit() else 1
        page_number = min(max(page_number, 1), MAX_PAGE)
        errors = {}
        try:
            filters = library_filters(
                muscle=request.GET.get("muscle", ""),
                equipment=request.GET.get("equipment", ""),
                category=request.GET.get("category", ""),
            )
        except ValidationError as exc:
            errors = {field: msgs[0] for field, msgs in exc.message_dict.items()}
            filters = LibraryFilters()
        page = exercise_search(
            query=query,
            filters=filters,
            offset=(page_number - 1) * PAGE_SIZE,
            hidden=hidden,
        )
        params = request.GET.copy()
        params.pop("page", None)
        context = self._context(
            request,
            title=_("Exercise library"),
            page=page,
            query=query,
            filters=filters,
            hidden=hidden,
            errors=errors,
            page_number=page_number,
            params=params.urlencode(),
            muscles=MUSCLES,
            equipment_choices=EQUIPMENT,
            categories=Category.choices,
        )
        template = "programs/backoffice/library_results.html"
        if request.headers.get("HX-Request") != "true":
            template = "programs/backoffice/library.html"
        return render(request, template, context, status=400 if errors else 200)

    def _get(self, request, key: str):
        exercise = exercise_get(key=key, include_hidden=True)
        if exercise is None:
            raise Http404
        return exercise

    def detail_view(self, request, key: str):
        if not request.user.is_staff:
            raise PermissionDenied
        exercise = self._get(request, key)
        copied_from = exercise.catalog if exercise.is_own else None
        context = self._context(
            request, title=exercise.name, exercise=exercise, copied_from=copied_from
        )
        return render(request, "programs/backoffice/library_detail.html", context)

    def form_view(self, request, key: str | None = None):
        self._editor(request)
        exercise = None
        if key is not None:
            exercise = self._get(request, key)
            if not exercise.is_own:
                raise Http404  # catalog entries are copied first, never edited in place
        initial = ExerciseForm.initial_for(exercise) if exercise else {}
        form = ExerciseForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                if exercise is None:
                    exercise = exercise_create(by=request.user, **form.service_fields())
                    messages.success(request, _("“%s” was added to your library.") % exercise.name)
                else:
                    exercise = exercise_update(
                        exercise=exercise, by=request.user, **form.service_fields()
                    )
                    messages.success(request, _("“%s” was saved.") % exercise.name)
                return redirect("backoffice:programs_library_detail", f"b-{exercise.pk}")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        title = _("Edit %s") % exercise.name if exercise else _("Add a custom exercise")
        context = self._context(request, title=title, form=form, exercise=exercise)
        status = 400 if request.method == "POST" else 200
        return render(request, "programs/backoffice/library_form.html", context, status=status)

    def _catalog_entry(self, request, key: str) -> CatalogExercise:
        self._editor(request)
        exercise = self._get(request, key)
        if exercise.is_own:
            raise Http404
        return exercise

    def copy_view(self, request, key: str):
        catalog_exercise = self._catalog_entry(request, key)
        copy = exercise_copy(catalog_exercise=catalog_exercise, by=request.user)
        messages.success(
            request,
            _("Your own copy of “%s” replaces the catalog entry in your library.") % copy.name,
        )
        return redirect("backoffice:programs_library_edit", f"b-{copy.pk}")

    def hide_view(self, request, key: str):
        catalog_exercise = self._catalog_entry(request, key)
        exercise_hide(catalog_exercise=catalog_exercise, by=request.user)
        messages.success(request, _("“%s” is hidden from your library.") % catalog_exercise.name)
        return redirect(self._back(request))

    def unhide_view(self, request, key: str):
        catalog_exercise = self._catalog_entry(request, key)
        exercise_unhide(catalog_exercise=catalog_exercise, by=request.user)
        messages.success(request, _("“%s” is back in your library.") % catalog_exercise.name)
        return redirect(self._back(request))

    def archive_view(self, request, key: str):
        self._editor(request)
        exercise = self._get(request, key)
        if not exercise.is_own:
            raise Http404
        exercise_archive(exercise=exercise, by=request.user)
        messages.success(request, _("“%s” was removed from your library.") % exercise.name)
        return redirect("backoffice:programs_exercise_changelist")

    @staticmethod
    def _back(request) -> str:
        """Back to the list the button was pressed on (same host only)."""
        from django.utils.http import url_has_allowed_host_and_scheme

        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return target
        return reverse("backoffice:programs_exercise_changelist")


register_in_backoffice(Exercise, ExerciseAdmin)
