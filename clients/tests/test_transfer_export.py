"""CSV export of the client list, a client's data export (zip), and who may take them."""

import csv
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import assume, given
from hypothesis import strategies as st
from PIL import Image

from clients.models import (
    AuditEntry,
    Client,
    ClientNote,
    Measurement,
    Metric,
    ProgressPhoto,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseFile,
)
from clients.services.csv_format import FORMULA_STARTS, csv_cell, unquote
from clients.services.exporting import clients_csv_export

from .factories import ClientFactory, TagFactory

LIST_EXPORT = "/api/v1/clients/export/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), "#c2410c").save(buffer, "PNG")
    return buffer.getvalue()


def grant_export(business, user) -> None:
    with tenant_context(business):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="clients", codename="export_client")
        )


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def full_record(business, client_record, coach, media):
    """Cleo with a note, a tag, a measurement, a photo, an answered form with a file."""
    with tenant_context(business):
        client_record.tags.add(TagFactory(name="vip"))
        ClientNote.objects.create(client=client_record, author=coach, body="Strong squat")
        Measurement.objects.create(
            client=client_record, metric=Metric.objects.get(key="weight"), value=Decimal("72.5")
        )
        name = default_storage.save("progress/cleo.png", ContentFile(png_bytes()))
        ProgressPhoto.objects.create(client=client_record, pose="front", image=name)
        form = Questionnaire.objects.create(title="Health check")
        version = QuestionnaireVersion.objects.create(
            questionnaire=form,
            number=1,
            fields=[{"key": "goal", "label": "Your goal", "type": "short_text"}],
            published_at=timezone.now(),
        )
        response = Response.objects.create(
            version=version,
            client=client_record,
            answers={"goal": "Run 10k"},
            status="submitted",
            submitted_at=timezone.now(),
        )
        upload = default_storage.save("intake/scan.pdf", ContentFile(b"%PDF-1.4 scan"))
        ResponseFile.objects.create(
            response=response,
            field_key="doc",
            file=upload,
            original_name="../my scan.pdf",
            content_type="application/pdf",
            size=13,
        )
    return client_record


# --- the list's CSV -------------------------------------------------------------------


def test_cells_that_would_start_a_formula_are_neutralised():
    assert [csv_cell(v) for v in ("=1+1", "+44 1", "-2", "@SUM(A1)", "\tx", "Ana", None, 3)] == [
        "'=1+1",
        "'+44 1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "Ana",
        "",
        "3",
    ]


def test_the_export_neutralises_formulas_in_every_column(tenant):
    ClientFactory(
        first_name='=HYPERLINK("http://evil.test","x")',
        last_name="@cmd",
        phone="+1 555",
        goals="-1+2",
        email="f@example.test",
    )
    rows = list(
        csv.DictReader(io.StringIO("".join(clients_csv_export(clients=Client.objects.all()))[1:]))
    )
    assert rows[0]["First name"] == '\'=HYPERLINK("http://evil.test","x")'
    assert rows[0]["Last name"] == "'@cmd"
    assert rows[0]["Phone"] == "'+1 555"
    assert rows[0]["Goals"] == "'-1+2"


def test_the_export_runs_a_fixed_number_of_queries(tenant, django_assert_num_queries):
    for n in range(12):
        client = ClientFactory()
        client.tags.add(TagFactory(name=f"t{n}"))
    with django_assert_num_queries(3):  # clients, their tags, their coaches
        lines = list(clients_csv_export(clients=Client.objects.all()))
    assert len(lines) == 13


def test_the_owner_exports_the_filtered_list_through_the_api(
    business, owner_client, client_record, stranger_record
):
    with tenant_context(business):
        ClientFactory(first_name="Old", status="archived")
    response = owner_client.get(LIST_EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    names = {row["First name"] for row in rows_of(response)}
    assert names == {"Cleo", "Sam"}  # archived clients only when asked for

    searched = rows_of(owner_client.get(LIST_EXPORT, {"q": "strang"}))
    assert [row["First name"] for row in searched] == ["Sam"]
    archived = rows_of(owner_client.get(LIST_EXPORT, {"status": "archived"}))
    assert [row["First name"] for row in archived] == ["Old"]


def test_a_list_export_leaves_an_audit_entry(business, owner, owner_client, client_record):
    rows_of(owner_client.get(LIST_EXPORT, {"status": "active"}))
    with tenant_context(business):
        entry = AuditEntry.objects.get(action="list_export")
    assert entry.actor == owner and entry.actor_email == "owner@acme.test"
    assert entry.detail == {"count": 1, "filters": {"status": "active"}}


def test_a_bad_filter_is_a_400_not_a_500(owner_client):
    response = owner_client.get(LIST_EXPORT, {"status": "sleeping"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_a_coach_exports_only_their_own_clients(
    business, coach, coach_browser, client_record, stranger_record
):
    grant_export(business, coach)
    rows = rows_of(coach_browser.get(LIST_EXPORT))
    assert [row["First name"] for row in rows] == ["Cleo"]


def test_a_coach_without_the_export_permission_cannot_export_the_list(coach_browser, client_record):
    assert coach_browser.get(LIST_EXPORT).status_code == 403


def test_a_client_cannot_export_the_list(client_browser):
    assert client_browser.get(LIST_EXPORT).status_code == 403


def test_another_businesss_session_cannot_export_the_list(zen_client_browser, client_record):
    response = zen_client_browser.get(LIST_EXPORT)
    assert response.status_code in (401, 403)
    assert b"Cleo" not in response.content


def test_the_client_list_action_exports_the_selection_within_the_coachs_reach(
    business, coach, coach_browser, client_record, stranger_record
):
    grant_export(business, coach)
    response = coach_browser.post(
        "/admin/clients/client/",
        {
            "action": "export_selected_as_csv",
            "_selected_action": [client_record.pk, stranger_record.pk],
        },
    )
    assert response.status_code == 200
    assert [row["First name"] for row in rows_of(response)] == ["Cleo"]
    with tenant_context(business):
        assert AuditEntry.objects.get(action="list_export").detail["count"] == 1


# --- one client's data ----------------------------------------------------------------


def open_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_owner_downloads_a_clients_data_as_a_zip(business, owner_client, full_record):
    archive = open_zip(owner_client.get(f"/api/v1/clients/{full_record.pk}/export/"))
    names = set(archive.namelist())
    assert {"client.json", "measurements.json", "responses.json", "README.txt"} <= names
    photo = next(name for name in names if name.startswith("photos/"))
    assert re.fullmatch(r"photos/\d{4}-\d\d-\d\d-front-\d+\.png", photo)
    assert Image.open(io.BytesIO(archive.read(photo))).size == (6, 4)
    upload = next(name for name in names if name.startswith("files/"))
    assert upload.endswith("-my_scan.pdf") and archive.read(upload) == b"%PDF-1.4 scan"

    record = json.loads(archive.read("client.json"))
    assert record["first_name"] == "Cleo" and record["tags"] == ["vip"]
    assert record["notes"][0]["body"] == "Strong squat"
    assert record["primary_coach"]["email"] == "coach@acme.test"
    measurements = json.loads(archive.read("measurements.json"))
    assert measurements[0]["metric"] == "weight" and measurements[0]["value"] == "72.500"
    responses = json.loads(archive.read("responses.json"))
    assert responses[0]["questions"][0]["label"] == "Your goal"
    assert responses[0]["answers"] == {"goal": "Run 10k"}
    assert responses[0]["files"][0]["path"] == upload
    assert "photos/" in archive.read("README.txt").decode()


def test_a_data_export_leaves_an_audit_entry_with_initials_only(
    business, owner, owner_client, full_record
):
    open_zip(owner_client.get(f"/api/v1/clients/{full_record.pk}/export/"))
    with tenant_context(business):
        entry = AuditEntry.objects.get(action="export")
    assert entry.client_id_ref == full_record.pk and entry.actor == owner
    assert entry.subject == f"Client #{full_record.pk} (C. M.)"
    assert entry.detail["photos"] == 1 and entry.detail["files"] == 1
    assert "Cleo" not in json.dumps(entry.detail) + entry.subject


def test_the_owner_downloads_a_clients_data_from_the_back_office(owner_client, full_record):
    archive = open_zip(
        owner_client.post(f"/admin/clients/auditentry/client/{full_record.pk}/export/")
    )
    assert "client.json" in archive.namelist()


def test_a_missing_photo_file_is_listed_in_the_readme_not_a_failure(
    business, owner_client, full_record
):
    with tenant_context(business):
        default_storage.delete(ProgressPhoto.objects.get(client=full_record).image.name)
    archive = open_zip(owner_client.get(f"/api/v1/clients/{full_record.pk}/export/"))
    assert not any(name.startswith("photos/") for name in archive.namelist())
    assert "could not be read" in archive.read("README.txt").decode()


def test_a_coach_with_the_export_permission_downloads_their_clients_data(
    business, coach, coach_browser, full_record
):
    grant_export(business, coach)
    open_zip(coach_browser.get(f"/api/v1/clients/{full_record.pk}/export/"))


def test_a_coach_without_the_export_permission_cannot_download_data(coach_browser, full_record):
    assert coach_browser.get(f"/api/v1/clients/{full_record.pk}/export/").status_code == 403
    assert (
        coach_browser.post(f"/admin/clients/auditentry/client/{full_record.pk}/export/").status_code
        == 403
    )


def test_a_coach_cannot_download_the_data_of_a_client_they_do_not_coach(
    business, coach, coach_browser, stranger_record
):
    grant_export(business, coach)
    assert coach_browser.get(f"/api/v1/clients/{stranger_record.pk}/export/").status_code == 404
    assert (
        coach_browser.post(
            f"/admin/clients/auditentry/client/{stranger_record.pk}/export/"
        ).status_code
        == 404
    )


def test_a_client_downloads_their_own_data_from_the_portal(business, client_browser, full_record):
    page = client_browser.get("/profile/data/")
    assert page.status_code == 200
    assert "Download my data" in page.content.decode()
    archive = open_zip(client_browser.post("/profile/data/"))
    assert json.loads(archive.read("client.json"))["email"] == "cli@acme.test"
    with tenant_context(business):
        entry = AuditEntry.objects.get(action="export")
        assert entry.detail["by_client"] is True
        assert Client.objects.get(pk=full_record.pk).last_activity_at is not None


def test_a_client_downloads_their_own_data_through_the_api(client_browser, full_record):
    archive = open_zip(client_browser.get("/api/v1/me/export/"))
    assert json.loads(archive.read("client.json"))["id"] == full_record.pk


def test_a_client_cannot_download_another_clients_data(client_browser, stranger_record):
    assert client_browser.get(f"/api/v1/clients/{stranger_record.pk}/export/").status_code == 403
    response = client_browser.post(f"/admin/clients/auditentry/client/{stranger_record.pk}/export/")
    assert response.status_code in (302, 403)
    assert not response.get("Content-Type", "").startswith("application/zip")


def test_staff_without_a_client_record_have_no_portal_data_page(owner_client):
    response = owner_client.get("/profile/data/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    # the one access policy: a client-only action refuses staff with 403 and says why
    api = owner_client.get("/api/v1/me/export/")
    assert api.status_code == 403
    assert api.json()["detail"] == "Clients do this for themselves; staff cannot."


def test_another_businesss_session_gets_no_data(zen_client_browser, full_record):
    portal = zen_client_browser.get("/profile/data/")
    assert portal.status_code == 302  # not signed in here
    assert zen_client_browser.get("/api/v1/me/export/").status_code in (401, 403)
    api = zen_client_browser.get(f"/api/v1/clients/{full_record.pk}/export/")
    assert api.status_code in (401, 403)


def test_the_data_export_of_an_unknown_client_is_a_404(owner_client):
    assert owner_client.get("/api/v1/clients/999999/export/").status_code == 404


@given(st.text(max_size=40))
def test_no_exported_cell_can_start_a_formula(text):
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)


@given(st.text(max_size=40).map(str.strip))
def test_an_imported_export_cell_reads_as_the_original_text(text):
    # the one ambiguity: text that itself starts with an apostrophe and a formula sign
    assume(not (len(text) > 1 and text[0] == "'" and text[1] in "=+-@"))
    assert unquote(csv_cell(text)) == text
