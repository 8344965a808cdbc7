"""The shop's hourly housekeeping: packs past their expiry become expired, purchases
left pending by an abandoned Checkout are cancelled, in every open business."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Purchase
from billing.services.housekeeping import purchases_housekeep
from billing.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _purchase(client, product, **fields) -> Purchase:
    values = {
        "client": client,
        "product": product,
        "amount": product.amount,
        "currency": product.currency,
        "status": "active",
        "sessions_total": product.sessions,
        **fields,
    }
    purchase = Purchase.objects.create(**values)
    if "created_at" in fields:  # default=now, editable=False: set after
        Purchase.objects.filter(pk=purchase.pk).update(created_at=fields["created_at"])
    return purchase


def _status(purchase) -> str:
    return Purchase.objects.get(pk=purchase.pk).status


def test_a_pack_past_its_expiry_becomes_expired(tenant, client_record, pack):
    old = _purchase(client_record, pack, expires_at=NOW - dt.timedelta(minutes=1))
    assert purchases_housekeep(now=NOW) == (1, 0)
    assert _status(old) == "expired"


def test_a_pack_still_in_date_or_without_expiry_stays_active(tenant, client_record, pack):
    fresh = _purchase(client_record, pack, expires_at=NOW + dt.timedelta(days=1))
    forever = _purchase(client_record, pack, expires_at=None)
    purchases_housekeep(now=NOW)
    assert (_status(fresh), _status(forever)) == ("active", "active")


def test_used_up_refunded_and_monthly_purchases_are_left_alone(
    tenant, client_record, pack, coaching, one_off
):
    past = NOW - dt.timedelta(days=1)
    used = _purchase(client_record, pack, status="used_up", sessions_used=10, expires_at=past)
    refunded = _purchase(client_record, pack, status="refunded", expires_at=past)
    monthly = _purchase(client_record, coaching, period_ends_at=past)
    program = _purchase(client_record, one_off, expires_at=past)
    purchases_housekeep(now=NOW)
    assert [_status(p) for p in (used, refunded, monthly, program)] == [
        "used_up",
        "refunded",
        "active",
        "active",
    ]


def test_a_checkout_abandoned_for_a_day_is_cancelled(tenant, client_record, pack):
    abandoned = _purchase(
        client_record, pack, status="pending", created_at=NOW - dt.timedelta(hours=25)
    )
    assert purchases_housekeep(now=NOW) == (0, 1)
    assert _status(abandoned) == "cancelled"


def test_a_checkout_started_an_hour_ago_stays_pending(tenant, client_record, pack):
    recent = _purchase(
        client_record, pack, status="pending", created_at=NOW - dt.timedelta(hours=1)
    )
    purchases_housekeep(now=NOW)
    assert _status(recent) == "pending"


def test_running_again_changes_nothing_more(tenant, client_record, pack):
    _purchase(client_record, pack, expires_at=NOW - dt.timedelta(days=2))
    _purchase(client_record, pack, status="pending", created_at=NOW - dt.timedelta(days=2))
    assert purchases_housekeep(now=NOW) == (1, 1)
    assert purchases_housekeep(now=NOW) == (0, 0)


def test_one_businesss_housekeeping_leaves_another_businesss_packs(
    business, other_business, client_record, pack, zen_record
):
    with tenant_context(other_business):
        zen_pack = ProductFactory(name="Zen pack", amount=1000, sessions=5)
        theirs = _purchase(zen_record, zen_pack, expires_at=NOW - dt.timedelta(days=1))
    with tenant_context(business):
        purchases_housekeep(now=NOW)
    with tenant_context(other_business):
        assert _status(theirs) == "active"


def test_beat_fans_the_housekeeping_out_to_each_open_business(
    business, other_business, client_record, pack, zen_record
):
    """The hourly beat task (billing/platform/migrations/0004) queues the task once per
    open business, with its schema in the headers: each runs in its own schema."""
    from django_celery_beat.models import PeriodicTask

    from billing.tasks import purchases_housekeep_fanout_task
    from tenants.models import Business

    beat = PeriodicTask.objects.get(task="billing.tasks.purchases_housekeep_fanout_task")
    assert beat.enabled and beat.interval.every == 1 and beat.interval.period == "hours"
    with tenant_context(business):
        ours = _purchase(client_record, pack, expires_at=timezone.now() - dt.timedelta(days=1))
    with tenant_context(other_business):
        zen_pack = ProductFactory(name="Zen pack", amount=1000, sessions=5)
        theirs = _purchase(zen_record, zen_pack, expires_at=timezone.now() - dt.timedelta(days=1))
    Business.objects.filter(pk=other_business.pk).update(status="suspended")
    open_businesses = Business.objects.exclude(status__in=list(Business.LOCKED_STATUSES)).exclude(
        schema_name="public"
    )
    assert purchases_housekeep_fanout_task() == open_businesses.count()
    with tenant_context(business):
        assert _status(ours) == "expired"
    with tenant_context(other_business):
        assert _status(theirs) == "active"  # suspended: not asked
