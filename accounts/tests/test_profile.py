import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

from accounts.tests.factories import PersonFactory
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def member(business, email, role="client", staff=False):
    with tenant_context(business):
        user = PersonFactory(email=email, first_name="Pia", role=role, is_staff=staff)
    browser = Client(HTTP_HOST=f"{business.slug}.localhost")
    with tenant_context(business):
        browser.force_login(user)
    return user, browser


def jpeg_with_gps_rotated() -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 400), "orange")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display upright
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("me.jpg", out.getvalue(), content_type="image/jpeg")


def profile_data(**changes):
    data = {"first_name": "Pia", "last_name": "Lind", "phone": "", "timezone": "", "units": ""}
    data.update(changes)
    return data


def test_a_client_updates_their_details(business):
    user, browser = member(business, "pia@acme.test")
    response = browser.post(
        "/profile/", profile_data(phone="+44 7700 900123", timezone="Europe/Oslo", units="lb")
    )
    assert response.status_code == 302
    with tenant_context(business):
        user.refresh_from_db()
    assert (user.last_name, user.phone, user.timezone, user.units) == (
        "Lind",
        "+44 7700 900123",
        "Europe/Oslo",
        "lb",
    )


def test_a_photo_is_reencoded_upright_without_location(business):
    user, browser = member(business, "pia@acme.test")
    browser.post("/profile/", profile_data(photo=jpeg_with_gps_rotated()))
    with tenant_context(business):
        user.refresh_from_db()
    assert user.avatar.name.startswith("b_acme/avatars/")
    with Image.open(user.avatar.open()) as saved:
        assert saved.size[0] < saved.size[1]  # rotated upright
        assert max(saved.size) == 512
        assert 0x8825 not in saved.getexif() and 0x0112 not in saved.getexif()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "call me"}, "phone number"),
        ({"timezone": "Mars/Olympus"}, "valid choice"),
        ({"first_name": ""}, "required"),
        ({"photo": SimpleUploadedFile("me.jpg", b"<?php echo 1; ?>")}, "not an image"),
        (
            {"photo": SimpleUploadedFile("me.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50)},
            "not an image",
        ),
        ({"photo": SimpleUploadedFile("me.jpg", b"0" * (5 * 1024 * 1024 + 1))}, "larger than 5 MB"),
    ],
)
def test_bad_profile_input_gets_a_message_and_saves_nothing(business, changes, message):
    user, browser = member(business, "pia@acme.test")
    response = browser.post("/profile/", profile_data(last_name="Changed", **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(business):
        user.refresh_from_db()
    assert user.last_name == "" and not user.avatar


def test_a_photo_bomb_is_refused(business):
    _, browser = member(business, "pia@acme.test")
    out = io.BytesIO()
    Image.new("1", (10000, 10000)).save(out, "PNG")
    response = browser.post(
        "/profile/", profile_data(photo=SimpleUploadedFile("me.png", out.getvalue()))
    )
    assert response.status_code == 400 and "too many pixels" in response.content.decode()


def test_the_profile_needs_a_sign_in(tenant_client):
    response = tenant_client.get("/profile/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_photo_is_shown_to_its_owner_and_staff_only(business, other_business):
    user, browser = member(business, "pia@acme.test")
    browser.post("/profile/", profile_data(photo=jpeg_with_gps_rotated()))
    url = f"/profile/photo/{user.pk}/"
    assert browser.get(url).status_code == 200
    coach_user, coach = member(business, "coach@acme.test", role="coach", staff=True)
    with tenant_context(business):
        ClientFactory(user=user, email=user.email, primary_coach=coach_user)
    assert coach.get(url).status_code == 200
    _, other_client = member(business, "bo@acme.test")
    assert other_client.get(url).status_code == 404
    zen_user, zen = member(other_business, "z@zen.test", role="coach", staff=True)
    stolen = Client(HTTP_HOST="acme.localhost")
    stolen.cookies = zen.cookies
    assert stolen.get(url).status_code == 302  # not signed in here


def test_a_coach_sees_photos_of_colleagues_and_own_clients_not_other_coaches_clients(
    business, owner_client
):
    coach_user, coach = member(business, "cora@acme.test", role="coach", staff=True)
    colleague, other_coach = member(business, "otto@acme.test", role="coach", staff=True)
    mine, mine_browser = member(business, "mine@acme.test")
    theirs, theirs_browser = member(business, "theirs@acme.test")
    with tenant_context(business):
        ClientFactory(user=mine, email=mine.email, primary_coach=coach_user)
        ClientFactory(user=theirs, email=theirs.email, primary_coach=colleague)
    for browser in (other_coach, mine_browser, theirs_browser):
        browser.post("/profile/", profile_data(photo=jpeg_with_gps_rotated()))

    def photo(person):
        return f"/profile/photo/{person.pk}/"

    assert coach.get(photo(colleague)).status_code == 200  # staff of the business
    assert coach.get(photo(mine)).status_code == 200  # their own client
    assert coach.get(photo(theirs)).status_code == 404  # another coach's client
    assert other_coach.get(photo(theirs)).status_code == 200
    for person in (colleague, mine, theirs):
        assert owner_client.get(photo(person)).status_code == 200
    assert mine_browser.get(photo(colleague)).status_code == 404  # clients: their own only


def test_the_portal_installs_as_the_businesses_app(tenant_client, business):
    manifest = tenant_client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["name"] == "Acme Strength" and body["display"] == "standalone"
    for size in (192, 512):
        icon = tenant_client.get(f"/icons/{size}.png")
        with Image.open(io.BytesIO(icon.content)) as image:
            assert image.format == "PNG" and image.size == (size, size)
    assert tenant_client.get("/icons/64.png").status_code == 404


def test_the_profile_offers_the_same_short_time_zone_list_as_sign_up(business):
    import re

    from mectofitness.core.timezones import timezone_names

    _user, browser = member(business, "pia@acme.test")
    html = browser.get("/profile/").content.decode()
    listed = re.search(r"<datalist id=\"[^\"]+\">(.*?)</datalist>", html, re.S)
    assert listed
    assert re.findall(r'<option value="([^"]+)"', listed.group(1)) == list(timezone_names())
    assert "Factory" not in listed.group(1) and "W-SU" not in listed.group(1)


def test_a_deprecated_zone_name_is_saved_as_its_current_name(business):
    user, browser = member(business, "pia@acme.test")
    assert browser.post("/profile/", profile_data(timezone="Asia/Saigon")).status_code == 302
    with tenant_context(business):
        user.refresh_from_db()
    assert user.timezone == "Asia/Ho_Chi_Minh"
