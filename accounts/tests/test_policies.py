"""The one access policy (accounts/policies.py): its rules, and the doors that ask it.

Archived clients and people without a client record are treated alike on every
portal door (the one "no record" page, 403) and in the API (403), and nobody has
a second definition of "owner".
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from accounts import policies
from billing.models import BillingSettings
from clients.models import Client
from clients.tests.factories import ClientFactory, person_create

pytestmark = pytest.mark.django_db

PORTAL_PAGES = [
    "/workouts/",
    "/calendar/",
    "/progress/",
    "/progress/photos/",
    "/progress/records/",
    "/forms/",
    "/check-ins/",
    "/nutrition/",
    "/nutrition/plan/",
    "/habits/",
    "/shop/",
    "/billing/",
    "/billing/invoices/",
    "/profile/data/",
]


@pytest.fixture
def people(business):
    with tenant_context(business):
        owner = person_create(email="boss@policy.test", role="owner")
        coach = person_create(email="coach@policy.test", role="coach")
        other_coach = person_create(email="other@policy.test", role="coach")
        active = person_create(email="active@policy.test", role="client")
        archived = person_create(email="gone@policy.test", role="client")
        recordless = person_create(email="new@policy.test", role="client")
        ClientFactory(user=active, email=active.email, primary_coach=coach)
        ClientFactory(user=archived, email=archived.email, status=Client.Status.ARCHIVED)
    return {
        "owner": owner,
        "coach": coach,
        "other_coach": other_coach,
        "active": active,
        "archived": archived,
        "recordless": recordless,
    }


def _browser(business, user) -> Browser:
    browser = Browser(HTTP_HOST="acme.localhost")
    with tenant_context(business):
        browser.force_login(user)
    return browser


def test_roles_come_from_one_place(business, people):
    with tenant_context(business):
        assert policies.is_owner(people["owner"])
        assert not policies.is_owner(people["coach"])
        assert policies.is_coach(people["coach"])
        assert not policies.is_coach(people["owner"])
        assert policies.is_staff_member(people["coach"])
        assert not policies.is_staff_member(people["active"])
        assert not policies.is_owner(AnonymousUser())


def test_a_deactivated_owner_is_no_owner(business, people):
    with tenant_context(business):
        owner = people["owner"]
        owner.is_active = False
        assert not policies.is_owner(owner)
        assert not policies.is_staff_member(owner)


def test_the_owner_invites_coaches_and_clients_and_coaches_invite_clients(business, people):
    with tenant_context(business):
        assert policies.may_invite(people["owner"], role="coach")
        assert policies.may_invite(people["owner"], role="client")
        assert not policies.may_invite(people["coach"], role="coach")
        assert policies.may_invite(people["coach"], role="client")
        assert not policies.may_invite(people["active"], role="client")
        assert not policies.may_invite(AnonymousUser(), role="client")
        assert not policies.may_invite(people["owner"], role="owner")
        coach = people["coach"]
        coach.is_active = False
        assert not policies.may_invite(coach, role="client")


def test_coaches_see_billing_only_when_the_owner_allows(business, people):
    with tenant_context(business):
        assert policies.billing_role(user=people["owner"]) == "owner"
        assert policies.billing_role(user=people["coach"]) is None
        assert not policies.sees_billing(people["coach"])
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
        assert policies.billing_role(user=people["coach"]) == "coach"
        assert policies.sees_billing(people["coach"])
        assert policies.billing_role(user=people["active"]) == "client"
        assert not policies.sees_billing(people["active"])


def test_the_portal_client_is_an_active_record_only(business, people):
    with tenant_context(business):
        assert policies.portal_client_for_user(people["active"]) is not None
        assert policies.portal_client_for_user(people["archived"]) is None
        assert policies.portal_client_for_user(people["recordless"]) is None
        assert policies.portal_client_for_user(people["coach"]) is None


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_every_portal_page_refuses_an_archived_client_with_the_one_page(business, people, path):
    response = _browser(business, people["archived"]).get(path)
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "portal/no_record.html"
    assert "has been closed" in response.content.decode()


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_every_portal_page_tells_a_recordless_client_why_it_is_empty(business, people, path):
    response = _browser(business, people["recordless"]).get(path)
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "portal/no_record.html"
    assert "has not set up your client record yet" in response.content.decode()


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_every_portal_page_opens_for_a_client_with_a_record(business, people, path):
    response = _browser(business, people["active"]).get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/workouts/", "/progress/", "/forms/", "/nutrition/"])
def test_staff_on_a_portal_page_go_to_the_back_office(business, people, path):
    response = _browser(business, people["coach"]).get(path)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_portal_home_opens_for_an_archived_client_and_says_why(business, people):
    response = _browser(business, people["archived"]).get("/")
    assert response.status_code == 200
    assert "has been closed" in response.content.decode()


API_DATA = [
    "/api/v1/clients/",
    "/api/v1/measurements/",
    "/api/v1/progress-photos/",
    "/api/v1/responses/",
    "/api/v1/invoices/",
    "/api/v1/payments/",
    "/api/v1/purchases/",
    "/api/v1/products/",
    "/api/v1/metrics/",
]


@pytest.mark.parametrize("who", ["archived", "recordless"])
@pytest.mark.parametrize("path", API_DATA)
def test_the_api_refuses_a_client_without_an_active_record(business, people, who, path):
    response = _browser(business, people[who]).get(path)
    assert response.status_code == 403
    assert response.json()["detail"] == "You have no client record here."


@pytest.mark.parametrize("path", API_DATA)
def test_the_api_answers_a_client_with_a_record(business, people, path):
    assert _browser(business, people["active"]).get(path).status_code == 200


@pytest.mark.parametrize("who", ["archived", "recordless"])
def test_a_client_without_a_record_still_manages_their_own_account(business, people, who):
    browser = _browser(business, people[who])
    assert browser.get("/api/v1/me/").status_code == 200
    assert browser.get("/api/v1/tokens/").status_code == 200


def test_the_api_refuses_an_archived_client_what_only_a_client_may_do(business, people):
    response = _browser(business, people["archived"]).get("/api/v1/checkins/due/")
    assert response.status_code == 403
    assert response.json()["detail"] == "You have no client record here."


def test_an_owner_manages_metrics_in_the_back_office(business, people):
    """The metric admin once asked for a superuser while the API asked for the owner."""
    from clients.admin.measurements import MetricAdmin
    from clients.models import Metric

    class Request:
        user = people["owner"]

    admin = MetricAdmin(Metric, None)
    with tenant_context(business):
        people["owner"].is_superuser = False
        assert admin.has_add_permission(Request())
        Request.user = people["coach"]
        assert not admin.has_add_permission(Request())
