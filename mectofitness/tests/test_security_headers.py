"""Production settings and the security headers every door sends.

`check --deploy` runs in a subprocess with production values, as a deploy would;
the headers are read from the public site, the portal, the back office, the API
and the pages the routing middleware answers itself.
"""

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from conftest import ROOT

TEMPLATES = ROOT / "templates"


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        # never reached: neither command below opens a connection
        "DATABASE_URL": "postgres://deploy@127.0.0.1:9/deploy",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "DJANGO_SETTINGS_MODULE": "mectofitness.settings",
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_DEBUG": "0",
    "BASE_DOMAIN": "mectofitness.example",
    "DJANGO_ALLOWED_HOSTS": "mectofitness.example,.mectofitness.example",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
}


def test_check_deploy_reports_no_warning_with_production_values():
    result = _manage("check", "--deploy", env=PRODUCTION)
    output = result.stdout + result.stderr
    # the deploy check runs drf-spectacular's schema warnings too: none may appear
    issues = set(re.findall(r"\((\w+\.[WE]\d+)\)", output))
    assert issues == set(), output
    assert "no issues" in output, output


def _settings_in(env: dict[str, str], *names: str) -> list[str]:
    """The values of ``names`` in a fresh process with ``env``: the settings module read
    as a deploy reads it (no django.setup(): loading every app, a second and more of
    CPU a call, changes none of these values)."""
    code = (
        "from django.conf import settings; "
        f"print('|'.join(repr(getattr(settings, n, None)) for n in {names!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": "postgres://deploy@127.0.0.1:9/deploy",
            "REDIS_URL": "redis://127.0.0.1:9/0",
            "DJANGO_SETTINGS_MODULE": "mectofitness.settings",
        }
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


SECURE_NAMES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def test_production_defaults_are_https_only():
    assert _settings_in(PRODUCTION, *SECURE_NAMES) == ["True", "31536000", "True", "True"]


def test_make_run_serves_plain_http_on_localhost():
    dev = {"DJANGO_SECRET_KEY": "dev", "DJANGO_DEBUG": "1"}
    assert _settings_in(dev, *SECURE_NAMES) == ["False", "0", "False", "False"]


def test_each_https_setting_can_be_turned_off_by_the_environment():
    off = PRODUCTION | {
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
    }
    assert _settings_in(off, *SECURE_NAMES) == ["False", "0", "False", "False"]


# --- headers --------------------------------------------------------------------------


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_secure_headers(response):
    csp = _directives(response)
    # an inline <script> runs only with the response's nonce: no 'unsafe-inline',
    # no hash, and no host but our own
    assert csp["script-src"][0] == "'self'"
    assert all(s.startswith("'nonce-") for s in csp["script-src"][1:]), csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


@pytest.mark.parametrize(
    "path", ["/", "/pricing/", "/signup/", "/accounts/login/", "/admin/login/", "/nowhere/"]
)
def test_the_public_site_sends_the_security_headers(db, public_client, path):
    assert_secure_headers(public_client.get(path))


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/manifest.webmanifest", "/sw.js", "/healthz"]
)
def test_the_portal_sends_the_security_headers(tenant_client, path):
    assert_secure_headers(tenant_client.get(path))


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/clients/client/", "/admin/programs/program/", "/api/docs/"],
)
def test_the_back_office_sends_the_security_headers(owner_client, path):
    assert_secure_headers(owner_client.get(path))


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/clients/", "/api/schema/"])
def test_the_api_sends_the_security_headers(owner_client, path):
    assert_secure_headers(owner_client.get(path))


def test_static_files_send_the_security_headers(db, public_client):
    response = public_client.get("/static/css/site.css")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_an_unknown_host_gets_the_headers_and_its_styles_by_nonce(db):
    from django.test import Client

    response = Client(HTTP_HOST=f"nobody.{settings.BASE_DOMAIN}").get("/")
    assert response.status_code == 404
    assert_secure_headers(response)
    nonce = _nonce_of(response, "style-src")
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_a_locked_business_gets_the_headers(owner_client, business):
    from tenants.models import Business
    from tenants.services import business_set_status

    business_set_status(business=business, status=Business.Status.SUSPENDED)
    response = owner_client.get("/admin/clients/client/")
    assert response.status_code == 403
    assert_secure_headers(response)


def test_a_refused_form_gets_the_headers_and_a_page_without_inline_style(db):
    from django.test import Client

    browser = Client(HTTP_HOST=settings.BASE_DOMAIN, enforce_csrf_checks=True)
    response = browser.post("/signup/", {"name": "No token"})
    assert response.status_code == 403
    assert_secure_headers(response)
    page = response.content.decode()
    assert "This form has expired" in page and "<style" not in page


def _nonce_of(response, directive: str) -> str:
    nonces = [s for s in _directives(response)[directive] if s.startswith("'nonce-")]
    assert len(nonces) == 1, _directives(response)[directive]
    return nonces[0][len("'nonce-") : -1]


def test_a_business_colours_come_in_a_style_block_with_the_pages_nonce(tenant_client):
    response = tenant_client.get("/accounts/login/")
    nonce = _nonce_of(response, "style-src")
    page = response.content.decode()
    assert f'<style nonce="{nonce}">:root {{ --brand:' in page
    # the nonce is new on every response: a copied page cannot reuse it
    assert _nonce_of(tenant_client.get("/accounts/login/"), "style-src") != nonce


def test_a_page_without_inline_code_gets_no_nonce(db, public_client):
    csp = _directives(public_client.get("/pricing/"))
    assert csp["script-src"] == ["'self'"]


def test_forms_may_post_only_to_our_domains_and_stripe(db, public_client):
    form_action = _directives(public_client.get("/"))["form-action"]
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    assert form_action[:4] == [
        "'self'",
        f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{port}",
        f"{settings.SITE_SCHEME}://*.{settings.BASE_DOMAIN}{port}",
        "https://*.stripe.com",
    ]


def test_the_500_page_style_is_allowed_by_its_hash():
    """500.html renders without a context (no nonce): its <style> is allowed by hash."""
    page = (TEMPLATES / "500.html").read_text()
    (style,) = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]


# --- templates: no inline code the policy would block ----------------------------------

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>"
)
INLINE_STYLE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>")
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle=")
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+=")


def _page_templates() -> list[Path]:
    # e-mails are read in mail clients, not under our CSP; 500.html is allowed by hash
    return [
        path
        for path in TEMPLATES.rglob("*.html")
        if "emails" not in path.parts and path != TEMPLATES / "500.html"
    ]


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script> without the nonce"),
        (INLINE_STYLE, "a <style> block without the nonce"),
        (STYLE_ATTRIBUTE, "a style attribute"),
        (HANDLER_ATTRIBUTE, "an inline event handler"),
    ],
)
def test_no_template_has_inline_code_the_policy_blocks(pattern, what):
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:80]}"
        for path in _page_templates()
        for match in pattern.finditer(path.read_text())
    ]
    assert found == [], f"{what} (the CSP blocks it): {found}"
