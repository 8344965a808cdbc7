"""A new owner signs in again the next day (issue 13, item 1): unconfirmed staff keep
signing in for a grace period with a reminder, then meet our "confirm your address"
page; the resend button sends one branded mail."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from mectofitness.testing import cache_clear
from tenants.models import Business

pytestmark = pytest.mark.django_db

# a Sunday, noon: nothing here may depend on the day the tests run
SIGNED_UP = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)
PASSWORD = "lifting-is-fun-42"
SIGNUP = {
    "name": "Peak Coaching",
    "slug": "peak",
    "first_name": "Olivia",
    "last_name": "Owens",
    "email": "olivia@peak.test",
    "password": PASSWORD,
}
STOCK = ("Hello from", "Thank you for using", "MectoFitness", "localhost:", "example.com")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def clock(monkeypatch):
    """Set the time: ``clock(days=1)`` is a day after the sign-up."""

    def at(**delta):
        now = SIGNED_UP + dt.timedelta(**delta)
        monkeypatch.setattr(timezone, "now", lambda: now)
        return now

    at()
    return at


@pytest.fixture
def peak(public_client, clock):
    """Olivia signed up on the public site and came in through the hand-off, then
    signed out."""
    response = public_client.post("/signup/", SIGNUP)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    browser = Client(HTTP_HOST="peak.localhost")
    handoff = browser.get(f"{location.path}?{location.query}")
    assert handoff["Location"] == "/admin/"
    browser.post("/accounts/logout/")
    assert SESSION_KEY not in browser.session
    business = Business.objects.get(slug="peak")
    with tenant_context(business):
        # the user model's default took the real clock: the account was made at sign-up
        User.objects.filter(email="olivia@peak.test").update(date_joined=SIGNED_UP)
        assert not EmailAddress.objects.get(email="olivia@peak.test").verified
    return business


def sign_in(client):
    return client.post("/accounts/login/", {"login": "olivia@peak.test", "password": PASSWORD})


def test_the_owner_signs_in_again_the_next_day_and_is_reminded_to_confirm(peak, clock):
    clock(days=1)
    browser = Client(HTTP_HOST="peak.localhost")
    mail.outbox.clear()

    response = sign_in(browser)

    assert SESSION_KEY in browser.session
    assert "confirm-email" not in response["Location"]
    assert mail.outbox == []  # no mail at each sign-in: the banner offers one
    home = browser.get("/admin/")
    html = home.content.decode()
    assert home.status_code == 200
    assert "Confirm your e-mail address" in html
    assert "olivia@peak.test" in html
    assert 'action="/accounts/verify/resend/"' in html
    assert "Sunday 22 March" in html  # the last day without it: a week after sign-up


def test_the_owner_still_signs_in_on_the_last_day_of_the_grace_period(peak, clock):
    clock(days=6, hours=23)
    browser = Client(HTTP_HOST="peak.localhost")
    sign_in(browser)
    assert SESSION_KEY in browser.session


def test_after_the_grace_period_sign_in_stops_at_our_confirm_page(peak, clock):
    clock(days=8)
    browser = Client(HTTP_HOST="peak.localhost")
    mail.outbox.clear()

    response = sign_in(browser)

    assert SESSION_KEY not in browser.session
    assert response["Location"] == "/accounts/confirm-email/"
    page = browser.get("/accounts/confirm-email/").content.decode()
    assert "Peak Coaching asks you to confirm your e-mail address" in page
    assert "Send the link again" in page
    assert 'action="/accounts/verify/resend/"' in page
    assert "Verify Your Email Address" not in page  # allauth's stock page
    assert "finalize the signup process" not in page
    # allauth sends a link at the refused sign-in: ours, from the business
    assert len(mail.outbox) == 1
    assert mail.outbox[0].from_email.startswith("Peak Coaching <")


def test_the_confirm_page_resends_the_link_to_the_person_signing_in(peak, clock, settings):
    settings.ACCOUNT_EMAIL_CONFIRMATION_COOLDOWN = 0  # the sign-in's own mail aside
    clock(days=8)
    browser = Client(HTTP_HOST="peak.localhost")
    sign_in(browser)
    mail.outbox.clear()

    response = browser.post("/accounts/verify/resend/")

    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olivia@peak.test"]
    assert SESSION_KEY not in browser.session


def test_resend_without_a_pending_sign_in_sends_nothing(peak, clock):
    browser = Client(HTTP_HOST="peak.localhost")
    mail.outbox.clear()
    response = browser.post("/accounts/verify/resend/")
    assert response["Location"] == "/accounts/login/"
    assert mail.outbox == []


def test_the_reminders_resend_button_sends_one_branded_mail_whose_link_confirms(peak, clock):
    clock(days=2)
    browser = Client(HTTP_HOST="peak.localhost")
    sign_in(browser)
    mail.outbox.clear()

    response = browser.post("/accounts/verify/resend/", {"next": "/admin/clients/client/"})

    assert response["Location"] == "/admin/clients/client/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olivia@peak.test"]
    assert message.from_email.startswith("Peak Coaching <")
    assert "Peak Coaching" in message.subject
    assert message.reply_to
    html = message.alternatives[0][0]
    assert "Powered by" in html  # the platform's name only there
    html = re.sub(r"Powered by <a [^>]*>MectoFitness</a>", "", html)
    for text in (message.subject, message.body, html):
        for stock in STOCK:
            assert stock not in text, (stock, text)
    assert "22 March 2026" in message.body  # until when it may wait

    link = re.search(r"https?://peak\.localhost/accounts/confirm-email/\S+", message.body)
    browser.post(urlsplit(link.group(0)).path)
    with tenant_context(peak):
        assert EmailAddress.objects.get(email="olivia@peak.test").verified
    assert "Confirm your e-mail address" not in browser.get("/admin/").content.decode()


def test_resend_leaves_a_foreign_next_address_alone(peak, clock):
    clock(days=1)
    browser = Client(HTTP_HOST="peak.localhost")
    sign_in(browser)
    response = browser.post("/accounts/verify/resend/", {"next": "https://evil.test/"})
    assert response["Location"] == "/admin/"


def test_resend_is_post_only(peak):
    assert Client(HTTP_HOST="peak.localhost").get("/accounts/verify/resend/").status_code == 405


def test_the_welcome_mail_carries_the_confirmation_link_and_says_why(peak, clock):
    from tenants.emails import owner_welcome_send

    mail.outbox.clear()
    with tenant_context(peak):
        owner_welcome_send(user=User.objects.get(email="olivia@peak.test"), business=peak)

    body = mail.outbox[0].body
    assert "CONFIRM YOUR E-MAIL ADDRESS" in body
    assert "password resets and sign-in help reach you" in body
    assert "22 March 2026" in body
    link = re.search(r"https?://peak\.localhost/accounts/confirm-email/\S+", body)
    assert link, body
    assert "Confirm my address" in mail.outbox[0].alternatives[0][0]
    browser = Client(HTTP_HOST="peak.localhost")
    page = browser.get(urlsplit(link.group(0)).path).content.decode()
    assert "is your e-mail address at Peak Coaching" in page
    assert "is an email address for user" not in page  # allauth's stock page
    browser.post(urlsplit(link.group(0)).path)
    with tenant_context(peak):
        assert EmailAddress.objects.get(email="olivia@peak.test").verified


def test_a_confirmed_owner_sees_no_reminder(owner_client):
    assert "Confirm your e-mail address" not in owner_client.get("/admin/").content.decode()


def test_a_client_is_not_given_a_grace_period(business, clock):
    from django.contrib.auth.models import Group

    with tenant_context(business):
        user = User.objects.create_user(
            email="new.client@acme.test", password=PASSWORD, date_joined=SIGNED_UP
        )
        user.groups.add(Group.objects.get(name="client"))
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    clock(days=1)
    browser = Client(HTTP_HOST="acme.localhost")
    response = browser.post(
        "/accounts/login/", {"login": "new.client@acme.test", "password": PASSWORD}
    )
    assert SESSION_KEY not in browser.session
    assert response["Location"] == "/accounts/confirm-email/"
