"""Notification fixtures at acme: the owner; Kai, who coaches Cleo (with a login); Lou,
who coaches Sam (with a login); a push-service stand-in with the site's VAPID keys.
Tests pass ``now`` to the services or freeze ``timezone.now``: no clock."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from devtools.push_standin.server import PushStandIn
from notifications.push import vapid_keys_generate

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
VAPID_PRIVATE, VAPID_PUBLIC = vapid_keys_generate()


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
def frozen(monkeypatch):
    """The clock at NOW (the services and tasks read django.utils.timezone.now)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def push_service(settings):
    """The push-service stand-in, and the site's VAPID keys pointed at it."""
    settings.VAPID_PRIVATE_KEY = VAPID_PRIVATE
    settings.VAPID_PUBLIC_KEY = VAPID_PUBLIC
    settings.VAPID_SUBJECT = "mailto:support@mectofitness.test"
    with PushStandIn(vapid_public_key=VAPID_PUBLIC) as server:
        yield server


def api_as(business, user) -> APIClient:
    client = APIClient(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    client.force_authenticate(user)
    return client


def browser_subscribe(push_service, user):
    """``user`` turns on notifications in a browser (the stand-in's subscription)."""
    from notifications.services import push_subscribe

    info = push_service.subscription_new()
    return push_subscribe(user=user, endpoint=info["endpoint"], **info["keys"])
