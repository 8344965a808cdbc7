"""Back office: personal records of the clients you coach (read-only: they are made by
logging sets, see programs.services.records)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from clients import units as u
from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import PersonalRecord
from ..selectors.logging import record_text


class PersonalRecordAdmin(admin.ModelAdmin):
    list_display = ["achieved_at", "client", "exercise_name", "what", "is_seen"]
    list_display_links = None
    list_filter = ["kind"]
    list_select_related = ["client", "catalog_exercise", "exercise"]
    search_fields = ["client__first_name", "client__last_name"]
    date_hierarchy = "achieved_at"

    def get_queryset(self, request):
        self._viewer = request.user
        return (
            super().get_queryset(request).filter(client__in=client_queryset_for(user=request.user))
        )

    @admin.display(description=gettext_lazy("exercise"))
    def exercise_name(self, obj):
        return (obj.catalog_exercise or obj.exercise).name

    @admin.display(description=gettext_lazy("record"))
    def what(self, obj):
        return record_text(obj, u.units_for(viewer=getattr(self, "_viewer", None)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


register_in_backoffice(PersonalRecord, PersonalRecordAdmin)
