"""Back office: Payments settings, how clients pay this business (Stripe Connect).

The owner links an existing Stripe account through OAuth, or creates one through
Express onboarding, checks it again, or disconnects it. The routes sit under the
products' list (``/admin/billing/product/connect/``) and keep their names
(``backoffice:billing_connect`` and kin).
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.policies import is_owner
from billing.models import Product
from billing.services import common, connect
from mectofitness.core.context_processors import public_url

from ..chrome import owner_only, render_page

NONCE_KEY = "billing_connect_nonce"
PREFIX = "billing/product/connect/"


def urls(site):
    return [
        path(PREFIX, site.admin_view(connect_view), name="billing_connect"),
        path(f"{PREFIX}oauth/", site.admin_view(connect_oauth_view), name="billing_connect_oauth"),
        path(
            f"{PREFIX}express/return/",
            site.admin_view(connect_express_return_view),
            name="billing_connect_express_return",
        ),
        path(
            f"{PREFIX}express/refresh/",
            site.admin_view(connect_express_refresh_view),
            name="billing_connect_express_refresh",
        ),
    ]


def _back():
    return redirect("backoffice:billing_connect")


def connect_view(request):
    """GET: the Payments settings page. POST ``action`` = link | express | refresh | disconnect."""
    if not is_owner(request.user):
        return owner_only(request, _("Payments"))
    business = common.current_business()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "link":
                nonce = secrets.token_urlsafe(16)
                request.session[NONCE_KEY] = nonce
                return redirect(
                    connect.connect_oauth_url(
                        business=business,
                        user=request.user,
                        redirect_uri=public_url("/stripe/connect/oauth/"),
                        nonce=nonce,
                    )
                )
            if action == "express":
                return redirect(_express_link(request))
            if action == "refresh":
                connect.connect_refresh(business=business)
                messages.success(request, _("Checked with Stripe."))
            elif action == "disconnect":
                connect.connect_disconnect(business=business, by=request.user)
                messages.success(
                    request,
                    _(
                        "Stripe is disconnected. "
                        "Clients cannot pay by card until you connect again."
                    ),
                )
            else:
                messages.error(request, _("Choose what to do."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return _back()
    context = {
        "title": _("Payments"),
        "opts": Product._meta,
        "business": business,
        "oauth_available": bool(settings.STRIPE_CONNECT_CLIENT_ID),
        "products_url": reverse("backoffice:billing_product_changelist"),
    }
    return render_page(request, "billing/backoffice/shop_connect.html", context)


def _express_link(request) -> str:
    return connect.connect_express_start(
        business=common.current_business(),
        user=request.user,
        return_url=request.build_absolute_uri(reverse("backoffice:billing_connect_express_return")),
        refresh_url=request.build_absolute_uri(
            reverse("backoffice:billing_connect_express_refresh")
        ),
    )


def connect_oauth_view(request):
    """Back from Stripe's OAuth page (via the public domain's fixed redirect URI)."""
    if not is_owner(request.user):
        return owner_only(request, _("Payments"))
    if request.GET.get("error"):
        messages.error(
            request,
            _("Stripe did not connect the account: %(why)s")
            % {"why": request.GET.get("error_description") or request.GET["error"]},
        )
        return _back()
    try:
        connect.connect_oauth_complete(
            business=common.current_business(),
            user=request.user,
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
            nonce=request.session.pop(NONCE_KEY, ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your Stripe account is connected."))
    return _back()


def connect_express_return_view(request):
    """Back from Express onboarding: ask Stripe whether the account can take payments."""
    if not is_owner(request.user):
        return owner_only(request, _("Payments"))
    try:
        ready = connect.connect_refresh(business=common.current_business())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if ready:
            messages.success(request, _("Your Stripe account is ready: clients can pay by card."))
        else:
            messages.warning(
                request,
                _("Stripe still needs some details before clients can pay. Continue the set-up."),
            )
    return _back()


def connect_express_refresh_view(request):
    """Stripe's onboarding link expired: make a new one for the account already
    made. Stripe sends the owner here with a GET, and a GET never creates an account:
    without one, this is the Payments page (its button, a POST, starts one)."""
    if not is_owner(request.user):
        return owner_only(request, _("Payments"))
    if not common.current_business().stripe_account_id:
        return _back()
    try:
        return redirect(_express_link(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back()
