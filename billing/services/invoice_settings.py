"""What the owner sets for invoicing: the billing settings (one row) and the tax rates.

The invoice counter only moves forward: a number already handed out is never
given again, whatever the owner types, because the settings row is locked while
it changes (an invoice issued meanwhile keeps its bump of the counter).
Tax rates are never deleted; a rate no longer charged is made inactive.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner

from ..models import BillingSettings, TaxRate
from .invoices import billing_settings_get


@dataclass(frozen=True)
class BillingSettingsDetails:
    """Everything on the settings page but the counter (``next_invoice_number``)."""

    legal_name: str
    address: str
    tax_id: str
    email: str
    invoice_prefix: str
    payment_terms_days: int
    default_tax_rate: TaxRate | None
    invoice_footer: str
    coaches_see_billing: bool
    clients_may_cancel: bool


def _require_owner(user: User | None) -> None:
    if not is_owner(user):
        raise PermissionDenied(_("Only the owner can change billing settings."))


@transaction.atomic
def billing_settings_update(
    *, by: User, details: BillingSettingsDetails, next_invoice_number: int | None = None
) -> BillingSettings:
    """Save the settings. ``next_invoice_number``: None leaves the counter as it is; a
    number below the counter (an invoice was issued meanwhile) keeps the counter."""
    _require_owner(by)
    settings = billing_settings_get(lock=True)
    for field in fields(details):
        setattr(settings, field.name, getattr(details, field.name))
    if next_invoice_number is not None:
        settings.next_invoice_number = max(next_invoice_number, settings.next_invoice_number)
    settings.save()
    return settings


@transaction.atomic
def tax_rate_save(
    *,
    by: User,
    tax_rate: TaxRate | None = None,
    name: str,
    rate_bp: int,
    is_inclusive: bool,
    is_active: bool,
) -> TaxRate:
    """Add a tax rate (``tax_rate`` None) or change one. Lines already on invoices keep
    the rate they were priced with: they hold its name and rate themselves."""
    _require_owner(by)
    if not 0 <= rate_bp <= 10_000:
        raise ValidationError({"rate_bp": _("Enter a percentage between 0 and 100.")})
    rate = (
        TaxRate() if tax_rate is None else TaxRate.objects.select_for_update().get(pk=tax_rate.pk)
    )
    rate.name = name
    rate.rate_bp = rate_bp
    rate.is_inclusive = is_inclusive
    rate.is_active = is_active
    rate.save()
    return rate
