"""The owner's Billing page: the business's plan with us, status, usage, and the way
to Stripe Checkout and the customer portal.

Reachable while the business is suspended or cancelled (see
``tenants.middleware``), so the owner can pay and reopen it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.policies import is_owner
from billing.platform import selectors, services
from billing.platform.models import Plan

from ..chrome import owner_only, page_context

LIMIT_ROWS = [
    ("clients", _("Active clients (active or onboarding)"), "max_active_clients"),
    ("coaches", _("Coaches (you included)"), "max_coaches"),
    ("storage", _("Storage (MB)"), "storage_mb"),
]


def urls(site):
    return [path("billing/", site.admin_view(billing_view), name="billing")]


def billing_view(request):
    """GET: the page. POST ``action`` = subscribe | change (with ``plan``) | portal."""
    if not is_owner(request.user):
        return owner_only(request, _("Billing"))
    business = request.tenant
    if request.method == "POST":
        response = _act(request, business)
        if response is not None:
            return response
        status = 400
    else:
        status = 200
        if request.GET.get("checkout") == "success":
            messages.success(
                request,
                _("Thank you! Your subscription starts as soon as Stripe confirms the payment."),
            )
    return render(
        request, "platform_billing/billing.html", _context(request, business), status=status
    )


def _act(request, business):
    """Carry out a POST; a redirect on success, None (with a message) on a problem."""
    page = request.build_absolute_uri(reverse("backoffice:billing"))
    action = request.POST.get("action", "")
    try:
        if action in ("subscribe", "change"):
            plan = Plan.objects.filter(key=request.POST.get("plan", ""), is_public=True).first()
            if plan is None:
                raise ValidationError({"plan": _("Choose one of the plans below.")})
            if action == "subscribe":
                url = services.checkout_session_create(
                    business=business,
                    plan=plan,
                    success_url=f"{page}?checkout=success",
                    cancel_url=page,
                )
                return HttpResponseRedirect(url)
            services.subscription_change_plan(business=business, plan=plan)
            messages.success(
                request,
                _("You are now on the %(plan)s plan. Stripe prorates the difference.")
                % {"plan": plan.name},
            )
            return redirect("backoffice:billing")
        if action == "portal":
            return HttpResponseRedirect(
                services.portal_session_create(business=business, return_url=page)
            )
        raise ValidationError({None: _("Unknown action.")})
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return None


def _context(request, business) -> dict:
    business.refresh_from_db()
    plan = selectors.plan_for_business(business)
    subscription = selectors.subscription_for_business(business)
    live = subscription is not None and (
        subscription.stripe_data.get("status") not in selectors.ENDED_STATUSES
    )
    usage = selectors.usage_for_business(business)
    used = {"clients": usage.clients, "coaches": usage.coaches, "storage": usage.storage_mb}
    rows = []
    for kind, label, _field in LIMIT_ROWS:
        limit = plan.limit(kind) if plan else None
        value = used[kind]
        percent = min(100, value * 100 // limit) if limit and value is not None else None
        rows.append(
            {
                "label": label,
                "used": value,
                "limit": limit,
                "percent": percent,
                "over": limit is not None and value is not None and value > limit,
            }
        )
    plans = selectors.plan_list_public()
    for each in plans:
        each.is_current = live and plan is not None and each.pk == plan.pk
        each.too_small = any(
            (
                each.limit(kind) is not None
                and used[kind] is not None
                and used[kind] > each.limit(kind)
            )
            for kind in ("clients", "coaches")
        )
    period_end = subscription.stripe_data.get("current_period_end") if live else None
    if period_end:
        period_end = dt.datetime.fromtimestamp(int(period_end), tz=dt.UTC)
    return page_context(
        request,
        title=_("Billing"),
        business=business,
        plan=plan,
        plans=plans,
        rows=rows,
        subscription=subscription if live else None,
        period_end=period_end,
        has_customer=selectors.customer_for_business(business) is not None,
        trial_ended=business.status == business.Status.SUSPENDED and not live,
    )
