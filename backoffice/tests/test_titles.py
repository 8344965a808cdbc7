"""The back office's lists and forms are titled in a trainer's words (issue 17, item 1):
never Django's "Select client to change", "Change client" or "Add client" as a title
(the list's button may say "Add client"), nor "Thanks for spending some quality time
with the web site today"."""

import pytest

from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

STOCK = ("to change", "to view", "Change client", "quality time")


def _title(page: str) -> str:
    return page.split("<h1>", 1)[1].split("</h1>", 1)[0].strip()


def test_a_list_is_titled_by_what_it_lists(owner_client):
    page = owner_client.get("/admin/clients/client/").content.decode()
    assert _title(page) == "Clients"
    assert not [word for word in STOCK if word in page]


def test_a_new_form_and_an_existing_record_are_titled_as_a_trainer_would(owner_client, business):
    from django_tenants.utils import tenant_context

    page = owner_client.get("/admin/clients/client/add/").content.decode()
    assert _title(page) == "New client"
    with tenant_context(business):
        client = ClientFactory(first_name="Cleo", last_name="Park")
    page = owner_client.get(f"/admin/clients/client/{client.pk}/change/").content.decode()
    assert _title(page) == "Client" and "Cleo Park" in page
    assert not [word for word in STOCK if word in page]


def test_signing_out_names_the_business(owner_client, business):
    page = owner_client.post("/admin/logout/").content.decode()
    assert "quality time" not in page
    assert f"You have signed out of {business.name}" in page.replace("&#x27;", "'")
