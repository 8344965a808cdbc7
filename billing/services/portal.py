"""A client manages their own card and monthly coaching: Stripe's customer portal on
the business's connected account, set up with the business's cancellation rule
(``BillingSettings.clients_may_cancel``), and what its changes mean for purchases.

The portal is Stripe's page: the client changes their card there and, when the
business allows it, cancels at the end of the paid month. Stripe tells us with a
signed ``customer.subscription.updated`` (``subscription_updated``) and, when the
month is over, ``customer.subscription.deleted`` (``subscriptions.subscription_cancelled``).
"""

from __future__ import annotations

import datetime as dt
import logging

import stripe
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from tenants.models import Business

from ..models import BillingSettings, Purchase
from ..selectors import portal_customer_for
from .common import current_business, stripe_id, stripe_kwargs, stripe_message, stripe_object
from .invoices import billing_settings_get

log = logging.getLogger(__name__)


def _portal_features(*, may_cancel: bool) -> dict:
    cancel = {"enabled": False}
    if may_cancel:
        # the paid month is kept: coaching ends when it does, nothing is refunded
        cancel = {"enabled": True, "mode": "at_period_end", "proration_behavior": "none"}
    return {
        "payment_method_update": {"enabled": True},
        "invoice_history": {"enabled": True},
        "customer_update": {"enabled": False},
        "subscription_cancel": cancel,
    }


def _portal_configuration(*, business: Business, rules: BillingSettings) -> str:
    """The connected account's portal configuration, created once and brought in step
    with the business's rule on every use (the owner may have changed it since)."""
    params = {
        "business_profile": {"headline": business.name},
        "features": _portal_features(may_cancel=rules.clients_may_cancel),
    }
    kwargs = stripe_kwargs(business.stripe_account_id)
    if rules.stripe_portal_configuration_id:
        try:
            stripe.billing_portal.Configuration.modify(
                rules.stripe_portal_configuration_id, **params, **kwargs
            )
            return rules.stripe_portal_configuration_id
        except stripe.InvalidRequestError as exc:
            if getattr(exc, "code", None) != "resource_missing":
                raise
    configuration = stripe.billing_portal.Configuration.create(**params, **kwargs)
    BillingSettings.objects.filter(pk=rules.pk).update(
        stripe_portal_configuration_id=configuration["id"]
    )
    return configuration["id"]


def card_portal_start(*, client: Client, by: User, return_url: str) -> str:
    """A Stripe customer portal session for the client's own customer on the business's
    connected account; its URL. Only the client themself opens it.

    Raises ValidationError when card payments are not connected or the client has no
    Stripe customer (they never paid by card for monthly coaching)."""
    if client.user_id != by.pk:
        raise PermissionDenied
    business = current_business()
    if not business.stripe_account_id:
        raise ValidationError(_("Card payments are not set up yet."))
    customer = portal_customer_for(client=client)
    if not customer:
        raise ValidationError(_("You have no card on file here."))
    rules = billing_settings_get()
    try:
        session = stripe.billing_portal.Session.create(
            customer=customer,
            return_url=return_url,
            configuration=_portal_configuration(business=business, rules=rules),
            **stripe_kwargs(business.stripe_account_id),
        )
    except stripe.StripeError as exc:
        log.warning("billing portal for %s refused", customer, exc_info=True)
        raise ValidationError(stripe_message(exc)) from None
    return session["url"]


def _timestamp(value) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC) if value else None


@transaction.atomic
def subscription_updated(*, subscription: dict, account: str | None = None) -> Purchase | None:
    """Stripe changed a subscription (the client cancelled at the end of the month in
    the portal, or took that back): the purchase says when it ends, or that it renews.
    Re-fetched first (``account``): events arrive out of order, Stripe's state wins."""
    subscription = stripe_object(subscription, stripe.Subscription.retrieve, account)
    if subscription is None:
        return None
    purchase = (
        Purchase.objects.select_for_update()
        .filter(stripe_subscription_id=subscription.get("id"))
        .first()
    )
    if purchase is None:
        return None
    if subscription.get("status") in ("canceled", "incomplete_expired"):
        return (
            purchase  # customer.subscription.deleted ends it (subscriptions.subscription_cancelled)
        )
    ends = _timestamp(subscription.get("cancel_at"))
    if ends is None and subscription.get("cancel_at_period_end"):
        ends = _timestamp(subscription.get("current_period_end")) or purchase.period_ends_at
    purchase.cancel_at = ends
    purchase.stripe_customer_id = (
        stripe_id(subscription.get("customer")) or purchase.stripe_customer_id
    )
    purchase.save(update_fields=["cancel_at", "stripe_customer_id"])
    return purchase
