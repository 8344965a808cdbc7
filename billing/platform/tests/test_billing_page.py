"""The back office's Billing page: owner only, per business, Checkout and portal."""

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from tenants.models import Business

from .conftest import people


def _browser(business, email):
    from accounts.models import User

    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(User.objects.get(email=email))
    return browser


def test_the_owner_sees_plan_status_and_usage(standin, owner_client, business):
    people(business, clients=3)
    response = owner_client.get("/admin/billing/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Studio" in text and "Trial" in text
    assert "Active clients" in text and "150" in text
    assert "Subscribe to Solo" in text


def test_the_back_office_links_the_owner_to_billing(owner_client):
    assert 'href="/admin/billing/"' in owner_client.get("/admin/").content.decode()


def test_a_coach_is_refused_the_billing_page(business):
    people(business, coaches=1)
    response = _browser(business, "coach0@acme.test").get("/admin/billing/")
    assert response.status_code == 403


def test_a_client_cannot_reach_the_billing_page(business):
    from clients.tests.factories import person_create

    with tenant_context(business):
        person_create(email="cli@acme.test", role="client", first_name="Cleo")
    response = _browser(business, "cli@acme.test").get("/admin/billing/")
    assert response.status_code in (302, 403)
    assert b"Usage" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(tenant_client):
    response = tenant_client.get("/admin/billing/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_another_businesss_owner_is_not_signed_in_here(business, other_business):
    browser = _browser(other_business, "owner@zen.test")
    browser.defaults["HTTP_HOST"] = f"{business.slug}.{settings.BASE_DOMAIN}"
    response = browser.get("/admin/billing/")
    assert response.status_code == 302


def test_subscribe_sends_the_owner_to_stripe_checkout(standin, owner_client, business):
    response = owner_client.post("/admin/billing/", {"action": "subscribe", "plan": "gym"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{standin.url}/checkout/cs_test_")
    session = standin.list("checkout/sessions")["data"][0]
    assert session["mode"] == "subscription"
    assert session["subscription_data"]["metadata"]["business_id"] == str(business.pk)


def test_an_unknown_plan_is_a_form_error_not_a_crash(standin, owner_client):
    response = owner_client.post("/admin/billing/", {"action": "subscribe", "plan": "nope"})
    assert response.status_code == 400
    assert "Choose one of the plans" in response.content.decode()


def test_change_plan_from_the_page_applies_at_once(subscribed, owner_client, business):
    response = owner_client.post("/admin/billing/", {"action": "change", "plan": "solo"})
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.plan.key == "solo"


def test_manage_billing_opens_the_stripe_portal(subscribed, standin, owner_client):
    response = owner_client.post("/admin/billing/", {"action": "portal"})
    assert response["Location"].startswith(f"{standin.url}/portal/bps_")


def test_manage_billing_before_subscribing_says_so(standin, owner_client):
    response = owner_client.post("/admin/billing/", {"action": "portal"})
    assert response.status_code == 400
    assert "Subscribe to a plan first" in response.content.decode()


def test_a_suspended_business_lets_its_owner_reach_billing(standin, owner_client, business):
    Business.objects.filter(pk=business.pk).update(status=Business.Status.SUSPENDED)
    assert owner_client.get("/admin/").status_code == 403  # the locked page
    response = owner_client.get("/admin/billing/")
    assert response.status_code == 200
    assert "free trial has ended" in response.content.decode()


def test_the_locked_page_points_the_owner_to_billing(tenant_client, business):
    Business.objects.filter(pk=business.pk).update(status=Business.Status.SUSPENDED)
    response = tenant_client.get("/")
    assert response.status_code == 403
    assert 'href="/admin/billing/"' in response.content.decode()


def test_the_stand_in_checkout_page_completes_and_returns(standin, owner_client):
    import urllib.request

    response = owner_client.post("/admin/billing/", {"action": "subscribe", "plan": "solo"})
    page = urllib.request.urlopen(response["Location"]).read().decode()
    assert "Solo" in page and "29.00 USD" in page


@pytest.mark.parametrize("currency_view", ["/pricing/", "/"])
def test_public_pages_show_the_prices_synced_from_stripe(standin, public_client, currency_view):
    from djstripe.models import Price

    price = Price.objects.get(product__platform_plan__key="solo")
    price.stripe_data["unit_amount"] = 3500
    price.save()
    assert "$35" in public_client.get(currency_view).content.decode()


def test_the_pricing_page_falls_back_to_our_prices_before_any_sync(public_client, db):
    text = public_client.get("/pricing/").content.decode()
    assert "$29" in text and "$79" in text and "$199" in text
