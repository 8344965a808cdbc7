"""Billing in the back office: the invoices' list and form, billing settings, tax rates.

- Invoices: the owner writes a draft by hand (lines inline, prices typed as
  "50.00" in the business's currency, a tax rate per line). Issuing, marking
  paid, voiding and the PDF are pages of their own (``backoffice/views/invoices.py``),
  linked from the invoice; revenue too (``backoffice/views/revenue.py``). Only
  drafts change; paid and void invoices are final.
- Billing settings (one row) and tax rates: the owner only.

A coach who may see billing reads invoices of their clients; a coach who may
not, and every client, gets a 403.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import PermissionFirstAdminMixin, is_owner, sees_billing
from mectofitness.core.admin_registry import register_in_backoffice

from ..forms import BillingSettingsForm, InvoiceForm, InvoiceLineForm, TaxRateForm
from ..models import BillingSettings, Invoice, InvoiceLine, TaxRate
from ..selectors import invoice_queryset_for
from ..services import invoice_settings, invoices
from ..services.money import money_format

# --- invoices -------------------------------------------------------------------------


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    form = InvoiceLineForm
    extra = 1
    fields = ["description", "quantity", "unit_price", "tax_rate"]
    readonly_fields: list[str] = []

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or obj.status == Invoice.Status.DRAFT else 0

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status != Invoice.Status.DRAFT:
            return ["description", "quantity", "price", "tax", "amount"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Invoice.Status.DRAFT:
            return ["description", "quantity", "price", "tax", "amount"]
        return []

    @admin.display(description=gettext_lazy("unit price"))
    def price(self, line):
        return money_format(line.unit_amount, line.invoice.currency)

    @admin.display(description=gettext_lazy("tax"))
    def tax(self, line):
        if not line.tax_rate_bp:
            return "—"
        return f"{line.tax_name} {line.tax_rate_bp / 100:g}%" + (
            " incl." if line.tax_inclusive else ""
        )

    @admin.display(description=gettext_lazy("amount"))
    def amount(self, line):
        return money_format(line.quantity * line.unit_amount, line.invoice.currency)

    def _editable(self, request, obj):
        return is_owner(request.user) and (obj is None or obj.status == Invoice.Status.DRAFT)

    def has_view_permission(self, request, obj=None):
        return sees_billing(request.user, request=request)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


def _line_specs(formset) -> list[invoices.InvoiceLineSpec]:
    """The draft's lines as the formset left them: kept lines as they are (their tax as
    priced), changed and new lines from their forms, deleted and empty ones left out."""
    specs = []
    for line_form in formset.forms:
        line = line_form.instance
        if line_form in formset.deleted_forms:
            continue
        if line_form.has_changed():
            data = line_form.cleaned_data
            specs.append(
                invoices.InvoiceLineSpec(
                    description=data["description"],
                    quantity=data["quantity"],
                    unit_amount=data["unit_price"],
                    tax_rate=data.get("tax_rate"),
                )
            )
        elif line.pk:
            taxed = bool(line.tax_rate_bp)
            rate = TaxRate(
                name=line.tax_name, rate_bp=line.tax_rate_bp, is_inclusive=line.tax_inclusive
            )
            specs.append(
                invoices.InvoiceLineSpec(
                    description=line.description,
                    quantity=line.quantity,
                    unit_amount=line.unit_amount,
                    tax_rate=rate if taxed else None,
                    tax_inclusive=line.tax_inclusive if taxed else None,
                )
            )
    return specs


class InvoiceAdmin(PermissionFirstAdminMixin, admin.ModelAdmin):
    form = InvoiceForm
    inlines = [InvoiceLineInline]
    list_display = ["number_or_draft", "client", "status", "total_display", "issued_at", "due_at"]
    list_display_links = ["number_or_draft"]
    list_filter = ["status"]
    search_fields = ["reference", "client__first_name", "client__last_name", "client__email"]
    date_hierarchy = "issued_at"
    change_form_template = "billing/backoffice/invoice_change_form.html"
    change_list_template = "billing/backoffice/invoice_changelist.html"
    readonly_fields = [
        "reference",
        "status",
        "currency",
        "subtotal_display",
        "tax_display",
        "total_display",
        "issued_at",
        "due_at",
        "paid_at",
        "voided_at",
        "emailed_at",
    ]

    # permissions: the owner writes drafts; an allowed coach reads
    def has_module_permission(self, request):
        return sees_billing(request.user, request=request)

    def has_view_permission(self, request, obj=None):
        return sees_billing(request.user, request=request)

    def has_add_permission(self, request):
        return is_owner(request.user)

    def has_change_permission(self, request, obj=None):
        return is_owner(request.user) and (obj is None or obj.status == Invoice.Status.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return is_owner(request.user) and obj is not None and obj.status == Invoice.Status.DRAFT

    def get_actions(self, request):
        return {}

    def get_queryset(self, request):
        return invoice_queryset_for(user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class Bound(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=user, **kw)

        return Bound

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status != Invoice.Status.DRAFT or not is_owner(request.user):
            return ["client", "notes", *self.readonly_fields]
        return ["status", "currency", "subtotal_display", "tax_display", "total_display"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "notes"]
        if obj.status == Invoice.Status.DRAFT:
            return ["client", "status", "notes", "subtotal_display", "tax_display", "total_display"]
        fields = ["reference", "client", "status", "currency", "notes"]
        fields += ["subtotal_display", "tax_display", "total_display"]
        fields += [f for f in ("issued_at", "due_at", "paid_at", "voided_at", "emailed_at")]
        return fields

    @admin.display(description=gettext_lazy("number"), ordering="number")
    def number_or_draft(self, obj):
        return obj.reference or _("Draft #%(pk)s") % {"pk": obj.pk}

    @admin.display(description=gettext_lazy("total"), ordering="total")
    def total_display(self, obj):
        return money_format(obj.total, obj.currency)

    @admin.display(description=gettext_lazy("subtotal (before tax)"))
    def subtotal_display(self, obj):
        return money_format(obj.subtotal, obj.currency)

    @admin.display(description=gettext_lazy("tax"))
    def tax_display(self, obj):
        return money_format(obj.tax_total, obj.currency)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # the service refused what the forms let through (say, a total too large)
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        # the draft and its lines are written together, by the service, in save_related
        if change and obj.status != Invoice.Status.DRAFT:
            raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        lines = [spec for formset in formsets for spec in _line_specs(formset)]
        if change:
            saved = invoices.invoice_update_draft(
                invoice=form.instance,
                by=request.user,
                client=data["client"],
                notes=data["notes"],
                lines=lines,
            )
        else:
            saved = invoices.invoice_create_draft(
                client=data["client"], lines=lines, by=request.user, notes=data["notes"]
            )
        form.instance.__dict__.update(saved.__dict__)
        for formset in formsets:
            # what the change message lists; the service replaced the lines wholesale
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        invoices.invoice_delete_draft(invoice=obj, by=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"is_owner": is_owner(request.user)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def changelist_view(self, request, extra_context=None):
        extra = {"revenue_url": reverse("backoffice:billing_revenue")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})


# --- settings and tax rates -----------------------------------------------------------


class OwnerOnly:
    def has_module_permission(self, request):
        return is_owner(request.user)

    def has_view_permission(self, request, obj=None):
        return is_owner(request.user)

    def has_change_permission(self, request, obj=None):
        return is_owner(request.user)

    def has_add_permission(self, request):
        return is_owner(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class BillingSettingsAdmin(OwnerOnly, admin.ModelAdmin):
    form = BillingSettingsForm
    fieldsets = [
        (
            gettext_lazy("On your invoices"),
            {"fields": ["legal_name", "address", "tax_id", "email", "invoice_footer"]},
        ),
        (
            gettext_lazy("Numbers and terms"),
            {
                "fields": [
                    "invoice_prefix",
                    "next_invoice_number",
                    "payment_terms_days",
                    "default_tax_rate",
                ]
            },
        ),
        (gettext_lazy("Coaches"), {"fields": ["coaches_see_billing"]}),
        (gettext_lazy("Clients"), {"fields": ["clients_may_cancel"]}),
    ]

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        if not is_owner(request.user):
            raise PermissionDenied
        invoices.billing_settings_get()
        return redirect("backoffice:billing_billingsettings_change", 1)

    def get_object(self, request, object_id, from_field=None):
        if str(object_id) == "1":
            invoices.billing_settings_get()
        return super().get_object(request, object_id, from_field)

    def save_model(self, request, obj, form, change):
        # the counter changes only when the owner typed a new one (and never goes back)
        typed = "next_invoice_number" in form.changed_data
        saved = invoice_settings.billing_settings_update(
            by=request.user,
            details=form.details(),
            next_invoice_number=form.cleaned_data["next_invoice_number"] if typed else None,
        )
        obj.__dict__.update(saved.__dict__)

    def response_change(self, request, obj):
        messages.success(request, _("Billing settings saved."))
        return redirect("backoffice:billing_billingsettings_change", 1)


class TaxRateAdmin(OwnerOnly, admin.ModelAdmin):
    form = TaxRateForm
    list_display = ["name", "rate", "is_inclusive", "is_active"]
    list_filter = ["is_active"]

    @admin.display(description=gettext_lazy("rate"), ordering="rate_bp")
    def rate(self, obj):
        return f"{obj.rate_bp / 100:g}%"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = invoice_settings.tax_rate_save(
            by=request.user,
            tax_rate=obj if change else None,
            name=data["name"],
            rate_bp=data["percent"],
            is_inclusive=data["is_inclusive"],
            is_active=data["is_active"],
        )
        obj.__dict__.update(saved.__dict__)


register_in_backoffice(Invoice, InvoiceAdmin)
register_in_backoffice(BillingSettings, BillingSettingsAdmin)
register_in_backoffice(TaxRate, TaxRateAdmin)
