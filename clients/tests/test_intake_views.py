"""Intake pages: the shareable link, the portal's forms, private files and the
back office's builder, form page, sending and answers."""

# fixtures come from test_intake_support (clients/tests/conftest.py is shared): F811
# ruff: noqa: F811

import json

import pytest
from django.core import mail
from django.test import override_settings
from django_tenants.utils import tenant_context

from clients.models import Assignment, Client, Questionnaire, Response, ResponseFile
from clients.selectors_intake import questionnaire_current_version
from clients.services.intake_answers import LeadContact, lead_intake_submit
from clients.services.intake_assignments import assignments_create

from .factories import ClientFactory
from .test_intake_support import (  # noqa: F401  (fixtures)
    GOOD_ANSWERS,
    intake_form,
    link_answers_confirmed,
    pdf_bytes,
    prefixed,
    simple_form,
    upload,
)

CONTACT = {
    "contact-first_name": "Lena",
    "contact-last_name": "Lead",
    "contact-email": "Lena@Example.test",
    "contact-phone": "",
}


def _assign(business, owner, form, client):
    with tenant_context(business):
        assignments_create(
            questionnaire=form, clients=Client.objects.filter(pk=client.pk), by=owner
        )
        return Assignment.objects.get(questionnaire=form, client=client)


# --- the shareable link ---------------------------------------------------------------


def test_the_public_link_shows_the_form_without_login(tenant_client, simple_form):
    page = tenant_client.get(f"/f/{simple_form.public_token}/")
    assert page.status_code == 200
    assert "Your goal" in page.text and "About you" in page.text


def test_a_lead_answers_the_link_and_lands_on_thanks(business, tenant_client, simple_form):
    page = tenant_client.post(
        f"/f/{simple_form.public_token}/", {**CONTACT, **prefixed({"goal": "Run a 10k"})}
    )
    assert page.status_code == 302
    assert page["Location"] == f"/f/{simple_form.public_token}/thanks/"
    assert "Thank you!" in tenant_client.get(page["Location"]).text
    with tenant_context(business):
        client = Client.objects.get(email="lena@example.test")
        assert (client.status, client.source, client.first_name) == ("lead", "intake", "Lena")
        assert client.responses.get().answers == {"goal": "Run a 10k"}


def test_the_link_matches_emails_in_any_case_and_holds_the_answers(
    business, tenant_client, simple_form
):
    with tenant_context(business):
        ClientFactory(first_name="Lena", last_name="Known", email="lena@example.test")
    tenant_client.post(
        f"/f/{simple_form.public_token}/",
        {**CONTACT, "contact-email": "LENA@EXAMPLE.TEST", **prefixed({"goal": "Run"})},
    )
    tenant_client.post(
        f"/f/{simple_form.public_token}/", {**CONTACT, **prefixed({"goal": "Run again"})}
    )
    with tenant_context(business):
        client = Client.objects.get()
        assert client.last_name == "Known"
        assert client.responses.count() == 0
        assert client.held_responses.count() == 2


def test_bad_answers_on_the_link_show_errors_not_a_500(tenant_client, simple_form):
    page = tenant_client.post(
        f"/f/{simple_form.public_token}/", {"contact-email": "not-an-email", "q-goal": ""}
    )
    assert page.status_code == 400
    assert "Enter an e-mail address like name@example.com." in page.text
    assert "Please tell us your first name." in page.text


def test_a_link_that_is_off_is_a_404(business, tenant_client, simple_form):
    with tenant_context(business):
        Questionnaire.objects.filter(pk=simple_form.pk).update(is_public=False)
    assert tenant_client.get(f"/f/{simple_form.public_token}/").status_code == 404
    assert tenant_client.post(f"/f/{simple_form.public_token}/", CONTACT).status_code == 404


def test_an_unknown_link_is_a_404(tenant_client):
    assert tenant_client.get("/f/nope/").status_code == 404
    assert tenant_client.get(f"/f/{'x' * 300}/").status_code == 404


def test_a_link_of_one_business_is_a_404_at_another(other_business, simple_form):
    from django.test import Client as Browser

    browser = Browser(HTTP_HOST="zen.localhost")
    assert browser.get(f"/f/{simple_form.public_token}/").status_code == 404


def test_the_honeypot_keeps_nothing(business, tenant_client, simple_form):
    page = tenant_client.post(
        f"/f/{simple_form.public_token}/",
        {**CONTACT, "contact-website": "spam.example", **prefixed({"goal": "x"})},
    )
    assert page.status_code == 302
    with tenant_context(business):
        assert not Client.objects.exists()


@override_settings(INTAKE_RATE_LIMIT_PER_HOUR=2)
def test_the_link_is_throttled_per_address(business, tenant_client, simple_form):
    from mectofitness.testing import cache_clear

    cache_clear()
    url = f"/f/{simple_form.public_token}/"
    for n in range(2):
        tenant_client.post(
            url, {**CONTACT, "contact-email": f"p{n}@example.test", **prefixed({"goal": "x"})}
        )
    page = tenant_client.post(url, {**CONTACT, **prefixed({"goal": "x"})})
    assert page.status_code == 429
    assert "Too many forms" in page.text
    cache_clear()


def test_a_lead_answer_emails_the_owner(
    business, tenant_client, simple_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tenant_client.post(
            f"/f/{simple_form.public_token}/", {**CONTACT, **prefixed({"goal": "Run a 10k"})}
        )
    assert len(mail.outbox) == 1
    assert "owner@acme.test" in mail.outbox[0].to
    assert "Lena Lead" in mail.outbox[0].subject


def test_a_file_on_the_link_is_checked_by_content(business, tenant_client, intake_form):
    data = {**CONTACT, **prefixed(GOOD_ANSWERS)}
    data["q-doc"] = upload("shell.pdf", b"<?php echo 1; ?>")
    page = tenant_client.post(f"/f/{intake_form.public_token}/", data)
    assert page.status_code == 400
    assert "Upload a PDF, JPEG, PNG or WebP file." in page.text
    with tenant_context(business):
        assert not ResponseFile.objects.exists()


# --- the portal ---------------------------------------------------------------------------


def test_the_portal_lists_forms_to_do_and_done(
    business, owner, client_browser, simple_form, client_record
):
    assignment = _assign(business, owner, simple_form, client_record)
    page = client_browser.get("/forms/")
    assert page.status_code == 200
    assert "Quick intake" in page.text and "To do" in page.text
    client_browser.post(
        f"/forms/{assignment.pk}/", {"action": "submit", **prefixed({"goal": "Run"})}
    )
    page = client_browser.get("/forms/")
    assert "Nothing to fill in right now" in page.text
    assert "Done" in page.text


def test_a_client_saves_a_draft_and_resumes_it(
    business, owner, client_browser, simple_form, client_record
):
    assignment = _assign(business, owner, simple_form, client_record)
    saved = client_browser.post(
        f"/forms/{assignment.pk}/", {"action": "save", **prefixed({"notes": "Bad knee"})}
    )
    assert saved.status_code == 302
    page = client_browser.get(f"/forms/{assignment.pk}/")
    assert "Bad knee" in page.text
    assert "You started this on" in page.text
    with tenant_context(business):
        assert Response.objects.get().status == Response.Status.DRAFT

    missing = client_browser.post(
        f"/forms/{assignment.pk}/", {"action": "submit", **prefixed({"notes": "Bad knee"})}
    )
    assert missing.status_code == 400
    assert "Please answer this question." in missing.text

    sent = client_browser.post(
        f"/forms/{assignment.pk}/",
        {"action": "submit", **prefixed({"goal": "Run", "notes": "Bad knee"})},
    )
    assert sent.status_code == 302
    with tenant_context(business):
        response = Response.objects.get()
        assert response.status == Response.Status.SUBMITTED
        assert response.answers == {"goal": "Run", "notes": "Bad knee"}
        assert Assignment.objects.get().response == response


def test_sending_twice_keeps_one_response(
    business, owner, client_browser, simple_form, client_record
):
    assignment = _assign(business, owner, simple_form, client_record)
    data = {"action": "submit", **prefixed({"goal": "Run"})}
    client_browser.post(f"/forms/{assignment.pk}/", data)
    again = client_browser.post(f"/forms/{assignment.pk}/", {**data, "q-goal": "Swim"})
    assert again.status_code == 200  # the "you sent this" page
    with tenant_context(business):
        assert Response.objects.count() == 1
        assert Response.objects.get().answers == {"goal": "Run"}


def test_a_client_cannot_open_another_clients_form(
    business, owner, client_browser, simple_form, stranger_record
):
    assignment = _assign(business, owner, simple_form, stranger_record)
    assert client_browser.get(f"/forms/{assignment.pk}/").status_code == 404


def test_the_portal_home_shows_pending_forms_or_all_done(
    business, owner, client_browser, simple_form, client_record
):
    assert "All done." in client_browser.get("/").text
    _assign(business, owner, simple_form, client_record)
    page = client_browser.get("/")
    assert "Quick intake" in page.text and "All done." not in page.text


def test_staff_opening_portal_forms_go_to_the_back_office(coach_browser):
    assert coach_browser.get("/forms/")["Location"] == "/admin/"


def test_a_zen_session_gets_nothing_at_acme(zen_client_browser, simple_form):
    page = zen_client_browser.get("/forms/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


# --- private files ---------------------------------------------------------------------------


@pytest.fixture
def stored_file(business, intake_form, client_record):
    with tenant_context(business):
        response = link_answers_confirmed(
            questionnaire=intake_form,
            client=client_record,
            answers={
                **{k: v for k, v in GOOD_ANSWERS.items() if k not in ("days", "mood", "injured")},
                "days": 3,
                "mood": 7,
                "injured": False,
                "where": ["Gym"],
                "consent": {"agreed": True, "text": "I answered truthfully."},
            },
            uploads={},
        )
        from clients.forms_intake import AnswerFileField
        from clients.services.intake_answers import _file_store

        checked = AnswerFileField().clean(upload("letter.pdf", pdf_bytes()))
        return _file_store(response=response, key="doc", upload=checked)


def test_the_client_and_their_coach_can_open_an_answer_file(
    client_browser, coach_browser, owner_client, stored_file
):
    for browser in (client_browser, coach_browser, owner_client):
        page = browser.get(f"/forms/files/{stored_file.pk}/")
        assert page.status_code == 200
        assert page["Content-Type"] == "application/pdf"
        assert page["X-Content-Type-Options"] == "nosniff"
        assert "private" in page["Cache-Control"]
        assert b"".join(page.streaming_content).startswith(b"%PDF")


def test_another_coach_and_another_client_cannot_open_an_answer_file(
    business, other_coach_browser, stored_file
):
    from .conftest import _browser_for
    from .factories import person_create

    assert other_coach_browser.get(f"/forms/files/{stored_file.pk}/").status_code == 404
    with tenant_context(business):
        other = person_create(email="other@acme.test", role="client", first_name="Oli")
        ClientFactory(user=other, email="other@acme.test")
    assert _browser_for(business, other).get(f"/forms/files/{stored_file.pk}/").status_code == 404


def test_a_zen_session_cannot_open_an_acme_file(zen_client_browser, stored_file):
    assert zen_client_browser.get(f"/forms/files/{stored_file.pk}/").status_code in (302, 404)


# --- the back office --------------------------------------------------------------------------


def test_the_owner_creates_a_form_from_a_starter(business, owner_client):
    listing = owner_client.get("/admin/clients/questionnaire/")
    assert "Start from a template" in listing.text
    page = owner_client.post("/admin/clients/questionnaire/starter/parq/")
    assert page.status_code == 302
    with tenant_context(business):
        questionnaire = Questionnaire.objects.get()
    form_page = owner_client.get(page["Location"])
    assert "Health questionnaire (PAR-Q)" in form_page.text
    assert "Turn the link on" in form_page.text
    owner_client.post(page["Location"], {"action": "link", "is_public": "on"})
    form_page = owner_client.get(page["Location"])
    assert f"/f/{questionnaire.public_token}/" in form_page.text


def test_a_coach_cannot_use_starters_or_the_builder(coach_browser, simple_form):
    assert coach_browser.post("/admin/clients/questionnaire/starter/parq/").status_code == 403
    assert (
        coach_browser.get(f"/admin/clients/questionnaire/{simple_form.pk}/builder/").status_code
        == 403
    )
    assert coach_browser.get("/admin/clients/questionnaire/add/").status_code == 403
    page = coach_browser.get(f"/admin/clients/questionnaire/{simple_form.pk}/change/")
    assert page.status_code == 200 and "Edit questions" not in page.text


def test_the_builder_publishes_a_new_version(business, owner_client, simple_form):
    url = f"/admin/clients/questionnaire/{simple_form.pk}/builder/"
    assert "Publish version 2" in owner_client.get(url).text
    fields = [
        {"key": "goal", "label": "Your main goal", "type": "short_text", "required": True},
        {"label": "Pick one", "type": "single_choice", "choices": ["A", "B"]},
    ]
    page = owner_client.post(
        url, {"title": "Quick intake", "action": "publish", "fields_json": json.dumps(fields)}
    )
    assert page.status_code == 302
    with tenant_context(business):
        version = questionnaire_current_version(questionnaire=simple_form)
        assert version.number == 2
        assert version.fields[1]["key"] == "pick_one"


def test_the_builder_shows_every_problem_clearly(owner_client, simple_form):
    fields = [{"label": "", "type": "short_text"}, {"label": "Pick", "type": "single_choice"}]
    page = owner_client.post(
        f"/admin/clients/questionnaire/{simple_form.pk}/builder/",
        {"title": "Quick intake", "action": "publish", "fields_json": json.dumps(fields)},
    )
    assert page.status_code == 400
    assert "Question 1: write the question." in page.text
    assert "give at least two choices" in page.text


def test_the_builder_survives_broken_json(owner_client):
    page = owner_client.post(
        "/admin/clients/questionnaire/add/",
        {"title": "X", "kind": "intake", "action": "publish", "fields_json": "{oops"},
    )
    assert page.status_code == 400
    assert "could not be read" in page.text


def test_a_new_form_is_built_and_saved_as_a_draft(business, owner_client):
    fields = [{"label": "How are you?", "type": "long_text"}]
    page = owner_client.post(
        "/admin/clients/questionnaire/add/",
        {"title": "Hello", "kind": "intake", "action": "draft", "fields_json": json.dumps(fields)},
    )
    assert page.status_code == 302
    with tenant_context(business):
        questionnaire = Questionnaire.objects.get(title="Hello")
        assert questionnaire_current_version(questionnaire=questionnaire) is None


def test_a_coach_sends_a_form_to_their_client(business, coach_browser, simple_form, client_record):
    page = coach_browser.get(f"/admin/clients/questionnaire/{simple_form.pk}/send/?q=cleo")
    assert "Cleo Martin" in page.text
    sent = coach_browser.post(
        f"/admin/clients/questionnaire/{simple_form.pk}/send/", {"clients": [client_record.pk]}
    )
    assert sent.status_code == 302
    with tenant_context(business):
        assert Assignment.objects.filter(client=client_record).exists()


def test_a_coach_cannot_send_to_someone_elses_client(
    business, coach_browser, simple_form, stranger_record
):
    page = coach_browser.get(f"/admin/clients/questionnaire/{simple_form.pk}/send/?q=sam")
    assert "Sam Stranger" not in page.text
    coach_browser.post(
        f"/admin/clients/questionnaire/{simple_form.pk}/send/", {"clients": [stranger_record.pk]}
    )
    with tenant_context(business):
        assert not Assignment.objects.exists()


def test_lead_answers_show_in_the_back_office_newest_first(
    business, owner_client, simple_form, django_assert_max_num_queries
):
    with tenant_context(business):
        for name in ("Ada", "Bea"):
            lead_intake_submit(
                questionnaire=simple_form,
                contact=LeadContact(first_name=name, email=f"{name}@example.test"),
                answers={"goal": f"{name}'s goal"},
            )
        latest = Response.objects.order_by("-submitted_at").first()
    with django_assert_max_num_queries(20):
        listing = owner_client.get("/admin/clients/response/")
    assert listing.text.index("Bea") < listing.text.index("Ada")
    detail = owner_client.get(f"/admin/clients/response/{latest.pk}/change/")
    assert "Bea&#x27;s goal" in detail.text and "Your goal" in detail.text


def test_a_coach_sees_only_their_clients_answers(
    business, coach_browser, simple_form, client_record, stranger_record
):
    with tenant_context(business):
        mine = link_answers_confirmed(
            questionnaire=simple_form,
            client=client_record,
            answers={"goal": "mine"},
        )
        theirs = link_answers_confirmed(
            questionnaire=simple_form,
            client=stranger_record,
            answers={"goal": "theirs"},
        )
    listing = coach_browser.get("/admin/clients/response/")
    assert "Cleo Martin" in listing.text and "Sam Stranger" not in listing.text
    assert coach_browser.get(f"/admin/clients/response/{mine.pk}/change/").status_code == 200
    assert coach_browser.get(f"/admin/clients/response/{theirs.pk}/change/").status_code == 404


def test_the_client_page_panel_lists_intake_answers(
    business, owner_client, simple_form, client_record
):
    with tenant_context(business):
        link_answers_confirmed(
            questionnaire=simple_form,
            client=client_record,
            answers={"goal": "mine"},
        )
    page = owner_client.get(f"/admin/clients/client/{client_record.pk}/profile/forms/")
    assert page.status_code == 200
    assert "Forms and check-ins" in page.text
    assert "Quick intake" in page.text


def test_the_send_form_bulk_action_page_lists_published_forms(
    owner_client, simple_form, client_record
):
    page = owner_client.get(f"/admin/clients/response/send-form/?ids={client_record.pk}")
    assert page.status_code == 200
    assert "Quick intake" in page.text
    assert f"?ids={client_record.pk}" in page.text


def test_a_coach_withdraws_a_form_from_the_clients_page(
    business, owner, coach_browser, simple_form, client_record
):
    assignment = _assign(business, owner, simple_form, client_record)
    client_page = f"/admin/clients/client/{client_record.pk}/profile/forms/"
    assert "Withdraw" in coach_browser.get(client_page).text
    url = f"/admin/clients/assignment/{assignment.pk}/withdraw/"
    assert coach_browser.get(url).status_code == 403  # a POST only
    page = coach_browser.post(url)
    assert page.status_code == 302 and page["Location"] == client_page
    with tenant_context(business):
        assert not Assignment.objects.exists()


def test_a_form_already_sent_is_not_withdrawn_from_the_page(
    business, owner, coach_browser, client_browser, simple_form, client_record
):
    assignment = _assign(business, owner, simple_form, client_record)
    client_browser.post(
        f"/forms/{assignment.pk}/", {"action": "submit", **prefixed({"goal": "Run"})}
    )
    page = coach_browser.post(f"/admin/clients/assignment/{assignment.pk}/withdraw/", follow=True)
    assert "The client already sent this form." in page.text
    with tenant_context(business):
        assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_another_coach_cannot_withdraw_a_form_of_a_client_not_theirs(
    business, owner, other_coach_browser, simple_form, client_record
):
    assignment = _assign(business, owner, simple_form, client_record)
    url = f"/admin/clients/assignment/{assignment.pk}/withdraw/"
    assert other_coach_browser.post(url).status_code == 404
    with tenant_context(business):
        assert Assignment.objects.filter(pk=assignment.pk).exists()
