"""Back office: record money received by hand, and refund a payment (the owner only).

The routes sit under the payments' list (``/admin/billing/payment/record/`` and
``/admin/billing/payment/<pk>/refund/``) and keep their names.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import is_owner
from billing.forms import OfflinePaymentForm, RefundForm
from billing.models import Payment
from billing.selectors import payments_for
from billing.services import payments, refunds
from billing.services.money import currency_exponent, money_format
from mectofitness.core.forms import form_errors_add

from ..chrome import render_page


def urls(site):
    return [
        path(
            "billing/payment/record/",
            site.admin_view(record_view),
            name="billing_payment_record",
        ),
        path(
            "billing/payment/<int:pk>/refund/",
            site.admin_view(refund_view),
            name="billing_payment_refund",
        ),
    ]


def record_view(request):
    """Record money received by hand (cash, bank transfer), optionally for a product."""
    if not is_owner(request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
    form = OfflinePaymentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        paid_on = data["paid_on"]
        paid_at = None
        if paid_on != timezone.localdate():
            paid_at = timezone.make_aware(dt.datetime.combine(paid_on, dt.time(12)))
        try:
            payment = payments.payment_record_offline(
                client=data["client"],
                product=data.get("product"),
                amount=data.get("amount"),
                method=data["method"],
                paid_at=paid_at,
                note=data.get("note", ""),
                by=request.user,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(
                request,
                _("Recorded %(amount)s from %(client)s.")
                % {
                    "amount": money_format(payment.amount, payment.currency),
                    "client": payment.client,
                },
            )
            return redirect("backoffice:billing_payment_change", payment.pk)
    context = {"title": _("Record a payment"), "opts": Payment._meta, "form": form}
    return render_page(
        request,
        "billing/backoffice/shop_payment_record.html",
        context,
        status=400 if form.errors else 200,
    )


def refund_view(request, pk: int):
    """Refund all or part of a payment (card: through Stripe; offline: recorded)."""
    if not is_owner(request.user):
        raise PermissionDenied
    payment = payments_for(user=request.user).filter(pk=pk).first()
    if payment is None:
        raise Http404
    form = RefundForm(request.POST or None, currency=payment.currency)
    if request.method == "POST" and form.is_valid():
        try:
            refund = refunds.payment_refund(
                payment=payment,
                amount=form.cleaned_data.get("amount"),
                reason=form.cleaned_data.get("reason", ""),
                by=request.user,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(
                request,
                _("Refunded %(amount)s.")
                % {"amount": money_format(refund.amount, payment.currency)},
            )
            return redirect("backoffice:billing_payment_change", payment.pk)
    context = {
        "title": _("Refund a payment"),
        "opts": Payment._meta,
        "form": form,
        "payment": payment,
        "paid": money_format(payment.amount, payment.currency),
        "left": money_format(payment.amount - payment.refunded_amount, payment.currency),
        "exponent": currency_exponent(payment.currency),
    }
    return render_page(
        request,
        "billing/backoffice/shop_payment_refund.html",
        context,
        status=400 if form.errors else 200,
    )
