"""Back office: the exercise library (search, filters, copy and edit, hide, custom
exercises, detail pages). The paths are the exercise list's own
(``programs/exercise/...``): the library is that list, and its pages replace add and
change (``programs.admin.library.ExerciseAdmin`` keeps no routes of its own)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policies import is_staff_member
from programs.catalog.models import CatalogExercise, Category
from programs.catalog.text import EQUIPMENT, MUSCLES
from programs.forms_library import ExerciseForm
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

from ..chrome import render_page

MAX_PAGE = 100


def urls(site):
    view = site.admin_view
    base = "programs/exercise/"
    return [
        path(base, view(library_view), name="programs_exercise_changelist"),
        path(f"{base}add/", view(form_view), name="programs_exercise_add"),
        path(f"{base}<str:key>/", view(detail_view), name="programs_library_detail"),
        path(f"{base}<str:key>/edit/", view(form_view), name="programs_library_edit"),
        *(
            path(
                f"{base}<str:key>/{action}/",
                view(require_POST(handler)),
                name=f"programs_library_{action}",
            )
            for action, handler in (
                ("copy", copy_view),
                ("hide", hide_view),
                ("unhide", unhide_view),
                ("archive", archive_view),
            )
        ),
    ]


def _context(request, **extra) -> dict:
    return {"opts": Exercise._meta, "can_edit": library_can_edit(user=request.user), **extra}


def _reader(request) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def _editor(request) -> None:
    if not library_can_edit(user=request.user):
        raise PermissionDenied


def _get(key: str):
    exercise = exercise_get(key=key, include_hidden=True)
    if exercise is None:
        raise Http404
    return exercise


def library_view(request):
    _reader(request)
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
    context = _context(
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
    return render_page(request, template, context, status=400 if errors else 200)


def detail_view(request, key: str):
    _reader(request)
    exercise = _get(key)
    copied_from = exercise.catalog if exercise.is_own else None
    context = _context(request, title=exercise.name, exercise=exercise, copied_from=copied_from)
    return render_page(request, "programs/backoffice/library_detail.html", context)


def form_view(request, key: str | None = None):
    _editor(request)
    exercise = None
    if key is not None:
        exercise = _get(key)
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
    context = _context(request, title=title, form=form, exercise=exercise)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "programs/backoffice/library_form.html", context, status=status)


def _catalog_entry(request, key: str) -> CatalogExercise:
    _editor(request)
    exercise = _get(key)
    if exercise.is_own:
        raise Http404
    return exercise


def copy_view(request, key: str):
    catalog_exercise = _catalog_entry(request, key)
    copy = exercise_copy(catalog_exercise=catalog_exercise, by=request.user)
    messages.success(
        request,
        _("Your own copy of “%s” replaces the catalog entry in your library.") % copy.name,
    )
    return redirect("backoffice:programs_library_edit", f"b-{copy.pk}")


def hide_view(request, key: str):
    catalog_exercise = _catalog_entry(request, key)
    exercise_hide(catalog_exercise=catalog_exercise, by=request.user)
    messages.success(request, _("“%s” is hidden from your library.") % catalog_exercise.name)
    return redirect(_back(request))


def unhide_view(request, key: str):
    catalog_exercise = _catalog_entry(request, key)
    exercise_unhide(catalog_exercise=catalog_exercise, by=request.user)
    messages.success(request, _("“%s” is back in your library.") % catalog_exercise.name)
    return redirect(_back(request))


def archive_view(request, key: str):
    _editor(request)
    exercise = _get(key)
    if not exercise.is_own:
        raise Http404
    exercise_archive(exercise=exercise, by=request.user)
    messages.success(request, _("“%s” was removed from your library.") % exercise.name)
    return redirect("backoffice:programs_exercise_changelist")


def _back(request) -> str:
    """Back to the list the button was pressed on (same host only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("backoffice:programs_exercise_changelist")
