import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Invitation, User
from accounts.services import invitation_create, invitation_resend, invitation_revoke
from accounts.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach(business):
    with tenant_context(business):
        return PersonFactory(email="carl@acme.test", role="coach")


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run a service and then its on-commit work (the invitation e-mail, eagerly)."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def invite(committing):
    """Invite through the service, as the back office does; returns the link's token."""

    def run(business, inviter, email="new@person.test", role="client", **extra):
        mail.outbox.clear()
        with tenant_context(business):
            committing(invitation_create, email=email, role=role, invited_by=inviter, **extra)
        assert len(mail.outbox) == 1, "the invitation e-mail was not sent"
        return last_token()

    return run


def last_token() -> str:
    return mail.outbox[-1].body.split("/invite/")[1].split("/")[0]


def test_an_invited_client_sets_a_password_and_lands_in_the_portal(
    business, owner, tenant_client, invite
):
    token = invite(business, owner, first_name="Chloe")
    assert "Acme Strength invited you" in mail.outbox[0].subject

    page = tenant_client.get(f"/invite/{token}/")
    assert page.status_code == 200 and "new@person.test" in page.content.decode()
    response = tenant_client.post(
        f"/invite/{token}/", {"first_name": "Chloe", "password": "lifting-is-fun-42"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    with tenant_context(business):
        user = User.objects.get(email="new@person.test")
        from allauth.account.models import EmailAddress

        assert not user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == ["client"]
        assert EmailAddress.objects.get(user=user).verified
    assert tenant_client.session[SESSION_KEY] == str(user.pk)


def test_an_invited_coach_lands_in_the_back_office(business, owner, tenant_client, invite):
    token = invite(business, owner, email="coach2@acme.test", role="coach")
    response = tenant_client.post(
        f"/invite/{token}/", {"first_name": "Cora", "password": "lifting-is-fun-42"}
    )
    assert response["Location"] == "/admin/"
    assert tenant_client.get("/admin/").status_code == 200


def test_an_invitation_works_only_once(business, owner, tenant_client, invite):
    token = invite(business, owner)
    tenant_client.post(f"/invite/{token}/", {"first_name": "A", "password": "lifting-is-fun-42"})
    again = Client(HTTP_HOST="acme.localhost").get(f"/invite/{token}/")
    assert again.status_code == 410
    assert "already used" in again.content.decode()


def test_an_expired_invitation_is_refused(business, owner, tenant_client, invite):
    token = invite(business, owner)
    with tenant_context(business):
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = tenant_client.post(
        f"/invite/{token}/", {"first_name": "A", "password": "lifting-is-fun-42"}
    )
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    with tenant_context(business):
        assert not User.objects.filter(email="new@person.test").exists()


def test_a_revoked_invitation_is_refused(business, owner, tenant_client, invite):
    token = invite(business, owner)
    with tenant_context(business):
        invitation_revoke(invitation=Invitation.objects.get(), by=owner)
    assert "withdrawn" in tenant_client.get(f"/invite/{token}/").content.decode()


def test_resending_replaces_the_link(business, owner, tenant_client, invite, committing):
    old = invite(business, owner)
    mail.outbox.clear()
    with tenant_context(business):
        committing(invitation_resend, invitation=Invitation.objects.get(), by=owner)
    new = last_token()
    assert new != old
    assert tenant_client.get(f"/invite/{old}/").status_code == 410
    assert tenant_client.get(f"/invite/{new}/").status_code == 200


def test_an_invitation_from_one_business_does_not_work_at_another(
    business, owner, other_business, invite
):
    token = invite(business, owner)
    response = Client(HTTP_HOST="zen.localhost").get(f"/invite/{token}/")
    assert response.status_code == 410
    assert "not valid here" in response.content.decode()


def test_inviting_someone_who_has_an_account_says_so(business, owner):
    with tenant_context(business), pytest.raises(ValidationError) as excinfo:
        invitation_create(email="OWNER@acme.test", role="client", invited_by=owner)
    assert "already has an account" in str(excinfo.value)


def test_inviting_the_same_person_twice_points_to_resend(business, owner, invite):
    invite(business, owner)
    with tenant_context(business), pytest.raises(ValidationError, match="Resend"):
        invitation_create(email="new@person.test", role="client", invited_by=owner)


def test_an_expired_invitation_can_be_replaced_by_a_new_one(business, owner, invite):
    invite(business, owner)
    with tenant_context(business):
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    invite(business, owner)
    with tenant_context(business):
        assert [i.status for i in Invitation.objects.order_by("created_at")] == [
            "revoked",
            "pending",
        ]


def test_a_coach_may_invite_clients_but_not_coaches(business, coach, invite):
    invite(business, coach, email="client@acme.test")
    with tenant_context(business), pytest.raises(PermissionDenied):
        invitation_create(email="coach3@acme.test", role="coach", invited_by=coach)


def test_a_client_may_not_invite_anyone(business):
    with tenant_context(business):
        client_user = PersonFactory(email="cli@acme.test", role="client")
        with pytest.raises(PermissionDenied):
            invitation_create(email="friend@acme.test", role="client", invited_by=client_user)


def test_a_weak_password_is_refused_with_a_clear_message(business, owner, tenant_client, invite):
    token = invite(business, owner)
    response = tenant_client.post(f"/invite/{token}/", {"first_name": "A", "password": "password"})
    assert response.status_code == 400
    assert "too common" in response.content.decode()


def test_the_owner_invites_from_the_back_office(
    business, owner_client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            "/admin/accounts/invitation/add/",
            {"email": "bo@person.test", "role": "coach", "first_name": "Bo", "last_name": ""},
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["bo@person.test"]
    listing = owner_client.get("/admin/accounts/invitation/").content.decode()
    assert "bo@person.test" in listing and "pending" in listing


def test_the_back_office_shows_why_an_invitation_was_refused(business, owner_client):
    response = owner_client.post(
        "/admin/accounts/invitation/add/",
        {"email": "owner@acme.test", "role": "client", "first_name": "", "last_name": ""},
        follow=True,
    )
    assert "already has an account" in response.content.decode()
    with tenant_context(business):
        assert not Invitation.objects.exists()


def test_a_coach_sees_only_client_invitations_in_the_back_office(business, owner, coach, invite):
    invite(business, owner, email="coach9@acme.test", role="coach")
    invite(business, owner, email="client9@acme.test", role="client")
    browser = Client(HTTP_HOST="acme.localhost")
    with tenant_context(business):
        browser.force_login(coach)
    listing = browser.get("/admin/accounts/invitation/").content.decode()
    assert "client9@acme.test" in listing
    assert "coach9@acme.test" not in listing


def test_a_second_invitation_is_refused_with_the_address_as_typed(business, owner_client):
    data = {"email": "ann.lee@person.test", "role": "client", "first_name": "", "last_name": ""}
    owner_client.post("/admin/accounts/invitation/add/", data)
    response = owner_client.post("/admin/accounts/invitation/add/", data, follow=True)
    html = response.content.decode()
    assert "An invitation to ann.lee@person.test was already sent" in html
    assert "Ann.lee@person.test" not in html
