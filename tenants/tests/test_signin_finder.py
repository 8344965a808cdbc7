"""The public site's "Sign in": an address in, a mail with the link to each business
where it has an account out, and an answer that never says whether it has any."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from accounts.models import User
from mectofitness.core.context_processors import business_url
from mectofitness.testing import cache_clear
from tenants import selectors
from tenants.models import Business
from tenants.selectors import accounts_for_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


def _person(business, email, *, role, **fields):
    with tenant_context(business):
        user = User.objects.create_user(
            email=email, password="pw-long-enough-42", is_staff=role != "client", **fields
        )
        user.groups.add(Group.objects.get(name=role))
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        return user


@pytest.fixture
def sam(business, other_business):
    """Sam trains at acme (a client) and coaches at zen."""
    _person(business, "sam@person.test", role="client")
    _person(other_business, "sam@person.test", role="coach")
    return "sam@person.test"


def _ask(client, email):
    return client.post("/signin/", {"email": email})


def test_sign_in_in_the_header_opens_the_finder_instead_of_an_anchor(public_client):
    page = public_client.get("/").content.decode()
    assert 'href="/signin/"' in page
    assert 'href="#signin"' not in page


def test_the_finder_asks_for_an_address_and_keeps_the_platform_staff_sign_in(public_client):
    page = public_client.get("/signin/").content.decode()
    assert 'type="email" name="email"' in page
    assert 'href="/admin/">MectoFitness staff sign-in</a>' in page


def test_a_person_is_mailed_the_sign_in_link_of_each_business_they_belong_to(public_client, sam):
    mail.outbox.clear()
    response = _ask(public_client, "Sam@Person.TEST")
    assert response.status_code == 302 and response["Location"] == "/signin/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@person.test"]
    assert "Acme Strength\n" + business_url("acme", "/accounts/login/") in message.body
    assert "Zen Movement (back office)\n" + business_url("zen", "/admin/") in message.body
    html = message.alternatives[0][0]
    assert f'href="{business_url("acme", "/accounts/login/")}"' in html


def test_an_unknown_address_gets_the_same_answer_and_no_mail(public_client, sam):
    mail.outbox.clear()
    known = _ask(public_client, "sam@person.test")
    unknown = _ask(public_client, "nobody@person.test")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mail.outbox] == [["sam@person.test"]]
    page = public_client.get("/signin/sent/").content.decode()
    assert "If you have an account with that address, we’ve sent you an e-mail" in page


def test_a_deactivated_login_and_a_cancelled_business_are_not_listed(
    business, other_business, public_client
):
    _person(business, "gone@person.test", role="client", is_active=False)
    _person(other_business, "gone@person.test", role="client")
    Business.objects.filter(pk=other_business.pk).update(status="cancelled")
    mail.outbox.clear()
    _ask(public_client, "gone@person.test")
    assert mail.outbox == []


def test_a_bad_address_is_a_form_error(public_client):
    response = _ask(public_client, "not an address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def test_the_finder_is_rate_limited_per_network(public_client, settings, sam):
    settings.SIGNIN_FINDER_RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert _ask(public_client, "nobody@person.test").status_code == 302
    refused = _ask(public_client, "sam@person.test")
    assert refused.status_code == 429
    assert "Too many requests from your network" in refused.content.decode()


def test_one_address_gets_at_most_three_mails_an_hour_and_the_same_answer(public_client, sam):
    mail.outbox.clear()
    answers = {_ask(public_client, "sam@person.test")["Location"] for _ in range(5)}
    assert answers == {"/signin/sent/"}
    assert len(mail.outbox) == 3


def _lookups(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "accounts_user" in q["sql"]]


def test_the_lookup_asks_all_businesses_in_one_statement(sam):
    with CaptureQueriesContext(connection) as queries:
        found = accounts_for_email(email="sam@person.test")
    assert [(a.business_name, a.is_staff) for a in found] == [
        ("Acme Strength", False),
        ("Zen Movement", True),
    ]
    (lookup,) = _lookups(queries)
    assert '"b_acme".accounts_user' in lookup and '"b_zen".accounts_user' in lookup
    # besides: the businesses (and django-tenants' search_path, when it changes)
    assert len(queries) <= 3


def test_many_businesses_are_asked_in_chunks(sam, monkeypatch):
    monkeypatch.setattr(selectors, "FINDER_CHUNK", 1)
    count = Business.objects.exclude(schema_name="public").exclude(status="cancelled").count()
    with CaptureQueriesContext(connection) as queries:
        assert len(accounts_for_email(email="sam@person.test")) == 2
    assert len(_lookups(queries)) == count


def test_the_finder_is_not_a_page_of_a_businesss_site(tenant_client):
    assert tenant_client.get("/signin/").status_code == 404
