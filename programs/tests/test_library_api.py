"""The exercise library API: who may read and change what, at which business, and
what bad input gets back (400 with field errors, never a 500)."""

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from programs.catalog.models import CatalogExercise

pytestmark = pytest.mark.django_db
API = "/api/v1/exercises/"


def key(name: str) -> str:
    return f"c-{CatalogExercise.objects.get(name=name).pk}"


@pytest.fixture
def zen_owner_browser(other_business):
    from accounts.models import User

    browser = Browser(HTTP_HOST=f"{other_business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(other_business):
        browser.force_login(User.objects.get(email="owner@zen.test"))
    return browser


def test_staff_and_clients_search_the_library(owner_client, coach_browser, client_browser):
    for browser in (owner_client, coach_browser, client_browser):
        response = browser.get(API, {"q": "benchpress"})
        assert response.status_code == 200
        first = response.json()["results"][0]
        assert first["name"] == "Bench Press" and first["kind"] == "catalog"
        assert first["key"].startswith("c-")


def test_anonymous_people_get_nothing(tenant_client):
    assert tenant_client.get(API).status_code in (401, 403)
    assert tenant_client.get(f"{API}{key('Bench Press')}/").status_code in (401, 403)


def test_filters_and_paging_work_together(owner_client):
    response = owner_client.get(API, {"muscle": "biceps", "equipment": "dumbbell", "page": 2})
    assert response.status_code == 200
    for row in response.json()["results"]:
        assert "biceps" in row["primary_muscles"] + row["secondary_muscles"]
        assert "dumbbell" in row["equipment"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"muscle": "wings"}, "muscle"),
        ({"equipment": "rocket"}, "equipment"),
        ({"category": "yoga"}, "category"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_search_parameters_are_400_with_the_field(owner_client, params, field):
    response = owner_client.get(API, params)
    assert response.status_code == 400
    assert field in response.json()


def test_an_exercise_reads_by_its_key(client_browser):
    response = client_browser.get(f"{API}{key('Back Squat')}/")
    assert response.status_code == 200
    body = response.json()
    assert body["instructions"] and body["cues"] and "Squat" in body["aliases"]


def test_unknown_and_malformed_keys_are_404(owner_client):
    for bad in ("c-999999999", "b-999999", "x-1", "c-abc", "c-"):
        assert owner_client.get(f"{API}{bad}/").status_code == 404


def test_owner_and_coach_create_custom_exercises(owner_client, coach_browser):
    for number, browser in enumerate((owner_client, coach_browser)):
        response = browser.post(
            API,
            {
                "name": f"Landmine Lateral Lunge {number}",
                "category": "strength",
                "primary_muscles": ["quadriceps"],
                "equipment": ["barbell"],
                "instructions": ["Hold the bar end at the chest.", "Step out to one side."],
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["kind"] == "custom" and response.json()["key"].startswith("b-")


def test_a_new_exercise_is_measured_as_its_name_says_unless_the_coach_chooses(owner_client):
    hold = owner_client.post(
        API,
        {"name": "Copenhagen Hold Variation", "category": "core", "equipment": ["body only"]},
        content_type="application/json",
    )
    assert hold.status_code == 201 and hold.json()["measurement"] == "time"
    chosen = owner_client.post(
        API,
        {"name": "Tyre Flip Walk", "measurement": "distance"},
        content_type="application/json",
    )
    assert chosen.json()["measurement"] == "distance"
    changed = owner_client.patch(
        f"{API}{hold.json()['key']}/", {"measurement": "reps"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["measurement"] == "reps"
    plank = owner_client.get(f"{API}{key('Front Plank')}/").json()
    assert plank["measurement"] == "time"


def test_a_client_cannot_change_the_library(client_browser):
    assert (
        client_browser.post(API, {"name": "Mine"}, content_type="application/json").status_code
        == 403
    )
    assert client_browser.post(f"{API}{key('Back Squat')}/hide/").status_code == 403
    assert client_browser.post(f"{API}{key('Back Squat')}/copy/").status_code == 403


@pytest.mark.parametrize(
    "payload, fields",
    [
        ({"name": ""}, {"name"}),
        ({"name": "X", "category": "yoga"}, {"category"}),
        ({"name": "X", "primary_muscles": ["wings"]}, {"primary_muscles"}),
        ({"name": "X", "equipment": "not a list of known things"}, {"equipment"}),
        ({"name": "X", "video_url": "javascript:alert(1)"}, {"video_url"}),
        ({"name": "X", "instructions": {"a": 1}}, {"instructions"}),
        ({"name": "X", "search_text": "sneaky"}, {"search_text"}),
        ({"name": "X", "cues": ["c"] * 7}, {"cues"}),
        ({"name": "X", "measurement": "furlongs"}, {"measurement"}),
    ],
)
def test_bad_exercise_payloads_are_400_with_field_errors(owner_client, payload, fields):
    response = owner_client.post(API, payload, content_type="application/json")
    assert response.status_code == 400
    assert fields <= set(response.json())


def test_a_non_object_body_is_400(owner_client):
    response = owner_client.post(API, [1, 2], content_type="application/json")
    assert response.status_code == 400


def test_copy_then_edit_replaces_the_catalog_entry(owner_client, coach_browser):
    press = key("Overhead Press")
    response = coach_browser.post(f"{API}{press}/copy/")
    assert response.status_code == 201
    copy = response.json()
    assert copy["kind"] == "copy" and copy["copied_from"] == press
    response = owner_client.patch(
        f"{API}{copy['key']}/", {"name": "Standing Strict Press"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["name"] == "Standing Strict Press"
    names = [row["name"] for row in owner_client.get(API, {"q": "strict press"}).json()["results"]]
    assert names[0] == "Standing Strict Press"
    names = [
        row["name"] for row in owner_client.get(API, {"q": "overhead press"}).json()["results"]
    ]
    assert "Overhead Press" not in names
    assert (
        owner_client.patch(
            f"{API}{press}/", {"name": "No"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_hide_and_unhide(owner_client, client_browser):
    squat = key("Back Squat")
    assert owner_client.post(f"{API}{squat}/hide/").status_code == 204
    assert client_browser.get(f"{API}{squat}/").status_code == 404
    assert "Back Squat" not in [
        r["name"] for r in client_browser.get(API, {"q": "back squat"}).json()["results"]
    ]
    assert owner_client.get(f"{API}{squat}/").json()["is_hidden"] is True  # staff can still open it
    assert owner_client.post(f"{API}{squat}/unhide/").status_code == 204
    assert client_browser.get(f"{API}{squat}/").status_code == 200


def test_archiving_an_own_exercise(owner_client):
    created = owner_client.post(API, {"name": "Band Walk"}, content_type="application/json").json()
    assert owner_client.delete(f"{API}{created['key']}/").status_code == 204
    assert owner_client.get(f"{API}{created['key']}/").status_code == 404


def test_zens_hidden_and_own_exercises_never_show_at_acme(
    zen_owner_browser, owner_client, client_browser
):
    squat = key("Back Squat")
    assert zen_owner_browser.post(f"{API}{squat}/hide/").status_code == 204
    zen = zen_owner_browser.post(
        API, {"name": "Zen Flow Sequence"}, content_type="application/json"
    ).json()
    assert owner_client.get(f"{API}{squat}/").json()["is_hidden"] is False
    assert client_browser.get(f"{API}{squat}/").status_code == 200
    assert owner_client.get(f"{API}{zen['key']}/").status_code == 404
    for browser in (owner_client, client_browser):
        names = [r["name"] for r in browser.get(API, {"q": "zen flow"}).json()["results"]]
        assert "Zen Flow Sequence" not in names


def test_acme_staff_cannot_change_zens_library(owner_client, zen_owner_browser):
    zen = zen_owner_browser.post(API, {"name": "Zen Only"}, content_type="application/json").json()
    response = owner_client.patch(
        f"{API}{zen['key']}/", {"name": "Hacked"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_list_runs_constant_queries(owner_client, django_assert_max_num_queries):
    owner_client.get(API, {"q": "squat"})
    with django_assert_max_num_queries(9):
        owner_client.get(API, {"q": "squat"})
