"""Money received by hand (cash, bank transfer): the payment, the purchase it pays
for (a monthly coaching renewed), its paid invoice; and an open invoice settled
by such a payment.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client

from ..models import MAX_AMOUNT, Invoice, Payment, Product, Purchase
from .common import business_currency, require_owner
from .invoices import invoice_locked
from .purchases import payment_invoice_attach, purchase_activate, purchase_new

OFFLINE_METHODS = (Payment.Method.CASH, Payment.Method.BANK_TRANSFER, Payment.Method.OTHER)


@transaction.atomic
def payment_record_offline(
    *,
    client: Client,
    amount: int | None,
    method: str,
    by: User,
    paid_at: dt.datetime | None = None,
    note: str = "",
    product: Product | None = None,
    currency: str | None = None,
    invoice=None,
    send: bool = True,
) -> Payment:
    """Money received by hand (cash, transfer). With ``product``, the client's purchase
    is created and started; without ``invoice``, a paid invoice is issued for it and
    e-mailed to the client (unless ``send`` is false: history written by the demo).

    Monthly coaching the client already has (active or past due) is renewed
    instead: its period runs a month longer and it is active again, so the client
    stays one subscription (MRR counts them once). A pack bought again is a new
    purchase with its own balance."""
    require_owner(by, _("Only the owner can record payments."))
    errors = {}
    currency = (currency or business_currency()).upper()
    if method not in OFFLINE_METHODS:
        errors["method"] = _("Choose cash, bank transfer or other.")
    if amount is None and product is not None:
        amount = product.amount
    if amount is None or amount <= 0:
        errors["amount"] = _("Enter an amount above zero.")
    elif amount > MAX_AMOUNT:
        errors["amount"] = _("That amount is too high.")
    if product is not None and product.currency != currency:
        errors["product"] = _("This product is priced in another currency.")
    now = timezone.now()
    if paid_at is not None and paid_at > now + dt.timedelta(minutes=5):
        errors["paid_at"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    purchase = None
    if product is not None and product.kind == Product.Kind.MONTHLY:
        purchase = _monthly_renew(client=client, product=product, now=paid_at or now)
    if product is not None and purchase is None:
        purchase = purchase_new(client=client, product=product, by=by)
        purchase.amount = amount
        purchase_activate(purchase, now=paid_at or now)
        purchase.save()
    payment = Payment.objects.create(
        client=client,
        purchase=purchase,
        invoice=invoice,
        amount=amount,
        currency=currency,
        method=method,
        status=Payment.Status.SUCCEEDED,
        paid_at=paid_at or now,
        note=(note or "")[:255],
        recorded_by=by,
    )
    if invoice is None:
        payment_invoice_attach(payment, send=send)
    return payment


def _monthly_renew(*, client: Client, product: Product, now: dt.datetime) -> Purchase | None:
    """The client's running purchase of monthly ``product`` (active or past due), one
    month longer and active; None when there is none. Locks the row: two payments
    recorded at once extend it twice, one after the other."""
    purchase = (
        Purchase.objects.select_for_update()
        .filter(
            client=client,
            product=product,
            status__in=[Purchase.Status.ACTIVE, Purchase.Status.PAST_DUE],
        )
        .order_by(F("period_ends_at").desc(nulls_last=True), "-pk")
        .first()
    )
    if purchase is None:
        return None
    # the paid month follows the one already paid for (a past-due month is the one paid now)
    purchase.period_ends_at = (purchase.period_ends_at or now) + relativedelta(months=1)
    purchase.status = Purchase.Status.ACTIVE
    purchase.save(update_fields=["period_ends_at", "status"])
    return purchase


# --- an open invoice settled by a payment -----------------------------------------------


def _offline_payment_record(
    *, invoice: Invoice, method: str, by: User | None, note: str
) -> Payment:
    """Record money received by hand for ``invoice``."""
    return payment_record_offline(
        client=invoice.client,
        amount=invoice.total,
        currency=invoice.currency,
        method=method,
        by=by,
        note=note,
        invoice=invoice,
    )


@transaction.atomic
def invoice_mark_paid(
    *,
    invoice: Invoice,
    payment: Payment | None = None,
    by: User | None = None,
    method: str = Payment.Method.BANK_TRANSFER,
    note: str = "",
) -> Invoice:
    """Settle an open invoice: with ``payment`` (succeeded, same amount) or by recording
    an offline payment of the invoice's total (owner)."""
    invoice = invoice_locked(invoice)
    if invoice.status == Invoice.Status.PAID:
        raise ValidationError({"status": _("This invoice is already paid.")})
    if invoice.status != Invoice.Status.OPEN:
        raise ValidationError({"status": _("Only an open invoice can be marked paid.")})
    if payment is None:
        require_owner(by, _("Only the owner can change invoices."))
        if method == Payment.Method.CARD or method not in Payment.Method.values:
            raise ValidationError({"method": _("Choose cash, bank transfer or other.")})
        if invoice.total <= 0:
            raise ValidationError({"status": _("Nothing to pay on this invoice.")})
        payment = _offline_payment_record(invoice=invoice, method=method, by=by, note=note)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != Payment.Status.SUCCEEDED:
        raise ValidationError({"payment": _("The payment has not succeeded.")})
    if payment.client_id != invoice.client_id:
        raise ValidationError({"payment": _("The payment is from another client.")})
    if (payment.amount, payment.currency) != (invoice.total, invoice.currency):
        raise ValidationError({"payment": _("The payment's amount differs from the invoice's.")})
    if payment.invoice_id not in (None, invoice.pk):
        raise ValidationError({"payment": _("The payment already settles another invoice.")})
    if payment.invoice_id is None:
        payment.invoice = invoice
        payment.save(update_fields=["invoice"])
    invoice.status = Invoice.Status.PAID
    invoice.paid_at = payment.paid_at
    invoice.save(update_fields=["status", "paid_at"])
    return invoice
