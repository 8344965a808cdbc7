"""Monthly coaching after Checkout: renewals paid or failed and cancellation, as
Stripe's subscription invoices on the connected account say. Each is applied by
Stripe's own state, re-fetched (events arrive out of order).
"""

from __future__ import annotations

import datetime as dt
import logging

import stripe
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Payment, Product, Purchase
from .bell import payment_failed_bell
from .common import stripe_id, stripe_kwargs, stripe_object
from .purchases import payment_invoice_attach, purchase_activate

log = logging.getLogger(__name__)


def _invoice_subscription(invoice: dict) -> tuple[str | None, dict]:
    """The subscription id and its metadata, wherever this API version puts them."""
    details = invoice.get("subscription_details") or (
        (invoice.get("parent") or {}).get("subscription_details") or {}
    )
    subscription_id = stripe_id(invoice.get("subscription")) or stripe_id(
        details.get("subscription")
    )
    return subscription_id, details.get("metadata") or {}


def _subscription_purchase(subscription_id: str, metadata: dict) -> Purchase | None:
    purchase = (
        Purchase.objects.select_for_update()
        .select_related("product", "client")
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if purchase is None and str(metadata.get("purchase_id", "")).isdigit():
        # the first invoice may be paid before Checkout tells us its subscription
        purchase = (
            Purchase.objects.select_for_update()
            .select_related("product", "client")
            .filter(
                pk=int(metadata["purchase_id"]),
                stripe_subscription_id__isnull=True,
                product__kind=Product.Kind.MONTHLY,
            )
            .first()
        )
    return purchase


def _period_end(invoice: dict, now: dt.datetime) -> dt.datetime:
    lines = (invoice.get("lines") or {}).get("data") or []
    ends = [line.get("period", {}).get("end") for line in lines if line.get("period")]
    if ends and ends[0]:
        return dt.datetime.fromtimestamp(int(max(ends)), tz=dt.UTC)
    return now + relativedelta(months=1)


def _created(obj: dict) -> dt.datetime | None:
    created = obj.get("created")
    return dt.datetime.fromtimestamp(int(created), tz=dt.UTC) if created else None


def _invoice_is_older(purchase: Purchase, invoice: dict) -> bool:
    """Whether ``invoice`` is older than the newest invoice already applied to ``purchase``."""
    created = _created(invoice)
    return bool(
        created
        and purchase.stripe_invoice_created
        and invoice.get("id") != purchase.stripe_invoice_id
        and created < purchase.stripe_invoice_created
    )


def _invoice_remember(purchase: Purchase, invoice: dict) -> None:
    """Keep ``invoice`` as the newest applied to ``purchase`` (the caller saves)."""
    purchase.stripe_invoice_id = invoice.get("id") or ""
    purchase.stripe_invoice_created = _created(invoice) or purchase.stripe_invoice_created
    purchase.stripe_invoice_status = (invoice.get("status") or "")[:20]


@transaction.atomic
def subscription_invoice_paid(*, invoice: dict, account: str | None = None) -> Payment | None:
    """A subscription invoice on the connected account was paid: a payment (once per
    Stripe invoice) and its invoice, the purchase active until the new period's end.

    The invoice is re-fetched from Stripe (``account``); an invoice older than the
    newest already applied still records its payment (the money came in) but does
    not make a purchase that a newer invoice left past due active again."""
    invoice = stripe_object(invoice, stripe.Invoice.retrieve, account)
    if invoice is None:
        return None
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id or not invoice.get("amount_paid"):
        return None
    purchase = _subscription_purchase(subscription_id, metadata)
    if purchase is None:
        return None
    now = timezone.now()
    if purchase.status in (Purchase.Status.PENDING, Purchase.Status.CANCELLED) and not (
        purchase.stripe_subscription_id
    ):
        purchase_activate(purchase, now=now)
    purchase.stripe_subscription_id = subscription_id
    purchase.stripe_customer_id = stripe_id(invoice.get("customer")) or purchase.stripe_customer_id
    if not _invoice_is_older(purchase, invoice):
        if purchase.status in (Purchase.Status.PAST_DUE, Purchase.Status.PENDING):
            purchase.status = Purchase.Status.ACTIVE
        _invoice_remember(purchase, invoice)
    period_end = _period_end(invoice, now)
    if purchase.period_ends_at is None or period_end > purchase.period_ends_at:
        purchase.period_ends_at = period_end
    purchase.save()
    payment = Payment.objects.filter(stripe_invoice_id=invoice["id"]).first()
    if payment is not None:
        return payment
    if invoice.get("billing_reason") == "subscription_create":
        # Checkout's own fulfilment may have recorded this first payment already
        first = purchase.payments.filter(
            method=Payment.Method.CARD, status=Payment.Status.SUCCEEDED
        ).first()
        if first is not None:
            if not first.stripe_invoice_id:
                first.stripe_invoice_id = invoice["id"]
                first.save(update_fields=["stripe_invoice_id"])
            return first
    intent_id = stripe_id(invoice.get("payment_intent"))
    if intent_id and Payment.objects.filter(stripe_payment_intent_id=intent_id).exists():
        intent_id = None
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
    payment = Payment.objects.create(
        client=purchase.client,
        purchase=purchase,
        amount=invoice["amount_paid"],
        currency=(invoice.get("currency") or purchase.currency).upper(),
        method=Payment.Method.CARD,
        status=Payment.Status.SUCCEEDED,
        paid_at=dt.datetime.fromtimestamp(int(paid_at), tz=dt.UTC) if paid_at else now,
        stripe_invoice_id=invoice["id"],
        stripe_payment_intent_id=intent_id,
    )
    payment_invoice_attach(payment)
    return payment


def _failure_message(invoice: dict, account: str | None) -> str:
    error = invoice.get("last_finalization_error") or {}
    if error.get("message"):
        return error["message"][:255]
    intent_id = stripe_id(invoice.get("payment_intent"))
    if intent_id and account:
        try:
            intent = stripe.PaymentIntent.retrieve(intent_id, **stripe_kwargs(account))
            message = (intent.get("last_payment_error") or {}).get("message")
            if message:
                return message[:255]
        except stripe.StripeError:
            log.warning("payment intent %s could not be fetched", intent_id, exc_info=True)
    return _("The card payment failed.")


@transaction.atomic
def subscription_invoice_failed(*, invoice: dict, account: str | None = None) -> Payment | None:
    """A renewal failed: a failed payment row with Stripe's message (one per Stripe
    invoice, its message the latest); the purchase is past due until Stripe's retries
    succeed (``invoice.paid``) or give up.

    Applied by Stripe's own state, re-fetched (``account``): a failure of an invoice
    that is paid (or void) by now, or older than the newest invoice already applied,
    arrived late and changes nothing."""
    invoice = stripe_object(invoice, stripe.Invoice.retrieve, account)
    if invoice is None or invoice.get("paid") or invoice.get("status") in ("paid", "void"):
        return None
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id:
        return None
    purchase = _subscription_purchase(subscription_id, metadata)
    if purchase is None or _invoice_is_older(purchase, invoice):
        return None
    if purchase.stripe_invoice_id == invoice.get("id") and purchase.stripe_invoice_status == "paid":
        return None  # without a re-fetch: we already applied this invoice's payment
    if purchase.status == Purchase.Status.ACTIVE:
        purchase.status = Purchase.Status.PAST_DUE
    _invoice_remember(purchase, invoice)
    purchase.save(
        update_fields=[
            "status",
            "stripe_invoice_id",
            "stripe_invoice_created",
            "stripe_invoice_status",
        ]
    )
    note = _("Stripe invoice %(id)s") % {"id": invoice.get("id", "")}
    message = _failure_message(invoice, account)
    amount = invoice.get("amount_due") or purchase.amount
    failed = Payment.objects.filter(
        purchase=purchase, status=Payment.Status.FAILED, note=note
    ).first()
    if failed is not None:
        # Stripe's next attempt (or the same event again under a new id)
        failed.failure_message, failed.amount = message, amount
        failed.save(update_fields=["failure_message", "amount"])
        return failed
    payment = Payment.objects.create(
        client=purchase.client,
        purchase=purchase,
        amount=amount,
        currency=(invoice.get("currency") or purchase.currency).upper(),
        method=Payment.Method.CARD,
        status=Payment.Status.FAILED,
        failure_message=message,
        note=note,
    )
    payment_failed_bell(payment=payment)  # the client and the owner, in the bell and push
    return payment


@transaction.atomic
def subscription_cancelled(*, subscription: dict, account: str | None = None) -> Purchase | None:
    """The subscription ended at Stripe: the coaching is cancelled. Re-fetched first
    (``account``): only a subscription Stripe has as ended cancels anything."""
    subscription = stripe_object(subscription, stripe.Subscription.retrieve, account)
    if subscription is None or subscription.get("status") not in (
        "canceled",
        "incomplete_expired",
    ):
        return None
    purchase = (
        Purchase.objects.select_for_update()
        .filter(stripe_subscription_id=subscription.get("id"))
        .first()
    )
    if purchase is None or purchase.status == Purchase.Status.REFUNDED:
        return purchase
    purchase.status = Purchase.Status.CANCELLED
    purchase.save(update_fields=["status"])
    return purchase
