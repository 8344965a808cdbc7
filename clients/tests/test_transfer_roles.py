"""Who may open each page and endpoint of import, export, erasure and the audit trail.

"login" is a redirect to sign in (the admin's own login page is followed: it tells
a signed-in client the area is for staff). A session of another business counts
for nothing here: it gets what an anonymous visitor gets.
"""

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

VISITORS = ["owner", "coach", "client", "anonymous", "other_business"]

# GET path (with {id}: the coach's own client): {visitor: outcome}
MATRIX = {
    "/admin/clients/auditentry/": {"owner": 200, "coach": 403, "client": 403, "anonymous": "login"},
    "/admin/clients/auditentry/import/": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/clients/auditentry/import/template.csv": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/clients/auditentry/client/{id}/erase/": {
        "owner": 200,
        "coach": 403,
        "client": 403,
        "anonymous": "login",
    },
    "/api/v1/clients/export/": {"owner": 200, "coach": 403, "client": 403, "anonymous": 401},
    "/api/v1/clients/{id}/export/": {"owner": 200, "coach": 403, "client": 403, "anonymous": 401},
    # a client-only action: staff are refused with the reason (accounts.policies)
    "/api/v1/me/export/": {"owner": 403, "coach": 403, "client": 200, "anonymous": 401},
    "/api/v1/audit-entries/": {"owner": 200, "coach": 403, "client": 403, "anonymous": 401},
    "/profile/data/": {"owner": "/admin/", "coach": "/admin/", "client": 200, "anonymous": "login"},
}


@pytest.fixture
def visitors(business, other_business, owner, coach, client_user, client_record, zen_record):
    def signed_in(user) -> Browser:
        browser = Browser(HTTP_HOST=f"acme.{settings.BASE_DOMAIN}")
        with tenant_context(business):
            browser.force_login(user)
        return browser

    zen = Browser(HTTP_HOST=f"zen.{settings.BASE_DOMAIN}")
    with tenant_context(other_business):
        zen.force_login(zen_record.user)
    other = Browser(HTTP_HOST=f"acme.{settings.BASE_DOMAIN}")
    other.cookies = zen.cookies
    return {
        "owner": signed_in(owner),
        "coach": signed_in(coach),
        "client": signed_in(client_user),
        "anonymous": Browser(HTTP_HOST=f"acme.{settings.BASE_DOMAIN}"),
        "other_business": other,
    }


def _outcome(browser, path):
    response = browser.get(path)
    for _ in range(3):
        if response.status_code not in (301, 302):
            return response.status_code
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if not location.startswith("/admin/login/"):
            return location
        response = browser.get(location)
    raise AssertionError(f"redirect loop at {path}")


@pytest.mark.parametrize("path", list(MATRIX))
def test_each_visitor_gets_the_right_answer(visitors, client_record, path):
    expected = dict(MATRIX[path]) | {"other_business": MATRIX[path]["anonymous"]}
    url = path.format(id=client_record.pk)
    got = {name: _outcome(visitors[name], url) for name in VISITORS}
    assert got == expected


def test_an_owner_cannot_reach_another_businesss_client_by_its_id(owner_client, zen_record):
    """Ids repeat across businesses: acme has no client with zen's id here, so 404."""
    assert owner_client.get(f"/api/v1/clients/{zen_record.pk}/export/").status_code == 404
    assert (
        owner_client.get(f"/admin/clients/auditentry/client/{zen_record.pk}/erase/").status_code
        == 404
    )
    assert (
        owner_client.post(f"/admin/clients/auditentry/client/{zen_record.pk}/export/").status_code
        == 404
    )
