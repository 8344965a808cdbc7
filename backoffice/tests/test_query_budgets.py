"""Every back-office page runs a fixed number of queries (issue 17, item 9): within its
budget, and the same with twelve busy clients as with three, so a query per row
(an N+1) cannot come back unseen.

Each page is a test of its own, as the owner and as a coach. The queries are counted
once for the whole file (``counted``, module-scoped: its 500-odd requests are the
file's whole cost): at acme, Kai coaches three clients, each with a day of work around them (a
check-in to review, an unread message, a program with missed workouts, a logged
workout and its record, a failed payment; ``test_today.work_for``), a booking, a
paid session pack with its invoice, a measurement, a note, a habit, nutrition
targets and a meal plan; each page is opened (the first visit fills the session's
caches), then counted; nine more such clients are added and each page is counted
again. Everything is rolled back afterwards.

The budgets include the chrome's queries (the business, the session's user, their
permissions and role, the bell, the e-mail check); the time each page takes is a
benchmark's figure, not an assertion: ``make bench ARGS=--pages``.

Pages the file misses fail ``test_every_navigation_entry_has_a_budget``; the
profile's own budgets with the demo's data are in ``test_client_profile.py``, and
Today's with every list full in ``test_today.py``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from accounts.models import User
from backoffice.navigation import SECTIONS
from backoffice.tests.test_today import work_for
from billing.models import Invoice, Product
from billing.services.payments import payment_record_offline
from billing.services.products import ProductDetails, product_create
from clients.models import Client, ClientNote, Measurement, Metric, Questionnaire, Response, Tag
from clients.tests.factories import ClientFactory, person_create
from mectofitness.testing import cache_clear
from messaging.models import Thread
from programs.models import MealPlan, WorkoutLog
from programs.services.habits import habit_assign
from programs.services.meal_plans import meal_plan_copy, meal_plan_create
from programs.services.nutrition_targets import nutrition_target_set
from scheduling.models import Booking
from scheduling.services import notices
from scheduling.services.booking import session_book
from scheduling.services.setup import (
    SessionTypeDetails,
    Stretch,
    session_type_create,
    weekly_hours_set,
)
from tenants.models import Business
from tenants.routing import host_cache

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)  # a Wednesday, noon
FEW, MANY = 3, 12

# --- the pages --------------------------------------------------------------------------

# each navigation entry, by its route (and query)
NAVIGATION = list(
    dict.fromkeys(entry.url_name + entry.query for s in SECTIONS for entry in s.entries)
)


def _url(name: str, *args) -> str:
    return reverse(f"backoffice:{name}", args=args)


# the pages behind the lists, on the first busy client's rows: (route, the row it opens
# or None, a query)
DETAILS = {
    "profile": ("clients_client_profile", "client", ""),
    **{
        f"profile_{tab}": (f"clients_client_profile_{tab}", "client", "")
        for tab in ("training", "progress", "nutrition", "forms", "messages", "bookings")
        + ("billing", "notes")
    },
    "client_change": ("clients_client_change", "client", ""),
    "client_search": ("clients_client_changelist", None, "?q=busy"),
    "measurements": ("clients_measurement_client", "client", ""),
    "photos": ("clients_progressphoto_client", "client", ""),
    "assign_program": ("programs_programassignment_client", "client", ""),
    "builder": ("programs_program_builder", "program", ""),
    "checkin_review": ("clients_checkin_review", "checkin", ""),
    "workout_review": ("programs_workoutlog_review", "workout", ""),
    "conversation": ("messaging_thread", "thread", ""),
    "session": ("scheduling_appointment", "appointment", ""),
    "book": ("scheduling_book", None, ""),
    "own_calendar": ("scheduling_busy_calendar", None, ""),
    "meal_plan_build": ("programs_mealplan_build", "meal_plan", ""),
    "form_builder": ("clients_questionnaire_builder", "form", ""),
    "send_form": ("clients_send_form_choose", None, ""),
    "announcement_new": ("messaging_announcement_new", None, ""),
    "invoice": ("billing_invoice_change", "invoice", ""),
}
# pages found by a list's links: (the list's route, the address's pattern)
LINKED = {
    "library_entry": ("programs_exercise_changelist", r"^/admin/programs/exercise/[^/?]+/$"),
    "email_wording": ("email_settings", r"^/admin/notifications/email/[a-z_]+/$"),
}


def _detail_url(browser: Browser, page: str, rows: dict) -> str:
    if page in LINKED:
        route, pattern = LINKED[page]
        links = re.findall(r'href="([^"]+)"', browser.get(_url(route)).content.decode())
        return next(link for link in links if re.match(pattern, link))
    route, row, query = DETAILS[page]
    return _url(route, *([rows[row]] if row else [])) + query


# what a coach does not open (the owner keeps coaches out of billing, as by default)
NOT_FOR_COACHES = {
    "clients_checkinplan_changelist",
    "billing_product_changelist",
    "billing_purchase_changelist",
    "billing_invoice_changelist",
    "billing_payment_changelist",
    "billing_revenue",
    "billing_connect",
    "business_settings",
    "billing",
    "accounts_user_changelist",
    "auth_group_changelist",
    "email_settings",
    "billing_billingsettings_changelist",
    "billing_taxrate_changelist",
    "clients_auditentry_changelist",
    "billing_stripeevent_changelist",
    "profile_billing",
    "form_builder",
    "email_wording",
    "invoice",
}

# Queries per page, the chrome's included: the business, the session's user, the bell
# and the e-mail check for everyone; a coach also asks for their permissions (2), their
# role and the owner's billing switch. The larger of the owner's and the coach's count.
BUDGETS = {
    # navigation
    "index": 29,
    "clients_client_changelist": 13,
    "clients_client_changelist?status=lead": 12,
    "accounts_invitation_changelist": 11,
    "clients_tag_changelist": 11,
    "clients_transfer_import": 8,
    "scheduling_calendar": 15,
    "scheduling_booking_changelist": 14,
    "scheduling_appointment_changelist": 15,
    "scheduling_sessiontype_changelist": 12,
    "scheduling_weeklyhours_changelist": 11,
    "scheduling_timeoff_changelist": 11,
    "scheduling_busycalendar_changelist": 11,
    "scheduling_schedulingsettings_changelist": 10,
    "messaging_inbox": 10,
    "messaging_announcement_changelist": 13,
    "notifications": 10,
    "programs_program_changelist": 10,
    "programs_programassignment_changelist": 11,
    "programs_exercise_changelist": 9,
    "programs_generator": 9,
    "programs_workoutlog_changelist": 13,
    "programs_personalrecord_changelist": 13,
    "clients_checkin_queue": 11,
    "clients_questionnaire_changelist": 11,
    "clients_checkinplan_changelist": 7,
    "clients_response_held_list": 10,
    "programs_mealplan_changelist": 11,
    "programs_nutritiontarget_changelist": 13,
    "clients_habit_changelist": 11,
    "programs_food_changelist": 14,
    "billing_product_changelist": 8,
    "billing_purchase_changelist": 8,
    "billing_invoice_changelist": 9,
    "billing_payment_changelist": 7,
    "billing_revenue": 14,
    "billing_connect": 5,
    "business_settings": 4,
    "billing": 13,
    "accounts_user_changelist": 8,
    "auth_group_changelist": 7,
    "email_settings": 13,
    "notification_preferences": 10,
    "billing_billingsettings_changelist": 7,
    "billing_taxrate_changelist": 7,
    "clients_metric_changelist": 11,
    "clients_response_changelist": 13,
    "clients_auditentry_changelist": 9,
    "billing_stripeevent_changelist": 8,
    # behind the lists
    "profile": 18,
    "profile_training": 20,
    "profile_progress": 18,
    "profile_nutrition": 18,
    "profile_forms": 16,
    "profile_messages": 13,
    "profile_bookings": 14,
    "profile_billing": 10,
    "profile_notes": 17,
    "client_change": 13,
    "client_search": 14,
    "measurements": 13,
    "photos": 10,
    "assign_program": 14,
    "builder": 15,  # + where the client is in the program (programs.selectors.assignment)
    "checkin_review": 12,
    "workout_review": 11,
    "conversation": 16,
    "session": 12,
    "book": 11,
    "own_calendar": 11,
    "meal_plan_build": 16,
    "form_builder": 8,
    "send_form": 9,
    "announcement_new": 13,
    "library_entry": 8,
    "email_wording": 5,
    "invoice": 7,
}
PAGES = [*NAVIGATION, *DETAILS, *LINKED]

# --- the rows ---------------------------------------------------------------------------


def _busy_clients(*, coach: User, owner: User, first: int, count: int, setup: dict) -> None:
    """``count`` more clients of ``coach``, each with a row of everything (see the
    module's docstring)."""
    today = NOW.date()
    weight = Metric.objects.get(key="weight")
    for n in range(first, first + count):
        login = person_create(email=f"busy{n}@acme.test", role="client", first_name=f"Busy{n}")
        client = ClientFactory(
            user=login,
            first_name=f"Busy{n}",
            last_name="Client",
            email=login.email,
            primary_coach=coach,
            injuries="Left knee" if n % 2 else "",
        )
        client.tags.add(setup["tag"])
        work_for(client, tag=f"B{n}", now=NOW)
        with notices.silenced():
            session_book(
                client=client,
                session_type=setup["session_type"],
                coach=coach,
                starts_at=NOW + dt.timedelta(days=1 + n // 6, hours=-4 + n % 6),
                by=owner,
                now=NOW,
            )
        payment_record_offline(
            client=client,
            amount=setup["pack"].amount,
            method="cash",
            by=owner,
            product=setup["pack"],
            send=False,
        )
        Measurement.objects.create(
            client=client, metric=weight, value=Decimal("70.5"), measured_on=today
        )
        ClientNote.objects.create(client=client, author=coach, body=f"Note B{n}")
        habit_assign(client=client, name="Walk 8,000 steps", by=coach, starts_on=today)
        nutrition_target_set(
            client=client, calories=2000, protein_g=140, carbs_g=200, fat_g=70, by=coach
        )
        meal_plan_copy(plan=setup["meal_plan"], by=coach, client=client, name=f"Plan B{n}")


def _setup(*, coach: User, owner: User) -> dict:
    """What the busy clients share: a tag, a free session type the coach gives in his
    hours, a session pack, a meal plan."""
    tag = Tag.objects.create(name="Busy")
    session_type = session_type_create(
        by=owner,
        details=SessionTypeDetails(
            name="Busy PT", duration_minutes=60, payment="free", min_notice_minutes=0
        ),
        coaches=[coach],
    )
    weekly_hours_set(
        coach=coach,
        stretches=[Stretch(day, dt.time(6), dt.time(22)) for day in range(7)],
        by=coach,
    )
    pack = product_create(
        by=owner,
        details=ProductDetails(
            name="Busy pack",
            kind=Product.Kind.SESSION_PACK,
            amount=30000,
            sessions=5,
            valid_days=90,
        ),
    )
    meal_plan = meal_plan_create(name="Busy day", by=owner)
    return {"tag": tag, "session_type": session_type, "pack": pack, "meal_plan": meal_plan}


def _rows(client: Client) -> dict:
    """The ids the detail pages open: the first busy client's."""
    booking = Booking.objects.filter(client=client).first()
    return {
        "client": client.pk,
        "program": client.program_assignments.first().program_id,
        "checkin": Response.objects.filter(client=client).first().pk,
        "workout": WorkoutLog.objects.filter(client=client).first().pk,
        "thread": Thread.objects.filter(client=client).first().pk,
        "appointment": booking.appointment_id,
        "meal_plan": MealPlan.objects.filter(client__isnull=True).first().pk,
        "form": Questionnaire.objects.first().pk,
        "invoice": Invoice.objects.filter(client=client).first().pk,
    }


# --- counting ---------------------------------------------------------------------------


def _count(browser: Browser, url: str) -> tuple[object, int]:
    """The response to one GET and its queries, the route cache emptied first (its
    entries expire within seconds: counted or not, the business's query would come and
    go)."""
    host_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    return response, len(queries.captured_queries)


def _nav_urls(browser: Browser) -> set[str]:
    """The addresses a person's navigation offers (every section's entries)."""
    home = browser.get("/admin/").content.decode()
    nav = re.search(r'<nav id="mf-nav".*?</nav>', home, re.S).group(0)
    urls = set(re.findall(r'href="([^"]+)"', nav))
    for section in list(urls):
        page = browser.get(section).content.decode()
        urls |= set(
            re.findall(
                r'href="([^"]+)"', re.search(r'<nav id="mf-nav".*?</nav>', page, re.S).group(0)
            )
        )
    return urls


@pytest.fixture(scope="module")
def counted(django_db_setup, django_db_blocker) -> dict:
    """{(role, page): (status, queries with 3 clients, queries with 12)}; the coach's
    pages are all but ``NOT_FOR_COACHES``."""
    results: dict = {}
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        connection.set_schema_to_public()
        business = Business.objects.get(slug="acme")
        with transaction.atomic():
            with tenant_context(business):
                owner = User.objects.get(email="owner@acme.test")
                kai = person_create(email="kai@acme.test", role="coach", first_name="Kai")
                setup = _setup(coach=kai, owner=owner)
                _busy_clients(coach=kai, owner=owner, first=0, count=FEW, setup=setup)
                rows = _rows(Client.objects.get(first_name="Busy0"))
            browsers = {}
            for role, user in (("owner", owner), ("coach", kai)):
                browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
                with tenant_context(business):
                    browser.force_login(user)
                browsers[role] = browser
            urls: dict = {}
            for role, browser in browsers.items():
                offered = _nav_urls(browser)
                for page in PAGES:
                    if role == "coach" and page in NOT_FOR_COACHES:
                        continue
                    if page in DETAILS or page in LINKED:
                        url = _detail_url(browser, page, rows)
                    else:
                        name, _sep, query = page.partition("?")
                        url = _url(name) + (f"?{query}" if query else "")
                        if url not in offered:
                            results[role, page] = ("not in the navigation", 0, 0)
                            continue
                    response = browser.get(url)  # the first visit fills the caches
                    if response.status_code == 302 and response.url.startswith("/admin/"):
                        url = response.url  # a list of one row opens it
                        browser.get(url)
                    response, few = _count(browser, url)
                    urls[role, page] = url
                    results[role, page] = (response.status_code, few)
            with tenant_context(business):
                _busy_clients(coach=kai, owner=owner, first=FEW, count=MANY - FEW, setup=setup)
            for (role, page), url in urls.items():
                status, few = results[role, page]
                browsers[role].get(url)  # as warm as the first count (a cache may be new)
                results[role, page] = (status, few, _count(browsers[role], url)[1])
            transaction.set_rollback(True)
        connection.set_schema_to_public()
        host_cache.clear()
        cache_clear()  # the rows are gone: so are the sessions and figures made of them
    return results


def test_every_navigation_entry_has_a_budget():
    assert set(PAGES) == set(BUDGETS), set(PAGES) ^ set(BUDGETS)


@pytest.mark.parametrize(
    ("role", "page"),
    [("owner", page) for page in PAGES]
    + [("coach", page) for page in PAGES if page not in NOT_FOR_COACHES],
)
def test_the_page_stays_within_its_budget_however_many_clients(counted, role, page):
    status, few, many = counted[role, page]
    assert status == 200, f"{page} as {role}: {status}"
    assert few <= BUDGETS[page], f"{page} as {role}: {few} queries"
    assert many == few, f"{page} as {role}: {few} queries with {FEW} clients, {many} with {MANY}"
