"""The Content-Security-Policy, in headless Chromium: the main pages of every door
load with no policy violation and no console error (a blocked inline script or
style shows as both)."""

import pytest
from django_tenants.utils import tenant_context

from conftest import BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "dana.csp@acme.test"

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.mfReport({
    page: location.href,
    directive: e.violatedDirective,
    blocked: e.blockedURI,
    sample: e.sample,
  });
});
"""


@pytest.fixture
def dana(django_db_setup, django_db_blocker):
    """Dana, a client with a login, and a program in the builder; committed, removed
    afterwards."""
    from accounts.models import User
    from clients.models import Client
    from clients.tests.factories import person_create
    from programs.models import Program
    from programs.services.program_structure import program_create
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        owner = User.objects.get(email="owner@acme.test")
        user = person_create(email=EMAIL, role="client", first_name="Dana")
        client = Client.objects.create(
            user=user, first_name="Dana", last_name="Policy", email=EMAIL, status="active"
        )
        program = program_create(by=owner, name="CSP check", days=["Upper A", "Lower A"])
        ids = {"client": client.pk, "program": program.pk}
    yield ids
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Program.objects.filter(pk=ids["program"]).delete()
        Client.objects.filter(pk=ids["client"]).delete()
        User.objects.filter(email=EMAIL).delete()


class Watcher:
    """Collects policy violations and console errors of every page a context opens."""

    def __init__(self, browser):
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.expose_function("mfReport", lambda v: self.problems.append(f"CSP {v}"))
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.page = self._watched(self.context.new_page())

    def _watched(self, page):
        page.on("dialog", lambda dialog: dialog.accept())
        page.on(
            "console",
            lambda msg: (
                self.problems.append(f"console {msg.type} at {page.url}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: self.problems.append(f"error at {page.url}: {exc}"))
        return page

    def visit(self, url: str, *, ready: str = "body", status: int = 200) -> None:
        self._open(self.page, url, status)
        self._settle(self.page, url, ready, status)

    def visit_side_by_side(self, urls: list[str], *, ready: str = "body") -> list:
        """Each of ``urls`` in a page of its own, all open before any is waited for: a
        page's scripts may still fetch after it has loaded (the network must go quiet for
        half a second), and those half seconds pass together instead of one by one."""
        pages = [self._watched(self.context.new_page()) for _url in urls]
        for page, url in zip(pages, urls, strict=True):
            self._open(page, url, 200)
        for page, url in zip(pages, urls, strict=True):
            self._settle(page, url, ready, 200)
        return pages

    @staticmethod
    def _open(page, url: str, status: int) -> None:
        response = page.goto(url)
        assert response is not None and response.status == status, (url, response)

    def _settle(self, page, url: str, ready: str, status: int) -> None:
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        if status != 200:  # the browser logs the page's own status as an error
            expected = (
                f"console error at {url}: Failed to load resource: "
                f"the server responded with a status of {status}"
            )
            self.problems = [p for p in self.problems if not p.startswith(expected)]


def sign_in(watcher, url: str, email: str, *, then: str) -> None:
    watcher.visit(url)
    watcher.page.get_by_label("Email").fill(email)
    watcher.page.get_by_label("Password").fill(PASSWORD)
    watcher.page.get_by_role("button", name="Sign In").click()
    watcher.page.wait_for_url(then)


def test_the_main_pages_load_without_a_policy_violation(dana, live_site, browser):
    visitor = Watcher(browser)
    visitor.visit(live_site.url + "/")
    visitor.visit(live_site.url + "/pricing/")
    visitor.visit(live_site.url + "/signup/")
    # the address check runs signup.js's fetch
    visitor.page.get_by_label("Your address").fill("csp-check")
    visitor.page.locator("[role=status]").filter(has_text="available").wait_for(timeout=5000)
    # the routing middleware's own page, its styles by nonce
    visitor.visit(live_site.business_url("nobody", "/"), status=404)

    client = Watcher(browser)
    sign_in(
        client,
        live_site.business_url("acme", "/accounts/login/"),
        EMAIL,
        then=live_site.business_url("acme", "/"),
    )
    client.page.wait_for_load_state("networkidle")
    client.visit_side_by_side(
        [
            live_site.business_url("acme", path)
            for path in ("/", "/workouts/", "/workouts/new/", "/progress/", "/nutrition/")
        ]
    )
    client.visit(live_site.business_url("acme", "/profile/"))
    # the service worker registered from its static file (no inline script)
    assert client.page.evaluate("navigator.serviceWorker.getRegistration('/').then(r => !!r)"), (
        "the portal's service worker did not register"
    )

    owner = Watcher(browser)
    sign_in(
        owner,
        live_site.business_url("acme", "/admin/"),
        "owner@acme.test",
        then="**/admin/",
    )
    pages = owner.visit_side_by_side(
        [
            live_site.business_url("acme", path)
            for path in (
                "/admin/",
                "/admin/clients/client/",
                f"/admin/clients/client/{dana['client']}/change/",
                f"/admin/clients/client/{dana['client']}/profile/",
                f"/admin/clients/client/{dana['client']}/profile/progress/",
                f"/admin/programs/program/{dana['program']}/builder/",
                "/admin/programs/program/add/",
                "/api/docs/",
            )
        ]
    )
    pages[-1].wait_for_selector(".swagger-ui .info")  # the docs' script ran

    problems = visitor.problems + client.problems + owner.problems
    assert problems == [], "\n".join(problems)
