"""Plan limits bite on growth only: invitations, activations, open sign-up."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from billing.platform.models import Plan
from tenants.models import Business

from .conftest import people


@pytest.fixture
def solo(business):
    """acme on Solo (30 clients, 1 coach)."""
    Business.objects.filter(pk=business.pk).update(plan=Plan.objects.get(key="solo"))
    business.refresh_from_db()
    return business


def test_inviting_a_coach_past_the_limit_asks_to_upgrade(solo, owner):
    from accounts.services import invitation_create

    with tenant_context(solo), pytest.raises(ValidationError) as error:
        invitation_create(email="new@acme.test", role="coach", invited_by=owner)
    assert "Upgrade your plan" in error.value.message_dict["email"][0]


def test_inviting_a_client_past_the_limit_asks_to_upgrade(solo, owner):
    from accounts.services import invitation_create

    people(solo, clients=30)
    with tenant_context(solo), pytest.raises(ValidationError) as error:
        invitation_create(email="new@acme.test", role="client", invited_by=owner)
    assert "30 active clients" in error.value.message_dict["email"][0]


def test_inviting_a_client_with_room_works(solo, owner):
    from accounts.services import invitation_create

    people(solo, clients=29)
    with tenant_context(solo):
        assert invitation_create(email="new@acme.test", role="client", invited_by=owner).pk


def test_open_client_invitations_count_against_the_limit(solo, owner):
    from accounts.services import invitation_create

    people(solo, clients=29)
    with tenant_context(solo):
        invitation_create(email="first@acme.test", role="client", invited_by=owner)
        with pytest.raises(ValidationError) as error:
            invitation_create(email="second@acme.test", role="client", invited_by=owner)
    assert "30 active clients" in error.value.message_dict["email"][0]


def test_inviting_an_active_client_to_the_portal_needs_no_room(solo, owner):
    from accounts.services import invitation_create
    from clients.tests.factories import ClientFactory

    people(solo, clients=29)
    with tenant_context(solo):
        ClientFactory(status="active", email="already@acme.test")
        invitation = invitation_create(email="already@acme.test", role="client", invited_by=owner)
        assert invitation.pk


def test_the_invitation_form_shows_the_upgrade_message(solo, owner_client):
    people(solo, clients=30)
    response = owner_client.post(
        "/admin/accounts/invitation/add/",
        {"email": "new@acme.test", "role": "client", "first_name": "N", "last_name": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Upgrade your plan" in response.content.decode()


def test_activating_a_client_past_the_limit_asks_to_upgrade(solo, owner):
    from clients.services.records import client_status_set
    from clients.tests.factories import ClientFactory

    people(solo, clients=30)
    with tenant_context(solo):
        lead = ClientFactory(status="lead")
        with pytest.raises(ValidationError) as error:
            client_status_set(client=lead, status="active", by=owner)
    assert "Upgrade your plan" in error.value.message_dict["status"][0]


def test_the_api_answers_400_when_activation_has_no_room(solo, owner_client):
    from clients.tests.factories import ClientFactory

    people(solo, clients=30)
    with tenant_context(solo):
        lead = ClientFactory(status="lead")
    response = owner_client.post(
        f"/api/v1/clients/{lead.pk}/status/", {"status": "active"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "Upgrade your plan" in str(response.json())


def test_moving_between_active_statuses_needs_no_room(solo, owner):
    from clients.services.records import client_status_set
    from clients.tests.factories import ClientFactory

    people(solo, clients=29)
    with tenant_context(solo):
        client = ClientFactory(status="onboarding")
        assert client_status_set(client=client, status="active", by=owner).status == "active"


def test_a_downgrade_below_usage_keeps_every_client_working(solo, owner):
    from clients.models import Client
    from clients.services.records import client_update

    people(solo, clients=35)
    with tenant_context(solo):
        client = Client.objects.filter(status="active").first()
        client_update(client=client, by=owner, first_name="Still")
        assert Client.objects.filter(status="active").count() == 35


def test_pausing_a_client_above_the_limit_is_allowed(solo, owner):
    from clients.models import Client
    from clients.services.records import client_status_set

    people(solo, clients=35)
    with tenant_context(solo):
        client = Client.objects.filter(status="active").first()
        assert client_status_set(client=client, status="paused", by=owner).status == "paused"


def test_open_sign_up_waits_when_the_plan_is_full(solo, tenant_client):
    Business.objects.filter(pk=solo.pk).update(client_signup_open=True)
    people(solo, clients=30)
    response = tenant_client.post(
        "/accounts/signup/",
        {
            "email": "walkin@example.com",
            "password1": "x-Secret-12345",
            "password2": "x-Secret-12345",
        },
    )
    assert response.status_code == 200
    assert "cannot take new clients online" in response.content.decode()


def test_the_gym_plan_has_no_client_limit(business, owner):
    from billing.platform.limits import limit_check

    Business.objects.filter(pk=business.pk).update(plan=Plan.objects.get(key="gym"))
    business.refresh_from_db()
    people(business, clients=200)
    with tenant_context(business):
        limit_check(kind="clients")  # no error
