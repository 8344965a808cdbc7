"""Back office: revenue. MRR, revenue by month and product, outstanding invoices and
failed payments, worked out from the ledger (``billing.selectors.revenue_summary``).

The owner sees the whole business; a coach, only when the owner lets coaches see
billing, and then their own clients'. The route sits under the invoices' list
(``/admin/billing/invoice/revenue/``) and keeps its name.
"""

from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_owner, sees_billing
from billing.models import Invoice
from billing.selectors import revenue_summary
from billing.services.money import currency_exponent

from ..chrome import render_page


def urls(site):
    return [
        path("billing/invoice/revenue/", site.admin_view(revenue_view), name="billing_revenue"),
    ]


def revenue_view(request):
    """MRR, revenue by month and product, outstanding invoices, failed payments."""
    if not sees_billing(request.user, request=request):
        return render_page(
            request,
            "billing/backoffice/revenue_forbidden.html",
            {"title": _("Revenue")},
            status=403,
        )
    summary = revenue_summary(user=request.user)
    currency = summary.currency
    chart = {
        "currency": currency,
        "months": [m.month.isoformat() for m in summary.months],
        "net": [m.net for m in summary.months],
        "refunded": [m.refunded for m in summary.months],
        "products": [p.name or str(_("Other payments")) for p in summary.products],
        "productNet": [p.net for p in summary.products],
        "exponent": currency_exponent(currency),
    }
    context = {
        "title": _("Revenue"),
        "summary": summary,
        "chart": chart,
        "is_owner": is_owner(request.user),
        "opts": Invoice._meta,
    }
    return render_page(request, "billing/backoffice/revenue.html", context)
