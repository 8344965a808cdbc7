"""The webhook endpoint: signatures, exactly-once, order, unknown types, failures."""

import json

import pytest
from djstripe.models import Event, WebhookEventTrigger

from billing.platform.services import trigger_reprocess
from tenants.models import Business

from .conftest import held_types


def _status(business):
    business.refresh_from_db()
    return business.status


def test_a_forged_signature_gets_400_and_stores_nothing(standin, subscribed, stripe_post):
    event = standin.event("customer.subscription.deleted", subscribed)
    before = WebhookEventTrigger.objects.count()
    response = stripe_post(standin, event, secret="whsec_forged")
    assert response.status_code == 400
    assert WebhookEventTrigger.objects.count() == before
    assert not Event.objects.filter(id=event["id"]).exists()


def test_a_missing_signature_gets_400_and_stores_nothing(standin, stripe_post):
    before = WebhookEventTrigger.objects.count()
    response = stripe_post(standin, {"id": "evt_x", "livemode": False}, signature=None)
    assert response.status_code == 400
    assert WebhookEventTrigger.objects.count() == before


def test_a_tampered_body_gets_400(standin, subscribed, public_client):
    from devtools.stripe_standin.server import stripe_signature

    payload = json.dumps(standin.event("customer.subscription.deleted", subscribed))
    signature = stripe_signature(payload, standin.webhook_secret)
    response = public_client.post(
        standin.webhook_path,
        data=payload.replace("deleted", "updated"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    assert response.status_code == 400


def test_a_debug_secret_override_header_is_refused(standin, subscribed, public_client):
    from devtools.stripe_standin.server import stripe_signature

    payload = json.dumps(standin.event("customer.subscription.deleted", subscribed))
    response = public_client.post(
        standin.webhook_path,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload, "mine"),
        HTTP_X_DJSTRIPE_WEBHOOK_SECRET="mine",
    )
    assert response.status_code == 400


def test_a_redelivered_event_is_processed_once(
    standin, subscribed, business, flush, django_capture_on_commit_callbacks
):
    from django.core import mail

    standin.subscription_payment_fail(subscribed["id"])
    held = list(standin.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flush(standin)
        standin.outbox.extend(held)  # Stripe delivers them all again
        assert set(flush(standin)) == {200}
    failed = json.loads(held[0][0])
    assert Event.objects.filter(id=failed["id"]).count() == 1
    assert WebhookEventTrigger.objects.filter(event_id=failed["id"]).count() == 2
    assert len(mail.outbox) == 1  # one payment-failed e-mail


def test_events_out_of_order_never_move_the_subscription_backwards(
    standin, subscribed, business, flush
):
    standin.subscription_payment_fail(subscribed["id"])
    standin.subscription_change(subscribed["id"], status="canceled")
    # the cancellation arrives first, the older past_due events after it
    assert set(flush(standin, reverse=True)) == {200}
    assert _status(business) == Business.Status.CANCELLED


def test_an_old_active_event_after_a_failure_keeps_the_business_past_due(
    standin, subscribed, business, flush
):
    old = standin.event("customer.subscription.updated", dict(subscribed, status="active"))
    standin.subscription_payment_fail(subscribed["id"])
    flush(standin)
    standin.deliver(old)
    flush(standin)
    assert _status(business) == Business.Status.PAST_DUE


def test_an_unknown_event_type_is_acknowledged_and_recorded(standin, flush):
    event = standin.event("radar.early_fraud_warning.created", {"id": "issfr_1", "object": "x"})
    standin.deliver(event)
    assert flush(standin) == [200]
    assert Event.objects.filter(id=event["id"], type="radar.early_fraud_warning.created").exists()


def test_a_failure_inside_processing_answers_500_and_is_kept_for_staff(
    standin, subscribed, business, flush
):
    standin.subscription_payment_fail(subscribed["id"])
    # Stripe is briefly unreachable for the re-fetch: processing fails
    gone = standin.objects[(None, "subscriptions")].pop(subscribed["id"])
    statuses = flush(standin)
    assert 500 in statuses
    failed = WebhookEventTrigger.objects.filter(valid=True, processed=False).exclude(exception="")
    assert failed.exists()
    assert _status(business) == Business.Status.ACTIVE  # nothing half-applied
    standin.objects[(None, "subscriptions")][subscribed["id"]] = gone
    for trigger in failed:
        trigger_reprocess(trigger=trigger)
        assert trigger.processed, trigger.exception
    assert _status(business) == Business.Status.PAST_DUE


def test_a_failed_event_redelivered_by_stripe_succeeds(standin, subscribed, business, flush):
    standin.subscription_payment_fail(subscribed["id"])
    held = list(standin.outbox)
    gone = standin.objects[(None, "subscriptions")].pop(subscribed["id"])
    flush(standin)
    standin.objects[(None, "subscriptions")][subscribed["id"]] = gone
    standin.outbox.extend(held)
    assert set(flush(standin)) == {200}
    assert _status(business) == Business.Status.PAST_DUE


def test_an_unknown_endpoint_gets_404(standin, public_client):
    response = public_client.post(
        "/stripe/webhook/00000000-0000-0000-0000-000000000000/",
        data="{}",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=x",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "put"])
def test_the_webhook_only_takes_post(standin, public_client, method):
    assert getattr(public_client, method)(standin.webhook_path).status_code == 405


def test_events_of_connected_accounts_leave_business_status_alone(
    standin, subscribed, business, flush
):
    event = standin.event(
        "customer.subscription.deleted", dict(subscribed, status="canceled"), account="acct_other"
    )
    assert held_types(standin) == []
    standin.deliver(event)
    flush(standin)
    assert _status(business) == Business.Status.ACTIVE
