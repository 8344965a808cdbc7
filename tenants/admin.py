"""Platform staff's admin (public domain): businesses, domains, leads, the schema pool."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.platform.services import business_billing_sync_from_stripe

from . import services
from .models import Business, Domain, Lead, PooledSchema, SchemaMigrationFailure, SchemaTemplate
from .selectors import client_counts


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


class BusinessChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        counts = client_counts(businesses=self.result_list)
        for business in self.result_list:
            business.client_count = counts.get(business.pk, 0)


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "status",
        "plan",
        "owner_email",
        "clients",
        "trial_ends_at",
        "created_at",
    ]

    def get_changelist(self, request, **kwargs):
        return BusinessChangeList

    @admin.display(description=_("active clients (active or onboarding)"))
    def clients(self, obj):
        return getattr(obj, "client_count", "—")

    list_filter = ["status", "plan", "units", "currency"]
    search_fields = ["name", "slug", "owner_email"]
    readonly_fields = ["schema_name", "created_at", "status_changed_at", "plan"]
    fields = [
        "name",
        "slug",
        "schema_name",
        "status",
        "trial_ends_at",
        "plan",
        "owner_email",
        "timezone",
        "currency",
        "units",
        "logo",
        "primary_color",
        "accent_color",
        "created_at",
        "status_changed_at",
    ]
    inlines = [DomainInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("primary_color", "accent_color"):
            kwargs["widget"] = forms.TextInput(attrs={"type": "color"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    actions = ["suspend", "reactivate", "billing_sync"]

    @admin.action(description=_("Sync billing status from Stripe"))
    def billing_sync(self, request, queryset):
        """Re-fetch each business's subscription from Stripe and set status and plan."""

        for business in queryset:
            try:
                business_billing_sync_from_stripe(business=business)
            except Exception as exc:  # noqa: BLE001 - report, go on with the others
                self.message_user(request, f"{business}: {exc}", messages.ERROR)
        self.message_user(request, _("Billing synced from Stripe."))

    def save_model(self, request, obj, form, change):
        """Saved with its domains, in save_formset: one service call for both."""

    def save_formset(self, request, form, formset, change):
        domains = formset.save(commit=False)  # the changed rows, unsaved
        services.business_staff_update(
            business=form.instance, domains=domains, domains_removed=formset.deleted_objects
        )

    def get_readonly_fields(self, request, obj=None):
        # the slug names the schema: it is fixed once the business exists
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def has_add_permission(self, request):
        # businesses are provisioned (sign-up or `create_business`), never added bare
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Suspend selected businesses"))
    def suspend(self, request, queryset):
        for business in queryset:
            services.business_set_status(business=business, status=Business.Status.SUSPENDED)
        self.message_user(
            request, _("Suspended %d businesses.") % queryset.count(), messages.SUCCESS
        )

    @admin.action(description=_("Reactivate selected businesses"))
    def reactivate(self, request, queryset):
        for business in queryset:
            services.business_set_status(business=business, status=Business.Status.ACTIVE)
        self.message_user(
            request, _("Reactivated %d businesses.") % queryset.count(), messages.SUCCESS
        )


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "phone",
        "business_size",
        "source",
        "submissions",
        "created_at",
    ]
    list_filter = ["business_size", "source", "created_at"]
    search_fields = ["name", "email", "phone", "message"]
    readonly_fields = ["submissions", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    actions = ["export_csv"]

    def save_model(self, request, obj, form, change):
        services.lead_save(lead=obj)

    def delete_model(self, request, obj):
        services.leads_delete(leads=[obj])

    def delete_queryset(self, request, queryset):
        services.leads_delete(leads=list(queryset))

    @admin.action(description=_("Export selected leads as CSV"))
    def export_csv(self, request, queryset):
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "name",
                "email",
                "phone",
                "business_size",
                "message",
                "source",
                "submissions",
                "created_at",
            ]
        )
        for lead in queryset.order_by("created_at"):
            writer.writerow(
                [
                    _csv_safe(lead.name),
                    lead.email,
                    _csv_safe(lead.phone),
                    lead.business_size,
                    _csv_safe(lead.message),
                    _csv_safe(lead.source),
                    lead.submissions,
                    lead.created_at.isoformat(),
                ]
            )
        return response


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection from text people typed on the public site."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _WatchOnlyAdmin(admin.ModelAdmin):
    """Rows the platform's own code keeps: staff look, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PooledSchema)
class PooledSchemaAdmin(_WatchOnlyAdmin):
    """The pool of ready schemas, to watch: sign-up takes from it, pool_fill tops it up
    (a deleted row would leave its schema behind)."""

    list_display = ["schema_name", "fingerprint", "created_at"]


@admin.register(SchemaMigrationFailure)
class SchemaMigrationFailureAdmin(_WatchOnlyAdmin):
    """Business schemas the last `migrate_schemas` could not bring up to date, with the
    error: fix the cause, then `migrate_schemas --failed` retries only these (a success
    removes the row)."""

    list_display = ["schema_name", "error_first_line", "attempts", "failed_at"]
    search_fields = ["schema_name", "error"]
    fields = ["schema_name", "fingerprint", "error", "attempts", "failed_at"]

    @admin.display(description=_("error"))
    def error_first_line(self, obj):
        return obj.error.splitlines()[0][:120] if obj.error else ""


@admin.register(SchemaTemplate)
class SchemaTemplateAdmin(_WatchOnlyAdmin):
    list_display = ["fingerprint", "created_at"]
    fields = ["fingerprint", "created_at"]
