"""Messaging fixtures at acme: the owner; Kai, who coaches Cleo (with a login) and Dana
(without); Lou, who coaches Sam (with a login). Tests pass ``now`` to the services, or
freeze ``timezone.now`` for the API (``frozen``): no clock."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def tenant(business):
    with tenant_context(business):
        yield business


@pytest.fixture
def owner_user(tenant):
    from accounts.models import User

    return User.objects.get(email="owner@acme.test")


@pytest.fixture
def kai(tenant):
    from clients.tests.factories import person_create

    return person_create(email="kai@acme.test", role="coach", first_name="Kai")


@pytest.fixture
def lou(tenant):
    from clients.tests.factories import person_create

    return person_create(email="lou@acme.test", role="coach", first_name="Lou")


@pytest.fixture
def cleo_user(tenant):
    from clients.tests.factories import person_create

    return person_create(email="cleo@acme.test", role="client", first_name="Cleo")


@pytest.fixture
def cleo(tenant, kai, cleo_user):
    from clients.tests.factories import ClientFactory

    return ClientFactory(
        first_name="Cleo",
        last_name="Martin",
        user=cleo_user,
        email="cleo@acme.test",
        primary_coach=kai,
    )


@pytest.fixture
def dana(tenant, kai):
    from clients.tests.factories import ClientFactory

    return ClientFactory(first_name="Dana", last_name="Diaz", primary_coach=kai)


@pytest.fixture
def sam_user(tenant):
    from clients.tests.factories import person_create

    return person_create(email="sam@acme.test", role="client", first_name="Sam")


@pytest.fixture
def sam(tenant, lou, sam_user):
    from clients.tests.factories import ClientFactory

    return ClientFactory(
        first_name="Sam", last_name="Stone", user=sam_user, email="sam@acme.test", primary_coach=lou
    )


@pytest.fixture
def cleo_thread(cleo, kai):
    from messaging.services import client_thread_get_or_create

    return client_thread_get_or_create(client=cleo, by=kai, now=NOW)


@pytest.fixture
def frozen(monkeypatch):
    """The clock at NOW for the API (the services read django.utils.timezone.now)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def api_as(business, user) -> APIClient:
    client = APIClient(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    client.force_authenticate(user)
    return client


def later(minutes: float) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)
