"""On a phone, "Sign in" on the public site finds the person's business: the finder,
its one answer, and the mail with the link. Screenshots at 360 and 1280 px."""

from conftest import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS

SHOTS = ARTIFACTS / "signin-finder"


def test_a_person_finds_their_business_from_the_public_sign_in_on_a_phone(live_site, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(live_site.url + "/signin/")
    assert phone.get_by_role("heading", name="Where do you sign in?").is_visible()
    phone.screenshot(path=str(SHOTS / "finder-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_label("Your e-mail address").fill("owner@acme.test")
    phone.get_by_role("button", name="E-mail me my sign-in links").click()
    phone.wait_for_url(live_site.url + "/signin/sent/")
    assert "If you have an account with that address" in phone.inner_text("main")
    phone.screenshot(path=str(SHOTS / "finder-sent-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    (mail,) = [m for m in live_site.mails() if "owner@acme.test" in m]
    assert live_site.business_url("acme", "/admin/") in mail

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(live_site.url + "/")
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    desk.wait_for_url(live_site.url + "/signin/")
    desk.screenshot(path=str(SHOTS / "finder-desktop.png"), full_page=True)
