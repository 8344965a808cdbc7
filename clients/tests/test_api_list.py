"""The client list of the API: its pages (``page_size``), its tags and coaches read with
the page, and its queries, fixed however many clients, tags and coaches there are."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from rest_framework import serializers

from clients.api.records import ClientSerializer
from clients.models import Client, Tag
from mectofitness.core.api import PageNumberPagination

from .factories import ClientFactory, person_create

API = "/api/v1/clients/"


pytestmark = pytest.mark.usefixtures("fresh_throttles")


def clients_add(business, n: int, *, start: int = 0) -> None:
    """``n`` clients, each with two tags and two other coaches."""
    with tenant_context(business):
        coaches = [
            person_create(email=f"coach{start + i}@acme.test", role="coach", first_name=f"C{i}")
            for i in range(2)
        ]
        for i in range(start, start + n):
            client = ClientFactory(first_name=f"Pat{i:02}", last_name=f"Lane{i:02}")
            client.tags.add(
                Tag.objects.get_or_create(name=f"tag-{i % 3}")[0],
                Tag.objects.get_or_create(name="Online")[0],
            )
            client.coaches.add(*coaches)


def test_the_list_gives_a_page_of_the_size_asked_for(owner_api, business):
    clients_add(business, 3)
    body = owner_api.get(API, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["next"].endswith(f"{API}?page=2&page_size=2")
    assert len(owner_api.get(body["next"]).json()["results"]) == 1


def test_a_page_size_over_the_limit_is_cut_to_the_limit(owner_api, business, monkeypatch):
    clients_add(business, 3)
    monkeypatch.setattr(PageNumberPagination, "max_page_size", 2)
    assert len(owner_api.get(API, {"page_size": 3}).json()["results"]) == 2


@pytest.mark.parametrize("size", ["0", "-1", "many", ""])
def test_a_page_size_that_is_no_positive_number_gives_the_usual_page(
    owner_api, business, monkeypatch, size
):
    clients_add(business, 3)
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    response = owner_api.get(API, {"page_size": size})
    assert response.status_code == 200 and len(response.json()["results"]) == 2


def test_the_page_size_is_at_most_a_hundred_by_default():
    assert PageNumberPagination.max_page_size == settings.API_PAGE_SIZE_MAX == 100


def test_the_list_shows_each_client_as_the_record_itself_does(owner_api, business):
    clients_add(business, 2)
    listed = owner_api.get(API).json()["results"]
    assert listed[0]["tags"] == ["Online", "tag-0"] and len(listed[0]["coaches"]) == 2
    for client in listed:
        assert owner_api.get(f"{API}{client['id']}/").json() == client


def test_the_coaches_of_a_listed_client_come_in_the_records_order(owner_api, business):
    with tenant_context(business):
        zed = person_create(email="zed@acme.test", role="coach", first_name="Zed")
        amy = person_create(email="amy@acme.test", role="coach", first_name="Amy")
        ClientFactory(first_name="Pat").coaches.add(zed, amy)
    listed = owner_api.get(API).json()["results"]
    assert [c["coaches"] for c in listed if c["first_name"] == "Pat"] == [[amy.pk, zed.pk]]


def test_the_client_list_runs_three_queries_however_many_clients(
    owner_api, business, django_assert_num_queries
):
    clients_add(business, 3)
    owner_api.get(API)  # the first request fills the route cache and the token's last use
    # the token with its person and role, the count, the page with its tags and coaches
    with django_assert_num_queries(3):
        few = owner_api.get(API, {"page_size": 25})
    clients_add(business, 12, start=3)
    with django_assert_num_queries(3):
        many = owner_api.get(API, {"page_size": 25})
    assert len(few.json()["results"]) < len(many.json()["results"]) == 15


def test_the_openapi_schema_documents_the_page_size(owner_api):
    schema = owner_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"][API]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["in"] == "query" and "1 to 100" in page_size["description"]


# --- the list's representation, written out, is DRF's ----------------------------------

_text = st.text(max_size=12)
_times = st.none() | st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from([dt.UTC, zoneinfo.ZoneInfo("Europe/London"), None]),
)


@given(
    texts=st.lists(_text, min_size=9, max_size=9),
    choices=st.tuples(
        st.sampled_from(["", *Client.Level.values]),
        st.sampled_from(["", "kg", "lb"]),
        st.sampled_from(["", *Client.Source.values]),
        st.sampled_from(Client.Status.values) | st.sampled_from(list(Client.Status)),
    ),
    born=st.none() | st.dates(),
    times=st.lists(_times, min_size=4, max_size=4),
    ids=st.tuples(st.integers(1, 2**40), st.none() | st.integers(1, 99)),
    user_id=st.none() | st.integers(1, 99),
    tags=st.lists(st.text(min_size=1, max_size=8), max_size=4),
    coaches=st.lists(st.integers(1, 99), max_size=3),
    zone=st.sampled_from(["UTC", "Europe/London", "America/New_York"]),
)
@examples(max_examples=300, deadline=None)
def test_the_written_out_representation_is_drfs_for_any_client(
    texts, choices, born, times, ids, user_id, tags, coaches, zone
):
    first, last, email, phone, gender, goals, injuries, contact, medical = texts
    level, units, source, status = choices
    client = Client(
        id=ids[0],
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        gender=gender,
        goals=goals,
        injuries=injuries,
        medical_notes=medical,
        emergency_contact_name=contact,
        emergency_contact_phone=phone,
        experience_level=level,
        units=units,
        source=source,
        status=status,
        date_of_birth=born,
        status_changed_at=times[0],
        last_activity_at=times[1],
        created_at=times[2],
        updated_at=times[3],
        primary_coach_id=ids[1],
        user_id=user_id,
        timezone=zone,
    )
    client.tag_names, client.coach_ids = tags, coaches
    serializer = ClientSerializer()
    with timezone.override(zone):
        written_out = serializer.to_representation(client)
        drfs = serializers.ModelSerializer.to_representation(serializer, client)
    assert json.dumps(written_out) == json.dumps(drfs)
