"""Billing's forms: what the back office's billing lists and pages parse, once.

Prices are typed by a person ("60.00") in the business's currency and cleaned
to integer minor units by :class:`MoneyField`; the services take the cleaned
values.
"""

from dataclasses import fields as dc_fields
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from clients.selectors import client_queryset_for
from clients.widgets import ClientSelect

from .models import BillingSettings, Invoice, InvoiceLine, Payment, Product, TaxRate
from .selectors import billing_clients_for
from .services import invoice_settings, invoices, payments, products
from .services.money import money_decimal, money_parse


class MoneyField(forms.CharField):
    """An amount typed by a person ("60.00") in ``currency``, cleaned to minor units."""

    def __init__(self, *args, currency: str = "USD", **kwargs):
        self.currency = currency
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off")

    def prepare_value(self, value):
        if isinstance(value, int):
            return str(money_decimal(value, self.currency))
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        return money_parse(value, self.currency)


# --- the shop -------------------------------------------------------------------------


class ProductForm(forms.ModelForm):
    price = MoneyField(label=gettext_lazy("Price"))

    class Meta:
        model = Product
        fields = [
            "name",
            "kind",
            "price",
            "sessions",
            "valid_days",
            "description",
            "tax_rate",
            "is_active",
            "position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currency = self.instance.currency if self.instance.pk else invoices.business_currency()
        self.fields["price"].currency = currency
        self.fields["price"].help_text = _("In %(currency)s, e.g. 60.00.") % {"currency": currency}
        if self.instance.pk:
            self.initial["price"] = str(money_decimal(self.instance.amount, currency))
        self.fields["sessions"].help_text = _("Packs only: how many sessions the pack holds.")

    def clean_price(self):
        amount = self.cleaned_data.get("price")
        if amount is None or amount <= 0:
            raise ValidationError(_("Enter a price above zero."))
        return amount

    def _post_clean(self):
        # the service validates and saves; the model's own checks run there
        pass

    def product_details(self) -> products.ProductDetails:
        """The cleaned fields as the product services take them (``amount`` in minor units)."""
        data = {
            field: self.cleaned_data.get(field) for field in self.Meta.fields if field != "price"
        }
        return products.ProductDetails(amount=self.cleaned_data["price"], **data)


class OfflinePaymentForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), label=gettext_lazy("Client"), widget=ClientSelect
    )
    product = forms.ModelChoiceField(
        queryset=Product.objects.none(),
        required=False,
        label=gettext_lazy("For a product"),
        help_text=gettext_lazy("Optional: the client gets the product (a pack's sessions, etc.)."),
    )
    amount = MoneyField(
        required=False,
        label=gettext_lazy("Amount"),
        help_text=gettext_lazy("Leave empty to use the product's price."),
    )
    method = forms.ChoiceField(
        choices=[(m.value, m.label) for m in payments.OFFLINE_METHODS],
        label=gettext_lazy("Paid by"),
    )
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(max_length=255, required=False, label=gettext_lazy("Note"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        currency = invoices.business_currency()
        self.fields["client"].queryset = billing_clients_for(user=user).order_by(
            "first_name", "last_name"
        )
        self.fields["product"].queryset = Product.objects.all()
        self.fields["amount"].currency = currency
        self.fields["amount"].help_text = _(
            "In %(currency)s. Leave empty to use the product's price."
        ) % {"currency": currency}
        self.initial.setdefault("paid_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        if not data.get("amount") and not data.get("product") and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount received, or choose a product."))
        return data


class RefundForm(forms.Form):
    amount = MoneyField(
        required=False,
        label=gettext_lazy("Amount to refund"),
        help_text=gettext_lazy("Leave empty to refund everything that is left."),
    )
    reason = forms.CharField(max_length=255, required=False, label=gettext_lazy("Reason"))

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].currency = currency


# --- invoices -------------------------------------------------------------------------


class InvoiceLineForm(forms.ModelForm):
    """One line of a draft in the back office; the admin hands the cleaned lines to the
    invoice services as ``InvoiceLineSpec``, which price and write them."""

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
        currency = invoices.business_currency()
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
            self.initial.setdefault("tax_rate", invoices.billing_settings_get().default_tax_rate_id)

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


class InvoiceForm(forms.ModelForm):
    class Meta:
        model = Invoice
        fields = ["client", "notes"]
        widgets = {"client": ClientSelect}

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


# --- settings and tax rates -----------------------------------------------------------


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = BillingSettings.EDITABLE_FIELDS
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

    def details(self) -> invoice_settings.BillingSettingsDetails:
        """The cleaned fields as ``billing_settings_update`` takes them (the counter aside)."""
        return invoice_settings.BillingSettingsDetails(
            **{
                field.name: self.cleaned_data[field.name]
                for field in dc_fields(invoice_settings.BillingSettingsDetails)
            }
        )


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
