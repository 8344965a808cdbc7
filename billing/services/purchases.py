"""A purchase's life as checkout, renewals and offline payments share it: made
pending, activated when paid (balance, expiry, period), and a paid payment's
invoice.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from accounts.models import User
from clients.models import Client

from ..models import Payment, Product, Purchase
from .invoices import invoice_for_payment


def purchase_new(*, client: Client, product: Product, by: User | None) -> Purchase:
    return Purchase.objects.create(
        client=client,
        product=product,
        amount=product.amount,
        currency=product.currency,
        sessions_total=product.sessions if product.kind == Product.Kind.SESSION_PACK else None,
        created_by=by,
    )


def purchase_activate(purchase: Purchase, *, now: dt.datetime) -> None:
    """Start a paid purchase's balance and period (caller holds the row lock)."""
    product = purchase.product
    purchase.status = Purchase.Status.ACTIVE
    purchase.starts_at = purchase.starts_at or now
    if product.kind == Product.Kind.SESSION_PACK:
        purchase.sessions_total = purchase.sessions_total or product.sessions
    if product.valid_days and product.kind != Product.Kind.MONTHLY:
        purchase.expires_at = purchase.starts_at + dt.timedelta(days=product.valid_days)
    if product.kind == Product.Kind.MONTHLY:
        purchase.period_ends_at = purchase.period_ends_at or now + relativedelta(months=1)


def payment_invoice_attach(payment: Payment, *, send: bool = True) -> None:
    payment.invoice = invoice_for_payment(payment=payment, send=send)
