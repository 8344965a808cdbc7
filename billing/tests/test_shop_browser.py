"""A client on a phone buys a session pack in the portal: Stripe Checkout on the
business's account (the local stand-in), the signed Connect webhook to the live
site, and the pack with its balance on /billing/. Screenshots at 1280 and 360 px."""

import os
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from conftest import BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "shop.client@acme.test"
SHOTS = Path(os.environ.get("MF_SHOTS_DIR", "/tmp/shots/h2"))


@pytest.fixture
def shop_env(monkeypatch, standin):
    """The live site talks to the stand-in and checks the Connect webhook's signatures."""
    monkeypatch.setenv("STRIPE_API_BASE", standin.url)
    monkeypatch.setenv("STRIPE_TEST_SECRET_KEY", "sk_test_standin")
    monkeypatch.setenv("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_connect_test")
    # the ORM is used beside Playwright's event loop (sync API) in this test
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return standin


@pytest.fixture
def shop_data(shop_env, django_db_setup, django_db_blocker):
    """acme connected to a Stripe account, three products and a client, committed;
    removed afterwards."""
    from billing.models import Invoice, Payment, Product, Purchase, SessionUse, StripeEvent
    from clients.models import Client
    from clients.tests.factories import person_create
    from tenants.models import Business

    account = shop_env.create("accounts", {"type": "standard", "charges_enabled": True})["id"]
    with django_db_blocker.unblock():
        business = Business.objects.get(slug="acme")
        Business.objects.filter(pk=business.pk).update(
            stripe_account_id=account, stripe_charges_enabled=True
        )
        with tenant_context(business):
            user = person_create(email=EMAIL, role="client", first_name="Bea")
            client = Client.objects.create(
                user=user, first_name="Bea", last_name="Buyer", email=EMAIL, status="active"
            )
            products = [
                Product.objects.create(
                    name="10 personal training sessions",
                    description="One-to-one sessions in the studio, 60 minutes each.",
                    kind="pack",
                    amount=60000,
                    currency="USD",
                    sessions=10,
                    valid_days=120,
                ),
                Product.objects.create(
                    name="Online coaching",
                    description="A program updated every week and check-ins with your coach.",
                    kind="monthly",
                    amount=14900,
                    currency="USD",
                    position=1,
                ),
                Product.objects.create(
                    name="12-week strength program",
                    kind="one_off",
                    amount=4900,
                    currency="USD",
                    position=2,
                ),
            ]
    yield {"account": account, "client": client, "products": products}
    with django_db_blocker.unblock():
        with tenant_context(business):
            SessionUse.objects.filter(purchase__client=client).delete()
            Payment.objects.filter(client=client).delete()
            Invoice.objects.filter(client=client).delete()
            Purchase.objects.filter(client=client).delete()
            StripeEvent.objects.all().delete()
            for product in products:
                product.delete()
            client.delete()
            user.delete()
        Business.objects.filter(pk=business.pk).update(
            stripe_account_id=None, stripe_charges_enabled=False
        )


def sign_in(page, live_site):
    page.goto(live_site.business_url("acme", "/accounts/login/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_site.business_url("acme", "/"))


def test_a_client_buys_a_pack_on_a_phone_and_sees_the_balance(
    shop_env, shop_data, live_site, browser
):
    from devtools.stripe_standin.connect import checkout_complete

    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site)
    phone.goto(live_site.business_url("acme", "/shop/"))
    phone.screenshot(path=str(SHOTS / "shop-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # Buy -> Stripe Checkout on the connected account (the stand-in's URL)
    with phone.expect_navigation(url=f"{shop_env.url}/checkout/**"):
        phone.get_by_role("button", name="Buy").first.click()
    session_id = phone.url.rsplit("/", 1)[-1]
    session = shop_env.get("checkout/sessions", session_id, account=shop_data["account"])
    assert session["amount_total"] == 60000

    # the client pays; Stripe tells the live site through the signed Connect webhook
    checkout_complete(shop_env, session_id, targets=[live_site.url + "/stripe/connect/"])
    phone.goto(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
    phone.wait_for_url(live_site.business_url("acme", "/billing/"))
    body = phone.inner_text("body")
    assert "10 personal training sessions" in body and "10 of 10 left" in body.replace("\n", " ")
    phone.screenshot(path=str(SHOTS / "billing-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site)
    desk.goto(live_site.business_url("acme", "/shop/"))
    desk.screenshot(path=str(SHOTS / "shop-desktop.png"), full_page=True)
    desk.goto(live_site.business_url("acme", "/billing/"))
    desk.screenshot(path=str(SHOTS / "billing-desktop.png"), full_page=True)

    from django.db import connection

    from billing.models import Payment
    from tenants.models import Business

    try:
        with tenant_context(Business.objects.get(slug="acme")):
            payment = Payment.objects.get(client=shop_data["client"])
    finally:
        # beside Playwright's loop the ORM opened a connection of its own: close it
        connection.close()
    assert payment.status == "succeeded" and payment.invoice_id
