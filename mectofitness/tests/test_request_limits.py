"""Limits on what a request may cost: rate limits count the client's address from
the trusted proxy header (and ignore the header when none is trusted); bodies over
their route's size are refused with 413 before anything reads them."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from clients.services.intake_questionnaires import questionnaire_create
from clients.tests.factories import ClientFactory, person_create
from mectofitness.core.net import client_ip
from mectofitness.testing import cache_clear
from tenants.models import Lead
from tenants.services import rate_limit_hit

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def trusted_header(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"


@pytest.fixture
def no_trusted_header(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None


def from_address(address: str) -> dict:
    """Request options: the proxy (always 10.0.0.1) says the client is ``address``."""
    return {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": address}


# --- the client's address ---------------------------------------------------------------


def test_the_client_address_comes_from_the_trusted_header(trusted_header):
    factory = RequestFactory()
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")) == (
        "203.0.113.7"
    )
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="2001:DB8::1")) == (
        "2001:db8::1"
    )
    # of a list, only the entry the proxy added counts: the ones before it anyone can send
    listed = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="1.1.1.1, 203.0.113.7")
    assert client_ip(listed) == "203.0.113.7"
    # no header, or nonsense in it: the connection's address
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="me")) == "10.0.0.1"


def test_the_header_is_ignored_when_no_proxy_is_trusted(no_trusted_header):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert client_ip(request) == "10.0.0.1"


def post_lead(client, email: str, **extra):
    """The lead form redirects to its thank-you page when it accepts the lead."""
    return client.post("/leads/", lead(email), follow=True, **extra)


def lead(email: str) -> dict:
    return {"name": "Sam Lee", "email": email, "business_size": "2-5"}


def test_leads_are_limited_per_client_behind_a_trusted_proxy(
    public_client, trusted_header, settings
):
    settings.LEAD_RATE_LIMIT_PER_HOUR = 1
    one, other = from_address("203.0.113.7"), from_address("198.51.100.9")
    assert post_lead(public_client, "a@gym.test", **one).status_code == 200
    assert post_lead(public_client, "b@gym.test", **one).status_code == 429
    assert post_lead(public_client, "c@gym.test", **other).status_code == 200
    assert Lead.objects.count() == 2


def test_leads_ignore_the_header_when_no_proxy_is_trusted(
    public_client, no_trusted_header, settings
):
    settings.LEAD_RATE_LIMIT_PER_HOUR = 1
    one, other = from_address("203.0.113.7"), from_address("198.51.100.9")
    assert post_lead(public_client, "a@gym.test", **one).status_code == 200
    assert post_lead(public_client, "b@gym.test", **other).status_code == 429


SIGNUP = {
    "name": "Peak Coaching",
    "slug": "peak",
    "first_name": "Olivia",
    "last_name": "Owens",
    "email": "olivia@peak.test",
    "password": "lifting-is-fun-42",
}


def test_signups_are_limited_per_client_behind_a_trusted_proxy(
    public_client, trusted_header, settings
):
    settings.SIGNUP_RATE_LIMIT_PER_HOUR = 1
    rate_limit_hit(scope="signup", key="203.0.113.7", limit=1)  # this client's one sign-up
    refused = public_client.post("/signup/", SIGNUP, **from_address("203.0.113.7"))
    assert refused.status_code == 400 and "Too many" in refused.text
    welcomed = public_client.post("/signup/", SIGNUP, **from_address("198.51.100.9"))
    assert welcomed.status_code == 302


def test_signups_ignore_the_header_when_no_proxy_is_trusted(
    public_client, no_trusted_header, settings
):
    settings.SIGNUP_RATE_LIMIT_PER_HOUR = 1
    rate_limit_hit(scope="signup", key="10.0.0.1", limit=1)  # the proxy's address
    refused = public_client.post("/signup/", SIGNUP, **from_address("198.51.100.9"))
    assert refused.status_code == 400 and "Too many" in refused.text


@pytest.fixture
def public_form(business, owner):
    with tenant_context(business):
        return questionnaire_create(
            by=owner,
            title="Quick intake",
            fields=[{"key": "goal", "label": "Your goal", "type": "short_text"}],
            publish=True,
            is_public=True,
        )


def answers(email: str) -> dict:
    return {
        "contact-first_name": "Lena",
        "contact-last_name": "Lead",
        "contact-email": email,
        "contact-phone": "",
        "q-goal": "Run a 10k",
    }


def test_the_public_form_link_is_limited_per_client_behind_a_trusted_proxy(
    tenant_client, public_form, trusted_header, settings
):
    settings.INTAKE_RATE_LIMIT_PER_HOUR = 1
    url = f"/f/{public_form.public_token}/"
    one, other = from_address("203.0.113.7"), from_address("198.51.100.9")
    assert tenant_client.post(url, answers("a@example.test"), **one).status_code == 302
    refused = tenant_client.post(url, answers("b@example.test"), **one)
    assert refused.status_code == 429 and "Too many forms" in refused.text
    assert tenant_client.post(url, answers("c@example.test"), **other).status_code == 302


def test_the_public_form_link_ignores_the_header_when_no_proxy_is_trusted(
    tenant_client, public_form, no_trusted_header, settings
):
    settings.INTAKE_RATE_LIMIT_PER_HOUR = 1
    url = f"/f/{public_form.public_token}/"
    one, other = from_address("203.0.113.7"), from_address("198.51.100.9")
    assert tenant_client.post(url, answers("a@example.test"), **one).status_code == 302
    assert tenant_client.post(url, answers("b@example.test"), **other).status_code == 429


def test_the_public_form_link_refuses_a_limited_sender_before_reading_the_body(
    tenant_client, public_form, settings
):
    settings.INTAKE_RATE_LIMIT_PER_HOUR = 0
    # the body claims more bytes than it has: reading it would fail the test client
    response = tenant_client.generic(
        "POST",
        f"/f/{public_form.public_token}/",
        b"contact-email=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(MB),
    )
    assert response.status_code == 429 and "Too many forms" in response.text


# --- body sizes ---------------------------------------------------------------------------


def claiming(browser, path: str, size: int, **extra):
    """A POST whose Content-Length says ``size``, carrying (almost) nothing: any read of
    the body past what is there fails the test client, so only a refusal that reads
    nothing passes."""
    return browser.generic(
        "POST",
        path,
        b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(size),
        **extra,
    )


@pytest.fixture
def people(business):
    """Signed-in browsers at acme: the owner, and a client with a record."""
    with tenant_context(business):
        owner = person_create(email="boss@acme.test", role="owner")
        user = person_create(email="cli@acme.test", role="client")
        record = ClientFactory(user=user, email=user.email, primary_coach=owner)
    browsers = {}
    for name, person in (("owner", owner), ("client", user)):
        browser = Browser(HTTP_HOST=f"{business.slug}.{django_settings.BASE_DOMAIN}")
        with tenant_context(business):
            browser.force_login(person)
        browsers[name] = browser
    browsers["record"] = record
    return browsers


def upload_routes(record, form) -> list[tuple[str, str, int]]:
    """(who, path, the route's limit) of every route that takes a file. A route of one
    file takes twice the file's limit (and 1 MB for the rest of the form), so a file a
    little too large still gets the form's own message."""
    photo = 41 * MB  # photos: 20 MB
    answers = 51 * MB  # intake and check-in answers: five files of 10 MB
    return [
        ("client", "/profile/", 11 * MB),  # a profile photo: 5 MB
        ("client", "/progress/photos/", photo),
        ("client", "/forms/1/", answers),
        ("client", "/check-ins/1/", answers),
        ("anonymous", f"/f/{form.public_token}/", answers),
        ("client", "/api/v1/progress-photos/", photo),
        ("client", "/api/v1/responses/", answers),
        ("owner", "/admin/clients/progressphoto/add/", photo),
        ("owner", f"/admin/clients/progressphoto/client/{record.pk}/", photo),
        ("owner", "/admin/clients/auditentry/import/", 11 * MB),  # a CSV: 5 MB
        ("owner", "/admin/settings/", 5 * MB),  # the business's logo: 2 MB
        # routes that take no file: the site's default
        ("owner", "/api/v1/clients/", 10 * MB),
        ("owner", "/admin/clients/client/add/", 10 * MB),
    ]


def test_every_upload_route_refuses_a_body_over_its_limit_unread(
    business, people, public_form, tenant_client
):
    for who, path, limit in upload_routes(people["record"], public_form):
        browser = tenant_client if who == "anonymous" else people[who]
        response = claiming(browser, path, limit + 1)
        assert response.status_code == 413, path
        megabytes = f"{limit / MB:.0f}"
        if path.startswith("/api/"):
            assert "at most" in response.json()["detail"], path
        else:
            assert f"at most {megabytes} MB" in response.text, path


def test_a_body_within_the_route_limit_reaches_the_form(people):
    """11 MB is over the site's default but within a photo's route: the form answers."""
    data = {"pose": "front", "taken_on": "2025-03-14"}
    data["image"] = SimpleUploadedFile("big.jpg", b"\0" * (11 * MB), content_type="image/jpeg")
    response = people["client"].post("/progress/photos/", data)
    assert response.status_code == 400
    assert "not a photo we can read" in response.text
