"""Billing's list pages and endpoints run a fixed number of queries, however many
rows they show: back-office changelists, API lists and the client's portal pages.

Each test counts the queries of a request over a small ledger, adds several times
as many rows, and asserts the same request stays within that count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from billing.models import BillingSettings, Product, TaxRate
from billing.services.invoices import InvoiceLineSpec, invoice_create_draft, invoice_issue
from billing.services.payments import payment_record_offline
from billing.services.refunds import payment_refund
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _ledger(business, owner, *, clients: list, rounds: int = 1) -> None:
    """For each client, ``rounds`` times: a pack (cash, part refunded), monthly
    coaching (transfer), a one-off (other) and an issued draft invoice; products
    grow too, each with a tax rate."""
    with tenant_context(business):
        tax = TaxRate.objects.get_or_create(name="VAT", rate_bp=2000)[0]
        for _ in range(rounds):
            n = Product.objects.count()
            pack = Product.objects.create(
                name=f"Pack {n}",
                kind="pack",
                amount=60000,
                currency="USD",
                sessions=10,
                valid_days=90,
                tax_rate=tax,
            )
            monthly = Product.objects.create(
                name=f"Coaching {n}", kind="monthly", amount=15000, currency="USD", tax_rate=tax
            )
            one_off = Product.objects.create(
                name=f"Program {n}", kind="one_off", amount=4900, currency="USD"
            )
            for client in clients:
                paid = payment_record_offline(
                    client=client, amount=None, product=pack, method="cash", by=owner
                )
                payment_refund(payment=paid, amount=1000, by=owner, reason="Missed one")
                payment_record_offline(
                    client=client, amount=None, product=monthly, method="bank_transfer", by=owner
                )
                payment_record_offline(
                    client=client, amount=None, product=one_off, method="other", by=owner
                )
                draft = invoice_create_draft(
                    client=client,
                    lines=[
                        InvoiceLineSpec("Training", 2, 5000, tax),
                        InvoiceLineSpec("Program", 1, 4900),
                    ],
                    by=owner,
                    currency="USD",
                )
                invoice_issue(invoice=draft, by=owner, send=False)


def _count(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _stays_constant(browser, url, grow, django_assert_max_num_queries, *, cap: int) -> None:
    before = _count(browser, url)
    assert before <= cap, f"{url}: {before} queries"
    grow()
    with django_assert_max_num_queries(before):
        response = browser.get(url)
    assert response.status_code == 200


@pytest.fixture
def people(business, client_record, stranger_record):
    """Cleo (coached by ``coach``) and Sam, and three more clients."""
    with tenant_context(business):
        more = [ClientFactory() for _ in range(3)]
    return [client_record, stranger_record, *more]


@pytest.fixture
def small(business, owner, people):
    _ledger(business, owner, clients=people[:2])


def _grow(business, owner, people):
    return lambda: _ledger(business, owner, clients=people, rounds=2)


# --- the back office ------------------------------------------------------------------------

CHANGELISTS = [
    "/admin/billing/product/",
    "/admin/billing/purchase/",
    "/admin/billing/payment/",
    "/admin/billing/invoice/",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_the_owners_changelists_run_constant_queries(
    url, business, owner, owner_client, people, small, django_assert_max_num_queries
):
    _stays_constant(
        owner_client, url, _grow(business, owner, people), django_assert_max_num_queries, cap=30
    )


@pytest.mark.parametrize("url", CHANGELISTS[1:])
def test_a_coachs_changelists_run_constant_queries(
    url, business, owner, coach_browser, people, small, django_assert_max_num_queries
):
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    _stays_constant(
        coach_browser, url, _grow(business, owner, people), django_assert_max_num_queries, cap=30
    )


# --- the API ------------------------------------------------------------------------------------

API_LISTS = [
    "/api/v1/products/",
    "/api/v1/purchases/",
    "/api/v1/payments/",
    "/api/v1/invoices/",
]


@pytest.mark.parametrize("url", API_LISTS)
def test_the_owners_api_lists_run_constant_queries(
    url, business, owner, owner_client, people, small, django_assert_max_num_queries
):
    _stays_constant(
        owner_client, url, _grow(business, owner, people), django_assert_max_num_queries, cap=15
    )


@pytest.mark.parametrize("url", API_LISTS)
def test_a_clients_api_lists_run_constant_queries(
    url, business, owner, client_browser, people, small, django_assert_max_num_queries
):
    _stays_constant(
        client_browser, url, _grow(business, owner, people), django_assert_max_num_queries, cap=15
    )


# --- the portal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/billing/", "/billing/invoices/"])
def test_the_clients_billing_pages_run_constant_queries(
    url, business, owner, client_browser, people, small, django_assert_max_num_queries
):
    _stays_constant(
        client_browser, url, _grow(business, owner, people), django_assert_max_num_queries, cap=20
    )
