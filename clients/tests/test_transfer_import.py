"""CSV import of clients: the plan (preview), the all-or-nothing apply, and its pages."""

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from clients.models import AuditEntry, Client, ClientStatusChange, Tag
from clients.services.csv_format import import_file_read
from clients.services.exporting import clients_csv_export
from clients.services.importing import (
    ImportRejected,
    clients_import_apply,
    clients_import_in_background,
    clients_import_plan,
    import_upload_store,
)

from .factories import ClientFactory

IMPORT_URL = "/admin/clients/auditentry/import/"
PREVIEW_URL = "/admin/clients/auditentry/import/preview/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()


def errors_of(plan) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in plan.errors}


# --- reading files ----------------------------------------------------------------------


def test_a_file_with_a_bom_and_semicolons_is_read_like_any_other(tenant, owner):
    data = csv_bytes(
        "First name;Last name;E-mail;Tags;DOB",
        'Ana;Lopez;ana@example.test;"strength; morning";31/12/1990',
        bom=True,
    )
    header, rows, delimiter = import_file_read(data=data)
    assert delimiter == ";"
    assert header[0] == "First name"  # no BOM glued to the first column
    plan = clients_import_plan(data=data, by=owner)
    assert plan.errors == []
    row = plan.rows[0]
    assert row.values["email"] == "ana@example.test"
    assert row.values["date_of_birth"].isoformat() == "1990-12-31"
    assert row.tags == ["strength", "morning"]


def test_headers_are_matched_by_their_aliases_in_any_case_and_order(tenant, owner):
    data = csv_bytes(
        "EMAIL,Given Name,surname,Mobile,date_of_birth,Stage,Labels,Lead source",
        "bo@example.test,Bo,Berg,+46 70 123 45 67,1985-02-03,Active,a|b,Instagram",
    )
    plan = clients_import_plan(data=data, by=owner)
    assert plan.errors == []
    values = plan.rows[0].values
    assert (values["first_name"], values["last_name"]) == ("Bo", "Berg")
    assert values["phone"] == "+46 70 123 45 67"
    assert values["status"] == "active"
    assert values["source"] == "social"
    assert plan.rows[0].tags == ["a", "b"]


def test_a_full_name_column_is_split_into_first_and_last_name(tenant, owner):
    plan = clients_import_plan(
        data=csv_bytes("Name,Email", "Mary Ann Smith,m@example.test"), by=owner
    )
    assert plan.rows[0].values["first_name"] == "Mary Ann"
    assert plan.rows[0].values["last_name"] == "Smith"


@pytest.mark.parametrize(
    "data, message",
    [
        ("Nom,Prénom\nA,B\n".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (b"Email,Phone\na@example.test,123\n", "No “First name”"),
        (b"First name,Email\n", "no clients"),
        (b"First name,Email,E-mail\nA,a@example.test,b@example.test\n", "mean the same"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_clear_reason(
    tenant, owner, data, message
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        clients_import_plan(data=data, by=owner)
    assert message in " ".join(caught.value.message_dict["file"])


def test_a_file_over_ten_thousand_rows_is_refused(tenant, owner):
    from django.core.exceptions import ValidationError

    lines = ["First name"] + [f"Person {n}" for n in range(10_001)]
    with pytest.raises(ValidationError, match="more than 10,000"):
        clients_import_plan(data=csv_bytes(*lines), by=owner)


def test_a_file_over_five_megabytes_is_refused(tenant, owner):
    from django.core.exceptions import ValidationError

    data = csv_bytes("First name,Goals", *[f"A,{'x' * 1000}" for _ in range(5300)])
    with pytest.raises(ValidationError, match="5 MB"):
        clients_import_plan(data=data, by=owner)


# --- row errors -----------------------------------------------------------------------


def test_every_kind_of_bad_row_is_reported_with_its_row_and_column(tenant, owner, coach):
    ClientFactory(email="taken@example.test")
    data = csv_bytes(
        "First name,Last name,E-mail,Phone,Date of birth,Status,Coach e-mail,Experience,Source",
        "Good,Row,good@example.test,0123 456,1990-01-02,active,coach@acme.test,beginner,referral",
        "Bad,Mail,not-an-email,,,,,,",  # row 3
        "Bad,Status,s@example.test,,,sleeping,,,",  # row 4
        "Bad,Date,d@example.test,,1990-13-45,,,,",  # row 5
        "Dup,Licate,good@example.test,,,,,,",  # row 6
        "Unknown,Coach,u@example.test,,,,nobody@acme.test,,",  # row 7
        ",Nofirst,n@example.test,,,,,,",  # row 8
        "Bad,Phone,p@example.test,call me,,,,,",  # row 9
        "Bad,Level,l@example.test,,,,,guru,",  # row 10
        "Bad,Source,o@example.test,,,,,,carrier pigeon",  # row 11
        "Future,Birth,f@example.test,,2999-01-01,,,,",  # row 12
        "Too,Many,t@example.test,,,,,,,extra",  # row 13
        "Already,Here,TAKEN@example.test,,,,,,",  # row 14: skipped, not an error
    )
    plan = clients_import_plan(data=data, by=owner)
    assert errors_of(plan) == {
        (3, "E-mail"),
        (4, "Status"),
        (5, "Date of birth"),
        (6, "E-mail"),
        (7, "Coach e-mail"),
        (8, "First name"),
        (9, "Phone"),
        (10, "Experience"),
        (11, "Source"),
        (12, "Date of birth"),
        (13, "—"),
    }
    messages = {error.row: error.message for error in plan.errors}
    assert "not an e-mail address" in messages[3]
    assert "Unknown status “sleeping”" in messages[4]
    assert "31/05/1990" in messages[5]
    assert "also in row 2" in messages[6]
    assert "nobody@acme.test is not an active coach" in messages[7]
    assert [row.number for row in plan.skipped] == [14]
    assert not plan.is_valid

    before = Client.objects.count()
    with pytest.raises(ImportRejected):
        clients_import_apply(data=data, by=owner)
    assert Client.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_an_error_in_the_last_row_leaves_no_clients(tenant, owner):
    lines = ["First name,Email"] + [f"P{n},p{n}@example.test" for n in range(30)]
    lines.append("Last,not-an-email")
    with pytest.raises(ImportRejected) as caught:
        clients_import_apply(data=csv_bytes(*lines), by=owner)
    assert [(e.row, e.column) for e in caught.value.plan.errors] == [(32, "Email")]
    assert not Client.objects.filter(email__startswith="p").exists()
    assert not Tag.objects.exists()


def test_a_duplicate_email_inside_the_file_is_an_error_even_in_another_case(tenant, owner):
    data = csv_bytes(
        "First name,Email", "A,Same@Example.test", "B,x@example.test", "C,same@example.test"
    )
    plan = clients_import_plan(data=data, by=owner)
    assert [(e.row, e.column) for e in plan.errors] == [(4, "Email")]
    assert "also in row 2" in plan.errors[0].message


def test_a_race_for_an_email_between_preview_and_apply_writes_nothing(tenant, owner):
    """The apply plans again: a client added since the preview is skipped, not doubled."""
    data = csv_bytes("First name,Email", "A,a@example.test", "B,b@example.test")
    assert clients_import_plan(data=data, by=owner).is_valid
    ClientFactory(email="b@example.test", first_name="Already")
    entry = clients_import_apply(data=data, by=owner)
    assert entry.detail["created"] == 1 and entry.detail["skipped"] == 1
    assert Client.objects.get(email="b@example.test").first_name == "Already"


# --- applying -------------------------------------------------------------------------


def test_an_import_creates_clients_through_the_records_service(tenant, owner, coach):
    data = csv_bytes(
        "First name,Last name,Email,Status,Tags,Goals,Injuries,Coach email,Date of birth",
        "Ana,López,ana@example.test,active,Strength|Morning,Run 10k,Left knee,"
        "coach@acme.test,1990-05-31",
        "Ben,,,,,,,,",
    )
    entry = clients_import_apply(data=data, by=owner, filename="my list.csv")
    ana = Client.objects.get(email="ana@example.test")
    assert ana.status == "active" and ana.source == "import"
    assert ana.primary_coach == coach
    assert ana.search_last == "lopez"  # search keys kept by the model
    assert sorted(ana.tags.values_list("name", flat=True)) == ["Morning", "Strength"]
    assert ana.injuries == "Left knee" and ana.has_health_flag
    assert ClientStatusChange.objects.filter(client=ana, to_status="active").exists()
    ben = Client.objects.get(first_name="Ben")
    assert ben.status == "lead" and ben.email == "" and ben.primary_coach is None
    assert entry.action == "import" and entry.actor == owner
    assert entry.detail == {"created": 2, "skipped": 0, "rows": 2, "filename": "my_list.csv"}


def test_existing_client_emails_are_skipped_and_left_as_they_were(tenant, owner):
    ClientFactory(email="known@example.test", first_name="Kept", goals="Old goal")
    data = csv_bytes(
        "First name,Email,Goals", "Changed,KNOWN@example.test,New goal", "New,new@example.test,"
    )
    entry = clients_import_apply(data=data, by=owner)
    known = Client.objects.get(email="known@example.test")
    assert (known.first_name, known.goals) == ("Kept", "Old goal")
    assert entry.detail["created"] == 1 and entry.detail["skipped"] == 1


def test_a_file_of_only_existing_clients_imports_nothing(tenant, owner):
    from django.core.exceptions import ValidationError

    ClientFactory(email="known@example.test")
    with pytest.raises(ValidationError, match="already here"):
        clients_import_apply(data=csv_bytes("First name,Email", "K,known@example.test"), by=owner)


def test_tags_are_reused_whatever_their_case(tenant, owner):
    Tag.objects.create(name="Morning")
    clients_import_apply(
        data=csv_bytes("First name,Tags", "A,morning", "B,MORNING;Evening"), by=owner
    )
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Evening", "Morning"]


def test_the_owner_sets_primary_and_sharing_coaches_by_email(tenant, owner, coach, other_coach):
    data = csv_bytes("First name,Coach e-mail", 'A,"coach@acme.test; COACH2@acme.test"')
    clients_import_apply(data=data, by=owner)
    client = Client.objects.get(first_name="A")
    assert client.primary_coach == coach
    assert list(client.coaches.all()) == [other_coach]


def test_a_coach_imports_clients_as_their_own(tenant, coach):
    data = csv_bytes("First name,Coach e-mail", "A,", "B,coach@acme.test")
    clients_import_apply(data=data, by=coach)
    assert set(
        Client.objects.filter(first_name__in="AB").values_list("primary_coach", flat=True)
    ) == {coach.pk}


def test_a_coach_cannot_give_imported_clients_to_another_coach(tenant, coach, other_coach):
    data = csv_bytes("First name,Coach e-mail", "A,coach2@acme.test")
    plan = clients_import_plan(data=data, by=coach)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Coach e-mail")]
    assert "own" in plan.errors[0].message


def test_a_client_cannot_import(tenant, client_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        clients_import_plan(data=csv_bytes("First name", "A"), by=client_user)


def test_an_export_imports_again_without_doubling_anyone(tenant, owner):
    ClientFactory(first_name="=Eve", last_name="Ng", email="eve@example.test", phone="+44 1")
    data = "".join(clients_csv_export(clients=Client.objects.all())).encode()
    plan = clients_import_plan(data=data, by=owner)
    assert plan.errors == []
    assert [row.action for row in plan.rows] == ["skip"]
    assert plan.rows[0].values["first_name"] == "=Eve"  # the formula guard is undone
    assert plan.rows[0].values["phone"] == "+44 1"


# --- the pages ----------------------------------------------------------------------------


def test_the_owner_previews_then_applies_an_import(business, owner_client, media):
    data = csv_bytes("First name,Email,Tags", "Ana,ana@example.test,vip", "Ben,ben@example.test,")
    upload = _upload(data)
    response = owner_client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 302 and response.url == PREVIEW_URL
    stored = owner_client.session["clients_import"]
    assert stored["name"].startswith(f"{business.schema_name}/imports/")

    preview = owner_client.get(PREVIEW_URL)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "ana@example.test" in page and "Import 2 clients" in page
    with tenant_context(business):
        assert not Client.objects.filter(email="ana@example.test").exists()
        assert default_storage.exists(stored["name"])

    done = owner_client.post(PREVIEW_URL, {"token": stored["token"]})
    assert done.status_code == 302
    with tenant_context(business):
        assert (
            Client.objects.filter(email__in=["ana@example.test", "ben@example.test"]).count() == 2
        )
        assert not default_storage.exists(stored["name"])
        assert AuditEntry.objects.get(action="import").detail["created"] == 2
    assert "clients_import" not in owner_client.session


def test_the_preview_lists_errors_and_apply_writes_nothing(business, owner_client, media):
    data = csv_bytes(
        "First name,Email,Status", "Ana,ana@example.test,active", "Ben,ben@example.test,zzz"
    )
    owner_client.post(IMPORT_URL, {"file": _upload(data)})
    preview = owner_client.get(PREVIEW_URL).content.decode()
    assert "Unknown status “zzz”" in preview
    assert "Choose a fixed file" in preview and "Import 1 client" not in preview

    token = owner_client.session["clients_import"]["token"]
    refused = owner_client.post(PREVIEW_URL, {"token": token})
    assert refused.status_code == 400
    assert "Nothing was imported" in refused.content.decode()
    with tenant_context(business):
        assert not Client.objects.filter(email="ana@example.test").exists()


def test_apply_refuses_a_token_from_another_preview(business, owner_client, media):
    owner_client.post(IMPORT_URL, {"file": _upload(csv_bytes("First name", "Ana"))})
    response = owner_client.post(PREVIEW_URL, {"token": "0" * 32})
    assert response.status_code == 302
    with tenant_context(business):
        assert not Client.objects.filter(first_name="Ana").exists()


def test_a_broken_file_is_reported_on_the_upload_page(owner_client, media):
    response = owner_client.post(IMPORT_URL, {"file": _upload("Nom\nA\xe9\n".encode("latin-1"))})
    assert response.status_code == 302
    page = owner_client.get(PREVIEW_URL)
    assert page.status_code == 400
    assert "not UTF-8" in page.content.decode()
    assert "clients_import" not in owner_client.session


def test_uploading_without_a_file_shows_a_form_error(owner_client):
    response = owner_client.post(IMPORT_URL, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_cancelling_an_import_removes_the_file(business, owner_client, media):
    owner_client.post(IMPORT_URL, {"file": _upload(csv_bytes("First name", "Ana"))})
    name = owner_client.session["clients_import"]["name"]
    owner_client.post("/admin/clients/auditentry/import/cancel/")
    with tenant_context(business):
        assert not default_storage.exists(name)


def test_the_template_csv_downloads_and_imports(owner_client, business, owner):
    response = owner_client.get("/admin/clients/auditentry/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    with tenant_context(business):
        plan = clients_import_plan(data=response.content, by=owner)
    assert plan.errors == [] and len(plan.to_create) == 2


def test_a_coach_can_open_the_import_page(coach_browser):
    response = coach_browser.get(IMPORT_URL)
    assert response.status_code == 200
    assert "You import clients as your own" in response.content.decode()


def test_a_client_cannot_reach_the_import_page(client_browser):
    response = client_browser.get(IMPORT_URL)
    assert response.status_code in (302, 403)
    assert b"CSV file" not in response.content


def test_another_businesss_session_cannot_reach_the_import_page(zen_client_browser):
    response = zen_client_browser.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/login/" in response.url


def test_the_preview_without_an_upload_sends_you_to_the_upload_page(owner_client):
    response = owner_client.get(PREVIEW_URL)
    assert response.status_code == 302 and response.url == IMPORT_URL


def _upload(data: bytes, name: str = "clients.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_big_import_is_applied_by_the_worker(
    business, owner_client, media, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("clients.services.importing.IMPORT_INLINE_MAX", 2)
    data = csv_bytes("First name,Email", *[f"P{n},p{n}@example.test" for n in range(3)])
    owner_client.post(IMPORT_URL, {"file": _upload(data, "big.csv")})
    stored = owner_client.session["clients_import"]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(PREVIEW_URL, {"token": stored["token"]})
    assert response.status_code == 302
    with tenant_context(business):
        assert Client.objects.filter(email__startswith="p").count() == 3
        entry = AuditEntry.objects.get(action="import")
        assert entry.detail["created"] == 3 and entry.detail["filename"] == "big.csv"
        assert not default_storage.exists(stored["name"])


def test_a_background_import_refused_by_a_late_change_says_so_in_the_audit_trail(
    tenant, owner, media
):
    name = import_upload_store(content=csv_bytes("First name,Email", "A,a@example.test", "B,b"))
    entry = clients_import_in_background(name=name, by=owner, filename="late.csv")
    assert entry.detail["rejected"] is True and entry.detail["created"] == 0
    assert entry.detail["errors"][0]["row"] == 3
    assert not Client.objects.filter(email="a@example.test").exists()
    assert not default_storage.exists(name)
