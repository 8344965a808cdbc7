import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def person(business, email, role, staff):
    with tenant_context(business):
        return PersonFactory(email=email, role=role, is_staff=staff)


def signed_in(business, user):
    browser = Client(HTTP_HOST=f"{business.slug}.localhost")
    with tenant_context(business):
        browser.force_login(user)
    return browser


def test_a_client_opening_the_back_office_is_told_it_is_for_staff(business):
    chloe = person(business, "chloe@acme.test", "client", staff=False)
    response = signed_in(business, chloe).get("/admin/", follow=True)
    assert response.status_code == 403
    assert "This area is for staff" in response.content.decode()


def test_an_anonymous_visitor_of_the_back_office_is_sent_to_sign_in(tenant_client):
    response = tenant_client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=/admin/" in response["Location"]


def test_staff_opening_the_portal_are_sent_to_the_back_office(owner_client):
    response = owner_client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_client_opening_the_portal_sees_it(business):
    chloe = person(business, "chloe@acme.test", "client", staff=False)
    response = signed_in(business, chloe).get("/")
    assert response.status_code == 200


def change_form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": "",
        "timezone": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [],
        "user_permissions": [],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_last_owner_cannot_be_demoted(business, owner, owner_client):
    response = owner_client.post(f"/admin/accounts/user/{owner.pk}/change/", change_form(owner))
    assert response.status_code == 200
    assert "the only owner" in response.content.decode()
    with tenant_context(business):
        assert owner.groups.filter(name="owner").exists()


def test_the_last_owner_cannot_be_deactivated(business, owner, owner_client):
    with tenant_context(business):
        owner_group = Group.objects.get(name="owner").pk
    response = owner_client.post(
        f"/admin/accounts/user/{owner.pk}/change/",
        change_form(owner, is_active="", groups=[owner_group]),
    )
    assert "the only owner" in response.content.decode()
    with tenant_context(business):
        assert User.objects.get(pk=owner.pk).is_active


def test_an_owner_can_be_demoted_when_another_owner_remains(business, owner, owner_client):
    person(business, "second@acme.test", "owner", staff=True)
    response = owner_client.post(f"/admin/accounts/user/{owner.pk}/change/", change_form(owner))
    assert response.status_code == 302
    with tenant_context(business):
        assert not owner.groups.filter(name="owner").exists()


def test_the_last_owner_cannot_be_deleted(owner, owner_client):
    assert owner_client.get(f"/admin/accounts/user/{owner.pk}/delete/").status_code == 403
