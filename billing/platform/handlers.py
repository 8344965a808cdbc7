"""dj-stripe webhook receivers: Stripe's events about our businesses' subscriptions.

They run inside dj-stripe's ``Event.process`` transaction, after dj-stripe has
synced the object (re-fetched from Stripe) and stored the Event: an event id
already stored is never processed again, so each runs once. An exception here
rolls the whole event back and the webhook answers 500, so Stripe retries.
Events of connected accounts (client payments, another app's concern) are
left alone here.
"""

import logging

import stripe
from djstripe.event_handlers import djstripe_receiver
from djstripe.models import Subscription

from . import services

logger = logging.getLogger(__name__)


def _platform_account(event) -> bool:
    """dj-stripe stamps platform events with the platform's own account; connected
    accounts' events carry ``account`` in their body."""
    return not (event.stripe_data or {}).get("account")


@djstripe_receiver(
    [
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
    ]
)
def subscription_changed(sender, event, **kwargs):
    if not _platform_account(event):
        return
    obj = event.data.get("object") or {}
    business = services.business_for_customer_id(_id(obj.get("customer")))
    if business is not None:
        services.business_billing_sync(business=business)


@djstripe_receiver(["invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed"])
def invoice_settled(sender, event, **kwargs):
    """A payment succeeded or failed: the subscription's status moved at Stripe.
    Re-fetch it (never trust the order events arrive in), then recompute."""
    if not _platform_account(event):
        return
    obj = event.data.get("object") or {}
    business = services.business_for_customer_id(_id(obj.get("customer")))
    if business is None:
        return
    subscription_id = _id(obj.get("subscription"))
    if subscription_id:
        data = stripe.Subscription.retrieve(subscription_id, api_key=event.default_api_key)
        Subscription.sync_from_stripe_data(data, api_key=event.default_api_key)
    business = services.business_billing_sync(business=business)
    if event.type == "invoice.payment_failed":
        services.payment_failed_notify(business=business)


def _id(value):
    return value.get("id") if isinstance(value, dict) else value
