"""Back office: logged workouts of the clients you coach; each opens its review (the
coach's page of target against actual, with the comment box:
``backoffice/views/workout_review.py``, which also serves a log's change page).

Every queryset is narrowed to the clients the signed-in person may see
(``client_queryset_for``). Sets are shown, never edited here: they are the client's
own record of what they did."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.policies import is_staff_member
from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import SetLog, WorkoutLog

REVIEW_URL_NAME = "programs_workoutlog_review"  # backoffice/views/workout_review.py


class ReviewChangeList(ChangeList):
    """The list's links open a workout's review, not the stock change form."""

    def url_for_result(self, result):
        return reverse(f"backoffice:{REVIEW_URL_NAME}", args=[result.pk])


# the sets of each listed workout, counted for its row only: a subquery, which the list's
# count and its dates leave out (a Count("sets") joined and grouped every set of every
# workout for each of them)
_set_count = Coalesce(
    Subquery(
        SetLog.objects.filter(workout=OuterRef("pk"))
        .order_by()
        .values("workout")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    ),
    0,
)


class WorkoutLogAdmin(admin.ModelAdmin):
    """Workouts clients logged, newest first; each opens its review, where you comment
    (the client sees it with the workout in the portal)."""

    list_display = ["started_at", "client", "name", "is_finished", "set_count", "has_comment"]
    list_display_links = ["started_at"]
    list_filter = ["finished_at"]
    list_select_related = ["client"]
    search_fields = ["client__first_name", "client__last_name", "name"]
    date_hierarchy = "started_at"
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return ReviewChangeList

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(client__in=client_queryset_for(user=request.user))
            .annotate(n_sets=_set_count)
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


register_in_backoffice(WorkoutLog, WorkoutLogAdmin)
