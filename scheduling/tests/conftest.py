"""Scheduling fixtures at acme (London time): a coach working weekdays 09:00-17:00, a
one-to-one type that costs a pack's session, a class of two, and a client with a pack
of three. Tests pass ``now`` (NOW, a Monday morning) to the services: no clock."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # Monday 1 June 2026, 08:00 in London


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """June 2026, London wall time (BST, UTC+1), in UTC."""
    return dt.datetime(2026, 6, day, hour - 1, minute, tzinfo=UTC)


@pytest.fixture
def tenant(business):
    business.timezone = "Europe/London"
    business.save(update_fields=["timezone"])
    with tenant_context(business):
        yield business


@pytest.fixture
def owner_user(tenant):
    from accounts.models import User

    return User.objects.get(email="owner@acme.test")


@pytest.fixture
def coach(tenant):
    from clients.tests.factories import person_create
    from scheduling.models import WeeklyHours

    coach = person_create(email="kai@acme.test", role="coach", first_name="Kai")
    for weekday in range(5):
        WeeklyHours.objects.create(
            coach=coach, weekday=weekday, starts=dt.time(9), ends=dt.time(17)
        )
    return coach


@pytest.fixture
def other_coach(tenant):
    from clients.tests.factories import person_create

    return person_create(email="lou@acme.test", role="coach", first_name="Lou")


@pytest.fixture
def one_to_one(tenant, coach):
    from scheduling.models import SessionType

    kind = SessionType.objects.create(
        name="Personal training",
        duration_minutes=60,
        buffer_after_minutes=15,
        min_notice_minutes=120,
        cancel_window_hours=24,
    )
    kind.coaches.add(coach)
    return kind


@pytest.fixture
def hiit(tenant, coach):
    from scheduling.models import SessionType

    kind = SessionType.objects.create(name="HIIT class", duration_minutes=45, capacity=2)
    kind.coaches.add(coach)
    return kind


@pytest.fixture
def client_user(tenant):
    from clients.tests.factories import person_create

    return person_create(email="cleo@acme.test", role="client", first_name="Cleo")


@pytest.fixture
def cleo(tenant, coach, client_user, owner_user):
    """Kai's client with a pack of three sessions."""
    from billing.services.payments import payment_record_offline
    from billing.tests.factories import ProductFactory
    from clients.tests.factories import ClientFactory

    record = ClientFactory(first_name="Cleo", user=client_user, primary_coach=coach)
    pack = ProductFactory(name="Three sessions", sessions=3, amount=15000)
    payment_record_offline(
        client=record, amount=None, product=pack, method="cash", by=owner_user, send=False
    )
    return record


@pytest.fixture
def dana(tenant, coach, owner_user):
    """Another of Kai's clients, with a pack of three."""
    from billing.services.payments import payment_record_offline
    from billing.tests.factories import ProductFactory
    from clients.tests.factories import ClientFactory

    record = ClientFactory(first_name="Dana", primary_coach=coach)
    pack = ProductFactory(name="Three more", sessions=3, amount=15000)
    payment_record_offline(
        client=record, amount=None, product=pack, method="cash", by=owner_user, send=False
    )
    return record


def sessions_left(client) -> int:
    from billing.selectors import session_balance

    return session_balance(client=client)


@pytest.fixture
def frozen(monkeypatch):
    """The clock at NOW for the pages (the services read django.utils.timezone.now)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def cleo_browser(business, cleo, client_user):
    from django.conf import settings
    from django.test import Client as Browser

    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    browser.force_login(client_user)
    return browser
