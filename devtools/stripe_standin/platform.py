"""Seeding the local Stripe stand-in with our plans' products and prices, and
pointing its webhooks at dj-stripe's endpoint (dev runner and tests)."""

from __future__ import annotations

from django.db import connection
from djstripe.models import WebhookEndpoint

from billing.platform.models import Plan

from .server import StripeStandIn


def standin_seed_plans(standin: StripeStandIn) -> None:
    """A product (``metadata[plan]``) and a monthly price per plan, as on Stripe."""
    for plan in Plan.objects.all():
        product = standin.create(
            "products",
            {
                "name": plan.name,
                "description": plan.blurb,
                "active": True,
                "type": "service",
                "metadata": {"plan": plan.key},
            },
        )
        standin.create(
            "prices",
            {
                "product": product["id"],
                "active": True,
                "currency": plan.price_currency.lower(),
                "unit_amount": plan.price_amount,
                "unit_amount_decimal": str(plan.price_amount),
                "type": "recurring",
                "billing_scheme": "per_unit",
                "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
                "nickname": f"{plan.name} monthly",
            },
        )


def standin_webhook_endpoint(standin: StripeStandIn, *, url: str):
    """The dj-stripe WebhookEndpoint whose secret the stand-in signs with; its
    public webhook URL (``url`` is the public site's origin)."""
    connection.set_schema_to_public()
    endpoint = WebhookEndpoint.objects.filter(secret=standin.webhook_secret).first()
    if endpoint is None:
        endpoint = WebhookEndpoint.objects.create(
            id="we_standin",
            livemode=False,
            secret=standin.webhook_secret,
            url=url,
            enabled_events=["*"],
            status="enabled",
            api_version="",
        )
    return f"{url.rstrip('/')}/stripe/webhook/{endpoint.djstripe_uuid}/"
