"""Back office: the exercise list's registration. The library's pages (search and
filters, detail, the form for a custom exercise, copy, hide, unhide, archive) are
``backoffice/views/exercise_library.py``, on this list's paths and names; every write
there goes through ``programs.services.library``."""

from django.contrib import admin

from mectofitness.core.admin_registry import register_in_backoffice
from programs.models import Exercise


class ExerciseAdmin(admin.ModelAdmin):
    """Listed on the back office's home; the library pages serve its paths."""

    def get_urls(self):
        return []  # every path of the list is a library page (backoffice.views.exercise_library)


register_in_backoffice(Exercise, ExerciseAdmin)
