"""Back office: clients' habits (clients.Habit), narrowed to the clients you coach. The
client panel's "Add a habit" and "Stop" are pages in ``backoffice/views/habits.py``."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Habit
from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice

from ..forms_habits import WEEKDAY_CHOICES
from ..selectors.habits import habits_for
from ..services import habits as svc

HABIT_FIELDS = ("name", "target", "unit", "weekdays", "starts_on", "ends_on")


class HabitForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Days"),
        initial=[str(i) for i in range(7)],
        error_messages={"required": gettext_lazy("Choose at least one day of the week.")},
    )

    class Meta:
        model = Habit
        fields = ["client", "name", "target", "unit", "weekdays", "starts_on", "ends_on"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                svc.habit_validate(
                    name=data.get("name"),
                    target=data.get("target"),
                    unit=data.get("unit"),
                    weekdays=data.get("weekdays"),
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


class HabitAdmin(admin.ModelAdmin):
    """Habits of the clients you coach. Stopping a habit archives it; its ticks stay."""

    form = HabitForm
    list_display = [
        "name",
        "client",
        "target_text",
        "schedule",
        "starts_on",
        "ends_on",
        "is_active",
    ]
    list_select_related = ["client"]
    search_fields = ["name", "client__first_name", "client__last_name"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["client"]
    actions = ["stop"]

    def get_queryset(self, request):
        return habits_for(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["client"] if obj is not None else []  # a habit stays with its client

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = client_queryset_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("target"))
    def target_text(self, obj):
        return f"{obj.target:g} {obj.unit}".strip() if obj.target is not None else "—"

    @admin.display(description=gettext_lazy("days"))
    def schedule(self, obj):
        return svc.weekdays_text(obj.weekdays)

    @admin.display(description=gettext_lazy("active"), boolean=True)
    def is_active(self, obj):
        return obj.archived_at is None

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data.get(name) for name in HABIT_FIELDS}
        if change:
            saved = svc.habit_update(habit=obj, by=request.user, **values)
        else:
            saved = svc.habit_assign(client=data["client"], by=request.user, **values)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # stop (archive) instead: the client's history stays

    @admin.action(description=gettext_lazy("Stop these habits"))
    def stop(self, request, queryset):
        for habit in queryset:
            svc.habit_archive(habit=habit, by=request.user)
        self.message_user(request, _("Stopped %(n)d.") % {"n": queryset.count()})


register_in_backoffice(Habit, HabitAdmin)
