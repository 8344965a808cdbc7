"""Back office: clients' habits (clients.Habit), narrowed to the clients you coach, and
the client panel's "Add a habit" form."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Habit
from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice

from ..services import habits as svc

WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(svc.WEEKDAY_NAMES)]


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
        return (
            super().get_queryset(request).filter(client__in=client_queryset_for(user=request.user))
        )

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
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # stop (archive) instead: the client's history stays

    @admin.action(description=gettext_lazy("Stop these habits"))
    def stop(self, request, queryset):
        for habit in queryset:
            svc.habit_archive(habit=habit, by=request.user)
        self.message_user(request, _("Stopped %(n)d.") % {"n": queryset.count()})

    def get_urls(self):
        return [
            path(
                "client/<int:client_id>/add/",
                self.admin_site.admin_view(self.add_for_client),
                name="clients_habit_client",
            ),
            path(
                "<int:habit_id>/stop/",
                self.admin_site.admin_view(self.stop_one),
                name="clients_habit_stop",
            ),
            *super().get_urls(),
        ]

    def add_for_client(self, request, client_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("clients.add_habit"):
            raise PermissionDenied
        client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
        back = reverse("backoffice:clients_client_change", args=[client.pk]) + "#nutrition"
        post = request.POST
        try:
            habit = svc.habit_assign(
                client=client,
                name=post.get("name", ""),
                target=post.get("target") or None,
                unit=post.get("unit", ""),
                weekdays=post.getlist("weekdays") or None,
                starts_on=forms.DateField().to_python(post.get("starts_on") or None),
                ends_on=forms.DateField().to_python(post.get("ends_on") or None),
                by=request.user,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for field_errors in errors.values():
                for error in field_errors:
                    messages.error(request, error)
            return redirect(back)
        messages.success(
            request,
            _("%(name)s: new habit “%(habit)s”.") % {"name": client.full_name, "habit": habit.name},
        )
        return redirect(back)

    def stop_one(self, request, habit_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("clients.change_habit"):
            raise PermissionDenied
        habit = get_object_or_404(self.get_queryset(request), pk=habit_id)
        svc.habit_archive(habit=habit, by=request.user)
        messages.success(request, _("Stopped “%(habit)s”.") % {"habit": habit.name})
        return redirect(
            reverse("backoffice:clients_client_change", args=[habit.client_id]) + "#nutrition"
        )


register_in_backoffice(Habit, HabitAdmin)
