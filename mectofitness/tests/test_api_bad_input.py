"""Bad input to the API is a 400 (or a 404) in JSON, never a server error.

Each case was found by fuzzing the API against its schema (test_api_fuzz.py) and
answered 500 before: here each is pinned by name."""

import json

import pytest
from django_tenants.utils import tenant_context

from clients.tests.conftest import *  # noqa: F403  (coach, client_record, browsers, …)


def _json(browser, method: str, url: str, body):
    return getattr(browser, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def program_day(business, owner):
    from programs.models import Program, ProgramDay, ProgramWeek

    with tenant_context(business):
        program = Program.objects.create(name="Strength", created_by=owner, length_weeks=4)
        week = ProgramWeek.objects.create(program=program, number=1)
        return ProgramDay.objects.create(week=week, position=1, name="Day A")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/meal-plans/abc/"), ("delete", "/api/v1/meal-plans/abc/")],
)
def test_a_meal_plan_id_that_is_not_a_number_is_not_found(owner_client, method, path):
    response = getattr(owner_client, method)(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_adding_to_a_meal_plan_whose_id_is_not_a_number_is_not_found(owner_client):
    response = _json(owner_client, "post", "/api/v1/meal-plans/null,null/items/", {})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["active_within_days", "quiet_for_days"])
@pytest.mark.parametrize("path", ["/api/v1/clients/", "/api/v1/clients/export/"])
def test_a_huge_day_count_in_the_client_filters_is_a_400(owner_client, path, name):
    response = owner_client.get(path, {name: "99999999999"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert name in response.json()


def test_a_nul_character_in_the_client_search_is_a_400(owner_client):
    response = owner_client.get("/api/v1/clients/", {"q": "ann\x00"})
    assert response.status_code == 400
    assert "q" in response.json()


def test_the_client_filters_still_filter(owner_client, client_record):
    found = owner_client.get("/api/v1/clients/", {"q": "Cleo", "quiet_for_days": "0"})
    assert found.status_code == 200
    everyone = owner_client.get("/api/v1/clients/", {"q": "Cleo"}).json()["results"]
    assert [c["id"] for c in everyone] == [client_record.pk]


@pytest.mark.parametrize("body", [[1, 2], "day", 7])
def test_a_program_block_whose_body_is_not_an_object_is_a_400(owner_client, program_day, body):
    response = _json(owner_client, "post", "/api/v1/program-blocks/", body)
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_program_day_whose_body_is_not_an_object_is_a_400(owner_client, program_day):
    response = _json(owner_client, "post", "/api/v1/program-days/", [program_day.week_id])
    assert response.status_code == 400


def test_a_program_week_change_whose_body_is_not_an_object_is_a_400(owner_client, program_day):
    url = f"/api/v1/program-weeks/{program_day.week_id}/"
    response = _json(owner_client, "patch", url, ["a note"])
    assert response.status_code == 400


def test_a_program_block_with_an_object_body_is_still_added(owner_client, program_day):
    body = {"day": program_day.pk, "kind": "superset", "rounds": 3}
    response = _json(owner_client, "post", "/api/v1/program-blocks/", body)
    assert response.status_code == 201
    assert response.json()["kind"] == "superset"


@pytest.mark.parametrize("body", [["set"], "set", None])
def test_unlogging_a_set_with_a_body_that_is_not_an_object_is_a_400(client_browser, body):
    response = _json(client_browser, "post", "/api/v1/workout-sync/unlog/", body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_unlogging_a_set_without_its_id_says_so(client_browser):
    response = _json(client_browser, "post", "/api/v1/workout-sync/unlog/", {"set": "x"})
    assert response.status_code == 400
    assert response.json() == {"set": ["Give the set's id."]}


def test_a_number_as_a_foods_name_is_a_400(owner_client):
    food = {"name": 5, "kcal_100g": 100, "protein_100g": 10, "carbs_100g": 10, "fat_100g": 1}
    response = _json(owner_client, "post", "/api/v1/foods/", food)
    assert response.status_code == 400
    assert "name" in response.json()


def test_a_food_whose_body_is_not_an_object_is_a_400(owner_client):
    response = _json(owner_client, "post", "/api/v1/foods/", ["Oats"])
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["get", "delete"])
def test_a_path_the_api_does_not_know_is_a_json_404(owner_client, method):
    response = getattr(owner_client, method)("/api/v1/habits/1.5e-10/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_form_with_too_many_fields_is_a_json_400(owner_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = owner_client.post("/api/v1/assignments/", {"clients": list(range(20))})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_an_error_of_the_data_export_is_json_even_when_a_zip_was_asked_for(owner_client):
    response = owner_client.get("/api/v1/me/export/", {"format": "zip"})  # staff: no data
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_path_with_a_line_break_is_a_json_404_too(owner_client):
    response = owner_client.patch(
        "/api/v1/exercises/c-1%0A/", "{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_options_on_the_erasure_describes_it(owner_client, client_record):
    response = owner_client.options(f"/api/v1/clients/{client_record.pk}/erase/")
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["goal", "level"])
def test_an_empty_object_as_a_programs_goal_or_level_is_a_400(owner_client, program_day, field):
    url = f"/api/v1/programs/{program_day.week.program_id}/"
    response = _json(owner_client, "patch", url, {field: {}})
    assert response.status_code == 400
    assert field in response.json()
