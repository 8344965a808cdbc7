"""Reads for platform billing: plans and their prices, a business's plan,
subscription and usage. Plans and dj-stripe live in the public schema, which
is on every business's search path, so these work from either side."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context, tenant_context
from djstripe.models import Customer, Price, Subscription

from accounts.models import User
from accounts.roles import COACH, OWNER
from clients.models import Client

from .models import Plan

# Stripe subscription statuses that are over: a new subscription may start
ENDED_STATUSES = frozenset({"canceled", "incomplete_expired"})


@dataclass(frozen=True)
class PlanPrice:
    """What a plan costs per month, for display: from Stripe when synced, ours otherwise."""

    amount: int  # minor units
    currency: str
    price_id: str | None  # the Stripe price to subscribe to; None until synced

    @property
    def major(self) -> str:
        """29 for 2900, 29.50 for 2950 (integer arithmetic: no floats for money)."""
        whole, cents = divmod(self.amount, 100)
        return f"{whole}" if not cents else f"{whole}.{cents:02d}"


def plan_list_public() -> list[Plan]:
    """The plans on the pricing page, each with ``.monthly`` (a PlanPrice). Two queries."""
    with schema_context("public"):
        plans = list(Plan.objects.filter(is_public=True).select_related("product"))
        _attach_prices(plans)
    return plans


def _attach_prices(plans: list[Plan]) -> None:
    product_ids = [p.product_id for p in plans if p.product_id]
    prices: dict[str, Price] = {}
    if product_ids:
        for price in Price.objects.filter(product_id__in=product_ids, active=True).order_by(
            "created"
        ):
            if (price.recurring or {}).get("interval") == "month" and price.unit_amount:
                prices[price.product_id] = price  # the newest monthly price wins
    for plan in plans:
        price = prices.get(plan.product_id)
        plan.monthly = (
            PlanPrice(
                amount=int(price.unit_amount), currency=price.currency.upper(), price_id=price.id
            )
            if price
            else PlanPrice(amount=plan.price_amount, currency=plan.price_currency, price_id=None)
        )


def plan_price(*, plan: Plan) -> PlanPrice:
    """The monthly price of one plan (see ``plan_list_public``)."""
    _attach_prices([plan])
    return plan.monthly


def plan_for_business(business) -> Plan:
    """The plan whose limits apply: the subscribed one, or the trial's default plan."""
    if business.plan_id:
        return Plan.objects.get(pk=business.plan_id)
    trial = Plan.objects.filter(key=settings.BILLING_TRIAL_PLAN).first()
    return trial or Plan.objects.order_by("-order").first()


def customer_for_business(business):
    """The business's dj-stripe Customer, or None before it first subscribes."""
    return Customer.objects.filter(subscriber=business, livemode=settings.STRIPE_LIVE_MODE).first()


def subscription_for_business(business):
    """The subscription that decides the business's status: the newest one not over,
    else the newest over one; None if it never subscribed."""
    subs = list(
        Subscription.objects.filter(
            customer__subscriber=business, livemode=settings.STRIPE_LIVE_MODE
        ).order_by("-created", "-djstripe_id")
    )
    live = [sub for sub in subs if sub.stripe_data.get("status") not in ENDED_STATUSES]
    return (live or subs or [None])[0]


def subscription_price_id(subscription) -> str | None:
    items = (subscription.stripe_data.get("items") or {}).get("data") or []
    if not items:
        return None
    price = items[0].get("price") or {}
    return price.get("id") if isinstance(price, dict) else price


def plan_for_price_id(price_id: str | None) -> Plan | None:
    if not price_id:
        return None
    product_id = Price.objects.filter(id=price_id).values_list("product_id", flat=True).first()
    return Plan.objects.filter(product_id=product_id).first() if product_id else None


@dataclass(frozen=True)
class Usage:
    clients: int
    coaches: int
    storage_mb: int | None  # None where we cannot measure it cheaply (S3)


def usage_for_business(business) -> Usage:
    """What the business uses now: active clients (Client.ACTIVE_STATUSES), people who
    coach (owners and coaches, active) and media storage. Two queries and, with
    local media, a walk of its folder when its size is not cached."""
    with tenant_context(business):
        clients = Client.objects.filter(status__in=Client.ACTIVE_STATUSES).count()
        coaches = (
            User.objects.filter(groups__name__in=[OWNER, COACH], is_active=True).distinct().count()
        )
    return Usage(clients=clients, coaches=coaches, storage_mb=_storage_mb(business))


# the media walk is cached this long per business; an upload adds its size to the
# cached figure at once, a deletion shows when the figure expires
STORAGE_CACHE_SECONDS = 300
STORAGE_CACHE_KEY = "billing:storage-bytes"


def _storage_cache(business):
    """The cache, used in the business's schema: the cache's key function prefixes
    the schema in use, so the figure is the same whether read from the business
    (an upload) or from the public schema (platform staff)."""
    return tenant_context(business)


def storage_measured(business) -> bool:
    """Whether we can measure the business's media cheaply: local files yes, S3 no."""
    return not getattr(settings, "AWS_STORAGE_BUCKET_NAME", "") and bool(
        getattr(settings, "MEDIA_ROOT", None)
    )


def storage_bytes_for_business(business) -> int | None:
    """Bytes of media the business keeps, or None where we do not measure it (S3:
    listing a bucket prefix costs a request per thousand files, too slow to do on
    an upload). Cached for ``STORAGE_CACHE_SECONDS``; a miss walks the business's
    media folder."""
    if not storage_measured(business):
        return None
    with _storage_cache(business):
        cached = cache.get(STORAGE_CACHE_KEY)
    if cached is not None:
        return int(cached)
    folder = os.path.join(str(settings.MEDIA_ROOT), business.schema_name)
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                pass
    with _storage_cache(business):
        cache.set(STORAGE_CACHE_KEY, total, STORAGE_CACHE_SECONDS)
    return total


def storage_bytes_add(business, size: int) -> None:
    """Count ``size`` more bytes in the cached figure (after an upload is committed);
    nothing to do when no figure is cached: the next read walks the folder."""
    if size <= 0 or not storage_measured(business):
        return
    with _storage_cache(business):
        try:
            total = cache.incr(STORAGE_CACHE_KEY, size)
        except ValueError:  # not cached (expired, or never measured)
            return
        if total == size:
            # it expired between the check and the increment: Redis made a new key
            # without expiry holding only this file; drop it so the next read measures
            cache.delete(STORAGE_CACHE_KEY)


def storage_usage_forget(business) -> None:
    """Drop the cached figure: the next read measures again."""
    with _storage_cache(business):
        cache.delete(STORAGE_CACHE_KEY)


def _storage_mb(business) -> int | None:
    total = storage_bytes_for_business(business)
    if total is None:
        return None
    return -(-total // (1024 * 1024))  # round up


def business_in_use():
    """The business whose schema the connection is in, or None in the public schema."""
    tenant = getattr(connection, "tenant", None)
    if (
        tenant is None
        or getattr(tenant, "schema_name", "public") == "public"
        or not getattr(tenant, "pk", None)
    ):
        return None
    return tenant
