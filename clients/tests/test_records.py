"""Client records: who sees which client, search, pipeline, notes, back office and API."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import Invitation
from accounts.services import invitation_accept
from clients.models import Client, ClientNote, ClientStatusChange, Tag
from clients.selectors import client_queryset_for, client_search, client_search_top
from clients.services.records import (
    client_create,
    client_for_user_link,
    client_note_add,
    client_note_delete,
    client_note_update,
    client_status_set,
)

from .factories import ClientFactory, person_create

# --- who sees which client -------------------------------------------------------------


def test_the_owner_sees_every_client(tenant, owner, client_record, stranger_record):
    assert set(client_queryset_for(user=owner)) == {client_record, stranger_record}


def test_a_coach_sees_only_the_clients_assigned_to_them(
    tenant, coach, client_record, stranger_record
):
    assert list(client_queryset_for(user=coach)) == [client_record]


def test_a_coach_sharing_a_client_sees_it_too(tenant, coach, stranger_record):
    stranger_record.coaches.add(coach)
    assert stranger_record in client_queryset_for(user=coach)


def test_a_client_sees_only_their_own_record(tenant, client_user, client_record, stranger_record):
    assert list(client_queryset_for(user=client_user)) == [client_record]


def test_an_inactive_coach_sees_nobody(tenant, coach, client_record):
    coach.is_active = False
    assert not client_queryset_for(user=coach).exists()


# --- search ------------------------------------------------------------------------------


@pytest.fixture
def people(tenant):
    return {
        "martin": ClientFactory(first_name="Alice", last_name="Martin", email="alice@x.test"),
        "inside": ClientFactory(first_name="Bob", last_name="Jones", email="bob.martin@x.test"),
        "zoe": ClientFactory(first_name="Zoë", last_name="Ångström", email="z@x.test"),
        "smith": ClientFactory(
            first_name="John", last_name="Smith", email="js@x.test", phone="+44 7700 900123"
        ),
        "mart": ClientFactory(first_name="Martina", last_name="Lopez", email="ml@x.test"),
    }


def _names(clients):
    return [client.last_name for client in clients]


def test_a_surname_starting_with_the_query_beats_a_match_inside_an_email(people):
    for search in (client_search_top, lambda **kw: list(client_search(**kw))):
        found = search(clients=Client.objects.all(), query="mart")
        assert _names(found)[:3] == ["Martin", "Lopez", "Jones"]


def test_search_ignores_case_and_accents(people):
    assert _names(client_search_top(clients=Client.objects.all(), query="ZOE ANG")) == ["Ångström"]
    assert _names(client_search(clients=Client.objects.all(), query="angstrom")) == ["Ångström"]


def test_search_finds_a_phone_number_by_any_part(people):
    for query in ("7700", "900123", "+44 7700 900123", "0 900"):
        assert _names(client_search_top(clients=Client.objects.all(), query=query)) == ["Smith"]


def test_search_finds_misspelt_names(people):
    assert _names(client_search_top(clients=Client.objects.all(), query="smiht")) == ["Smith"]
    assert "Smith" in _names(client_search(clients=Client.objects.all(), query="smiht"))


def test_search_by_email(people):
    assert _names(client_search_top(clients=Client.objects.all(), query="bob.mar")) == ["Jones"]


def test_search_stays_inside_what_the_person_may_see(people, coach):
    people["smith"].primary_coach = coach
    people["smith"].save()
    mine = client_queryset_for(user=coach)
    assert _names(client_search_top(clients=mine, query="mart")) == []
    assert _names(client_search_top(clients=mine, query="smi")) == ["Smith"]


def test_two_letters_match_starts_of_names_only(people):
    assert _names(client_search_top(clients=Client.objects.all(), query="ma")) == [
        "Martin",
        "Lopez",
    ]


# --- pipeline and notes ---------------------------------------------------------------


def test_each_status_change_is_kept_with_its_date(tenant, owner):
    client = client_create(by=owner, first_name="Ada", email="ada@x.test")
    client_status_set(client=client, status="onboarding", by=owner)
    client_status_set(client=client, status="active", by=owner)
    history = list(client.status_changes.order_by("changed_at", "pk"))
    assert [(c.from_status, c.to_status) for c in history] == [
        ("", "lead"),
        ("lead", "onboarding"),
        ("onboarding", "active"),
    ]
    client.refresh_from_db()
    assert client.status_changed_at == history[-1].changed_at


def test_an_unknown_status_is_refused_with_a_message(tenant, owner, client_record):
    with pytest.raises(ValidationError) as error:
        client_status_set(client=client_record, status="gone", by=owner)
    assert "status" in error.value.message_dict


def test_a_coach_who_adds_a_client_becomes_its_primary_coach(tenant, coach):
    client = client_create(by=coach, first_name="Newt")
    assert client.primary_coach == coach


def test_two_clients_cannot_share_an_email(tenant, owner, client_record):
    with pytest.raises(ValidationError) as error:
        client_create(by=owner, first_name="Copy", email="CLI@acme.test")
    assert "email" in error.value.message_dict


def test_an_empty_note_is_refused(tenant, coach, client_record):
    with pytest.raises(ValidationError):
        client_note_add(client=client_record, author=coach, body="   ")


def test_editing_a_note_someone_changed_meanwhile_keeps_their_words(tenant, coach, client_record):
    note = client_note_add(client=client_record, author=coach, body="first")
    seen = note.updated_at
    client_note_update(note=note, by=coach, body="theirs", is_pinned=False, seen_updated_at=seen)
    with pytest.raises(ValidationError):
        client_note_update(note=note, by=coach, body="mine", is_pinned=False, seen_updated_at=seen)
    note.refresh_from_db()
    assert note.body == "theirs"


def test_a_note_is_deleted_by_its_author_or_the_owner_only(
    tenant, owner, coach, other_coach, client_record
):
    note = client_note_add(client=client_record, author=coach, body="mine")
    with pytest.raises(PermissionDenied):
        client_note_delete(note=note, by=other_coach)
    client_note_delete(note=note, by=coach)
    assert not ClientNote.objects.filter(pk=note.pk).exists()
    theirs = client_note_add(client=client_record, author=coach, body="theirs")
    client_note_delete(note=theirs, by=owner)
    assert not ClientNote.objects.filter(pk=theirs.pk).exists()


def test_notes_written_at_the_same_moment_are_all_kept(committed):
    """Two coaches add a note to one client at once (two connections): both stay."""
    from tenants.models import Business

    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        author = person_create(email="race@acme.test", role="coach")
        client = ClientFactory(first_name="Race", primary_coach=author)
    barrier = threading.Barrier(2)
    errors = []

    def write(text):
        try:
            with tenant_context(business):
                barrier.wait()
                client_note_add(client=client, author=author, body=text)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(f"note {i}",)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        with tenant_context(business):
            assert sorted(client.notes.values_list("body", flat=True)) == ["note 0", "note 1"]
    finally:
        with tenant_context(business):
            ClientNote.objects.filter(client=client).delete()
            ClientStatusChange.objects.filter(client=client).delete()
            client.delete()
            author.delete()


# --- joining the portal links the client record -------------------------------------------


def test_accepting_a_client_invitation_links_the_lead_with_that_email(tenant, owner):
    from accounts.services import invitation_create

    lead = client_create(by=owner, first_name="Lena", email="lena@x.test")
    invitation = invitation_create(email="lena@x.test", role="client", invited_by=owner)
    token = _token_of(invitation)
    user = invitation_accept(token=token, password="a-long-pass-phrase", first_name="Lena")
    lead.refresh_from_db()
    assert lead.user == user
    assert lead.status == "onboarding"


def test_accepting_an_invitation_without_a_record_creates_one(tenant, coach):
    from accounts.services import invitation_create

    invitation = invitation_create(email="new@x.test", role="client", invited_by=coach)
    user = invitation_accept(
        token=_token_of(invitation), password="a-long-pass-phrase", first_name="Neo"
    )
    record = Client.objects.get(user=user)
    assert record.primary_coach == coach
    assert record.source == "invitation"


def test_a_login_cannot_take_over_another_clients_record(tenant, client_record):
    other = person_create(email="other@x.test", role="client")
    other.email = client_record.email  # an address that already belongs to a linked record
    with pytest.raises(ValidationError):
        client_for_user_link(user=other)


def _token_of(invitation: Invitation) -> str:
    """Re-issue a known token for the test (only the hash is stored)."""
    from accounts.models import token_hash

    token = "known-token-for-tests"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
    return token


# --- the back office -------------------------------------------------------------------


LIST = "/admin/clients/client/"


def test_a_coach_lists_only_their_clients(coach_browser, client_record, stranger_record):
    page = coach_browser.get(LIST).content.decode()
    assert "Martin" in page
    assert "Stranger" not in page


def test_a_coach_cannot_open_another_coachs_client(coach_browser, stranger_record):
    response = coach_browser.get(f"{LIST}{stranger_record.pk}/change/")
    assert response.status_code == 302  # "doesn't exist" and back to the index
    assert "Stranger" not in coach_browser.get(response.url).content.decode()


def test_the_owner_lists_every_client_and_archived_ones_only_on_request(
    owner_client, business, client_record, stranger_record
):
    with tenant_context(business):
        client_status_set(client=stranger_record, status="archived", by=None)
    page = owner_client.get(LIST).content.decode()
    assert "Martin" in page and "Stranger" not in page
    assert "Stranger" in owner_client.get(f"{LIST}?status=all").content.decode()


def test_the_client_page_shows_the_health_flag_notes_and_pipeline(
    coach_browser, business, client_record, coach
):
    with tenant_context(business):
        client_record.injuries = "Left knee ACL repair 2024"
        client_record.save()
        client_note_add(client=client_record, author=coach, body="Prefers mornings", is_pinned=True)
    page = coach_browser.get(f"{LIST}{client_record.pk}/profile/notes/").content.decode()
    assert "Health flag" in page and "ACL repair" in page
    assert "Prefers mornings" in page and "Pinned" in page
    assert "Pipeline" in page


def test_a_coach_adds_a_note_from_the_client_page(coach_browser, business, client_record):
    response = coach_browser.post(f"{LIST}{client_record.pk}/notes/", {"body": "Called today"})
    assert response.status_code == 302
    with tenant_context(business):
        assert client_record.notes.get().body == "Called today"


def test_a_coach_cannot_add_a_note_to_another_coachs_client(
    coach_browser, business, stranger_record
):
    response = coach_browser.post(f"{LIST}{stranger_record.pk}/notes/", {"body": "sneaky"})
    assert response.status_code == 404
    with tenant_context(business):
        assert not stranger_record.notes.exists()


def test_a_coach_deletes_their_own_note_from_the_client_page(
    coach_browser, business, coach, client_record
):
    with tenant_context(business):
        note = client_note_add(client=client_record, author=coach, body="Wrong client")
    response = coach_browser.post(
        f"{LIST}{client_record.pk}/notes/{note.pk}/", {"delete": "1"}, follow=True
    )
    assert response.status_code == 200
    with tenant_context(business):
        assert not client_record.notes.exists()


def test_a_coach_cannot_delete_a_note_another_coach_wrote(
    coach_browser, business, other_coach, client_record
):
    with tenant_context(business):
        client_record.coaches.add(other_coach)
        note = client_note_add(client=client_record, author=other_coach, body="Theirs")
    response = coach_browser.post(
        f"{LIST}{client_record.pk}/notes/{note.pk}/", {"delete": "1"}, follow=True
    )
    assert "Only the note&#x27;s author or the owner can delete it." in response.text
    with tenant_context(business):
        assert client_record.notes.get().body == "Theirs"


def test_a_tag_added_in_the_back_office_is_saved_tidied_and_refused_twice(owner_client, business):
    response = owner_client.post(
        "/admin/clients/tag/add/", {"name": "Early   birds", "colour": "#c2410c"}
    )
    assert response.status_code == 302
    again = owner_client.post(
        "/admin/clients/tag/add/", {"name": "early birds", "colour": "#c2410c"}
    )
    assert again.status_code == 200
    with tenant_context(business):
        assert list(Tag.objects.values_list("name", flat=True)) == ["Early birds"]


def test_a_coach_adding_a_client_becomes_its_primary_coach(coach_browser, business, coach):
    response = coach_browser.post(
        f"{LIST}add/",
        {"first_name": "Walk", "last_name": "In", "status": "lead", "email": "walk@x.test"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(business):
        client = Client.objects.get(email="walk@x.test")
        assert client.primary_coach == coach
        assert client.status_changes.get().to_status == "lead"


def test_a_duplicate_email_in_the_back_office_is_a_form_error(owner_client, client_record):
    response = owner_client.post(
        f"{LIST}add/", {"first_name": "Copy", "status": "lead", "email": "cli@acme.test"}
    )
    assert response.status_code == 200
    assert "already uses this e-mail" in response.content.decode()


def test_changing_the_status_in_the_back_office_keeps_the_history(
    owner_client, business, client_record
):
    owner_client.post(
        f"{LIST}{client_record.pk}/change/",
        {"first_name": "Cleo", "last_name": "Martin", "email": "cli@acme.test", "status": "paused"},
    )
    with tenant_context(business):
        assert client_record.status_changes.filter(to_status="paused").exists()


def test_bulk_actions_tag_and_change_status(owner_client, business, client_record, stranger_record):
    ids = [client_record.pk, stranger_record.pk]
    owner_client.post(LIST, {"action": "add_tag", "_selected_action": ids, "tag": "VIP"})
    owner_client.post(LIST, {"action": "set_status", "_selected_action": ids, "status": "paused"})
    with tenant_context(business):
        assert set(Tag.objects.get(name="VIP").clients.all()) == {client_record, stranger_record}
        assert set(Client.objects.values_list("status", flat=True)) == {"paused"}
        assert ClientStatusChange.objects.filter(to_status="paused").count() == 2


def test_only_the_owner_can_reassign_clients_in_bulk(
    owner_client, coach_browser, business, client_record, other_coach
):
    data = {
        "action": "assign_coach",
        "_selected_action": [client_record.pk],
        "coach": other_coach.pk,
    }
    coach_browser.post(LIST, data)
    with tenant_context(business):
        client_record.refresh_from_db()
        assert client_record.primary_coach.email == "coach@acme.test"
    owner_client.post(LIST, data)
    with tenant_context(business):
        client_record.refresh_from_db()
        assert client_record.primary_coach == other_coach


def test_the_client_list_runs_a_fixed_number_of_queries(
    owner_client, business, django_assert_max_num_queries
):
    with tenant_context(business):
        tag = Tag.objects.create(name="t")
        for i in range(15):
            ClientFactory(first_name=f"P{i}").tags.add(tag)
    with django_assert_max_num_queries(20):
        assert owner_client.get(LIST).status_code == 200


def test_the_quick_find_answers_in_json_within_the_coachs_clients(
    coach_browser, client_record, stranger_record
):
    found = coach_browser.get(f"{LIST}find/?q=ma").json()["results"]
    assert [r["name"] for r in found] == ["Cleo Martin"]
    assert coach_browser.get(f"{LIST}find/?q=stra").json()["results"] == []


def test_a_client_opening_the_client_list_gets_the_staff_only_page(client_browser):
    response = client_browser.get(LIST)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert client_browser.get(response.url).status_code == 403


def test_another_businesss_session_gets_the_login_page(zen_client_browser, client_record):
    response = zen_client_browser.get(LIST)
    assert response.status_code == 302 and "login" in response.url


# --- the API ----------------------------------------------------------------------------

API = "/api/v1/clients/"


def test_the_api_lists_only_the_coachs_clients(coach_browser, client_record, stranger_record):
    names = [c["last_name"] for c in coach_browser.get(API).json()["results"]]
    assert names == ["Martin"]


def test_the_api_search_is_ranked(owner_client, business):
    with tenant_context(business):
        ClientFactory(first_name="Bob", last_name="Jones", email="bob.martin@x.test")
        ClientFactory(first_name="Alice", last_name="Martin", email="alice@x.test")
    names = [c["last_name"] for c in owner_client.get(f"{API}?q=mart").json()["results"]]
    assert names == ["Martin", "Jones"]


def test_the_api_filters_by_status_tag_and_coach(
    owner_client, business, client_record, stranger_record, coach
):
    with tenant_context(business):
        client_record.tags.add(Tag.objects.create(name="vip"))
    assert [c["id"] for c in owner_client.get(f"{API}?tag=VIP").json()["results"]] == [
        client_record.pk
    ]
    assert [c["id"] for c in owner_client.get(f"{API}?coach={coach.pk}").json()["results"]] == [
        client_record.pk
    ]
    assert owner_client.get(f"{API}?status=lead").json()["results"] == []
    response = owner_client.get(f"{API}?status=nope")
    assert response.status_code == 400 and "status" in response.json()


def test_a_coach_creates_a_client_through_the_api_and_coaches_it(coach_browser, business, coach):
    response = coach_browser.post(
        API,
        {"first_name": "Api", "email": "api@x.test", "tags": ["new", "online"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["primary_coach"] == coach.pk
    assert response.json()["tags"] == ["new", "online"]


def test_bad_input_gives_field_errors_not_a_500(coach_browser, client_record):
    response = coach_browser.post(
        API,
        {"first_name": "", "email": "not-an-email", "status": "gone", "timezone": "Mars/Base"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"first_name", "email", "status", "timezone"} <= set(response.json())
    dup = coach_browser.post(
        API, {"first_name": "Dup", "email": "CLI@acme.test"}, content_type="application/json"
    )
    assert dup.status_code == 400 and "email" in dup.json()


def test_a_coach_cannot_hand_a_client_to_another_coach(coach_browser, client_record, other_coach):
    response = coach_browser.patch(
        f"{API}{client_record.pk}/",
        {"primary_coach": other_coach.pk},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_the_status_action_moves_the_pipeline(coach_browser, client_record):
    response = coach_browser.post(
        f"{API}{client_record.pk}/status/", {"status": "paused"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "paused"
    history = coach_browser.get(f"{API}{client_record.pk}/status-history/").json()
    assert history[0]["to_status"] == "paused"


def test_notes_through_the_api(coach_browser, client_record):
    created = coach_browser.post(
        f"{API}{client_record.pk}/notes/", {"body": "Hello"}, content_type="application/json"
    )
    assert created.status_code == 201
    assert coach_browser.get(f"{API}{client_record.pk}/notes/").json()[0]["body"] == "Hello"
    empty = coach_browser.post(
        f"{API}{client_record.pk}/notes/", {"body": ""}, content_type="application/json"
    )
    assert empty.status_code == 400


def test_the_api_deletes_a_note_for_its_author_only(
    coach_browser, business, coach, other_coach, client_record
):
    with tenant_context(business):
        client_record.coaches.add(other_coach)
        theirs = client_note_add(client=client_record, author=other_coach, body="Theirs")
        mine = client_note_add(client=client_record, author=coach, body="Mine")
    refused = coach_browser.delete(f"/api/v1/client-notes/{theirs.pk}/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the note's author or the owner can delete it."
    assert coach_browser.delete(f"/api/v1/client-notes/{mine.pk}/").status_code == 204
    with tenant_context(business):
        assert list(client_record.notes.values_list("body", flat=True)) == ["Theirs"]


def test_a_coach_cannot_reach_another_coachs_client_in_the_api(coach_browser, stranger_record):
    assert coach_browser.get(f"{API}{stranger_record.pk}/").status_code == 404
    assert coach_browser.post(f"{API}{stranger_record.pk}/notes/", {"body": "x"}).status_code == 404


def test_a_client_reads_only_their_own_record_and_cannot_write(
    client_browser, client_record, stranger_record
):
    assert [c["id"] for c in client_browser.get(API).json()["results"]] == [client_record.pk]
    assert client_browser.get(f"{API}{stranger_record.pk}/").status_code == 404
    response = client_browser.patch(
        f"{API}{client_record.pk}/", {"status": "active"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client_browser.get(f"{API}{client_record.pk}/notes/").status_code == 403


def test_another_businesss_session_gets_nothing_from_the_api(zen_client_browser, client_record):
    assert zen_client_browser.get(API).status_code in (401, 403)


def test_the_client_list_endpoint_runs_a_fixed_number_of_queries(
    owner_client, business, django_assert_max_num_queries
):
    with tenant_context(business):
        tag = Tag.objects.create(name="t")
        for i in range(15):
            ClientFactory(first_name=f"P{i}").tags.add(tag)
    with django_assert_max_num_queries(12):
        assert len(owner_client.get(API).json()["results"]) == 15


def test_saving_the_details_returns_to_the_clients_profile(owner_client, business, client_record):
    data = {"first_name": "Cleo", "last_name": "Martin", "email": "cli@acme.test"}
    data["status"] = "paused"
    saved = owner_client.post(f"{LIST}{client_record.pk}/change/", data)
    assert saved.status_code == 302
    assert saved["Location"] == f"{LIST}{client_record.pk}/profile/"
    # "Save and continue editing" stays on the form
    kept = owner_client.post(f"{LIST}{client_record.pk}/change/", {**data, "_continue": "1"})
    assert kept["Location"].endswith(f"{client_record.pk}/change/")
