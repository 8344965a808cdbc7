"""An owner invites a client; the client accepts on a phone and lands in the portal."""

import re

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS


@pytest.fixture
def forget_the_invited_client(django_db_setup, django_db_blocker):
    """The live site commits a client to acme: remove it afterwards, outside any test
    transaction, once the browser has closed (Playwright's event loop forbids the ORM)."""
    yield
    from accounts.models import Invitation, User
    from clients.models import Client
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Invitation.objects.filter(email="phone.client@acme.test").delete()
        # the invitation made her client record too: left behind, later tests on the
        # worker counted one client too many (test_records, test_limits)
        Client.objects.filter(email="phone.client@acme.test").delete()
        User.objects.filter(email="phone.client@acme.test").delete()


def test_an_owner_invites_a_client_who_accepts_on_a_phone(
    forget_the_invited_client, live_site, browser
):
    ARTIFACTS.mkdir(exist_ok=True)
    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    owner.goto(live_site.business_url("acme", "/admin/"))
    owner.get_by_label("Email").fill("owner@acme.test")
    owner.get_by_label("Password").fill(PASSWORD)
    owner.get_by_role("button", name="Sign In").click()
    owner.wait_for_url("**/admin/")

    owner.goto(live_site.business_url("acme", "/admin/accounts/invitation/add/"))
    owner.get_by_label("E-mail address").fill("phone.client@acme.test")
    owner.get_by_label("Role").select_option("client")
    owner.get_by_label("First name").fill("Pia")
    owner.get_by_role("button", name="Save", exact=True).click()
    owner.wait_for_url("**/admin/accounts/invitation/")
    assert "phone.client@acme.test" in owner.content()
    owner.screenshot(path=str(ARTIFACTS / "backoffice-invitations-desktop.png"), full_page=True)

    mail = next(m for m in reversed(live_site.mails()) if "phone.client@acme.test" in m)
    link = re.search(r"http://\S+/invite/\S+/", mail).group(0)

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(link)
    assert "Join Acme Strength" in phone.content()
    phone.get_by_label("Choose a password").fill("lifting-is-fun-42")
    phone.get_by_role("button", name="Create my account").click()
    phone.wait_for_url(live_site.business_url("acme", "/"))
    assert "Hi Pia" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "portal-home-phone.png"), full_page=True)
