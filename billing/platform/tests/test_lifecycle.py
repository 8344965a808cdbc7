"""Business.status follows Stripe's signed events: trial -> active -> past_due ->
suspended -> active, and cancelled; the billing clock does trials and grace."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.platform import services
from billing.platform.models import Plan
from tenants.models import Business

from .conftest import held_types


def _status(business):
    business.refresh_from_db()
    return business.status


def test_a_new_business_starts_in_trial_on_the_default_plan(business):
    from billing.platform.selectors import plan_for_business

    assert business.status == Business.Status.TRIAL
    assert plan_for_business(business).key == "studio"


def test_checkout_sends_the_events_stripe_sends(standin, business):
    url = services.checkout_session_create(
        business=business,
        plan=Plan.objects.get(key="solo"),
        success_url="http://x/ok",
        cancel_url="http://x/no",
    )
    standin.checkout_complete(url.rsplit("/", 1)[1])
    assert held_types(standin) == [
        "checkout.session.completed",
        "customer.subscription.created",
        "invoice.paid",
    ]


def test_paying_at_checkout_makes_the_business_active_on_its_plan(subscribed, business):
    assert _status(business) == Business.Status.ACTIVE
    assert business.plan.key == "studio"


def test_checkout_uses_the_businesss_own_stripe_customer(standin, subscribed, business):
    from djstripe.models import Customer

    customer = Customer.objects.get(subscriber=business)
    assert subscribed["customer"] == customer.id
    assert customer.id in standin.objects[(None, "customers")]


def test_a_failed_payment_makes_the_business_past_due(standin, subscribed, business, flush):
    standin.subscription_payment_fail(subscribed["id"])
    flush(standin)
    assert _status(business) == Business.Status.PAST_DUE


def test_a_failed_payment_emails_the_owner_from_the_worker(
    standin, subscribed, business, flush, django_capture_on_commit_callbacks
):
    standin.subscription_payment_fail(subscribed["id"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flush(standin)
    assert [m.to for m in mail.outbox] == [["owner@acme.test"]]
    assert "payment failed" in mail.outbox[0].subject


def test_past_due_past_the_grace_period_is_suspended_by_the_clock(
    standin, subscribed, business, flush, settings
):
    standin.subscription_payment_fail(subscribed["id"])
    flush(standin)
    later = timezone.now() + dt.timedelta(days=settings.BILLING_GRACE_DAYS, minutes=1)
    services.billing_clock_tick(now=later)
    assert _status(business) == Business.Status.SUSPENDED


def test_past_due_within_the_grace_period_keeps_working(standin, subscribed, business, flush):
    standin.subscription_payment_fail(subscribed["id"])
    flush(standin)
    services.billing_clock_tick(now=timezone.now() + dt.timedelta(days=6))
    assert _status(business) == Business.Status.PAST_DUE


def test_another_failed_retry_does_not_reopen_a_suspended_business(
    standin, subscribed, business, flush, settings
):
    standin.subscription_payment_fail(subscribed["id"])
    flush(standin)
    services.billing_clock_tick(
        now=timezone.now() + dt.timedelta(days=settings.BILLING_GRACE_DAYS + 1)
    )
    standin.subscription_payment_fail(subscribed["id"])
    flush(standin)
    assert _status(business) == Business.Status.SUSPENDED


def test_a_payment_reopens_a_suspended_business_with_its_data_whole(
    standin, subscribed, business, flush, settings
):
    from clients.models import Client
    from clients.tests.factories import ClientFactory

    with tenant_context(business):
        ClientFactory(first_name="Kept", status="active")
    standin.subscription_payment_fail(subscribed["id"])
    flush(standin)
    services.billing_clock_tick(
        now=timezone.now() + dt.timedelta(days=settings.BILLING_GRACE_DAYS + 1)
    )
    assert _status(business) == Business.Status.SUSPENDED
    standin.subscription_payment_succeed(subscribed["id"])
    flush(standin)
    assert _status(business) == Business.Status.ACTIVE
    with tenant_context(business):
        assert Client.objects.filter(first_name="Kept").exists()


def test_cancelling_in_the_portal_cancels_the_business(standin, subscribed, business, flush):
    standin.subscription_change(subscribed["id"], status="canceled")
    assert held_types(standin) == ["customer.subscription.deleted"]
    flush(standin)
    assert _status(business) == Business.Status.CANCELLED


def test_changing_plan_is_prorated_and_applies_at_once(standin, subscribed, business):
    services.subscription_change_plan(business=business, plan=Plan.objects.get(key="gym"))
    business.refresh_from_db()
    assert business.plan.key == "gym"
    modify = [
        c for c in standin.calls if c.method == "POST" and c.path.startswith("/v1/subscriptions/")
    ]
    assert modify[-1].params["proration_behavior"] == "create_prorations"
    assert modify[-1].params["items"][0]["id"] == subscribed["items"]["data"][0]["id"]


def test_the_plan_change_event_changes_nothing_twice(standin, subscribed, business, flush):
    services.subscription_change_plan(business=business, plan=Plan.objects.get(key="solo"))
    assert set(flush(standin)) == {200}
    business.refresh_from_db()
    assert business.plan.key == "solo"
    assert business.status == Business.Status.ACTIVE


def test_subscribing_twice_is_refused(subscribed, business):
    with pytest.raises(services.ValidationError) as error:
        services.checkout_session_create(
            business=business, plan=Plan.objects.get(key="gym"), success_url="x", cancel_url="y"
        )
    assert "change its plan" in str(error.value)


def test_trial_ending_soon_emails_the_owner_once(business, django_capture_on_commit_callbacks):
    business.trial_ends_at = timezone.now() + dt.timedelta(days=2)
    business.save(update_fields=["trial_ends_at"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.billing_clock_tick()
    with django_capture_on_commit_callbacks(execute=True):
        services.billing_clock_tick()
    assert [m.subject for m in mail.outbox] == ["Acme Strength: your MectoFitness trial ends soon"]


def test_a_trial_ended_without_subscription_is_suspended_and_keeps_its_data(business):
    business.trial_ends_at = timezone.now() - dt.timedelta(minutes=1)
    business.save(update_fields=["trial_ends_at"])
    services.billing_clock_tick()
    assert _status(business) == Business.Status.SUSPENDED
    assert business.plan is None


def test_subscribing_after_the_trial_ended_reopens_the_business(standin, business, flush):
    business_set = Business.objects.filter(pk=business.pk)
    business_set.update(status=Business.Status.SUSPENDED)
    business.refresh_from_db()
    url = services.checkout_session_create(
        business=business, plan=Plan.objects.get(key="solo"), success_url="x", cancel_url="y"
    )
    standin.checkout_complete(url.rsplit("/", 1)[1])
    flush(standin)
    assert _status(business) == Business.Status.ACTIVE
