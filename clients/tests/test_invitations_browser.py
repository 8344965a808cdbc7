"""The owner invites a client from the client's page, resends and revokes the invitation
(desktop and phone), invites again, and the client accepts on a phone."""

import re

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "bea.browser@acme.test"


@pytest.fixture
def bea(django_db_setup, django_db_blocker):
    """A client without a login at acme, committed for the live site; removed afterwards,
    once the browser has closed (Playwright's event loop forbids the ORM)."""
    from accounts.models import Invitation, User
    from clients.models import Client
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        record = Client.objects.create(first_name="Bea", last_name="Browser", email=EMAIL)
    yield record
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Client.objects.filter(pk=record.pk).delete()
        Invitation.objects.filter(email=EMAIL).delete()
        User.objects.filter(email=EMAIL).delete()


def sign_in(page, live_site):
    page.goto(live_site.business_url("acme", "/admin/"))
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


def last_link(live_site) -> str:
    mail = next(m for m in reversed(live_site.mails()) if EMAIL in m)
    return re.search(r"http://\S+/invite/[^/\s]+/", mail).group(0)


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_owner_invites_resends_and_revokes_from_the_client_page(bea, live_site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    client_page = live_site.business_url("acme", f"/admin/clients/client/{bea.pk}/profile/")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site)
    desk.goto(client_page)
    portal = desk.locator("#portal")
    assert "No portal login yet." in portal.inner_text()
    desk.screenshot(path=str(ARTIFACTS / "client-invite-none-desktop.png"))
    desk.get_by_role("button", name="Invite to the portal").click()
    desk.wait_for_url("**/profile/#portal")
    assert f"Invitation sent to {EMAIL}." in desk.content()
    assert "Invited" in portal.inner_text()
    # whoever invites a client without a coach becomes it
    assert "None yet" not in desk.locator(".mf-profile__facts").inner_text()
    first_link = last_link(live_site)

    desk.get_by_role("button", name="Resend invitation").click()
    desk.wait_for_url("**/profile/#portal")
    assert f"A new invitation link went to {EMAIL}." in desk.content()
    assert last_link(live_site) != first_link
    desk.get_by_text("Revoke…").click()
    assert desk.get_by_role("button", name="Revoke the invitation").is_visible()
    desk.screenshot(path=str(ARTIFACTS / "client-invite-pending-desktop.png"))
    revoked_link = last_link(live_site)
    desk.get_by_role("button", name="Revoke the invitation").click()
    desk.wait_for_url("**/profile/#portal")
    assert "Invitation withdrawn: its link no longer works." in desk.content()
    assert "was withdrawn on" in portal.inner_text()

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(revoked_link)
    assert "This invitation was withdrawn. Ask for a new one." in phone.content()
    assert "Acme Strength" in phone.content()
    phone.screenshot(path=str(ARTIFACTS / "client-invite-revoked-link-phone.png"))

    coach_phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(coach_phone, live_site)
    coach_phone.goto(client_page)
    assert fits(coach_phone, 360)
    # on a phone the profile's actions past Message and Book wait behind "More"
    coach_phone.locator("summary", has_text="More").click()
    coach_phone.get_by_role("button", name="Invite to the portal").click()
    coach_phone.wait_for_url("**/profile/#portal")
    assert coach_phone.get_by_role("button", name="Resend invitation").is_visible()
    coach_phone.get_by_text("Revoke…").click()
    assert fits(coach_phone, 360)
    coach_phone.locator("#portal").screenshot(
        path=str(ARTIFACTS / "client-invite-pending-phone.png")
    )
    coach_phone.screenshot(path=str(ARTIFACTS / "client-invite-pending-phone-page.png"))

    phone.goto(last_link(live_site))
    phone.get_by_label("Choose a password").fill("lifting-is-fun-42")
    phone.get_by_role("button", name="Create my account").click()
    phone.wait_for_url(live_site.business_url("acme", "/"))
    assert "Hi Bea" in phone.content()

    desk.goto(client_page)
    assert "Has a portal login" in desk.locator("#portal").inner_text()
    assert desk.get_by_role("button", name="Invite to the portal").count() == 0
    desk.screenshot(path=str(ARTIFACTS / "client-invite-accepted-desktop.png"))
