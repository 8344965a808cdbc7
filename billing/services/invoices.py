"""Invoices: drafts, numbering at issue, totals and taxes, paying, voiding, e-mail.

Life cycle: ``draft`` (editable, no number) -> ``open`` (issued: numbered,
parties frozen, e-mailed) -> ``paid`` or ``void``; paid and void are final.
A void invoice keeps its number, so the sequence has no gaps.

Numbers come from ``BillingSettings.next_invoice_number`` read and bumped under
a row lock (``select_for_update``) in the issuing transaction: two invoices
issued at once wait for each other, and a rolled-back issue gives its number
back with the rest of the transaction.

Amounts are integer minor units. A line's amount is ``quantity * unit_amount``
as priced; its tax is split off (inclusive) or added (exclusive) by
``money.tax_split``, rounded half up per line; the invoice totals are the
sums of the lines, so ``total == subtotal + tax_total`` always.

``invoice_for_payment`` is the shop's entry point: a succeeded payment gets a
paid invoice whose total equals the amount paid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner
from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail
from mectofitness.core.tasks import enqueue_on_commit

from ..models import MAX_AMOUNT, BillingSettings, Invoice, InvoiceLine, Payment, TaxRate
from ..pdf import InvoiceLineSnapshot, InvoiceSnapshot, invoice_pdf_filename, invoice_pdf_render
from .money import money_format, tax_split

log = logging.getLogger(__name__)

MAX_LINES = 100


@dataclass
class InvoiceLineSpec:
    """One line to put on an invoice, priced in the invoice's currency's minor units."""

    description: str
    quantity: int
    unit_amount: int
    tax_rate: TaxRate | None = None
    # None: as the tax rate says; True/False: force how ``unit_amount`` is priced
    tax_inclusive: bool | None = None


# --- settings -------------------------------------------------------------------------


def billing_settings_get(*, lock: bool = False) -> BillingSettings:
    """The business's one settings row (made on first use). ``lock``: hold it till commit."""
    if lock:
        BillingSettings.objects.get_or_create(pk=1)
        return BillingSettings.objects.select_for_update().get(pk=1)
    settings, _created = BillingSettings.objects.get_or_create(pk=1)
    return settings


def _require_owner(user: User | None) -> None:
    if not is_owner(user):
        raise PermissionDenied(_("Only the owner can change invoices."))


def _business():
    """The business whose schema this connection is in (None in the public schema)."""
    tenant = getattr(connection, "tenant", None)
    return tenant if getattr(tenant, "schema_name", "public") != "public" else None


def business_currency() -> str:
    business = _business()
    return getattr(business, "currency", None) or "USD"


# --- lines and totals -----------------------------------------------------------------


def line_amounts(
    *, quantity: int, unit_amount: int, rate_bp: int, inclusive: bool
) -> tuple[int, int]:
    """``(net, tax)`` of one line, rounded half up on the line's whole amount."""
    return tax_split(quantity * unit_amount, rate_bp, inclusive)


def _line_from_spec(spec: InvoiceLineSpec, position: int) -> InvoiceLine:
    errors = {}
    description = (spec.description or "").strip()
    if not description:
        errors["description"] = _("Describe each line.")
    elif len(description) > 200:
        errors["description"] = _("Keep a line's description under 200 characters.")
    if not isinstance(spec.quantity, int) or spec.quantity < 1:
        errors["quantity"] = _("The quantity must be a whole number of at least 1.")
    if not isinstance(spec.unit_amount, int) or abs(spec.unit_amount) > MAX_AMOUNT:
        errors["unit_amount"] = _("Enter a price within the allowed range.")
    if errors:
        raise ValidationError(errors)
    rate = spec.tax_rate
    inclusive = (
        spec.tax_inclusive if spec.tax_inclusive is not None else bool(rate and rate.is_inclusive)
    )
    rate_bp = rate.rate_bp if rate else 0
    net, tax = line_amounts(
        quantity=spec.quantity, unit_amount=spec.unit_amount, rate_bp=rate_bp, inclusive=inclusive
    )
    return InvoiceLine(
        position=position,
        description=description,
        quantity=spec.quantity,
        unit_amount=spec.unit_amount,
        tax_name=rate.name if rate else "",
        tax_rate_bp=rate_bp,
        tax_inclusive=inclusive if rate else False,
        net_amount=net,
        tax_amount=tax,
    )


def invoice_recompute(*, invoice: Invoice) -> Invoice:
    """Work each line's net and tax out again and the invoice's totals from them (drafts)."""
    lines = list(invoice.lines.all())
    subtotal = tax_total = 0
    for line in lines:
        net, tax = line_amounts(
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            rate_bp=line.tax_rate_bp,
            inclusive=line.tax_inclusive,
        )
        if (net, tax) != (line.net_amount, line.tax_amount):
            line.net_amount, line.tax_amount = net, tax
            line.save(update_fields=["net_amount", "tax_amount"])
        subtotal += net
        tax_total += tax
    invoice.subtotal, invoice.tax_total = subtotal, tax_total
    invoice.total = subtotal + tax_total
    if abs(invoice.total) > MAX_AMOUNT * MAX_LINES:
        raise ValidationError({"lines": _("The invoice's total is too large.")})
    invoice.save(update_fields=["subtotal", "tax_total", "total"])
    return invoice


def _lines_replace(invoice: Invoice, lines: list[InvoiceLineSpec]) -> None:
    if len(lines) > MAX_LINES:
        raise ValidationError(
            {"lines": _("An invoice has at most %(n)d lines.") % {"n": MAX_LINES}}
        )
    built = [_line_from_spec(spec, position) for position, spec in enumerate(lines)]
    invoice.lines.all().delete()
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    invoice_recompute(invoice=invoice)


# --- drafts ---------------------------------------------------------------------------


@transaction.atomic
def invoice_create_draft(
    *,
    client,
    lines: list[InvoiceLineSpec],
    by: User | None,
    notes: str = "",
    currency: str | None = None,
    purchase=None,
) -> Invoice:
    """A draft invoice for ``client`` in the business's currency (owner only)."""
    _require_owner(by)
    invoice = Invoice.objects.create(
        client=client,
        purchase=purchase,
        currency=(currency or business_currency()).upper(),
        notes=notes,
        created_by=by,
    )
    _lines_replace(invoice, lines)
    return invoice


def invoice_locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


@transaction.atomic
def invoice_update_draft(
    *,
    invoice: Invoice,
    by: User | None,
    lines: list[InvoiceLineSpec] | None = None,
    notes: str | None = None,
    client=None,
) -> Invoice:
    """Change a draft's lines, notes or client (None: unchanged); issued invoices are frozen."""
    _require_owner(by)
    invoice = invoice_locked(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft can be changed.")})
    if client is not None and client.pk != invoice.client_id:
        invoice.client = client
        invoice.save(update_fields=["client"])
    if notes is not None:
        invoice.notes = notes
        invoice.save(update_fields=["notes"])
    if lines is not None:
        _lines_replace(invoice, lines)
    return invoice


@transaction.atomic
def invoice_delete_draft(*, invoice: Invoice, by: User | None) -> None:
    """Throw a draft away (it never had a number). Issued invoices are voided instead."""
    _require_owner(by)
    invoice = invoice_locked(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft can be deleted; void an issued invoice.")})
    invoice.delete()


# --- issue, pay, void -----------------------------------------------------------------


def _seller_snapshot(settings: BillingSettings) -> dict:
    business = _business()
    return {
        "name": settings.legal_name or getattr(business, "name", ""),
        "business_name": getattr(business, "name", ""),
        "address": settings.address,
        "tax_id": settings.tax_id,
        "email": settings.email or getattr(business, "owner_email", ""),
        "currency": getattr(business, "currency", ""),
        "footer": settings.invoice_footer,
    }


def _buyer_snapshot(client) -> dict:
    name = " ".join(part for part in (client.first_name, client.last_name) if part)
    buyer = {"name": name, "email": client.email or getattr(client.user, "email", "") or ""}
    address = getattr(client, "address", "")
    if address:
        buyer["address"] = address
    return buyer


def _number_and_freeze(invoice: Invoice, *, now) -> None:
    """Give ``invoice`` the next number and freeze the parties; caller holds the lock."""
    settings = billing_settings_get(lock=True)
    invoice.number = settings.next_invoice_number
    invoice.reference = f"{settings.invoice_prefix}{invoice.number:05d}"
    settings.next_invoice_number += 1
    settings.save(update_fields=["next_invoice_number"])
    invoice.seller = _seller_snapshot(settings)
    invoice.buyer = _buyer_snapshot(invoice.client)
    invoice.issued_at = now
    invoice.due_at = now + timedelta(days=settings.payment_terms_days)


def _email_on_commit(invoice: Invoice) -> None:
    enqueue_on_commit("billing.tasks_invoices.invoice_email_send_task", invoice_id=invoice.pk)


@transaction.atomic
def invoice_issue(*, invoice: Invoice, by: User | None = None, send: bool = True) -> Invoice:
    """Number a draft, freeze its parties and amounts, open it and e-mail it to the client."""
    _require_owner(by)
    invoice = invoice_locked(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise ValidationError({"status": _("This invoice has already been issued.")})
    invoice = invoice_recompute(invoice=invoice)
    if not invoice.lines.exists():
        raise ValidationError({"lines": _("Add at least one line before issuing.")})
    if invoice.total < 0:
        raise ValidationError({"lines": _("An invoice's total cannot be negative.")})
    _number_and_freeze(invoice, now=timezone.now())
    invoice.status = Invoice.Status.OPEN
    invoice.save()
    if send:
        _email_on_commit(invoice)
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice, by: User | None, reason: str = "") -> Invoice:
    """Cancel an open invoice, keeping its number; the reason is kept in its notes."""
    _require_owner(by)
    invoice = invoice_locked(invoice)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the invoice is voided.")})
    if invoice.status == Invoice.Status.DRAFT:
        raise ValidationError({"status": _("A draft has no number: delete it instead.")})
    if invoice.status != Invoice.Status.OPEN:
        raise ValidationError({"status": _("Paid and void invoices are final.")})
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = timezone.now()
    # notes are frozen once issued: the reason is printed on the void invoice
    note = _("Void: %(reason)s") % {"reason": reason[:500]}
    invoice.notes = f"{invoice.notes}\n\n{note}".strip()
    invoice.save(update_fields=["status", "voided_at", "notes"])
    return invoice


# --- the shop's entry point -----------------------------------------------------------


def _lines_for_payment(payment: Payment) -> list[InvoiceLineSpec]:
    purchase = payment.purchase
    if purchase is not None:
        product = purchase.product
        # the amount paid is the gross: an exclusive rate is split off it, not added on
        return [
            InvoiceLineSpec(
                description=product.name,
                quantity=1,
                unit_amount=payment.amount,
                tax_rate=product.tax_rate,
                tax_inclusive=True,
            )
        ]
    settings = billing_settings_get()
    return [
        InvoiceLineSpec(
            description=payment.note or _("Payment"),
            quantity=1,
            unit_amount=payment.amount,
            tax_rate=settings.default_tax_rate,
            tax_inclusive=True,
        )
    ]


@transaction.atomic
def invoice_for_payment(
    *, payment: Payment, lines: list[InvoiceLineSpec] | None = None, send: bool = True
) -> Invoice:
    """A numbered, paid invoice for a succeeded payment, e-mailed to the client on commit
    (unless ``send`` is false: history written by the demo).

    Idempotent: a payment that already has an invoice returns that invoice.
    The invoice's total must equal the amount paid (``ValidationError`` if the
    given lines add up to something else).
    """
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("purchase__product")
        .get(pk=payment.pk)
    )
    if payment.invoice_id is not None:
        return Invoice.objects.get(pk=payment.invoice_id)
    if payment.status != Payment.Status.SUCCEEDED:
        raise ValidationError({"payment": _("Only a succeeded payment gets an invoice.")})
    invoice = Invoice.objects.create(
        client_id=payment.client_id,
        purchase_id=payment.purchase_id,
        currency=payment.currency,
        created_by=payment.recorded_by,
    )
    _lines_replace(invoice, lines if lines is not None else _lines_for_payment(payment))
    if invoice.total != payment.amount:
        raise ValidationError({"lines": _("The invoice's lines do not add up to the amount paid.")})
    _number_and_freeze(invoice, now=payment.paid_at or timezone.now())
    invoice.status = Invoice.Status.PAID
    invoice.paid_at = payment.paid_at
    invoice.save()
    payment.invoice = invoice
    payment.save(update_fields=["invoice"])
    if send:
        _email_on_commit(invoice)
    return invoice


# --- the PDF ----------------------------------------------------------------------------


def _logo(business) -> bytes | None:
    """The business's logo bytes, or None (a missing or unreadable file is skipped)."""
    logo = getattr(business, "logo", None)
    if not logo:
        return None
    try:
        with logo.open("rb") as handle:
            return handle.read()
    except Exception:  # noqa: BLE001 - a broken logo must not break the invoice
        log.warning("invoice PDF: cannot read logo %s", logo.name)
        return None


def invoice_snapshot(*, invoice: Invoice, business=None) -> InvoiceSnapshot:
    """What ``invoice``'s PDF shows (its lines are read: one query). A draft has no
    frozen parties yet: it shows who they would be."""
    seller, buyer = invoice.seller or {}, invoice.buyer or {}
    if invoice.status == Invoice.Status.DRAFT:
        seller = _seller_snapshot(billing_settings_get())
        buyer = _buyer_snapshot(invoice.client)
    return InvoiceSnapshot(
        reference=invoice.reference or "",
        status=invoice.status,
        status_label=str(invoice.get_status_display()),
        currency=invoice.currency,
        seller={key: str(value) for key, value in seller.items() if value},
        buyer={key: str(value) for key, value in buyer.items() if value},
        issued_at=invoice.issued_at,
        due_at=invoice.due_at,
        paid_at=invoice.paid_at,
        voided_at=invoice.voided_at,
        subtotal=invoice.subtotal,
        total=invoice.total,
        notes=invoice.notes or "",
        lines=tuple(
            InvoiceLineSnapshot(
                description=line.description,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                tax_name=line.tax_name,
                tax_rate_bp=line.tax_rate_bp,
                tax_inclusive=line.tax_inclusive,
                tax_amount=line.tax_amount,
            )
            for line in invoice.lines.all()
        ),
        brand_colour=getattr(business, "primary_color", "") or "",
        logo=_logo(business),
    )


def invoice_pdf(*, invoice: Invoice, business=None) -> bytes:
    """``invoice`` as a PDF, in ``business``'s colour and with its logo."""
    return invoice_pdf_render(invoice_snapshot(invoice=invoice, business=business))


# --- e-mail ---------------------------------------------------------------------------


def invoice_email_send(*, invoice: Invoice) -> bool:
    """E-mail ``invoice`` with its PDF attached to the client (worker). False: no address.

    Marks ``emailed_at``; sending twice sends twice (the task is queued once per issue).
    """
    to = (invoice.buyer or {}).get("email") or invoice.client.email
    if not to or invoice.status == Invoice.Status.DRAFT:
        return False
    business = _business()
    slug = getattr(business, "slug", "")
    context = {
        "invoice": invoice,
        "business": business,
        "seller": invoice.seller,
        "buyer": invoice.buyer,
        "total": money_format(invoice.total, invoice.currency),
        "invoice_url": business_url(slug, f"/billing/invoices/{invoice.pk}/") if slug else "",
    }
    subject = _("Invoice %(reference)s from %(name)s") % {
        "reference": invoice.reference,
        "name": (invoice.seller or {}).get("business_name") or (invoice.seller or {}).get("name"),
    }
    send_business_mail(
        business=business,
        to=to,
        subject=subject,
        template="emails/invoice",
        context=context,
        reply_to=(invoice.seller or {}).get("email") or None,
        attachments=[
            (
                invoice_pdf_filename(invoice),
                invoice_pdf(invoice=invoice, business=business),
                "application/pdf",
            )
        ],
    )
    Invoice.objects.filter(pk=invoice.pk).update(emailed_at=timezone.now())
    return True
