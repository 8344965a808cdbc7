"""Who may open what: every page and endpoint of a business, for every kind of visitor.

A row lists the status each visitor gets. "login" means a redirect to the
sign-in page. A visitor of another business carries a session of zen to
acme's address: it must count for nothing there.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User

pytestmark = pytest.mark.django_db

VISITORS = ["owner", "coach", "client", "anonymous", "other_business"]

# path: {visitor: expected status}; "login" = redirect to sign in, "/admin/" = redirect there
MATRIX = {
    "/": {"owner": "/admin/", "coach": "/admin/", "client": 200, "anonymous": "login"},
    "/admin/": {"owner": 200, "coach": 200, "client": 403, "anonymous": "login"},
    "/admin/accounts/user/": {"owner": 200, "coach": 403, "client": 403, "anonymous": "login"},
    "/admin/accounts/invitation/": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/accounts/invitation/add/": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/auth/group/": {"owner": 200, "coach": 403, "client": 403, "anonymous": "login"},
    "/api/v1/me/": {"owner": 200, "coach": 200, "client": 200, "anonymous": 401},
    "/api/v1/tokens/": {"owner": 200, "coach": 200, "client": 200, "anonymous": 401},
    "/api/schema/": {"owner": 200, "coach": 200, "client": 200, "anonymous": 401},
    "/accounts/password/change/": {"owner": 200, "coach": 200, "client": 200, "anonymous": "login"},
    "/accounts/2fa/": {"owner": 200, "coach": 200, "client": 200, "anonymous": "login"},
    "/profile/": {"owner": 200, "coach": 200, "client": 200, "anonymous": "login"},
    "/admin/settings/": {"owner": 200, "coach": 403, "client": 403, "anonymous": "login"},
    "/admin/clients/client/": {"owner": 200, "coach": 200, "client": 403, "anonymous": "login"},
    "/admin/clients/client/add/": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/clients/client/find/?q=a": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/clients/tag/": {"owner": 200, "coach": 200, "client": 403, "anonymous": "login"},
    "/api/v1/clients/": {"owner": 200, "coach": 200, "client": 200, "anonymous": 401},
    "/api/v1/tags/": {"owner": 200, "coach": 200, "client": 403, "anonymous": 401},
    "/progress/": {"owner": "/admin/", "coach": "/admin/", "client": 200, "anonymous": "login"},
    "/progress/photos/": {
        "owner": "/admin/",
        "coach": "/admin/",
        "client": 200,
        "anonymous": "login",
    },
    "/check-ins/": {"owner": "/admin/", "coach": "/admin/", "client": 200, "anonymous": "login"},
    "/forms/": {"owner": "/admin/", "coach": "/admin/", "client": 200, "anonymous": "login"},
    "/profile/data/": {"owner": "/admin/", "coach": "/admin/", "client": 200, "anonymous": "login"},
    "/admin/clients/questionnaire/": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/clients/measurement/": {
        "owner": 200,
        "coach": 200,
        "client": 403,
        "anonymous": "login",
    },
    "/admin/clients/auditentry/": {
        "owner": 200,
        "coach": 403,
        "client": 403,
        "anonymous": "login",
    },
    "/api/v1/measurements/": {"owner": 200, "coach": 200, "client": 200, "anonymous": 401},
    "/api/v1/progress-photos/": {"owner": 200, "coach": 200, "client": 200, "anonymous": 401},
    "/api/v1/responses/": {"owner": 200, "coach": 200, "client": 200, "anonymous": 401},
    "/api/v1/audit-entries/": {"owner": 200, "coach": 403, "client": 403, "anonymous": 401},
    "/manifest.webmanifest": {"owner": 200, "coach": 200, "client": 200, "anonymous": 200},
    "/icons/192.png": {"owner": 200, "coach": 200, "client": 200, "anonymous": 200},
}


def _person(business, email, role, staff):
    with tenant_context(business):
        user = User.objects.create_user(email=email, password="x", is_staff=staff)
        user.groups.add(Group.objects.get(name=role))
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        return user


@pytest.fixture
def visitors(business, other_business, owner):
    coach = _person(business, "coach@acme.test", "coach", staff=True)
    client = _person(business, "client@acme.test", "client", staff=False)
    zen_owner = _person(other_business, "boss@zen.test", "owner", staff=True)
    browsers = {}
    for name, user in (("owner", owner), ("coach", coach), ("client", client)):
        browsers[name] = Client(HTTP_HOST="acme.localhost")
        with tenant_context(business):
            browsers[name].force_login(user)
    browsers["anonymous"] = Client(HTTP_HOST="acme.localhost")
    zen = Client(HTTP_HOST="zen.localhost")
    with tenant_context(other_business):
        zen.force_login(zen_owner)
    browsers["other_business"] = Client(HTTP_HOST="acme.localhost")
    browsers["other_business"].cookies = zen.cookies
    return browsers


def _outcome(browser, path) -> object:
    """Where a visitor ends up: a status, "login", or the page they are sent to.

    The admin's own login redirect is followed (it is where a signed-in client
    is told the area is for staff)."""
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
def test_each_visitor_gets_the_right_answer(visitors, path):
    expected = dict(MATRIX[path])
    # another business's session is no session here: treated as anonymous
    expected["other_business"] = expected["anonymous"]
    got = {name: _outcome(visitors[name], path) for name in VISITORS}
    assert got == expected
