"""Refunds made in Stripe's dashboard on the connected account reach our ledger
through ``charge.refunded``: once each (by Stripe's refund id), never past the
amount paid, and a refund we made ourselves is not counted twice."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import Payment, Purchase, Refund
from billing.services.refunds import charge_refunds_sync, payment_refund
from devtools.stripe_standin.connect import charge_refunded, checkout_complete, dashboard_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_payment(business, client_browser, client_record, connected, standin, pack, connect_post):
    """Cleo paid 600.00 by card for the pack, through Checkout: the payment."""
    client_browser.post(f"/shop/{pack.pk}/buy/")
    with tenant_context(business):
        purchase = Purchase.objects.get(client=client_record)
    for event in checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False):
        assert connect_post(event).status_code == 200
    with tenant_context(business):
        return Payment.objects.get(purchase=purchase)


def _refresh(business, payment) -> Payment:
    with tenant_context(business):
        return Payment.objects.get(pk=payment.pk)


def _refunds(business, payment) -> list[tuple[int, str]]:
    with tenant_context(business):
        return list(
            Refund.objects.filter(payment=payment)
            .order_by("pk")
            .values_list("amount", "stripe_refund_id")
        )


def test_a_dashboard_refund_is_added_to_the_ledger(business, card_payment, standin, connect_post):
    event = dashboard_refund(standin, card_payment.stripe_payment_intent_id, 2500, deliver=False)
    assert connect_post(event).status_code == 200
    payment = _refresh(business, card_payment)
    assert payment.refunded_amount == 2500
    [(amount, stripe_id)] = _refunds(business, payment)
    assert amount == 2500 and stripe_id.startswith("re_")
    with tenant_context(business):
        refund = Refund.objects.get()
    assert refund.status == "succeeded" and refund.refunded_at is not None
    assert "Refunded in Stripe" in refund.reason


def test_a_redelivered_charge_refunded_changes_nothing_twice(
    business, card_payment, standin, connect_post
):
    event = dashboard_refund(standin, card_payment.stripe_payment_intent_id, 2500, deliver=False)
    connect_post(event)
    connect_post(event)
    assert _refresh(business, card_payment).refunded_amount == 2500
    assert len(_refunds(business, card_payment)) == 1


def test_a_second_dashboard_refund_adds_only_the_new_one(
    business, card_payment, standin, connect_post
):
    intent = card_payment.stripe_payment_intent_id
    connect_post(dashboard_refund(standin, intent, 1000, deliver=False))
    # Stripe's second event lists both refunds; a new event id, so it is processed
    connect_post(dashboard_refund(standin, intent, 2000, deliver=False))
    assert _refresh(business, card_payment).refunded_amount == 3000
    assert [amount for amount, _id in _refunds(business, card_payment)] == [1000, 2000]


def test_a_refund_made_here_is_not_counted_again_when_stripe_reports_it(
    business, owner, card_payment, standin, connect_post
):
    with tenant_context(business):
        ours = payment_refund(payment=card_payment, amount=4000, by=owner)
    assert (
        connect_post(
            charge_refunded(standin, ours.payment.stripe_payment_intent_id, deliver=False)
        ).status_code
        == 200
    )
    assert _refresh(business, card_payment).refunded_amount == 4000
    assert _refunds(business, card_payment) == [(4000, ours.stripe_refund_id)]


def test_an_event_without_the_refunds_list_asks_stripe_for_them(
    business, card_payment, standin, connect_post
):
    event = dashboard_refund(
        standin, card_payment.stripe_payment_intent_id, 1500, with_refunds=False, deliver=False
    )
    assert "refunds" not in event["data"]["object"]
    assert connect_post(event).status_code == 200
    assert _refresh(business, card_payment).refunded_amount == 1500


def test_a_full_dashboard_refund_marks_the_pack_refunded(
    business, card_payment, standin, connect_post
):
    connect_post(dashboard_refund(standin, card_payment.stripe_payment_intent_id, deliver=False))
    payment = _refresh(business, card_payment)
    assert payment.refunded_amount == payment.amount == 60000
    with tenant_context(business):
        assert Purchase.objects.get(pk=payment.purchase_id).status == "refunded"


def test_the_page_refund_then_a_dashboard_refund_of_the_rest_adds_up(
    business, owner, card_payment, standin, connect_post
):
    with tenant_context(business):
        payment_refund(payment=card_payment, amount=10000, by=owner)
    connect_post(dashboard_refund(standin, card_payment.stripe_payment_intent_id, deliver=False))
    payment = _refresh(business, card_payment)
    assert payment.refunded_amount == 60000
    assert sorted(amount for amount, _id in _refunds(business, payment)) == [10000, 50000]


def test_a_charge_of_another_business_changes_nothing_here(
    business, card_payment, other_business, standin, connect_post
):
    """zen's account reports a refund of a charge whose payment intent acme knows."""
    from tenants.models import Business

    zen_account = standin.create("accounts", {"type": "standard", "charges_enabled": True})
    Business.objects.filter(pk=other_business.pk).update(stripe_account_id=zen_account["id"])
    event = standin.event(
        "charge.refunded",
        {
            "id": "ch_zen",
            "object": "charge",
            "amount": 60000,
            "payment_intent": card_payment.stripe_payment_intent_id,
            "refunds": {
                "data": [{"id": "re_zen", "amount": 60000, "status": "succeeded"}],
                "has_more": False,
            },
        },
        account=zen_account["id"],
    )
    assert connect_post(event).status_code == 200
    assert _refresh(business, card_payment).refunded_amount == 0
    with tenant_context(other_business):
        assert not Refund.objects.exists()


def test_a_pending_refund_counts_once_it_succeeds(business, card_payment, standin, connect_post):
    intent = card_payment.stripe_payment_intent_id
    account, _intent = next(
        (acct, objs[intent])
        for (acct, res), objs in standin.objects.items()
        if res == "payment_intents" and intent in objs
    )
    refund = standin.create(
        "refunds",
        {"amount": 700, "currency": "usd", "status": "pending", "payment_intent": intent},
        account=account,
    )
    connect_post(charge_refunded(standin, intent, deliver=False))
    assert _refresh(business, card_payment).refunded_amount == 0
    refund["status"] = "succeeded"
    connect_post(standin.event("charge.refund.updated", dict(refund), account=account))
    assert _refresh(business, card_payment).refunded_amount == 700


# --- never above the amount paid, whatever Stripe reports ---------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amounts=st.lists(st.integers(min_value=1, max_value=8000), min_size=1, max_size=6))
def test_refunded_amount_is_the_sum_of_stripes_refunds_capped_at_the_payment(
    tenant, client_record, amounts
):
    payment = Payment.objects.create(
        client=client_record,
        amount=10000,
        currency="USD",
        method="card",
        status="succeeded",
        paid_at=timezone.now(),
        stripe_payment_intent_id=f"pi_prop_{Payment.objects.count()}",
    )
    reported = []
    for i, amount in enumerate(amounts):
        reported.append(
            {"id": f"re_{payment.pk}_{i}", "amount": amount, "status": "succeeded", "created": i}
        )
        charge = {
            "id": f"ch_{payment.pk}",
            "payment_intent": payment.stripe_payment_intent_id,
            "refunds": {"data": list(reported), "has_more": False},
        }
        charge_refunds_sync(charge=charge)
        charge_refunds_sync(charge=charge)  # redelivered
    payment.refresh_from_db()
    rows = Refund.objects.filter(payment=payment)
    assert payment.refunded_amount == min(sum(amounts), 10000)
    assert payment.refunded_amount == sum(rows.values_list("amount", flat=True))
    # a refund reported once nothing is left adds no row
    assert rows.count() == sum(1 for i in range(len(amounts)) if sum(amounts[:i]) < 10000)
