"""Progress photos: checked by content, cleaned, thumbnailed in the worker, private."""

import datetime
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from clients.models import ProgressPhoto
from clients.services.photos import photo_upload

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


# --- files, good and bad ----------------------------------------------------------------


def jpeg(size=(800, 400), colour="orange", *, exif=None, name="me.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **({"exif": exif} if exif else {}))
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def gps_rotated_jpeg() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show upright
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPS
    # a wide image with a red left half: after turning, red is at the top
    image = Image.new("RGB", (800, 400), "blue")
    image.paste("red", (0, 0, 400, 400))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("gps.jpg", out.getvalue(), content_type="image/jpeg")


def png_bomb(width=30000, height=30000) -> SimpleUploadedFile:
    """A tiny PNG whose header declares 900 megapixels."""
    raw = b"\x00" + b"\x00\x00\x00"  # one filter byte and one RGB pixel

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", png, content_type="image/png")


def php_named_jpg() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "shell.jpg", b"<?php system($_GET['c']); ?>\n", content_type="image/jpeg"
    )


def huge_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.jpg", b"\xff\xd8\xff\xe0" + b"0" * (25 * 1024 * 1024))


def corrupt_jpeg() -> SimpleUploadedFile:
    good = jpeg(size=(600, 600)).read()
    return SimpleUploadedFile("broken.jpg", good[: len(good) // 2], content_type="image/jpeg")


def stored_files(tmp_path_factory=None):
    import pathlib

    from django.conf import settings

    root = pathlib.Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file())


def photo_of(client, **kwargs) -> ProgressPhoto:
    return photo_upload(
        client=client,
        upload=kwargs.pop("upload", None) or jpeg(),
        pose=kwargs.pop("pose", "front"),
        taken_on=kwargs.pop("taken_on", TODAY),
        by=None,
        today=TODAY,
    )


def upload_data(upload, **changes):
    data = {"image": upload, "pose": "front", "taken_on": TODAY.isoformat()}
    data.update(changes)
    return data


# --- uploading in the portal ------------------------------------------------------------


def test_a_client_uploads_a_photo_and_the_worker_makes_its_thumbnail(
    business, client_browser, client_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_browser.post("/progress/photos/", upload_data(jpeg(size=(1200, 1600))))
    assert response.status_code == 302
    with tenant_context(business):
        photo = ProgressPhoto.objects.get(client=client_record)
        client_record.refresh_from_db()
        assert photo.thumbnail
        with photo.thumbnail.open("rb") as f, Image.open(f) as thumb:
            assert max(thumb.size) == 480
    assert (photo.width, photo.height) == (1200, 1600)
    assert "/progress/" in photo.image.name and photo.image.name.endswith(".jpg")
    assert len(photo.image.name.rsplit("/", 1)[1]) == 28  # a random name, nothing to guess
    assert client_record.last_activity_at is not None


def test_the_page_shows_the_full_image_until_the_thumbnail_exists(
    business, client_browser, client_record
):
    with tenant_context(business):
        photo = photo_of(client_record)  # on_commit never runs here: no thumbnail yet
        assert not photo.thumbnail
    page = client_browser.get("/progress/photos/")
    assert f'src="/progress/photos/{photo.pk}/"' in page.text
    thumb = client_browser.get(f"/progress/photos/{photo.pk}/thumb/")
    assert thumb.status_code == 200  # the full image stands in


def test_the_upload_input_opens_the_camera_on_phones(client_browser):
    text = client_browser.get("/progress/photos/").text
    assert 'accept="image/*"' in text and 'capture="environment"' in text


@pytest.mark.parametrize(
    "make, message",
    [
        (php_named_jpg, "This file is not a photo we can read. Upload a JPEG, PNG or WebP image."),
        (png_bomb, "more pixels than we accept. Upload a photo of at most 40 megapixels."),
        (huge_file, "This file is 25.0 MB; photos can be at most 20 MB."),
        (corrupt_jpeg, "This file is not a photo we can read."),
    ],
)
def test_attack_files_are_rejected_with_a_message_and_nothing_is_saved(
    business, client_browser, client_record, make, message
):
    response = client_browser.post("/progress/photos/", upload_data(make()))
    assert response.status_code == 400
    errors = response.context["form"].errors["image"]
    assert any(message in e for e in errors), errors
    with tenant_context(business):
        assert not ProgressPhoto.objects.exists()
    assert stored_files() == []


def test_a_moderately_oversized_image_is_refused_before_decoding(business, client_record):
    from django.core.exceptions import ValidationError

    with tenant_context(business), pytest.raises(ValidationError) as caught:
        photo_of(client_record, upload=png_bomb(8000, 6000))  # 48 megapixels
    assert caught.value.message_dict["image"] == [
        "This image is 8000 × 6000 pixels, more than we accept. "
        "Upload a photo of at most 40 megapixels."
    ]


def test_a_gif_is_refused_even_though_pillow_can_read_it(business, client_browser):
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "GIF")
    gif = SimpleUploadedFile("a.gif", out.getvalue(), content_type="image/gif")
    response = client_browser.post("/progress/photos/", upload_data(gif))
    assert response.status_code == 400


def test_gps_and_all_exif_are_stripped_and_the_photo_is_turned_upright(
    business, client_browser, client_record
):
    client_browser.post("/progress/photos/", upload_data(gps_rotated_jpeg()))
    with tenant_context(business):
        photo = ProgressPhoto.objects.get(client=client_record)
        with photo.image.open("rb") as f:
            data = f.read()
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()  # no EXIF at all: no GPS, no maker
        assert "exif" not in stored.info
        assert stored.size == (400, 800)  # turned upright
        top = stored.getpixel((200, 100))
        assert top[0] > 200 and top[2] < 60  # red on top after the turn
    assert b"PhoneMaker" not in data and b"Exif" not in data


def test_transparent_pngs_are_flattened_onto_white(business, client_record):
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")
    with tenant_context(business):
        photo = photo_of(client_record, upload=SimpleUploadedFile("t.png", out.getvalue()))
        with photo.image.open("rb") as f, Image.open(f) as stored:
            assert stored.getpixel((10, 10)) == (255, 255, 255)


def test_webp_is_accepted(business, client_record):
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "green").save(out, "WEBP")
    with tenant_context(business):
        photo = photo_of(client_record, upload=SimpleUploadedFile("w.webp", out.getvalue()))
    assert photo.image.name.endswith(".jpg")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"image": ""}, "image", "Choose a photo to upload."),
        ({"pose": ""}, "pose", "Choose front, side or back."),
        ({"pose": "upside-down"}, "pose", "Choose front, side or back."),
        ({"taken_on": ""}, "taken_on", "Enter the date the photo was taken, like 2025-03-14."),
        ({"taken_on": "yesterday"}, "taken_on", "Enter a real date, like 2025-03-14."),
        ({"taken_on": "2999-01-01"}, "taken_on", "The date cannot be in the future."),
    ],
)
def test_the_photo_form_explains_each_mistake(business, client_browser, changes, field, message):
    data = upload_data(jpeg(), **changes)
    if data["image"] == "":
        del data["image"]
    response = client_browser.post("/progress/photos/", data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    with tenant_context(business):
        assert not ProgressPhoto.objects.exists()


def test_an_empty_file_is_explained(business, client_browser):
    empty = SimpleUploadedFile("e.jpg", b"", content_type="image/jpeg")
    response = client_browser.post("/progress/photos/", upload_data(empty))
    assert response.status_code == 400
    assert "This file is empty." in response.context["form"].errors["image"]


def test_a_client_deletes_their_photo_and_its_files(
    business, client_browser, client_record, django_capture_on_commit_callbacks
):
    with tenant_context(business), django_capture_on_commit_callbacks(execute=True):
        photo = photo_of(client_record)
    assert len(stored_files()) == 2  # image and thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        response = client_browser.post(f"/progress/photos/{photo.pk}/delete/")
    assert response.status_code == 302
    with tenant_context(business):
        assert not ProgressPhoto.objects.exists()
    assert stored_files() == []


def test_a_client_cannot_delete_another_clients_photo(business, client_browser, stranger_record):
    with tenant_context(business):
        photo = photo_of(stranger_record)
    assert client_browser.post(f"/progress/photos/{photo.pk}/delete/").status_code == 404


# --- who may see a photo --------------------------------------------------------------


@pytest.fixture
def cleo_photo(business, client_record):
    with tenant_context(business):
        return photo_of(client_record)


@pytest.mark.parametrize("suffix", ["", "thumb/"])
def test_the_client_their_coach_and_the_owner_see_the_photo(
    cleo_photo, client_browser, coach_browser, owner_client, suffix
):
    for browser in (client_browser, coach_browser, owner_client):
        response = browser.get(f"/progress/photos/{cleo_photo.pk}/{suffix}")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("suffix", ["", "thumb/"])
def test_another_client_cannot_see_the_photo(business, cleo_photo, suffix):
    from clients.tests.conftest import _browser_for
    from clients.tests.factories import ClientFactory, person_create

    with tenant_context(business):
        other = person_create(email="b@acme.test", role="client", first_name="Bea")
        ClientFactory(user=other, first_name="Bea")
    browser = _browser_for(business, other)
    assert browser.get(f"/progress/photos/{cleo_photo.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "thumb/"])
def test_a_coach_of_other_clients_gets_not_found(cleo_photo, other_coach_browser, suffix):
    assert other_coach_browser.get(f"/progress/photos/{cleo_photo.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "thumb/"])
def test_another_businesss_session_gets_no_photo(cleo_photo, zen_client_browser, suffix):
    # a zen session is no session at acme: it is asked to sign in, and gets no bytes
    response = zen_client_browser.get(f"/progress/photos/{cleo_photo.pk}/{suffix}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_zen_client_at_zen_cannot_reach_an_acme_photo_id(
    business, other_business, cleo_photo, zen_record
):
    from clients.tests.conftest import _browser_for

    browser = _browser_for(other_business, zen_record.user)  # at zen's own address
    assert browser.get(f"/progress/photos/{cleo_photo.pk}/").status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(cleo_photo, tenant_client):
    response = tenant_client.get(f"/progress/photos/{cleo_photo.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_stored_photos_are_not_served_by_the_media_view_to_clients(
    business, cleo_photo, client_browser
):
    path = f"/media/{business.schema_name}/{cleo_photo.image.name}"
    assert client_browser.get(path).status_code == 404


# --- comparing ------------------------------------------------------------------------


def test_the_comparison_shows_the_first_and_the_latest_photo_of_a_pose(
    business, client_browser, client_record
):
    with tenant_context(business):
        first = photo_of(client_record, taken_on=TODAY - datetime.timedelta(days=60))
        photo_of(client_record, taken_on=TODAY - datetime.timedelta(days=30))
        latest = photo_of(client_record, taken_on=TODAY)
        photo_of(client_record, pose="side")
    response = client_browser.get("/progress/photos/compare/?pose=front")
    assert response.context["before"] == first
    assert response.context["after"] == latest
    assert "60 days apart" in response.text


def test_the_comparison_takes_two_chosen_dates(business, client_browser, client_record):
    with tenant_context(business):
        a = photo_of(client_record, taken_on=TODAY - datetime.timedelta(days=60))
        b = photo_of(client_record, taken_on=TODAY - datetime.timedelta(days=30))
        photo_of(client_record, taken_on=TODAY)
    response = client_browser.get(
        f"/progress/photos/compare/?pose=front&before={a.pk}&after={b.pk}"
    )
    assert (response.context["before"], response.context["after"]) == (a, b)


def test_the_comparison_ignores_ids_of_other_clients(
    business, client_browser, client_record, stranger_record
):
    with tenant_context(business):
        mine = photo_of(client_record)
        theirs = photo_of(stranger_record)
    response = client_browser.get(f"/progress/photos/compare/?pose=front&before={theirs.pk}")
    assert response.context["before"] == mine
    assert f"/progress/photos/{theirs.pk}/" not in response.text


def test_the_photo_pages_run_constant_queries(
    business, client_browser, client_record, django_assert_max_num_queries
):
    with tenant_context(business):
        for days in range(8):
            photo_of(client_record, taken_on=TODAY - datetime.timedelta(days=days))
    for path in ("/progress/photos/", "/progress/photos/compare/", "/progress/"):
        client_browser.get(path)
        with django_assert_max_num_queries(9):
            assert client_browser.get(path).status_code == 200


# --- the back office --------------------------------------------------------------------


def test_a_coach_uploads_a_photo_for_their_client(
    business, coach_browser, client_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_browser.post(
            f"/admin/clients/progressphoto/client/{client_record.pk}/",
            upload_data(jpeg(), pose="side"),
        )
    assert response.status_code == 302
    with tenant_context(business):
        photo = ProgressPhoto.objects.get(client=client_record)
        client_record.refresh_from_db()
    assert photo.pose == "side" and photo.thumbnail
    assert client_record.last_activity_at is None


def test_the_back_office_upload_rejects_attack_files(business, coach_browser, client_record):
    response = coach_browser.post(
        f"/admin/clients/progressphoto/client/{client_record.pk}/", upload_data(php_named_jpg())
    )
    assert response.status_code == 400
    assert "not a photo we can read" in response.text
    with tenant_context(business):
        assert not ProgressPhoto.objects.exists()


def test_the_admin_add_form_uploads_through_the_same_checks(business, owner_client, client_record):
    bad = owner_client.post(
        "/admin/clients/progressphoto/add/",
        {
            "client": client_record.pk,
            "upload": png_bomb(),
            "pose": "back",
            "taken_on": TODAY.isoformat(),
        },
    )
    assert bad.status_code == 200
    assert "more pixels than we accept" in bad.text
    good = owner_client.post(
        "/admin/clients/progressphoto/add/",
        {
            "client": client_record.pk,
            "upload": gps_rotated_jpeg(),
            "pose": "back",
            "taken_on": TODAY.isoformat(),
        },
    )
    assert good.status_code == 302
    with tenant_context(business):
        photo = ProgressPhoto.objects.get()
    assert (photo.width, photo.height) == (400, 800)


def test_the_back_office_photo_pages_are_not_found_for_another_coach(
    cleo_photo, other_coach_browser, client_record
):
    for path in (
        f"/admin/clients/progressphoto/client/{client_record.pk}/",
        f"/admin/clients/progressphoto/compare/{client_record.pk}/",
    ):
        assert other_coach_browser.get(path).status_code == 404


def test_the_back_office_photo_list_shows_only_a_coachs_clients(
    business, coach_browser, client_record, stranger_record, django_assert_max_num_queries
):
    with tenant_context(business):
        for days in range(10):
            photo_of(client_record, taken_on=TODAY - datetime.timedelta(days=days))
        theirs = photo_of(stranger_record)
    coach_browser.get("/admin/clients/progressphoto/")
    with django_assert_max_num_queries(14):
        response = coach_browser.get("/admin/clients/progressphoto/")
    assert response.status_code == 200
    assert f"/progress/photos/{theirs.pk}/thumb/" not in response.text


def test_a_coach_deletes_a_photo_in_the_back_office(
    business, coach_browser, cleo_photo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_browser.post(
            f"/admin/clients/progressphoto/{cleo_photo.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    with tenant_context(business):
        assert not ProgressPhoto.objects.exists()
    assert stored_files() == []


def test_the_back_office_compare_page_shows_two_dates(business, coach_browser, client_record):
    with tenant_context(business):
        photo_of(client_record, taken_on=TODAY - datetime.timedelta(days=14))
        photo_of(client_record)
    response = coach_browser.get(f"/admin/clients/progressphoto/compare/{client_record.pk}/")
    assert response.status_code == 200
    assert "14 days apart" in response.text


# --- the API ----------------------------------------------------------------------------


def test_a_client_uploads_through_the_api_for_themselves(
    business, client_browser, client_record, stranger_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_browser.post(
            "/api/v1/progress-photos/",
            {"client": stranger_record.pk, "image": jpeg(), "pose": "front"},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["client"] == client_record.pk
    assert body["image_url"] == f"http://acme.localhost/progress/photos/{body['id']}/"
    assert body["taken_on"] == TODAY.isoformat()


@pytest.mark.parametrize(
    "make, field, message",
    [
        (php_named_jpg, "image", "This file is not a photo we can read."),
        (png_bomb, "image", "more pixels than we accept"),
        (huge_file, "image", "photos can be at most 20 MB."),
        (corrupt_jpeg, "image", "This file is not a photo we can read."),
    ],
)
def test_the_api_rejects_attack_files(business, client_browser, make, field, message):
    response = client_browser.post("/api/v1/progress-photos/", {"image": make(), "pose": "front"})
    assert response.status_code == 400
    assert any(message in e for e in response.json()[field])
    with tenant_context(business):
        assert not ProgressPhoto.objects.exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"pose": "front"}, "image", "Choose a photo to upload."),
        (
            {"image": "not a file", "pose": "front"},
            "image",
            "Send the photo as a file (multipart/form-data).",
        ),
        ({"pose": "sideways"}, "pose", "Choose front, side or back."),
        (
            {"taken_on": "2999-01-01", "pose": "front"},
            "taken_on",
            "The date cannot be in the future.",
        ),
        ({"taken_on": "when", "pose": "front"}, "taken_on", "Enter a date like 2025-03-14."),
    ],
)
def test_the_photo_api_explains_each_mistake(business, client_browser, data, field, message):
    payload = {"image": jpeg(), **data}
    if field == "image" and "image" not in data:
        del payload["image"]
    response = client_browser.post("/api/v1/progress-photos/", payload)
    assert response.status_code == 400
    assert message in response.json()[field]


def test_staff_upload_for_one_of_their_clients_only(business, coach_browser, stranger_record):
    response = coach_browser.post(
        "/api/v1/progress-photos/", {"client": stranger_record.pk, "image": jpeg(), "pose": "front"}
    )
    assert response.json() == {"client": ["Choose one of your clients."]}


def test_the_photo_api_lists_only_what_the_requester_may_see(
    business,
    client_browser,
    other_coach_browser,
    client_record,
    stranger_record,
    django_assert_max_num_queries,
):
    with tenant_context(business):
        mine = [photo_of(client_record) for _ in range(5)]
        theirs = photo_of(stranger_record)
    client_browser.get("/api/v1/progress-photos/")
    with django_assert_max_num_queries(5):
        rows = client_browser.get("/api/v1/progress-photos/").json()["results"]
    assert {r["id"] for r in rows} == {p.pk for p in mine}
    rows = other_coach_browser.get("/api/v1/progress-photos/").json()["results"]
    assert [r["id"] for r in rows] == [theirs.pk]


def test_photos_are_deleted_through_the_api_by_their_client_only(
    business, client_browser, other_coach_browser, cleo_photo
):
    assert (
        other_coach_browser.delete(f"/api/v1/progress-photos/{cleo_photo.pk}/").status_code == 404
    )
    assert client_browser.delete(f"/api/v1/progress-photos/{cleo_photo.pk}/").status_code == 204


def test_another_businesss_session_gets_no_photos_from_the_api(cleo_photo, zen_client_browser):
    assert zen_client_browser.get("/api/v1/progress-photos/").status_code in (401, 403)


def test_every_form_carries_a_csrf_token(business, client_browser, coach_browser, client_record):
    from clients.models import Measurement, Metric

    with tenant_context(business):
        photo = photo_of(client_record)
        Measurement.objects.create(
            client=client_record, metric=Metric.objects.get(key="weight"), value=80
        )
    pages = {
        "/progress/photos/": 2,  # upload, delete
        "/progress/": 2,  # log, delete a value
        f"/admin/clients/measurement/client/{client_record.pk}/": 1,
        f"/admin/clients/progressphoto/client/{client_record.pk}/": 1,
    }
    for path, forms in pages.items():
        browser = coach_browser if path.startswith("/admin/") else client_browser
        text = browser.get(path).text
        assert text.count('name="csrfmiddlewaretoken"') >= forms, path
    assert photo.pk
