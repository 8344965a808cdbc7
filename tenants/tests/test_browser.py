"""A person's first minutes, in headless Chromium: landing page -> sign-up -> back office.

Runs the real site (gunicorn on a free port, the test database) and drives
Debian's chromium through Playwright. Screenshots land in artifacts/.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM and not os.environ.get("CI"),
        reason="needs Debian's chromium (apt-get install chromium); CI installs it",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_site(committed):
    """The whole site served by gunicorn against the (committed) test database."""
    db = connection.settings_dict
    port = _free_port()
    env = dict(os.environ) | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_DEBUG": "0",
        "SITE_PORT": str(port),
        "SITE_SCHEME": "http",
        "BASE_DOMAIN": settings.BASE_DOMAIN,
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "mectofitness.wsgi",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                probe = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"Host": settings.BASE_DOMAIN}
                )
                with urllib.request.urlopen(probe, timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the live site did not start") from None
                time.sleep(0.2)
        yield f"http://{settings.BASE_DOMAIN}:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.mark.parametrize(
    ("width", "height", "label"), [(1280, 900, "desktop"), (360, 740, "phone")]
)
def test_a_trainer_signs_up_and_lands_in_their_back_office(
    live_site, browser, width, height, label
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()

    page.goto(live_site + "/")
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

    port = live_site.rsplit(":", 1)[1]
    page.wait_for_url(f"http://{slug}.localhost:{port}/admin/", timeout=15000)
    assert f"Browser Gym {label}" in page.content()
    assert "Log out" in page.content() or "Log Out" in page.content() or "logout" in page.content()
    page.screenshot(path=str(ARTIFACTS / f"backoffice-{label}.png"), full_page=True)

    # the public site knows nobody: the session lives on the subdomain only
    page.goto(live_site + "/admin/")
    assert "/accounts/login/" in page.url
