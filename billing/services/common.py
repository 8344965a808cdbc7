"""What the shop's services share: the business this connection is in, the Stripe
call arguments for its connected account, its currency, and Stripe's objects and
messages as the services read them.

Clients pay into the business's own Stripe account (Connect): every Stripe call
about the shop carries ``stripe_account=<the business's account>``
(``stripe_kwargs(account)``).
"""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner
from tenants.models import Business

log = logging.getLogger(__name__)


def require_owner(user: User | None, message: str | None = None) -> None:
    if not is_owner(user):
        raise PermissionDenied(message or _("Only the owner can do this."))


def current_business() -> Business:
    """The business whose schema this connection is in, fresh from the database."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        raise RuntimeError("the shop runs inside a business's schema")
    return Business.objects.get(pk=tenant.pk)


def stripe_api_key() -> str | None:
    """The platform's secret key; None lets the library use ``stripe.api_key``."""
    key = (
        settings.STRIPE_LIVE_SECRET_KEY
        if settings.STRIPE_LIVE_MODE
        else (settings.STRIPE_TEST_SECRET_KEY)
    )
    return key or None


def stripe_kwargs(account: str | None = None, **extra) -> dict:
    kwargs = {"api_key": stripe_api_key(), **extra}
    if account:
        kwargs["stripe_account"] = account
    return kwargs


def business_currency() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "currency", None) or "USD"


def payments_ready(business: Business | None = None) -> bool:
    """Whether clients can pay by card now: connected and allowed to take charges."""
    business = business or current_business()
    return bool(business.stripe_account_id and business.stripe_charges_enabled)


def stripe_message(exc: stripe.StripeError) -> str:
    return getattr(exc, "user_message", None) or str(exc) or _("Stripe refused the request.")


def stripe_id(value) -> str | None:
    """A Stripe reference that may be an id or an expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def stripe_object(obj: dict, retrieve, account: str | None) -> dict | None:
    """``obj`` as Stripe has it now, re-fetched on the connected account (as dj-stripe
    does for every event): Stripe does not deliver events in order, so the state in
    an event may be older than one already applied. A network call; None when Stripe
    no longer has the object; any other Stripe error propagates, so the event is
    kept with its error and Stripe delivers it again. Without an account (a caller
    outside the webhook) the event's own copy is used."""
    if not account or not obj.get("id"):
        return obj
    try:
        fresh = retrieve(obj["id"], **stripe_kwargs(account))
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "code", None) == "resource_missing":
            log.warning("stripe object %s is gone from %s: event ignored", obj["id"], account)
            return None
        raise
    return fresh.to_dict() if hasattr(fresh, "to_dict") else dict(fresh)
