"""The local Stripe stand-in for `make run` (no Stripe secret key configured).

Seeds it with our plans' products and monthly prices, syncs them into dj-stripe,
and delivers its signed events to dj-stripe's webhook endpoint on the local
site, so the demo owner can subscribe on its checkout page and watch the
business's status follow the events. Objects live in memory: a restart
starts a fresh Stripe (``plans_sync`` links the plans again).

Django must be set up before this module is imported (``__main__`` does it).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

from billing.platform.services import plans_sync

from . import connect
from .platform import standin_seed_plans, standin_webhook_endpoint
from .server import Call, StripeStandIn, _page, _redirect


def serve(*, port: int, site: str) -> None:
    """Serve the stand-in on ``port`` until interrupted, webhooks to ``site``."""
    expected = f"http://127.0.0.1:{port}"
    if settings.STRIPE_API_BASE.rstrip("/") != expected:
        raise SystemExit(f"set STRIPE_API_BASE={expected} so the site talks to this stand-in")
    connection.set_schema_to_public()
    standin = StripeStandIn(port=port).start()
    standin_seed_plans(standin)
    standin.webhook_targets = [standin_webhook_endpoint(standin, url=site)]
    _connect_install(standin, site=site)
    linked = plans_sync()
    print(
        f"Stripe stand-in on {standin.url}: {len(linked)} plans, "
        f"webhooks to {standin.webhook_targets[0]}",
        flush=True,
    )
    connection.close()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        standin.stop()


def _connect_install(standin: StripeStandIn, *, site: str) -> None:
    """Businesses' own Stripe accounts (Connect) on the stand-in: Express onboarding
    and Checkout pages for connected accounts, events to our Connect webhook."""
    connect.install(standin)
    standin.connect_webhook_targets = [f"{site}/stripe/connect/"]
    standin.connect_webhook_secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET or None
    return_urls: dict[str, str] = {}  # account -> where its onboarding link returns

    @standin.route("POST", r"/v1/account_links")
    def account_link(standin: StripeStandIn, call: Call):
        status, link = connect._account_link_create(standin, call)
        if status == 200:
            return_urls[str(call.params.get("account"))] = call.params.get("return_url", site)
        return status, link

    @standin.route("POST", r"/v1/checkout/sessions")
    def checkout_session(standin: StripeStandIn, call: Call):
        status, session = connect._checkout_session_create(standin, call)
        if status == 200:  # the hosted page finds the session in its account
            standin._hosted[session["id"]] = call.account
        return status, session

    @standin.route("GET", r"/connect/onboarding/(?P<account>[^/]+)")
    def onboarding_page(standin: StripeStandIn, call: Call):
        account = call.match["account"]
        return 200, _page(
            "Stripe onboarding",
            "<p class='note'>Stripe test mode (local stand-in)</p>"
            "<h1>Set up payments</h1><p>Stripe would ask for the business's details and "
            "bank account here.</p>"
            f"<form method='post' action='/connect/onboarding/{account}'>"
            "<button type='submit'>Complete onboarding</button></form>",
        )

    @standin.route("POST", r"/connect/onboarding/(?P<account>[^/]+)")
    def onboarding_done(standin: StripeStandIn, call: Call):
        account = call.match["account"]
        connect.account_onboard(standin, account)
        return _redirect(return_urls.get(account, site))

    @standin.route("POST", r"/checkout/(?P<id>[^/]+)/pay")
    def pay(standin: StripeStandIn, call: Call):
        session_id = call.match["id"]
        try:
            account, session = connect._find_session(standin, session_id)
        except KeyError:
            return 404, _page("Not found", "<h1>This checkout link is not valid.</h1>")
        if account is None:  # the platform's own Checkout (a plan): the stand-in's page
            session = standin.checkout_complete(session_id)
        else:
            connect.checkout_complete(standin, session_id)
        url = (session.get("success_url") or "/").replace("{CHECKOUT_SESSION_ID}", session_id)
        return _redirect(url)
