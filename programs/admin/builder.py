"""Back office: the program list's registration. The list, the "New program" form and
the builder are pages (``backoffice/views/program_builder.py``) mounted on this list's
paths; what stays here is who may open programs and the stock routes (history, the
``<id>/`` redirect). Programs are archived from the builder, never deleted: calendars
point at their days."""

from django.contrib import admin

from accounts.policies import is_staff_member
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import Program
from ..selectors.builder import program_queryset_for


class ProgramAdmin(admin.ModelAdmin):
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


register_in_backoffice(Program, ProgramAdmin)
