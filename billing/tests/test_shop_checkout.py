"""Clients buy in the portal through Stripe Checkout on the business's own account,
against the local Stripe stand-in; fulfilment comes from the return or the signed
Connect webhook, whichever is first, and happens once."""

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Invoice, Payment, Product, Purchase
from billing.tests.factories import ProductFactory
from clients.tests.factories import ClientFactory
from devtools.stripe_standin.connect import (
    checkout_complete,
    subscription_cancel,
    subscription_fail,
    subscription_renew,
)

pytestmark = pytest.mark.django_db


def _buy(browser, product):
    return browser.post(f"/shop/{product.pk}/buy/")


def _pending(business, client_record) -> Purchase:
    with tenant_context(business):
        return Purchase.objects.get(client=client_record, status="pending")


def _paid(business, client_browser, standin, product, connect_post):
    """Buy ``product`` and pay on Checkout; the events are delivered to the webhook."""
    _buy(client_browser, product)
    purchase = Purchase.objects.none()
    with tenant_context(business):
        purchase = Purchase.objects.latest("pk")
    events = checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False)
    for event in events:
        assert connect_post(event).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
    return purchase, events


# --- starting Checkout ---------------------------------------------------------------------


def test_buying_a_pack_sends_the_client_to_stripe_checkout(
    business, client_browser, client_record, connected, standin, pack
):
    response = _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    assert response.status_code == 302
    assert response["Location"] == f"{standin.url}/checkout/{purchase.stripe_checkout_session_id}"


def test_checkout_is_created_on_the_businesss_connected_account(
    business, client_browser, client_record, connected, standin, pack
):
    _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    session = standin.get(
        "checkout/sessions", purchase.stripe_checkout_session_id, account=connected
    )
    assert session["mode"] == "payment"
    assert session["client_reference_id"] == str(purchase.pk)
    assert session["metadata"]["purchase_id"] == str(purchase.pk)
    assert session["amount_total"] == 60000
    assert session["success_url"].endswith("/shop/return/?session_id={CHECKOUT_SESSION_ID}")
    assert session["cancel_url"].endswith(f"/shop/cancel/{purchase.pk}/")


def test_monthly_coaching_is_sold_as_a_monthly_subscription(
    business, client_browser, client_record, connected, standin, coaching
):
    _buy(client_browser, coaching)
    purchase = _pending(business, client_record)
    session = standin.get(
        "checkout/sessions", purchase.stripe_checkout_session_id, account=connected
    )
    price = standin.get("prices", session["line_items"][0]["price"], account=connected)
    assert session["mode"] == "subscription"
    assert session["subscription_data"]["metadata"]["purchase_id"] == str(purchase.pk)
    assert price["recurring"] == {"interval": "month"}
    assert price["unit_amount"] == 15000


def test_buying_creates_the_product_and_price_on_the_connected_account(
    business, client_browser, connected, standin, pack
):
    _buy(client_browser, pack)
    with tenant_context(business):
        pack.refresh_from_db()
    assert (
        standin.get("products", pack.stripe_product_id, account=connected)["name"] == "10 sessions"
    )
    assert standin.get("prices", pack.stripe_price_id, account=connected)["unit_amount"] == 60000


def test_a_client_cannot_buy_before_payments_are_set_up(
    business, client_browser, client_record, standin, pack
):
    response = _buy(client_browser, pack)
    assert response.status_code == 302 and response["Location"] == "/shop/"
    with tenant_context(business):
        assert not Purchase.objects.filter(client=client_record).exists()


def test_a_product_off_sale_cannot_be_bought(
    business, client_browser, client_record, connected, pack
):
    with tenant_context(business):
        Product.objects.filter(pk=pack.pk).update(is_active=False)
    _buy(client_browser, pack)
    with tenant_context(business):
        assert not Purchase.objects.filter(client=client_record).exists()


def test_staff_cannot_buy_in_the_portal(coach_browser, connected, pack):
    response = coach_browser.post(f"/shop/{pack.pk}/buy/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_anonymous_visitors_are_sent_to_sign_in(tenant_client, pack):
    response = tenant_client.post(f"/shop/{pack.pk}/buy/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- fulfilment ------------------------------------------------------------------------------


def test_a_paid_checkout_activates_the_pack(
    business, client_browser, client_record, connected, standin, pack, connect_post
):
    purchase, _ = _paid(business, client_browser, standin, pack, connect_post)
    assert purchase.status == "active"
    assert purchase.sessions_total == 10 and purchase.sessions_left == 10
    assert purchase.expires_at - purchase.starts_at == dt.timedelta(days=90)


def test_a_paid_checkout_records_the_card_payment(
    business, client_browser, client_record, connected, standin, pack, connect_post
):
    purchase, events = _paid(business, client_browser, standin, pack, connect_post)
    with tenant_context(business):
        payment = Payment.objects.get(purchase=purchase)
    assert (payment.amount, payment.currency, payment.method, payment.status) == (
        60000,
        "USD",
        "card",
        "succeeded",
    )
    assert payment.stripe_payment_intent_id == events[0]["data"]["object"]["payment_intent"]


def test_a_paid_checkout_issues_a_paid_invoice(
    business, client_browser, client_record, connected, standin, pack, connect_post
):
    purchase, _ = _paid(business, client_browser, standin, pack, connect_post)
    with tenant_context(business):
        invoice = Payment.objects.get(purchase=purchase).invoice
        assert invoice.status == "paid" and invoice.total == 60000 and invoice.number


def test_the_return_from_checkout_fulfils_when_it_comes_before_the_webhook(
    business, client_browser, client_record, connected, standin, pack
):
    _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False)
    response = client_browser.get(f"/shop/return/?session_id={purchase.stripe_checkout_session_id}")
    assert response.status_code == 302 and response["Location"] == "/billing/"
    with tenant_context(business):
        purchase.refresh_from_db()
        assert purchase.status == "active"
        assert Payment.objects.filter(purchase=purchase).count() == 1


def test_the_webhook_after_the_return_changes_nothing(
    business, client_browser, client_record, connected, standin, pack, connect_post
):
    _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    events = checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False)
    client_browser.get(f"/shop/return/?session_id={purchase.stripe_checkout_session_id}")
    assert connect_post(events[0]).status_code == 200
    with tenant_context(business):
        assert Payment.objects.filter(purchase=purchase).count() == 1
        assert Invoice.objects.filter(purchase=purchase).count() == 1


def test_a_redelivered_event_is_processed_once(
    business, client_browser, client_record, connected, standin, pack, connect_post
):
    purchase, events = _paid(business, client_browser, standin, pack, connect_post)
    assert connect_post(events[0]).status_code == 200
    with tenant_context(business):
        assert Payment.objects.filter(purchase=purchase).count() == 1
        assert Invoice.objects.filter(purchase=purchase).count() == 1


def test_returning_before_paying_leaves_the_purchase_pending(
    business, client_browser, client_record, connected, standin, pack
):
    _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    client_browser.get(f"/shop/return/?session_id={purchase.stripe_checkout_session_id}")
    with tenant_context(business):
        purchase.refresh_from_db()
        assert purchase.status == "pending"
        assert not Payment.objects.filter(purchase=purchase).exists()


def test_a_client_cannot_claim_another_clients_checkout(
    business, client_browser, client_record, stranger_record, connected, standin, pack
):
    from billing.services.checkout import checkout_start

    with tenant_context(business):
        from accounts.models import User

        owner = User.objects.get(email="owner@acme.test")
        started = checkout_start(
            client=stranger_record, product=pack, by=owner, success_url="x", cancel_url="y"
        )
    checkout_complete(standin, started.purchase.stripe_checkout_session_id, deliver=False)
    client_browser.get(f"/shop/return/?session_id={started.purchase.stripe_checkout_session_id}")
    with tenant_context(business):
        started.purchase.refresh_from_db()
        assert started.purchase.status == "pending"
        assert not Purchase.objects.filter(client=client_record).exists()


def test_coming_back_from_checkout_without_paying_asks_and_changes_nothing(
    business, client_browser, client_record, connected, standin, pack
):
    _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    response = client_browser.get(f"/shop/cancel/{purchase.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "You have not been charged" in page
    assert f'action="/shop/cancel/{purchase.pk}/"' in page and 'method="post"' in page
    with tenant_context(business):
        purchase.refresh_from_db()
    assert purchase.status == "pending"


def test_cancelling_on_checkout_cancels_the_pending_purchase(
    business, client_browser, client_record, connected, standin, pack
):
    _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    response = client_browser.post(f"/shop/cancel/{purchase.pk}/")
    assert response.status_code == 302
    with tenant_context(business):
        purchase.refresh_from_db()
    assert purchase.status == "cancelled"


def test_a_client_cannot_cancel_another_clients_pending_purchase(
    business, client_browser, client_record, connected, standin, pack
):
    _buy(client_browser, pack)
    purchase = _pending(business, client_record)
    with tenant_context(business):
        other = Purchase.objects.create(
            client=ClientFactory(first_name="Olga", email="olga@acme.test"),
            product=pack,
            amount=pack.amount,
            currency=pack.currency,
        )
    assert client_browser.post(f"/shop/cancel/{other.pk}/").status_code == 404
    assert client_browser.get(f"/shop/cancel/{other.pk}/").status_code == 404
    with tenant_context(business):
        other.refresh_from_db()
        purchase.refresh_from_db()
    assert other.status == "pending" and purchase.status == "pending"


# --- monthly coaching --------------------------------------------------------------------------


def test_a_subscription_checkout_records_one_payment_for_its_first_invoice(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase, events = _paid(business, client_browser, standin, coaching, connect_post)
    assert [e["type"] for e in events] == ["checkout.session.completed", "invoice.paid"]
    assert purchase.status == "active" and purchase.stripe_subscription_id
    with tenant_context(business):
        assert Payment.objects.filter(purchase=purchase, status="succeeded").count() == 1


def test_the_first_invoice_paid_before_checkout_completes_is_not_counted_twice(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    _buy(client_browser, coaching)
    purchase = _pending(business, client_record)
    completed, paid = checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False)
    assert connect_post(paid).status_code == 200
    assert connect_post(completed).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
        assert purchase.status == "active"
        assert Payment.objects.filter(purchase=purchase).count() == 1


def test_a_renewal_records_a_new_payment_and_invoice_and_moves_the_period(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase, _ = _paid(business, client_browser, standin, coaching, connect_post)
    before = purchase.period_ends_at
    event = subscription_renew(standin, purchase.stripe_subscription_id, deliver=False)
    assert connect_post(event).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
        payments = Payment.objects.filter(purchase=purchase, status="succeeded")
        assert payments.count() == 2
        assert all(p.invoice_id for p in payments)
    assert purchase.period_ends_at > before


def test_a_failed_renewal_is_recorded_with_stripes_message_and_the_purchase_is_past_due(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase, _ = _paid(business, client_browser, standin, coaching, connect_post)
    event = subscription_fail(
        standin,
        purchase.stripe_subscription_id,
        message="Your card has insufficient funds.",
        deliver=False,
    )
    assert connect_post(event).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
        failed = Payment.objects.get(purchase=purchase, status="failed")
    assert purchase.status == "past_due"
    assert failed.failure_message == "Your card has insufficient funds."


def test_a_paid_retry_after_a_failure_makes_the_purchase_active_again(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase, _ = _paid(business, client_browser, standin, coaching, connect_post)
    connect_post(subscription_fail(standin, purchase.stripe_subscription_id, deliver=False))
    connect_post(subscription_renew(standin, purchase.stripe_subscription_id, deliver=False))
    with tenant_context(business):
        purchase.refresh_from_db()
    assert purchase.status == "active"


def test_a_deleted_subscription_cancels_the_coaching(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase, _ = _paid(business, client_browser, standin, coaching, connect_post)
    connect_post(subscription_cancel(standin, purchase.stripe_subscription_id, deliver=False))
    with tenant_context(business):
        purchase.refresh_from_db()
    assert purchase.status == "cancelled"


# --- products on Stripe ------------------------------------------------------------------------


def test_a_new_price_makes_a_new_stripe_price_and_keeps_what_was_sold(
    business, owner, client_browser, client_record, connected, standin, pack, connect_post
):
    from billing.services.products import ProductDetails, product_stripe_sync, product_update

    purchase, _ = _paid(business, client_browser, standin, pack, connect_post)
    with tenant_context(business):
        pack.refresh_from_db()
        old_price = pack.stripe_price_id
        updated = product_update(
            product=pack, by=owner, details=replace(ProductDetails.of(pack), amount=65000)
        )
        product_stripe_sync(product=updated)
        updated.refresh_from_db()
        purchase.refresh_from_db()
    assert updated.stripe_price_id != old_price
    assert standin.get("prices", updated.stripe_price_id, account=connected)["unit_amount"] == 65000
    assert standin.get("prices", old_price, account=connected)["active"] is False
    assert purchase.amount == 60000


# --- the portal pages ---------------------------------------------------------------------------


def test_the_shop_lists_products_on_sale_with_their_prices(
    business, client_browser, connected, pack, coaching
):
    with tenant_context(business):
        ProductFactory(name="Hidden", kind="one_off", amount=100, is_active=False)
    page = client_browser.get("/shop/").content.decode()
    assert "10 sessions" in page and "$600.00" in page
    assert "Online coaching" in page and "$150.00" in page
    assert "Hidden" not in page


def test_the_shop_says_when_nothing_is_for_sale(client_browser, connected):
    page = client_browser.get("/shop/").content.decode()
    assert "Nothing for sale yet." in page


def test_the_shop_says_when_payments_are_not_set_up(client_browser, pack):
    page = client_browser.get("/shop/").content.decode()
    assert "Card payments are not set up yet." in page
    assert "/buy/" not in page


def test_the_billing_page_shows_the_balance_and_payments(
    business, client_browser, client_record, connected, standin, pack, connect_post
):
    from billing.services.balances import session_draw

    purchase, _ = _paid(business, client_browser, standin, pack, connect_post)
    with tenant_context(business):
        session_draw(client=client_record, reference="booking:1")
    page = client_browser.get("/billing/").content.decode()
    assert "<strong>9</strong><span> of 10 left</span>" in page
    assert "$600.00" in page
    assert "/billing/invoices/" in page


def test_the_billing_page_shows_the_next_renewal(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase, _ = _paid(business, client_browser, standin, coaching, connect_post)
    page = client_browser.get("/billing/").content.decode()
    assert "renews " + f"{purchase.period_ends_at:%-d %b %Y}" in page


def test_a_client_sees_only_their_own_purchases(
    business, owner, client_browser, stranger_record, pack
):
    from billing.services.payments import payment_record_offline

    with tenant_context(business):
        payment_record_offline(
            client=stranger_record, amount=None, product=pack, method="cash", by=owner
        )
    page = client_browser.get("/billing/").content.decode()
    assert "10 sessions" not in page


@pytest.mark.parametrize("path", ["/shop/", "/billing/"])
def test_staff_are_sent_to_the_back_office(coach_browser, path):
    response = coach_browser.get(path)
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.parametrize("path", ["/shop/", "/billing/"])
def test_anonymous_visitors_must_sign_in(tenant_client, path):
    response = tenant_client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", ["/shop/", "/billing/"])
def test_another_businesss_client_is_not_signed_in_here(zen_client_browser, path):
    response = zen_client_browser.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_expired_pack_is_not_shown_as_usable(
    business, owner, client_browser, client_record, pack
):
    from billing.selectors import session_balance
    from billing.services.payments import payment_record_offline

    with tenant_context(business):
        payment = payment_record_offline(
            client=client_record, amount=None, product=pack, method="cash", by=owner
        )
        Purchase.objects.filter(pk=payment.purchase_id).update(
            expires_at=timezone.now() - dt.timedelta(days=1)
        )
        assert session_balance(client=client_record) == 0
