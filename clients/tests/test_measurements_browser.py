"""A client on a phone logs their weight, uploads a progress photo and sees the chart;
their coach (the owner here) sees the same progress in the back office, light and dark."""

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from PIL import Image, ImageDraw

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "progress.client@acme.test"


@pytest.fixture
def private_media(tmp_path, monkeypatch, settings):
    """The live site (and this process) keep uploads in a temporary folder."""
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def progress_client(private_media, django_db_setup, django_db_blocker, tmp_path):
    """A client with two months of weights and waists and a first photo, committed;
    removed afterwards."""
    from clients.models import Client, Measurement, Metric
    from tenants.models import Business

    from .factories import person_create

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        user = person_create(email=EMAIL, role="client", first_name="Paula")
        client = Client.objects.create(
            user=user, first_name="Paula", last_name="Progress", email=EMAIL, status="active"
        )
        today = datetime.date.today()
        weight, waist = Metric.objects.get(key="weight"), Metric.objects.get(key="waist")
        for days, kg, cm in [
            (63, "84.6", "92.0"),
            (49, "83.9", "91.0"),
            (35, "83.1", "90.5"),
            (21, "82.8", "89.0"),
            (7, "82.0", "88.5"),
        ]:
            on = today - datetime.timedelta(days=days)
            Measurement.objects.create(
                client=client, metric=weight, value=Decimal(kg), measured_on=on
            )
            Measurement.objects.create(
                client=client, metric=waist, value=Decimal(cm), measured_on=on
            )
        from django.core.files.uploadedfile import SimpleUploadedFile

        from clients.services.photos import photo_upload

        with open(a_photo(tmp_path / "first.jpg", width=300), "rb") as f:
            photo_upload(
                client=client,
                upload=SimpleUploadedFile("first.jpg", f.read()),
                pose="front",
                taken_on=today - datetime.timedelta(days=63),
                by=None,
            )
        client_id = client.pk
    yield client_id
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Client.objects.filter(pk=client_id).delete()
        from accounts.models import User

        User.objects.filter(email=EMAIL).delete()


def a_photo(path, width=240) -> str:
    """A stand-in for a progress photo: a figure against a wall, ``width`` px wide."""
    image = Image.new("RGB", (900, 1200), "#e7e5e4")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 900, 900, 1200), fill="#a8a29e")
    draw.ellipse((360, 160, 540, 340), fill="#c2410c")
    left = 450 - width // 2
    draw.rounded_rectangle((left, 360, left + width, 860), radius=60, fill="#c2410c")
    image.save(path, "JPEG", quality=90)
    return str(path)


def sign_in(page, live_site, email, *, admin=False):
    page.goto(live_site.business_url("acme", "/admin/" if admin else "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/" if admin else live_site.business_url("acme", "/"))


def test_a_client_logs_weight_and_a_photo_on_a_phone_and_sees_the_chart(
    private_media, progress_client, live_site, browser, tmp_path
):
    ARTIFACTS.mkdir(exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site, EMAIL)
    assert "82\u00a0kg" in phone.inner_text("body")  # the home panel's latest weight
    phone.screenshot(path=str(ARTIFACTS / "progress-home-phone.png"), full_page=True)

    phone.get_by_role("link", name="Log a measurement").click()
    phone.wait_for_url("**/progress/#log")
    phone.get_by_label("Measurement", exact=True).select_option(label="Body weight (kg)")
    assert phone.locator("[data-unit-label]").inner_text() == "kg"
    phone.get_by_label("Value", exact=True).fill("81,6")
    phone.get_by_role("button", name="Save measurement").click()
    phone.wait_for_url("**/progress/#p-metric-weight")
    assert "Saved: Body weight 81.6\u00a0kg." in phone.inner_text("body")
    phone.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length >= 2")
    # Chart.js has drawn: the canvas has a backing bitmap sized to its box
    assert phone.evaluate("window.Chart && Object.keys(Chart.instances).length >= 2")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "progress-chart-phone.png"), full_page=True)

    phone.get_by_role("link", name="Add a photo").first.click()
    phone.wait_for_url("**/progress/photos/#add")
    phone.locator("input[type=file]").set_input_files(a_photo(tmp_path / "front.jpg"))
    phone.locator("[data-file-preview]").wait_for(state="visible")
    phone.locator("label.mfp-segmented__opt", has_text="Front").click()
    phone.get_by_role("button", name="Save photo").click()
    phone.wait_for_url("**/progress/photos/")
    assert "Photo saved." in phone.content(), phone.inner_text("body")
    image = phone.locator(".mfp-photo img").first
    image.scroll_into_view_if_needed()
    image.evaluate("img => img.decode()")  # served by the permission-checked view
    assert image.evaluate("img => img.naturalWidth") > 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "progress-photos-phone.png"), full_page=True)

    phone.goto(live_site.business_url("acme", "/progress/photos/compare/"))
    assert "63 days apart" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "progress-compare-phone.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site, EMAIL)
    desk.goto(live_site.business_url("acme", "/progress/"))
    desk.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 2")
    desk.screenshot(path=str(ARTIFACTS / "progress-chart-desktop.png"), full_page=True)

    for scheme in ("light", "dark"):
        office = browser.new_context(
            viewport={"width": 1280, "height": 900}, color_scheme=scheme
        ).new_page()
        sign_in(office, live_site, "owner@acme.test", admin=True)
        office.goto(
            live_site.business_url("acme", f"/admin/clients/measurement/client/{progress_client}/")
        )
        office.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 2")
        assert "81.6\u00a0kg" in office.inner_text("body")
        office.screenshot(path=str(ARTIFACTS / f"progress-backoffice-{scheme}.png"), full_page=True)
    office.goto(
        live_site.business_url("acme", f"/admin/clients/progressphoto/client/{progress_client}/")
    )
    office.screenshot(path=str(ARTIFACTS / "progress-backoffice-photos-dark.png"), full_page=True)

    office_phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(office_phone, live_site, "owner@acme.test", admin=True)
    office_phone.goto(
        live_site.business_url("acme", f"/admin/clients/measurement/client/{progress_client}/")
    )
    office_phone.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 2")
    office_phone.screenshot(path=str(ARTIFACTS / "progress-backoffice-phone.png"), full_page=True)
