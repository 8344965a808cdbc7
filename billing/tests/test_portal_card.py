"""A client changes their card and cancels monthly coaching themselves: Stripe's
customer portal on the business's connected account (the local stand-in), set up
with the business's cancellation rule; a cancel made there comes back as a signed
Connect event and shows on the billing page."""

import datetime as dt
import urllib.request

import pytest
from django.contrib.messages import get_messages
from django_tenants.utils import tenant_context

from billing.models import BillingSettings, Purchase
from clients.tests.factories import person_create
from devtools.stripe_standin.connect import (
    checkout_complete,
    subscription_cancel,
    subscription_cancel_at_period_end,
)

pytestmark = pytest.mark.django_db


def _paid_coaching(business, client_browser, standin, coaching, connect_post) -> Purchase:
    """Cleo subscribes to monthly coaching and pays on Checkout; the events arrive."""
    client_browser.post(f"/shop/{coaching.pk}/buy/")
    with tenant_context(business):
        purchase = Purchase.objects.latest("pk")
    for event in checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False):
        assert connect_post(event).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
    return purchase


@pytest.fixture
def subscribed(business, client_browser, standin, connected, coaching, connect_post):
    return _paid_coaching(business, client_browser, standin, coaching, connect_post)


def _rule(business, *, may_cancel: bool) -> None:
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"clients_may_cancel": may_cancel})


def _portal_calls(standin, path="/v1/billing_portal/sessions"):
    return [c for c in standin.calls if c.method == "POST" and c.path == path]


def test_paying_by_card_keeps_the_clients_stripe_customer(subscribed, standin):
    account_customers = [
        key
        for (account, resource), objs in standin.objects.items()
        if resource == "customers"
        for key in objs
    ]
    assert subscribed.stripe_customer_id in account_customers


def test_a_client_who_pays_monthly_by_card_is_offered_to_manage_card_and_subscription(
    client_browser, subscribed
):
    page = client_browser.get("/billing/").content.decode()
    assert 'action="/billing/manage/"' in page
    assert "Manage card and subscription" in page


def test_managing_opens_stripes_customer_portal_on_the_businesss_account(
    client_browser, subscribed, standin, connected
):
    response = client_browser.post("/billing/manage/")
    (call,) = _portal_calls(standin)
    assert call.account == connected
    assert call.params["customer"] == subscribed.stripe_customer_id
    assert call.params["return_url"] == "http://acme.localhost/billing/"
    session = standin.get("billing_portal/sessions", response["Location"].rsplit("/", 1)[1],
                          account=connected)  # fmt: skip
    assert response.status_code == 302 and response["Location"] == session["url"]


def test_the_portal_lets_the_client_cancel_at_the_end_of_the_paid_month(
    client_browser, subscribed, standin, connected
):
    client_browser.post("/billing/manage/")
    (call,) = _portal_calls(standin)
    configuration = standin.get(
        "billing_portal/configurations", call.params["configuration"], account=connected
    )
    assert configuration["features"]["subscription_cancel"] == {
        "enabled": True,
        "mode": "at_period_end",
        "proration_behavior": "none",
    }
    assert configuration["features"]["payment_method_update"] == {"enabled": True}
    assert configuration["business_profile"]["headline"] == "Acme Strength"


def test_when_the_business_keeps_cancelling_to_itself_the_portal_only_changes_the_card(
    business, client_browser, subscribed, standin, connected
):
    _rule(business, may_cancel=False)
    page = client_browser.get("/billing/").content.decode()
    assert "Change card" in page and "Manage card and subscription" not in page
    assert "To stop your monthly coaching, ask Cora" in page
    assert 'href="mailto:coach@acme.test"' in page
    client_browser.post("/billing/manage/")
    (call,) = _portal_calls(standin)
    configuration = standin.get(
        "billing_portal/configurations", call.params["configuration"], account=connected
    )
    assert configuration["features"]["subscription_cancel"] == {"enabled": False}


def test_a_changed_rule_updates_the_one_portal_configuration(
    business, client_browser, subscribed, standin, connected
):
    client_browser.post("/billing/manage/")
    _rule(business, may_cancel=False)
    client_browser.post("/billing/manage/")
    configurations = standin.objects[(connected, "billing_portal/configurations")]
    assert len(configurations) == 1
    (configuration,) = configurations.values()
    assert configuration["features"]["subscription_cancel"] == {"enabled": False}


def test_stripes_portal_page_offers_what_the_business_allows(
    business, client_browser, subscribed, standin
):
    portal = client_browser.post("/billing/manage/")["Location"]
    with urllib.request.urlopen(portal) as page:
        assert "Cancel at the end of the period" in page.read().decode()
    _rule(business, may_cancel=False)
    portal = client_browser.post("/billing/manage/")["Location"]
    with urllib.request.urlopen(portal) as page:
        text = page.read().decode()
    assert "Update card" in text and "Cancel" not in text


def test_a_client_without_a_stripe_customer_is_not_offered_it(
    business, owner, client_browser, client_record, connected, standin, coaching
):
    from billing.services.payments import payment_record_offline

    with tenant_context(business):
        payment_record_offline(
            client=client_record, amount=None, product=coaching, method="cash", by=owner
        )
    page = client_browser.get("/billing/").content.decode()
    assert "Online coaching" in page
    assert "/billing/manage/" not in page
    assert "To stop your monthly coaching, ask Cora" in page
    response = client_browser.post("/billing/manage/")
    assert response.status_code == 302 and response["Location"] == "/billing/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You have no card on file here."
    ]
    assert _portal_calls(standin) == []


def test_another_clients_card_is_never_opened(business, subscribed, standin, stranger_record):
    with tenant_context(business):
        stranger = person_create(email="sam@acme.test", role="client", first_name="Sam")
        stranger_record.user = stranger
        stranger_record.save(update_fields=["user"])
    from clients.tests.conftest import _browser_for

    response = _browser_for(business, stranger).post("/billing/manage/")
    assert response["Location"] == "/billing/"
    assert _portal_calls(standin) == []


def test_a_cancel_at_period_end_in_the_portal_shows_when_coaching_ends(
    business, client_browser, subscribed, standin, connect_post
):
    event = subscription_cancel_at_period_end(
        standin, subscribed.stripe_subscription_id, deliver=False
    )
    assert connect_post(event).status_code == 200
    with tenant_context(business):
        subscribed.refresh_from_db()
    ends = dt.datetime.fromtimestamp(event["data"]["object"]["current_period_end"], tz=dt.UTC)
    assert subscribed.cancel_at == ends
    assert subscribed.status == "active"  # the paid month is still theirs
    page = client_browser.get("/billing/").content.decode()
    assert f"ends {ends:%-d %b %Y}, it will not renew" in page
    assert "renews " not in page


def test_the_end_of_the_month_then_cancels_the_coaching(
    business, subscribed, standin, connect_post
):
    connect_post(
        subscription_cancel_at_period_end(standin, subscribed.stripe_subscription_id, deliver=False)
    )
    connect_post(subscription_cancel(standin, subscribed.stripe_subscription_id, deliver=False))
    with tenant_context(business):
        subscribed.refresh_from_db()
    assert subscribed.status == "cancelled"


def test_taking_the_cancellation_back_makes_it_renew_again(
    business, subscribed, standin, connect_post
):
    connect_post(
        subscription_cancel_at_period_end(standin, subscribed.stripe_subscription_id, deliver=False)
    )
    account, subscription = next(
        (account, objs[subscribed.stripe_subscription_id])
        for (account, resource), objs in standin.objects.items()
        if resource == "subscriptions" and subscribed.stripe_subscription_id in objs
    )
    subscription.update(cancel_at_period_end=False, cancel_at=None)
    renewed = standin.event("customer.subscription.updated", dict(subscription), account=account)
    assert connect_post(renewed).status_code == 200
    with tenant_context(business):
        subscribed.refresh_from_db()
    assert subscribed.cancel_at is None


def test_an_update_event_is_checked_against_stripe_before_it_counts(
    business, subscribed, standin, connect_post
):
    """A forged or stale copy in the event does not cancel: Stripe's own state wins."""
    account = next(
        account
        for (account, resource), objs in standin.objects.items()
        if resource == "subscriptions" and subscribed.stripe_subscription_id in objs
    )
    stale = {"id": subscribed.stripe_subscription_id, "object": "subscription",
             "status": "active", "cancel_at_period_end": True, "cancel_at": 1}  # fmt: skip
    assert (
        connect_post(
            standin.event("customer.subscription.updated", stale, account=account)
        ).status_code
        == 200
    )
    with tenant_context(business):
        subscribed.refresh_from_db()
    assert subscribed.cancel_at is None


# --- who may open it ---------------------------------------------------------------------------


def test_staff_are_sent_to_the_back_office(coach_browser, standin):
    response = coach_browser.post("/billing/manage/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert _portal_calls(standin) == []


def test_anonymous_visitors_must_sign_in(tenant_client):
    response = tenant_client.post("/billing/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_businesss_client_is_not_signed_in_here(zen_client_browser, standin):
    response = zen_client_browser.post("/billing/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _portal_calls(standin) == []


def test_opening_it_is_a_post(client_browser, subscribed):
    assert client_browser.get("/billing/manage/").status_code == 405
