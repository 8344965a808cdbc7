"""Every portal page's queries: within its budget with the demo's month of data, and the
same after two months more of history (workouts, sets, measurements, habits, food,
check-ins, sessions and messages: ``tenants.demo_history``), so a query per row cannot
come back. The pages are found as a client finds them, by following the portal's links
from the home page (``mectofitness.testing.portal_pages``): a new page without a budget
fails the test. ``make scale`` times the same pages with two
years of history (bench/big.py)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from clients.tests.factories import person_create
from mectofitness.testing import page_shape, portal_pages
from tenants.demo_history import demo_history_seed
from tenants.management.commands.demo_seed import demo_data_seed

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC)

# queries per page, the chrome's included (the business, the session, the user, the
# notification badge); measured with the demo's data, and it must not grow with history
BUDGETS = {
    "/": 18,
    "/billing/": 10,
    "/billing/invoices/": 6,
    "/billing/invoices/N/": 8,
    "/calendar/": 6,
    "/check-ins/": 10,
    "/check-ins/N/": 9,
    "/forms/": 6,
    "/forms/N/": 7,
    "/habits/": 7,
    "/messages/": 8,
    "/messages/N/": 13,
    "/notifications/": 7,
    "/notifications/preferences/": 7,
    "/nutrition/": 13,
    "/nutrition/plan/": 10,
    "/profile/": 5,
    "/profile/data/": 8,
    "/profile/texts/": 6,
    "/progress/": 9,
    "/progress/photos/compare/": 6,
    "/progress/training/": 7,
    "/sessions/": 17,
    "/sessions/N/cancel/": 6,
    "/sessions/N/reschedule/": 12,
    "/sessions/book/N/": 13,
    "/shop/": 7,
    "/workouts/": 10,
    "/workouts/N/": 16,
    "/workouts/log/N/": 8,
    "/workouts/new/": 6,
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def chloe(business, owner, settings):
    """The demo's data at acme, and Chloe signed in to the portal. The host's route stays
    cached through the test (as a web process keeps it between invalidations): with the
    default 5 s it expired during some page or other, one query more at random."""
    settings.ROUTING_CACHE_TTL = 3600
    with tenant_context(business):
        carlos = person_create(email="carlos@acme.test", role="coach", first_name="Carlos")
        login = person_create(email="chloe@acme.test", role="client", first_name="Chloe")
        record = demo_data_seed(owner=owner, coach=carlos, client_user=login, roster=False)
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(login)
    return {"browser": browser, "record": record, "coach": carlos}


def _counts(browser, pages: list[str]) -> dict[str, int]:
    counts = {}
    for path in pages:
        browser.get(path, secure=True)  # what a first visit does once is not counted
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
        counts[page_shape(path)] = len(queries.captured_queries)
    return counts


def test_every_portal_page_stays_within_its_budget_however_long_the_history(business, chloe):
    browser = chloe["browser"]
    pages = portal_pages(browser)
    assert {page_shape(p) for p in pages} == set(BUDGETS), "pages found ≠ pages budgeted"
    month = _counts(browser, pages)
    with tenant_context(business):
        demo_history_seed(chloe=chloe["record"], coach=chloe["coach"], days=60)
    more = _counts(browser, pages)

    over = {page: (n, BUDGETS[page]) for page, n in month.items() if n > BUDGETS[page]}
    grew = {page: (month[page], n) for page, n in more.items() if n != month[page]}
    assert not over, f"over budget (queries, budget): {over}"
    assert not grew, f"queries grew with history (a month, three): {grew}"
