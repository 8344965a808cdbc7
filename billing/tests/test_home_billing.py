"""Home pages and billing: the portal home shows sessions left and invoices to pay;
the back-office home links the revenue view for the owner."""

import pytest
from django_tenants.utils import tenant_context

from billing.services.payments import payment_record_offline

pytestmark = pytest.mark.django_db


def test_a_client_without_packs_or_open_invoices_sees_no_billing_section(
    business, client_browser, client_record
):
    assert "Your sessions and payments" not in client_browser.get("/").content.decode()


def test_a_client_with_a_pack_sees_the_sessions_left_on_home(
    business, client_browser, client_record, owner, pack
):
    with tenant_context(business):
        payment_record_offline(
            client=client_record, amount=None, method="cash", by=owner, product=pack
        )
        sessions = pack.sessions
    html = client_browser.get("/").content.decode()
    assert "Your sessions and payments" in html
    assert f"{sessions} sessions left" in html


def test_an_open_invoice_is_on_home_and_only_for_its_client(business, client_browser, open_invoice):
    from clients.tests.conftest import _browser_for
    from clients.tests.factories import ClientFactory, person_create

    html = client_browser.get("/").content.decode()
    assert f"Invoice {open_invoice.reference} to pay" in html
    with tenant_context(business):
        other = person_create(email="other@acme.test", role="client", first_name="Otto")
        ClientFactory(user=other, first_name="Otto", email="other@acme.test")
    assert open_invoice.reference not in _browser_for(business, other).get("/").content.decode()


def test_the_back_office_home_links_revenue_for_the_owner_only(owner_browser, coach_browser):
    assert "/admin/billing/invoice/revenue/" in owner_browser.get("/admin/").content.decode()
    assert "/admin/billing/invoice/revenue/" not in coach_browser.get("/admin/").content.decode()
