"""On a phone, a client who pays monthly coaching by card opens "Manage card and
subscription", lands on Stripe's customer portal for the business's account (the
local stand-in), cancels at the end of the month, and is back on the billing page,
which says when coaching ends (the signed Connect event reached the live site).
Screenshots at 360 px."""

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "portal.card@acme.test"
SHOTS = ARTIFACTS / "portal-card"


@pytest.fixture
def card_env(monkeypatch, standin):
    """The live site (started after this) talks to the stand-in."""
    monkeypatch.setenv("STRIPE_API_BASE", standin.url)
    monkeypatch.setenv("STRIPE_TEST_SECRET_KEY", "sk_test_standin")
    monkeypatch.setenv("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_connect_test")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return standin


@pytest.fixture
def coaching_client(card_env, django_db_setup, django_db_blocker):
    """acme connected to Stripe, monthly coaching on sale and a client, committed;
    removed afterwards."""
    from billing.models import BillingSettings, Invoice, Payment, Product, Purchase, StripeEvent
    from clients.models import Client
    from clients.tests.factories import person_create
    from tenants.models import Business

    account = card_env.create("accounts", {"type": "standard", "charges_enabled": True})["id"]
    with django_db_blocker.unblock():
        business = Business.objects.get(slug="acme")
        Business.objects.filter(pk=business.pk).update(
            stripe_account_id=account, stripe_charges_enabled=True
        )
        with tenant_context(business):
            user = person_create(email=EMAIL, role="client", first_name="Pia")
            client = Client.objects.create(
                user=user, first_name="Pia", last_name="Payne", email=EMAIL, status="active"
            )
            product = Product.objects.create(
                name="Online coaching", kind="monthly", amount=14900, currency="USD"
            )
    yield {"account": account, "client": client}
    with django_db_blocker.unblock():
        with tenant_context(business):
            Payment.objects.filter(client=client).delete()
            Invoice.objects.filter(client=client).delete()
            Purchase.objects.filter(client=client).delete()
            StripeEvent.objects.all().delete()
            BillingSettings.objects.update(stripe_portal_configuration_id="")
            product.delete()
            client.delete()
            user.delete()
        Business.objects.filter(pk=business.pk).update(
            stripe_account_id=None, stripe_charges_enabled=False
        )


def test_a_client_cancels_monthly_coaching_at_the_end_of_the_month_on_a_phone(
    card_env, coaching_client, live_site, browser
):
    from devtools.stripe_standin.connect import checkout_complete

    # the stand-in sends the business's account's events to the live site, signed
    card_env.connect_webhook_targets = [live_site.url + "/stripe/connect/"]
    card_env.connect_webhook_secret = "whsec_connect_test"
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(live_site.business_url("acme", "/accounts/login/"))
    phone.get_by_label("Email").fill(EMAIL)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign In").click()
    phone.wait_for_url(live_site.business_url("acme", "/"))

    # subscribe and pay on Checkout; Stripe tells the live site
    phone.goto(live_site.business_url("acme", "/shop/"))
    with phone.expect_navigation(url=f"{card_env.url}/checkout/**"):
        phone.get_by_role("button", name="Subscribe").click()
    session_id = phone.url.rsplit("/", 1)[-1]
    session = card_env.get("checkout/sessions", session_id, account=coaching_client["account"])
    checkout_complete(card_env, session_id)
    phone.goto(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
    phone.wait_for_url(live_site.business_url("acme", "/billing/"))

    manage = phone.get_by_role("button", name="Manage card and subscription")
    manage.scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "billing-manage-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    with phone.expect_navigation(url=f"{card_env.url}/portal/**"):
        manage.click()
    assert phone.get_by_role("heading", name="Acme Strength").is_visible()
    phone.screenshot(path=str(SHOTS / "stripe-portal-phone.png"), full_page=True)
    with phone.expect_navigation(url=live_site.business_url("acme", "/billing/")):
        phone.get_by_role("button", name="Cancel at the end of the period").click()

    text = " ".join(phone.inner_text("main").split())
    assert "it will not renew" in text and "renews " not in text
    phone.screenshot(path=str(SHOTS / "billing-cancelled-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
