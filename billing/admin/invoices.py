"""Billing in the back office: invoices, billing settings, tax rates and revenue.

- Invoices: the owner writes a draft by hand (lines inline, prices typed as
  "50.00" in the business's currency, a tax rate per line), issues it (it is
  numbered and e-mailed), marks it paid (an offline payment is recorded) or
  voids it with a reason. Only drafts change; paid and void invoices are final.
  Each invoice has its PDF.
- Billing settings (one row) and tax rates: the owner only.
- Revenue (``backoffice:billing_revenue``): the owner; a coach only when the
  owner lets coaches see billing, and then for their own clients.

A coach who may see billing reads invoices of their clients; a coach who may
not, and every client, gets a 403.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import PermissionFirstAdminMixin, is_owner
from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice
from mectofitness.core.forms import form_errors_add

from ..models import BillingSettings, Invoice, InvoiceLine, Payment, TaxRate
from ..selectors import invoice_queryset_for, revenue_summary
from ..services.invoices import (
    billing_settings_get,
    business_currency,
    invoice_delete_draft,
    invoice_issue,
    invoice_recompute,
    invoice_void,
)
from ..services.money import currency_exponent, money_format
from ..services.payments import invoice_mark_paid
from .shop import MoneyField, _can_see

# --- invoices -------------------------------------------------------------------------


class InvoiceLineForm(forms.ModelForm):
    unit_price = MoneyField(label=gettext_lazy("Unit price"))
    tax_rate = forms.ModelChoiceField(
        label=gettext_lazy("Tax"),
        queryset=TaxRate.objects.none(),
        required=False,
        empty_label=gettext_lazy("No tax"),
    )

    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currency = business_currency()
        if self.instance.pk and self.instance.invoice_id:
            currency = self.instance.invoice.currency
        if "quantity" not in self.fields:
            return  # an issued invoice's lines: shown read-only
        self.fields["unit_price"].currency = currency
        self.fields["unit_price"].help_text = currency
        # widths from admin.css: the CSP allows no style attributes
        self.fields["quantity"].widget.attrs.update(min=1, **{"class": "mf-input-qty"})
        self.fields["unit_price"].widget.attrs.update(**{"class": "mf-input-money"})
        self.fields["tax_rate"].queryset = TaxRate.objects.filter(is_active=True)
        if self.instance.pk:
            self.initial["unit_price"] = self.instance.unit_amount
            self.initial["tax_rate"] = (
                TaxRate.objects.filter(
                    name=self.instance.tax_name,
                    rate_bp=self.instance.tax_rate_bp,
                    is_inclusive=self.instance.tax_inclusive,
                ).first()
                if self.instance.tax_rate_bp
                else None
            )
        else:
            self.initial.setdefault("tax_rate", billing_settings_get().default_tax_rate_id)

    def clean_quantity(self):
        quantity = self.cleaned_data.get("quantity")
        if quantity is not None and quantity < 1:
            raise ValidationError(_("At least 1."))
        return quantity

    def clean_unit_price(self):
        amount = self.cleaned_data.get("unit_price")
        if amount is None:
            raise ValidationError(_("Enter a price, e.g. 50.00."))
        if amount > 1_000_000_000:
            raise ValidationError(_("That amount is too high."))
        return amount

    def save(self, commit=True):
        line = super().save(commit=False)
        rate = self.cleaned_data.get("tax_rate")
        line.unit_amount = self.cleaned_data["unit_price"]
        line.tax_name = rate.name if rate else ""
        line.tax_rate_bp = rate.rate_bp if rate else 0
        line.tax_inclusive = bool(rate and rate.is_inclusive)
        if commit:
            line.save()
        return line


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
        return _can_see(request)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class InvoiceForm(forms.ModelForm):
    class Meta:
        model = Invoice
        fields = ["client", "notes"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "client" in self.fields and user is not None:
            self.fields["client"].queryset = client_queryset_for(
                user=user, include_archived=False
            ).order_by("first_name", "last_name")
        if "notes" in self.fields:
            self.fields["notes"].widget.attrs.update(rows=3)
            self.fields["notes"].help_text = _("Printed on the invoice.")


class PayForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Paid by"),
        choices=[
            (Payment.Method.BANK_TRANSFER, Payment.Method.BANK_TRANSFER.label),
            (Payment.Method.CASH, Payment.Method.CASH.label),
            (Payment.Method.OTHER, Payment.Method.OTHER.label),
        ],
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=255)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it void?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Printed on the invoice. The number stays used."),
    )


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
        return _can_see(request)

    def has_view_permission(self, request, obj=None):
        return _can_see(request)

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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.currency = business_currency()
            obj.created_by = request.user
        elif obj.status != Invoice.Status.DRAFT:
            raise PermissionDenied
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        invoice_recompute(invoice=form.instance)

    def delete_model(self, request, obj):
        invoice_delete_draft(invoice=obj, by=request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("revenue/", wrap(self.revenue_view), name="billing_revenue"),
            path("<int:pk>/issue/", wrap(self.issue_view), name="billing_invoice_issue"),
            path("<int:pk>/pay/", wrap(self.pay_view), name="billing_invoice_pay"),
            path("<int:pk>/void/", wrap(self.void_view), name="billing_invoice_void"),
            path("<int:pk>/pdf/", wrap(self.pdf_view), name="billing_invoice_pdf"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"is_owner": is_owner(request.user)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def changelist_view(self, request, extra_context=None):
        extra = {"revenue_url": reverse("backoffice:billing_revenue")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    # --- issue, pay, void, pdf --------------------------------------------------------

    def _invoice(self, request, pk: int) -> Invoice:
        if not is_owner(request.user):
            raise PermissionDenied
        invoice = invoice_queryset_for(user=request.user).filter(pk=pk).first()
        if invoice is None:
            raise Http404
        return invoice

    def _action(self, request, invoice, *, title, form, button, run, done, danger=False):
        status = 200
        if request.method == "POST":
            if form is None or form.is_valid():
                try:
                    run(form.cleaned_data if form is not None else {})
                except ValidationError as exc:
                    if form is None:
                        messages.error(request, " ".join(exc.messages))
                        return redirect(self._change_url(invoice))
                    form_errors_add(form, exc)
                    status = 400
                else:
                    messages.success(request, done)
                    return redirect(self._change_url(invoice))
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "invoice": invoice,
            "total": money_format(invoice.total, invoice.currency),
            "form": form,
            "button": button,
            "danger": danger,
            "opts": self.model._meta,
            "change_url": self._change_url(invoice),
        }
        return render(request, "billing/backoffice/invoice_action.html", context, status=status)

    def _change_url(self, invoice) -> str:
        return reverse("backoffice:billing_invoice_change", args=[invoice.pk])

    def issue_view(self, request, pk: int):
        invoice = self._invoice(request, pk)
        return self._action(
            request,
            invoice,
            title=_("Issue this invoice"),
            form=None,
            button=_("Issue and e-mail it"),
            run=lambda data: invoice_issue(invoice=invoice, by=request.user),
            done=_("Invoice issued; it is on its way to the client."),
        )

    def pay_view(self, request, pk: int):
        invoice = self._invoice(request, pk)
        return self._action(
            request,
            invoice,
            title=_("Mark as paid"),
            form=PayForm(request.POST or None),
            button=_("Record the payment"),
            run=lambda data: invoice_mark_paid(
                invoice=invoice, by=request.user, method=data["method"], note=data["note"]
            ),
            done=_("Payment recorded; the invoice is paid."),
        )

    def void_view(self, request, pk: int):
        invoice = self._invoice(request, pk)
        return self._action(
            request,
            invoice,
            title=_("Void this invoice"),
            form=VoidForm(request.POST or None),
            button=_("Void the invoice"),
            run=lambda data: invoice_void(invoice=invoice, by=request.user, reason=data["reason"]),
            done=_("Invoice voided. Its number stays used."),
            danger=True,
        )

    def pdf_view(self, request, pk: int):
        if (
            not _can_see(request)
            or not invoice_queryset_for(user=request.user).filter(pk=pk).exists()
        ):
            raise Http404
        return HttpResponseRedirect(reverse("invoice_pdf", args=[pk]))

    # --- revenue ----------------------------------------------------------------------

    def revenue_view(self, request):
        """MRR, revenue by month and product, outstanding invoices, failed payments."""
        if not _can_see(request):
            context = {**self.admin_site.each_context(request), "title": _("Revenue")}
            return render(request, "billing/backoffice/revenue_forbidden.html", context, status=403)
        summary = revenue_summary(user=request.user)
        currency = summary.currency
        chart = {
            "currency": currency,
            "months": [m.month.isoformat() for m in summary.months],
            "net": [m.net for m in summary.months],
            "refunded": [m.refunded for m in summary.months],
            "products": [p.name or str(_("Other payments")) for p in summary.products],
            "productNet": [p.net for p in summary.products],
            "exponent": currency_exponent(currency),
        }
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revenue"),
            "summary": summary,
            "chart": chart,
            "is_owner": is_owner(request.user),
            "opts": self.model._meta,
        }
        return render(request, "billing/backoffice/revenue.html", context)


# --- settings and tax rates -----------------------------------------------------------


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = [
            "legal_name",
            "address",
            "tax_id",
            "email",
            "invoice_prefix",
            "next_invoice_number",
            "payment_terms_days",
            "default_tax_rate",
            "invoice_footer",
            "coaches_see_billing",
            "clients_may_cancel",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "invoice_footer": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "legal_name": gettext_lazy("As printed on invoices; empty: the business's name."),
            "next_invoice_number": gettext_lazy(
                "The number the next issued invoice takes. It can move forward, never back."
            ),
            "coaches_see_billing": gettext_lazy(
                "Coaches see payments, invoices and revenue of the clients they coach (read only)."
            ),
            "clients_may_cancel": gettext_lazy(
                "Clients cancel monthly coaching in their portal; it ends when the paid month "
                "does. Off: they change their card there, and are told to ask you to cancel."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_tax_rate"].queryset = TaxRate.objects.filter(is_active=True)

    def clean_next_invoice_number(self):
        number = self.cleaned_data.get("next_invoice_number")
        highest = Invoice.objects.aggregate(n=Max("number"))["n"] or 0
        if number is not None and number <= highest:
            raise ValidationError(
                _("Invoice %(n)d is already issued: start from %(next)d or later.")
                % {"n": highest, "next": highest + 1}
            )
        return number


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
        billing_settings_get()
        return redirect("backoffice:billing_billingsettings_change", 1)

    def get_object(self, request, object_id, from_field=None):
        if str(object_id) == "1":
            billing_settings_get()
        return super().get_object(request, object_id, from_field)

    def save_model(self, request, obj, form, change):
        # lock the row: an invoice issued meanwhile must not lose its bump of the counter
        with transaction.atomic():
            current = BillingSettings.objects.select_for_update().get(pk=1)
            if "next_invoice_number" in form.changed_data:
                if obj.next_invoice_number < current.next_invoice_number:
                    obj.next_invoice_number = current.next_invoice_number
            else:
                obj.next_invoice_number = current.next_invoice_number
            obj.save()

    def response_change(self, request, obj):
        messages.success(request, _("Billing settings saved."))
        return redirect("backoffice:billing_billingsettings_change", 1)


class TaxRateForm(forms.ModelForm):
    percent = forms.CharField(
        label=gettext_lazy("Rate (%)"),
        max_length=8,
        help_text=gettext_lazy("e.g. 20 or 5.5"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "mf-input-rate"}),
    )

    class Meta:
        model = TaxRate
        fields = ["name", "percent", "is_inclusive", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["percent"] = f"{self.instance.rate_bp / 100:g}"

    def clean_percent(self):
        text = (self.cleaned_data.get("percent") or "").strip().replace(",", ".").rstrip("%")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter a percentage such as 20 or 5.5.")) from None
        if not value.is_finite() or value < 0 or value > 100:
            raise ValidationError(_("Enter a percentage between 0 and 100."))
        bp = value * 100
        if bp != bp.to_integral_value():
            raise ValidationError(_("Use at most two decimals."))
        return int(bp)

    def save(self, commit=True):
        self.instance.rate_bp = self.cleaned_data["percent"]
        return super().save(commit)


class TaxRateAdmin(OwnerOnly, admin.ModelAdmin):
    form = TaxRateForm
    list_display = ["name", "rate", "is_inclusive", "is_active"]
    list_filter = ["is_active"]

    @admin.display(description=gettext_lazy("rate"), ordering="rate_bp")
    def rate(self, obj):
        return f"{obj.rate_bp / 100:g}%"


register_in_backoffice(Invoice, InvoiceAdmin)
register_in_backoffice(BillingSettings, BillingSettingsAdmin)
register_in_backoffice(TaxRate, TaxRateAdmin)
