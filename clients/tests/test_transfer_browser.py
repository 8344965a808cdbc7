"""The owner imports clients from a spreadsheet, on a desktop and on a phone; a client
downloads their data from the portal."""

import re

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

WITH_ERRORS = (
    "First name,Last name,E-mail,Phone,Date of birth,Status,Tags,Goals\n"
    "Ana,López,ana.browser@example.test,07700 900123,1988-04-17,active,morning;strength,"
    "Deadlift 100 kg\n"
    "Ben,Okafor,not-an-email,,31/12/1995,lead,,Run a 10k\n"
    "Chloé,Dubois,chloe.browser@example.test,,1990-13-01,sleeping,,\n"
    "Dan,Reyes,ana.browser@example.test,,,,,\n"
)
FIXED = (
    "First name;Last name;E-mail;Phone;Date of birth;Status;Tags;Goals\n"
    "Ana;López;ana.browser@example.test;07700 900123;1988-04-17;active;morning|strength;"
    "Deadlift 100 kg\n"
    "Ben;Okafor;ben.browser@example.test;;31/12/1995;lead;;Run a 10k\n"
    "Chloé;Dubois;chloe.browser@example.test;;1990-01-13;onboarding;;Move without back pain\n"
    "Dan;Reyes;dan.browser@example.test;+44 20 7946 0000;;;;\n"
)
PHONE_FILE = (
    "Name,Email,Status\n"
    "Ana López,ana.browser@example.test,active\n"
    "Eve Martins,eve.browser@example.test,lead\n"
    "Finn O'Brien,finn.browser@example.test,active\n"
)


@pytest.fixture
def forget_what_the_browser_made(django_db_setup, django_db_blocker):
    """The live site commits clients, tags and audit entries to acme: remove them
    afterwards, once the browser has closed (Playwright's event loop forbids the ORM)."""
    from accounts.models import User
    from clients.models import AuditEntry, Client, Tag
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        before = {
            "clients": set(Client.objects.values_list("pk", flat=True)),
            "entries": set(AuditEntry.objects.values_list("pk", flat=True)),
            "tags": set(Tag.objects.values_list("pk", flat=True)),
        }
    yield
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Client.objects.exclude(pk__in=before["clients"]).delete()
        AuditEntry.objects.exclude(pk__in=before["entries"]).delete()
        Tag.objects.exclude(pk__in=before["tags"]).delete()
        User.objects.filter(email="data.client@acme.test").delete()


@pytest.fixture
def portal_client(forget_what_the_browser_made, django_db_blocker):
    from clients.models import Client
    from tenants.models import Business

    from .factories import person_create

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        user = person_create(email="data.client@acme.test", role="client", first_name="Dana")
        Client.objects.create(user=user, first_name="Dana", last_name="Data", email=user.email)


def sign_in(page, live_site, email="owner@acme.test"):
    page.goto(live_site.business_url("acme", "/admin/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


def test_the_owner_imports_clients_on_a_desktop_and_a_phone(
    forget_what_the_browser_made, portal_client, live_site, browser, tmp_path
):
    ARTIFACTS.mkdir(exist_ok=True)
    (tmp_path / "clients.csv").write_text(WITH_ERRORS, encoding="utf-8")
    (tmp_path / "clients-fixed.csv").write_text("\ufeff" + FIXED, encoding="utf-8")
    (tmp_path / "more.csv").write_text(PHONE_FILE, encoding="utf-8")
    import_url = live_site.business_url("acme", "/admin/clients/auditentry/import/")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site)
    desk.goto(import_url)
    desk.screenshot(path=str(ARTIFACTS / "transfer-import-upload-desktop.png"), full_page=True)

    desk.get_by_label("CSV file").set_input_files(str(tmp_path / "clients.csv"))
    desk.get_by_role("button", name="Preview import").click()
    desk.wait_for_url("**/import/preview/")
    page = desk.content()
    assert "Fix these rows" in page
    assert "is not an e-mail address" in page and "Unknown status" in page
    assert "also in row 2" in page
    assert desk.get_by_role("button", name="Import").count() == 0
    desk.screenshot(path=str(ARTIFACTS / "transfer-import-errors-desktop.png"), full_page=True)

    desk.get_by_role("link", name="Choose a fixed file").click()
    desk.get_by_label("CSV file").set_input_files(str(tmp_path / "clients-fixed.csv"))
    desk.get_by_role("button", name="Preview import").click()
    desk.wait_for_url("**/import/preview/")
    assert "cells separated by semicolons" in desk.content()
    desk.screenshot(path=str(ARTIFACTS / "transfer-import-preview-desktop.png"), full_page=True)
    desk.get_by_role("button", name="Import 4 clients").click()
    desk.wait_for_url("**/admin/clients/client/")
    assert "Imported 4 clients." in desk.content()
    desk.screenshot(path=str(ARTIFACTS / "transfer-import-done-desktop.png"), full_page=True)

    desk.goto(live_site.business_url("acme", "/admin/clients/auditentry/"))
    assert "4 clients imported" in desk.content()
    desk.screenshot(path=str(ARTIFACTS / "transfer-audit-desktop.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site)
    phone.goto(import_url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "transfer-import-upload-phone.png"), full_page=True)
    phone.get_by_label("CSV file").set_input_files(str(tmp_path / "more.csv"))
    phone.get_by_role("button", name="Preview import").click()
    phone.wait_for_url("**/import/preview/")
    assert "already here, skipped" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "transfer-import-preview-phone.png"), full_page=True)
    phone.get_by_role("button", name="Import 2 clients").click()
    phone.wait_for_url("**/admin/clients/client/")
    assert "1 were already here" in phone.content()

    client_phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    client_phone.goto(live_site.business_url("acme", "/accounts/login/"))
    client_phone.get_by_label("Email").fill("data.client@acme.test")
    client_phone.get_by_label("Password").fill(PASSWORD)
    client_phone.get_by_role("button", name="Sign In").click()
    client_phone.wait_for_url(live_site.business_url("acme", "/"))
    client_phone.goto(live_site.business_url("acme", "/profile/data/"))
    assert client_phone.evaluate("document.documentElement.scrollWidth") <= 360
    client_phone.screenshot(path=str(ARTIFACTS / "transfer-my-data-phone.png"), full_page=True)
    with client_phone.expect_download() as download:
        client_phone.get_by_role("button", name="Download my data").click()
    assert download.value.suggested_filename.startswith("my-data-")

    desk.goto(live_site.business_url("acme", "/admin/clients/client/?q=Reyes"))
    desk.get_by_role("link", name="Reyes").first.click()
    desk.wait_for_url(re.compile(r".*/admin/clients/client/\d+/.*"))
    client_id = re.search(r"/client/(\d+)/", desk.url).group(1)
    desk.goto(
        live_site.business_url("acme", f"/admin/clients/auditentry/client/{client_id}/erase/")
    )
    assert "This cannot be undone" in desk.content()
    desk.get_by_label("Type the client's full name to confirm").fill("Dan Reyes")
    desk.screenshot(path=str(ARTIFACTS / "transfer-erase-desktop.png"), full_page=True)
    desk.get_by_role("button", name="Erase this client's data").click()
    desk.wait_for_url(f"**/admin/clients/client/{client_id}/profile/")
    assert "was erased" in desk.content()
    desk.screenshot(path=str(ARTIFACTS / "transfer-erased-client-desktop.png"), full_page=True)
