"""The API of intake forms, responses, assignments and check-ins."""

# fixtures come from test_intake_support (clients/tests/conftest.py is shared): F811
# ruff: noqa: F811

import pytest
from django_tenants.utils import tenant_context

from clients.models import Assignment, Client, Response
from clients.services.checkins import checkin_response_start
from clients.services.intake_answers import response_save
from clients.services.intake_assignments import assignments_create

from .test_intake_support import (  # noqa: F401  (fixtures)
    CHECKIN_ANSWERS,
    link_answers_confirmed,
    simple_form,
    weekly_plan,
)


@pytest.fixture
def assignment(business, owner, simple_form, client_record):
    with tenant_context(business):
        assignments_create(
            questionnaire=simple_form, clients=Client.objects.filter(pk=client_record.pk), by=owner
        )
        return Assignment.objects.get()


@pytest.fixture
def sent_checkin(business, weekly_plan, client_record):
    with tenant_context(business):
        response = checkin_response_start(plan=weekly_plan, client=client_record)
        return response_save(response=response, answers=CHECKIN_ANSWERS, submit=True)


# --- questionnaires -----------------------------------------------------------------------


def test_staff_list_forms_in_constant_queries(
    coach_browser, simple_form, weekly_plan, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = coach_browser.get("/api/v1/questionnaires/")
    assert page.status_code == 200
    titles = [row["title"] for row in page.json()["results"]]
    assert titles == ["Quick intake", "Weekly check-in"]
    quick = page.json()["results"][0]
    assert quick["current_version"]["number"] == 1
    assert quick["share_url"].endswith(f"/f/{simple_form.public_token}/")


def test_clients_cannot_list_forms(client_browser, simple_form):
    assert client_browser.get("/api/v1/questionnaires/").status_code == 403


def test_the_owner_creates_and_publishes_through_the_api(business, owner_client):
    created = owner_client.post(
        "/api/v1/questionnaires/",
        {"title": "API form", "fields": [{"label": "Age", "type": "number", "min": 0}]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["current_version"]["fields"][0]["key"] == "age"
    published = owner_client.post(
        f"/api/v1/questionnaires/{pk}/publish/",
        {"fields": [{"label": "Age in years", "type": "number"}]},
        content_type="application/json",
    )
    assert published.status_code == 201
    assert published.json()["number"] == 2


def test_a_bad_definition_is_a_400_with_messages(owner_client):
    page = owner_client.post(
        "/api/v1/questionnaires/",
        {"title": "Bad", "fields": [{"label": "Pick", "type": "single_choice"}]},
        content_type="application/json",
    )
    assert page.status_code == 400
    assert page.json() == {"fields": ["Question 1 (“Pick”): give at least two choices."]}


def test_a_coach_cannot_create_forms(coach_browser):
    page = coach_browser.post(
        "/api/v1/questionnaires/",
        {"title": "Mine", "fields": [{"label": "Q", "type": "short_text"}]},
        content_type="application/json",
    )
    assert page.status_code == 403


# --- responses --------------------------------------------------------------------------------


def test_a_client_drafts_updates_and_submits_an_assigned_form(business, client_browser, assignment):
    started = client_browser.post(
        "/api/v1/responses/",
        {"assignment": assignment.pk, "answers": {"notes": "Left knee"}},
        content_type="application/json",
    )
    assert started.status_code == 201, started.json()
    pk = started.json()["id"]
    assert started.json()["status"] == "draft"

    updated = client_browser.patch(
        f"/api/v1/responses/{pk}/",
        {"answers": {"goal": "Squat 100"}},
        content_type="application/json",
    )
    assert updated.json()["answers"] == {"notes": "Left knee", "goal": "Squat 100"}

    sent = client_browser.post(
        f"/api/v1/responses/{pk}/submit/", {}, content_type="application/json"
    )
    assert sent.status_code == 200
    assert sent.json()["status"] == "submitted"
    again = client_browser.post(
        f"/api/v1/responses/{pk}/submit/", {}, content_type="application/json"
    )
    assert again.status_code == 400
    with tenant_context(business):
        assert Assignment.objects.get().response_id == pk
        assert Response.objects.count() == 1


def test_bad_answers_are_a_400_keyed_by_question(client_browser, assignment):
    page = client_browser.post(
        "/api/v1/responses/",
        {"assignment": assignment.pk, "answers": {"goal": ""}, "submit": True},
        content_type="application/json",
    )
    assert page.status_code == 400
    assert page.json() == {"goal": ["Please answer this question."]}
    unknown = client_browser.post(
        "/api/v1/responses/",
        {"assignment": assignment.pk, "answers": {"shoe_size": 44}},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert unknown.json() == {"shoe_size": ["There is no such question in this form."]}


def test_a_client_sees_only_their_own_responses(
    business, client_browser, simple_form, stranger_record, client_record
):
    with tenant_context(business):
        theirs = link_answers_confirmed(
            questionnaire=simple_form,
            client=stranger_record,
            answers={"goal": "secret"},
        )
        mine = link_answers_confirmed(
            questionnaire=simple_form,
            client=client_record,
            answers={"goal": "mine"},
        )
    listing = client_browser.get("/api/v1/responses/").json()["results"]
    assert [row["id"] for row in listing] == [mine.pk]
    assert client_browser.get(f"/api/v1/responses/{theirs.pk}/").status_code == 404


def test_staff_cannot_answer_for_clients(coach_browser, assignment):
    page = coach_browser.post(
        "/api/v1/responses/", {"assignment": assignment.pk}, content_type="application/json"
    )
    assert page.status_code == 403


def test_a_coach_reads_only_their_clients_responses_in_constant_queries(
    business,
    coach_browser,
    simple_form,
    client_record,
    stranger_record,
    django_assert_max_num_queries,
):
    with tenant_context(business):
        for record in (client_record, stranger_record):
            link_answers_confirmed(
                questionnaire=simple_form,
                client=record,
                answers={"goal": "x"},
            )
    with django_assert_max_num_queries(8):
        rows = coach_browser.get("/api/v1/responses/").json()["results"]
    assert [row["client"]["id"] for row in rows] == [client_record.pk]


def test_a_zen_session_gets_nothing_from_the_acme_api(zen_client_browser, simple_form):
    for url in ("/api/v1/responses/", "/api/v1/questionnaires/", "/api/v1/checkins/"):
        assert zen_client_browser.get(url).status_code in (401, 403)


# --- assignments ------------------------------------------------------------------------------


def test_a_coach_assigns_and_the_client_lists_it(
    business, coach_browser, client_browser, simple_form, client_record, stranger_record
):
    page = coach_browser.post(
        "/api/v1/assignments/",
        {"questionnaire": simple_form.pk, "clients": [client_record.pk, stranger_record.pk]},
        content_type="application/json",
    )
    assert page.status_code == 201 and page.json() == {"assigned": 1}
    rows = client_browser.get("/api/v1/assignments/").json()["results"]
    assert [(r["questionnaire_title"], r["state"]) for r in rows] == [("Quick intake", "todo")]
    assert (
        client_browser.post(
            "/api/v1/assignments/",
            {"questionnaire": simple_form.pk, "clients": [1]},
            content_type="application/json",
        ).status_code
        == 403
    )


# --- check-ins ----------------------------------------------------------------------------------


def test_a_client_sees_their_due_check_in_and_answers_it(client_browser, weekly_plan):
    due = client_browser.get("/api/v1/checkins/due/").json()
    assert [d["checkin_plan"] for d in due] == [weekly_plan.pk]
    page = client_browser.post(
        "/api/v1/responses/",
        {"checkin_plan": weekly_plan.pk, "answers": CHECKIN_ANSWERS, "submit": True},
        content_type="application/json",
    )
    assert page.status_code == 201, page.json()
    assert page.json()["period_start"] == due[0]["period_start"]
    assert client_browser.get("/api/v1/checkins/due/").json() == []


def test_the_coach_reviews_a_check_in_through_the_api(business, coach_browser, sent_checkin):
    queue = coach_browser.get("/api/v1/checkins/?unreviewed=1").json()["results"]
    assert [row["id"] for row in queue] == [sent_checkin.pk]
    page = coach_browser.post(
        f"/api/v1/checkins/{sent_checkin.pk}/review/",
        {"comment": "Nice work"},
        content_type="application/json",
    )
    assert page.status_code == 200
    assert page.json()["coach_comment"] == "Nice work" and page.json()["reviewed_at"]
    assert coach_browser.get("/api/v1/checkins/?unreviewed=1").json()["results"] == []


def test_another_coach_gets_a_404_reviewing_through_the_api(other_coach_browser, sent_checkin):
    page = other_coach_browser.post(
        f"/api/v1/checkins/{sent_checkin.pk}/review/",
        {"comment": "Hi"},
        content_type="application/json",
    )
    assert page.status_code == 404


def test_a_client_cannot_review_their_own_check_in(client_browser, sent_checkin):
    page = client_browser.post(
        f"/api/v1/checkins/{sent_checkin.pk}/review/", {}, content_type="application/json"
    )
    assert page.status_code == 403
    assert client_browser.get(f"/api/v1/checkins/{sent_checkin.pk}/").status_code == 200


def test_the_openapi_schema_builds(owner_client):
    assert owner_client.get("/api/schema/").status_code == 200


def test_questionnaires_of_kind_checkin_cannot_be_public(owner_client):
    page = owner_client.post(
        "/api/v1/questionnaires/",
        {
            "title": "C",
            "kind": "checkin",
            "is_public": True,
            "fields": [{"label": "Q", "type": "date"}],
        },
        content_type="application/json",
    )
    assert page.status_code == 400
