"""Back office: an invoice's actions. The owner issues a draft (it is numbered and
e-mailed), marks an open invoice paid (an offline payment is recorded) or voids
it with a reason; whoever may see the invoice opens its PDF.

The routes sit under the invoices' list (``/admin/billing/invoice/<pk>/issue/``
and kin) and keep their names.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.policies import is_owner, sees_billing
from billing.forms import PayForm, VoidForm
from billing.models import Invoice
from billing.selectors import invoice_queryset_for
from billing.services import invoices, payments
from billing.services.money import money_format
from mectofitness.core.forms import form_errors_add

from ..chrome import render_page


def urls(site):
    return [
        path(
            "billing/invoice/<int:pk>/issue/",
            site.admin_view(issue_view),
            name="billing_invoice_issue",
        ),
        path(
            "billing/invoice/<int:pk>/pay/", site.admin_view(pay_view), name="billing_invoice_pay"
        ),
        path(
            "billing/invoice/<int:pk>/void/",
            site.admin_view(void_view),
            name="billing_invoice_void",
        ),
        path(
            "billing/invoice/<int:pk>/pdf/", site.admin_view(pdf_view), name="billing_invoice_pdf"
        ),
    ]


def _invoice(request, pk: int) -> Invoice:
    """The invoice an owner acts on (403 for anyone else, 404 if it is not there)."""
    if not is_owner(request.user):
        raise PermissionDenied
    invoice = invoice_queryset_for(user=request.user).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def _change_url(invoice: Invoice) -> str:
    return reverse("backoffice:billing_invoice_change", args=[invoice.pk])


def _action(request, invoice, *, title, form, button, run, done, danger=False):
    """GET: the confirmation page. POST: ``run`` the service with the form's data, back to
    the invoice on success; a refusal shows on the form (or, without one, as a message)."""
    status = 200
    if request.method == "POST":
        if form is None or form.is_valid():
            try:
                run(form.cleaned_data if form is not None else {})
            except ValidationError as exc:
                if form is None:
                    messages.error(request, " ".join(exc.messages))
                    return redirect(_change_url(invoice))
                form_errors_add(form, exc)
                status = 400
            else:
                messages.success(request, done)
                return redirect(_change_url(invoice))
        else:
            status = 400
    context = {
        "title": title,
        "invoice": invoice,
        "total": money_format(invoice.total, invoice.currency),
        "form": form,
        "button": button,
        "danger": danger,
        "opts": Invoice._meta,
        "change_url": _change_url(invoice),
    }
    return render_page(request, "billing/backoffice/invoice_action.html", context, status=status)


def issue_view(request, pk: int):
    invoice = _invoice(request, pk)
    return _action(
        request,
        invoice,
        title=_("Issue this invoice"),
        form=None,
        button=_("Issue and e-mail it"),
        run=lambda data: invoices.invoice_issue(invoice=invoice, by=request.user),
        done=_("Invoice issued; it is on its way to the client."),
    )


def pay_view(request, pk: int):
    invoice = _invoice(request, pk)
    return _action(
        request,
        invoice,
        title=_("Mark as paid"),
        form=PayForm(request.POST or None),
        button=_("Record the payment"),
        run=lambda data: payments.invoice_mark_paid(
            invoice=invoice, by=request.user, method=data["method"], note=data["note"]
        ),
        done=_("Payment recorded; the invoice is paid."),
    )


def void_view(request, pk: int):
    invoice = _invoice(request, pk)
    return _action(
        request,
        invoice,
        title=_("Void this invoice"),
        form=VoidForm(request.POST or None),
        button=_("Void the invoice"),
        run=lambda data: invoices.invoice_void(
            invoice=invoice, by=request.user, reason=data["reason"]
        ),
        done=_("Invoice voided. Its number stays used."),
        danger=True,
    )


def pdf_view(request, pk: int):
    """The invoice's PDF, for whoever may see the invoice (404 for anyone else)."""
    if (
        not sees_billing(request.user, request=request)
        or not invoice_queryset_for(user=request.user).filter(pk=pk).exists()
    ):
        raise Http404
    return HttpResponseRedirect(reverse("invoice_pdf", args=[pk]))
