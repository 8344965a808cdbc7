"""The platform admin (public site): staff browse the shared catalog."""

from django.contrib import admin
from django.utils.translation import gettext as _

from .models import CatalogExercise


@admin.register(CatalogExercise)
class CatalogExerciseAdmin(admin.ModelAdmin):
    """Platform staff browse the shared catalog; loads and imports fill it
    (``catalog_load``, ``catalog_import``), so the list is read-only."""

    list_display = [
        "name",
        "category",
        "measurement",
        "primary_list",
        "equipment_list",
        "level",
        "source",
    ]
    list_filter = ["source", "category", "measurement", "level", "mechanics"]
    search_fields = ["name", "search_text"]
    readonly_fields = ["search_name", "search_text", "updated_at"]
    list_per_page = 50

    @admin.display(description=_("primary muscles"))
    def primary_list(self, obj):
        return ", ".join(obj.primary_muscles)

    @admin.display(description=_("equipment"))
    def equipment_list(self, obj):
        return ", ".join(obj.equipment)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
