"""Worker tasks: invoices (imported by ``billing.tasks`` so the worker registers them).

The invoice service queues ``invoice_email_send_task`` by its registered name, so
only this module imports the service."""

from mectofitness.celery import app

from .models import Invoice
from .services.invoices import invoice_email_send

__all__ = ["invoice_email_send_task"]


@app.task
def invoice_email_send_task(*, invoice_id: int) -> bool:
    """E-mail an issued invoice with its PDF to the client."""
    invoice = Invoice.objects.select_related("client").filter(pk=invoice_id).first()
    if invoice is None:
        return False
    return invoice_email_send(invoice=invoice)
