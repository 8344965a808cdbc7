"""A local stand-in for Stripe's REST API, for tests and the dev runner.

Stripe cannot be reached from here, so our code talks to this server through
Stripe's real client library (``stripe.api_base`` points at it). It keeps
objects in memory and behaves like Stripe where our code depends on it:

- ``POST /v1/<resource>`` creates an object with a Stripe-shaped id
  (``cus_...``, ``cs_...``), ``GET /v1/<resource>/<id>`` retrieves it,
  ``POST /v1/<resource>/<id>`` updates it, ``DELETE`` deletes it, and
  ``GET /v1/<resource>`` lists, filtered by equal top-level query parameters.
- Form parameters are decoded the way Stripe encodes them
  (``line_items[0][price]=price_1``) into nested dicts and lists.
- Objects are scoped per connected account: a request with a
  ``Stripe-Account`` header sees only that account's objects.
- Unknown ids give Stripe's 404 error body, so ``stripe.InvalidRequestError``
  is raised in the client exactly as against Stripe.
- Custom behaviour is added with ``standin.route(method, regex)``; handlers
  get the stand-in and the ``Call`` and return ``(status, body)``.
- ``event_send(type, data_object)`` builds a Stripe event and POSTs it,
  signed with the endpoint secret exactly as Stripe signs, to every URL in
  ``webhook_targets``.

Every call is kept in ``calls`` so tests can assert what was sent to Stripe.

Hosted pages, like Stripe's, for a browser or a test to click through:

- a Checkout Session gets a ``url`` (``/checkout/<id>``): a page whose "Pay"
  completes it (``checkout_complete``): a subscription (``mode=subscription``)
  or a succeeded payment intent (``mode=payment``), then the signed events
  (``checkout.session.completed``, ``customer.subscription.created``,
  ``invoice.paid``) and a redirect to ``success_url``;
- a billing portal session gets a ``url`` (``/portal/<id>``): cancel the
  subscription, or (test mode) make its next payment fail or succeed; with a
  ``configuration`` (``billing_portal/configurations``), its features decide:
  change the card (``payment_method_update``), cancel at the end of the period
  (``subscription_cancel`` with ``mode=at_period_end``: ``cancel_at_period_end``
  and ``customer.subscription.updated``) or no cancel at all;
- ``POST /v1/subscriptions/<id>`` swaps item prices (a plan change) and
  ``DELETE`` cancels, each with its ``customer.subscription.*`` event.

A handler may return ``(status, body, headers)``; a text body is sent as HTML.
With ``hold_events = True`` signed deliveries are kept in ``outbox`` (payload,
headers) instead of POSTed, for tests that post them through Django's test
client.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from devtools.standin_http import LocalServer, StandInHandler

# Stripe's id prefix and object name for each resource path we may meet.
RESOURCES: dict[str, tuple[str, str]] = {
    "accounts": ("acct", "account"),
    "account_links": ("", "account_link"),
    "billing_portal/configurations": ("bpc", "billing_portal.configuration"),
    "billing_portal/sessions": ("bps", "billing_portal.session"),
    "charges": ("ch", "charge"),
    "checkout/sessions": ("cs_test", "checkout.session"),
    "customers": ("cus", "customer"),
    "events": ("evt", "event"),
    "invoices": ("in", "invoice"),
    "payment_intents": ("pi", "payment_intent"),
    "payment_methods": ("pm", "payment_method"),
    "prices": ("price", "price"),
    "products": ("prod", "product"),
    "refunds": ("re", "refund"),
    "subscription_items": ("si", "subscription_item"),
    "subscriptions": ("sub", "subscription"),
    "webhook_endpoints": ("we", "webhook_endpoint"),
}

# a secret key shaped like Stripe's (dj-stripe checks the shape); the stand-in takes any
STANDIN_API_KEY = "sk_test_" + "standin" * 4
# the platform's own account id (GET /v1/account)
PLATFORM_ACCOUNT = "acct_platform"

Handler = Callable[["StripeStandIn", "Call"], tuple[int, dict]]


def stripe_signature(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value Stripe would send for ``payload``."""
    if isinstance(payload, str):
        payload = payload.encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def form_decode(body: str) -> dict:
    """Decode Stripe's bracketed form encoding into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt = None if last else parts[i + 1]
            container_for_next = [] if nxt is not None and (nxt.isdigit() or nxt == "[]") else {}
            if isinstance(node, list):
                index = len(node) if part == "[]" else int(part)
                while len(node) <= index:
                    node.append(None)
                if last:
                    node[index] = value
                else:
                    if node[index] is None:
                        node[index] = container_for_next
                    node = node[index]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, container_for_next)
    return root


@dataclass
class Call:
    method: str
    path: str
    params: dict
    account: str | None
    idempotency_key: str | None
    match: re.Match | None = None


class BillingMixin:
    """Stripe's subscription life cycle, as far as our code and demo need it."""

    def subscription_create(
        self: StripeStandIn,
        *,
        customer: str,
        price: str,
        quantity: int = 1,
        metadata: dict | None = None,
        account: str | None = None,
        status: str = "active",
    ) -> dict:
        now = _now()
        sub = self.create(
            "subscriptions",
            {
                "customer": customer,
                "status": status,
                "metadata": dict(metadata or {}),
                "start_date": now,
                "billing_cycle_anchor": now,
                "current_period_start": now,
                "current_period_end": now + 30 * 86400,
                "cancel_at_period_end": False,
                "canceled_at": None,
                "ended_at": None,
                "collection_method": "charge_automatically",
                "currency": _price(self, price, account).get("currency", "usd"),
                "latest_invoice": None,
            },
            account=account,
        )
        item = _subscription_item(self, _price(self, price, account), quantity, sub["id"])
        sub["items"] = _items_list(sub, [item])
        sub["plan"] = item["price"]
        sub["quantity"] = quantity
        return sub

    def invoice_for(
        self: StripeStandIn, sub: dict, *, paid: bool, account: str | None = None
    ) -> dict:
        price = sub["items"]["data"][0]["price"]
        amount = int(price.get("unit_amount") or 0) * int(sub.get("quantity") or 1)
        invoice = self.create(
            "invoices",
            {
                "customer": sub["customer"],
                "subscription": sub["id"],
                "status": "paid" if paid else "open",
                "paid": paid,
                "amount_due": amount,
                "amount_paid": amount if paid else 0,
                "amount_remaining": 0 if paid else amount,
                "currency": price.get("currency", "usd"),
                "attempt_count": 1,
                "attempted": True,
                "billing_reason": "subscription_cycle",
                "period_start": sub["current_period_start"],
                "period_end": sub["current_period_end"],
                "lines": {"object": "list", "data": [], "has_more": False, "url": "/v1/x"},
            },
            account=account,
        )
        sub["latest_invoice"] = invoice["id"]
        return invoice

    def subscription_change(
        self: StripeStandIn, sub_id: str, *, account: str | None = None, **changes
    ) -> dict:
        """Change a subscription (status, fields) and send customer.subscription.updated,
        or .deleted when it is canceled."""
        sub = self.get("subscriptions", sub_id, account=account)
        previous = {key: sub.get(key) for key in changes}
        sub.update(changes)
        if sub.get("status") == "canceled":
            sub.setdefault("canceled_at", None)
            sub["canceled_at"] = sub["canceled_at"] or _now()
            sub["ended_at"] = sub.get("ended_at") or _now()
            self.event_send("customer.subscription.deleted", dict(sub), account=account)
        else:
            self.event_send(
                "customer.subscription.updated",
                dict(sub),
                account=account,
                data={"previous_attributes": previous},
            )
        return sub

    def subscription_cancel_at_period_end(
        self: StripeStandIn, sub_id: str, *, account: str | None = None
    ) -> dict:
        """The customer cancelled in the portal: it ends with the paid period
        (``cancel_at_period_end``, ``cancel_at``), with customer.subscription.updated."""
        sub = self.get("subscriptions", sub_id, account=account)
        return self.subscription_change(
            sub_id,
            account=account,
            cancel_at_period_end=True,
            cancel_at=sub.get("current_period_end"),
            canceled_at=_now(),
        )

    def subscription_payment_fail(self: StripeStandIn, sub_id: str, **kw) -> dict:
        """The renewal payment fails: an open invoice, past_due, and their events."""
        sub = self.get("subscriptions", sub_id, account=kw.get("account"))
        invoice = self.invoice_for(sub, paid=False, account=kw.get("account"))
        self.event_send("invoice.payment_failed", dict(invoice), account=kw.get("account"))
        return self.subscription_change(sub_id, status="past_due", **kw)

    def subscription_payment_succeed(self: StripeStandIn, sub_id: str, **kw) -> dict:
        """A renewal (or retried) payment succeeds: a paid invoice, active again."""
        sub = self.get("subscriptions", sub_id, account=kw.get("account"))
        invoice = self.invoice_for(sub, paid=True, account=kw.get("account"))
        self.event_send("invoice.paid", dict(invoice), account=kw.get("account"))
        now = _now()
        return self.subscription_change(
            sub_id,
            status="active",
            current_period_start=now,
            current_period_end=now + 30 * 86400,
            **kw,
        )

    def checkout_complete(self: StripeStandIn, session_id: str) -> dict:
        """Pay a Checkout Session as a customer would on Stripe's page; send its events."""
        account = self._hosted.get(session_id)
        session = self.get("checkout/sessions", session_id, account=account)
        if session is None or session.get("status") != "open":
            return session
        customer = session.get("customer")
        if not customer:
            customer = self.create(
                "customers", {"email": session.get("customer_email")}, account=account
            )["id"]
        line = (session.get("line_items") or [{}])[0]
        after = []
        if session.get("mode") == "subscription":
            metadata = (session.get("subscription_data") or {}).get("metadata") or {}
            sub = self.subscription_create(
                customer=customer,
                price=line.get("price"),
                quantity=int(line.get("quantity") or 1),
                metadata=metadata,
                account=account,
            )
            invoice = self.invoice_for(sub, paid=True, account=account)
            session.update(subscription=sub["id"], invoice=invoice["id"])
            after = [
                ("customer.subscription.created", sub),
                ("invoice.paid", invoice),
            ]
        else:
            price = _price(self, line.get("price"), account) if line.get("price") else {}
            amount = session.get("amount_total") or int(price.get("unit_amount") or 0) * int(
                line.get("quantity") or 1
            )
            intent = self.create(
                "payment_intents",
                {
                    "amount": amount,
                    "amount_received": amount,
                    "currency": session.get("currency") or price.get("currency", "usd"),
                    "customer": customer,
                    "status": "succeeded",
                    "metadata": session.get("metadata") or {},
                },
                account=account,
            )
            session.update(payment_intent=intent["id"], amount_total=amount)
        session.update(customer=customer, status="complete", payment_status="paid")
        self.event_send("checkout.session.completed", dict(session), account=account)
        for type, obj in after:
            self.event_send(type, dict(obj), account=account)
        return session


@dataclass
class StripeStandIn(BillingMixin):
    webhook_secret: str = "whsec_standin"
    webhook_targets: list[str] = field(default_factory=list)
    objects: dict = field(default_factory=dict)  # (account, resource) -> {id: object}
    calls: list[Call] = field(default_factory=list)
    routes: list[tuple[str, re.Pattern, Handler]] = field(default_factory=list)
    url: str = ""
    host: str = "127.0.0.1"
    port: int = 0
    hold_events: bool = False
    outbox: list[tuple[bytes, dict]] = field(default_factory=list)
    _hosted: dict = field(default_factory=dict)  # hosted session id -> account

    def __post_init__(self) -> None:
        _billing_routes(self)

    # --- server life cycle -------------------------------------------------

    def start(self) -> StripeStandIn:
        standin = self

        class RequestHandler(StandInHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                split = urlsplit(self.path)
                params = typed(form_decode(raw or split.query))
                call = Call(
                    method=self.command,
                    path=split.path,
                    params=params,
                    account=self.headers.get("Stripe-Account"),
                    idempotency_key=self.headers.get("Idempotency-Key"),
                )
                status, body, *extra = standin.dispatch(call)
                headers = extra[0] if extra else {}
                if isinstance(body, str):
                    data = body.encode()
                    content_type = "text/html; charset=utf-8"
                else:
                    data = json.dumps(body).encode()
                    content_type = "application/json"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Request-Id", "req_" + secrets.token_hex(6))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _serve

        self._http = LocalServer(self.host, self.port, RequestHandler)
        self.port = self._http.port
        self.url = f"http://{self.host}:{self.port}"
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> StripeStandIn:
        import stripe

        self.start()
        self._saved = (stripe.api_base, stripe.connect_api_base, stripe.api_key)
        stripe.api_base = stripe.connect_api_base = self.url
        stripe.api_key = stripe.api_key or STANDIN_API_KEY
        return self

    def __exit__(self, *exc) -> None:
        import stripe

        stripe.api_base, stripe.connect_api_base, stripe.api_key = self._saved
        self.stop()

    # --- routing -------------------------------------------------------------

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register ``fn(standin, call) -> (status, body)`` for ``method`` and a path regex.

        Custom routes are tried before the generic REST behaviour, newest first.
        """

        def register(fn: Handler) -> Handler:
            self.routes.insert(0, (method.upper(), re.compile(f"^{pattern}$"), fn))
            return fn

        return register

    def dispatch(self, call: Call) -> tuple[int, dict]:
        self.calls.append(call)
        if call.account == PLATFORM_ACCOUNT:
            call.account = None  # the platform naming itself: its own objects, as at Stripe
        for method, pattern, fn in self.routes:
            match = pattern.match(call.path)
            if method == call.method and match:
                call.match = match
                return fn(self, call)
        return self._rest(call)

    def _rest(self, call: Call) -> tuple[int, dict]:
        path = call.path.removeprefix("/v1/").rstrip("/")
        for resource in sorted(RESOURCES, key=len, reverse=True):
            if path == resource:
                if call.method == "GET":
                    return 200, self.list(resource, account=call.account, **_flat(call.params))
                if call.method == "POST":
                    return 200, self.create(resource, call.params, account=call.account)
            if path.startswith(resource + "/"):
                object_id = path[len(resource) + 1 :]
                if "/" in object_id:
                    break
                found = self.get(resource, object_id, account=call.account)
                if found is None:
                    return self.missing(resource, object_id)
                if call.method == "GET":
                    return 200, found
                if call.method == "POST":
                    return 200, self.update(resource, object_id, call.params, account=call.account)
                if call.method == "DELETE":
                    del self.objects[(call.account, resource)][object_id]
                    return 200, {"id": object_id, "object": found["object"], "deleted": True}
        return 404, _error(f"Unrecognized request URL ({call.method}: {call.path}).")

    # --- the object store (also for tests to seed and inspect) -------------

    def create(self, resource: str, params: dict, *, account: str | None = None) -> dict:
        prefix, name = RESOURCES[resource]
        obj = {
            "object": name,
            "created": int(time.time()),
            "livemode": False,
            "metadata": {},
            **params,
        }
        if prefix:
            obj.setdefault("id", f"{prefix}_{secrets.token_hex(8)}")
            self.objects.setdefault((account, resource), {})[obj["id"]] = obj
        if resource == "checkout/sessions":
            obj.setdefault("status", "open")
            obj.setdefault("payment_status", "unpaid")
            obj.setdefault("url", f"{self.url}/checkout/{obj['id']}")
            self._hosted[obj["id"]] = account
        elif resource == "billing_portal/sessions":
            obj.setdefault("url", f"{self.url}/portal/{obj['id']}")
            self._hosted[obj["id"]] = account
        return obj

    def get(self, resource: str, object_id: str, *, account: str | None = None) -> dict | None:
        return self.objects.get((account, resource), {}).get(object_id)

    def update(
        self, resource: str, object_id: str, params: dict, *, account: str | None = None
    ) -> dict:
        obj = self.objects[(account, resource)][object_id]
        metadata = params.pop("metadata", None)
        obj.update(params)
        if metadata is not None:
            obj["metadata"] = {**obj.get("metadata", {}), **metadata}
        return obj

    def list(self, resource: str, *, account: str | None = None, **filters) -> dict:
        filters.pop("limit", None)
        filters.pop("starting_after", None)
        filters.pop("expand", None)
        data = [
            obj
            for obj in self.objects.get((account, resource), {}).values()
            if all(
                str(obj.get(key)).lower() == str(value).lower() for key, value in filters.items()
            )
        ]
        return {"object": "list", "data": data, "has_more": False, "url": f"/v1/{resource}"}

    @staticmethod
    def missing(resource: str, object_id: str) -> tuple[int, dict]:
        name = RESOURCES.get(resource, ("", resource))[1]
        return 404, _error(f"No such {name}: '{object_id}'", code="resource_missing")

    # --- events ----------------------------------------------------------------

    def event(self, type: str, data_object: dict, *, account: str | None = None, **extra) -> dict:
        """A Stripe event for ``data_object``, stored like Stripe stores events."""
        event = self.create(
            "events",
            {
                "api_version": extra.pop("api_version", "2024-04-10"),
                "type": type,
                "data": {"object": data_object, **extra.pop("data", {})},
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                **({"account": account} if account else {}),
                **extra,
            },
        )
        # events are retrievable from the platform, like Stripe's own
        self.objects.setdefault((None, "events"), {})[event["id"]] = event
        return event

    def deliver(self, event: dict, *, targets: list[str] | None = None) -> list[int]:
        """POST ``event`` signed to each target; the HTTP statuses, in order. An event
        of a connected account goes to the Connect endpoint when one is set
        (``connect_webhook_targets`` and ``connect_webhook_secret``, as
        devtools/stripe_standin/connect.py and the dev runner set them)."""
        payload = json.dumps(event).encode()
        secret, default_targets = self.webhook_secret, self.webhook_targets
        if event.get("account") and getattr(self, "connect_webhook_targets", None):
            secret = getattr(self, "connect_webhook_secret", None) or secret
            default_targets = self.connect_webhook_targets
        if self.hold_events:
            signature = stripe_signature(payload, secret)
            self.outbox.append((payload, {"Stripe-Signature": signature}))
            return []
        return self.post_signed(payload, targets or default_targets, secret=secret)

    @staticmethod
    def post_signed(payload: bytes, targets: list[str], *, secret: str) -> list[int]:
        """POST ``payload`` to each target signed with ``secret`` as Stripe signs; the
        HTTP statuses, in order."""
        statuses = []
        for target in targets:
            request = urllib.request.Request(
                target,
                data=payload,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Stripe-Signature": stripe_signature(payload, secret),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
        return statuses

    def event_send(self, type: str, data_object: dict, **kwargs) -> dict:
        event = self.event(type, data_object, **kwargs)
        self.deliver(event)
        return event


# --- billing behaviour: subscriptions, hosted Checkout and portal pages -------------


def _now() -> int:
    return int(time.time())


def _price(standin: StripeStandIn, price_id: str, account: str | None) -> dict:
    return standin.get("prices", price_id, account=account) or {"id": price_id, "object": "price"}


def _subscription_item(standin: StripeStandIn, price: dict, quantity: int, sub_id: str) -> dict:
    return {
        "id": f"si_{secrets.token_hex(8)}",
        "object": "subscription_item",
        "created": _now(),
        "metadata": {},
        "price": price,
        "plan": price,
        "quantity": quantity,
        "subscription": sub_id,
        "current_period_start": _now(),
        "current_period_end": _now() + 30 * 86400,
    }


def _items_list(sub: dict, items: list[dict]) -> dict:
    return {
        "object": "list",
        "data": items,
        "has_more": False,
        "total_count": len(items),
        "url": f"/v1/subscription_items?subscription={sub['id']}",
    }


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font:16px system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;margin:0}"
        "main{max-width:28rem;margin:2rem auto;background:#fff;padding:1.5rem;"
        "border-radius:8px;box-shadow:0 2px 8px #0002}"
        "button{display:block;width:100%;padding:.8rem;margin:.5rem 0;border:0;"
        "border-radius:6px;font-size:1rem;background:#635bff;color:#fff;cursor:pointer}"
        "button.secondary{background:#e3e8ee;color:#1a1f36}.note{color:#4f566b;font-size:.9rem}"
        f"</style></head><body><main>{body}</main></body></html>"
    )


def _redirect(url: str) -> tuple[int, str, dict]:
    return 303, "", {"Location": url}


def _billing_routes(standin: StripeStandIn) -> None:
    @standin.route("GET", r"/v1/products/(?P<id>[^/]+)/features")
    def product_features(standin: StripeStandIn, call: Call):
        return 200, {"object": "list", "data": [], "has_more": False, "url": call.path}

    @standin.route("GET", r"/v1/account")
    def platform_account(standin: StripeStandIn, call: Call):
        """The platform's own account (dj-stripe looks it up for each API key)."""
        account = standin.get("accounts", PLATFORM_ACCOUNT, account=None) or standin.create(
            "accounts",
            {
                "id": PLATFORM_ACCOUNT,
                "type": "standard",
                "business_profile": {"name": "MectoFitness"},
                "email": "billing@example.com",
                "charges_enabled": True,
                "payouts_enabled": True,
                "details_submitted": True,
                "country": "US",
                "default_currency": "usd",
                "settings": {"dashboard": {"display_name": "MectoFitness"}},
            },
        )
        return 200, account

    @standin.route("POST", r"/v1/subscriptions/(?P<id>[^/]+)")
    def subscription_update(standin: StripeStandIn, call: Call):
        sub = standin.get("subscriptions", call.match["id"], account=call.account)
        if sub is None:
            return standin.missing("subscriptions", call.match["id"])
        params = dict(call.params)
        items = params.pop("items", None) or []
        params.pop("proration_behavior", None)
        params.pop("expand", None)
        previous = {}
        for change in items:
            current = next((i for i in sub["items"]["data"] if i["id"] == change.get("id")), None)
            if current is not None and change.get("price"):
                previous["items"] = json.loads(json.dumps(sub["items"]))
                price = _price(standin, change["price"], call.account)
                current.update(price=price, plan=price)
                sub["plan"] = price
        metadata = params.pop("metadata", None)
        if metadata is not None:
            sub["metadata"] = {**sub.get("metadata", {}), **metadata}
        previous.update({key: sub.get(key) for key in params})
        sub.update(params)
        standin.event_send(
            "customer.subscription.updated",
            dict(sub),
            account=call.account,
            data={"previous_attributes": previous},
        )
        return 200, sub

    @standin.route("DELETE", r"/v1/subscriptions/(?P<id>[^/]+)")
    def subscription_cancel(standin: StripeStandIn, call: Call):
        if standin.get("subscriptions", call.match["id"], account=call.account) is None:
            return standin.missing("subscriptions", call.match["id"])
        return 200, standin.subscription_change(
            call.match["id"], account=call.account, status="canceled"
        )

    @standin.route("GET", r"/checkout/(?P<id>[^/]+)")
    def checkout_page(standin: StripeStandIn, call: Call):
        session_id = call.match["id"]
        session = standin.get(
            "checkout/sessions", session_id, account=standin._hosted.get(session_id)
        )
        if session is None:
            return 404, _page("Not found", "<h1>This checkout link is not valid.</h1>")
        if session.get("status") != "open":
            return _redirect(session.get("success_url") or "/")
        lines = []
        for line in session.get("line_items") or []:
            price = _price(standin, line.get("price"), standin._hosted.get(session_id))
            product = (
                standin.get(
                    "products", str(price.get("product")), account=standin._hosted.get(session_id)
                )
                or {}
            )
            amount = int(price.get("unit_amount") or 0)
            interval = (price.get("recurring") or {}).get("interval")
            lines.append(
                f"<p><strong>{html.escape(product.get('name', 'Item'))}</strong> — "
                f"{amount // 100}.{amount % 100:02d} {str(price.get('currency', '')).upper()}"
                f"{' / ' + html.escape(interval) if interval else ''}</p>"
            )
        body = (
            "<p class='note'>Stripe test mode (local stand-in)</p><h1>Checkout</h1>"
            + "".join(lines)
            + f"<form method='post' action='/checkout/{html.escape(session_id)}/pay'>"
            "<button type='submit'>Pay</button></form>"
            + (
                f"<form method='get' action='{html.escape(session['cancel_url'])}'>"
                "<button class='secondary' type='submit'>Back</button></form>"
                if session.get("cancel_url")
                else ""
            )
        )
        return 200, _page("Checkout", body)

    @standin.route("POST", r"/checkout/(?P<id>[^/]+)/pay")
    def checkout_pay(standin: StripeStandIn, call: Call):
        session = standin.checkout_complete(call.match["id"])
        if session is None:
            return 404, _page("Not found", "<h1>This checkout link is not valid.</h1>")
        url = (session.get("success_url") or "/").replace("{CHECKOUT_SESSION_ID}", session["id"])
        return _redirect(url)

    def _portal(call: Call):
        session_id = call.match["id"]
        account = standin._hosted.get(session_id)
        session = standin.get("billing_portal/sessions", session_id, account=account)
        if session is None:
            return None, None, account
        subs = [
            sub
            for sub in standin.objects.get((account, "subscriptions"), {}).values()
            if sub.get("customer") == session.get("customer") and sub.get("status") != "canceled"
        ]
        return session, subs, account

    def _features(session: dict, account: str | None) -> dict:
        """The session's configuration's features; without one, Stripe's defaults as
        the platform's own portal uses them (cancel at once)."""
        configuration = session.get("configuration")
        found = standin.get("billing_portal/configurations", str(configuration), account=account)
        if not configuration or found is None:
            return {
                "payment_method_update": {"enabled": False},
                "subscription_cancel": {"enabled": True, "mode": "immediately"},
            }
        return found.get("features") or {}

    @standin.route("GET", r"/portal/(?P<id>[^/]+)")
    def portal_page(standin: StripeStandIn, call: Call):
        session, subs, _account = _portal(call)
        if session is None:
            return 404, _page("Not found", "<h1>This portal link is not valid.</h1>")
        features = _features(session, _account)
        cancel = features.get("subscription_cancel") or {}
        at_period_end = cancel.get("mode") == "at_period_end"
        action = f"/portal/{html.escape(session['id'])}"
        headline = (
            (
                standin.get(
                    "billing_portal/configurations",
                    str(session.get("configuration")),
                    account=_account,
                )
                or {}
            ).get("business_profile")
            or {}
        ).get("headline")
        parts = [
            "<p class='note'>Stripe test mode (local stand-in)</p>"
            f"<h1>{html.escape(headline or 'Billing')}</h1>"
        ]
        if (features.get("payment_method_update") or {}).get("enabled"):
            customer = standin.get("customers", str(session.get("customer")), account=_account)
            card = ((customer or {}).get("invoice_settings") or {}).get("default_payment_method")
            parts.append(
                f"<p>Card: {html.escape('•••• 4242' if card else 'the one you paid with')}</p>"
                f"<form method='post' action='{action}/card/-'>"
                "<button type='submit'>Update card</button></form>"
            )
        for sub in subs:
            price = sub["items"]["data"][0]["price"]
            if not isinstance(price, dict):
                price = _price(standin, str(price), _account)
            product = standin.get("products", str(price.get("product")), account=_account) or {}
            ends = sub.get("cancel_at") if sub.get("cancel_at_period_end") else None
            parts.append(
                f"<p><strong>{html.escape(product.get('name', 'Subscription'))}</strong>: "
                f"{html.escape(sub['status'])}"
                f"{' · cancels at the end of the period' if ends else ''}</p>"
            )
            if cancel.get("enabled") and not ends:
                label = (
                    "Cancel at the end of the period" if at_period_end else "Cancel subscription"
                )
                kind = "period_end" if at_period_end else "cancel"
                parts.append(
                    f"<form method='post' action='{action}/{kind}/{sub['id']}'>"
                    f"<button type='submit'>{label}</button></form>"
                )
            parts.append(
                f"<form method='post' action='{action}/fail/{sub['id']}'>"
                "<button class='secondary' type='submit'>Test: next payment fails</button></form>"
                f"<form method='post' action='{action}/pay/{sub['id']}'>"
                "<button class='secondary' type='submit'>Test: payment succeeds</button></form>"
            )
        if not subs:
            parts.append("<p>No active subscription.</p>")
        parts.append(
            f"<form method='get' action='{html.escape(session.get('return_url') or '/')}'>"
            "<button class='secondary' type='submit'>Return</button></form>"
        )
        return 200, _page("Billing", "".join(parts))

    @standin.route("POST", r"/portal/(?P<id>[^/]+)/card/-")
    def portal_card(standin: StripeStandIn, call: Call):
        session, _subs, account = _portal(call)
        if session is None or not (
            _features(session, account).get("payment_method_update") or {}
        ).get("enabled"):
            return 404, _page("Not found", "<h1>Nothing to change here.</h1>")
        card = standin.create(
            "payment_methods",
            {"type": "card", "customer": session.get("customer"), "card": {"last4": "4242"}},
            account=account,
        )
        customer = standin.get("customers", str(session.get("customer")), account=account)
        if customer is not None:
            customer["invoice_settings"] = {"default_payment_method": card["id"]}
        return _redirect(f"/portal/{session['id']}")

    @standin.route(
        "POST", r"/portal/(?P<id>[^/]+)/(?P<action>cancel|period_end|fail|pay)/(?P<sub>[^/]+)"
    )
    def portal_action(standin: StripeStandIn, call: Call):
        session, subs, account = _portal(call)
        sub = next((s for s in subs or [] if s["id"] == call.match["sub"]), None)
        if session is None or sub is None:
            return 404, _page("Not found", "<h1>Nothing to change here.</h1>")
        action = call.match["action"]
        cancel = _features(session, account).get("subscription_cancel") or {}
        if action in ("cancel", "period_end") and not cancel.get("enabled"):
            return 403, _page("Not allowed", "<h1>Cancelling is not offered here.</h1>")
        if action == "period_end":
            standin.subscription_cancel_at_period_end(sub["id"], account=account)
        elif action == "cancel":
            standin.subscription_change(sub["id"], account=account, status="canceled")
        elif action == "fail":
            standin.subscription_payment_fail(sub["id"], account=account)
        else:
            standin.subscription_payment_succeed(sub["id"], account=account)
        return _redirect(session.get("return_url") or "/")


def typed(value, *, key: str = ""):
    """Stripe's JSON types for form strings: integers and booleans, metadata left as text."""
    if key == "metadata":
        return value
    if isinstance(value, dict):
        return {k: typed(v, key=k) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, str):
        if re.fullmatch(r"-?\d+", value) and key not in {"id", "account", "customer"}:
            return int(value)
        if value in ("true", "false"):
            return value == "true"
    return value


def _error(message: str, *, code: str | None = None) -> dict:
    error = {"type": "invalid_request_error", "message": message}
    if code:
        error["code"] = code
    return {"error": error}


def _flat(params: dict) -> dict:
    return {key: value for key, value in params.items() if not isinstance(value, dict | list)}
