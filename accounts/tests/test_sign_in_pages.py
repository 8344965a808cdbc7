"""The sign-in page as a locked-out person and as staff meet it, on a business's address."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from mectofitness.testing import cache_clear

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def carl(business):
    with tenant_context(business):
        user = User.objects.create_user(email="carl@acme.test", password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name="coach"))
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user


def _browser(business):
    return Client(HTTP_HOST=f"{business.slug}.localhost")


def _fail_five_times(client, next_url=None):
    data = {"login": "carl@acme.test", "password": "wrong-password-1"}
    if next_url:
        data["next"] = next_url
    for _ in range(5):
        client.post("/accounts/login/", data)


def test_a_locked_out_person_is_told_how_many_minutes_to_wait(business, carl, monkeypatch):
    client = _browser(business)
    _fail_five_times(client)
    # two minutes later: the five-minute lockout has three to go
    later = time.time() + 121
    monkeypatch.setattr(time, "time", lambda: later)
    page = client.post("/accounts/login/", {"login": "carl@acme.test", "password": PASSWORD})
    text = page.content.decode()
    assert "Try again in 3 minutes, or reset your password." in text
    assert '<a href="/accounts/password/reset/">Reset your password by e-mail</a>' in text


def test_the_last_minute_of_a_lockout_is_said_in_the_singular(business, carl, monkeypatch):
    client = _browser(business)
    _fail_five_times(client)
    later = time.time() + 250
    monkeypatch.setattr(time, "time", lambda: later)
    page = client.post("/accounts/login/", {"login": "carl@acme.test", "password": PASSWORD})
    assert "Try again in 1 minute, or reset your password." in page.content.decode()


def test_a_person_who_is_not_locked_out_is_not_offered_the_reset_link(business, carl):
    client = _browser(business)
    page = client.post("/accounts/login/", {"login": "carl@acme.test", "password": "nope-nope-1"})
    assert "Reset your password by e-mail" not in page.content.decode()


def test_the_back_office_lockout_is_in_the_businesss_name(business, carl):
    client = _browser(business)
    _fail_five_times(client, next_url="/admin/")
    page = client.post(
        "/accounts/login/", {"login": "carl@acme.test", "password": PASSWORD, "next": "/admin/"}
    ).content.decode()
    assert "Try again in 5 minutes" in page
    assert re.search(r"<title>\s*Sign In\s*· Acme Strength</title>", page)
    assert "Reset your password by e-mail" in page


def test_the_back_office_sign_in_does_not_promise_staff_an_invitation_from_a_coach(business):
    client = _browser(business)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    page = response.content.decode()
    assert "Your coach will send you an invitation" not in page
    assert "The back office of Acme Strength, for its owner and coaches." in page


def test_the_back_office_sign_in_offers_no_client_sign_up(business):
    type(business).objects.filter(pk=business.pk).update(client_signup_open=True)
    page = _browser(business).get("/accounts/login/?next=/admin/").content.decode()
    assert "/accounts/signup/" not in page


def test_the_client_portal_sign_in_still_tells_clients_how_they_join(business):
    page = _browser(business).get("/accounts/login/").content.decode()
    assert "Your coach will send you an invitation." in page
