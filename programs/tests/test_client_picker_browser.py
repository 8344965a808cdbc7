"""The client picker in Chromium: a business with more clients than a list shows
(``CLIENT_PICKER_FEW`` set to 2 for the site) assigns a program by finding clients as
you type, with the keyboard at 360 px and the mouse at 1280 px; the page passes axe with
the results open. Screenshots go to artifacts/client-picker/."""

import os

import pytest
from django_tenants.utils import tenant_context

from accounts.tests.test_accessibility_sweep import AXE, RUN_AXE
from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

SHOTS = ARTIFACTS / "client-picker"
NAMES = [("Pickme", "Alpha"), ("Pickme", "Beta"), ("Pickme", "Gamma")]


@pytest.fixture
def roster(committed):
    """Three acme clients and a template, committed; removed afterwards."""
    from accounts.models import User
    from clients.models import Client
    from programs.models import Program, ProgramAssignment
    from programs.services import program_structure as structure
    from tenants.models import Business

    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        clients = [
            Client.objects.create(first_name=first, last_name=last, status="active")
            for first, last in NAMES
        ]
        template = structure.program_create(
            by=owner, name="Picker plan", goal="", length_weeks=2, client=None, days=["Day 1"]
        )
    yield {"template": template.pk, "clients": {c.last_name: c.pk for c in clients}}
    with tenant_context(business):
        ProgramAssignment.objects.filter(client_id__in=[c.pk for c in clients]).delete()
        Program.objects.filter(client_id__in=[c.pk for c in clients]).delete()
        Program.objects.filter(pk=template.pk).delete()
        Client.objects.filter(pk__in=[c.pk for c in clients]).delete()


@pytest.fixture
def site(monkeypatch, committed, _live_sites):
    monkeypatch.setenv("CLIENT_PICKER_FEW", "2")
    return _live_sites.site_for(dict(os.environ))


def _open(browser, site, width: int, path: str):
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    page.add_init_script(path=str(AXE))
    page.goto(site.business_url("acme", path))
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{path.split('?')[0]}*")
    return page


def test_a_coach_finds_clients_by_typing_and_assigns_them(roster, site, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = f"/admin/programs/programassignment/assign/?program={roster['template']}"

    phone = _open(browser, site, 360, path)
    clients = phone.locator(".pb-clients")
    assert clients.get_by_role("checkbox").count() == 0  # nobody listed, a box to find them
    search = phone.get_by_role("combobox", name="Find clients to add")
    search.fill("pickme be")
    results = phone.get_by_role("listbox", name="Matching clients")
    results.get_by_role("option", name="Pickme Beta").wait_for()
    violations = phone.evaluate(RUN_AXE, None)
    assert violations == [], violations
    phone.screenshot(path=str(SHOTS / "assign-360-results.png"), full_page=True)
    search.press("ArrowDown")
    search.press("Enter")  # chooses; never submits the form half-filled
    assert "/assign/" in phone.url  # still on the form
    assert clients.get_by_role("checkbox", name="Pickme Beta").is_checked()
    assert phone.get_by_role("status").inner_text() == "Pickme Beta added."
    phone.screenshot(path=str(SHOTS / "assign-360-chosen.png"), full_page=True)

    desk = _open(browser, site, 1280, path)
    desk.get_by_role("combobox", name="Find clients to add").fill("gamma")
    desk.get_by_role("option", name="Pickme Gamma").click()
    desk.get_by_role("combobox", name="Find clients to add").fill("alpha")
    desk.get_by_role("option", name="Pickme Alpha").click()
    box = desk.locator(".pb-clients")
    assert [box.get_by_role("checkbox", name=n).is_checked() for n in ("Gamma", "Alpha")] == [
        True,
        True,
    ]
    desk.screenshot(path=str(SHOTS / "assign-1280-chosen.png"), full_page=True)
    desk.get_by_role("button", name="Assign").click()
    desk.wait_for_url("**/admin/programs/programassignment/")
    message = desk.get_by_text("Assigned Picker plan to").inner_text()
    assert "Pickme Gamma" in message and "Pickme Alpha" in message and "Beta" not in message
