"""The shareable link answered with the e-mail address of a client we know: the
answers are held off the client's record until the address confirms them by e-mail
or a coach merges them (or keeps them as a separate lead)."""

# fixtures come from test_intake_support (clients/tests/conftest.py is shared): F811
# ruff: noqa: F811

import re
from urllib.parse import urlparse

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from clients.models import Client, Response, ResponseFile
from clients.services.exporting import client_export_documents
from clients.services.intake_answers import LeadContact, lead_intake_submit
from clients.services.intake_held import (
    CONFIRM_SALT,
    held_response_confirm,
    held_response_confirm_token,
    held_response_merge,
)

from .factories import ClientFactory
from .test_intake_support import (  # noqa: F401  (fixtures)
    GOOD_ANSWERS,
    intake_form,
    pdf_bytes,
    prefixed,
    simple_form,
    upload,
)

SECRET = "I had a heart operation"


def _post_link(browser, form, email, **extra):
    contact = {
        "contact-first_name": "Mallory",
        "contact-last_name": extra.pop("last_name", "Impostor"),
        "contact-email": email,
        "contact-phone": extra.pop("phone", "+44 7700 900999"),
    }
    return browser.post(
        f"/f/{form.public_token}/", {**contact, **prefixed({"goal": SECRET}), **extra}
    )


def _record(client: Client) -> dict:
    client.refresh_from_db()
    return {
        **model_to_dict(client, exclude=["tags", "coaches"]),
        "updated_at": client.updated_at,
        "last_activity_at": client.last_activity_at,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def blank_client(business, coach):
    """A client whose last name, phone and source are blank (the link used to fill them)."""
    with tenant_context(business):
        return ClientFactory(
            first_name="Ana",
            last_name="",
            phone="",
            source="",
            email="ana@example.test",
            primary_coach=coach,
        )


@pytest.fixture
def held(business, simple_form, blank_client):
    with tenant_context(business):
        return lead_intake_submit(
            questionnaire=simple_form,
            contact=LeadContact(
                first_name="Mallory",
                last_name="Impostor",
                email="ANA@example.test",
                phone="+44 7700 900999",
            ),
            answers={"goal": SECRET},
        )


def _confirm_path(message) -> str:
    url = re.search(r"https?://\S+/f/confirm/\S+/", message.body).group(0)
    return urlparse(url).path


# --- the open link ---------------------------------------------------------------------


def test_an_anonymous_answer_with_a_clients_email_changes_nothing_on_the_client(
    business, tenant_client, simple_form, blank_client
):
    with tenant_context(business):
        before = _record(blank_client)
    page = _post_link(tenant_client, simple_form, "ANA@Example.test")
    assert page.status_code == 302
    assert page["Location"] == f"/f/{simple_form.public_token}/thanks/"
    with tenant_context(business):
        assert _record(blank_client) == before
        assert not blank_client.responses.exists()
        response = Response.objects.get()
        assert (response.client, response.match) == (None, blank_client)
        assert response.status == Response.Status.SUBMITTED
        assert response.contact["last_name"] == "Impostor"


def test_the_person_answering_is_told_the_same_for_a_known_and_a_new_address(
    business, tenant_client, simple_form, blank_client
):
    known = _post_link(tenant_client, simple_form, "ana@example.test")
    new = _post_link(tenant_client, simple_form, "someone.new@example.test")
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])


def test_a_new_email_still_creates_a_lead_with_the_answers(
    business, tenant_client, simple_form, blank_client
):
    _post_link(tenant_client, simple_form, "New.Person@example.test")
    with tenant_context(business):
        lead = Client.objects.get(email="new.person@example.test")
        assert (lead.status, lead.source, lead.last_name) == ("lead", "intake", "Impostor")
        assert lead.responses.get().answers == {"goal": SECRET}
        assert not Response.objects.filter(match__isnull=False).exists()


def test_held_answers_are_not_the_clients_anywhere(
    business, held, blank_client, owner_client, coach_browser, simple_form
):
    """Not in the answers list, the client's page, the API (list, detail, filter) or
    the client's export."""
    listing = owner_client.get("/admin/clients/response/")
    assert SECRET not in listing.text and "Ana" not in listing.text
    assert owner_client.get(f"/admin/clients/response/{held.pk}/change/").status_code == 404
    for browser in (owner_client, coach_browser):
        api = browser.get("/api/v1/responses/").json()["results"]
        assert api == []
        assert browser.get(f"/api/v1/responses/{held.pk}/").status_code == 404
        filtered = browser.get(f"/api/v1/responses/?client={blank_client.pk}").json()
        assert filtered["results"] == []
    page = owner_client.get(f"/admin/clients/client/{blank_client.pk}/profile/forms/")
    assert "No intake answers yet." in page.text
    with tenant_context(business):
        assert client_export_documents(client=blank_client)["responses"] == []


def test_held_answers_are_not_in_the_portal_of_the_client(
    business, simple_form, client_browser, client_record, tenant_client
):
    _post_link(tenant_client, simple_form, client_record.email)
    assert client_browser.get("/api/v1/responses/").json()["results"] == []
    assert SECRET not in client_browser.get("/forms/").text


def test_the_database_refuses_a_held_answer_on_a_client_or_a_held_draft(
    business, held, blank_client
):
    with tenant_context(business):
        for change in ({"client": blank_client}, {"status": "draft", "submitted_at": None}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Response.objects.filter(pk=held.pk).update(**change)


# --- confirming by e-mail --------------------------------------------------------------


def test_the_address_gets_a_branded_email_from_the_business(
    business, tenant_client, simple_form, blank_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_link(tenant_client, simple_form, "ana@example.test")
    to_client = [m for m in mail.outbox if m.to == ["ana@example.test"]]
    assert len(to_client) == 1
    message = to_client[0]
    assert business.name in message.subject
    assert message.from_email.startswith(f"{business.name} <")
    assert message.reply_to == [business.owner_email]
    assert "Quick intake" in message.body and SECRET not in message.body
    html = message.alternatives[0][0]
    assert business.name in html and "/f/confirm/" in html
    # the client's coach hears of the possible match, named
    to_coach = [m for m in mail.outbox if m.to == ["coach@acme.test"]]
    assert len(to_coach) == 1 and "Ana" in to_coach[0].subject


def test_the_link_asks_on_get_and_attaches_once_on_post(
    business, tenant_client, simple_form, blank_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_link(tenant_client, simple_form, "ana@example.test")
    path = _confirm_path(next(m for m in mail.outbox if m.to == ["ana@example.test"]))

    asked = tenant_client.get(path)
    assert asked.status_code == 200 and "Are these your answers?" in asked.text
    with tenant_context(business):
        assert not blank_client.responses.exists()  # a GET changes nothing

    done = tenant_client.post(path)
    assert done.status_code == 200 and "now on your record" in done.text
    with tenant_context(business):
        response = blank_client.responses.get()
        assert response.answers == {"goal": SECRET} and response.match is None
        after = _record(blank_client)
        assert (after["last_name"], after["phone"], after["source"]) == (
            "Impostor",
            "+44 7700 900999",
            "intake",
        )
        assert after["first_name"] == "Ana"

    again = tenant_client.post(path)
    assert again.status_code == 404 and "no longer valid" in again.text
    with tenant_context(business):
        assert _record(blank_client) == after
        assert blank_client.responses.count() == 1


def test_another_businesss_link_does_nothing(business, other_business, held, blank_client):
    with tenant_context(other_business):
        # the same ids, signed for zen: ids repeat in every schema
        forged = signing.dumps(
            {
                "b": other_business.schema_name,
                "r": held.pk,
                "c": blank_client.pk,
                "e": blank_client.email,
            },
            salt=CONFIRM_SALT,
            compress=True,
        )
    with tenant_context(business):
        genuine = held_response_confirm_token(response=held)
    acme = Browser(HTTP_HOST="acme.localhost")
    zen = Browser(HTTP_HOST="zen.localhost")
    assert acme.post(f"/f/confirm/{forged}/").status_code == 404
    assert zen.post(f"/f/confirm/{genuine}/").status_code == 404
    with tenant_context(business):
        held.refresh_from_db()
        assert (held.client, held.match) == (None, blank_client)


def test_a_tampered_or_expired_link_does_nothing(business, held, blank_client):
    import time
    from unittest import mock

    with tenant_context(business):
        token = held_response_confirm_token(response=held)
        assert held_response_confirm(token=token[:-2] + "xx") is None
        fifteen_days_ago = time.time() - 15 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=fifteen_days_ago):
            old = held_response_confirm_token(response=held)
        assert held_response_confirm(token=old) is None
        held.refresh_from_db()
        assert held.match == blank_client and held.client is None


def test_the_link_stops_working_when_the_clients_address_changed(business, held, blank_client):
    with tenant_context(business):
        token = held_response_confirm_token(response=held)
        Client.objects.filter(pk=blank_client.pk).update(email="ana.new@example.test")
        assert held_response_confirm(token=token) is None


def test_confirmation_emails_are_capped_per_client(
    business, tenant_client, simple_form, blank_client, django_capture_on_commit_callbacks
):
    from mectofitness.testing import cache_clear

    cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            _post_link(tenant_client, simple_form, "ana@example.test")
    assert len([m for m in mail.outbox if m.to == ["ana@example.test"]]) == 3
    with tenant_context(business):
        assert blank_client.held_responses.count() == 5  # all kept for the coach
    cache_clear()


# --- the coach, in the back office -----------------------------------------------------


def test_the_back_office_shows_a_possible_match_to_the_clients_coach(business, coach_browser, held):
    listing = coach_browser.get("/admin/clients/response/")
    assert "Possible matches (1)" in listing.text
    held_list = coach_browser.get("/admin/clients/response/held/")
    assert held_list.status_code == 200
    assert "possible match" in held_list.text and "Ana" in held_list.text
    assert "Mallory Impostor" in held_list.text
    page = coach_browser.get(f"/admin/clients/response/held/{held.pk}/")
    assert page.status_code == 200
    assert "Possible match" in page.text and SECRET in page.text
    assert "Merge into Ana" in page.text and "Keep as a separate lead" in page.text
    client_page = coach_browser.get(f"/admin/clients/client/{held.match_id}/profile/forms/")
    assert f"/admin/clients/response/held/{held.pk}/" in client_page.text


def test_the_coach_merges_a_possible_match(business, coach_browser, held, blank_client):
    page = coach_browser.post(f"/admin/clients/response/held/{held.pk}/", {"action": "merge"})
    assert page.status_code == 302
    assert page["Location"] == f"/admin/clients/response/{held.pk}/change/"
    with tenant_context(business):
        held.refresh_from_db()
        assert (held.client, held.match) == (blank_client, None)
        assert _record(blank_client)["last_name"] == "Impostor"  # blanks filled, as today
    api = coach_browser.get("/api/v1/responses/").json()["results"]
    assert [row["id"] for row in api] == [held.pk]
    again = coach_browser.post(f"/admin/clients/response/held/{held.pk}/", {"action": "merge"})
    assert again.status_code == 404


def test_the_coach_keeps_it_as_a_separate_lead(business, coach, coach_browser, held, blank_client):
    with tenant_context(business):
        before = _record(blank_client)
    page = coach_browser.post(f"/admin/clients/response/held/{held.pk}/", {"action": "separate"})
    assert page.status_code == 302
    with tenant_context(business):
        held.refresh_from_db()
        lead = held.client
        assert held.match is None and lead != blank_client
        assert (lead.first_name, lead.last_name, lead.email) == ("Mallory", "Impostor", "")
        assert (lead.status, lead.source, lead.primary_coach) == ("lead", "intake", coach)
        assert "ana@example.test" in lead.notes.get().body
        assert _record(blank_client) == before
        assert not blank_client.responses.exists()


def test_a_coach_who_may_not_see_the_client_does_not_see_the_possible_match(
    business, coach, coach_browser, stranger_record, simple_form, tenant_client
):
    _post_link(tenant_client, simple_form, stranger_record.email)
    with tenant_context(business):
        held = Response.objects.get(match=stranger_record)
    listing = coach_browser.get("/admin/clients/response/held/")
    assert listing.status_code == 200
    assert "Sam" not in listing.text and "Stranger" not in listing.text
    assert "Mallory" not in listing.text
    assert "Possible matches (" not in coach_browser.get("/admin/clients/response/").text
    assert coach_browser.get(f"/admin/clients/response/held/{held.pk}/").status_code == 404
    merge = coach_browser.post(f"/admin/clients/response/held/{held.pk}/", {"action": "merge"})
    assert merge.status_code == 404
    with tenant_context(business), pytest.raises(PermissionDenied):
        held_response_merge(response=held, by=coach)
    with tenant_context(business):
        held.refresh_from_db()
        assert (held.client, held.match) == (None, stranger_record)


def test_the_possible_matches_list_runs_constant_queries(
    business, owner_client, simple_form, blank_client, held
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get("/admin/clients/response/held/").status_code == 200
        return len(captured)

    one = queries()
    with tenant_context(business):
        for n in range(3):
            lead_intake_submit(
                questionnaire=simple_form,
                contact=LeadContact(first_name=f"P{n}", email=blank_client.email),
                answers={"goal": "x"},
            )
    assert queries() <= one  # more rows, no more queries (later requests reuse caches)


def test_the_owner_sees_every_possible_match(business, owner_client, held):
    page = owner_client.get("/admin/clients/response/held/")
    assert "Ana" in page.text and "Mallory Impostor" in page.text


def test_a_zen_session_sees_no_acme_possible_match(business, held, zen_client_browser):
    page = zen_client_browser.get(f"/admin/clients/response/held/{held.pk}/")
    assert page.status_code in (302, 403, 404)
    assert SECRET not in page.text


def test_a_held_file_opens_for_the_coach_but_not_for_the_client(
    business, intake_form, client_record, client_browser, coach_browser, tenant_client, media
):
    data = {
        "contact-first_name": "Mallory",
        "contact-email": client_record.email,
        **prefixed(GOOD_ANSWERS),
        "q-doc": upload("letter.pdf", pdf_bytes()),
    }
    assert tenant_client.post(f"/f/{intake_form.public_token}/", data).status_code == 302
    with tenant_context(business):
        stored = ResponseFile.objects.get()
        assert stored.response.match == client_record
    assert client_browser.get(f"/forms/files/{stored.pk}/").status_code == 404
    assert coach_browser.get(f"/forms/files/{stored.pk}/").status_code == 200


def test_erasing_a_client_erases_answers_held_as_their_possible_match(
    business, owner, intake_form, client_record, tenant_client, media
):
    from clients.services.erasure import client_erase

    data = {
        "contact-first_name": "Mallory",
        "contact-email": client_record.email,
        **prefixed(GOOD_ANSWERS),
        "q-doc": upload("letter.pdf", pdf_bytes()),
    }
    tenant_client.post(f"/f/{intake_form.public_token}/", data)
    with tenant_context(business):
        assert client_record.held_responses.count() == 1
        client_erase(client=client_record, by=owner, confirm_name=client_record.full_name)
        assert not Response.objects.exists() and not ResponseFile.objects.exists()
