"""Stripe Connect: the owner links an existing Stripe account (OAuth) or creates an
Express one, refreshes whether it can take charges, or disconnects it; Stripe's
``account.*`` events keep the business's flags in step.
"""

from __future__ import annotations

import logging
import secrets

import stripe
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from tenants.models import Business

from ..models import Product
from .common import require_owner, stripe_api_key, stripe_kwargs, stripe_message

log = logging.getLogger(__name__)


OAUTH_STATE_SALT = "billing.connect.oauth"
OAUTH_STATE_MAX_AGE = 15 * 60  # seconds the owner has to finish on Stripe's page


def connect_state_make(*, business: Business, user: User, nonce: str) -> str:
    """A signed, expiring ``state`` for Stripe's OAuth page: it carries the business
    (the redirect URI is one fixed URL on the public domain) and a nonce kept in
    the owner's session, so a code can only complete the flow that asked for it."""
    return signing.dumps(
        {"b": business.pk, "s": business.schema_name, "u": user.pk, "n": nonce},
        salt=OAUTH_STATE_SALT,
        compress=True,
    )


def connect_state_read(state: str) -> dict:
    """The state's payload; ``ValidationError`` when forged or older than 15 minutes."""
    try:
        return signing.loads(state or "", salt=OAUTH_STATE_SALT, max_age=OAUTH_STATE_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"state": _("The link to Stripe expired. Start again.")}) from None
    except signing.BadSignature:
        raise ValidationError({"state": _("This Stripe link is not valid.")}) from None


def connect_oauth_url(*, business: Business, user: User, redirect_uri: str, nonce: str) -> str:
    """Stripe's page where the owner signs in to an existing account and connects it."""
    require_owner(user)
    if not settings.STRIPE_CONNECT_CLIENT_ID:
        raise ValidationError(
            {"__all__": _("Linking an existing Stripe account is not configured on this site.")}
        )
    url = stripe.OAuth.authorize_url(
        client_id=settings.STRIPE_CONNECT_CLIENT_ID,
        scope="read_write",
        redirect_uri=redirect_uri,
        state=connect_state_make(business=business, user=user, nonce=nonce),
        stripe_user={"email": user.email, "business_name": business.name},
    )
    # the library fixes the OAuth host at import; follow the configured one (the stand-in)
    return url.replace("https://connect.stripe.com", stripe.connect_api_base, 1)


def _account_store(business: Business, account_id: str) -> None:
    if Business.objects.filter(stripe_account_id=account_id).exclude(pk=business.pk).exists():
        raise ValidationError(
            {"__all__": _("This Stripe account is already connected to another business.")}
        )
    try:
        account = stripe.Account.retrieve(account_id, **stripe_kwargs())
        charges = bool(account.get("charges_enabled"))
    except stripe.StripeError:
        log.warning("could not fetch connected account %s", account_id, exc_info=True)
        charges = False
    try:
        with transaction.atomic():
            Business.objects.filter(pk=business.pk).update(
                stripe_account_id=account_id, stripe_charges_enabled=charges
            )
    except IntegrityError:
        raise ValidationError(
            {"__all__": _("This Stripe account is already connected to another business.")}
        ) from None
    business.stripe_account_id, business.stripe_charges_enabled = account_id, charges


def connect_oauth_complete(
    *, business: Business, user: User, code: str, state: str, nonce: str
) -> None:
    """Exchange Stripe's code for the owner's account id and keep it on the business."""
    require_owner(user)
    payload = connect_state_read(state)
    if payload.get("b") != business.pk or payload.get("u") != user.pk:
        raise ValidationError({"state": _("This Stripe link was started by someone else.")})
    if not nonce or not secrets.compare_digest(str(payload.get("n", "")), nonce):
        raise ValidationError({"state": _("This Stripe link was started in another browser.")})
    if not code:
        raise ValidationError({"code": _("Stripe did not send an authorisation code.")})
    try:
        token = stripe.OAuth.token(
            grant_type="authorization_code", code=code, api_key=stripe_api_key()
        )
    except stripe.StripeError as exc:
        raise ValidationError({"__all__": stripe_message(exc)}) from None
    account_id = token.get("stripe_user_id")
    if not account_id:
        raise ValidationError({"__all__": _("Stripe did not say which account was connected.")})
    _account_store(business, account_id)


def connect_express_start(
    *, business: Business, user: User, return_url: str, refresh_url: str
) -> str:
    """Create an Express account for the business (once) and return its onboarding link."""
    require_owner(user)
    account_id = business.stripe_account_id
    try:
        if not account_id:
            params = {
                "type": "express",
                "email": user.email,
                "business_profile": {"name": business.name},
                "capabilities": {
                    "card_payments": {"requested": True},
                    "transfers": {"requested": True},
                },
                "metadata": {"business_schema": business.schema_name},
            }
            if settings.STRIPE_CONNECT_EXPRESS_COUNTRY:
                params["country"] = settings.STRIPE_CONNECT_EXPRESS_COUNTRY
            account = stripe.Account.create(
                **params,
                **stripe_kwargs(idempotency_key=f"mf-express-{business.schema_name}"),
            )
            account_id = account["id"]
            Business.objects.filter(pk=business.pk).update(
                stripe_account_id=account_id, stripe_charges_enabled=False
            )
            business.stripe_account_id, business.stripe_charges_enabled = account_id, False
        link = stripe.AccountLink.create(
            account=account_id,
            refresh_url=refresh_url,
            return_url=return_url,
            type="account_onboarding",
            **stripe_kwargs(),
        )
    except stripe.StripeError as exc:
        raise ValidationError({"__all__": stripe_message(exc)}) from None
    return link["url"]


def connect_refresh(*, business: Business) -> bool:
    """Re-fetch the connected account and keep whether it can take charges."""
    if not business.stripe_account_id:
        return False
    try:
        account = stripe.Account.retrieve(business.stripe_account_id, **stripe_kwargs())
    except stripe.StripeError as exc:
        raise ValidationError({"__all__": stripe_message(exc)}) from None
    charges = bool(account.get("charges_enabled"))
    Business.objects.filter(pk=business.pk).update(stripe_charges_enabled=charges)
    business.stripe_charges_enabled = charges
    return charges


def connect_disconnect(*, business: Business, by: User) -> None:
    """Forget the business's Stripe account; clients can no longer pay by card.

    An OAuth-linked account is also deauthorised at Stripe; an Express account
    stays the business's own on Stripe (Stripe does not let platforms delete
    them here), it is only unlinked."""
    require_owner(by)
    if business.stripe_account_id and settings.STRIPE_CONNECT_CLIENT_ID:
        try:
            stripe.OAuth.deauthorize(
                client_id=settings.STRIPE_CONNECT_CLIENT_ID,
                stripe_user_id=business.stripe_account_id,
                api_key=stripe_api_key(),
            )
        except stripe.StripeError:
            log.info("deauthorize %s refused (express account?)", business.stripe_account_id)
    Business.objects.filter(pk=business.pk).update(
        stripe_account_id=None, stripe_charges_enabled=False
    )
    business.stripe_account_id, business.stripe_charges_enabled = None, False
    # prices belong to the old account: a new one gets its own
    Product.objects.update(stripe_product_id="", stripe_price_id="")


def connect_account_updated(*, account: str, charges_enabled: bool) -> None:
    """Stripe says whether the connected ``account`` can take charges now."""
    Business.objects.filter(stripe_account_id=account).update(
        stripe_charges_enabled=charges_enabled
    )


def connect_account_deauthorized(*, account: str) -> None:
    """The owner removed our platform from the ``account`` at Stripe: it is unlinked."""
    Business.objects.filter(stripe_account_id=account).update(
        stripe_account_id=None, stripe_charges_enabled=False
    )
