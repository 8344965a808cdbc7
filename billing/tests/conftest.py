"""Fixtures for billing tests: the people of clients/tests/conftest.py (coach,
client_record, client_browser, zen_record, …) plus billing's own, one section
per concern (shared: append, never rewrite another section)."""

import pytest
from django_tenants.utils import tenant_context

from clients.tests.conftest import *  # noqa: F403  (coach, client_record, browsers, …)

# --- invoices (H3) --------------------------------------------------------------------


@pytest.fixture
def euro(business):
    """acme bills in euros (rolled back with the test)."""
    type(business).objects.filter(pk=business.pk).update(currency="EUR")
    business.currency = "EUR"
    return business


@pytest.fixture
def vat(business):
    """acme charges 20 % VAT on top of its prices."""
    from billing.models import TaxRate

    with tenant_context(business):
        return TaxRate.objects.create(name="VAT", rate_bp=2000, is_inclusive=False)


@pytest.fixture
def draft_invoice(business, euro, owner, client_record, vat):
    """A draft for Cleo: 2 sessions at €50.00 plus 20 % VAT (€120.00)."""
    from billing.services.invoices import InvoiceLineSpec, invoice_create_draft

    with tenant_context(business):
        return invoice_create_draft(
            client=client_record,
            lines=[InvoiceLineSpec("Personal training", 2, 5000, vat)],
            by=owner,
            currency="EUR",
        )


@pytest.fixture
def open_invoice(business, owner, draft_invoice):
    from billing.services.invoices import invoice_issue

    with tenant_context(business):
        return invoice_issue(invoice=draft_invoice, by=owner, send=False)


@pytest.fixture
def zen_invoice(other_business, zen_record):
    """An issued invoice of another business."""
    from accounts.models import User
    from billing.services.invoices import InvoiceLineSpec, invoice_create_draft, invoice_issue

    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
        invoice = invoice_create_draft(
            client=zen_record,
            lines=[InvoiceLineSpec("Zen secret class", 1, 7000)],
            by=zen_owner,
            currency="EUR",
        )
        return invoice_issue(invoice=invoice, by=zen_owner, send=False)


# --- shop and Stripe Connect (H2) --------------------------------------------------------


@pytest.fixture
def standin(settings):
    """Stripe's API, locally (devtools/stripe_standin/ with the Connect routes), and the
    Connect webhook's secret and client id set to the stand-in's."""
    from devtools.stripe_standin.connect import install
    from devtools.stripe_standin.server import StripeStandIn

    settings.STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_connect_test"
    settings.STRIPE_CONNECT_CLIENT_ID = "ca_test_platform"
    server = StripeStandIn(webhook_secret="whsec_connect_test")
    install(server)
    with server:
        yield server


@pytest.fixture
def connected(business, standin):
    """acme's own Stripe account is connected and can take charges."""
    from tenants.models import Business

    account = standin.create("accounts", {"type": "standard", "charges_enabled": True})
    Business.objects.filter(pk=business.pk).update(
        stripe_account_id=account["id"], stripe_charges_enabled=True
    )
    business.stripe_account_id = account["id"]
    business.stripe_charges_enabled = True
    return account["id"]


def _product(business, **fields):
    from billing.tests.factories import ProductFactory

    with tenant_context(business):
        return ProductFactory(**fields)


@pytest.fixture
def pack(business):
    """Ten sessions for 600.00, to use within 90 days."""
    return _product(
        business, name="10 sessions", kind="pack", amount=60000, sessions=10, valid_days=90
    )


@pytest.fixture
def coaching(business):
    """Monthly coaching at 150.00 a month."""
    return _product(business, name="Online coaching", kind="monthly", amount=15000, position=1)


@pytest.fixture
def one_off(business):
    return _product(business, name="12-week program", kind="one_off", amount=4900, position=2)


@pytest.fixture
def connect_post(public_client):
    """POST a Stripe event to the Connect webhook, signed like Stripe (or with ``secret``)."""
    import json

    from devtools.stripe_standin.server import stripe_signature

    def post(event: dict, *, secret: str = "whsec_connect_test", signature: str | None = None):
        payload = json.dumps(event).encode()
        header = signature if signature is not None else stripe_signature(payload, secret)
        return public_client.post(
            "/stripe/connect/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )

    return post


@pytest.fixture
def owner_browser(owner_client):
    return owner_client
