import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

from accounts.models import User
from accounts.tests.factories import PersonFactory
from tenants.models import Business

pytestmark = pytest.mark.django_db
URL = "/admin/settings/"


def settings_data(**changes):
    data = {
        "name": "Acme Strength",
        "primary_color": "#c2410c",
        "accent_color": "#1f2937",
        "timezone": "Europe/London",
        "currency": "GBP",
        "units": "kg",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def png(size=(64, 64), colour="orange") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_the_owner_changes_name_colour_and_rules_and_sees_them_at_once(business, owner_client):
    response = owner_client.post(
        URL,
        settings_data(name="Acme Strength & Co", primary_color="#1D4ED8", client_signup_open="on"),
    )
    assert response.status_code == 302
    business = Business.objects.get(pk=business.pk)
    assert (business.name, business.primary_color, business.client_signup_open) == (
        "Acme Strength & Co",
        "#1d4ed8",
        True,
    )
    assert "Acme Strength &amp; Co" in owner_client.get("/admin/").content.decode()


def test_the_owner_uploads_a_logo_that_is_reencoded_under_the_business_prefix(
    business, owner_client, media_root
):
    owner_client.post(URL, settings_data(logo_upload=png((2000, 1000))))
    business = Business.objects.get(pk=business.pk)
    assert business.logo.name.startswith("b_acme/branding/")
    with Image.open(business.logo.open()) as saved:
        assert saved.format == "PNG" and max(saved.size) == 512
    assert owner_client.get("/branding/logo").status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"primary_color": "#ffee00"}, "hard to read"),
        ({"primary_color": "orange"}, "Use a colour like"),
        ({"currency": "XYZ"}, "valid choice"),
        ({"timezone": "Mars/Olympus"}, "valid choice"),
        ({"name": ""}, "required"),
    ],
)
def test_bad_settings_get_clear_messages_and_change_nothing(
    business, owner_client, changes, message
):
    response = owner_client.post(URL, settings_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Business.objects.get(pk=business.pk).primary_color == business.primary_color


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"<?php system($_GET['c']); ?>"), "not an image"),
        (SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "not an image"),
        (SimpleUploadedFile("logo.png", b"0" * (2 * 1024 * 1024 + 1)), "larger than 2 MB"),
    ],
)
def test_bad_logos_are_refused(business, owner_client, media_root, upload, message):
    response = owner_client.post(URL, settings_data(logo_upload=upload))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Business.objects.get(pk=business.pk).logo


def test_a_decompression_bomb_is_refused(business, owner_client, media_root):
    out = io.BytesIO()
    Image.new("1", (10000, 10000)).save(out, "PNG")  # 100 megapixels, a few kB on disk
    bomb = SimpleUploadedFile("logo.png", out.getvalue())
    response = owner_client.post(URL, settings_data(logo_upload=bomb))
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()


def test_a_coach_cannot_change_the_settings(business):
    with tenant_context(business):
        coach = PersonFactory(email="coach@acme.test", role="coach")
    browser = Client(HTTP_HOST="acme.localhost")
    with tenant_context(business):
        browser.force_login(coach)
    assert browser.get(URL).status_code == 403
    assert browser.post(URL, settings_data(name="Hijacked")).status_code == 403
    assert Business.objects.get(pk=business.pk).name == "Acme Strength"


def test_the_owner_of_another_business_cannot_reach_these_settings(business, other_business):
    zen = Client(HTTP_HOST="zen.localhost")
    with tenant_context(other_business):
        zen.force_login(User.objects.get(email="owner@zen.test"))
    thief = Client(HTTP_HOST="acme.localhost")
    thief.cookies = zen.cookies
    response = thief.post(URL, settings_data(name="Hijacked"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert Business.objects.get(pk=business.pk).name == "Acme Strength"


def test_the_header_links_owners_to_the_settings(owner_client):
    assert 'href="/admin/settings/"' in owner_client.get("/admin/").content.decode()
