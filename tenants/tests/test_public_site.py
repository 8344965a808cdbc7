import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_tenants.utils import schema_exists

from mectofitness.testing import cache_clear
from tenants.models import Business, Lead
from tenants.services import handoff_token_create

pytestmark = pytest.mark.django_db

SIGNUP = {
    "name": "Peak Coaching",
    "slug": "peak",
    "first_name": "Olivia",
    "last_name": "Owens",
    "email": "olivia@peak.test",
    "password": "lifting-is-fun-42",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


def test_the_landing_page_sells_the_product_with_plans_and_a_lead_form(public_client):
    html = public_client.get("/").content.decode()
    for plan in ("Solo", "Studio", "Gym"):
        assert plan in html
    assert 'action="/leads/"' in html
    assert 'href="/signup/"' in html


def test_signup_lands_the_owner_logged_in_on_their_back_office(public_client):
    response = public_client.post("/signup/", SIGNUP)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc == "peak.localhost"
    assert location.path == "/auth/handoff/"
    assert schema_exists("b_peak")
    assert SESSION_KEY not in public_client.session  # nothing logged in on the public site

    subdomain = Client(HTTP_HOST="peak.localhost")
    landed = subdomain.get(f"{location.path}?{location.query}")
    assert landed.status_code == 302 and landed["Location"] == "/admin/"
    backoffice = subdomain.get("/admin/")
    assert backoffice.status_code == 200
    assert "Peak Coaching" in backoffice.content.decode()


def test_a_handoff_link_works_only_once(public_client):
    location = urlsplit(public_client.post("/signup/", SIGNUP)["Location"])
    first, second = Client(HTTP_HOST="peak.localhost"), Client(HTTP_HOST="peak.localhost")
    first.get(f"{location.path}?{location.query}")
    replay = second.get(f"{location.path}?{location.query}")
    assert replay.status_code == 302
    assert replay["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in second.session


def test_a_handoff_link_for_one_business_does_not_log_in_at_another(business, other_business):
    token = handoff_token_create(business=business, user_id=1)
    zen = Client(HTTP_HOST="zen.localhost")
    response = zen.get(f"/auth/handoff/?token={token}")
    assert response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in zen.session


def test_a_forged_handoff_link_is_refused(tenant_client):
    response = tenant_client.get("/auth/handoff/?token=eyJ1IjoxfQ:forged:sig")
    assert response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in tenant_client.session


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "www", "reserved"),
        ("slug", "acme", "already taken"),
        ("slug", "A B", "lower-case"),
        ("email", "not-an-email", "valid email"),
        ("password", "password", "too common"),
        ("name", "", "required"),
    ],
)
def test_signup_shows_clear_errors_and_creates_nothing(
    public_client, business, field, value, message
):
    response = public_client.post("/signup/", SIGNUP | {field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Business.objects.filter(name="Peak Coaching").exists()


def test_the_slug_check_says_whether_an_address_is_free(public_client, business):
    free = public_client.get("/signup/check/", {"slug": "peak"}).json()
    taken = public_client.get("/signup/check/", {"slug": "acme"}).json()
    bad = public_client.get("/signup/check/", {"slug": "-x"}).json()
    assert free == {"slug": "peak", "available": True, "message": "peak.localhost is available."}
    assert taken["available"] is False and "already taken" in taken["message"]
    assert bad["available"] is False


def lead(**overrides):
    return {"name": "Sam Lee", "email": "sam@gym.test", "business_size": "2-5"} | overrides


def test_a_lead_is_recorded(public_client):
    response = public_client.post(
        "/leads/", lead(phone="+44 7700 900123", message="Hi"), follow=True
    )
    assert response.status_code == 200
    saved = Lead.objects.get()
    assert (saved.name, saved.email, saved.phone, saved.source) == (
        "Sam Lee",
        "sam@gym.test",
        "+44 7700 900123",
        "landing",
    )


def test_the_thank_you_page_is_reached_by_redirect_so_a_reload_does_not_post_again(
    public_client,
):
    response = public_client.post("/leads/", lead())
    assert response.status_code == 303
    thanks = response["Location"]
    assert thanks.startswith("/leads/thanks/?t=")
    for _reload in range(2):
        page = public_client.get(thanks)
        assert page.status_code == 200
        assert "Thanks, Sam Lee!" in page.content.decode()
    assert Lead.objects.get().submissions == 1


def test_the_thank_you_page_ignores_a_forged_token(public_client):
    page = public_client.get("/leads/thanks/", {"t": "forged"})
    assert page.status_code == 200
    assert "Thanks! We" in page.content.decode()


def test_a_lead_is_deduplicated_by_email_ignoring_case(public_client):
    public_client.post("/leads/", lead(message="First"))
    response = public_client.post(
        "/leads/", lead(email="SAM@Gym.test", message="Second"), follow=True
    )
    assert response.status_code == 200
    saved = Lead.objects.get()
    assert saved.submissions == 2
    assert "First" in saved.message and "Second" in saved.message


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"email": "nope"}, "valid email"),
        ({"name": ""}, "required"),
        ({"name": "x"}, "Enter your name"),
        ({"phone": "call me maybe"}, "phone number"),
        ({"business_size": "huge"}, "valid choice"),
        ({"message": "x" * 2001}, "at most 2000"),
    ],
)
def test_an_invalid_lead_gets_field_errors_and_is_not_saved(public_client, overrides, field_error):
    response = public_client.post("/leads/", lead(**overrides))
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not Lead.objects.exists()


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(public_client):
    response = public_client.post("/leads/", lead(website="http://spam.test"), follow=True)
    assert response.status_code == 200
    assert not Lead.objects.exists()


def test_leads_are_rate_limited_per_address(public_client, settings):
    settings.LEAD_RATE_LIMIT_PER_HOUR = 2
    for n in range(2):
        response = public_client.post("/leads/", lead(email=f"{n}@gym.test"), follow=True)
        assert response.status_code == 200
    response = public_client.post("/leads/", lead(email="3@gym.test"))
    assert response.status_code == 429
    assert "Too many" in response.content.decode()
    assert Lead.objects.count() == 2


def test_signups_are_rate_limited_per_address(public_client, settings):
    settings.SIGNUP_RATE_LIMIT_PER_HOUR = 0
    response = public_client.post("/signup/", SIGNUP)
    assert response.status_code == 400
    assert "Too many" in response.content.decode()
    assert not schema_exists("b_peak")


def test_platform_staff_see_and_export_leads(public_client):
    from accounts.models import User

    Lead.objects.create(name="Sam Lee", email="sam@gym.test", message="=HYPERLINK(1)")
    staff = User.objects.create_superuser(email="staff@mecto.test", password="x")
    public_client.force_login(staff)
    assert "sam@gym.test" in public_client.get("/admin/tenants/lead/").content.decode()
    response = public_client.post(
        "/admin/tenants/lead/",
        {
            "action": "export_csv",
            "_selected_action": list(Lead.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "sam@gym.test" in body
    assert re.search(r"'=HYPERLINK", body)


def test_platform_staff_can_suspend_a_business(public_client, business):
    from accounts.models import User

    staff = User.objects.create_superuser(email="staff@mecto.test", password="x")
    public_client.force_login(staff)
    listing = public_client.get("/admin/tenants/business/").content.decode()
    assert "Acme Strength" in listing
    public_client.post(
        "/admin/tenants/business/", {"action": "suspend", "_selected_action": [business.pk]}
    )
    business.refresh_from_db()
    assert business.status == Business.Status.SUSPENDED
    assert Client(HTTP_HOST="acme.localhost").get("/").status_code == 403


def test_a_business_owner_cannot_use_the_platform_admin(public_client, owner):
    response = public_client.post(
        "/accounts/login/", {"login": "owner@acme.test", "password": "correct-horse-battery"}
    )
    assert SESSION_KEY not in public_client.session
    assert response.status_code == 200


def test_platform_staff_see_each_businesses_clients_counted_in_one_query(
    public_client, business, other_business, django_assert_max_num_queries
):
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from clients.tests.factories import ClientFactory

    for target, n in ((business, 2), (other_business, 1)):
        with tenant_context(target):
            for i in range(n):
                ClientFactory(first_name=f"C{i}", status="active")
            ClientFactory(first_name="Gone", status="archived")
            ClientFactory(first_name="Maybe", status="lead")
    staff = User.objects.create_superuser(email="staff@mecto.test", password="x")
    public_client.force_login(staff)
    public_client.get("/admin/tenants/business/")
    with django_assert_max_num_queries(12):
        html = public_client.get("/admin/tenants/business/").content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    acme = next(r for r in rows if "Acme Strength" in r)
    zen = next(r for r in rows if "Zen Movement" in r)
    assert '<td class="field-clients">2</td>' in acme
    assert '<td class="field-clients">1</td>' in zen
