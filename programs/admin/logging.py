"""Back office: logged workouts of the clients you coach; the coach comments on each.

Every queryset is narrowed to the clients the signed-in person may see
(``client_queryset_for``). Sets are shown, never edited here: they are the client's
own record of what they did."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_staff_member
from clients import units as u
from clients.selectors import client_queryset_for
from tenants.backoffice import backoffice_site

from ..models import SetLog, WorkoutLog
from ..services.logging import workout_comment


class SetLogInline(admin.TabularInline):
    model = SetLog
    extra = 0
    can_delete = False
    fields = ["exercise_name", "set_number", "reps", "shown_load", "rpe", "is_warmup", "logged_at"]
    readonly_fields = fields
    ordering = ["logged_at", "set_number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("catalog_exercise", "exercise")

    @admin.display(description=gettext_lazy("exercise"))
    def exercise_name(self, obj):
        return (obj.catalog_exercise or obj.exercise).name

    @admin.display(description=gettext_lazy("load"))
    def shown_load(self, obj):
        system = u.units_for(viewer=getattr(self, "_viewer", None))
        return u.format_value(obj.load_kg, kind=u.MASS, system=system) or "—"

    def get_formset(self, request, obj=None, **kwargs):
        self._viewer = request.user
        return super().get_formset(request, obj, **kwargs)


class WorkoutLogAdmin(admin.ModelAdmin):
    """A workout a client logged: their sets, notes and records, and your comment (the
    client sees it on the workout's summary in the portal)."""

    list_display = ["started_at", "client", "name", "is_finished", "set_count", "has_comment"]
    list_display_links = ["started_at"]
    list_filter = ["finished_at"]
    list_select_related = ["client"]
    search_fields = ["client__first_name", "client__last_name", "name"]
    date_hierarchy = "started_at"
    list_per_page = 50
    fields = ["client", "name", "started_at", "finished_at", "notes", "rating", "coach_comment"]
    readonly_fields = ["client", "name", "started_at", "finished_at", "notes", "rating"]
    inlines = [SetLogInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .filter(client__in=client_queryset_for(user=request.user))
            .annotate(n_sets=Count("sets"))
        )

    def has_add_permission(self, request):
        return False  # clients log; coaches comment

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return is_staff_member(request.user)

    @admin.display(description=gettext_lazy("finished"), boolean=True)
    def is_finished(self, obj):
        return obj.finished_at is not None

    @admin.display(description=gettext_lazy("sets"), ordering="n_sets")
    def set_count(self, obj):
        return obj.n_sets

    @admin.display(description=gettext_lazy("commented"), boolean=True)
    def has_comment(self, obj):
        return bool(obj.coach_comment)

    def save_model(self, request, obj, form, change):
        saved = workout_comment(
            log=obj, by=request.user, comment=form.cleaned_data.get("coach_comment", "")
        )
        obj.coach_comment, obj.commented_by = saved.coach_comment, saved.commented_by
        if saved.coach_comment:
            messages.info(request, _("Your comment is on the client's workout summary."))

    def save_formset(self, request, form, formset, change):
        # sets are read-only here: nothing to save, nothing to report as changed
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


backoffice_site.register(WorkoutLog, WorkoutLogAdmin)
