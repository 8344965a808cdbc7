"""Sign-up asks for country, time zone and currency (filled in from the browser),
from one short list of time zones shared with the settings and profile pages."""

import re

import pytest

from mectofitness.core.timezones import timezone_canonical, timezone_names
from mectofitness.testing import cache_clear
from tenants.models import Business

pytestmark = pytest.mark.django_db

SIGNUP = {
    "name": "Peak Coaching",
    "slug": "peak",
    "first_name": "Olivia",
    "last_name": "Owens",
    "email": "olivia@peak.test",
    "password": "lifting-is-fun-42",
}
ODD_NAMES = ["Factory", "Zulu", "W-SU", "localtime", "Asia/Calcutta", "US/Eastern", "Etc/GMT+5"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache_clear()
    yield
    cache_clear()


def datalist(html: str) -> list[str]:
    found = re.search(r"<datalist id=\"[^\"]+\">(.*?)</datalist>", html, re.S)
    assert found, "no time-zone list on the page"
    return re.findall(r'<option value="([^"]+)"', found.group(1))


def test_the_time_zone_list_is_short_and_has_no_odd_or_deprecated_names():
    names = timezone_names()
    assert 300 < len(names) < 450  # all of zoneinfo is about 600
    assert "Europe/London" in names and "America/New_York" in names and "UTC" in names
    for odd in ODD_NAMES:
        assert odd not in names
    assert all(name == "UTC" or "/" in name for name in names)


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),  # what some browsers still report
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Factory", None),
        ("W-SU", None),
        ("localtime", None),
        ("Zulu", None),
        ("Mars/Olympus", None),
    ],
)
def test_a_typed_zone_is_read_as_its_current_name_or_refused(typed, saved):
    assert timezone_canonical(typed) == saved


def test_sign_up_saves_the_country_time_zone_and_currency(public_client):
    response = public_client.post(
        "/signup/",
        SIGNUP | {"country": "GB", "timezone": "Asia/Calcutta", "currency": "GBP"},
    )
    assert response.status_code == 302
    business = Business.objects.get(slug="peak")
    assert (business.country, business.timezone, business.currency) == (
        "GB",
        "Asia/Kolkata",
        "GBP",
    )


def test_sign_up_fills_an_empty_time_zone_and_currency_from_the_country(public_client):
    response = public_client.post(
        "/signup/", SIGNUP | {"country": "DE", "timezone": "", "currency": ""}
    )
    assert response.status_code == 302
    business = Business.objects.get(slug="peak")
    assert (business.timezone, business.currency) == ("Europe/Berlin", "EUR")


@pytest.mark.parametrize("zone", ["Factory", "W-SU", "Mars/Olympus"])
def test_sign_up_refuses_a_time_zone_not_on_the_list(public_client, zone):
    response = public_client.post("/signup/", SIGNUP | {"country": "GB", "timezone": zone})
    assert response.status_code == 400
    assert "pick a time zone from the list" in response.content.decode()
    assert not Business.objects.filter(slug="peak").exists()


def test_the_sign_up_page_starts_from_the_browsers_language(public_client):
    html = public_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="en-NZ,en;q=0.8").content.decode()
    assert '<option value="NZ" selected>' in html
    assert re.search(r'name="timezone" value="Pacific/Auckland"', html)
    assert '<option value="NZD" selected>' in html


def test_the_address_pattern_is_valid_for_browsers_v_flag(public_client):
    html = public_client.get("/signup/").content.decode()
    pattern = re.search(r'name="slug"[^>]*pattern="([^"]+)"', html).group(1)
    # with the v flag a "-" inside a character class must be escaped
    assert pattern == r"[a-z0-9][a-z0-9\-]{1,38}[a-z0-9]"


def test_sign_up_settings_and_profile_offer_the_same_time_zones(
    public_client, owner_client, business
):
    signup = datalist(public_client.get("/signup/").content.decode())
    settings_page = datalist(owner_client.get("/admin/settings/").content.decode())
    assert signup == settings_page == list(timezone_names())
    for odd in ODD_NAMES:
        assert odd not in signup
