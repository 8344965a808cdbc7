"""Back office: assigning programs and following a client's calendar.

- ``/admin/programs/programassignment/assign/?program=<id>&clients=1,2``: assign a
  template to one or many clients (start date, training days, main or extra).
- ``/admin/programs/programassignment/client/<client_id>/``: a client's programs,
  calendar, and shift / pause / resume / cancel.
- ``assign_program_to_clients``: an admin action for the client list (the lead wires
  it into ``ClientAdmin.actions``): the selected clients, pre-ticked on the assign page.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_staff_member
from clients.selectors import client_queryset_for
from clients.services.measurements import client_today
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import Program, ProgramAssignment, ScheduledWorkout
from ..selectors.assignment import (
    assignment_queryset_for,
    month_grid,
    scheduled_workouts_for,
    training_summary,
)
from ..selectors.builder import program_queryset_for
from ..services import assignment as svc

WEEKDAYS = [
    (0, gettext_lazy("Mon")),
    (1, gettext_lazy("Tue")),
    (2, gettext_lazy("Wed")),
    (3, gettext_lazy("Thu")),
    (4, gettext_lazy("Fri")),
    (5, gettext_lazy("Sat")),
    (6, gettext_lazy("Sun")),
]


class AssignForm(forms.Form):
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=None,
        error_messages={"required": gettext_lazy("Choose a program.")},
    )
    clients = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Clients"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one client.")},
    )
    start_date = forms.DateField(
        label=gettext_lazy("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2025-03-14.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Training days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one training day.")},
    )
    is_main = forms.BooleanField(
        label=gettext_lazy("Main program"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Untick to add it as an extra beside the client's main program."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = program_queryset_for(user=user).filter(is_template=True)
        self.fields["clients"].queryset = client_queryset_for(
            user=user, include_archived=False
        ).order_by("first_name", "last_name")


@admin.action(description=gettext_lazy("Assign a program…"))
def assign_program_to_clients(modeladmin, request, queryset):
    """For ``ClientAdmin.actions``: open the assign page with these clients ticked."""
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:200])
    return redirect(f"{reverse('backoffice:programs_programassignment_assign')}?clients={ids}")


class ProgramAssignmentAdmin(admin.ModelAdmin):
    list_display = ["client", "program", "start_date", "status", "is_main"]
    list_filter = ["status", "is_main"]
    list_select_related = ["client", "program"]
    search_fields = ["client__first_name", "client__last_name", "program__name"]
    actions = ["pause_selected", "resume_selected", "cancel_selected"]

    def get_queryset(self, request):
        return assignment_queryset_for(user=request.user)

    def has_add_permission(self, request):
        return False  # through the assign page: it makes the copy and the calendar

    def has_change_permission(self, request, obj=None):
        return False  # shift, pause, resume and cancel instead

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_staff_member(request.user)

    def has_module_permission(self, request):
        return is_staff_member(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        assignment = (
            self.get_queryset(request).filter(pk=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        if assignment is None:
            raise Http404
        return redirect("backoffice:programs_programassignment_client", assignment.client_id)

    def _each(self, request, queryset, fn, done):
        count, problems = 0, []
        for assignment in queryset:
            try:
                fn(assignment=assignment, by=request.user)
                count += 1
            except ValidationError as exc:
                problems.append(f"{assignment.client}: {' '.join(exc.messages)}")
        if count:
            self.message_user(request, done % {"n": count})
        for problem in problems:
            self.message_user(request, problem, level=messages.WARNING)

    @admin.action(description=gettext_lazy("Pause the selected programs"))
    def pause_selected(self, request, queryset):
        self._each(request, queryset, svc.assignment_pause, _("Paused %(n)d."))

    @admin.action(description=gettext_lazy("Resume the selected programs from today"))
    def resume_selected(self, request, queryset):
        self._each(request, queryset, svc.assignment_resume, _("Resumed %(n)d."))

    @admin.action(description=gettext_lazy("Cancel the selected programs"))
    def cancel_selected(self, request, queryset):
        self._each(request, queryset, svc.assignment_cancel, _("Cancelled %(n)d."))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("assign/", wrap(self.assign_view), name="programs_programassignment_assign"),
            path(
                "client/<int:client_id>/",
                wrap(self.client_view),
                name="programs_programassignment_client",
            ),
            path(
                "<int:pk>/do/<str:what>/",
                wrap(self.do_view),
                name="programs_programassignment_do",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            **extra,
        }

    def assign_view(self, request):
        request.current_app = self.admin_site.name
        if not request.user.is_staff:
            raise PermissionDenied
        initial = {"is_main": True}
        if request.GET.get("program", "").isdigit():
            initial["program"] = int(request.GET["program"])
        ids = [int(x) for x in request.GET.get("clients", "").split(",") if x.isdigit()]
        if ids:
            initial["clients"] = ids
        initial["start_date"] = datetime.date.today() + datetime.timedelta(
            days=(7 - datetime.date.today().weekday()) % 7 or 7
        )
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
                    return redirect(
                        "backoffice:programs_programassignment_client", made[0].client_id
                    )
                return redirect("backoffice:programs_programassignment_changelist")
        selected_program = None
        value = form["program"].value()
        if str(value or "").isdigit():
            selected_program = Program.objects.filter(pk=int(value)).first()
        flagged = [c for c in form.fields["clients"].queryset if c.has_health_flag]
        context = self._context(
            request,
            _("Assign a program"),
            form=form,
            selected_program=selected_program,
            flagged_ids={c.pk for c in flagged},
        )
        status = 400 if form.errors else 200
        return render(request, "programs/backoffice/assign.html", context, status=status)

    def client_view(self, request, client_id: int):
        """A client's training: programs, the month's calendar, and the schedule's tools."""
        request.current_app = self.admin_site.name
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
        assignments = list(
            ProgramAssignment.objects.filter(client=client)
            .select_related("program")
            .order_by("-created_at")
        )
        context = self._context(
            request,
            _("Training of %(name)s") % {"name": client.full_name},
            client=client,
            assignments=assignments,
            summary=training_summary(client=client, today=today),
            weeks=month_grid(workouts=workouts, year=first.year, month=first.month, today=today),
            month=first,
            previous=(first - datetime.timedelta(days=1)).strftime("%Y-%m"),
            following=(last + datetime.timedelta(days=1)).strftime("%Y-%m"),
            today=today,
            weekday_names=[label for _n, label in WEEKDAYS],
        )
        return render(request, "programs/backoffice/assign_client.html", context)

    def do_view(self, request, pk: int, what: str):
        """The client page's shift / pause / resume / cancel forms post here."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        assignment = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            if what == "shift":
                svc.assignment_shift(
                    assignment=assignment, days=request.POST.get("days", ""), by=request.user
                )
                text = _("Moved the upcoming workouts by %(n)s days.") % {
                    "n": request.POST.get("days")
                }
            elif what == "pause":
                svc.assignment_pause(assignment=assignment, by=request.user)
                text = _("Paused: upcoming workouts are hidden until you resume.")
            elif what == "resume":
                start = None
                if request.POST.get("start"):
                    try:
                        start = datetime.date.fromisoformat(request.POST["start"])
                    except ValueError:
                        raise ValidationError(
                            {"start": _("Enter a date like 2025-03-14.")}
                        ) from None
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


register_in_backoffice(ProgramAssignment, ProgramAssignmentAdmin)

__all__ = ["assign_program_to_clients", "ScheduledWorkout"]
