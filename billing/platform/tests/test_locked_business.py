"""A suspended or cancelled business serves the way to pay the platform and
nothing else: its client-billing back office, API and portal show the locked
notice, whatever their paths start with (tenants.middleware, by route name)."""

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from tenants.models import Business

from .conftest import people

LOCKED = "tenants/locked.html"

CLOSED = [
    # the business's own client billing, in the back office
    "/admin/billing/invoice/",
    "/admin/billing/invoice/add/",
    "/admin/billing/invoice/revenue/",
    "/admin/billing/invoice/1/pdf/",
    "/admin/billing/payment/",
    "/admin/billing/payment/record/",
    "/admin/billing/purchase/",
    "/admin/billing/product/",
    "/admin/billing/product/connect/",
    "/admin/billing/product/connect/oauth/",
    "/admin/billing/taxrate/",
    "/admin/billing/billingsettings/",
    "/admin/billing/stripeevent/",
    # the rest of the back office
    "/admin/",
    "/admin/clients/client/",
    "/admin/settings/",
    # the API and the portal
    "/api/v1/payments/",
    "/api/v1/products/",
    "/api/v1/clients/",
    "/",
    "/billing/",
    "/billing/invoices/",
    "/shop/",
    "/profile/",
]

# paths that only start like an allowed one
LOOKALIKES = [
    "/admin/billing/xyz/",
    "/admin/billing/platform/",
    "/admin/billing/billing/",
    "/admin/login/extra/",
    "/accounts/login/../../admin/billing/invoice/",
    "/accounts/2fa/authenticate/more/",
    "/accounts/password/reset/x/",
    "/healthz/extra",
]


def is_locked_notice(response) -> bool:
    return response.status_code == 403 and LOCKED in [t.name for t in response.templates]


@pytest.fixture(params=[Business.Status.SUSPENDED, Business.Status.CANCELLED])
def locked(request, business):
    Business.objects.filter(pk=business.pk).update(status=request.param)
    return business


@pytest.mark.parametrize("path", CLOSED)
def test_a_locked_business_closes_its_back_office_api_and_portal_to_its_owner(
    locked, owner_client, path
):
    assert is_locked_notice(owner_client.get(path))


@pytest.mark.parametrize("path", ["/admin/billing/payment/record/", "/api/v1/products/"])
def test_a_locked_business_refuses_changes_to_its_client_billing(locked, owner_client, path):
    assert is_locked_notice(owner_client.post(path, {"name": "Ten sessions"}))


@pytest.mark.parametrize("path", LOOKALIKES)
def test_a_path_that_only_starts_like_an_allowed_one_is_locked(locked, owner_client, path):
    assert is_locked_notice(owner_client.get(path))


def test_the_client_billing_pages_are_open_while_the_business_is_active(owner_client):
    for path in ("/admin/billing/invoice/", "/admin/billing/payment/", "/admin/billing/taxrate/"):
        assert owner_client.get(path).status_code == 200


def test_the_owner_of_a_locked_business_reaches_the_billing_page(standin, locked, owner_client):
    response = owner_client.get("/admin/billing/")
    assert response.status_code == 200
    assert "platform_billing/billing.html" in [t.name for t in response.templates]
    returned = owner_client.get("/admin/billing/?checkout=success")
    assert returned.status_code == 200
    assert "Thank you!" in returned.content.decode()


def test_the_owner_of_a_locked_business_is_handed_to_stripe_checkout(standin, locked, owner_client):
    response = owner_client.post("/admin/billing/", {"action": "subscribe", "plan": "solo"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{standin.url}/checkout/cs_test_")


def test_the_owner_of_a_cancelled_business_is_handed_to_the_stripe_portal(
    subscribed, standin, business, owner_client
):
    Business.objects.filter(pk=business.pk).update(status=Business.Status.CANCELLED)
    response = owner_client.post("/admin/billing/", {"action": "portal"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{standin.url}/portal/bps_")


def test_a_coach_of_a_locked_business_gets_neither_billing_nor_back_office(locked):
    from accounts.models import User

    people(locked, coaches=1)
    coach = Browser(HTTP_HOST=f"{locked.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(locked):
        coach.force_login(User.objects.get(email="coach0@acme.test"))
    refused = coach.get("/admin/billing/")
    assert refused.status_code == 403
    assert b"Usage" not in refused.content
    assert is_locked_notice(coach.get("/admin/billing/payment/"))


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/healthz",
        "/ping",
        "/admin/login/",
    ],
)
def test_a_locked_business_still_lets_people_sign_in_and_probes_through(
    locked, tenant_client, path
):
    response = tenant_client.get(path)
    assert not is_locked_notice(response)
    assert response.status_code in (200, 302)


def test_a_locked_business_serves_static_files(locked, tenant_client):
    response = tenant_client.get("/static/css/site.css")
    assert response.status_code == 200


def test_a_path_under_static_reaches_no_page(locked, owner_client):
    response = owner_client.get("/static/../admin/billing/invoice/")
    assert response.status_code == 404


def test_a_missing_trailing_slash_on_an_allowed_page_is_redirected_not_locked(
    locked, tenant_client
):
    response = tenant_client.get("/accounts/login")
    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"


def test_the_owner_of_a_locked_business_can_sign_in_and_reach_billing(standin, locked):
    browser = Browser(HTTP_HOST=f"{locked.slug}.{settings.BASE_DOMAIN}")
    response = browser.post(
        "/accounts/login/?next=/admin/billing/",
        {"login": "owner@acme.test", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/billing/"
    assert browser.get("/admin/billing/").status_code == 200


def test_an_owner_asked_for_two_factor_can_set_it_up_to_reach_billing(
    standin, locked, owner_client
):
    Business.objects.filter(pk=locked.pk).update(staff_mfa_required=True)
    response = owner_client.get("/admin/billing/", follow=True)
    assert not is_locked_notice(response)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == "/accounts/2fa/totp/activate/"
