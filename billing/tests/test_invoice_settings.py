"""What the owner sets for invoicing: billing settings and tax rates, through their services."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from billing.models import BillingSettings, TaxRate
from billing.services.invoice_settings import (
    BillingSettingsDetails,
    billing_settings_update,
    tax_rate_save,
)

DETAILS = BillingSettingsDetails(
    legal_name="Acme Ltd",
    address="1 Main St",
    tax_id="GB123",
    email="bills@acme.test",
    invoice_prefix="A-",
    payment_terms_days=7,
    default_tax_rate=None,
    invoice_footer="Thanks",
    coaches_see_billing=True,
    clients_may_cancel=False,
)


def test_the_owner_saves_the_billing_settings(business, owner):
    with tenant_context(business):
        billing_settings_update(by=owner, details=DETAILS, next_invoice_number=12)
        saved = BillingSettings.objects.get()
        assert (saved.legal_name, saved.invoice_prefix, saved.next_invoice_number) == (
            "Acme Ltd",
            "A-",
            12,
        )
        assert (saved.coaches_see_billing, saved.clients_may_cancel) == (True, False)


def test_the_counter_stays_where_it_is_unless_a_number_is_given(business, owner):
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"next_invoice_number": 40})
        billing_settings_update(by=owner, details=DETAILS)
        assert BillingSettings.objects.get().next_invoice_number == 40


def test_the_counter_never_moves_back_below_where_it_is(business, owner):
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"next_invoice_number": 40})
        billing_settings_update(by=owner, details=DETAILS, next_invoice_number=3)
        assert BillingSettings.objects.get().next_invoice_number == 40


def test_a_coach_cannot_change_the_billing_settings(business, coach):
    with tenant_context(business), pytest.raises(PermissionDenied):
        billing_settings_update(
            by=coach, details=dataclasses.replace(DETAILS, coaches_see_billing=False)
        )


def test_the_owner_adds_and_changes_a_tax_rate(business, owner):
    with tenant_context(business):
        rate = tax_rate_save(by=owner, name="GST", rate_bp=550, is_inclusive=False, is_active=True)
        tax_rate_save(
            by=owner, tax_rate=rate, name="GST", rate_bp=500, is_inclusive=True, is_active=False
        )
        saved = TaxRate.objects.get(pk=rate.pk)
        assert (saved.rate_bp, saved.is_inclusive, saved.is_active) == (500, True, False)


def test_a_tax_rate_above_100_percent_is_refused(business, owner):
    with tenant_context(business), pytest.raises(ValidationError):
        tax_rate_save(by=owner, name="X", rate_bp=10_001, is_inclusive=False, is_active=True)


def test_a_coach_cannot_add_a_tax_rate(business, coach):
    with tenant_context(business), pytest.raises(PermissionDenied):
        tax_rate_save(by=coach, name="GST", rate_bp=550, is_inclusive=False, is_active=True)
