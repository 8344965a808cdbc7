"""Files sent with messages: photos cleaned like progress photos (no EXIF, no GPS), PDFs
by their first bytes, anything else refused with a message; at most five per message;
stored under the business's prefix and served only to the conversation's people."""

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django_tenants.utils import tenant_context
from PIL import Image

from accounts.models import User
from messaging import attachments
from messaging.models import Attachment, Message
from messaging.services import message_delete, message_send

from .conftest import NOW, api_as, later

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def gps_jpeg(name="IMG_0001.JPG") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name="plan.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _as(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    browser.force_login(user)
    return browser


def test_a_photo_is_stored_without_its_location_or_camera(cleo_thread, cleo_user, tenant):
    message = message_send(
        thread=cleo_thread, body="", by=cleo_user, attachments=[gps_jpeg()], now=NOW
    )
    message.refresh_from_db()
    assert (message.body, message.has_attachments) == ("", True)
    [photo] = Attachment.objects.filter(message=message)
    assert (photo.kind, photo.content_type, photo.name) == ("image", "image/jpeg", "IMG_0001.jpg")
    assert (photo.width, photo.height) == (640, 480)
    assert photo.file.name.startswith(f"{tenant.schema_name}/messages/")
    assert "IMG_0001" not in photo.file.name  # a random stored name
    with photo.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


def test_a_pdf_is_known_by_its_first_bytes_not_its_name(cleo_thread, kai):
    message = message_send(
        thread=cleo_thread, body="Your plan", by=kai, attachments=[pdf("plan.txt")], now=NOW
    )
    [file] = message.attachments.all()
    assert (file.kind, file.content_type, file.name, file.size) == (
        "pdf",
        "application/pdf",
        "plan.pdf",
        len(PDF),
    )


@pytest.mark.parametrize(
    "upload, words",
    [
        (SimpleUploadedFile("notes.pdf", b"just text, not a PDF"), "neither"),
        (SimpleUploadedFile("macro.docx", b"PK\x03\x04 word file"), "neither"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
    ],
)
def test_other_kinds_of_file_are_refused_and_nothing_is_sent(cleo_thread, kai, upload, words):
    with pytest.raises(ValidationError) as refused:
        message_send(thread=cleo_thread, body="See file", by=kai, attachments=[upload], now=NOW)
    assert words in refused.value.message_dict["attachments"][0]
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_a_pdf_over_the_limit_is_refused_with_its_size(cleo_thread, kai, monkeypatch):
    monkeypatch.setattr(attachments, "PDF_MAX_BYTES", 1024 * 1024)
    big = pdf(data=PDF + b"0" * (1024 * 1024 + 200_000))
    with pytest.raises(ValidationError) as refused:
        message_send(thread=cleo_thread, body="", by=kai, attachments=[big], now=NOW)
    assert "plan.pdf is 1.2 MB; a PDF can be at most 1 MB." in refused.value.messages


def test_a_message_takes_at_most_five_files(cleo_thread, kai):
    with pytest.raises(ValidationError) as refused:
        message_send(
            thread=cleo_thread, body="", by=kai, attachments=[pdf() for _ in range(6)], now=NOW
        )
    assert refused.value.message_dict["attachments"] == ["Send at most 5 files with one message."]
    assert not Message.objects.exists()


def test_deleting_a_message_removes_its_files(cleo_thread, kai, django_capture_on_commit_callbacks):
    message = message_send(thread=cleo_thread, body="", by=kai, attachments=[pdf()], now=NOW)
    stored = message.attachments.get().file
    name, storage = stored.name, stored.storage
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(message=message, by=kai, now=later(1))
    message.refresh_from_db()
    assert (message.is_deleted, message.has_attachments) == (True, False)
    assert not Attachment.objects.exists() and not storage.exists(name)


def test_the_api_takes_files_as_multipart_and_names_field_errors(frozen, tenant, cleo_thread, kai):
    api = api_as(tenant, kai)
    sent = api.post(
        f"/api/v1/threads/{cleo_thread.pk}/messages/",
        {"body": "Form check", "attachments": [gps_jpeg(), pdf()]},
        format="multipart",
    )
    assert sent.status_code == 201, sent.content
    files = sent.json()["attachments"]
    assert [(f["kind"], f["name"]) for f in files] == [
        ("image", "IMG_0001.jpg"),
        ("pdf", "plan.pdf"),
    ]
    assert files[0]["url"] == f"/messages/files/{files[0]['id']}/"

    refused = api.post(
        f"/api/v1/threads/{cleo_thread.pk}/messages/",
        {"attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00")]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "neither" in refused.json()["attachments"][0]
    empty = api.post(f"/api/v1/threads/{cleo_thread.pk}/messages/", {"body": " "})
    assert empty.status_code == 400 and empty.json()["body"] == ["Write a message."]


def test_a_file_is_served_only_to_the_people_of_its_conversation(
    tenant, cleo_thread, cleo_user, kai, lou, sam_user, owner_user
):
    message = message_send(
        thread=cleo_thread, body="", by=cleo_user, attachments=[gps_jpeg(), pdf()], now=NOW
    )
    photo, document = message.attachments.order_by("pk")
    url = f"/messages/files/{photo.pk}/"
    for person in (cleo_user, kai, owner_user):
        shown = _as(tenant, person).get(url)
        assert shown.status_code == 200, person
        assert shown["Content-Type"] == "image/jpeg"
        assert shown["X-Content-Type-Options"] == "nosniff"
    downloaded = _as(tenant, kai).get(f"/messages/files/{document.pk}/")
    assert downloaded["Content-Disposition"].startswith("attachment")
    # another coach's client, another client: as if it did not exist
    assert _as(tenant, lou).get(url).status_code == 404
    assert _as(tenant, sam_user).get(url).status_code == 404
    # a deleted message's files are gone for everyone
    message_delete(message=message, by=cleo_user, now=later(1))
    assert _as(tenant, kai).get(url).status_code == 404


def test_a_file_of_another_business_is_not_found(tenant, cleo_thread, kai, other_business):
    message = message_send(thread=cleo_thread, body="", by=kai, attachments=[pdf()], now=NOW)
    file_id = message.attachments.get().pk
    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
        browser = _as(other_business, zen_owner)
    assert browser.get(f"/messages/files/{file_id}/").status_code == 404


def test_the_portal_form_sends_a_photo_and_shows_a_refusal_on_the_field(
    tenant, cleo_thread, cleo_user
):
    portal = _as(tenant, cleo_user)
    url = f"/messages/{cleo_thread.pk}/"
    sent = portal.post(url, {"body": "", "attachments": [gps_jpeg()]})
    assert sent.status_code == 302
    page = portal.get(url)
    photo = Attachment.objects.get()
    assert f'src="/messages/files/{photo.pk}/"' in page.text
    assert 'for="id_attachments"' in page.text and 'enctype="multipart/form-data"' in page.text

    refused = portal.post(url, {"body": "", "attachments": [SimpleUploadedFile("a.txt", b"hi")]})
    assert refused.status_code == 400
    assert "Send a photo" in refused.text
    assert Attachment.objects.count() == 1
