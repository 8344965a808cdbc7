"""Platform billing use cases: plans from Stripe, subscribing, changing plan,
the customer portal, and keeping ``Business.status`` true to Stripe.

These run in the public schema's tables (dj-stripe, plans, businesses) from
either side: the back office calls them inside a business's schema, webhooks
and the beat clock in the public schema.
"""

from __future__ import annotations

import datetime as dt
import logging
from traceback import format_exc

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djstripe.models import Customer, Price, Product, Subscription, WebhookEventTrigger
from djstripe.settings import djstripe_settings

from mectofitness.core.tasks import enqueue_on_commit
from tenants.models import Business
from tenants.services import business_set_status

from . import selectors
from .models import Plan

logger = logging.getLogger(__name__)

# Stripe's subscription status -> ours. Missing statuses (incomplete) change nothing.
STATUS_FROM_STRIPE = {
    "trialing": Business.Status.ACTIVE,  # a Stripe-side trial: subscribed, card on file
    "active": Business.Status.ACTIVE,
    "past_due": Business.Status.PAST_DUE,
    "unpaid": Business.Status.SUSPENDED,
    "paused": Business.Status.SUSPENDED,
    "canceled": Business.Status.CANCELLED,
    "incomplete_expired": Business.Status.CANCELLED,
}


def _api_key() -> str:
    return djstripe_settings.get_default_api_key(livemode=settings.STRIPE_LIVE_MODE)


def _stripe_error(exc: stripe.StripeError) -> ValidationError:
    logger.warning("Stripe refused a billing call: %s", exc)
    return ValidationError(
        {None: _("Stripe could not take that request just now. Please try again in a minute.")}
    )


# --- plans ------------------------------------------------------------------------


def plans_sync() -> list[Plan]:
    """Sync Stripe's products and prices into dj-stripe; link each plan to the
    product whose ``metadata[plan]`` is its key. Returns the linked plans."""
    api_key = _api_key()
    linked = []
    for data in Product.api_list(api_key=api_key):
        product = Product.sync_from_stripe_data(data, api_key=api_key)
        key = (data.get("metadata") or {}).get("plan")
        if key:
            plan = Plan.objects.filter(key=key).first()
            if plan is not None:
                Plan.objects.filter(product_id=product.id).exclude(pk=plan.pk).update(product=None)
                plan.product_id = product.id
                plan.save(update_fields=["product"])
                linked.append(plan)
    for data in Price.api_list(api_key=api_key):
        Price.sync_from_stripe_data(data, api_key=api_key)
    return linked


# --- subscribing ----------------------------------------------------------------------


def customer_get_or_create(*, business: Business):
    """The business's dj-stripe Customer, created at Stripe on first need."""
    try:
        customer, _created = Customer.get_or_create(subscriber=business, api_key=_api_key())
    except stripe.StripeError as exc:
        raise _stripe_error(exc) from exc
    return customer


def checkout_session_create(
    *, business: Business, plan: Plan, success_url: str, cancel_url: str
) -> str:
    """Start Stripe Checkout for ``plan``; the URL to send the owner to."""
    current = selectors.subscription_for_business(business)
    if current is not None and current.stripe_data.get("status") not in selectors.ENDED_STATUSES:
        raise ValidationError(
            {"plan": _("This business already has a subscription: change its plan instead.")}
        )
    price = selectors.plan_price(plan=plan)
    if not price.price_id:
        raise ValidationError(
            {"plan": _("The %(plan)s plan cannot be bought yet.") % {"plan": plan.name}}
        )
    customer = customer_get_or_create(business=business)
    try:
        session = stripe.checkout.Session.create(
            api_key=_api_key(),
            mode="subscription",
            customer=customer.id,
            client_reference_id=str(business.pk),
            line_items=[{"price": price.price_id, "quantity": 1}],
            subscription_data={"metadata": {"business_id": str(business.pk), "plan": plan.key}},
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except stripe.StripeError as exc:
        raise _stripe_error(exc) from exc
    return session.url


@transaction.atomic
def subscription_change_plan(*, business: Business, plan: Plan) -> Business:
    """Move the business to ``plan`` at once; Stripe prorates the difference.

    A downgrade below current usage is allowed: the business keeps working and
    only new invitations and activations wait for room (see ``limits``).
    """
    current = selectors.subscription_for_business(business)
    if current is None or current.stripe_data.get("status") in selectors.ENDED_STATUSES:
        raise ValidationError({"plan": _("Subscribe to a plan first.")})
    price = selectors.plan_price(plan=plan)
    if not price.price_id:
        raise ValidationError(
            {"plan": _("The %(plan)s plan cannot be bought yet.") % {"plan": plan.name}}
        )
    if selectors.subscription_price_id(current) == price.price_id:
        raise ValidationError({"plan": _("This business is already on that plan.")})
    item_id = current.stripe_data["items"]["data"][0]["id"]
    try:
        data = stripe.Subscription.modify(
            current.id,
            api_key=_api_key(),
            items=[{"id": item_id, "price": price.price_id}],
            proration_behavior="create_prorations",
            metadata={"plan": plan.key},
        )
    except stripe.StripeError as exc:
        raise _stripe_error(exc) from exc
    Subscription.sync_from_stripe_data(data, api_key=_api_key())
    return business_billing_sync(business=business)


def portal_session_create(*, business: Business, return_url: str) -> str:
    """A Stripe customer portal session (payment method, invoices, cancel): its URL."""
    customer = selectors.customer_for_business(business)
    if customer is None:
        raise ValidationError({None: _("Subscribe to a plan first.")})
    try:
        session = stripe.billing_portal.Session.create(
            api_key=_api_key(), customer=customer.id, return_url=return_url
        )
    except stripe.StripeError as exc:
        raise _stripe_error(exc) from exc
    return session.url


# --- keeping the business's status true ----------------------------------------------


@transaction.atomic
def business_billing_sync(*, business: Business) -> Business:
    """Set the business's status and plan from its subscription as dj-stripe holds it.

    dj-stripe re-fetches a subscription from Stripe for every event about it, so
    what it holds is Stripe's latest state: events arriving late or out of order
    recompute the same answer and never move the business backwards. The row
    is locked: two webhooks for one business apply one after the other.
    """
    business = Business.objects.select_for_update().get(pk=business.pk)
    subscription = selectors.subscription_for_business(business)
    if subscription is None:
        return business
    stripe_status = subscription.stripe_data.get("status")
    status = STATUS_FROM_STRIPE.get(stripe_status)
    plan = selectors.plan_for_price_id(selectors.subscription_price_id(subscription))
    changed = []
    if plan is not None and business.plan_id != plan.pk:
        business.plan = plan
        changed.append("plan")
    if changed:
        business.save(update_fields=changed)
    if status is None or status == business.status:
        return business
    if status == Business.Status.PAST_DUE and business.status == Business.Status.SUSPENDED:
        # the grace period ran out (billing clock); only a payment reopens it
        return business
    return business_set_status(business=business, status=status)


def business_for_customer_id(customer_id: str | None) -> Business | None:
    if not customer_id:
        return None
    customer = Customer.objects.filter(id=customer_id).select_related("subscriber").first()
    return customer.subscriber if customer else None


def payment_failed_notify(*, business: Business) -> None:
    """Tell the owner a payment failed (the e-mail goes out from the worker)."""
    enqueue_on_commit("billing.platform.tasks.payment_failed_email_task", business_id=business.pk)


# --- the billing clock (beat, hourly, public schema) ----------------------------------


@transaction.atomic
def billing_clock_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Trial reminders, trial ends and past-due grace ends, due at ``now``.

    - ``BILLING_TRIAL_REMINDER_DAYS`` before a trial ends: one reminder e-mail.
    - A trial that ended without a subscription: suspended. The data stays; the
      owner sees a "subscribe to continue" page that leads to billing.
    - Past due for ``BILLING_GRACE_DAYS``: suspended until a payment succeeds.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "trial_ended": 0, "grace_ended": 0}
    trial = Business.objects.select_for_update(skip_locked=True).filter(
        status=Business.Status.TRIAL
    )
    remind_before = now + dt.timedelta(days=settings.BILLING_TRIAL_REMINDER_DAYS)
    for business in trial.filter(
        trial_ends_at__gt=now, trial_ends_at__lte=remind_before, trial_reminder_sent_at__isnull=True
    ):
        business.trial_reminder_sent_at = now
        business.save(update_fields=["trial_reminder_sent_at"])
        enqueue_on_commit("billing.platform.tasks.trial_ending_email_task", business_id=business.pk)
        counts["reminded"] += 1
    for business in trial.filter(trial_ends_at__lte=now):
        business_set_status(business=business, status=Business.Status.SUSPENDED)
        counts["trial_ended"] += 1
    grace_start = now - dt.timedelta(days=settings.BILLING_GRACE_DAYS)
    for business in Business.objects.select_for_update(skip_locked=True).filter(
        status=Business.Status.PAST_DUE, status_changed_at__lte=grace_start
    ):
        business_set_status(business=business, status=Business.Status.SUSPENDED)
        counts["grace_ended"] += 1
    return counts


def business_billing_sync_from_stripe(*, business: Business) -> Business:
    """Re-fetch the business's subscriptions from Stripe, then recompute (staff repair)."""
    customer = selectors.customer_for_business(business)
    if customer is None:
        return business
    for data in Subscription.api_list(api_key=_api_key(), customer=customer.id, status="all"):
        Subscription.sync_from_stripe_data(data, api_key=_api_key())
    return business_billing_sync(business=business)


# --- plans, as platform staff edit them ---------------------------------------------


@transaction.atomic
def plan_save(*, plan: Plan) -> Plan:
    """Save a plan's limits, price and place on the pricing page."""
    plan.save()
    return plan


@transaction.atomic
def plans_delete(*, plans) -> int:
    """Delete plans no business is on (a plan in use is protected: the admin says so)."""
    deleted, _per_model = Plan.objects.filter(pk__in=[plan.pk for plan in plans]).delete()
    return deleted


def trigger_reprocess(*, trigger: WebhookEventTrigger) -> WebhookEventTrigger:
    """Process a stored delivery again: at most once per event id (dj-stripe skips an
    event it already stored), the error kept on the row if it fails again."""
    try:
        with transaction.atomic():
            trigger.process(save=False)
    except Exception as exc:  # noqa: BLE001 - kept on the row for staff
        trigger.processed = False
        trigger.exception = str(exc)[:128]
        trigger.traceback = format_exc()
    trigger.save()
    return trigger
