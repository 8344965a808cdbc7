"""Back office: the list of program assignments, with pause / resume / cancel of the
selected ones (through ``programs.services.assignment``). The assign page, a client's
training page and its shift / pause / resume / cancel forms are pages
(``backoffice/views/assignment.py``) on this list's paths. The client list's "Assign a
program…" action opens the assign page (``clients/admin/records.py``).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_staff_member
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import ProgramAssignment
from ..selectors.assignment import assignment_queryset_for
from ..services import assignment as svc


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


register_in_backoffice(ProgramAssignment, ProgramAssignmentAdmin)
