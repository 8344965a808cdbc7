"""The same figure is the same number wherever a person reads it: the trial's days
left (home page and billing page) and "active clients" (home page, the plan's
limit on the billing page, the platform admin)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.platform.selectors import usage_for_business
from tenants.models import Business
from tenants.selectors import client_counts

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def frozen(monkeypatch):
    """The clock stops at NOW (django.utils.timezone.now is what the code reads)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.mark.parametrize(
    ("ends_in", "days_left"),
    [
        (dt.timedelta(days=14), 14),
        (dt.timedelta(days=14) - dt.timedelta(seconds=1), 14),  # a moment after sign-up
        (dt.timedelta(days=13), 13),
        (dt.timedelta(hours=1), 1),
        (dt.timedelta(0), 0),
        (-dt.timedelta(days=2), 0),
    ],
)
def test_the_trial_counts_a_started_day_as_a_day_left(frozen, ends_in, days_left):
    business = Business(status=Business.Status.TRIAL, trial_ends_at=NOW + ends_in)
    assert business.trial_days_left == days_left


def test_a_business_not_on_trial_has_no_days_left(frozen):
    business = Business(status=Business.Status.ACTIVE, trial_ends_at=NOW)
    assert business.trial_days_left is None


def test_the_home_page_and_the_billing_page_show_the_same_days_left_on_day_one(
    business, owner_client, frozen
):
    # signed up a few seconds ago: a 14-day trial
    Business.objects.filter(pk=business.pk).update(
        status=Business.Status.TRIAL,
        trial_ends_at=NOW + dt.timedelta(days=14) - dt.timedelta(seconds=5),
    )
    home = owner_client.get("/admin/").content.decode()
    billing = owner_client.get("/admin/billing/").content.decode()
    assert "14 days left in your free trial." in home
    assert "(14 days left)" in billing


def test_one_day_left_is_singular_on_both_pages(business, owner_client, frozen):
    Business.objects.filter(pk=business.pk).update(
        status=Business.Status.TRIAL, trial_ends_at=NOW + dt.timedelta(hours=5)
    )
    assert "1 day left in your free trial." in owner_client.get("/admin/").content.decode()
    assert "(1 day left)" in owner_client.get("/admin/billing/").content.decode()


def test_active_clients_are_the_same_number_on_home_billing_and_the_platform_admin(
    business, owner_client
):
    from clients.tests.factories import ClientFactory

    with tenant_context(business):
        for status in ["active", "onboarding", "onboarding", "lead", "paused", "archived"]:
            ClientFactory(first_name=status.title(), status=status)

    home = owner_client.get("/admin/").content.decode()
    tile = re.search(
        r'mf-figure__value">(\d+)</span>\s*<span class="mf-figure__label">active clients<', home
    )
    assert tile and tile.group(1) == "3"
    assert "active or onboarding" in home

    billing = owner_client.get("/admin/billing/").content.decode()
    row = re.search(
        r"<th scope=\"row\">Active clients \(active or onboarding\)</th>\s*<td>(\d+)", billing
    )
    assert row and row.group(1) == "3"
    assert usage_for_business(business).clients == 3
    assert client_counts(businesses=[business]) == {business.pk: 3}


def test_the_active_clients_tile_links_to_the_clients_it_counts(business, owner_client):
    from clients.tests.factories import ClientFactory

    with tenant_context(business):
        # last names of our own: the factory's random ones once made "Ona Lee"
        ClientFactory(first_name="Ona", last_name="Onboarded", status="onboarding")
        ClientFactory(first_name="Ace", last_name="Active", status="active")
        ClientFactory(first_name="Lee", last_name="Lead", status="lead")
    assert (
        'href="/admin/clients/client/?status=counted"'
        in owner_client.get("/admin/").content.decode()
    )
    listing = owner_client.get("/admin/clients/client/?status=counted").content.decode()
    assert "Ona" in listing and "Ace" in listing and "Lee" not in listing
