"""The owner subscribes on a desktop through the stand-in's Checkout page and sees
the status follow Stripe's events; the page on a phone."""

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

SHOTS = ARTIFACTS / "billing"


def sign_in(page, live_site, email="owner@acme.test"):
    page.goto(live_site.business_url("acme", "/admin/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


def test_the_owner_subscribes_through_checkout_and_sees_the_status_follow(
    committed_standin, live_site, browser
):
    server, _business = committed_standin
    server.hold_events = False
    server.webhook_targets = [f"{live_site.url}{server.webhook_path}"]
    SHOTS.mkdir(parents=True, exist_ok=True)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site)
    desk.locator(".mf-account summary").click()  # the account menu in the header
    desk.get_by_role("link", name="Your plan and billing").click()
    desk.wait_for_url("**/admin/billing/")
    assert "Trial" in desk.inner_text(".mf-billing__facts")
    desk.screenshot(path=str(SHOTS / "billing-trial-desktop.png"), full_page=True)

    desk.get_by_role("button", name="Subscribe to Solo").click()
    desk.wait_for_url(f"{server.url}/checkout/**")
    desk.screenshot(path=str(SHOTS / "billing-checkout-standin.png"), full_page=True)
    desk.get_by_role("button", name="Pay").click()
    desk.wait_for_url("**/admin/billing/?checkout=success")
    facts = desk.inner_text(".mf-billing__facts")
    assert "Active" in facts and "Solo" in facts
    desk.screenshot(path=str(SHOTS / "billing-active-desktop.png"), full_page=True)

    desk.get_by_role("button", name="Manage billing").click()
    desk.wait_for_url(f"{server.url}/portal/**")
    desk.get_by_role("button", name="Test: next payment fails").click()
    desk.wait_for_url("**/admin/billing/")
    assert "Past due" in desk.inner_text(".mf-billing__facts")
    desk.screenshot(path=str(SHOTS / "billing-past-due-desktop.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    sign_in(phone, live_site)
    phone.goto(live_site.business_url("acme", "/admin/billing/"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(SHOTS / "billing-past-due-phone.png"), full_page=True)
