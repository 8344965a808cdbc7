"""Billing portal pages: the client's invoices (``/billing/invoices/``), one invoice,
and the PDF of an invoice, which staff who may see it download from here too."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.policies import portal_client_required

from ..pdf import invoice_pdf_filename
from ..selectors import invoice_list_for_portal, invoice_queryset_for
from ..services.invoices import invoice_pdf

# staff go to the back office's invoices
portal_client = portal_client_required(
    section=gettext_lazy("Your invoices"), staff_redirect="/admin/billing/invoice/"
)


def _private(response: HttpResponse) -> HttpResponse:
    # money and names: never kept by a shared cache, nor by the browser
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


@portal_client
@require_GET
def invoice_list(request):
    """My invoices, newest first, with their status and totals."""
    client = request.client
    invoices = list(invoice_list_for_portal(user=request.user))
    open_invoices = [i for i in invoices if i.status == "open"]
    context = {
        "client": client,
        "invoices": invoices,
        "open_count": len(open_invoices),
        "open_total": sum(i.total for i in open_invoices),
        "open_currency": open_invoices[0].currency if open_invoices else "",
    }
    return _private(render(request, "billing/portal/invoice_list.html", context))


@portal_client
@require_GET
def invoice_detail(request, pk: int):
    """One of my invoices: parties, lines, taxes, totals, status and the PDF link."""
    client = request.client
    invoice = (
        invoice_queryset_for(user=request.user).prefetch_related("lines").filter(pk=pk).first()
    )
    if invoice is None:
        raise Http404
    taxes: dict[tuple, int] = {}
    for line in invoice.lines.all():
        if line.tax_rate_bp:
            key = (line.tax_name, line.tax_rate_bp, line.tax_inclusive)
            taxes[key] = taxes.get(key, 0) + line.tax_amount
    context = {
        "client": client,
        "invoice": invoice,
        "taxes": [
            {"name": name, "rate_bp": bp, "inclusive": inc, "amount": amount}
            for (name, bp, inc), amount in taxes.items()
        ],
        "payments": invoice.payments.filter(status="succeeded").order_by("paid_at"),
    }
    return _private(render(request, "billing/portal/invoice_detail.html", context))


@login_required
@require_GET
def invoice_pdf_download(request, pk: int):
    """The invoice as a PDF for anyone who may see it (client: own; staff: by role)."""
    invoice = invoice_queryset_for(user=request.user).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    response = HttpResponse(
        invoice_pdf(invoice=invoice, business=request.tenant), content_type="application/pdf"
    )
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{invoice_pdf_filename(invoice)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


urlpatterns = [
    path("billing/invoices/", invoice_list, name="portal_invoices"),
    path("billing/invoices/<int:pk>/", invoice_detail, name="portal_invoice"),
    path("billing/invoices/<int:pk>/pdf/", invoice_pdf_download, name="invoice_pdf"),
]
