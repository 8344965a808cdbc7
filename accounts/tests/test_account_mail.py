"""Mail to a business's people comes from the business (issue 13, item 2): its name in
From and subject, a Reply-To its owner or the coach, our own words, and the platform's
name only in "Powered by". Platform mail to owners may say MectoFitness."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.emails import ACCOUNT_MAILS, SECURITY_NOTICES, account_mail_send
from accounts.models import User
from mectofitness.testing import cache_clear

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
# allauth's stock sentences, the platform's name, and the host with its port
STOCK = (
    "Hello from",
    "Thank you for using",
    "You're receiving this email",
    "You are receiving this email",
    "MectoFitness",
    "localhost:",
    "example.com",
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


def assert_from_the_business(message, business, *, reply_to: str):
    """Branded: From and subject carry the business, replies go to ``reply_to``, and
    neither part says MectoFitness but in the "Powered by" footer."""
    assert message.from_email.startswith(f"{business.name} <"), message.from_email
    assert business.name in message.subject, message.subject
    assert message.reply_to == [reply_to]
    html = message.alternatives[0][0]
    assert f"{business.name} · Powered by" in html
    html = re.sub(r"Powered by <a [^>]*>MectoFitness</a>", "", html)
    for text in (message.subject, message.body, html):
        for stock in STOCK:
            assert stock not in text, (stock, text[:3000])


def person(business, email, *, role="client", coach=None):
    with tenant_context(business):
        user = User.objects.create_user(email=email, password=PASSWORD, is_staff=role != "client")
        user.groups.add(Group.objects.get(name=role))
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        if role == "client":
            from clients.services.records import client_for_user_link

            client = client_for_user_link(user=user)
            if coach is not None:
                client.primary_coach = coach
                client.save(update_fields=["primary_coach"])
        return user


def test_a_clients_password_reset_comes_from_the_business_and_answers_to_their_coach(
    business, owner
):
    coach = person(business, "cora@acme.test", role="coach")
    person(business, "cleo@acme.test", coach=coach)
    mail.outbox.clear()

    Client(HTTP_HOST="acme.localhost").post(
        "/accounts/password/reset/", {"email": "cleo@acme.test"}
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cleo@acme.test"]
    assert "Reset your password" in message.subject
    assert "/accounts/password/reset/key/" in message.body
    assert_from_the_business(message, business, reply_to="cora@acme.test")


def test_a_coachs_verification_mail_comes_from_the_business(business, owner):
    coach = person(business, "carl@acme.test", role="coach")
    with tenant_context(business):
        EmailAddress.objects.filter(user=coach).update(verified=False)
        User.objects.filter(pk=coach.pk).update(date_joined="2020-01-01T00:00Z")
    mail.outbox.clear()

    Client(HTTP_HOST="acme.localhost").post(
        "/accounts/login/", {"login": "carl@acme.test", "password": PASSWORD}
    )

    message = mail.outbox[-1]
    assert "Confirm your e-mail address" in message.subject
    assert "/accounts/confirm-email/" in message.body
    assert_from_the_business(message, business, reply_to=owner.email)


def test_a_reset_for_an_unknown_address_is_in_our_words(business, owner):
    mail.outbox.clear()
    Client(HTTP_HOST="acme.localhost").post(
        "/accounts/password/reset/", {"email": "nobody@acme.test"}
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "ask your coach to invite you" in message.body
    assert_from_the_business(message, business, reply_to=owner.email)


@pytest.mark.parametrize("role", ["client", "coach"])
def test_an_invitation_comes_from_the_business_and_answers_to_the_inviter(
    business, owner, role, django_capture_on_commit_callbacks
):
    from accounts.services import invitation_create

    owner.first_name, owner.last_name = "Ada", "Acme"
    with tenant_context(business):
        owner.save(update_fields=["first_name", "last_name"])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            invitation_create(email="new@person.test", role=role, invited_by=owner)

    message = mail.outbox[-1]
    assert message.to == ["new@person.test"]
    assert message.subject.startswith("Acme Strength invited you to ")
    assert "Ada Acme" in message.body
    assert "/invite/" in message.body
    assert_from_the_business(message, business, reply_to=owner.email)


@pytest.mark.parametrize("prefix", sorted(ACCOUNT_MAILS) + sorted(SECURITY_NOTICES))
def test_every_account_mail_allauth_may_send_is_ours(business, owner, prefix):
    """Whatever allauth asks the adapter to send goes out in our words."""
    client = person(business, "cleo@acme.test")
    context = {
        "user": client,
        "activate_url": "https://acme.localhost/accounts/confirm-email/k/",
        "password_reset_url": "https://acme.localhost/accounts/password/reset/key/1-k/",
        "signup_url": "https://acme.localhost/accounts/signup/",
        "code": "123456",
        "from_email": "old@acme.test",
        "to_email": "cleo@acme.test",
        "deleted_email": "old@acme.test",
        "timestamp": None,
        "ip": "127.0.0.1",
        "user_agent": "test",
    }
    mail.outbox.clear()
    with tenant_context(business):
        account_mail_send(template_prefix=prefix, email="cleo@acme.test", context=context)
    assert len(mail.outbox) == 1
    assert_from_the_business(mail.outbox[0], business, reply_to=owner.email)


def test_platform_mail_to_an_owner_may_say_mectofitness(business):
    from billing.platform.emails import trial_ending_send

    mail.outbox.clear()
    trial_ending_send(business=business)
    message = mail.outbox[0]
    assert message.from_email.startswith("MectoFitness <")
    assert "MectoFitness" in message.subject
    assert message.reply_to


def test_a_subject_without_the_business_name_is_prefixed_with_it(business, owner):
    from mectofitness.core.mail import send_business_mail

    mail.outbox.clear()
    with tenant_context(business):
        send_business_mail(business=business, to="c@acme.test", subject="Hi", body="Hello")
    message = mail.outbox[0]
    assert message.subject == "Acme Strength: Hi"
    assert_from_the_business(message, business, reply_to=owner.email)


def test_business_mail_without_a_business_goes_out_as_platform_mail(db):
    from mectofitness.core.mail import send_business_mail

    mail.outbox.clear()
    send_business_mail(business=None, to="someone@example.test", subject="Hi", body="Hello")
    assert mail.outbox[0].from_email.startswith("MectoFitness <")
