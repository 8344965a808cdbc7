"""Platform billing fixtures: the Stripe stand-in seeded with our plans, synced
into dj-stripe, with its signed webhooks held for the test to post."""

import json

import pytest

from billing.platform.services import plans_sync
from devtools.stripe_standin.platform import standin_seed_plans, standin_webhook_endpoint
from devtools.stripe_standin.server import STANDIN_API_KEY, StripeStandIn, stripe_signature


@pytest.fixture
def standin(db, settings):
    settings.STRIPE_TEST_SECRET_KEY = STANDIN_API_KEY
    with StripeStandIn() as server:
        server.hold_events = True
        standin_seed_plans(server)
        server.webhook_path = standin_webhook_endpoint(server, url="http://localhost").removeprefix(
            "http://localhost"
        )
        plans_sync()
        yield server


@pytest.fixture
def committed_standin(committed, settings, monkeypatch):
    """The stand-in, synced into committed dj-stripe tables; all of it removed after.
    A live site started after this talks to it too."""
    from django.db import connection
    from djstripe import models as dj

    from billing.platform.models import Plan
    from tenants.models import Business

    settings.STRIPE_TEST_SECRET_KEY = STANDIN_API_KEY
    business = Business.objects.get(slug="acme")
    saved = (business.status, business.plan_id)
    with StripeStandIn() as server:
        server.hold_events = True
        monkeypatch.setenv("STRIPE_API_BASE", server.url)
        monkeypatch.setenv("STRIPE_TEST_SECRET_KEY", STANDIN_API_KEY)
        standin_seed_plans(server)
        server.webhook_path = standin_webhook_endpoint(server, url="http://localhost").removeprefix(
            "http://localhost"
        )
        plans_sync()
        try:
            yield server, business
        finally:
            connection.set_schema_to_public()
            Business.objects.filter(pk=business.pk).update(status=saved[0], plan_id=saved[1])
            Plan.objects.update(product=None)
            for model in (
                dj.WebhookEventTrigger,
                dj.Event,
                dj.Invoice,
                dj.SubscriptionItem,
                dj.Subscription,
                dj.Customer,
                dj.Price,
                dj.Product,
                dj.WebhookEndpoint,
                dj.IdempotencyKey,
                dj.APIKey,
                dj.Account,
            ):
                model.objects.all().delete()


@pytest.fixture
def stripe_post(public_client):
    """POST a payload to the webhook as Stripe would: ``stripe_post(server, payload,
    secret=None, signature=None)``; the response."""

    def post(server, payload, *, secret=None, signature=...):
        if not isinstance(payload, bytes | str):
            payload = json.dumps(payload)
        headers = {}
        if signature is ...:
            signature = stripe_signature(payload, secret or server.webhook_secret)
        if signature is not None:
            headers["HTTP_STRIPE_SIGNATURE"] = signature
        return public_client.post(
            server.webhook_path, data=payload, content_type="application/json", **headers
        )

    return post


@pytest.fixture
def flush(stripe_post):
    """Deliver every event the stand-in holds, in order; their HTTP statuses."""

    def run(server, *, reverse=False):
        held, server.outbox[:] = list(server.outbox), []
        if reverse:
            held.reverse()
        return [stripe_post(server, payload).status_code for payload, _headers in held]

    return run


def held_types(server) -> list[str]:
    return [json.loads(payload)["type"] for payload, _ in server.outbox]


@pytest.fixture
def subscribed(standin, business, flush):
    """acme subscribed to Studio through Checkout, its events delivered: the subscription."""
    from billing.platform import services
    from billing.platform.models import Plan

    url = services.checkout_session_create(
        business=business,
        plan=Plan.objects.get(key="studio"),
        success_url="http://acme.localhost/admin/billing/",
        cancel_url="http://acme.localhost/admin/billing/",
    )
    session = standin.checkout_complete(url.rsplit("/", 1)[1])
    assert set(flush(standin)) == {200}
    return standin.get("subscriptions", session["subscription"])


def people(business, *, coaches=0, clients=0, status="active"):
    """Add ``coaches`` coaches and ``clients`` client records to ``business``."""
    from django_tenants.utils import tenant_context

    from clients.tests.factories import ClientFactory, person_create

    with tenant_context(business):
        for i in range(coaches):
            person_create(email=f"coach{i}@{business.slug}.test", role="coach", first_name="C")
        for _i in range(clients):
            ClientFactory(status=status)
