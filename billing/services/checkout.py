"""Stripe Checkout: a client buys a product by card on the business's connected
account.

Nothing is fulfilled on the word of a browser: a purchase becomes active only
from a Checkout Session re-fetched from Stripe (the client's return) or from a
signed Connect event (the webhook), whichever comes first; both lock the
purchase row, so the second finds the work done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import stripe
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner
from clients.models import Client

from ..models import Payment, Product, Purchase
from .common import current_business, payments_ready, stripe_id, stripe_kwargs, stripe_message
from .products import product_stripe_sync
from .purchases import payment_invoice_attach, purchase_activate, purchase_new

log = logging.getLogger(__name__)


@dataclass
class CheckoutStart:
    purchase: Purchase
    url: str


def checkout_start(
    *, client: Client, product: Product, by: User, success_url: str, cancel_url: str
) -> CheckoutStart:
    """A pending purchase and a Stripe Checkout Session on the business's account.

    ``success_url`` may contain ``{CHECKOUT_SESSION_ID}``; ``cancel_url`` gets the
    purchase id via ``{PURCHASE_ID}``. Packs and one-offs are one payment
    (``mode=payment``); monthly coaching is a subscription.
    """
    business = current_business()
    if not payments_ready(business):
        raise ValidationError({"product": _("Card payments are not set up yet.")})
    product = Product.objects.filter(pk=product.pk, is_active=True).first()
    if product is None:
        raise ValidationError({"product": _("This product is no longer on sale.")})
    if client.user_id != by.pk and not is_owner(by):
        raise PermissionDenied
    if not product.stripe_price_id:
        product = product_stripe_sync(product=product, account=business.stripe_account_id)
    with transaction.atomic():
        purchase = purchase_new(client=client, product=product, by=by)
    meta = {
        "purchase_id": str(purchase.pk),
        "business_schema": connection.schema_name,
        "client_id": str(client.pk),
    }
    params = {
        "mode": "subscription" if product.kind == Product.Kind.MONTHLY else "payment",
        "line_items": [{"price": product.stripe_price_id, "quantity": 1}],
        "client_reference_id": str(purchase.pk),
        "metadata": meta,
        "success_url": success_url,
        "cancel_url": cancel_url.replace("{PURCHASE_ID}", str(purchase.pk)),
    }
    email = client.email or (client.user.email if client.user_id else "")
    if email:
        params["customer_email"] = email
    if params["mode"] == "subscription":
        params["subscription_data"] = {"metadata": meta}
    else:
        params["payment_intent_data"] = {"metadata": meta}
    try:
        session = stripe.checkout.Session.create(
            **params,
            **stripe_kwargs(
                business.stripe_account_id,
                idempotency_key=f"mf-checkout-{connection.schema_name}-{purchase.pk}",
            ),
        )
    except stripe.StripeError as exc:
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.Status.CANCELLED)
        raise ValidationError({"product": stripe_message(exc)}) from None
    Purchase.objects.filter(pk=purchase.pk).update(stripe_checkout_session_id=session["id"])
    purchase.stripe_checkout_session_id = session["id"]
    return CheckoutStart(purchase=purchase, url=session["url"])


def checkout_return(*, session_id: str, client: Client) -> Purchase | None:
    """The client is back from Checkout: re-fetch the session from Stripe and fulfil
    it when paid. Only the client's own purchase is looked at."""
    purchase = Purchase.objects.filter(stripe_checkout_session_id=session_id, client=client).first()
    if purchase is None:
        return None
    if purchase.status != Purchase.Status.PENDING:
        return purchase
    business = current_business()
    try:
        session = stripe.checkout.Session.retrieve(
            session_id, **stripe_kwargs(business.stripe_account_id)
        )
    except stripe.StripeError:
        log.warning("checkout session %s could not be fetched", session_id, exc_info=True)
        return purchase
    return checkout_session_fulfil(
        session=session.to_dict() if hasattr(session, "to_dict") else dict(session)
    )


@transaction.atomic
def checkout_purchase_cancel(*, purchase_id: int, client: Client) -> Purchase | None:
    """The client came back without paying: the pending purchase is cancelled."""
    purchase = (
        Purchase.objects.select_for_update()
        .filter(pk=purchase_id, client=client, status=Purchase.Status.PENDING)
        .first()
    )
    if purchase is not None:
        purchase.status = Purchase.Status.CANCELLED
        purchase.save(update_fields=["status"])
    return purchase


@transaction.atomic
def checkout_session_fulfil(*, session: dict) -> Purchase | None:
    """Fulfil a paid Checkout Session, exactly once (idempotent under the purchase lock).

    Activates the purchase (balance, expiry, period), records the card payment
    and issues its paid invoice. An unpaid or unknown session changes nothing.
    """
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return None
    purchase_id = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "purchase_id"
    )
    if not str(purchase_id or "").isdigit():
        return None
    purchase = (
        Purchase.objects.select_for_update()
        .select_related("product", "client")
        .filter(pk=int(purchase_id), stripe_checkout_session_id=session.get("id"))
        .first()
    )
    if purchase is None:
        return None
    subscription_id = stripe_id(session.get("subscription"))
    customer_id = stripe_id(session.get("customer")) or purchase.stripe_customer_id
    if purchase.status not in (Purchase.Status.PENDING, Purchase.Status.CANCELLED):
        if (subscription_id and not purchase.stripe_subscription_id) or (
            customer_id != purchase.stripe_customer_id
        ):
            purchase.stripe_subscription_id = purchase.stripe_subscription_id or subscription_id
            purchase.stripe_customer_id = customer_id
            purchase.save(update_fields=["stripe_subscription_id", "stripe_customer_id"])
        return purchase  # already fulfilled (the other path came first)
    now = timezone.now()
    purchase_activate(purchase, now=now)
    if subscription_id:
        purchase.stripe_subscription_id = subscription_id
    purchase.stripe_customer_id = customer_id
    purchase.save()
    invoice_id = stripe_id(session.get("invoice"))
    intent_id = stripe_id(session.get("payment_intent"))
    same = Q(pk__in=[])
    if invoice_id:
        same |= Q(stripe_invoice_id=invoice_id)
    if intent_id:
        same |= Q(stripe_payment_intent_id=intent_id)
    if not Payment.objects.filter(same).exists():
        payment = Payment.objects.create(
            client=purchase.client,
            purchase=purchase,
            amount=session.get("amount_total") or purchase.amount,
            currency=(session.get("currency") or purchase.currency).upper(),
            method=Payment.Method.CARD,
            status=Payment.Status.SUCCEEDED,
            paid_at=now,
            stripe_payment_intent_id=intent_id,
            stripe_invoice_id=invoice_id,
        )
        payment_invoice_attach(payment)
    return purchase


def checkout_session_expired(*, session: dict) -> None:
    """Stripe let an unpaid Checkout Session expire: its pending purchase is cancelled."""
    purchase_id = session.get("client_reference_id")
    if str(purchase_id or "").isdigit():
        Purchase.objects.filter(
            pk=int(purchase_id),
            stripe_checkout_session_id=session.get("id"),
            status=Purchase.Status.PENDING,
        ).update(status=Purchase.Status.CANCELLED)
