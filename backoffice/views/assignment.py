"""Back office: assigning programs and following a client's calendar.

- ``/admin/programs/programassignment/assign/?program=<id>&clients=1,2``: assign a
  template to one or many clients (start date, training days, main or extra).
- ``/admin/programs/programassignment/client/<client_id>/``: a client's programs,
  calendar, and shift / pause / resume / cancel (posted to ``<pk>/do/<what>/``).
- an assignment's change page is its client's page.

The paths and names are the assignment list's own (``programs.admin.assignment``
keeps the list and its actions); every write goes through
``programs.services.assignment``.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from clients.selectors import client_queryset_for
from clients.services.measurements import client_today
from programs.forms_assignment import WEEKDAYS, AssignForm, ShiftForm
from programs.models import ProgramAssignment
from programs.selectors.assignment import (
    assignment_queryset_for,
    assignments_of_client,
    month_grid,
    scheduled_workouts_for,
    training_summary,
)
from programs.selectors.builder import program_queryset_for
from programs.services import assignment as svc

from ..chrome import render_page


def urls(site):
    view = site.admin_view
    base = "programs/programassignment/"
    return [
        path(f"{base}assign/", view(assign_view), name="programs_programassignment_assign"),
        path(
            f"{base}client/<int:client_id>/",
            view(client_view),
            name="programs_programassignment_client",
        ),
        path(f"{base}<int:pk>/do/<str:what>/", view(do_view), name="programs_programassignment_do"),
        path(
            f"{base}<path:object_id>/change/",
            view(assignment_change_view),
            name="programs_programassignment_change",
        ),
    ]


def _staff(request) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def assignment_change_view(request, object_id: str):
    """An assignment opens its client's page (404 for a client you do not see)."""
    _staff(request)
    assignments = assignment_queryset_for(user=request.user)
    assignment = assignments.filter(pk=object_id).first() if object_id.isdigit() else None
    if assignment is None:
        raise Http404
    return redirect("backoffice:programs_programassignment_client", assignment.client_id)


def assign_view(request):
    _staff(request)
    today = datetime.date.today()
    initial = {"is_main": True}
    if request.GET.get("program", "").isdigit():
        initial["program"] = int(request.GET["program"])
    ids = [int(x) for x in request.GET.get("clients", "").split(",") if x.isdigit()]
    if ids:
        initial["clients"] = ids
    initial["start_date"] = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
    initial["weekdays"] = [0, 2, 4]
    form = AssignForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = svc.assignment_create(
                program=data["program"],
                clients=list(data["clients"]),
                start_date=data["start_date"],
                weekdays=data["weekdays"],
                is_main=data["is_main"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Assigned %(program)s to %(names)s, from %(date)s.")
                % {
                    "program": data["program"].name,
                    "names": ", ".join(a.client.full_name for a in made),
                    "date": data["start_date"].strftime("%-d %b %Y"),
                },
            )
            if len(made) == 1:
                return redirect("backoffice:programs_programassignment_client", made[0].client_id)
            return redirect("backoffice:programs_programassignment_changelist")
    selected_program = None
    value = form["program"].value()
    if str(value or "").isdigit():
        selected_program = program_queryset_for(user=request.user).filter(pk=int(value)).first()
    context = {
        "title": _("Assign a program"),
        "opts": ProgramAssignment._meta,
        "form": form,
        "selected_program": selected_program,
    }
    status = 400 if form.errors else 200
    return render_page(request, "programs/backoffice/assign.html", context, status=status)


def client_view(request, client_id: int):
    """A client's training: programs, the month's calendar, and the schedule's tools."""
    _staff(request)
    client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
    today = client_today(client=client, business=request.tenant)
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    last = (first + datetime.timedelta(days=40)).replace(day=1) - datetime.timedelta(days=1)
    workouts = list(
        scheduled_workouts_for(
            user=request.user,
            client=client,
            start=first - datetime.timedelta(days=7),
            end=last + datetime.timedelta(days=7),
        )
    )
    context = {
        "title": _("Training of %(name)s") % {"name": client.full_name},
        "opts": ProgramAssignment._meta,
        "client": client,
        "assignments": list(assignments_of_client(client=client)),
        "summary": training_summary(client=client, today=today),
        "weeks": month_grid(workouts=workouts, year=first.year, month=first.month, today=today),
        "month": first,
        "previous": (first - datetime.timedelta(days=1)).strftime("%Y-%m"),
        "following": (last + datetime.timedelta(days=1)).strftime("%Y-%m"),
        "today": today,
        "weekday_names": [label for _n, label in WEEKDAYS],
    }
    return render_page(request, "programs/backoffice/assign_client.html", context)


def do_view(request, pk: int, what: str):
    """The client page's shift / pause / resume / cancel forms post here."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _staff(request)
    assignment = get_object_or_404(assignment_queryset_for(user=request.user), pk=pk)
    try:
        if what == "shift":
            form = ShiftForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["days"])
            days = form.cleaned_data["days"]
            svc.assignment_shift(assignment=assignment, days=days, by=request.user)
            text = _("Moved the upcoming workouts by %(n)s days.") % {"n": days}
        elif what == "pause":
            svc.assignment_pause(assignment=assignment, by=request.user)
            text = _("Paused: upcoming workouts are hidden until you resume.")
        elif what == "resume":
            start = None
            if request.POST.get("start"):
                try:
                    start = datetime.date.fromisoformat(request.POST["start"])
                except ValueError:
                    raise ValidationError({"start": _("Enter a date like 2025-03-14.")}) from None
            svc.assignment_resume(assignment=assignment, by=request.user, start=start)
            text = _("Resumed: the remaining workouts are back on the calendar.")
        elif what == "cancel":
            svc.assignment_cancel(assignment=assignment, by=request.user)
            text = _("Cancelled: upcoming workouts were removed.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, text)
    return redirect("backoffice:programs_programassignment_client", assignment.client_id)
