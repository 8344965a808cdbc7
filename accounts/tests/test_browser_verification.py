"""A new owner signs in again with the same password and is reminded to confirm their
address, on a laptop and on a phone (issue 13, item 1)."""

import datetime as dt

import pytest

from conftest import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS
PASSWORD = "lifting-is-fun-42"


@pytest.fixture
def peak(live_site, django_db_blocker):
    """A business signed up a moment ago, committed (live_site's ``committed`` removes
    it); set up before the browser starts, whose event loop forbids the ORM."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from mectofitness.testing import cache_clear
    from tenants.models import Business
    from tenants.services import business_provision

    cache_clear()  # allauth's resend cooldown is kept per address
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        business_provision(
            name="Peak Coaching",
            slug="peak",
            owner_email="olivia@peak.test",
            owner_password=PASSWORD,
            owner_first_name="Olivia",
        )
        business = Business.objects.get(slug="peak")
        with tenant_context(business):
            # a coach who joined nine days ago and never confirmed: past the grace period
            coach = User.objects.create_user(
                email="carl@peak.test",
                password=PASSWORD,
                is_staff=True,
                date_joined=timezone.now() - dt.timedelta(days=9),
            )
            coach.groups.add(Group.objects.get(name="coach"))
            EmailAddress.objects.create(user=coach, email=coach.email, primary=True)
        connection.set_schema_to_public()
    yield live_site
    cache_clear()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_owner_signs_in_again_and_sees_the_reminder(peak, browser, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(peak.business_url("peak", "/accounts/login/"))
    page.get_by_label("Email").fill("olivia@peak.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")

    banner = page.get_by_role("region", name="Confirm your e-mail address.")
    assert banner.is_visible()
    assert "olivia@peak.test" in banner.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"verify-reminder-{width}.png"), full_page=False)

    before = len(peak.mails())
    banner.get_by_role("button", name="Send the link again").click()
    page.wait_for_url("**/admin/")
    assert "We sent a confirmation link to olivia@peak.test" in page.content()
    mails = peak.mails()
    assert len(mails) == before + 1
    assert "From: Peak Coaching <" in mails[-1]
    page.screenshot(path=str(ARTIFACTS / f"verify-resent-{width}.png"), full_page=False)


def test_after_the_grace_period_sign_in_asks_to_confirm_on_our_page(peak, browser):
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(peak.business_url("peak", "/accounts/login/"))
    page.get_by_label("Email").fill("carl@peak.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/confirm-email/")

    text = page.locator("main").inner_text()
    assert "Peak Coaching asks you to confirm your e-mail address" in text
    assert "Verify Your Email Address" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "verify-required-360.png"), full_page=True)

    mails = [m for m in peak.mails() if "carl@peak.test" in m]
    assert len(mails) == 1  # the refused sign-in sent a link, from the business
    assert "From: Peak Coaching <" in mails[0]
    page.get_by_role("button", name="Send the link again").click()
    page.wait_for_url("**/accounts/confirm-email/")
    # the link went out a moment ago: it still works, and no second mail is sent
    assert "it still works" in page.locator("main").inner_text()
    assert len([m for m in peak.mails() if "carl@peak.test" in m]) == 1
