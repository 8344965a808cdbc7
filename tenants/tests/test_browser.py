"""A person's first minutes, in headless Chromium: landing page -> sign-up -> back office.

Runs the real site (gunicorn on a free port, the test database) and drives
Debian's chromium through Playwright. Screenshots land in artifacts/.
"""

import pytest

from conftest import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize(
    ("width", "height", "label"), [(1280, 900, "desktop"), (360, 740, "phone")]
)
def test_a_trainer_signs_up_and_lands_in_their_back_office(
    live_site, browser, width, height, label
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()

    page.goto(live_site.url + "/")
    page.screenshot(path=str(ARTIFACTS / f"landing-{label}.png"), full_page=True)
    page.get_by_role("link", name="Start your free trial").first.click()
    page.wait_for_url("**/signup/")

    slug = f"browser-{label}"
    page.get_by_label("Business name").fill(f"Browser Gym {label}")
    page.get_by_label("Your address").fill(slug)
    status = page.locator("[role=status]").filter(has_text="available")
    status.wait_for(timeout=5000)
    assert f"{slug}.localhost is available" in status.inner_text()
    page.get_by_label("First name").fill("Bea")
    page.get_by_label("E-mail").fill(f"bea@{slug}.test")
    page.get_by_label("Password").fill("lifting-is-fun-42")
    page.screenshot(path=str(ARTIFACTS / f"signup-{label}.png"), full_page=True)
    page.get_by_role("button", name="Create my business").click()

    port = live_site.port
    page.wait_for_url(f"http://{slug}.localhost:{port}/admin/", timeout=15000)
    assert f"Browser Gym {label}" in page.content()
    assert "Log out" in page.content() or "Log Out" in page.content() or "logout" in page.content()
    page.screenshot(path=str(ARTIFACTS / f"backoffice-{label}.png"), full_page=True)

    # the public site knows nobody: the session lives on the subdomain only
    page.goto(live_site.url + "/admin/")
    assert "/accounts/login/" in page.url
