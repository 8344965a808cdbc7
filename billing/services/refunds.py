"""Refunds: the owner gives back all or part of a payment (through Stripe for a card
payment), and refunds made in the connected account's Stripe dashboard reach the
ledger through ``charge.refunded``.
"""

from __future__ import annotations

import datetime as dt
import logging

import stripe
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Payment, Product, Purchase, Refund
from .common import current_business, require_owner, stripe_id, stripe_kwargs, stripe_message
from .money import money_format

log = logging.getLogger(__name__)


@transaction.atomic
def payment_refund(*, payment: Payment, amount: int | None, by: User, reason: str = "") -> Refund:
    """Give back all (``amount=None``) or part of a payment, never more than was paid.

    The payment row is locked, so two refunds at once cannot together exceed it.
    A card payment is refunded through Stripe on the connected account (the
    whole transaction rolls back if Stripe refuses); an offline one is recorded.
    A fully refunded pack or one-off becomes ``refunded``.
    """
    require_owner(by, _("Only the owner can refund."))
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != Payment.Status.SUCCEEDED:
        raise ValidationError({"amount": _("Only a received payment can be refunded.")})
    left = payment.amount - payment.refunded_amount
    if amount is None:
        amount = left
    if left <= 0:
        raise ValidationError({"amount": _("This payment has been refunded in full.")})
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if amount > left:
        raise ValidationError(
            {
                "amount": _("At most %(left)s can be refunded.")
                % {"left": money_format(left, payment.currency)}
            }
        )
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=(reason or "")[:255], created_by=by
    )
    now = timezone.now()
    if payment.method == Payment.Method.CARD:
        account = current_business().stripe_account_id
        if not account or not payment.stripe_payment_intent_id:
            raise ValidationError(
                {
                    "amount": _(
                        "This card payment cannot be refunded from here: refund it in Stripe."
                    )
                }
            )
        try:
            created = stripe.Refund.create(
                payment_intent=payment.stripe_payment_intent_id,
                amount=amount,
                metadata={"refund_id": str(refund.pk), "business_schema": connection.schema_name},
                **stripe_kwargs(
                    account, idempotency_key=f"mf-refund-{connection.schema_name}-{refund.pk}"
                ),
            )
        except stripe.StripeError as exc:
            raise ValidationError({"amount": stripe_message(exc)}) from None
        if created.get("status") in ("failed", "canceled"):
            raise ValidationError({"amount": _("Stripe could not refund this payment.")})
        refund.stripe_refund_id = created["id"]
    refund.status = Refund.Status.SUCCEEDED
    refund.refunded_at = now
    refund.save(update_fields=["status", "refunded_at", "stripe_refund_id"])
    payment.refunded_amount += amount
    payment.save(update_fields=["refunded_amount"])
    _purchase_refunded_if_full(payment)
    return refund


def _purchase_refunded_if_full(payment: Payment) -> None:
    """A fully refunded pack or one-off becomes ``refunded`` (monthly coaching stays:
    its subscription decides)."""
    purchase = payment.purchase
    if (
        purchase is not None
        and payment.refunded_amount == payment.amount
        and purchase.product.kind != Product.Kind.MONTHLY
    ):
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.Status.REFUNDED)


def _charge_refunds(charge: dict, account: str | None) -> list[dict]:
    """The refunds of ``charge``: from the event when it carries the whole list, else
    listed from Stripe (API versions since 2022-11-15 leave ``refunds`` out of charges).
    A network call in the second case; a Stripe error propagates, so the event is
    kept with its error and Stripe delivers it again."""
    refunds = charge.get("refunds")
    if (
        isinstance(refunds, dict)
        and refunds.get("data") is not None
        and not refunds.get("has_more")
    ):
        return [dict(item) for item in refunds["data"]]
    if not account or not charge.get("id"):
        return []
    listed = stripe.Refund.list(charge=charge["id"], limit=100, **stripe_kwargs(account))
    return [item.to_dict() for item in listed.auto_paging_iter()]


@transaction.atomic
def charge_refunds_sync(*, charge: dict, account: str | None = None) -> list[Refund]:
    """Bring a card payment's refunds in step with Stripe's (``charge.refunded``): each
    succeeded Stripe refund we do not have yet becomes a Refund row, found by its
    ``stripe_refund_id``, so a redelivered event or one about a refund we made
    ourselves (``payment_refund`` stores the id before it commits) adds nothing.

    The payment row is locked as in ``payment_refund``; ``refunded_amount`` grows
    with each new row and never past the amount paid. Returns the rows added."""
    intent_id = stripe_id(charge.get("payment_intent"))
    if not intent_id:
        return []
    payment = (
        Payment.objects.select_for_update()
        .filter(stripe_payment_intent_id=intent_id, method=Payment.Method.CARD)
        .first()
    )
    if payment is None:
        return []  # not a payment of this business's shop
    found = [
        item
        for item in _charge_refunds(charge, account)
        if item.get("id") and item.get("status") == "succeeded"
    ]
    known = set(
        Refund.objects.filter(stripe_refund_id__in=[item["id"] for item in found]).values_list(
            "stripe_refund_id", flat=True
        )
    )
    added = []
    for item in sorted(found, key=lambda item: (int(item.get("created") or 0), item["id"])):
        if item["id"] in known:
            continue
        left = payment.amount - payment.refunded_amount
        amount = min(int(item.get("amount") or 0), left)
        if amount <= 0:
            log.warning(
                "stripe refund %s on payment %s: nothing left to refund here",
                item["id"],
                payment.pk,
            )
            continue
        created = item.get("created")
        added.append(
            Refund.objects.create(
                payment=payment,
                amount=amount,
                # Stripe's reason is a code (duplicate, requested_by_customer, …)
                reason=" ".join([_("Refunded in Stripe"), item.get("reason") or ""]).strip()[:255],
                status=Refund.Status.SUCCEEDED,
                stripe_refund_id=item["id"],
                refunded_at=dt.datetime.fromtimestamp(int(created), tz=dt.UTC)
                if created
                else timezone.now(),
            )
        )
        known.add(item["id"])
        payment.refunded_amount += amount
    if added:
        payment.save(update_fields=["refunded_amount"])
        _purchase_refunded_if_full(payment)
    return added


def refund_updated(*, refund: dict, account: str | None = None) -> list[Refund]:
    """A refund that was pending at Stripe has settled (or failed): its charge's
    refunds are brought in step, this refund alone."""
    if not refund.get("payment_intent"):
        return []
    return charge_refunds_sync(
        charge={
            "id": stripe_id(refund.get("charge")),
            "payment_intent": refund.get("payment_intent"),
            "refunds": {"data": [refund], "has_more": False},
        },
        account=account,
    )
