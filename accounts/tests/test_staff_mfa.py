""" "Staff must use two-factor sign-in" holds on every door: pages, the API with a
session, token creation and personal tokens. Only setting it up and signing out
stay open until they have."""

import re
import uuid

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from accounts.models import ApiToken
from accounts.services import api_token_create
from clients.tests.factories import person_create

pytestmark = pytest.mark.django_db
SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def mfa_required(business):
    business.staff_mfa_required = True
    business.save()
    return business


@pytest.fixture
def coach(business):
    with tenant_context(business):
        return person_create(email="coach@acme.test", role="coach", first_name="Cora")


def signed_in(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(user)
    return browser


def with_token(business, key) -> Browser:
    return Browser(
        HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}", HTTP_AUTHORIZATION=f"Token {key}"
    )


def second_factor_set_up(business, user) -> None:
    with tenant_context(business):
        TOTP.activate(user, generate_totp_secret())


def says_set_up_two_factor(response) -> bool:
    detail = response.json()["detail"]
    return "Acme Strength asks its staff to use two-factor sign-in" in detail and (
        "/accounts/2fa/" in detail
    )


# --- the API --------------------------------------------------------------------------


def test_a_coach_signed_in_with_a_password_alone_is_refused_by_the_api(mfa_required, coach):
    browser = signed_in(mfa_required, coach)
    for url in ["/api/v1/clients/", "/api/v1/me/", "/api/v1/tokens/", "/api/schema/"]:
        response = browser.get(url)
        assert response.status_code == 403, url
        assert says_set_up_two_factor(response)


def test_a_coach_without_two_factor_cannot_create_a_token(mfa_required, coach):
    response = signed_in(mfa_required, coach).post(
        "/api/v1/tokens/", {"name": "Sheets"}, content_type="application/json"
    )
    assert response.status_code == 403 and says_set_up_two_factor(response)
    with tenant_context(mfa_required):
        assert not ApiToken.objects.exists()


def test_a_token_of_staff_without_two_factor_is_refused_until_they_set_it_up(business, coach):
    with tenant_context(business):
        key = api_token_create(user=coach, name="Zapier")[1]
    assert with_token(business, key).get("/api/v1/clients/").status_code == 200
    business.staff_mfa_required = True
    business.save()

    refused = with_token(business, key).get("/api/v1/clients/")
    assert refused.status_code == 403 and says_set_up_two_factor(refused)
    created = with_token(business, key).post(
        "/api/v1/tokens/", {"name": "Another"}, content_type="application/json"
    )
    assert created.status_code == 403

    second_factor_set_up(business, coach)
    assert with_token(business, key).get("/api/v1/clients/").status_code == 200


def test_staff_with_two_factor_use_the_api_and_create_tokens(mfa_required, coach, owner):
    second_factor_set_up(mfa_required, coach)
    browser = signed_in(mfa_required, coach)
    assert browser.get("/api/v1/clients/").status_code == 200
    created = browser.post("/api/v1/tokens/", {"name": "Sheets"}, content_type="application/json")
    assert created.status_code == 201
    assert with_token(mfa_required, created.json()["key"]).get("/api/v1/me/").status_code == 200
    # the owner is staff too
    assert signed_in(mfa_required, owner).get("/api/v1/clients/").status_code == 403


def test_clients_are_not_asked_for_two_factor(mfa_required):
    with tenant_context(mfa_required):
        person = person_create(email="cli@acme.test", role="client")
        key = api_token_create(user=person, name="Phone")[1]
    assert signed_in(mfa_required, person).get("/api/v1/me/").status_code == 200
    assert with_token(mfa_required, key).get("/api/v1/me/").status_code == 200


def test_without_the_requirement_staff_need_no_second_factor(business, coach):
    browser = signed_in(business, coach)
    assert browser.get("/api/v1/clients/").status_code == 200
    assert browser.get("/admin/").status_code == 200


# --- pages ----------------------------------------------------------------------------


def _sample(route: str) -> str:
    """A concrete path for a URL pattern: any value will do, the door shuts first."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # regular expressions (allauth, DRF)
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), route)
    route = re.sub(r"<path:\w+>", "x/y", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
    return "/" + re.sub(r"[\^$\\?]", "", route)


def _tenant_paths(patterns=None, prefix=""):
    if patterns is None:
        patterns = get_resolver(settings.ROOT_URLCONF).url_patterns
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _tenant_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield _sample(prefix + route)


OPEN = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/email/",
        "/accounts/confirm-email/", "/accounts/logout/", "/branding/logo")  # fmt: skip
PROBES = {"/ping", "/healthz"}  # load balancers': no session, no person


def test_every_door_of_a_coach_without_two_factor_leads_to_setting_it_up(mfa_required, coach):
    """Walks every route of a business's site: each one, but setting up two-factor
    sign-in and signing out, sends the coach to the setup page (the API: a 403)."""
    browser = signed_in(mfa_required, coach)
    paths = sorted(set(_tenant_paths()))
    assert "/admin/clients/client/" in paths and "/api/v1/clients/" in paths
    assert len(paths) > 150
    checked = 0
    for path in paths:
        if path.startswith(OPEN) or path in PROBES:
            continue
        response = browser.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, path
        else:
            assert (response.status_code, response.get("Location")) == (302, SETUP), path
        checked += 1
    assert checked > 150
    posted = browser.post("/admin/clients/client/add/", {"first_name": "Sneaky"})
    assert (posted.status_code, posted["Location"]) == (302, SETUP)


def test_setting_up_two_factor_and_signing_out_stay_open(mfa_required, coach):
    browser = signed_in(mfa_required, coach)
    page = browser.get(SETUP)
    if page.status_code == 302:  # allauth asks for the password again first
        assert page["Location"].startswith("/accounts/reauthenticate/")
        page = browser.get(page["Location"])
    assert page.status_code == 200
    assert browser.get("/accounts/2fa/").status_code == 200
    assert browser.get("/accounts/logout/").status_code == 200
    assert browser.post("/accounts/logout/").status_code == 302
    assert browser.get("/api/v1/me/").status_code == 401  # signed out


def test_htmx_requests_are_sent_to_the_setup_page_as_a_whole(mfa_required, coach):
    response = signed_in(mfa_required, coach).get("/admin/clients/client/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == SETUP


def test_after_setting_up_two_factor_every_door_opens_again(mfa_required, coach):
    second_factor_set_up(mfa_required, coach)
    browser = signed_in(mfa_required, coach)
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/").status_code == 302  # the portal's home sends staff on
    assert browser.get("/").url == "/admin/"
