"""The plan's storage bites where files are uploaded: progress photos (portal, back
office, API), intake answer files and the business logo. A refused upload saves
nothing and says how to make room; usage is measured cheaply (cached per business)."""

# ruff: noqa: F811  (fixtures imported from the clients tests)

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from billing.platform import selectors
from billing.platform.limits import storage_check
from billing.platform.models import Plan
from clients.models import Client, ProgressPhoto, ResponseFile
from clients.tests.conftest import (  # noqa: F401  (fixtures)
    _browser_for,
    client_browser,
    client_record,
    client_user,
    coach,
    coach_browser,
    zen_record,
)
from clients.tests.test_intake_support import (  # noqa: F401  (fixtures)
    GOOD_ANSWERS,
    intake_form,
    pdf_bytes,
    prefixed,
    upload,
)
from tenants.models import Business

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
TODAY = timezone.now().date()


@pytest.fixture(autouse=True)
def media(settings, tmp_path, business, other_business):
    """Local media in a fresh folder, no usage cached for either business."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.AWS_STORAGE_BUCKET_NAME = ""
    for each in (business, other_business):
        selectors.storage_usage_forget(each)
    yield tmp_path
    for each in (business, other_business):
        selectors.storage_usage_forget(each)


@pytest.fixture
def tiny(business):
    """acme on a plan with 1 MB of storage."""
    Plan.objects.filter(key="solo").update(storage_mb=1)
    Business.objects.filter(pk=business.pk).update(plan=Plan.objects.get(key="solo"))
    business.refresh_from_db()
    return business


def fill(media, business, size):
    """Put ``size`` bytes of files in ``business``'s media folder."""
    folder = media / business.schema_name / "padding"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"pad-{size}.bin").write_bytes(b"\0" * size)


@pytest.fixture
def full(tiny, media):
    """acme's 1 MB is all but used: a few hundred bytes are left."""
    fill(media, tiny, MB - 200)
    return tiny


def jpeg(size=(64, 64)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG")
    return SimpleUploadedFile("me.jpg", out.getvalue(), content_type="image/jpeg")


def png(size=(64, 64)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def stored_files(media, business) -> list[str]:
    names = []
    for _dirpath, _dirs, files in os.walk(media / business.schema_name):
        names += [name for name in files if not name.startswith("pad-")]
    return names


# --- the check ----------------------------------------------------------------------


def test_a_file_that_fits_passes_the_check(tiny, media):
    fill(media, tiny, MB // 2)
    with tenant_context(tiny):
        storage_check(adding_bytes=MB // 4, field="image")  # no error


def test_a_file_past_the_plans_storage_asks_to_upgrade(full):
    with tenant_context(full), pytest.raises(ValidationError) as error:
        storage_check(adding_bytes=1000, field="image")
    message = error.value.message_dict["image"][0]
    assert "1 MB of storage" in message and "Upgrade your plan" in message


def test_usage_is_cached_so_an_upload_does_not_walk_the_folder_again(tiny, media):
    assert selectors.storage_bytes_for_business(tiny) == 0
    fill(media, tiny, MB)  # written behind our back: the cached figure stands
    assert selectors.storage_bytes_for_business(tiny) == 0
    selectors.storage_usage_forget(tiny)
    assert selectors.storage_bytes_for_business(tiny) == MB


def test_the_cached_figure_is_the_same_from_the_public_schema_and_the_business(tiny, media):
    fill(media, tiny, 1234)
    with tenant_context(tiny):
        assert selectors.storage_bytes_for_business(tiny) == 1234
    fill(media, tiny, 10)
    assert selectors.storage_bytes_for_business(tiny) == 1234  # public: the same cache entry


def test_a_committed_upload_adds_its_size_to_the_cached_figure(
    tiny, client_browser, client_record, django_capture_on_commit_callbacks
):
    assert selectors.storage_bytes_for_business(tiny) == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client_browser.post(
            "/progress/photos/", {"image": jpeg(), "pose": "front", "taken_on": TODAY}
        )
    assert response.status_code == 302
    with tenant_context(tiny):
        photo = ProgressPhoto.objects.get()
        size = photo.image.size
    assert selectors.storage_bytes_for_business(tiny) >= size > 0


def test_another_businesss_files_do_not_count(tiny, other_business, media):
    fill(media, other_business, 5 * MB)
    with tenant_context(tiny):
        storage_check(adding_bytes=1000, field="image")  # zen's files are not acme's


def test_a_business_with_unlimited_storage_is_never_refused(business, media):
    Plan.objects.filter(pk=selectors.plan_for_business(business).pk).update(storage_mb=None)
    fill(media, business, 2 * MB)
    with tenant_context(business):
        storage_check(adding_bytes=100 * MB, field="image")


def test_with_media_on_s3_nothing_is_measured_or_enforced(full, settings):
    settings.AWS_STORAGE_BUCKET_NAME = "media-bucket"
    assert selectors.storage_bytes_for_business(full) is None
    with tenant_context(full):
        storage_check(adding_bytes=10 * MB, field="image")  # no error


def test_the_billing_page_shows_storage_in_use(tiny, media, owner_client):
    fill(media, tiny, 3 * MB // 2)
    page = owner_client.get("/admin/billing/")
    assert page.status_code == 200
    assert selectors.usage_for_business(tiny).storage_mb == 2  # rounded up


# --- progress photos ------------------------------------------------------------------


def test_a_client_past_the_storage_gets_the_message_and_nothing_is_saved(
    full, media, client_browser, client_record
):
    response = client_browser.post(
        "/progress/photos/", {"image": jpeg(), "pose": "front", "taken_on": TODAY}
    )
    assert response.status_code == 400
    assert "Upgrade your plan" in response.text
    with tenant_context(full):
        assert not ProgressPhoto.objects.exists()
    assert stored_files(media, full) == []


def test_a_client_with_room_uploads_a_photo(tiny, client_browser, client_record):
    response = client_browser.post(
        "/progress/photos/", {"image": jpeg(), "pose": "front", "taken_on": TODAY}
    )
    assert response.status_code == 302
    with tenant_context(tiny):
        assert ProgressPhoto.objects.count() == 1


def test_a_coach_past_the_storage_gets_the_message_in_the_back_office(
    full, media, coach_browser, client_record
):
    response = coach_browser.post(
        f"/admin/clients/progressphoto/client/{client_record.pk}/",
        {"image": jpeg(), "pose": "side", "taken_on": TODAY},
    )
    assert response.status_code == 400
    assert "Upgrade your plan" in response.text
    with tenant_context(full):
        assert not ProgressPhoto.objects.exists()
    assert stored_files(media, full) == []


def test_the_admin_add_form_shows_the_storage_message(full, media, owner_client, client_record):
    response = owner_client.post(
        "/admin/clients/progressphoto/add/",
        {"client": client_record.pk, "upload": jpeg(), "pose": "back", "taken_on": TODAY},
    )
    assert response.status_code == 200
    assert "Upgrade your plan" in response.text
    with tenant_context(full):
        assert not ProgressPhoto.objects.exists()
    assert stored_files(media, full) == []


def test_the_photo_api_answers_400_with_the_upgrade_message(full, media, client_browser):
    response = client_browser.post("/api/v1/progress-photos/", {"image": jpeg(), "pose": "front"})
    assert response.status_code == 400
    assert "Upgrade your plan" in response.json()["image"][0]
    assert stored_files(media, full) == []


def test_a_full_business_does_not_stop_another_businesss_uploads(
    full, other_business, media, zen_record
):
    response = _browser_for(other_business, zen_record.user).post(
        "/api/v1/progress-photos/", {"image": jpeg(), "pose": "front"}
    )
    assert response.status_code == 201


# --- intake answer files ------------------------------------------------------------------


def test_a_lead_past_the_storage_is_told_and_no_lead_or_file_is_kept(
    full, media, tenant_client, intake_form
):
    data = {
        "contact-first_name": "Lena",
        "contact-last_name": "Lead",
        "contact-email": "lena@example.test",
        "contact-phone": "",
        **prefixed(GOOD_ANSWERS),
        "q-doc": upload("letter.pdf", pdf_bytes() + b"%" * 1000),
    }
    page = tenant_client.post(f"/f/{intake_form.public_token}/", data)
    assert page.status_code == 400
    assert "Upgrade your plan" in page.text
    with tenant_context(full):
        assert not ResponseFile.objects.exists()
        assert not Client.objects.filter(email="lena@example.test").exists()
    assert stored_files(media, full) == []


def test_a_lead_with_room_sends_a_file(tiny, tenant_client, intake_form):
    data = {
        "contact-first_name": "Lena",
        "contact-email": "lena@example.test",
        **prefixed(GOOD_ANSWERS),
        "q-doc": upload("letter.pdf", pdf_bytes()),
    }
    page = tenant_client.post(f"/f/{intake_form.public_token}/", data)
    assert page.status_code == 302
    with tenant_context(tiny):
        assert ResponseFile.objects.count() == 1


def test_a_client_filling_a_form_is_told_when_a_file_does_not_fit(
    full, media, owner, client_browser, client_record, intake_form
):
    from clients.models import Assignment
    from clients.services.intake_assignments import assignments_create

    with tenant_context(full):
        assignments_create(
            questionnaire=intake_form, clients=Client.objects.filter(pk=client_record.pk), by=owner
        )
        assignment = Assignment.objects.get()
    response = client_browser.post(
        f"/forms/{assignment.pk}/",
        {**prefixed(GOOD_ANSWERS), "q-doc": upload("letter.pdf", pdf_bytes() + b"%" * 1000)},
    )
    assert response.status_code == 400
    assert "Upgrade your plan" in response.text
    with tenant_context(full):
        assert not ResponseFile.objects.exists()


# --- the business logo --------------------------------------------------------------------


def test_a_logo_past_the_storage_gets_a_form_error_and_the_settings_stay(full, media, owner_client):
    response = owner_client.post(
        "/admin/settings/",
        {
            "name": "Renamed",
            "primary_color": "#c2410c",
            "accent_color": "#1f2937",
            "timezone": "UTC",
            "currency": "USD",
            "units": "kg",
            "logo_upload": png((400, 400)),
        },
    )
    assert response.status_code == 400
    assert "Upgrade your plan" in response.text
    business = Business.objects.get(pk=full.pk)
    assert business.name != "Renamed" and not business.logo
    assert stored_files(media, full) == []


def test_a_logo_with_room_is_saved(tiny, owner_client):
    response = owner_client.post(
        "/admin/settings/",
        {
            "name": "Acme Strength",
            "primary_color": "#c2410c",
            "accent_color": "#1f2937",
            "timezone": "UTC",
            "currency": "USD",
            "units": "kg",
            "logo_upload": png(),
        },
    )
    assert response.status_code == 302
    assert Business.objects.get(pk=tiny.pk).logo


# --- profile photos -------------------------------------------------------------------


def test_a_profile_photo_past_the_storage_is_a_form_error_and_nothing_is_saved(
    full, media, client_browser, client_user
):
    response = client_browser.post(
        "/profile/",
        {
            "first_name": "Cleo",
            "last_name": "Changed",
            "phone": "",
            "timezone": "",
            "units": "",
            "photo": jpeg((300, 300)),
        },
    )
    assert response.status_code == 400
    assert "Upgrade your plan" in response.text
    with tenant_context(full):
        client_user.refresh_from_db()
        assert client_user.last_name != "Changed" and not client_user.avatar
    assert stored_files(media, full) == []


def test_a_profile_photo_with_room_is_saved(tiny, client_browser, client_user):
    response = client_browser.post(
        "/profile/",
        {
            "first_name": "Cleo",
            "last_name": "",
            "phone": "",
            "timezone": "",
            "units": "",
            "photo": jpeg((300, 300)),
        },
    )
    assert response.status_code == 302
    with tenant_context(tiny):
        client_user.refresh_from_db()
        assert client_user.avatar
