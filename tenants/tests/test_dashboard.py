import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Invitation, User
from accounts.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(business, owner):
    with tenant_context(business):
        from clients.tests.factories import ClientFactory

        for n, status in enumerate(["active", "active", "active", "lead", "paused", "archived"]):
            ClientFactory(first_name=f"C{n}", status=status)
        PersonFactory(email="coach@acme.test", role="coach")
        now = timezone.now()
        for email, expires, accepted in (
            ("p1@x.test", now + dt.timedelta(days=3), None),
            ("p2@x.test", now + dt.timedelta(days=5), None),
            ("old@x.test", now - dt.timedelta(days=1), None),
            ("done@x.test", now + dt.timedelta(days=2), now),
        ):
            Invitation.objects.create(
                email=email,
                role="client",
                token_hash=email,
                expires_at=expires,
                accepted_at=accepted,
            )


def figures_on(html: str) -> dict:
    pairs = re.findall(
        r'mf-figure__value">(\d+)</span>\s*<span class="mf-figure__label">([^<]+)<', html
    )
    return {label: value for value, label in pairs}


def test_the_back_office_home_shows_the_businesses_real_figures(owner_client, people):
    html = owner_client.get("/admin/").content.decode()
    assert figures_on(html) == {
        "active clients": "3",
        "onboarding": "0",
        "lead": "1",
        "paused": "1",
        "coach": "1",
        "pending invitations": "2",
    }
    assert "1 expired, resend it" in html
    assert "days left in your free trial" in html


def test_the_figures_of_another_business_never_show(other_business, people):
    from django.test import Client

    zen_owner_client = Client(HTTP_HOST="zen.localhost")
    with tenant_context(other_business):
        zen_owner_client.force_login(User.objects.get(email="owner@zen.test"))
    html = zen_owner_client.get("/admin/").content.decode()
    assert (
        'mf-figure__value">0</span>\n        <span class="mf-figure__label">active clients' in html
    )


def test_the_home_page_runs_a_fixed_number_of_queries(
    owner_client, people, django_assert_max_num_queries
):
    owner_client.get("/admin/")  # warm the session
    # the page is Today (issue 17): its lists, figures and charts cost a query or two each
    # (see backoffice/tests/test_today.py for the budget with every list full)
    with django_assert_max_num_queries(26):
        owner_client.get("/admin/")
