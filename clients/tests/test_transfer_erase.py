"""Erasure on request, and the audit trail that outlives it."""

import io
import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from accounts.models import User
from clients.models import (
    AuditEntry,
    Client,
    ClientNote,
    ClientStatusChange,
    Measurement,
    Metric,
    ProgressPhoto,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseFile,
)
from clients.services.erasure import client_erase
from clients.services.records import client_status_set

from .factories import PASSWORD, ClientFactory, TagFactory


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def cleo(business, client_record, coach, media):
    """Cleo with everything a client leaves behind, and the names of her stored files."""
    with tenant_context(business):
        client_record.tags.add(TagFactory(name="vip"))
        client_record.goals, client_record.injuries = "Run 10k", "Left knee"
        client_record.phone, client_record.date_of_birth = "0123 456", timezone.localdate()
        client_record.save()
        client_status_set(client=client_record, status="paused", by=coach)
        ClientNote.objects.create(client=client_record, author=coach, body="Strong squat")
        Measurement.objects.create(
            client=client_record, metric=Metric.objects.get(key="weight"), value=Decimal("72.5")
        )
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
        image = default_storage.save("progress/cleo.png", ContentFile(buffer.getvalue()))
        thumb = default_storage.save("progress/thumbs/cleo.png", ContentFile(buffer.getvalue()))
        ProgressPhoto.objects.create(
            client=client_record, pose="side", image=image, thumbnail=thumb
        )
        version = QuestionnaireVersion.objects.create(
            questionnaire=Questionnaire.objects.create(title="PAR-Q"), number=1, fields=[]
        )
        response = Response.objects.create(
            version=version, client=client_record, answers={"q": "yes"}
        )
        upload = default_storage.save("intake/cleo.pdf", ContentFile(b"%PDF"))
        ResponseFile.objects.create(
            response=response,
            field_key="doc",
            file=upload,
            original_name="cleo.pdf",
            content_type="application/pdf",
            size=4,
        )
    client_record.stored = [image, thumb, upload]
    return client_record


def erase_url(client) -> str:
    return f"/admin/clients/auditentry/client/{client.pk}/erase/"


def test_the_erase_page_says_what_will_be_removed(owner_client, cleo):
    page = owner_client.get(erase_url(cleo))
    assert page.status_code == 200
    text = page.content.decode()
    assert "This cannot be undone" in text
    assert "Cleo Martin" in text and "portal login" in text


def test_erasure_removes_the_data_and_files_and_leaves_an_audit_entry(
    business, owner, owner_client, cleo, client_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(erase_url(cleo), {"confirm_name": "  cleo   MARTIN "})
    assert response.status_code == 302

    with tenant_context(business):
        for model in (Measurement, ProgressPhoto, ResponseFile, ClientNote, ClientStatusChange):
            assert not model.objects.filter(**_of(model, cleo)).exists(), model
        assert not Response.objects.filter(client=cleo).exists()
        assert not any(default_storage.exists(name) for name in cleo.stored)

        record = Client.objects.get(pk=cleo.pk)
        assert record.full_name == "Erased client"
        assert (record.email, record.phone, record.goals, record.injuries) == ("", "", "", "")
        assert record.date_of_birth is None and record.user is None
        assert record.status == "archived" and not record.tags.exists()
        assert record.search_name == "erased client"

        login = User.objects.get(pk=client_user.pk)
        assert not login.is_active and not login.has_usable_password()
        assert login.email.endswith("@erased.invalid") and login.first_name == ""
        assert not EmailAddress.objects.filter(user=login).exists()
        assert not login.groups.exists()

        entry = AuditEntry.objects.get(action="erase")
        assert entry.client_id_ref == cleo.pk and entry.actor == owner
        assert entry.subject == f"Client #{cleo.pk} (C. M.)"
        assert entry.detail["removed"] == {
            "measurements": 1,
            "photos": 1,
            "files": 1,
            "responses": 1,
            "assignments": 0,
            "notes": 1,
            "status_changes": 1,
            "login": True,
            "messages": 0,  # messaging's part (clients.services.data_parts)
            "conversations": 0,
        }
        assert entry.detail["stored_files"] == 3
        kept = json.dumps(entry.detail) + entry.subject + entry.actor_email
        for personal in ("Cleo", "Martin", "cli@acme.test", "0123"):
            assert personal not in kept


def test_an_erased_client_can_no_longer_sign_in(business, owner, cleo):
    with tenant_context(business):
        client_erase(client=cleo, by=owner, confirm_name="Cleo Martin")
        assert authenticate(email="cli@acme.test", password=PASSWORD) is None


def test_earlier_audit_entries_lose_the_clients_email(business, owner, client_browser, cleo):
    assert client_browser.post("/profile/data/").status_code == 200
    with tenant_context(business):
        assert AuditEntry.objects.get(action="export").actor_email == "cli@acme.test"
        client_erase(client=cleo, by=owner, confirm_name="Cleo Martin")
        assert AuditEntry.objects.get(action="export").actor_email == ""


def test_the_wrong_name_erases_nothing(business, owner_client, cleo):
    response = owner_client.post(erase_url(cleo), {"confirm_name": "Cleo"})
    assert response.status_code == 400
    assert "Type the client&#x27;s name exactly" in response.content.decode()
    with tenant_context(business):
        assert Measurement.objects.filter(client=cleo).exists()
        assert not AuditEntry.objects.exists()


def test_an_empty_confirmation_is_a_form_error(owner_client, cleo):
    response = owner_client.post(erase_url(cleo), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_client_is_erased_only_once(business, owner, owner_client, cleo):
    with tenant_context(business):
        client_erase(client=cleo, by=owner, confirm_name="Cleo Martin")
    page = owner_client.get(erase_url(cleo))
    assert "has been erased" in page.content.decode()
    again = owner_client.post(erase_url(cleo), {"confirm_name": "Erased client"})
    assert again.status_code == 200
    with tenant_context(business):
        assert AuditEntry.objects.filter(action="erase").count() == 1


def test_a_staff_login_is_never_erased_as_a_client(business, owner):
    from django.core.exceptions import ValidationError

    with tenant_context(business):
        record = ClientFactory(first_name="Owner", last_name="Self", user=owner)
        with pytest.raises(ValidationError, match="staff account"):
            client_erase(client=record, by=owner, confirm_name="Owner Self")
        assert User.objects.get(pk=owner.pk).is_active


def test_a_coach_cannot_erase_even_their_own_client(business, coach, coach_browser, cleo):
    assert coach_browser.get(erase_url(cleo)).status_code == 403
    assert coach_browser.post(erase_url(cleo), {"confirm_name": "Cleo Martin"}).status_code == 403
    api = coach_browser.post(f"/api/v1/clients/{cleo.pk}/erase/", {"confirm_name": "Cleo Martin"})
    assert api.status_code == 403
    with tenant_context(business):
        assert Measurement.objects.filter(client=cleo).exists()


def test_a_client_cannot_erase(client_browser, cleo):
    response = client_browser.post(erase_url(cleo), {"confirm_name": "Cleo Martin"})
    assert response.status_code in (302, 403)
    api = client_browser.post(f"/api/v1/clients/{cleo.pk}/erase/", {"confirm_name": "Cleo Martin"})
    assert api.status_code == 403


def test_another_businesss_session_cannot_erase(business, zen_client_browser, cleo):
    response = zen_client_browser.post(erase_url(cleo), {"confirm_name": "Cleo Martin"})
    assert response.status_code == 302 and "/login/" in response.url
    api = zen_client_browser.post(f"/api/v1/clients/{cleo.pk}/erase/", {"confirm_name": "x"})
    assert api.status_code in (401, 403)
    with tenant_context(business):
        assert Client.objects.get(pk=cleo.pk).first_name == "Cleo"


def test_the_owner_erases_through_the_api(
    business, owner_client, cleo, django_capture_on_commit_callbacks
):
    url = f"/api/v1/clients/{cleo.pk}/erase/"
    wrong = owner_client.post(url, {"confirm_name": "Nobody"}, content_type="application/json")
    assert wrong.status_code == 400 and "confirm_name" in wrong.json()
    missing = owner_client.post(url, {}, content_type="application/json")
    assert missing.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = owner_client.post(
            url, {"confirm_name": "Cleo Martin"}, content_type="application/json"
        )
    assert done.status_code == 200
    assert done.json()["erased"] == cleo.pk and done.json()["removed"]["photos"] == 1
    with tenant_context(business):
        assert not default_storage.exists(cleo.stored[0])


def test_erasing_an_unknown_client_is_a_404(owner_client):
    assert owner_client.get("/admin/clients/auditentry/client/999999/erase/").status_code == 404
    api = owner_client.post("/api/v1/clients/999999/erase/", {"confirm_name": "x"})
    assert api.status_code == 404


# --- the audit trail ------------------------------------------------------------------


@pytest.fixture
def entries(business, owner):
    with tenant_context(business):
        old = AuditEntry.objects.create(action="import", subject="3 clients imported", actor=owner)
        AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timezone.timedelta(days=2))
        AuditEntry.objects.create(action="list_export", subject="5 clients", actor=owner)
        AuditEntry.objects.create(action="erase", subject="Client #7 (A. B.)", client_id_ref=7)


def test_the_owner_reads_the_audit_trail_newest_first(owner_client, entries):
    page = owner_client.get("/admin/clients/auditentry/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Client #7") < text.index("5 clients") < text.index("3 clients imported")


def test_the_audit_trail_filters_by_action(owner_client, entries):
    text = owner_client.get(
        "/admin/clients/auditentry/", {"action__exact": "erase"}
    ).content.decode()
    assert "Client #7" in text and "3 clients imported" not in text


def test_nobody_edits_or_deletes_audit_entries(business, owner_client, entries):
    with tenant_context(business):
        pk = AuditEntry.objects.first().pk
    assert owner_client.get("/admin/clients/auditentry/add/").status_code == 403
    assert owner_client.post(f"/admin/clients/auditentry/{pk}/delete/").status_code == 403
    page = owner_client.get(f"/admin/clients/auditentry/{pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_coaches_cannot_read_the_audit_trail(coach_browser, entries):
    assert coach_browser.get("/admin/clients/auditentry/").status_code == 403
    assert coach_browser.get("/api/v1/audit-entries/").status_code == 403


def test_another_businesss_session_cannot_read_the_audit_trail(zen_client_browser, entries):
    assert zen_client_browser.get("/admin/clients/auditentry/").status_code == 302
    assert zen_client_browser.get("/api/v1/audit-entries/").status_code in (401, 403)


def test_the_audit_api_lists_newest_first_and_filters(
    owner_client, entries, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        body = owner_client.get("/api/v1/audit-entries/").json()
    assert [entry["action"] for entry in body["results"]] == ["erase", "list_export", "import"]
    assert body["results"][0]["client_id"] == 7
    erased = owner_client.get("/api/v1/audit-entries/", {"action": "erase"}).json()
    assert [entry["subject"] for entry in erased["results"]] == ["Client #7 (A. B.)"]
    assert owner_client.get("/api/v1/audit-entries/", {"action": "nope"}).status_code == 400


def test_the_audit_api_is_read_only(owner_client, entries):
    assert owner_client.post("/api/v1/audit-entries/", {"action": "erase"}).status_code == 405


def test_the_audit_page_runs_a_fixed_number_of_queries(
    business, owner, owner_client, django_assert_max_num_queries
):
    with tenant_context(business):
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(action="list_export", subject=f"{n} clients", actor=owner)
                for n in range(30)
            ]
        )
    with django_assert_max_num_queries(15):
        assert owner_client.get("/admin/clients/auditentry/").status_code == 200


def _of(model, client) -> dict:
    return {"response__client": client} if model is ResponseFile else {"client": client}


# --- the client page's panel ----------------------------------------------------------


def client_page(browser, client) -> str:
    response = browser.get(f"/admin/clients/client/{client.pk}/profile/notes/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_sees_download_and_erase_on_the_client_page(owner_client, client_record):
    page = client_page(owner_client, client_record)
    assert "Data and privacy" in page
    assert f"/admin/clients/auditentry/client/{client_record.pk}/export/" in page
    assert f"/admin/clients/auditentry/client/{client_record.pk}/erase/" in page


def test_a_coach_without_the_export_permission_sees_no_data_panel(coach_browser, client_record):
    assert "Data and privacy" not in client_page(coach_browser, client_record)


def test_a_coach_with_the_export_permission_may_download_but_not_erase(
    business, coach, coach_browser, client_record
):
    from django.contrib.auth.models import Permission

    with tenant_context(business):
        coach.user_permissions.add(Permission.objects.get(codename="export_client"))
    page = client_page(coach_browser, client_record)
    assert "Download their data" in page and "Erase on request" not in page


def test_an_erased_clients_page_says_when_it_was_erased(business, owner, owner_client, cleo):
    with tenant_context(business):
        client_erase(client=cleo, by=owner, confirm_name="Cleo Martin")
    page = client_page(owner_client, cleo)
    assert "data was erased on" in page and "Download their data" not in page
