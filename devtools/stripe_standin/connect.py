"""What the local Stripe stand-in needs for the shop's flows (Stripe Connect).

``install(standin)`` adds routes to a ``StripeStandIn`` (devtools/stripe_standin/server.py):

- ``POST /oauth/token`` and ``/oauth/deauthorize`` (Connect OAuth: link an existing
  account); ``oauth_code(standin)`` makes the code Stripe's page would hand back.
- ``POST /v1/accounts`` (Express accounts start unable to take charges) and
  ``POST /v1/account_links`` (an onboarding ``url``); ``account_onboard(standin, id)``
  finishes onboarding (charges enabled, ``account.updated`` sent).
- ``POST /v1/checkout/sessions`` on a connected account: an open, unpaid session
  with a ``url`` and its amount from the price.
- ``POST /v1/refunds``: refunds a payment intent, never more than is left.

And the helpers that play the client and Stripe after that, each sending the
signed Connect events to ``standin.connect_webhook_targets`` (defaults to
``webhook_targets``), signed with ``standin.connect_webhook_secret`` (defaults
to ``webhook_secret``):

- ``checkout_complete(standin, session_id)``: the client paid on the hosted page;
  a payment intent (packs, one-offs) or a customer, subscription and paid
  first invoice (monthly); ``checkout.session.completed`` (+ ``invoice.paid``).
- ``subscription_renew`` / ``subscription_fail`` / ``subscription_cancel``: the
  next month's invoice paid, a renewal declined, the subscription ended;
  ``subscription_cancel_at_period_end``: cancelled in the customer portal, to end
  with the paid period.
- ``dashboard_refund(standin, intent_id, amount)``: the owner refunded in Stripe's
  dashboard; ``charge_refunded(standin, intent_id)``: the ``charge.refunded`` event
  for a payment's charge as it stands (Stripe sends one after every refund, ours too).
"""

from __future__ import annotations

import json
import secrets
import time

from .server import Call, StripeStandIn, _error

MONTH = 30 * 24 * 3600


def install(standin: StripeStandIn) -> StripeStandIn:
    """Register the Connect routes on ``standin`` (idempotent per stand-in)."""
    if getattr(standin, "_connect_installed", False):
        return standin
    standin._connect_installed = True
    if not hasattr(standin, "oauth_codes"):
        standin.oauth_codes = {}
    standin.route("POST", r"/oauth/token")(_oauth_token)
    standin.route("POST", r"/oauth/deauthorize")(_oauth_deauthorize)
    standin.route("POST", r"/v1/accounts")(_account_create)
    standin.route("POST", r"/v1/account_links")(_account_link_create)
    standin.route("POST", r"/v1/checkout/sessions")(_checkout_session_create)
    standin.route("POST", r"/v1/refunds")(_refund_create)
    standin.route("POST", r"/v1/prices")(_active_by_default("prices"))
    standin.route("POST", r"/v1/products")(_active_by_default("products"))
    return standin


# --- routes ----------------------------------------------------------------------------


def _active_by_default(resource: str):
    """Prices and products are active unless created otherwise, as at Stripe."""

    def create(standin: StripeStandIn, call: Call) -> tuple[int, dict]:
        return 200, standin.create(resource, {"active": True, **call.params}, account=call.account)

    return create


def _oauth_error(code: str, description: str) -> tuple[int, dict]:
    return 400, {"error": code, "error_description": description}


def _oauth_token(standin: StripeStandIn, call: Call) -> tuple[int, dict]:
    code = call.params.get("code")
    account_id = standin.oauth_codes.pop(code, None)
    if account_id is None:
        return _oauth_error("invalid_grant", f"Authorization code does not exist: {code}")
    return 200, {
        "access_token": "sk_test_" + secrets.token_hex(12),
        "livemode": False,
        "refresh_token": "rt_" + secrets.token_hex(12),
        "scope": "read_write",
        "stripe_publishable_key": "pk_test_" + secrets.token_hex(12),
        "stripe_user_id": account_id,
        "token_type": "bearer",
    }


def _oauth_deauthorize(standin: StripeStandIn, call: Call) -> tuple[int, dict]:
    account_id = call.params.get("stripe_user_id")
    if standin.get("accounts", account_id) is None:
        return _oauth_error("invalid_client", f"No such account: {account_id}")
    return 200, {"stripe_user_id": account_id}


def _account_create(standin: StripeStandIn, call: Call) -> tuple[int, dict]:
    params = {"charges_enabled": False, "details_submitted": False, **call.params}
    params.setdefault("type", "standard")
    return 200, standin.create("accounts", params)


def _account_link_create(standin: StripeStandIn, call: Call) -> tuple[int, dict]:
    account_id = call.params.get("account")
    if standin.get("accounts", account_id) is None:
        return standin.missing("accounts", account_id)
    link = standin.create("account_links", dict(call.params))
    link.update(
        url=f"{standin.url}/connect/onboarding/{account_id}",
        expires_at=int(time.time()) + 300,
    )
    return 200, link


def _checkout_session_create(standin: StripeStandIn, call: Call) -> tuple[int, dict]:
    params = dict(call.params)
    if params.get("client_reference_id") is not None:
        # a string at Stripe, whatever it looks like (the stand-in types digits as numbers)
        params["client_reference_id"] = str(params["client_reference_id"])
    amount_total, currency = 0, None
    for item in params.get("line_items") or []:
        price = standin.get("prices", item.get("price"), account=call.account)
        if price is None:
            return standin.missing("prices", item.get("price"))
        amount_total += int(price["unit_amount"]) * int(item.get("quantity", 1))
        currency = price["currency"]
    session_id = f"cs_test_{secrets.token_hex(12)}"
    session = standin.create(
        "checkout/sessions",
        {
            "id": session_id,
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount_total,
            "currency": currency,
            "customer": None,
            "payment_intent": None,
            "subscription": None,
            "invoice": None,
            "url": f"{standin.url}/checkout/{session_id}",
            **params,
        },
        account=call.account,
    )
    return 200, session


def _refund_create(standin: StripeStandIn, call: Call) -> tuple[int, dict]:
    intent_id = call.params.get("payment_intent")
    intent = standin.get("payment_intents", intent_id, account=call.account)
    if intent is None:
        return standin.missing("payment_intents", intent_id)
    left = intent["amount"] - intent.get("amount_refunded", 0)
    amount = int(call.params.get("amount", left))
    if amount <= 0 or amount > left:
        return 400, _error(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
            code="amount_too_large",
        )
    intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount
    refund = standin.create(
        "refunds",
        {
            **call.params,
            "amount": amount,
            "currency": intent["currency"],
            "status": "succeeded",
            "charge": intent.get("latest_charge"),
        },
        account=call.account,
    )
    return 200, refund


# --- helpers: the client and Stripe acting ----------------------------------------------------


def oauth_code(
    standin: StripeStandIn, *, charges_enabled: bool = True, **account
) -> tuple[str, str]:
    """An existing Stripe account and the code Stripe's OAuth page would return for it."""
    created = standin.create(
        "accounts",
        {
            "type": "standard",
            "charges_enabled": charges_enabled,
            "details_submitted": True,
            **account,
        },
    )
    code = "ac_" + secrets.token_hex(12)
    if not hasattr(standin, "oauth_codes"):
        standin.oauth_codes = {}
    standin.oauth_codes[code] = created["id"]
    return code, created["id"]


def account_onboard(standin: StripeStandIn, account_id: str, *, deliver: bool = True) -> dict:
    """The owner finished Express onboarding: charges enabled, ``account.updated`` sent."""
    account = standin.get("accounts", account_id)
    account.update(charges_enabled=True, details_submitted=True, payouts_enabled=True)
    event = standin.event("account.updated", dict(account), account=account_id)
    if deliver:
        deliver_connect(standin, event)
    return account


def deliver_connect(
    standin: StripeStandIn, event: dict, *, targets: list[str] | None = None
) -> list[int]:
    """POST ``event`` to the Connect webhook targets, signed like Stripe; the statuses."""
    secret = getattr(standin, "connect_webhook_secret", None) or standin.webhook_secret
    targets = (
        targets or getattr(standin, "connect_webhook_targets", None) or standin.webhook_targets
    )
    return standin.post_signed(json.dumps(event).encode(), targets, secret=secret)


def _find_session(standin: StripeStandIn, session_id: str) -> tuple[str | None, dict]:
    for (account, resource), objects in standin.objects.items():
        if resource == "checkout/sessions" and session_id in objects:
            return account, objects[session_id]
    raise KeyError(f"no checkout session {session_id}")


def _paid_invoice(
    standin: StripeStandIn,
    *,
    account: str | None,
    subscription: dict,
    amount: int,
    currency: str,
    reason: str,
    period_start: int,
) -> dict:
    intent = _intent(
        standin,
        account=account,
        amount=amount,
        currency=currency,
        metadata=subscription.get("metadata") or {},
    )
    return standin.create(
        "invoices",
        {
            "status": "paid",
            "paid": True,
            "billing_reason": reason,
            "customer": subscription.get("customer"),
            "subscription": subscription["id"],
            "subscription_details": {"metadata": subscription.get("metadata") or {}},
            "amount_due": amount,
            "amount_paid": amount,
            "currency": currency,
            "payment_intent": intent["id"],
            "status_transitions": {"paid_at": int(time.time())},
            "lines": {
                "object": "list",
                "data": [
                    {
                        "amount": amount,
                        "period": {"start": period_start, "end": period_start + MONTH},
                    }
                ],
            },
        },
        account=account,
    )


def _intent(
    standin: StripeStandIn,
    *,
    account,
    amount: int,
    currency: str,
    metadata: dict,
    status: str = "succeeded",
    error: str | None = None,
) -> dict:
    charge = standin.create(
        "charges",
        {
            "amount": amount,
            "currency": currency,
            "paid": status == "succeeded",
            "status": "succeeded" if status == "succeeded" else "failed",
        },
        account=account,
    )
    params = {
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "amount_refunded": 0,
        "currency": currency,
        "status": status,
        "latest_charge": charge["id"],
        "metadata": metadata,
    }
    if error:
        params["last_payment_error"] = {"code": "card_declined", "message": error}
    return standin.create("payment_intents", params, account=account)


def checkout_complete(
    standin: StripeStandIn,
    session_id: str,
    *,
    deliver: bool = True,
    targets: list[str] | None = None,
) -> list[dict]:
    """The client paid on Checkout's page: mark the session paid, create what Stripe
    creates, and send the events (signed). Returns the events, in order sent."""
    account, session = _find_session(standin, session_id)
    if session.get("payment_status") == "paid":
        raise ValueError(f"checkout session {session_id} is already paid")
    amount, currency = session.get("amount_total") or 0, session.get("currency") or "usd"
    events = []
    if session.get("mode") == "subscription":
        customer = standin.create(
            "customers", {"email": session.get("customer_email")}, account=account
        )
        now = int(time.time())
        metadata = (session.get("subscription_data") or {}).get("metadata") or {}
        items = [
            {"price": item.get("price"), "quantity": item.get("quantity", 1)}
            for item in session.get("line_items") or []
        ]
        subscription = standin.create(
            "subscriptions",
            {
                "status": "active",
                "customer": customer["id"],
                "metadata": metadata,
                "items": {"object": "list", "data": items},
                "current_period_start": now,
                "current_period_end": now + MONTH,
            },
            account=account,
        )
        invoice = _paid_invoice(
            standin,
            account=account,
            subscription=subscription,
            amount=amount,
            currency=currency,
            reason="subscription_create",
            period_start=now,
        )
        session.update(
            customer=customer["id"], subscription=subscription["id"], invoice=invoice["id"]
        )
    else:
        intent = _intent(
            standin,
            account=account,
            amount=amount,
            currency=currency,
            metadata=(session.get("payment_intent_data") or {}).get("metadata") or {},
        )
        session.update(payment_intent=intent["id"])
        invoice = None
    session.update(status="complete", payment_status="paid")
    events.append(standin.event("checkout.session.completed", dict(session), account=account))
    if invoice is not None:
        events.append(standin.event("invoice.paid", dict(invoice), account=account))
    if deliver:
        for event in events:
            deliver_connect(standin, event, targets=targets)
    return events


def _subscription(standin: StripeStandIn, subscription_id: str) -> tuple[str | None, dict]:
    for (account, resource), objects in standin.objects.items():
        if resource == "subscriptions" and subscription_id in objects:
            return account, objects[subscription_id]
    raise KeyError(f"no subscription {subscription_id}")


def _subscription_amount(standin: StripeStandIn, account, subscription: dict) -> tuple[int, str]:
    amount, currency = 0, "usd"
    for item in subscription["items"]["data"]:
        price = standin.get("prices", item["price"], account=account)
        amount += int(price["unit_amount"]) * int(item.get("quantity", 1))
        currency = price["currency"]
    return amount, currency


def subscription_renew(
    standin: StripeStandIn, subscription_id: str, *, deliver: bool = True, targets=None
) -> dict:
    """The next month is paid: a new paid invoice and ``invoice.paid``. Returns the event."""
    account, subscription = _subscription(standin, subscription_id)
    amount, currency = _subscription_amount(standin, account, subscription)
    start = subscription["current_period_end"]
    invoice = _paid_invoice(
        standin,
        account=account,
        subscription=subscription,
        amount=amount,
        currency=currency,
        reason="subscription_cycle",
        period_start=start,
    )
    subscription.update(
        status="active", current_period_start=start, current_period_end=start + MONTH
    )
    event = standin.event("invoice.paid", dict(invoice), account=account)
    if deliver:
        deliver_connect(standin, event, targets=targets)
    return event


def subscription_fail(
    standin: StripeStandIn,
    subscription_id: str,
    *,
    message: str = "Your card was declined.",
    deliver: bool = True,
    targets=None,
) -> dict:
    """A renewal was declined: an open invoice, ``invoice.payment_failed``. Returns the event."""
    account, subscription = _subscription(standin, subscription_id)
    amount, currency = _subscription_amount(standin, account, subscription)
    intent = _intent(
        standin,
        account=account,
        amount=amount,
        currency=currency,
        metadata=subscription.get("metadata") or {},
        status="requires_payment_method",
        error=message,
    )
    start = subscription["current_period_end"]
    invoice = standin.create(
        "invoices",
        {
            "status": "open",
            "paid": False,
            "billing_reason": "subscription_cycle",
            "customer": subscription.get("customer"),
            "subscription": subscription_id,
            "subscription_details": {"metadata": subscription.get("metadata") or {}},
            "amount_due": amount,
            "amount_paid": 0,
            "currency": currency,
            "payment_intent": intent["id"],
            "attempt_count": 1,
            "lines": {
                "object": "list",
                "data": [{"amount": amount, "period": {"start": start, "end": start + MONTH}}],
            },
        },
        account=account,
    )
    subscription["status"] = "past_due"
    event = standin.event("invoice.payment_failed", dict(invoice), account=account)
    if deliver:
        deliver_connect(standin, event, targets=targets)
    return event


def subscription_cancel(
    standin: StripeStandIn, subscription_id: str, *, deliver: bool = True, targets=None
) -> dict:
    """The subscription ended: ``customer.subscription.deleted``. Returns the event."""
    account, subscription = _subscription(standin, subscription_id)
    subscription.update(status="canceled", canceled_at=int(time.time()))
    event = standin.event("customer.subscription.deleted", dict(subscription), account=account)
    if deliver:
        deliver_connect(standin, event, targets=targets)
    return event


def subscription_cancel_at_period_end(
    standin: StripeStandIn, subscription_id: str, *, deliver: bool = True, targets=None
) -> dict:
    """The client cancelled in the customer portal: the subscription ends with its paid
    period (``cancel_at_period_end``), ``customer.subscription.updated``. Returns the event."""
    account, subscription = _subscription(standin, subscription_id)
    previous = {"cancel_at_period_end": False, "cancel_at": None}
    subscription.update(
        cancel_at_period_end=True,
        cancel_at=subscription["current_period_end"],
        canceled_at=int(time.time()),
    )
    event = standin.event(
        "customer.subscription.updated",
        dict(subscription),
        account=account,
        data={"previous_attributes": previous},
    )
    if deliver:
        deliver_connect(standin, event, targets=targets)
    return event


def _intent_account(standin: StripeStandIn, intent_id: str) -> tuple[str | None, dict]:
    for (account, resource), objects in standin.objects.items():
        if resource == "payment_intents" and intent_id in objects:
            return account, objects[intent_id]
    raise KeyError(f"no payment intent {intent_id}")


def charge_refunded(
    standin: StripeStandIn,
    intent_id: str,
    *,
    with_refunds: bool = True,
    deliver: bool = True,
    targets=None,
) -> dict:
    """``charge.refunded`` for the charge of ``intent_id``, with its refunds so far
    (``with_refunds=False``: without them, as API versions since 2022-11-15 send it).
    Returns the event."""
    account, intent = _intent_account(standin, intent_id)
    charge = standin.get("charges", intent["latest_charge"], account=account)
    refunds = [
        refund
        for refund in standin.objects.get((account, "refunds"), {}).values()
        if refund.get("payment_intent") == intent_id
    ]
    charge.update(
        payment_intent=intent_id,
        amount_refunded=sum(int(refund["amount"]) for refund in refunds),
        refunded=sum(int(refund["amount"]) for refund in refunds) >= int(charge["amount"]),
    )
    body = dict(charge)
    if with_refunds:
        body["refunds"] = {"object": "list", "data": refunds, "has_more": False}
    event = standin.event("charge.refunded", body, account=account)
    if deliver:
        deliver_connect(standin, event, targets=targets)
    return event


def dashboard_refund(
    standin: StripeStandIn,
    intent_id: str,
    amount: int | None = None,
    *,
    reason: str | None = None,
    with_refunds: bool = True,
    deliver: bool = True,
    targets=None,
) -> dict:
    """The owner refunded ``amount`` (default: what is left) of a payment in Stripe's
    dashboard: a refund on the connected account and ``charge.refunded``. Returns
    the event."""
    account, intent = _intent_account(standin, intent_id)
    left = intent["amount"] - intent.get("amount_refunded", 0)
    amount = left if amount is None else amount
    if amount <= 0 or amount > left:
        raise ValueError(f"cannot refund {amount} of {left} left on {intent_id}")
    intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount
    standin.create(
        "refunds",
        {
            "amount": amount,
            "currency": intent["currency"],
            "status": "succeeded",
            "payment_intent": intent_id,
            "charge": intent.get("latest_charge"),
            "reason": reason,
        },
        account=account,
    )
    return charge_refunded(
        standin, intent_id, with_refunds=with_refunds, deliver=deliver, targets=targets
    )
