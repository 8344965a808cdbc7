"""Back office: metrics (the owner's own measurements) and measurements.

Every queryset is narrowed to the clients the signed-in person may see
(``client_queryset_for``); values are typed and shown in the viewer's units. A
client's progress page and the panel's quick form are ``backoffice.views.client_progress``.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_owner
from mectofitness.core.admin_registry import register_in_backoffice

from .. import units as u
from ..forms_progress import MeasurementAdminForm, MetricForm
from ..models import Measurement, Metric
from ..selectors import client_queryset_for
from ..services.measurements import (
    measurement_delete,
    measurement_record,
    measurements_delete,
    metric_create,
    metric_delete,
    metric_update,
)


def viewer_units(request) -> str:
    return u.units_for(viewer=request.user, business=getattr(request, "tenant", None))


class MetricAdmin(admin.ModelAdmin):
    """Built-ins and the owner's own measurements. Coaches may look; the owner edits.
    Built-ins (and metrics with values) are archived, never deleted."""

    form = MetricForm
    list_display = ["name", "kind_label", "unit_label", "direction", "is_builtin", "is_active"]
    list_filter = ["kind", "is_builtin"]
    search_fields = ["name"]
    readonly_fields = ["key", "is_builtin", "archived_at"]
    actions = ["archive", "restore"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(value_count=Count("measurements"))

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_label(self, obj):
        return obj.get_kind_display()

    @admin.display(description=gettext_lazy("unit"))
    def unit_label(self, obj):
        if obj.kind == Metric.Kind.OTHER:
            return obj.unit
        metric_u = u.display_unit(kind=obj.kind, system=u.METRIC).symbol
        imperial = u.display_unit(kind=obj.kind, system=u.IMPERIAL).symbol
        return metric_u if metric_u == imperial else f"{metric_u} / {imperial}"

    @admin.display(description=gettext_lazy("better when"))
    def direction(self, obj):
        return {True: _("higher"), False: _("lower")}.get(obj.higher_is_better, "—")

    @admin.display(description=gettext_lazy("in use"), boolean=True)
    def is_active(self, obj):
        return obj.archived_at is None

    def has_add_permission(self, request):
        return is_owner(request.user)

    def has_change_permission(self, request, obj=None):
        return is_owner(request.user)

    def has_delete_permission(self, request, obj=None):
        if not is_owner(request.user):
            return False
        if obj is None:
            return False  # no bulk delete: archive instead
        return not obj.is_builtin and not getattr(obj, "value_count", 1)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_owner(request.user):
            return {}
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in ("name", "unit", "higher_is_better") if name in data}
        if change:
            if "kind" in data and not form.fields["kind"].disabled:
                fields["kind"] = data["kind"]
            if "position" in data:
                fields["position"] = data["position"]
            saved = metric_update(metric=obj, by=request.user, **fields)
        else:
            saved = metric_create(
                by=request.user,
                kind=data.get("kind"),
                position=data.get("position") or None,  # left empty (or 0): after the built-ins
                **fields,
            )
        obj.pk, obj.key, obj.position = saved.pk, saved.key, saved.position

    def delete_model(self, request, obj):
        metric_delete(metric=obj, by=request.user)

    @admin.action(description=gettext_lazy("Archive: hide from the forms, keep the values"))
    def archive(self, request, queryset):
        for metric in queryset:
            metric_update(metric=metric, by=request.user, is_archived=True)
        self.message_user(request, _("Archived %(n)d.") % {"n": queryset.count()})

    @admin.action(description=gettext_lazy("Bring back into use"))
    def restore(self, request, queryset):
        for metric in queryset:
            metric_update(metric=metric, by=request.user, is_archived=False)
        self.message_user(request, _("Back in use: %(n)d.") % {"n": queryset.count()})


class MeasurementAdmin(admin.ModelAdmin):
    """Every logged value of the clients you coach, in your units."""

    form = MeasurementAdminForm
    list_display = ["measured_on", "client", "metric", "recorded_by"]
    list_display_links = ["measured_on"]
    list_filter = ["metric"]
    list_select_related = ["client", "metric", "recorded_by"]
    date_hierarchy = "measured_on"
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    raw_id_fields = ["client"]
    list_per_page = 50
    fields = ["client", "metric", "display_value", "measured_on", "note"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(client__in=client_queryset_for(user=request.user))
            .select_related("client", "metric", "recorded_by")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = client_queryset_for(user=request.user)
        if db_field.name == "metric":
            kwargs["queryset"] = Metric.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        system = viewer_units(request)

        class Form(form):
            units = system

            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.fields["display_value"].label = _("Value (in your units: %(units)s)") % {
                    "units": _("kg, cm") if system == u.METRIC else _("lb, in")
                }
                if obj is not None:
                    self.initial["display_value"] = u.number_text(
                        u.to_display(obj.value, kind=obj.metric.kind, system=system)
                    )

        return Form

    def get_list_display(self, request):
        system = viewer_units(request)  # per request: the admin object is shared

        @admin.display(description=_("value"), ordering="value")
        def shown_value(obj):
            return u.format_value(
                obj.value, kind=obj.metric.kind, system=system, unit=obj.metric.unit
            )

        return ["measured_on", "client", "metric", shown_value, "recorded_by"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            original = Measurement.objects.get(pk=obj.pk)
            if (original.client_id, original.metric_id, original.measured_on) != (
                data["client"].pk,
                data["metric"].pk,
                data["measured_on"],
            ):
                measurement_delete(measurement=original, by=request.user)
        recorded = measurement_record(
            client=data["client"],
            metric=data["metric"],
            value=form.value_si,
            measured_on=data["measured_on"],
            note=data.get("note", ""),
            by=request.user,
            units=form.units,
        )
        obj.pk = recorded.measurement.pk
        obj.value = recorded.measurement.value
        if not recorded.created and not change:
            messages.info(
                request,
                _("%(metric)s was already logged for that day: the value was updated.")
                % {"metric": data["metric"].name},
            )

    def delete_model(self, request, obj):
        measurement_delete(measurement=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        measurements_delete(measurements=list(queryset), by=request.user)


register_in_backoffice(Metric, MetricAdmin)
register_in_backoffice(Measurement, MeasurementAdmin)
