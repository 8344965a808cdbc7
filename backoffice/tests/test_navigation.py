"""The back office's navigation by job (issue 17, item 1): sections a trainer names
(Today, Clients, Calendar, ...), each entry shown only to who may open it, by the
access policy's own answer; plumbing under Settings; no list of database tables."""

import re

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from clients.tests.factories import ClientFactory, person_create

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Today",
    "Clients",
    "Calendar",
    "Messages",
    "Programs",
    "Forms and check-ins",
    "Nutrition",
    "Shop and billing",
    "Settings",
]


def _browser(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(user)
    return browser


@pytest.fixture
def coach_browser(business):
    with tenant_context(business):
        coach = person_create(email="nav-coach@acme.test", role="coach", first_name="Cora")
    return _browser(business, coach)


def _nav(page: str) -> str:
    return page.split('<nav id="mf-nav"', 1)[1].split("</nav>", 1)[0]


def _sections(page: str) -> list[str]:
    nav = _nav(page)
    links = re.findall(r'class="mf-nav__section-link"[^>]*>\s*<span[^>]*></span>([^<]+)</a>', nav)
    return [label.strip() for label in links]


def _entries(browser, path: str) -> dict[str, str]:
    """The entries of the section ``path`` is in (label -> address)."""
    nav = _nav(browser.get(path).content.decode())
    block = nav.split('class="mf-nav__entries"', 1)[1].split("</ul>", 1)[0]
    return {
        label.strip(): url for url, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', block)
    }


def _opens(browser, url: str) -> int:
    """The status the entry's page ends on (a one-of-a-kind setting's list goes to its
    form); 0 when it ends outside the back office (the sign-in page, say)."""
    response = browser.get(url, follow=True)
    final = response.redirect_chain[-1][0] if response.redirect_chain else url
    return response.status_code if final.startswith("/admin/") and "login" not in final else 0


def _all_entries(browser) -> dict[str, str]:
    """Every entry of every section, opening each section's landing page."""
    page = browser.get("/admin/").content.decode()
    landings = re.findall(r'class="mf-nav__section-link" href="([^"]+)"', _nav(page))
    entries = {}
    for landing in landings:
        nav = _nav(browser.get(landing).content.decode())
        if 'class="mf-nav__entries"' not in nav:
            continue
        block = nav.split('class="mf-nav__entries"', 1)[1].split("</ul>", 1)[0]
        for url, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', block):
            entries[label.strip()] = url.replace("&amp;", "&")
    return entries


def test_the_owner_finds_the_sections_of_a_trainers_day_and_no_database_tables(owner_client):
    page = owner_client.get("/admin/clients/client/").content.decode()
    assert _sections(page) == SECTIONS
    nav = _nav(page)
    for plumbing in ("Stripe events", "Audit log", "Roles", "Tax rates", "All answers"):
        assert plumbing not in nav  # only in Settings, shown when Settings is open
    settings_entries = _entries(owner_client, "/admin/settings/")
    for plumbing in ("Stripe events", "Audit log", "Roles", "Tax rates", "All answers"):
        assert plumbing in settings_entries
    assert "Authentication and authorization" not in page


def test_every_entry_the_owner_sees_opens(owner_client):
    entries = _all_entries(owner_client)
    assert {"All clients", "Calendar", "Inbox", "Programs", "Revenue", "Business"} <= set(entries)
    failures = {
        label: status
        for label, url in entries.items()
        if (status := _opens(owner_client, url)) != 200
    }
    assert not failures


def test_a_coach_sees_only_what_they_may_open(coach_browser):
    entries = _all_entries(coach_browser)
    failures = {
        label: status
        for label, url in entries.items()
        if (status := _opens(coach_browser, url)) != 200
    }
    assert not failures
    # the owner's pages and the business's billing are not a coach's
    for owners in ("Business", "Your plan", "Revenue", "Online payments", "E-mail wording", "Team"):
        assert owners not in entries
    for billing in ("Invoices", "Payments", "Purchases"):
        assert billing not in entries
    assert {"All clients", "Calendar", "Inbox", "Check-ins to review", "My notifications"} <= set(
        entries
    )


def test_a_coach_sees_billing_when_the_owner_lets_coaches_see_it(coach_browser, business):
    from billing.models import BillingSettings

    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    entries = _all_entries(coach_browser)
    assert {"Invoices", "Payments"} <= set(entries)
    assert "Revenue" not in entries  # the owner's figures stay the owner's
    assert _opens(coach_browser, entries["Invoices"]) == 200


def test_the_page_open_is_marked_in_its_section(owner_client, business):
    with tenant_context(business):
        client = ClientFactory(first_name="Cleo", last_name="Park")
    page = owner_client.get(f"/admin/clients/client/{client.pk}/change/").content.decode()
    nav = _nav(page)
    current = re.search(r'mf-nav__section is-current">\s*<a[^>]*>\s*<span[^>]*></span>([^<]+)', nav)
    assert current and current.group(1).strip() == "Clients"
    page = owner_client.get("/admin/clients/client/?status=lead").content.decode()
    assert re.search(r'href="/admin/clients/client/\?status=lead" aria-current="page">Leads', page)


def test_a_client_and_a_visitor_get_no_navigation(business):
    with tenant_context(business):
        user = person_create(email="nav-client@acme.test", role="client", first_name="Cleo")
    page = _browser(business, user).get("/admin/").content.decode()
    assert 'id="mf-nav"' not in page
    visitor = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    assert 'id="mf-nav"' not in visitor.get("/admin/login/").content.decode()


def test_the_navigation_costs_no_query_a_page(owner_client, django_assert_max_num_queries):
    from django.test.client import RequestFactory

    from accounts.policies import role_of
    from backoffice.navigation import navigation_for
    from backoffice.site import backoffice_site
    from tenants.models import Business

    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        from accounts.models import User

        owner = User.objects.get(email="owner@acme.test")
        request = RequestFactory().get("/admin/clients/client/")
        request.user = owner
        request.tenant = business
        role_of(owner)  # the role: one query a request, cached on the user, which pages pay anyway
        owner.get_all_permissions()  # likewise the permissions
        navigation_for(backoffice_site, request)
        with django_assert_max_num_queries(0):
            sections = navigation_for(backoffice_site, request)
    assert [s["label"] for s in sections] == SECTIONS


def test_a_signed_in_client_is_told_at_once_that_the_back_office_is_for_staff(business):
    """At the address they opened, in one answer: not a redirect to the sign-in page
    that then says it. A visitor who is not signed in is still sent to sign in."""
    with tenant_context(business):
        user = person_create(email="door-client@acme.test", role="client", first_name="Cleo")
        ClientFactory(first_name="Private", last_name="Person")
    client = _browser(business, user)
    for path in ("/admin/", "/admin/clients/client/", "/admin/clients/client/?q=Private"):
        page = client.get(path)
        assert page.status_code == 403, path
        text = page.content.decode()
        assert "This area is for staff" in text and "Private Person" not in text
        assert "no-store" in page["Cache-Control"]
    assert client.post("/admin/clients/client/add/", {"first_name": "X"}).status_code == 403
    # signing out of the back office keeps Django's way: back to its home
    assert client.get("/admin/logout/")["Location"] == "/admin/"
    visitor = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    answer = visitor.get("/admin/clients/client/")
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/login/?next=/admin/clients/client/"
