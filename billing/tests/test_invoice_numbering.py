"""Invoice numbers under concurrency: threads issuing at once, on committed data."""

import threading

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import BillingSettings, Invoice, Payment
from tenants.models import Business

THREADS = 6
PER_THREAD = 3


def test_invoices_issued_at_once_get_consecutive_numbers_without_gaps_or_duplicates(committed):
    from accounts.models import User
    from billing.services.invoices import (
        InvoiceLineSpec,
        invoice_create_draft,
        invoice_for_payment,
        invoice_issue,
    )
    from clients.tests.factories import ClientFactory

    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        client = ClientFactory(first_name="Numbers", email="numbers@acme.test")
        start = BillingSettings.objects.get_or_create(pk=1)[0].next_invoice_number
        drafts = [
            invoice_create_draft(client=client, lines=[InvoiceLineSpec("A", 1, 100)], by=owner)
            for _ in range(THREADS * PER_THREAD)
        ]
        payments = [
            Payment.objects.create(
                client=client,
                amount=500,
                currency="USD",
                method="cash",
                status="succeeded",
                paid_at=timezone.now(),
            )
            for _ in range(THREADS)
        ]
    barrier = threading.Barrier(THREADS)
    errors = []

    def issue(index):
        try:
            with tenant_context(business):
                barrier.wait()
                for draft in drafts[index * PER_THREAD : (index + 1) * PER_THREAD]:
                    invoice_issue(invoice=draft, by=owner, send=False)
                # the shop's invoices share the sequence; invoicing a payment twice at once
                invoice_for_payment(payment=payments[index])
                invoice_for_payment(payment=payments[(index + 1) % THREADS])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        with tenant_context(business):
            numbers = sorted(Invoice.objects.filter(client=client).values_list("number", flat=True))
            expected = THREADS * PER_THREAD + THREADS
            assert numbers == list(range(start, start + expected))
            assert BillingSettings.objects.get().next_invoice_number == start + expected
    finally:
        with tenant_context(business):
            Payment.objects.filter(client=client).delete()
            Invoice.objects.filter(client=client).delete()
            BillingSettings.objects.filter(pk=1).update(next_invoice_number=start)
            client.delete()
