"""Stripe does not deliver Connect events in order: a client's monthly coaching follows
Stripe's own invoice state (re-fetched through the stripe library from the local
stand-in) and the newest invoice applied, never the order events happen to arrive in.
Every event here is signed and posted to the Connect webhook like Stripe's."""

import time

import pytest
from django_tenants.utils import tenant_context

from billing.models import Payment, Purchase
from devtools.stripe_standin.connect import (
    MONTH,
    checkout_complete,
    subscription_cancel,
    subscription_fail,
    subscription_renew,
)

pytestmark = pytest.mark.django_db


def _subscribed(business, client_browser, standin, coaching, connect_post) -> Purchase:
    """Cleo buys monthly coaching and pays its first invoice on Checkout."""
    client_browser.post(f"/shop/{coaching.pk}/buy/")
    with tenant_context(business):
        purchase = Purchase.objects.latest("pk")
    for event in checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False):
        assert connect_post(event).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
    assert purchase.status == "active"
    return purchase


def _invoice(standin, account, event) -> dict:
    """The event's invoice as the stand-in (Stripe) holds it now."""
    return standin.get("invoices", event["data"]["object"]["id"], account=account)


def _age(standin, account, event, *, months: int) -> None:
    """Move the event's invoice ``months`` later at Stripe (and in the event)."""
    created = int(time.time()) + months * MONTH
    _invoice(standin, account, event)["created"] = created
    event["data"]["object"]["created"] = created


def _paid_at_stripe(standin, account, failed_event) -> dict:
    """Stripe's retry of the failed invoice succeeded: the invoice is paid at Stripe;
    the ``invoice.paid`` event for it."""
    invoice = _invoice(standin, account, failed_event)
    invoice.update(
        status="paid",
        paid=True,
        amount_paid=invoice["amount_due"],
        status_transitions={"paid_at": int(time.time())},
    )
    standin.get("payment_intents", invoice["payment_intent"], account=account).update(
        status="succeeded"
    )
    return standin.event("invoice.paid", dict(invoice), account=account)


def _state(business, purchase):
    with tenant_context(business):
        purchase.refresh_from_db()
        failed = Payment.objects.filter(purchase=purchase, status="failed").count()
        paid = Payment.objects.filter(purchase=purchase, status="succeeded").count()
    return purchase.status, failed, paid


def test_a_failure_arriving_after_its_invoice_was_paid_leaves_the_coaching_active(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    failed = subscription_fail(standin, purchase.stripe_subscription_id, deliver=False)
    paid = _paid_at_stripe(standin, connected, failed)
    assert connect_post(paid).status_code == 200
    assert connect_post(failed).status_code == 200
    assert _state(business, purchase) == ("active", 0, 2)


def test_a_failure_of_an_older_invoice_after_a_newer_one_was_paid_changes_nothing(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    older = subscription_fail(standin, purchase.stripe_subscription_id, deliver=False)
    _age(standin, connected, older, months=1)
    newer = subscription_renew(standin, purchase.stripe_subscription_id, deliver=False)
    _age(standin, connected, newer, months=2)
    assert connect_post(newer).status_code == 200
    assert connect_post(older).status_code == 200
    # the older invoice is still open at Stripe: only its age tells it arrived late
    assert _invoice(standin, connected, older)["status"] == "open"
    assert _state(business, purchase) == ("active", 0, 2)


def test_an_older_invoice_paid_late_does_not_undo_a_newer_failure(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    older = subscription_renew(standin, purchase.stripe_subscription_id, deliver=False)
    _age(standin, connected, older, months=1)
    newer = subscription_fail(standin, purchase.stripe_subscription_id, deliver=False)
    _age(standin, connected, newer, months=2)
    assert connect_post(newer).status_code == 200
    assert connect_post(older).status_code == 200
    # the money of the older invoice is recorded, the newer one is still unpaid
    assert _state(business, purchase) == ("past_due", 1, 2)


def test_a_real_failure_still_makes_the_coaching_past_due_with_stripes_message(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    failed = subscription_fail(
        standin, purchase.stripe_subscription_id, message="Card expired.", deliver=False
    )
    _age(standin, connected, failed, months=1)
    assert connect_post(failed).status_code == 200
    assert _state(business, purchase) == ("past_due", 1, 1)
    with tenant_context(business):
        assert Payment.objects.get(purchase=purchase, status="failed").failure_message == (
            "Card expired."
        )
        purchase.refresh_from_db()
    assert purchase.stripe_invoice_id == failed["data"]["object"]["id"]
    assert purchase.stripe_invoice_status == "open"


def test_the_paid_retry_of_a_real_failure_makes_the_coaching_active_again(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    failed = subscription_fail(standin, purchase.stripe_subscription_id, deliver=False)
    _age(standin, connected, failed, months=1)
    assert connect_post(failed).status_code == 200
    assert connect_post(_paid_at_stripe(standin, connected, failed)).status_code == 200
    assert _state(business, purchase) == ("active", 1, 2)


def test_a_redelivered_failure_records_one_failed_payment(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    failed = subscription_fail(standin, purchase.stripe_subscription_id, deliver=False)
    _age(standin, connected, failed, months=1)
    assert connect_post(failed).status_code == 200
    assert connect_post(failed).status_code == 200
    # Stripe's own resend of the same failure comes as a new event
    again = standin.event(
        "invoice.payment_failed", dict(_invoice(standin, connected, failed)), account=connected
    )
    assert connect_post(again).status_code == 200
    assert _state(business, purchase) == ("past_due", 1, 1)


def test_a_redelivered_payment_records_one_payment(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    paid = subscription_renew(standin, purchase.stripe_subscription_id, deliver=False)
    _age(standin, connected, paid, months=1)
    assert connect_post(paid).status_code == 200
    with tenant_context(business):
        purchase.refresh_from_db()
    period_end = purchase.period_ends_at
    assert connect_post(paid).status_code == 200
    assert _state(business, purchase) == ("active", 0, 2)
    assert purchase.period_ends_at == period_end


def test_a_failure_for_an_invoice_stripe_no_longer_has_changes_nothing(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    failed = subscription_fail(standin, purchase.stripe_subscription_id, deliver=False)
    del standin.objects[(connected, "invoices")][failed["data"]["object"]["id"]]
    assert connect_post(failed).status_code == 200
    assert _state(business, purchase) == ("active", 0, 1)


def test_a_deleted_event_for_a_subscription_stripe_still_has_running_changes_nothing(
    business, client_browser, client_record, connected, standin, coaching, connect_post
):
    purchase = _subscribed(business, client_browser, standin, coaching, connect_post)
    subscription = dict(
        standin.get("subscriptions", purchase.stripe_subscription_id, account=connected),
        status="canceled",
    )
    event = standin.event("customer.subscription.deleted", subscription, account=connected)
    assert connect_post(event).status_code == 200
    assert _state(business, purchase)[0] == "active"
    connect_post(subscription_cancel(standin, purchase.stripe_subscription_id, deliver=False))
    assert _state(business, purchase)[0] == "cancelled"
