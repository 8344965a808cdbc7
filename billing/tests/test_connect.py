"""Stripe Connect: the webhook on the public domain (signature, routing by account,
exactly-once processing, failures kept for staff) and connecting a business's
account from the back office (OAuth for an existing account, Express onboarding)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django_tenants.utils import tenant_context

from billing.models import Payment, Purchase, StripeEvent
from devtools.stripe_standin.connect import account_onboard, oauth_code
from mectofitness.core.context_processors import business_url, public_url
from tenants.models import Business

pytestmark = pytest.mark.django_db


def _event(standin, account, type="customer.created", obj=None):
    return standin.event(type, obj or {"id": "cus_1", "object": "customer"}, account=account)


# --- the webhook --------------------------------------------------------------------------


def test_a_forged_signature_is_refused_and_nothing_is_stored(
    business, connected, standin, connect_post
):
    response = connect_post(_event(standin, connected), secret="whsec_someone_else")
    assert response.status_code == 400
    with tenant_context(business):
        assert not StripeEvent.objects.exists()


def test_a_missing_signature_is_refused(business, connected, standin, connect_post):
    response = connect_post(_event(standin, connected), signature="")
    assert response.status_code == 400


def test_a_body_that_is_not_json_is_refused(public_client, standin):
    from devtools.stripe_standin.server import stripe_signature

    response = public_client.post(
        "/stripe/connect/",
        data=b"not json",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(b"not json", "whsec_connect_test"),
    )
    assert response.status_code == 400


def test_the_webhook_takes_only_posts(public_client):
    assert public_client.get("/stripe/connect/").status_code == 405


def test_an_unknown_event_type_is_recorded_and_acknowledged(
    business, connected, standin, connect_post
):
    event = _event(standin, connected, type="customer.created")
    assert connect_post(event).status_code == 200
    with tenant_context(business):
        stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is not None and stored.attempts == 1 and not stored.error


def test_an_event_for_another_businesss_account_never_touches_this_one(
    business, other_business, connected, standin, connect_post
):
    zen_account = standin.create("accounts", {"charges_enabled": True})["id"]
    Business.objects.filter(pk=other_business.pk).update(stripe_account_id=zen_account)
    event = _event(standin, zen_account)
    assert connect_post(event).status_code == 200
    with tenant_context(business):
        assert not StripeEvent.objects.filter(event_id=event["id"]).exists()
    with tenant_context(other_business):
        assert StripeEvent.objects.filter(event_id=event["id"]).exists()


def test_a_forged_checkout_for_this_businesss_purchase_from_another_account_is_ignored(
    business, other_business, client_browser, client_record, connected, standin, pack, connect_post
):
    """zen's account cannot complete acme's purchases: events go to the account's owner only."""
    client_browser.post(f"/shop/{pack.pk}/buy/")
    with tenant_context(business):
        purchase = Purchase.objects.get(client=client_record)
    zen_account = standin.create("accounts", {"charges_enabled": True})["id"]
    Business.objects.filter(pk=other_business.pk).update(stripe_account_id=zen_account)
    forged = standin.event(
        "checkout.session.completed",
        {
            "id": purchase.stripe_checkout_session_id,
            "client_reference_id": str(purchase.pk),
            "payment_status": "paid",
            "amount_total": 60000,
            "payment_intent": "pi_forged",
        },
        account=zen_account,
    )
    assert connect_post(forged).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
        assert purchase.status == "pending"


def test_an_event_for_an_unknown_account_is_acknowledged_and_not_stored(
    standin, connect_post, business
):
    assert connect_post(_event(standin, "acct_nobody")).status_code == 200
    with tenant_context(business):
        assert not StripeEvent.objects.exists()


def test_a_failure_while_processing_keeps_the_event_with_its_error_and_asks_for_a_retry(
    business, client_browser, client_record, connected, standin, pack, connect_post
):
    client_browser.post(f"/shop/{pack.pk}/buy/")
    with tenant_context(business):
        purchase = Purchase.objects.get(client=client_record)
    # a negative amount breaks a database constraint inside processing
    event = standin.event(
        "checkout.session.completed",
        {
            "id": purchase.stripe_checkout_session_id,
            "client_reference_id": str(purchase.pk),
            "payment_status": "paid",
            "amount_total": -1,
            "currency": "usd",
            "payment_intent": "pi_broken",
        },
        account=connected,
    )
    assert connect_post(event).status_code == 500
    assert connect_post(event).status_code == 500
    with tenant_context(business):
        stored = StripeEvent.objects.get(event_id=event["id"])
        purchase.refresh_from_db()
        assert not Payment.objects.exists()
    assert stored.processed_at is None and stored.attempts == 2 and "IntegrityError" in stored.error
    assert purchase.status == "pending"  # nothing half-done


def test_the_owner_sees_failed_events_in_the_back_office(
    business, owner_client, connected, standin, connect_post
):
    event = _event(standin, connected, type="customer.created")
    connect_post(event)
    with tenant_context(business):
        StripeEvent.objects.filter(event_id=event["id"]).update(error="Boom", processed_at=None)
    page = owner_client.get("/admin/billing/stripeevent/").content.decode()
    assert event["id"] in page


def test_account_updated_keeps_whether_the_account_can_take_charges(
    business, connected, standin, connect_post
):
    Business.objects.filter(pk=business.pk).update(stripe_charges_enabled=False)
    account = standin.get("accounts", connected)
    connect_post(
        standin.event("account.updated", {**account, "charges_enabled": True}, account=connected)
    )
    assert Business.objects.get(pk=business.pk).stripe_charges_enabled is True


# --- connecting an account from the back office ----------------------------------------------


def _link(owner_client):
    response = owner_client.post("/admin/billing/product/connect/", {"action": "link"})
    assert response.status_code == 302
    return response["Location"]


def test_linking_sends_the_owner_to_stripes_oauth_page_with_a_signed_state(
    business, owner_client, standin
):
    location = _link(owner_client)
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{standin.url}/oauth/authorize?")
    assert query["client_id"] == ["ca_test_platform"]
    assert query["redirect_uri"] == [public_url("/stripe/connect/oauth/")]
    assert query["scope"] == ["read_write"]
    assert query["state"]


def test_stripes_redirect_hands_the_owner_back_to_their_business(
    business, owner_client, public_client, standin
):
    state = parse_qs(urlsplit(_link(owner_client)).query)["state"][0]
    response = public_client.get("/stripe/connect/oauth/", {"code": "ac_1", "state": state})
    assert response.status_code == 302
    assert response["Location"].startswith(
        business_url("acme", "/admin/billing/product/connect/oauth/?")
    )


def test_a_forged_state_is_refused_on_the_public_domain(public_client, standin):
    response = public_client.get("/stripe/connect/oauth/", {"code": "ac_1", "state": "forged"})
    assert response.status_code == 400


def test_completing_oauth_connects_the_existing_account(
    business, owner_client, public_client, standin
):
    state = parse_qs(urlsplit(_link(owner_client)).query)["state"][0]
    code, account_id = oauth_code(standin)
    back = public_client.get("/stripe/connect/oauth/", {"code": code, "state": state})["Location"]
    response = owner_client.get(urlsplit(back).path + "?" + urlsplit(back).query)
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.stripe_account_id == account_id and business.stripe_charges_enabled


def test_a_code_without_the_owners_own_link_session_does_not_connect(
    business, owner, owner_client, standin
):
    from django.test import Client as Browser

    state = parse_qs(urlsplit(_link(owner_client)).query)["state"][0]
    code, _ = oauth_code(standin)
    other_browser = Browser(HTTP_HOST="acme.localhost")
    with tenant_context(business):
        other_browser.force_login(owner)
    other_browser.get("/admin/billing/product/connect/oauth/", {"code": code, "state": state})
    business.refresh_from_db()
    assert business.stripe_account_id is None


def test_another_businesss_state_does_not_connect_this_one(
    business, other_business, owner_client, standin
):
    from accounts.models import User
    from billing.services.connect import connect_state_make

    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
    owner_client.post("/admin/billing/product/connect/", {"action": "link"})
    nonce = owner_client.session["billing_connect_nonce"]
    state = connect_state_make(business=other_business, user=zen_owner, nonce=nonce)
    code, _ = oauth_code(standin)
    owner_client.get("/admin/billing/product/connect/oauth/", {"code": code, "state": state})
    business.refresh_from_db()
    assert business.stripe_account_id is None


def test_an_account_already_connected_elsewhere_is_refused(
    business, other_business, owner_client, public_client, standin
):
    state = parse_qs(urlsplit(_link(owner_client)).query)["state"][0]
    code, account_id = oauth_code(standin)
    Business.objects.filter(pk=other_business.pk).update(stripe_account_id=account_id)
    back = public_client.get("/stripe/connect/oauth/", {"code": code, "state": state})["Location"]
    owner_client.get(urlsplit(back).path + "?" + urlsplit(back).query)
    business.refresh_from_db()
    assert business.stripe_account_id is None


def test_express_onboarding_creates_an_account_and_sends_the_owner_to_stripe(
    business, owner_client, standin
):
    response = owner_client.post("/admin/billing/product/connect/", {"action": "express"})
    business.refresh_from_db()
    assert business.stripe_account_id
    assert standin.get("accounts", business.stripe_account_id)["type"] == "express"
    assert response["Location"] == f"{standin.url}/connect/onboarding/{business.stripe_account_id}"
    assert business.stripe_charges_enabled is False


def test_returning_from_express_onboarding_stores_whether_charges_are_enabled(
    business, owner_client, standin
):
    owner_client.post("/admin/billing/product/connect/", {"action": "express"})
    business.refresh_from_db()
    account_onboard(standin, business.stripe_account_id, deliver=False)
    owner_client.get("/admin/billing/product/connect/express/return/")
    business.refresh_from_db()
    assert business.stripe_charges_enabled is True


def test_stripes_expired_link_makes_a_new_link_for_the_account_already_made(
    business, owner_client, standin
):
    owner_client.post("/admin/billing/product/connect/", {"action": "express"})
    business.refresh_from_db()
    account_id = business.stripe_account_id
    response = owner_client.get("/admin/billing/product/connect/express/refresh/")
    business.refresh_from_db()
    assert response["Location"] == f"{standin.url}/connect/onboarding/{account_id}"
    assert business.stripe_account_id == account_id
    assert len(standin.objects.get((None, "accounts"), {})) == 1


def test_a_get_of_the_expired_link_page_never_creates_a_stripe_account(
    business, owner_client, standin
):
    response = owner_client.get("/admin/billing/product/connect/express/refresh/")
    business.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/admin/billing/product/connect/"
    assert business.stripe_account_id is None
    assert not standin.objects.get((None, "accounts"))


def test_disconnecting_forgets_the_account(business, owner_client, connected):
    owner_client.post("/admin/billing/product/connect/", {"action": "disconnect"})
    business.refresh_from_db()
    assert business.stripe_account_id is None and not business.stripe_charges_enabled


def test_the_payments_page_shows_the_connection(owner_client, connected):
    page = owner_client.get("/admin/billing/product/connect/").content.decode()
    assert "Connected: clients can pay by card in the portal." in page


def test_a_coach_cannot_see_or_change_the_payments_settings(coach_browser, business, connected):
    assert coach_browser.get("/admin/billing/product/connect/").status_code == 403
    assert (
        coach_browser.post("/admin/billing/product/connect/", {"action": "disconnect"}).status_code
        == 403
    )
    business.refresh_from_db()
    assert business.stripe_account_id == connected


def test_a_client_cannot_reach_the_payments_settings(client_browser):
    response = client_browser.get("/admin/billing/product/connect/")
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/login/" in response["Location"]


def test_anonymous_visitors_are_sent_to_the_back_office_sign_in(tenant_client):
    response = tenant_client.get("/admin/billing/product/connect/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_another_businesss_owner_is_not_signed_in_here(other_business):
    from django.test import Client as Browser

    from accounts.models import User

    browser = Browser(HTTP_HOST="zen.localhost")
    with tenant_context(other_business):
        browser.force_login(User.objects.get(email="owner@zen.test"))
    browser.defaults["HTTP_HOST"] = "acme.localhost"
    response = browser.get("/admin/billing/product/connect/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_payments_page_offers_both_ways_to_connect(owner_client, standin):
    page = owner_client.get("/admin/billing/product/connect/").content.decode()
    assert "Connect my Stripe account" in page and "Create a Stripe account" in page
