"""Invoices and revenue in Chromium: the owner's revenue page and an invoice on a desktop,
the client's invoices, an invoice and its PDF on a 360 px phone. Screenshots go to
artifacts/billing-invoices/ (and SHOTS_DIR when set)."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "invoice-browser@acme.test"
SHOTS = [ARTIFACTS / "billing-invoices"] + (
    [Path(os.environ["SHOTS_DIR"])] if os.environ.get("SHOTS_DIR") else []
)


def shoot(page, name):
    for folder in SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def ledger(committed):
    """acme in euros with a client who paid for packs over the months, a refund, an open
    invoice with VAT and a failed payment; removed afterwards."""
    from accounts.models import User
    from billing.models import BillingSettings, Invoice, Payment, Product, Purchase, Refund, TaxRate
    from billing.services.invoices import InvoiceLineSpec, invoice_create_draft, invoice_issue
    from billing.services.payments import payment_record_offline
    from billing.services.refunds import payment_refund
    from clients.tests.factories import ClientFactory, person_create
    from tenants.models import Business

    business = Business.objects.get(slug="acme")
    currency = business.currency
    Business.objects.filter(pk=business.pk).update(currency="EUR")
    business.refresh_from_db()
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        settings = BillingSettings.objects.get_or_create(pk=1)[0]
        saved_settings = (settings.next_invoice_number, settings.legal_name, settings.address)
        BillingSettings.objects.filter(pk=1).update(
            legal_name="Acme Strength Ltd",
            address="12 Iron Street\nLeeds LS1 4AB",
            tax_id="GB123456789",
        )
        user = person_create(email=EMAIL, role="client", first_name="Chloé")
        client = ClientFactory(
            user=user, first_name="Chloé", last_name="Dubois-Martinez", email=EMAIL
        )
        vat = TaxRate.objects.create(name="VAT", rate_bp=2000, is_inclusive=True)
        pack = Product.objects.create(
            name="10 sessions", kind="pack", amount=45000, currency="EUR", sessions=10, tax_rate=vat
        )
        monthly = Product.objects.create(
            name="Online coaching", kind="monthly", amount=9900, currency="EUR", tax_rate=vat
        )
        now = timezone.now()
        for months_ago, product in [
            (9, pack),
            (6, monthly),
            (5, monthly),
            (4, monthly),
            (2, pack),
            (1, monthly),
            (0, monthly),
        ]:
            payment = payment_record_offline(
                client=client,
                amount=None,
                method="bank_transfer",
                by=owner,
                product=product,
                paid_at=now - dt.timedelta(days=30 * months_ago + 1),
            )
        # one running subscription: the earlier monthly purchases have ended
        latest = Purchase.objects.filter(product=monthly).latest("created_at")
        Purchase.objects.filter(product=monthly).exclude(pk=latest.pk).update(status="expired")
        payment_refund(payment=payment, amount=2500, by=owner, reason="Missed session")
        draft = invoice_create_draft(
            client=client,
            lines=[
                InvoiceLineSpec("Nutrition consultation (60 min)", 1, 7500, vat),
                InvoiceLineSpec("Body composition scan", 2, 2999, vat),
            ],
            by=owner,
            notes="Thank you for training with us!",
        )
        invoice = invoice_issue(invoice=draft, by=owner, send=False)
        Payment.objects.create(
            client=client,
            amount=9900,
            currency="EUR",
            method="card",
            status="failed",
            failure_message="Your card was declined.",
        )
        ids = {"invoice": invoice.pk, "client": client.pk}
    yield ids
    with tenant_context(business):
        Refund.objects.filter(payment__client_id=ids["client"]).delete()
        Payment.objects.filter(client_id=ids["client"]).delete()
        Invoice.objects.filter(client_id=ids["client"]).delete()
        Purchase.objects.filter(client_id=ids["client"]).delete()
        Product.objects.filter(pk__in=[pack.pk, monthly.pk]).delete()
        BillingSettings.objects.filter(pk=1).update(default_tax_rate=None)
        vat.delete()
        client.delete()
        User.objects.filter(email=EMAIL).delete()
        number, legal, address = saved_settings
        BillingSettings.objects.filter(pk=1).update(
            next_invoice_number=number, legal_name=legal, address=address, tax_id=""
        )
    Business.objects.filter(pk=business.pk).update(currency=currency)


def sign_in(page, live_site, email, path):
    page.goto(live_site.business_url("acme", path))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_the_owner_reads_revenue_and_an_invoice_on_a_desktop(ledger, live_site, browser):
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site, "owner@acme.test", "/admin/")
    desk.wait_for_url("**/admin/")
    desk.goto(live_site.business_url("acme", "/admin/billing/invoice/revenue/"))
    facts = desk.inner_text(".mf-rev__facts")
    assert "€99.00" in facts and "1 monthly client" in facts
    desk.wait_for_function("() => document.querySelector('#mf-rev-months').width > 0")
    shoot(desk, "revenue-desktop")
    desk.goto(live_site.business_url("acme", f"/admin/billing/invoice/{ledger['invoice']}/change/"))
    assert "MARK PAID" in desk.inner_text("#content").upper()
    shoot(desk, "invoice-backoffice-desktop")

    phone = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    sign_in(phone, live_site, "owner@acme.test", "/admin/")
    phone.wait_for_url("**/admin/")
    phone.goto(live_site.business_url("acme", "/admin/billing/invoice/revenue/"))
    shoot(phone, "revenue-phone")


def test_the_client_reads_invoices_and_gets_the_pdf_on_a_phone(ledger, live_site, browser):
    phone = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    sign_in(phone, live_site, EMAIL, "/accounts/login/")
    phone.wait_for_url(live_site.business_url("acme", "/"))
    phone.goto(live_site.business_url("acme", "/billing/invoices/"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert "INV-" in phone.inner_text("main")
    shoot(phone, "invoices-phone")
    phone.goto(live_site.business_url("acme", f"/billing/invoices/{ledger['invoice']}/"))
    text = phone.inner_text("main")
    assert "Nutrition consultation" in text and "€134.98" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "invoice-phone")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    words = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Chloé Dubois-Martinez" in words and "€134.98" in words

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site, EMAIL, "/accounts/login/")
    desk.wait_for_url(live_site.business_url("acme", "/"))
    desk.goto(live_site.business_url("acme", f"/billing/invoices/{ledger['invoice']}/"))
    shoot(desk, "invoice-desktop")
