"""People around a client, at acme (``business``) and zen (``other_business``).

- ``coach`` coaches ``client_record`` (primary); ``other_coach`` coaches nobody
- ``client_user`` is the portal login of ``client_record``
- ``stranger_record`` is another acme client, not coached by ``coach``
- ``*_browser`` fixtures are Django test clients signed in on acme's host
"""

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from .factories import ClientFactory, person_create


def _browser_for(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(user)
    return browser


@pytest.fixture
def coach(business):
    with tenant_context(business):
        return person_create(email="coach@acme.test", role="coach", first_name="Cora")


@pytest.fixture
def other_coach(business):
    with tenant_context(business):
        return person_create(email="coach2@acme.test", role="coach", first_name="Otto")


@pytest.fixture
def client_user(business):
    with tenant_context(business):
        return person_create(email="cli@acme.test", role="client", first_name="Cleo")


@pytest.fixture
def client_record(business, coach, client_user):
    with tenant_context(business):
        return ClientFactory(
            user=client_user,
            first_name="Cleo",
            last_name="Martin",
            email="cli@acme.test",
            primary_coach=coach,
        )


@pytest.fixture
def stranger_record(business, other_coach):
    with tenant_context(business):
        return ClientFactory(first_name="Sam", last_name="Stranger", primary_coach=other_coach)


@pytest.fixture
def zen_record(other_business):
    """A client of another business, with a login there."""
    with tenant_context(other_business):
        user = person_create(email="cli@zen.test", role="client", first_name="Zed")
        return ClientFactory(user=user, first_name="Zed", last_name="Zen", email="cli@zen.test")


@pytest.fixture
def coach_browser(business, coach):
    return _browser_for(business, coach)


@pytest.fixture
def other_coach_browser(business, other_coach):
    return _browser_for(business, other_coach)


@pytest.fixture
def client_browser(business, client_user, client_record):
    return _browser_for(business, client_user)


@pytest.fixture
def zen_client_browser(other_business, zen_record):
    """Signed in at zen, pointed at acme's host: another business's session."""
    browser = _browser_for(other_business, zen_record.user)
    browser.defaults["HTTP_HOST"] = f"acme.{settings.BASE_DOMAIN}"
    return browser


@pytest.fixture
def tenant(business):
    """Run the test body inside acme's schema."""
    with tenant_context(business):
        yield business
