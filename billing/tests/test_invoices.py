"""Invoices: drafts, totals and taxes, issuing and numbering, paying, voiding, the shop."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import BillingSettings, Invoice, Payment, Purchase, TaxRate
from billing.services.invoices import (
    InvoiceLineSpec,
    invoice_create_draft,
    invoice_delete_draft,
    invoice_for_payment,
    invoice_issue,
    invoice_update_draft,
    invoice_void,
)
from billing.services.payments import invoice_mark_paid
from billing.tests.factories import ProductFactory


def _succeeded_payment(client, amount=6000, purchase=None, currency="EUR"):
    return Payment.objects.create(
        client=client,
        purchase=purchase,
        amount=amount,
        currency=currency,
        method=Payment.Method.CASH,
        status=Payment.Status.SUCCEEDED,
        paid_at=timezone.now(),
    )


# --- drafts and totals ----------------------------------------------------------------


def test_a_draft_adds_exclusive_tax_on_top_of_its_lines(tenant, draft_invoice):
    assert (draft_invoice.subtotal, draft_invoice.tax_total, draft_invoice.total) == (
        10000,
        2000,
        12000,
    )


def test_a_draft_has_no_number(tenant, draft_invoice):
    assert (draft_invoice.status, draft_invoice.number, draft_invoice.reference) == (
        "draft",
        None,
        "",
    )


def test_an_inclusive_tax_is_taken_out_of_the_price(tenant, owner, client_record):
    included = TaxRate.objects.create(name="VAT", rate_bp=2000, is_inclusive=True)
    invoice = invoice_create_draft(
        client=client_record, lines=[InvoiceLineSpec("Pack", 1, 12000, included)], by=owner
    )
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (10000, 2000, 12000)


def test_tax_is_rounded_half_up_per_line(tenant, owner, client_record):
    five = TaxRate.objects.create(name="GST", rate_bp=500)
    invoice = invoice_create_draft(
        client=client_record,
        lines=[InvoiceLineSpec("A", 1, 10, five), InvoiceLineSpec("B", 1, 10, five)],
        by=owner,
    )
    # each line: 0.5 cent -> 1 cent; on the sum it would be exactly 1
    assert invoice.tax_total == 2


def test_a_draft_takes_the_businesss_currency_by_default(tenant, owner, client_record):
    invoice = invoice_create_draft(
        client=client_record, lines=[InvoiceLineSpec("A", 1, 100)], by=owner
    )
    assert invoice.currency == tenant.currency


def test_a_coach_cannot_create_an_invoice(tenant, coach, client_record):
    with pytest.raises(PermissionDenied):
        invoice_create_draft(client=client_record, lines=[InvoiceLineSpec("A", 1, 100)], by=coach)


@pytest.mark.parametrize(
    "spec",
    [InvoiceLineSpec("", 1, 100), InvoiceLineSpec("A", 0, 100), InvoiceLineSpec("A", 1, 10**12)],
)
def test_a_bad_line_is_refused_and_nothing_is_saved(tenant, owner, client_record, spec):
    with pytest.raises(ValidationError):
        invoice_create_draft(client=client_record, lines=[spec], by=owner)
    assert not Invoice.objects.exists()


def test_a_draft_can_be_edited(tenant, owner, draft_invoice):
    invoice = invoice_update_draft(
        invoice=draft_invoice, by=owner, lines=[InvoiceLineSpec("A", 3, 100)]
    )
    assert (invoice.total, invoice.lines.count()) == (300, 1)


def test_a_draft_can_be_deleted(tenant, owner, draft_invoice):
    invoice_delete_draft(invoice=draft_invoice, by=owner)
    assert not Invoice.objects.exists()


line_specs = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=20),
        st.integers(min_value=0, max_value=100_000),
        st.sampled_from(
            [None, (2000, False), (2000, True), (550, False), (700, True), (10000, True)]
        ),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=line_specs)
def test_totals_are_always_the_sums_of_the_lines(tenant, owner, client_record, specs):
    lines = []
    for quantity, unit, tax in specs:
        rate = None
        if tax:
            rate = TaxRate.objects.get_or_create(
                name=f"T{tax[0]}{tax[1]}", rate_bp=tax[0], is_inclusive=tax[1]
            )[0]
        lines.append(InvoiceLineSpec("Line", quantity, unit, rate))
    invoice = invoice_create_draft(client=client_record, lines=lines, by=owner)
    saved = list(invoice.lines.all())
    assert invoice.subtotal == sum(line.net_amount for line in saved)
    assert invoice.tax_total == sum(line.tax_amount for line in saved)
    assert invoice.total == invoice.subtotal + invoice.tax_total
    for line in saved:
        gross = line.quantity * line.unit_amount
        if line.tax_inclusive:
            assert line.net_amount + line.tax_amount == gross
        else:
            assert line.net_amount == gross


# --- issuing --------------------------------------------------------------------------


def test_issuing_numbers_the_invoice_from_the_settings(tenant, owner, draft_invoice):
    BillingSettings.objects.update_or_create(pk=1, defaults={"next_invoice_number": 41})
    invoice = invoice_issue(invoice=draft_invoice, by=owner, send=False)
    assert (invoice.number, invoice.reference, invoice.status) == (41, "INV-00041", "open")
    assert BillingSettings.objects.get().next_invoice_number == 42


def test_issuing_freezes_the_seller_and_buyer(tenant, owner, draft_invoice):
    BillingSettings.objects.update_or_create(
        pk=1, defaults={"legal_name": "Acme Strength Ltd", "address": "1 Gym Road", "tax_id": "GB1"}
    )
    invoice = invoice_issue(invoice=draft_invoice, by=owner, send=False)
    BillingSettings.objects.update(legal_name="Renamed")
    invoice.refresh_from_db()
    assert invoice.seller["name"] == "Acme Strength Ltd"
    assert invoice.seller["tax_id"] == "GB1"
    assert invoice.buyer == {"name": "Cleo Martin", "email": "cli@acme.test"}


def test_issuing_sets_the_due_date_from_the_payment_terms(tenant, owner, draft_invoice):
    BillingSettings.objects.update_or_create(pk=1, defaults={"payment_terms_days": 30})
    invoice = invoice_issue(invoice=draft_invoice, by=owner, send=False)
    assert (invoice.due_at - invoice.issued_at).days == 30


def test_an_issued_invoice_cannot_be_edited(tenant, owner, open_invoice):
    with pytest.raises(ValidationError) as error:
        invoice_update_draft(invoice=open_invoice, by=owner, notes="changed")
    assert "status" in error.value.message_dict


def test_an_issued_invoice_cannot_be_issued_again(tenant, owner, open_invoice):
    with pytest.raises(ValidationError):
        invoice_issue(invoice=open_invoice, by=owner, send=False)


def test_an_issued_invoice_cannot_be_deleted(tenant, owner, open_invoice):
    with pytest.raises(ValidationError):
        invoice_delete_draft(invoice=open_invoice, by=owner)


def test_an_empty_draft_cannot_be_issued(tenant, owner, client_record):
    invoice = invoice_create_draft(client=client_record, lines=[], by=owner)
    with pytest.raises(ValidationError) as error:
        invoice_issue(invoice=invoice, by=owner, send=False)
    assert "lines" in error.value.message_dict
    assert BillingSettings.objects.get_or_create(pk=1)[0].next_invoice_number == 1


def test_issuing_mails_the_invoice_with_its_pdf(
    tenant, owner, draft_invoice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_issue(invoice=draft_invoice, by=owner)
    (mail,) = mailoutbox
    assert mail.to == ["cli@acme.test"]
    assert "INV-00001" in mail.subject
    (name, content, mimetype) = mail.attachments[0]
    assert (name, mimetype) == ("invoice-INV-00001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert Invoice.objects.get().emailed_at is not None


def test_a_draft_is_not_mailed(
    tenant, draft_invoice, mailoutbox, django_capture_on_commit_callbacks
):
    from billing.tasks_invoices import invoice_email_send_task

    assert invoice_email_send_task(invoice_id=draft_invoice.pk) is False
    assert mailoutbox == []


# --- paying and voiding ---------------------------------------------------------------


def test_marking_paid_records_an_offline_payment_of_the_total(tenant, owner, open_invoice):
    invoice = invoice_mark_paid(invoice=open_invoice, by=owner, method="cash")
    payment = Payment.objects.get()
    assert (invoice.status, payment.amount, payment.method, payment.invoice_id) == (
        "paid",
        12000,
        "cash",
        invoice.pk,
    )
    assert invoice.paid_at == payment.paid_at


def test_marking_paid_with_a_payment_of_another_amount_is_refused(
    tenant, open_invoice, client_record
):
    payment = _succeeded_payment(client_record, amount=100)
    with pytest.raises(ValidationError) as error:
        invoice_mark_paid(invoice=open_invoice, payment=payment)
    assert "payment" in error.value.message_dict


def test_a_draft_cannot_be_marked_paid(tenant, owner, draft_invoice):
    with pytest.raises(ValidationError):
        invoice_mark_paid(invoice=draft_invoice, by=owner, method="cash")


def test_a_paid_invoice_cannot_be_voided(tenant, owner, open_invoice):
    invoice = invoice_mark_paid(invoice=open_invoice, by=owner, method="cash")
    with pytest.raises(ValidationError):
        invoice_void(invoice=invoice, by=owner, reason="oops")


def test_a_paid_invoice_cannot_be_paid_twice(tenant, owner, open_invoice):
    invoice = invoice_mark_paid(invoice=open_invoice, by=owner, method="cash")
    with pytest.raises(ValidationError):
        invoice_mark_paid(invoice=invoice, by=owner, method="cash")
    assert Payment.objects.count() == 1


def test_voiding_needs_a_reason(tenant, owner, open_invoice):
    with pytest.raises(ValidationError) as error:
        invoice_void(invoice=open_invoice, by=owner, reason="  ")
    assert "reason" in error.value.message_dict


def test_a_void_invoice_keeps_its_number_and_the_reason(tenant, owner, open_invoice):
    invoice = invoice_void(invoice=open_invoice, by=owner, reason="Wrong client")
    assert (invoice.status, invoice.number) == ("void", 1)
    assert "Wrong client" in invoice.notes


def test_a_void_invoice_cannot_be_paid(tenant, owner, open_invoice):
    invoice = invoice_void(invoice=open_invoice, by=owner, reason="Wrong client")
    with pytest.raises(ValidationError):
        invoice_mark_paid(invoice=invoice, by=owner, method="cash")


def test_a_draft_cannot_be_voided(tenant, owner, draft_invoice):
    with pytest.raises(ValidationError):
        invoice_void(invoice=draft_invoice, by=owner, reason="x")


def test_a_coach_cannot_void_an_invoice(tenant, coach, open_invoice):
    with pytest.raises(PermissionDenied):
        invoice_void(invoice=open_invoice, by=coach, reason="x")


def test_the_next_invoice_after_a_void_one_takes_the_next_number(
    tenant, owner, open_invoice, client_record
):
    invoice_void(invoice=open_invoice, by=owner, reason="Wrong client")
    second = invoice_create_draft(
        client=client_record, lines=[InvoiceLineSpec("A", 1, 100)], by=owner
    )
    assert invoice_issue(invoice=second, by=owner, send=False).number == 2


# --- the shop's entry point -----------------------------------------------------------


def test_a_payment_gets_a_paid_numbered_invoice_of_its_amount(tenant, client_record):
    payment = _succeeded_payment(client_record, amount=6000)
    invoice = invoice_for_payment(payment=payment)
    payment.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.total, payment.invoice_id) == (
        "paid",
        1,
        6000,
        invoice.pk,
    )


def test_a_payment_invoice_splits_the_products_tax_out_of_the_amount_paid(
    tenant, client_record, vat
):
    product = ProductFactory(name="10 sessions", amount=6000, currency="EUR", tax_rate=vat)
    purchase = Purchase.objects.create(
        client=client_record, product=product, amount=6000, currency="EUR", sessions_total=10
    )
    invoice = invoice_for_payment(payment=_succeeded_payment(client_record, 6000, purchase))
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (5000, 1000, 6000)
    assert invoice.lines.get().description == "10 sessions"
    assert invoice.purchase == purchase


def test_invoicing_a_payment_twice_returns_the_same_invoice(tenant, client_record):
    payment = _succeeded_payment(client_record)
    first = invoice_for_payment(payment=payment)
    assert invoice_for_payment(payment=payment) == first
    assert Invoice.objects.count() == 1
    assert BillingSettings.objects.get().next_invoice_number == 2


def test_a_failed_payment_gets_no_invoice(tenant, client_record):
    payment = Payment.objects.create(
        client=client_record, amount=100, currency="EUR", method="card", status="failed"
    )
    with pytest.raises(ValidationError):
        invoice_for_payment(payment=payment)
    assert not Invoice.objects.exists()


def test_lines_that_do_not_add_up_to_the_payment_are_refused(tenant, client_record):
    payment = _succeeded_payment(client_record, amount=6000)
    with pytest.raises(ValidationError):
        invoice_for_payment(payment=payment, lines=[InvoiceLineSpec("A", 1, 5000)])
    assert not Invoice.objects.exists()
    assert BillingSettings.objects.get_or_create(pk=1)[0].next_invoice_number == 1


def test_invoices_of_one_business_do_not_share_numbers_with_another(
    business, other_business, open_invoice, zen_invoice
):
    with tenant_context(other_business):
        assert Invoice.objects.get().number == 1
    with tenant_context(business):
        assert Invoice.objects.get().number == 1
