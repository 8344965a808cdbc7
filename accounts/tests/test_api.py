import pytest
import time_machine
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.policies import role_of
from accounts.services import api_token_create, api_token_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]


@pytest.fixture
def token(business, owner):
    with tenant_context(business):
        return api_token_create(user=owner, name="Zapier")[1]


def api(business, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    return Client(HTTP_HOST=f"{business.slug}.localhost", **headers)


def test_me_needs_authentication(tenant_client):
    response = tenant_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_me_answers_a_signed_in_session(owner_client):
    body = owner_client.get("/api/v1/me/").json()
    assert body["email"] == "owner@acme.test" and body["role"] == "owner"


def test_a_person_changes_their_own_details_and_nothing_else(business, owner, token):
    response = api(business, token).patch(
        "/api/v1/me/",
        {"first_name": " Olive ", "timezone": "Europe/Lisbon", "email": "x@y.test"},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["first_name"], body["timezone"], body["email"]) == (
        "Olive",
        "Europe/Lisbon",
        "owner@acme.test",  # read-only: the address changes through allauth's e-mail page
    )
    with tenant_context(business):
        saved = User.objects.get(pk=owner.pk)
    assert (saved.first_name, saved.timezone, saved.email) == (
        "Olive",
        "Europe/Lisbon",
        "owner@acme.test",
    )


def test_a_time_zone_nobody_has_is_a_field_error_and_nothing_is_saved(business, owner, token):
    response = api(business, token).patch(
        "/api/v1/me/",
        {"first_name": "Changed", "timezone": "Mars/Olympus"},
        content_type="application/json",
    )

    assert response.status_code == 400 and "timezone" in response.json()
    with tenant_context(business):
        assert User.objects.get(pk=owner.pk).first_name == owner.first_name


def test_a_personal_token_authenticates(business, token):
    response = api(business, token).get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["email"] == "owner@acme.test"


def test_a_token_of_one_business_means_nothing_at_another(other_business, token):
    response = api(other_business, token).get("/api/v1/me/")
    assert response.status_code == 401


def test_a_revoked_token_stops_working(business, owner_client, token):
    token_id = owner_client.get("/api/v1/tokens/").json()["results"][0]["id"]
    assert owner_client.delete(f"/api/v1/tokens/{token_id}/").status_code == 204
    assert api(business, token).get("/api/v1/me/").status_code == 401


def test_a_new_token_key_is_shown_once_and_only_its_hash_is_kept(business, owner_client):
    created = owner_client.post(
        "/api/v1/tokens/", {"name": "Sheets"}, content_type="application/json"
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("mf_")
    listed = owner_client.get("/api/v1/tokens/").json()["results"]
    assert all("key" not in row for row in listed)
    with tenant_context(business):
        from accounts.models import ApiToken

        assert not ApiToken.objects.filter(key_hash=key).exists()


def test_token_names_must_be_unique_per_person(owner_client):
    owner_client.post("/api/v1/tokens/", {"name": "Sheets"}, content_type="application/json")
    again = owner_client.post(
        "/api/v1/tokens/", {"name": "sheets"}, content_type="application/json"
    )
    assert again.status_code == 400
    assert again.json() == {"name": ["You already have a token with this name."]}


def test_people_see_only_their_own_tokens(business, owner_client):
    with tenant_context(business):
        coach = User.objects.create_user(email="c@acme.test", password="x", is_staff=True)
        api_token_create(user=coach, name="Coach's")
    names = [t["name"] for t in owner_client.get("/api/v1/tokens/").json()["results"]]
    assert "Coach's" not in names


def test_me_can_be_changed_with_field_errors_for_bad_input(owner_client):
    bad = owner_client.patch(
        "/api/v1/me/", {"timezone": "Mars/Olympus"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json() == {"timezone": ["Unknown time zone."]}
    good = owner_client.patch(
        "/api/v1/me/", {"first_name": "Olive", "email": "x@y.z"}, content_type="application/json"
    )
    assert good.status_code == 200
    assert good.json()["first_name"] == "Olive" and good.json()["email"] == "owner@acme.test"


def test_requests_are_throttled_per_person(owner_client, settings):
    from rest_framework.settings import api_settings

    rates = dict(api_settings.DEFAULT_THROTTLE_RATES)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "2/min")
        from mectofitness.core.api import UserRateThrottle

        mp.setattr(UserRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)
        codes = [owner_client.get("/api/v1/me/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert rates["user"] != "2/min"


@pytest.fixture
def rates(monkeypatch):
    """Set the API's rate limits for a test: ``rates(user="2/min")``."""
    from rest_framework.settings import api_settings

    from mectofitness.core.api import BusinessRateThrottle, UserRateThrottle

    def set_rates(**scopes):
        for scope, rate in scopes.items():
            monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, scope, rate)
        for throttle in (UserRateThrottle, BusinessRateThrottle):
            monkeypatch.setattr(throttle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)

    return set_rates


def test_a_refused_request_says_when_to_try_again(owner_client, rates):
    rates(user="2/min")
    owner_client.get("/api/v1/me/")
    owner_client.get("/api/v1/me/")
    refused = owner_client.get("/api/v1/me/")
    assert refused.status_code == 429 and 58 <= int(refused["Retry-After"]) <= 60


def test_requests_go_through_again_once_the_minute_has_passed(owner_client, rates):
    rates(user="2/min")
    with time_machine.travel("2026-12-07 09:00:00Z", tick=False) as clock:
        codes = [owner_client.get("/api/v1/me/").status_code for _ in range(3)]
        clock.shift(30)
        codes.append(owner_client.get("/api/v1/me/").status_code)
        clock.shift(31)  # the first two are a minute old now, the refused ones never counted
        codes += [owner_client.get("/api/v1/me/").status_code for _ in range(3)]
    assert codes == [200, 200, 429, 429, 200, 200, 429]


def test_the_business_limit_counts_everyones_requests_together(
    business, owner_client, token, rates
):
    rates(business="3/min")
    codes = [owner_client.get("/api/v1/me/").status_code for _ in range(2)]
    codes += [api(business, token).get("/api/v1/me/").status_code for _ in range(2)]
    assert codes == [200, 200, 200, 429]


def test_a_token_brings_the_same_person_the_database_holds(business, owner, token):
    with tenant_context(business):
        found = api_token_user(key=token)
        stored = User.objects.get(pk=owner.pk)
        assert all(
            getattr(found, field.attname) == getattr(stored, field.attname)
            for field in User._meta.concrete_fields
        )
        assert found._state.adding is False and found._state.db == "default"


def test_a_token_brings_the_persons_role_without_another_query(
    business, token, django_assert_num_queries
):
    with tenant_context(business):
        found = api_token_user(key=token)  # the first use records when (an update)
        found = api_token_user(key=token)
        with django_assert_num_queries(0):
            assert role_of(found) == "owner"


def test_a_token_of_someone_no_longer_active_stops_working(business, owner, token):
    with tenant_context(business):
        User.objects.filter(pk=owner.pk).update(is_active=False)
    assert api(business, token).get("/api/v1/me/").status_code == 401


def test_me_with_a_token_runs_one_query(business, token, django_assert_num_queries):
    browser = api(business, token)
    browser.get("/api/v1/me/")  # the first request fills the route cache and the last use
    with django_assert_num_queries(1):  # the token with its person and role
        assert browser.get("/api/v1/me/").json()["role"] == "owner"


def test_the_openapi_schema_and_docs_load_without_internet(owner_client):
    schema = owner_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = owner_client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs
