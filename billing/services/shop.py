"""The shop: products, purchases, session balances, Stripe Connect and Checkout,
payments and refunds, inside one business's schema.

Clients pay into the business's own Stripe account (Connect): every Stripe
call about the shop carries ``stripe_account=<the business's account>``.
Refunds made in Stripe's dashboard reach the ledger through ``charge.refunded``.
Nothing is fulfilled on the word of a browser: a purchase becomes active only
from a Checkout Session re-fetched from Stripe (the client's return) or from
a signed Connect event (the webhook), whichever comes first; both lock the
purchase row, so the second finds the work done.

Money is integer minor units (see ``money``). Owners change products, record
offline payments and refund; the ``by`` argument says who, and is checked here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import traceback
from dataclasses import dataclass

import stripe
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner
from clients.models import Client

from ..models import (
    MAX_AMOUNT,
    Payment,
    Product,
    Purchase,
    Refund,
    SessionUse,
    StripeEvent,
)
from .money import money_format

log = logging.getLogger(__name__)

OAUTH_STATE_SALT = "billing.connect.oauth"
OAUTH_STATE_MAX_AGE = 15 * 60  # seconds the owner has to finish on Stripe's page


# --- who may do what ---------------------------------------------------------------


def _require_owner(user: User | None, message: str | None = None) -> None:
    if not is_owner(user):
        raise PermissionDenied(message or _("Only the owner can do this."))


# --- the business and its Stripe account ----------------------------------------------


def current_business():
    """The business whose schema this connection is in, fresh from the database."""
    from tenants.models import Business

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


def _stripe_kwargs(account: str | None = None, **extra) -> dict:
    kwargs = {"api_key": stripe_api_key(), **extra}
    if account:
        kwargs["stripe_account"] = account
    return kwargs


def business_currency() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "currency", None) or "USD"


def payments_ready(business=None) -> bool:
    """Whether clients can pay by card now: connected and allowed to take charges."""
    business = business or current_business()
    return bool(business.stripe_account_id and business.stripe_charges_enabled)


def _stripe_message(exc: stripe.StripeError) -> str:
    return getattr(exc, "user_message", None) or str(exc) or _("Stripe refused the request.")


# --- Stripe Connect: link an account or create one ---------------------------------------


def connect_state_make(*, business, user: User, nonce: str) -> str:
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


def connect_oauth_url(*, business, user: User, redirect_uri: str, nonce: str) -> str:
    """Stripe's page where the owner signs in to an existing account and connects it."""
    _require_owner(user)
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


def _account_store(business, account_id: str) -> None:
    from tenants.models import Business

    if Business.objects.filter(stripe_account_id=account_id).exclude(pk=business.pk).exists():
        raise ValidationError(
            {"__all__": _("This Stripe account is already connected to another business.")}
        )
    try:
        account = stripe.Account.retrieve(account_id, **_stripe_kwargs())
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


def connect_oauth_complete(*, business, user: User, code: str, state: str, nonce: str) -> None:
    """Exchange Stripe's code for the owner's account id and keep it on the business."""
    _require_owner(user)
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
        raise ValidationError({"__all__": _stripe_message(exc)}) from None
    account_id = token.get("stripe_user_id")
    if not account_id:
        raise ValidationError({"__all__": _("Stripe did not say which account was connected.")})
    _account_store(business, account_id)


def connect_express_start(*, business, user: User, return_url: str, refresh_url: str) -> str:
    """Create an Express account for the business (once) and return its onboarding link."""
    from tenants.models import Business

    _require_owner(user)
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
                **_stripe_kwargs(idempotency_key=f"mf-express-{business.schema_name}"),
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
            **_stripe_kwargs(),
        )
    except stripe.StripeError as exc:
        raise ValidationError({"__all__": _stripe_message(exc)}) from None
    return link["url"]


def connect_refresh(*, business) -> bool:
    """Re-fetch the connected account and keep whether it can take charges."""
    from tenants.models import Business

    if not business.stripe_account_id:
        return False
    try:
        account = stripe.Account.retrieve(business.stripe_account_id, **_stripe_kwargs())
    except stripe.StripeError as exc:
        raise ValidationError({"__all__": _stripe_message(exc)}) from None
    charges = bool(account.get("charges_enabled"))
    Business.objects.filter(pk=business.pk).update(stripe_charges_enabled=charges)
    business.stripe_charges_enabled = charges
    return charges


def connect_disconnect(*, business, by: User) -> None:
    """Forget the business's Stripe account; clients can no longer pay by card.

    An OAuth-linked account is also deauthorised at Stripe; an Express account
    stays the business's own on Stripe (Stripe does not let platforms delete
    them here), it is only unlinked."""
    from tenants.models import Business

    _require_owner(by)
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


# --- products -----------------------------------------------------------------------------

PRODUCT_FIELDS = (
    "name",
    "description",
    "kind",
    "amount",
    "sessions",
    "valid_days",
    "tax_rate",
    "is_active",
    "position",
)


def _product_validate(product: Product) -> None:
    errors = {}
    if not (product.name or "").strip():
        errors["name"] = _("Give the product a name.")
    if product.kind not in Product.Kind.values:
        errors["kind"] = _("Choose a pack of sessions, monthly coaching or a one-off.")
    if not product.amount or product.amount <= 0:
        errors["amount"] = _("Enter a price above zero.")
    elif product.amount > MAX_AMOUNT:
        errors["amount"] = _("That price is too high.")
    if product.kind == Product.Kind.SESSION_PACK:
        if not product.sessions:
            errors["sessions"] = _("Say how many sessions the pack holds.")
    else:
        product.sessions = None
        if product.kind == Product.Kind.MONTHLY:
            product.valid_days = None
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def product_create(*, by: User, **data) -> Product:
    """A new product in the business's currency. Stripe learns of it at the next sync."""
    _require_owner(by, _("Only the owner can change products."))
    product = Product(currency=business_currency())
    for field in PRODUCT_FIELDS:
        if field in data:
            setattr(product, field, data[field])
    _product_validate(product)
    product.save()
    return product


@transaction.atomic
def product_update(*, product: Product, by: User, **data) -> Product:
    """Change a product. A new price or kind makes a new Stripe price at the next sync;
    what was already sold keeps its price (purchases freeze theirs)."""
    _require_owner(by, _("Only the owner can change products."))
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = (product.amount, product.currency, product.kind)
    for field in PRODUCT_FIELDS:
        if field in data:
            setattr(product, field, data[field])
    if product.kind != before[2] and product.purchases.exists():
        raise ValidationError(
            {
                "kind": _(
                    "This product has been sold: make a new product instead of changing its kind."
                )
            }
        )
    _product_validate(product)
    if (product.amount, product.currency, product.kind) != before:
        product.stripe_price_id = ""
    product.save()
    return product


def product_stripe_sync(*, product: Product, account: str | None = None) -> Product:
    """Create or update the product and its price on the connected account.

    Prices are immutable at Stripe: a changed price makes a new one (monthly
    coaching: recurring monthly), the old one is archived, and subscriptions
    already sold keep theirs. Network calls; raises ``ValidationError`` on a
    Stripe error. No-op when the business has no connected account.
    """
    account = account or current_business().stripe_account_id
    if not account:
        return product
    meta = {"product_id": str(product.pk), "business_schema": connection.schema_name}
    try:
        if product.stripe_product_id:
            stripe.Product.modify(
                product.stripe_product_id,
                name=product.name,
                description=product.description or "",
                active=product.is_active,
                **_stripe_kwargs(account),
            )
        else:
            created = stripe.Product.create(
                name=product.name,
                description=product.description or None,
                active=product.is_active,
                metadata=meta,
                **_stripe_kwargs(
                    account, idempotency_key=f"mf-prod-{connection.schema_name}-{product.pk}"
                ),
            )
            product.stripe_product_id = created["id"]
            Product.objects.filter(pk=product.pk).update(stripe_product_id=created["id"])
        if not product.stripe_price_id:
            price_params = {
                "product": product.stripe_product_id,
                "unit_amount": product.amount,
                "currency": product.currency.lower(),
                "metadata": meta,
            }
            if product.kind == Product.Kind.MONTHLY:
                price_params["recurring"] = {"interval": "month"}
            price = stripe.Price.create(**price_params, **_stripe_kwargs(account))
            product.stripe_price_id = price["id"]
            Product.objects.filter(pk=product.pk).update(stripe_price_id=price["id"])
            old = stripe.Price.list(
                product=product.stripe_product_id, active=True, **_stripe_kwargs(account)
            )
            for stale in old.get("data", []):
                if stale["id"] != price["id"]:
                    stripe.Price.modify(stale["id"], active=False, **_stripe_kwargs(account))
    except stripe.StripeError as exc:
        raise ValidationError({"__all__": _stripe_message(exc)}) from None
    return product


def products_on_sale() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).select_related("tax_rate")


# --- purchases: activation ----------------------------------------------------------------


def _purchase_activate(purchase: Purchase, *, now: dt.datetime) -> None:
    """Start a paid purchase's balance and period (caller holds the row lock)."""
    product = purchase.product
    purchase.status = Purchase.Status.ACTIVE
    purchase.starts_at = purchase.starts_at or now
    if product.kind == Product.Kind.SESSION_PACK:
        purchase.sessions_total = purchase.sessions_total or product.sessions
    if product.valid_days and product.kind != Product.Kind.MONTHLY:
        purchase.expires_at = purchase.starts_at + dt.timedelta(days=product.valid_days)
    if product.kind == Product.Kind.MONTHLY:
        purchase.period_ends_at = purchase.period_ends_at or now + relativedelta(months=1)


def _invoice(payment: Payment, *, send: bool = True) -> None:
    from .invoices import invoice_for_payment

    payment.invoice = invoice_for_payment(payment=payment, send=send)


def _new_purchase(*, client: Client, product: Product, by: User | None) -> Purchase:
    return Purchase.objects.create(
        client=client,
        product=product,
        amount=product.amount,
        currency=product.currency,
        sessions_total=product.sessions if product.kind == Product.Kind.SESSION_PACK else None,
        created_by=by,
    )


# --- Checkout ----------------------------------------------------------------------------


@dataclass
class CheckoutStart:
    purchase: Purchase
    url: str


def checkout_start(
    *, client: Client, product: Product, by: User, success_url: str, cancel_url: str
) -> CheckoutStart:
    """A pending purchase and a Stripe Checkout Session on the business's account.

    ``success_url`` may contain ``{CHECKOUT_SESSION_ID}``; ``cancel_url`` gets the
    purchase id via ``{PURCHASE_ID}``. Packs and one-offs are one payment
    (``mode=payment``); monthly coaching is a subscription.
    """
    business = current_business()
    if not payments_ready(business):
        raise ValidationError({"product": _("Card payments are not set up yet.")})
    product = Product.objects.filter(pk=product.pk, is_active=True).first()
    if product is None:
        raise ValidationError({"product": _("This product is no longer on sale.")})
    if client.user_id != by.pk and not is_owner(by):
        raise PermissionDenied
    if not product.stripe_price_id:
        product = product_stripe_sync(product=product, account=business.stripe_account_id)
    with transaction.atomic():
        purchase = _new_purchase(client=client, product=product, by=by)
    meta = {
        "purchase_id": str(purchase.pk),
        "business_schema": connection.schema_name,
        "client_id": str(client.pk),
    }
    params = {
        "mode": "subscription" if product.kind == Product.Kind.MONTHLY else "payment",
        "line_items": [{"price": product.stripe_price_id, "quantity": 1}],
        "client_reference_id": str(purchase.pk),
        "metadata": meta,
        "success_url": success_url,
        "cancel_url": cancel_url.replace("{PURCHASE_ID}", str(purchase.pk)),
    }
    email = client.email or (client.user.email if client.user_id else "")
    if email:
        params["customer_email"] = email
    if params["mode"] == "subscription":
        params["subscription_data"] = {"metadata": meta}
    else:
        params["payment_intent_data"] = {"metadata": meta}
    try:
        session = stripe.checkout.Session.create(
            **params,
            **_stripe_kwargs(
                business.stripe_account_id,
                idempotency_key=f"mf-checkout-{connection.schema_name}-{purchase.pk}",
            ),
        )
    except stripe.StripeError as exc:
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.Status.CANCELLED)
        raise ValidationError({"product": _stripe_message(exc)}) from None
    Purchase.objects.filter(pk=purchase.pk).update(stripe_checkout_session_id=session["id"])
    purchase.stripe_checkout_session_id = session["id"]
    return CheckoutStart(purchase=purchase, url=session["url"])


def checkout_return(*, session_id: str, client: Client) -> Purchase | None:
    """The client is back from Checkout: re-fetch the session from Stripe and fulfil
    it when paid. Only the client's own purchase is looked at."""
    purchase = Purchase.objects.filter(stripe_checkout_session_id=session_id, client=client).first()
    if purchase is None:
        return None
    if purchase.status != Purchase.Status.PENDING:
        return purchase
    business = current_business()
    try:
        session = stripe.checkout.Session.retrieve(
            session_id, **_stripe_kwargs(business.stripe_account_id)
        )
    except stripe.StripeError:
        log.warning("checkout session %s could not be fetched", session_id, exc_info=True)
        return purchase
    return checkout_session_fulfil(
        session=session.to_dict() if hasattr(session, "to_dict") else dict(session)
    )


@transaction.atomic
def checkout_purchase_cancel(*, purchase_id: int, client: Client) -> Purchase | None:
    """The client came back without paying: the pending purchase is cancelled."""
    purchase = (
        Purchase.objects.select_for_update()
        .filter(pk=purchase_id, client=client, status=Purchase.Status.PENDING)
        .first()
    )
    if purchase is not None:
        purchase.status = Purchase.Status.CANCELLED
        purchase.save(update_fields=["status"])
    return purchase


def _id(value) -> str | None:
    """A Stripe reference that may be an id or an expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


@transaction.atomic
def checkout_session_fulfil(*, session: dict) -> Purchase | None:
    """Fulfil a paid Checkout Session, exactly once (idempotent under the purchase lock).

    Activates the purchase (balance, expiry, period), records the card payment
    and issues its paid invoice. An unpaid or unknown session changes nothing.
    """
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return None
    purchase_id = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "purchase_id"
    )
    if not str(purchase_id or "").isdigit():
        return None
    purchase = (
        Purchase.objects.select_for_update()
        .select_related("product", "client")
        .filter(pk=int(purchase_id), stripe_checkout_session_id=session.get("id"))
        .first()
    )
    if purchase is None:
        return None
    subscription_id = _id(session.get("subscription"))
    customer_id = _id(session.get("customer")) or purchase.stripe_customer_id
    if purchase.status not in (Purchase.Status.PENDING, Purchase.Status.CANCELLED):
        if (subscription_id and not purchase.stripe_subscription_id) or (
            customer_id != purchase.stripe_customer_id
        ):
            purchase.stripe_subscription_id = purchase.stripe_subscription_id or subscription_id
            purchase.stripe_customer_id = customer_id
            purchase.save(update_fields=["stripe_subscription_id", "stripe_customer_id"])
        return purchase  # already fulfilled (the other path came first)
    now = timezone.now()
    _purchase_activate(purchase, now=now)
    if subscription_id:
        purchase.stripe_subscription_id = subscription_id
    purchase.stripe_customer_id = customer_id
    purchase.save()
    invoice_id = _id(session.get("invoice"))
    intent_id = _id(session.get("payment_intent"))
    same = Q(pk__in=[])
    if invoice_id:
        same |= Q(stripe_invoice_id=invoice_id)
    if intent_id:
        same |= Q(stripe_payment_intent_id=intent_id)
    if not Payment.objects.filter(same).exists():
        payment = Payment.objects.create(
            client=purchase.client,
            purchase=purchase,
            amount=session.get("amount_total") or purchase.amount,
            currency=(session.get("currency") or purchase.currency).upper(),
            method=Payment.Method.CARD,
            status=Payment.Status.SUCCEEDED,
            paid_at=now,
            stripe_payment_intent_id=intent_id,
            stripe_invoice_id=invoice_id,
        )
        _invoice(payment)
    return purchase


# --- monthly coaching: renewals, failures, cancellation ----------------------------------------


def _invoice_subscription(invoice: dict) -> tuple[str | None, dict]:
    """The subscription id and its metadata, wherever this API version puts them."""
    details = invoice.get("subscription_details") or (
        (invoice.get("parent") or {}).get("subscription_details") or {}
    )
    subscription_id = _id(invoice.get("subscription")) or _id(details.get("subscription"))
    return subscription_id, details.get("metadata") or {}


def _subscription_purchase(subscription_id: str, metadata: dict) -> Purchase | None:
    purchase = (
        Purchase.objects.select_for_update()
        .select_related("product", "client")
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if purchase is None and str(metadata.get("purchase_id", "")).isdigit():
        # the first invoice may be paid before Checkout tells us its subscription
        purchase = (
            Purchase.objects.select_for_update()
            .select_related("product", "client")
            .filter(
                pk=int(metadata["purchase_id"]),
                stripe_subscription_id__isnull=True,
                product__kind=Product.Kind.MONTHLY,
            )
            .first()
        )
    return purchase


def _period_end(invoice: dict, now: dt.datetime) -> dt.datetime:
    lines = (invoice.get("lines") or {}).get("data") or []
    ends = [line.get("period", {}).get("end") for line in lines if line.get("period")]
    if ends and ends[0]:
        return dt.datetime.fromtimestamp(int(max(ends)), tz=dt.UTC)
    return now + relativedelta(months=1)


def _stripe_object(obj: dict, retrieve, account: str | None) -> dict | None:
    """``obj`` as Stripe has it now, re-fetched on the connected account (as dj-stripe
    does for every event): Stripe does not deliver events in order, so the state in
    an event may be older than one already applied. A network call; None when Stripe
    no longer has the object; any other Stripe error propagates, so the event is
    kept with its error and Stripe delivers it again. Without an account (a caller
    outside the webhook) the event's own copy is used."""
    if not account or not obj.get("id"):
        return obj
    try:
        fresh = retrieve(obj["id"], **_stripe_kwargs(account))
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "code", None) == "resource_missing":
            log.warning("stripe object %s is gone from %s: event ignored", obj["id"], account)
            return None
        raise
    return fresh.to_dict() if hasattr(fresh, "to_dict") else dict(fresh)


def _created(obj: dict) -> dt.datetime | None:
    created = obj.get("created")
    return dt.datetime.fromtimestamp(int(created), tz=dt.UTC) if created else None


def _invoice_is_older(purchase: Purchase, invoice: dict) -> bool:
    """Whether ``invoice`` is older than the newest invoice already applied to ``purchase``."""
    created = _created(invoice)
    return bool(
        created
        and purchase.stripe_invoice_created
        and invoice.get("id") != purchase.stripe_invoice_id
        and created < purchase.stripe_invoice_created
    )


def _invoice_remember(purchase: Purchase, invoice: dict) -> None:
    """Keep ``invoice`` as the newest applied to ``purchase`` (the caller saves)."""
    purchase.stripe_invoice_id = invoice.get("id") or ""
    purchase.stripe_invoice_created = _created(invoice) or purchase.stripe_invoice_created
    purchase.stripe_invoice_status = (invoice.get("status") or "")[:20]


@transaction.atomic
def subscription_invoice_paid(*, invoice: dict, account: str | None = None) -> Payment | None:
    """A subscription invoice on the connected account was paid: a payment (once per
    Stripe invoice) and its invoice, the purchase active until the new period's end.

    The invoice is re-fetched from Stripe (``account``); an invoice older than the
    newest already applied still records its payment (the money came in) but does
    not make a purchase that a newer invoice left past due active again."""
    invoice = _stripe_object(invoice, stripe.Invoice.retrieve, account)
    if invoice is None:
        return None
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id or not invoice.get("amount_paid"):
        return None
    purchase = _subscription_purchase(subscription_id, metadata)
    if purchase is None:
        return None
    now = timezone.now()
    if purchase.status in (Purchase.Status.PENDING, Purchase.Status.CANCELLED) and not (
        purchase.stripe_subscription_id
    ):
        _purchase_activate(purchase, now=now)
    purchase.stripe_subscription_id = subscription_id
    purchase.stripe_customer_id = _id(invoice.get("customer")) or purchase.stripe_customer_id
    if not _invoice_is_older(purchase, invoice):
        if purchase.status in (Purchase.Status.PAST_DUE, Purchase.Status.PENDING):
            purchase.status = Purchase.Status.ACTIVE
        _invoice_remember(purchase, invoice)
    period_end = _period_end(invoice, now)
    if purchase.period_ends_at is None or period_end > purchase.period_ends_at:
        purchase.period_ends_at = period_end
    purchase.save()
    payment = Payment.objects.filter(stripe_invoice_id=invoice["id"]).first()
    if payment is not None:
        return payment
    if invoice.get("billing_reason") == "subscription_create":
        # Checkout's own fulfilment may have recorded this first payment already
        first = purchase.payments.filter(
            method=Payment.Method.CARD, status=Payment.Status.SUCCEEDED
        ).first()
        if first is not None:
            if not first.stripe_invoice_id:
                first.stripe_invoice_id = invoice["id"]
                first.save(update_fields=["stripe_invoice_id"])
            return first
    intent_id = _id(invoice.get("payment_intent"))
    if intent_id and Payment.objects.filter(stripe_payment_intent_id=intent_id).exists():
        intent_id = None
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
    payment = Payment.objects.create(
        client=purchase.client,
        purchase=purchase,
        amount=invoice["amount_paid"],
        currency=(invoice.get("currency") or purchase.currency).upper(),
        method=Payment.Method.CARD,
        status=Payment.Status.SUCCEEDED,
        paid_at=dt.datetime.fromtimestamp(int(paid_at), tz=dt.UTC) if paid_at else now,
        stripe_invoice_id=invoice["id"],
        stripe_payment_intent_id=intent_id,
    )
    _invoice(payment)
    return payment


def _failure_message(invoice: dict, account: str | None) -> str:
    error = invoice.get("last_finalization_error") or {}
    if error.get("message"):
        return error["message"][:255]
    intent_id = _id(invoice.get("payment_intent"))
    if intent_id and account:
        try:
            intent = stripe.PaymentIntent.retrieve(intent_id, **_stripe_kwargs(account))
            message = (intent.get("last_payment_error") or {}).get("message")
            if message:
                return message[:255]
        except stripe.StripeError:
            log.warning("payment intent %s could not be fetched", intent_id, exc_info=True)
    return _("The card payment failed.")


@transaction.atomic
def subscription_invoice_failed(*, invoice: dict, account: str | None = None) -> Payment | None:
    """A renewal failed: a failed payment row with Stripe's message (one per Stripe
    invoice, its message the latest); the purchase is past due until Stripe's retries
    succeed (``invoice.paid``) or give up.

    Applied by Stripe's own state, re-fetched (``account``): a failure of an invoice
    that is paid (or void) by now, or older than the newest invoice already applied,
    arrived late and changes nothing."""
    invoice = _stripe_object(invoice, stripe.Invoice.retrieve, account)
    if invoice is None or invoice.get("paid") or invoice.get("status") in ("paid", "void"):
        return None
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id:
        return None
    purchase = _subscription_purchase(subscription_id, metadata)
    if purchase is None or _invoice_is_older(purchase, invoice):
        return None
    if purchase.stripe_invoice_id == invoice.get("id") and purchase.stripe_invoice_status == "paid":
        return None  # without a re-fetch: we already applied this invoice's payment
    if purchase.status == Purchase.Status.ACTIVE:
        purchase.status = Purchase.Status.PAST_DUE
    _invoice_remember(purchase, invoice)
    purchase.save(
        update_fields=[
            "status",
            "stripe_invoice_id",
            "stripe_invoice_created",
            "stripe_invoice_status",
        ]
    )
    note = _("Stripe invoice %(id)s") % {"id": invoice.get("id", "")}
    message = _failure_message(invoice, account)
    amount = invoice.get("amount_due") or purchase.amount
    failed = Payment.objects.filter(
        purchase=purchase, status=Payment.Status.FAILED, note=note
    ).first()
    if failed is not None:
        # Stripe's next attempt (or the same event again under a new id)
        failed.failure_message, failed.amount = message, amount
        failed.save(update_fields=["failure_message", "amount"])
        return failed
    return Payment.objects.create(
        client=purchase.client,
        purchase=purchase,
        amount=amount,
        currency=(invoice.get("currency") or purchase.currency).upper(),
        method=Payment.Method.CARD,
        status=Payment.Status.FAILED,
        failure_message=message,
        note=note,
    )


@transaction.atomic
def subscription_cancelled(*, subscription: dict, account: str | None = None) -> Purchase | None:
    """The subscription ended at Stripe: the coaching is cancelled. Re-fetched first
    (``account``): only a subscription Stripe has as ended cancels anything."""
    subscription = _stripe_object(subscription, stripe.Subscription.retrieve, account)
    if subscription is None or subscription.get("status") not in (
        "canceled",
        "incomplete_expired",
    ):
        return None
    purchase = (
        Purchase.objects.select_for_update()
        .filter(stripe_subscription_id=subscription.get("id"))
        .first()
    )
    if purchase is None or purchase.status == Purchase.Status.REFUNDED:
        return purchase
    purchase.status = Purchase.Status.CANCELLED
    purchase.save(update_fields=["status"])
    return purchase


# --- the Connect webhook ------------------------------------------------------------------


class WebhookError(Exception):
    """A delivery Stripe should not retry as is (bad signature or body): HTTP 400."""


def connect_event_verify(*, payload: bytes, signature: str) -> dict:
    """The event, once its signature checks out with the Connect endpoint's secret."""
    secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET
    if not secret:
        raise WebhookError("the Connect webhook secret is not configured")
    try:
        stripe.Webhook.construct_event(payload, signature or "", secret)
    except stripe.SignatureVerificationError as exc:
        raise WebhookError(f"bad signature: {exc}") from None
    except ValueError as exc:
        raise WebhookError(f"bad payload: {exc}") from None
    event = json.loads(payload)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookError("not a Stripe event")
    return event


def _event_store(event: dict) -> None:
    created = event.get("created")
    try:
        with transaction.atomic():
            StripeEvent.objects.get_or_create(
                event_id=event["id"],
                defaults={
                    "type": event["type"][:100],
                    "stripe_created": dt.datetime.fromtimestamp(int(created), tz=dt.UTC)
                    if created
                    else timezone.now(),
                    "payload": event,
                },
            )
    except IntegrityError:
        pass  # a racing delivery stored it first: it is there now


def stripe_event_handle(*, event: dict) -> None:
    """Apply one Connect event to this business's records (inside its schema)."""
    from tenants.models import Business

    kind = event["type"]
    obj = (event.get("data") or {}).get("object") or {}
    account = event.get("account")
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        checkout_session_fulfil(session=obj)
    elif kind == "checkout.session.expired":
        purchase_id = obj.get("client_reference_id")
        if str(purchase_id or "").isdigit():
            Purchase.objects.filter(
                pk=int(purchase_id),
                stripe_checkout_session_id=obj.get("id"),
                status=Purchase.Status.PENDING,
            ).update(status=Purchase.Status.CANCELLED)
    elif kind in ("invoice.paid", "invoice.payment_succeeded"):
        subscription_invoice_paid(invoice=obj, account=account)
    elif kind == "invoice.payment_failed":
        subscription_invoice_failed(invoice=obj, account=account)
    elif kind == "customer.subscription.deleted":
        subscription_cancelled(subscription=obj, account=account)
    elif kind == "customer.subscription.updated":
        from .portal import subscription_updated

        subscription_updated(subscription=obj, account=account)
    elif kind == "charge.refunded":
        charge_refunds_sync(charge=obj, account=account)
    elif kind in ("charge.refund.updated", "refund.updated") and obj.get("payment_intent"):
        # a refund that was pending at Stripe has settled (or failed)
        charge_refunds_sync(
            charge={
                "id": _id(obj.get("charge")),
                "payment_intent": obj.get("payment_intent"),
                "refunds": {"data": [obj], "has_more": False},
            },
            account=account,
        )
    elif kind == "account.updated" and account:
        Business.objects.filter(stripe_account_id=account).update(
            stripe_charges_enabled=bool(obj.get("charges_enabled"))
        )
    elif kind == "account.application.deauthorized" and account:
        Business.objects.filter(stripe_account_id=account).update(
            stripe_account_id=None, stripe_charges_enabled=False
        )
    # anything else is recorded and acknowledged


def stripe_event_process(*, event_id: str) -> bool:
    """Process a stored event once: the row is locked, so a racing delivery waits and
    then finds it done. A failure keeps the event with its error and attempts (the
    caller answers 500 and Stripe retries). True when processed."""
    with transaction.atomic():
        stored = StripeEvent.objects.select_for_update().get(event_id=event_id)
        if stored.processed_at is not None:
            return True
        stored.attempts += 1
        try:
            with transaction.atomic():
                stripe_event_handle(event=stored.payload)
        except Exception:  # noqa: BLE001  (kept for staff and retried by Stripe)
            log.exception("stripe event %s failed", event_id)
            stored.error = traceback.format_exc()[-4000:]
            stored.save(update_fields=["attempts", "error"])
            return False
        stored.processed_at = timezone.now()
        stored.error = ""
        stored.save(update_fields=["attempts", "error", "processed_at"])
        return True


def connect_event_receive(*, payload: bytes, signature: str) -> int:
    """The Connect webhook: verify, route by ``event.account`` to its business, store
    once in that business's schema, process. Returns the HTTP status for Stripe."""
    from django_tenants.utils import tenant_context

    from tenants.models import Business

    try:
        event = connect_event_verify(payload=payload, signature=signature)
    except WebhookError as exc:
        log.warning("connect webhook refused: %s", exc)
        return 400
    account = event.get("account")
    business = Business.objects.filter(stripe_account_id=account).first() if account else None
    if business is None:
        log.info("connect event %s for unknown account %s ignored", event["id"], account)
        return 200
    with tenant_context(business):
        _event_store(event)
        return 200 if stripe_event_process(event_id=event["id"]) else 500


def stripe_event_retry(*, event: StripeEvent, by: User) -> bool:
    _require_owner(by)
    return stripe_event_process(event_id=event.event_id)


# --- offline payments and refunds ---------------------------------------------------------------

OFFLINE_METHODS = (Payment.Method.CASH, Payment.Method.BANK_TRANSFER, Payment.Method.OTHER)


@transaction.atomic
def payment_record_offline(
    *,
    client: Client,
    amount: int | None,
    method: str,
    by: User,
    paid_at: dt.datetime | None = None,
    note: str = "",
    product: Product | None = None,
    currency: str | None = None,
    invoice=None,
    send: bool = True,
) -> Payment:
    """Money received by hand (cash, transfer). With ``product``, the client's purchase
    is created and started; without ``invoice``, a paid invoice is issued for it and
    e-mailed to the client (unless ``send`` is false: history written by the demo).

    Monthly coaching the client already has (active or past due) is renewed
    instead: its period runs a month longer and it is active again, so the client
    stays one subscription (MRR counts them once). A pack bought again is a new
    purchase with its own balance."""
    _require_owner(by, _("Only the owner can record payments."))
    errors = {}
    currency = (currency or business_currency()).upper()
    if method not in OFFLINE_METHODS:
        errors["method"] = _("Choose cash, bank transfer or other.")
    if amount is None and product is not None:
        amount = product.amount
    if amount is None or amount <= 0:
        errors["amount"] = _("Enter an amount above zero.")
    elif amount > MAX_AMOUNT:
        errors["amount"] = _("That amount is too high.")
    if product is not None and product.currency != currency:
        errors["product"] = _("This product is priced in another currency.")
    now = timezone.now()
    if paid_at is not None and paid_at > now + dt.timedelta(minutes=5):
        errors["paid_at"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    purchase = None
    if product is not None and product.kind == Product.Kind.MONTHLY:
        purchase = _monthly_renew(client=client, product=product, now=paid_at or now)
    if product is not None and purchase is None:
        purchase = _new_purchase(client=client, product=product, by=by)
        purchase.amount = amount
        _purchase_activate(purchase, now=paid_at or now)
        purchase.save()
    payment = Payment.objects.create(
        client=client,
        purchase=purchase,
        invoice=invoice,
        amount=amount,
        currency=currency,
        method=method,
        status=Payment.Status.SUCCEEDED,
        paid_at=paid_at or now,
        note=(note or "")[:255],
        recorded_by=by,
    )
    if invoice is None:
        _invoice(payment, send=send)
    return payment


def _monthly_renew(*, client: Client, product: Product, now: dt.datetime) -> Purchase | None:
    """The client's running purchase of monthly ``product`` (active or past due), one
    month longer and active; None when there is none. Locks the row: two payments
    recorded at once extend it twice, one after the other."""
    purchase = (
        Purchase.objects.select_for_update()
        .filter(
            client=client,
            product=product,
            status__in=[Purchase.Status.ACTIVE, Purchase.Status.PAST_DUE],
        )
        .order_by(F("period_ends_at").desc(nulls_last=True), "-pk")
        .first()
    )
    if purchase is None:
        return None
    # the paid month follows the one already paid for (a past-due month is the one paid now)
    purchase.period_ends_at = (purchase.period_ends_at or now) + relativedelta(months=1)
    purchase.status = Purchase.Status.ACTIVE
    purchase.save(update_fields=["period_ends_at", "status"])
    return purchase


@transaction.atomic
def payment_refund(*, payment: Payment, amount: int | None, by: User, reason: str = "") -> Refund:
    """Give back all (``amount=None``) or part of a payment, never more than was paid.

    The payment row is locked, so two refunds at once cannot together exceed it.
    A card payment is refunded through Stripe on the connected account (the
    whole transaction rolls back if Stripe refuses); an offline one is recorded.
    A fully refunded pack or one-off becomes ``refunded``.
    """
    _require_owner(by, _("Only the owner can refund."))
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != Payment.Status.SUCCEEDED:
        raise ValidationError({"amount": _("Only a received payment can be refunded.")})
    left = payment.amount - payment.refunded_amount
    if amount is None:
        amount = left
    if left <= 0:
        raise ValidationError({"amount": _("This payment has been refunded in full.")})
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if amount > left:
        raise ValidationError(
            {
                "amount": _("At most %(left)s can be refunded.")
                % {"left": money_format(left, payment.currency)}
            }
        )
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=(reason or "")[:255], created_by=by
    )
    now = timezone.now()
    if payment.method == Payment.Method.CARD:
        account = current_business().stripe_account_id
        if not account or not payment.stripe_payment_intent_id:
            raise ValidationError(
                {
                    "amount": _(
                        "This card payment cannot be refunded from here: refund it in Stripe."
                    )
                }
            )
        try:
            created = stripe.Refund.create(
                payment_intent=payment.stripe_payment_intent_id,
                amount=amount,
                metadata={"refund_id": str(refund.pk), "business_schema": connection.schema_name},
                **_stripe_kwargs(
                    account, idempotency_key=f"mf-refund-{connection.schema_name}-{refund.pk}"
                ),
            )
        except stripe.StripeError as exc:
            raise ValidationError({"amount": _stripe_message(exc)}) from None
        if created.get("status") in ("failed", "canceled"):
            raise ValidationError({"amount": _("Stripe could not refund this payment.")})
        refund.stripe_refund_id = created["id"]
    refund.status = Refund.Status.SUCCEEDED
    refund.refunded_at = now
    refund.save(update_fields=["status", "refunded_at", "stripe_refund_id"])
    payment.refunded_amount += amount
    payment.save(update_fields=["refunded_amount"])
    _purchase_refunded_if_full(payment)
    return refund


def _purchase_refunded_if_full(payment: Payment) -> None:
    """A fully refunded pack or one-off becomes ``refunded`` (monthly coaching stays:
    its subscription decides)."""
    purchase = payment.purchase
    if (
        purchase is not None
        and payment.refunded_amount == payment.amount
        and purchase.product.kind != Product.Kind.MONTHLY
    ):
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.Status.REFUNDED)


# --- refunds made at Stripe (the dashboard of the connected account) -----------------------------


def _charge_refunds(charge: dict, account: str | None) -> list[dict]:
    """The refunds of ``charge``: from the event when it carries the whole list, else
    listed from Stripe (API versions since 2022-11-15 leave ``refunds`` out of charges).
    A network call in the second case; a Stripe error propagates, so the event is
    kept with its error and Stripe delivers it again."""
    refunds = charge.get("refunds")
    if (
        isinstance(refunds, dict)
        and refunds.get("data") is not None
        and not refunds.get("has_more")
    ):
        return [dict(item) for item in refunds["data"]]
    if not account or not charge.get("id"):
        return []
    listed = stripe.Refund.list(charge=charge["id"], limit=100, **_stripe_kwargs(account))
    return [item.to_dict() for item in listed.auto_paging_iter()]


@transaction.atomic
def charge_refunds_sync(*, charge: dict, account: str | None = None) -> list[Refund]:
    """Bring a card payment's refunds in step with Stripe's (``charge.refunded``): each
    succeeded Stripe refund we do not have yet becomes a Refund row, found by its
    ``stripe_refund_id``, so a redelivered event or one about a refund we made
    ourselves (``payment_refund`` stores the id before it commits) adds nothing.

    The payment row is locked as in ``payment_refund``; ``refunded_amount`` grows
    with each new row and never past the amount paid. Returns the rows added."""
    intent_id = _id(charge.get("payment_intent"))
    if not intent_id:
        return []
    payment = (
        Payment.objects.select_for_update()
        .filter(stripe_payment_intent_id=intent_id, method=Payment.Method.CARD)
        .first()
    )
    if payment is None:
        return []  # not a payment of this business's shop
    found = [
        item
        for item in _charge_refunds(charge, account)
        if item.get("id") and item.get("status") == "succeeded"
    ]
    known = set(
        Refund.objects.filter(stripe_refund_id__in=[item["id"] for item in found]).values_list(
            "stripe_refund_id", flat=True
        )
    )
    added = []
    for item in sorted(found, key=lambda item: (int(item.get("created") or 0), item["id"])):
        if item["id"] in known:
            continue
        left = payment.amount - payment.refunded_amount
        amount = min(int(item.get("amount") or 0), left)
        if amount <= 0:
            log.warning(
                "stripe refund %s on payment %s: nothing left to refund here",
                item["id"],
                payment.pk,
            )
            continue
        created = item.get("created")
        added.append(
            Refund.objects.create(
                payment=payment,
                amount=amount,
                # Stripe's reason is a code (duplicate, requested_by_customer, …)
                reason=" ".join([_("Refunded in Stripe"), item.get("reason") or ""]).strip()[:255],
                status=Refund.Status.SUCCEEDED,
                stripe_refund_id=item["id"],
                refunded_at=dt.datetime.fromtimestamp(int(created), tz=dt.UTC)
                if created
                else timezone.now(),
            )
        )
        known.add(item["id"])
        payment.refunded_amount += amount
    if added:
        payment.save(update_fields=["refunded_amount"])
        _purchase_refunded_if_full(payment)
    return added


# --- housekeeping (beat, hourly, in each business) ---------------------------------------------

PENDING_MAX_AGE = dt.timedelta(hours=24)  # Checkout Sessions expire after 24 h at Stripe


def purchases_housekeep(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Packs past their expiry become ``expired``; purchases still pending a day after
    Checkout started (abandoned: Stripe's session has expired) become ``cancelled``.

    Two UPDATE queries, idempotent. A late payment still fulfils a cancelled
    purchase (``checkout_session_fulfil`` accepts it). Returns (expired, cancelled).
    """
    now = now or timezone.now()
    expired = Purchase.objects.filter(
        status=Purchase.Status.ACTIVE,
        sessions_total__isnull=False,
        expires_at__isnull=False,
        expires_at__lte=now,
    ).update(status=Purchase.Status.EXPIRED)
    cancelled = Purchase.objects.filter(
        status=Purchase.Status.PENDING, created_at__lt=now - PENDING_MAX_AGE
    ).update(status=Purchase.Status.CANCELLED)
    return expired, cancelled


# --- session balances -------------------------------------------------------------------------


def _drawn(client: Client, reference: str) -> SessionUse | None:
    """The draw still standing for ``reference`` (drawn and not given back), if any."""
    uses = SessionUse.objects.filter(purchase__client=client, reference=reference)
    if (uses.aggregate(net=Sum("delta"))["net"] or 0) <= 0:
        return None
    return uses.filter(delta=1).order_by("-created_at", "-pk").first()


def usable_packs(*, client: Client, now: dt.datetime | None = None) -> QuerySet[Purchase]:
    """The client's active, unexpired packs with sessions left, oldest first."""
    now = now or timezone.now()
    return (
        Purchase.objects.filter(
            client=client,
            status=Purchase.Status.ACTIVE,
            sessions_total__isnull=False,
            sessions_used__lt=F("sessions_total"),
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("created_at", "pk")
    )


def session_balance(*, client: Client) -> int:
    """Sessions the client can still book from their usable packs."""
    total = 0
    for pack in usable_packs(client=client):
        total += pack.sessions_left or 0
    return total


@transaction.atomic
def session_draw(
    *,
    client: Client,
    reference: str,
    by: User | None = None,
    purchase: Purchase | None = None,
    reason: str = "",
) -> SessionUse:
    """Take one session from the client's oldest usable pack (or from ``purchase``).

    The client's packs are locked first, so two bookings drawing the last
    session at once cannot both get it. A ``reference`` (e.g. ``booking:42``)
    draws once: drawing it again returns the standing draw.
    """
    reference = (reference or "").strip()[:100]
    # lock every pack of this client: two draws at once are serialised here
    list(
        Purchase.objects.select_for_update()
        .filter(client=client, sessions_total__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if reference:
        standing = _drawn(client, reference)
        if standing is not None:
            return standing
    packs = usable_packs(client=client)
    if purchase is not None:
        packs = packs.filter(pk=purchase.pk)
    pack = packs.first()
    if pack is None:
        name = client.first_name or str(client)
        if purchase is not None:
            raise ValidationError({"purchase": _("This pack has no sessions left to use.")})
        raise ValidationError(
            {"client": _("%(name)s has no sessions left: sell them a pack first.") % {"name": name}}
        )
    pack.sessions_used += 1
    if pack.sessions_used >= pack.sessions_total:
        pack.status = Purchase.Status.USED_UP
    pack.save(update_fields=["sessions_used", "status"])
    return SessionUse.objects.create(
        purchase=pack, delta=1, reference=reference, reason=(reason or "")[:200], created_by=by
    )


@transaction.atomic
def session_return(
    *,
    purchase: Purchase | None = None,
    reference: str = "",
    client: Client | None = None,
    by: User | None = None,
    reason: str = "",
) -> SessionUse:
    """Give a session back: the standing draw of ``reference`` (say, a cancelled booking),
    or one session of ``purchase``."""
    reference = (reference or "").strip()[:100]
    if reference:
        uses = SessionUse.objects.filter(reference=reference)
        if client is not None:
            uses = uses.filter(purchase__client=client)
        if purchase is not None:
            uses = uses.filter(purchase=purchase)
        first = uses.select_related("purchase__client").first()
        if first is None:
            raise ValidationError({"reference": _("Nothing was drawn for this reference.")})
        Purchase.objects.select_for_update().filter(pk=first.purchase_id).first()
        standing = _drawn(first.purchase.client, reference)
        if standing is None:
            raise ValidationError({"reference": _("This session was already given back.")})
        purchase = standing.purchase
    if purchase is None:
        raise ValidationError({"purchase": _("Say which pack gets the session back.")})
    pack = Purchase.objects.select_for_update().get(pk=purchase.pk)
    if pack.sessions_total is None or pack.sessions_used <= 0:
        raise ValidationError({"purchase": _("No session of this pack has been used.")})
    pack.sessions_used -= 1
    if pack.status == Purchase.Status.USED_UP:
        pack.status = Purchase.Status.ACTIVE
    pack.save(update_fields=["sessions_used", "status"])
    return SessionUse.objects.create(
        purchase=pack, delta=-1, reference=reference, reason=(reason or "")[:200], created_by=by
    )
