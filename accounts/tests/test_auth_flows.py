"""allauth's flows as a person meets them, on a business's own address."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.tests.factories import PersonFactory
from mectofitness.testing import cache_clear

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


def browser(business):
    return Client(HTTP_HOST=f"{business.slug}.localhost")


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def make_person(business, email, *, role="coach", verified=True):
    with tenant_context(business):
        return PersonFactory(email=email, password=PASSWORD, role=role, verified=verified)


def link_in_last_mail(pattern: str) -> str:
    match = re.search(rf"https?://[^\s]+{pattern}[^\s]*", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return re.sub(r"^https?://[^/]+", "", match.group(0))


def test_signing_in_with_the_right_password_works(business):
    client = browser(business)
    response = sign_in(client, "owner@acme.test")
    assert response.status_code == 302
    assert SESSION_KEY in client.session


def test_signing_in_and_out_is_said_in_our_words_not_allauths(business):
    with tenant_context(business):  # the owner has never signed in here
        User.objects.filter(email="owner@acme.test").update(last_login=None)
    client = browser(business)
    sign_in(client, "owner@acme.test")
    page = client.get("/admin/").content.decode()
    assert "Welcome, Owner." in page and "Welcome back" not in page  # the first time
    assert "Successfully signed in" not in page
    client.post("/accounts/logout/")
    page = client.get("/accounts/login/").content.decode()
    assert "You are signed out. See you next time." in page
    assert "You have signed out." not in page
    sign_in(client, "owner@acme.test")
    page = client.get("/admin/").content.decode()
    assert "Welcome back, Owner." in page  # they have been here before


def test_a_wrong_password_is_refused_with_a_message(business):
    client = browser(business)
    response = sign_in(client, "owner@acme.test", "nope-nope-nope")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_repeated_failures_lock_the_account_out_at_that_business_only(business, other_business):
    make_person(business, "same@person.test")
    make_person(other_business, "same@person.test")
    acme = browser(business)
    for _ in range(5):
        sign_in(acme, "same@person.test", "wrong-password-1")
    locked = sign_in(acme, "same@person.test")
    assert "Too many failed login attempts" in locked.content.decode()
    assert SESSION_KEY not in acme.session

    zen = browser(other_business)
    assert sign_in(zen, "same@person.test").status_code == 302
    assert SESSION_KEY in zen.session


def test_a_forgotten_password_is_reset_by_email(business):
    make_person(business, "carl@acme.test")
    client = browser(business)
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": "carl@acme.test"})
    assert mail.outbox[-1].to == ["carl@acme.test"]
    reset = client.get(link_in_last_mail("/accounts/password/reset/key/"), follow=True)
    set_url = reset.redirect_chain[-1][0] if reset.redirect_chain else reset.request["PATH_INFO"]
    done = client.post(
        set_url, {"password1": "new-strong-pass-42", "password2": "new-strong-pass-42"}
    )
    assert done.status_code == 302
    assert sign_in(browser(business), "carl@acme.test", "new-strong-pass-42").status_code == 302


def test_a_password_reset_link_from_one_business_does_nothing_at_another(business, other_business):
    make_person(business, "carl@acme.test")
    browser(business).post("/accounts/password/reset/", {"email": "carl@acme.test"})
    link = link_in_last_mail("/accounts/password/reset/key/")
    response = browser(other_business).get(link, follow=True)
    assert (
        "bad token" in response.content.decode().lower()
        or "invalid" in response.content.decode().lower()
    )


def test_staff_must_verify_their_address_after_their_grace_period(business, settings):
    # staff may sign in unconfirmed for a while (accounts/tests/test_verification_grace.py)
    settings.EMAIL_VERIFICATION_GRACE_DAYS = 0
    make_person(business, "new.coach@acme.test", verified=False)
    client = browser(business)
    mail.outbox.clear()
    response = sign_in(client, "new.coach@acme.test")
    assert SESSION_KEY not in client.session
    assert "confirm-email" in response["Location"]
    confirm = link_in_last_mail("/accounts/confirm-email/")
    client.post(confirm)
    with tenant_context(business):
        assert EmailAddress.objects.get(email="new.coach@acme.test").verified
    assert SESSION_KEY in client.session


def activate_totp(client) -> str:
    """Enrol an authenticator app; returns its secret."""
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and "/reauthenticate/" in page["Location"]:
        # allauth asks for the password again before adding a second factor
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page.status_code
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, _counter()))
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


def _counter() -> int:
    import time

    return int(time.time()) // 30


@pytest.fixture
def signed_in_coach(business, settings):
    settings.MFA_TOTP_TOLERANCE = 1
    make_person(business, "mfa@acme.test")
    client = browser(business)
    assert sign_in(client, "mfa@acme.test").status_code == 302
    return client


def test_a_person_enrols_totp_and_then_signs_in_with_a_code(business, signed_in_coach):
    secret = activate_totp(signed_in_coach)
    client = browser(business)
    response = sign_in(client, "mfa@acme.test")
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert SESSION_KEY not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert SESSION_KEY not in client.session and wrong.status_code == 200
    code = format_hotp_value(hotp_value(secret, _counter() + 1))  # a code not used yet
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert SESSION_KEY in client.session


def test_a_recovery_code_signs_in_once(business, signed_in_coach):
    activate_totp(signed_in_coach)
    with tenant_context(business):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        authenticator = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)
        code = RecoveryCodes(authenticator).get_unused_codes()[0]
    first = browser(business)
    sign_in(first, "mfa@acme.test")
    first.post("/accounts/2fa/authenticate/", {"code": code})
    assert SESSION_KEY in first.session
    second = browser(business)
    sign_in(second, "mfa@acme.test")
    second.post("/accounts/2fa/authenticate/", {"code": code})
    assert SESSION_KEY not in second.session


def test_when_the_owner_requires_it_staff_set_up_mfa_before_the_back_office(business, owner_client):
    business.staff_mfa_required = True
    business.save()
    response = owner_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_clients_cannot_sign_up_unless_the_business_opens_sign_up(business):
    closed = browser(business).get("/accounts/signup/")
    assert "Sign Up Closed" in closed.content.decode()

    business.client_signup_open = True
    business.save()
    client = browser(business)
    response = client.post(
        "/accounts/signup/",
        {
            "email": "self@signed.up",
            "password1": "lifting-is-fun-42",
            "password2": "lifting-is-fun-42",
        },
    )
    assert response.status_code == 302
    with tenant_context(business):
        user = User.objects.get(email="self@signed.up")
        assert list(user.groups.values_list("name", flat=True)) == ["client"]
        assert not user.is_staff
