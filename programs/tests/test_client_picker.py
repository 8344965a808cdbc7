"""Choosing clients in a business with many (clients.widgets): the forms list only the
chosen ones and offer a search box; what may be chosen is still the person's clients."""

import re

import pytest
from django_tenants.utils import tenant_context

from clients.models import Client
from clients.tests.factories import ClientFactory
from programs.models import ProgramAssignment

ASSIGN = "/admin/programs/programassignment/assign/"
PICKER = 'data-client-picker="/admin/clients/client/find/?active=1"'
OPTION = re.compile(r'<(?:option|input type="checkbox") [^>]*value="(\d+)"')


@pytest.fixture
def many(business, coach, client_record, settings):
    """The coach's clients outnumber what a list shows (three here, as ten thousand)."""
    settings.CLIENT_PICKER_FEW = 3
    with tenant_context(business):
        return [
            ClientFactory(first_name=f"Many{i}", last_name="Person", primary_coach=coach)
            for i in range(4)
        ]


def test_a_few_clients_are_listed_in_full(coach_browser, client_record, simple_program):
    page = coach_browser.get(f"{ASSIGN}?program={simple_program.pk}")
    assert "Cleo Martin" in page.text
    assert "data-client-picker" not in page.text


def test_many_clients_list_only_the_chosen_with_a_search_box(
    business, coach_browser, client_record, many, simple_program, stranger_record
):
    page = coach_browser.get(f"{ASSIGN}?program={simple_program.pk}&clients={many[2].pk}")
    assert page.status_code == 200
    assert PICKER in page.text and 'data-picker-name="clients"' in page.text
    assert OPTION.findall(page.text.split('class="pb-clients"')[1].split("</fieldset>")[0]) == [
        str(many[2].pk)
    ]
    assert "Cleo Martin" not in page.text

    # one found by the search, never listed, is assigned
    response = coach_browser.post(
        ASSIGN,
        {
            "program": simple_program.pk,
            "clients": [client_record.pk, many[0].pk],
            "start_date": "2030-01-07",
            "weekdays": ["0"],
            "is_main": "on",
        },
    )
    assert response.status_code == 302
    # another coach's client is refused as before, and nothing is assigned
    refused = coach_browser.post(
        ASSIGN,
        {
            "program": simple_program.pk,
            "clients": [many[1].pk, stranger_record.pk],
            "start_date": "2030-01-07",
            "weekdays": ["0"],
            "is_main": "on",
        },
    )
    assert refused.status_code == 400 and "not one of the available choices" in refused.text
    assert PICKER in refused.text  # the page comes back with its search box
    with tenant_context(business):
        assigned = set(ProgramAssignment.objects.values_list("client_id", flat=True))
    assert assigned == {client_record.pk, many[0].pk}


def test_the_single_pickers_list_only_the_chosen(coach_browser, client_record, many):
    for url in ("/admin/programs/generator/", "/admin/scheduling/calendar/book/"):
        page = coach_browser.get(url)
        assert page.status_code == 200, url
        select = re.search(r'<select name="client"[^>]*>(.*?)</select>', page.text, re.S)
        assert select and PICKER in select.group(0), url
        assert OPTION.findall(select.group(1)) == [], url  # the empty choice alone


def test_the_picker_search_offers_no_archived_client(business, coach_browser, client_record):
    with tenant_context(business):
        gone = ClientFactory(
            first_name="Cleo", last_name="Archived", primary_coach=client_record.primary_coach
        )
        Client.objects.filter(pk=gone.pk).update(status=Client.Status.ARCHIVED)
    everyone = coach_browser.get("/admin/clients/client/find/?q=cleo").json()["results"]
    active = coach_browser.get("/admin/clients/client/find/?active=1&q=cleo").json()["results"]
    assert {r["name"] for r in everyone} == {"Cleo Martin", "Cleo Archived"}
    assert [r["name"] for r in active] == ["Cleo Martin"]
