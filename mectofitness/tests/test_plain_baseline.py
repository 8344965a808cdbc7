"""The API bench's baseline (mectofitness/urls_plain.py, served with MF_PLAIN_DJANGO=1 by
bench/api.py) answers with the same JSON as the API it is compared with, or the
comparison would measure different work."""

import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from clients.models import Tag
from clients.tests.factories import ClientFactory, person_create
from mectofitness import urls_plain

pytestmark = pytest.mark.usefixtures("fresh_throttles")


@pytest.fixture
def plain(business, owner, settings):
    """Call a plain view as the bench serves it: at the API's address, on the business's
    host, reading its schema as its owner."""
    settings.PLAIN_SCHEMA = business.schema_name
    settings.PLAIN_USER_ID = owner.pk
    host = f"{business.slug}.{settings.BASE_DOMAIN}"

    def get(view, path: str, params: dict | None = None):
        try:
            return json.loads(view(RequestFactory(HTTP_HOST=host).get(path, params)).content)
        finally:
            connection.set_schema_to_public()

    return get


def test_the_plain_me_is_the_apis(plain, owner_api):
    assert plain(urls_plain.plain_me, "/api/v1/me/") == owner_api.get("/api/v1/me/").json()


def test_the_plain_client_list_is_the_apis_page_for_page(business, plain, owner_api):
    with tenant_context(business):
        coaches = [person_create(email=f"c{i}@acme.test", role="coach") for i in range(2)]
        for i in range(3):
            client = ClientFactory(
                first_name=f"Pat{i}", injuries="knee" if i == 1 else "", date_of_birth=None
            )
            client.tags.add(
                Tag.objects.create(name=f"t{i}"), Tag.objects.get_or_create(name="a")[0]
            )
            client.coaches.add(*coaches[: i % 3])
        ClientFactory(first_name="Gone", status="archived")
    for params in ({"page_size": 2}, {"page_size": 2, "page": 2}, {}):
        expected = owner_api.get("/api/v1/clients/", params).json()
        assert plain(urls_plain.plain_clients, "/api/v1/clients/", params) == expected
