"""Billing portal pages: the shop (``/shop/``) and the client's billing (``/billing/``),
plus the two public-domain endpoints of Stripe Connect (the webhook and the OAuth
redirect), which ``mectofitness/urls_public.py`` mounts."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import portal_client_required
from mectofitness.core.context_processors import business_url
from tenants.models import Business

from ..models import Payment, Product, Purchase
from ..selectors import portal_customer_for, products_on_sale
from ..services.checkout import checkout_purchase_cancel, checkout_return, checkout_start
from ..services.common import payments_ready
from ..services.connect import connect_state_read
from ..services.invoices import billing_settings_get
from ..services.money import money_format
from ..services.portal import card_portal_start
from ..services.webhooks import connect_event_receive

CONNECT_RETURN_PATH = "/admin/billing/product/connect/oauth/"


portal_client = portal_client_required(section=gettext_lazy("The shop and your billing"))


def _price(product: Product) -> str:
    return money_format(product.amount, product.currency)


@portal_client
@require_GET
def shop(request):
    """What the business sells, with a Buy button each (card payments through Stripe)."""
    products = list(products_on_sale())
    for product in products:
        product.price_display = _price(product)
    return render(
        request,
        "billing/portal/shop.html",
        {"products": products, "payments_ready": payments_ready()},
    )


@portal_client
@require_POST
def shop_buy(request, product_id: int):
    """Start Stripe Checkout for one product; a pending purchase waits for the payment."""
    product = Product.objects.filter(pk=product_id, is_active=True).first()
    if product is None:
        messages.error(request, _("This product is no longer on sale."))
        return redirect("portal_shop")
    success = request.build_absolute_uri(reverse("portal_shop_return"))
    cancel = request.build_absolute_uri(reverse("portal_shop_cancel", args=[0]))
    try:
        started = checkout_start(
            client=request.client,
            product=product,
            by=request.user,
            success_url=success + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=cancel.replace("/0/", "/{PURCHASE_ID}/"),
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("portal_shop")
    return redirect(started.url, permanent=False)


@never_cache
@portal_client
@require_GET
def shop_return(request):
    """Back from Checkout: the session is re-fetched from Stripe, never trusted from the URL."""
    session_id = request.GET.get("session_id", "")
    purchase = checkout_return(session_id=session_id, client=request.client) if session_id else None
    if purchase is None:
        messages.error(request, _("We could not find that payment. Nothing was charged here."))
        return redirect("portal_shop")
    if purchase.status == Purchase.Status.PENDING:
        messages.info(
            request,
            _("Your payment is being confirmed. It shows here as soon as Stripe tells us."),
        )
    else:
        messages.success(
            request,
            _("Thank you! %(product)s is yours.") % {"product": purchase.product.name},
        )
    return redirect("portal_billing")


@portal_client
@require_http_methods(["GET", "POST"])
def shop_cancel(request, purchase_id: int):
    """Back from Checkout without paying. Stripe's cancel link is a GET, and a GET
    changes nothing: it asks; the button (POST) cancels the pending purchase."""
    purchase = (
        Purchase.objects.select_related("product")
        .filter(pk=purchase_id, client=request.client)
        .first()
    )
    if purchase is None:
        raise Http404
    if purchase.status != Purchase.Status.PENDING:
        return redirect("portal_shop")
    if request.method == "POST":
        checkout_purchase_cancel(purchase_id=purchase.pk, client=request.client)
        messages.info(request, _("Order cancelled. You have not been charged."))
        return redirect("portal_shop")
    purchase.price_display = money_format(purchase.amount, purchase.currency)
    return render(request, "billing/portal/shop_cancel.html", {"purchase": purchase})


@portal_client
@require_GET
def billing_home(request):
    """My packages and balances, monthly coaching, and the payments I made."""
    client = request.client
    purchases = list(
        Purchase.objects.filter(client=client)
        .exclude(status__in=[Purchase.Status.PENDING, Purchase.Status.CANCELLED])
        .select_related("product")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("-created_at")))
        .order_by("-created_at")
    )
    for purchase in purchases:
        purchase.price_display = money_format(purchase.amount, purchase.currency)
    packs = [
        p
        for p in purchases
        if p.sessions_total is not None
        and p.status in (Purchase.Status.ACTIVE, Purchase.Status.USED_UP, Purchase.Status.EXPIRED)
    ]
    active_packs = [p for p in packs if p.status == Purchase.Status.ACTIVE]
    monthly = [
        p
        for p in purchases
        if p.product.kind == Product.Kind.MONTHLY
        and p.status in (Purchase.Status.ACTIVE, Purchase.Status.PAST_DUE)
    ]
    others = [p for p in purchases if p not in packs and p not in monthly]
    payments = list(
        Payment.objects.filter(client=client)
        .exclude(status=Payment.Status.PENDING)
        .select_related("purchase__product", "invoice")
        .order_by("-created_at")[:50]
    )
    for payment in payments:
        payment.amount_display = money_format(payment.amount, payment.currency)
        payment.refunded_display = (
            money_format(payment.refunded_amount, payment.currency)
            if payment.refunded_amount
            else ""
        )
    # "Manage card and subscription" only for a client Stripe knows (they paid monthly
    # coaching by card), and with the business's cancellation rule
    has_card = bool(monthly and getattr(request.tenant, "stripe_account_id", None)) and bool(
        portal_customer_for(client=client)
    )
    return render(
        request,
        "billing/portal/shop_billing.html",
        {
            "has_card": has_card,
            "clients_may_cancel": billing_settings_get().clients_may_cancel,
            "coach": client.primary_coach,
            "active_packs": active_packs,
            "past_packs": [p for p in packs if p.status != Purchase.Status.ACTIVE],
            "monthly": monthly,
            "others": others,
            "payments": payments,
            "sessions_left": sum(p.sessions_left or 0 for p in active_packs),
        },
    )


@portal_client
@require_POST
def billing_manage(request):
    """The billing page's "Manage card and subscription": Stripe's customer portal on
    the business's account, for the client's own customer; back here when done."""
    try:
        url = card_portal_start(
            client=request.client,
            by=request.user,
            return_url=request.build_absolute_uri(reverse("portal_billing")),
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("portal_billing")
    return redirect(url, permanent=False)


# --- public domain: Stripe Connect ---------------------------------------------------


@csrf_exempt
@require_POST
def connect_webhook(request):
    """Stripe's Connect events for every business's account, routed by ``account``."""
    status = connect_event_receive(
        payload=request.body, signature=request.headers.get("Stripe-Signature", "")
    )
    return HttpResponse(status=status)


@require_GET
def connect_oauth_return(request):
    """Stripe's OAuth page sends the owner here (one fixed URL); the signed ``state``
    says which business, and the owner goes on to that business's back office,
    where the code is exchanged under their own session."""
    try:
        state = connect_state_read(request.GET.get("state", ""))
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    business = Business.objects.filter(pk=state.get("b"), schema_name=state.get("s")).first()
    if business is None:
        raise Http404
    params = {
        key: request.GET[key]
        for key in ("code", "state", "error", "error_description")
        if key in request.GET
    }
    return redirect(business_url(business.slug, CONNECT_RETURN_PATH) + "?" + urlencode(params))


urlpatterns = [
    path("shop/", shop, name="portal_shop"),
    path("shop/<int:product_id>/buy/", shop_buy, name="portal_shop_buy"),
    path("shop/return/", shop_return, name="portal_shop_return"),
    path("shop/cancel/<int:purchase_id>/", shop_cancel, name="portal_shop_cancel"),
    path("billing/", billing_home, name="portal_billing"),
    path("billing/manage/", billing_manage, name="portal_billing_manage"),
]
