"""One client's profile in the back office (issue 17, item 3): a header with the
essentials, the health flag and the actions; tabs that each load what they show; the
owner and the client's coaches open it, another coach is told it does not exist, a
client and another business never see it; each tab within a query budget.

Time is frozen (Wednesday 11 March 2026, 10:00 UTC): the demo's workouts, bookings
and check-ins are placed around "now"."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from billing.models import BillingSettings
from clients.tests.conftest import *  # noqa: F403  (coach, client_record, browsers, …)
from clients.tests.factories import ClientFactory, person_create
from messaging.models import Thread
from tenants.management.commands.demo_seed import demo_data_seed

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC)
TABS = ["", "training/", "progress/", "nutrition/", "forms/", "messages/", "bookings/"]
TABS += ["billing/", "notes/"]
TAB_LABELS = {
    "": "Overview",
    "training/": "Training",
    "progress/": "Progress",
    "nutrition/": "Nutrition and habits",
    "forms/": "Forms and check-ins",
    "messages/": "Messages",
    "bookings/": "Bookings",
    "billing/": "Billing",
    "notes/": "Notes and files",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW):
        yield


def profile(client, tab: str = "") -> str:
    return f"/admin/clients/client/{client.pk}/profile/{tab}"


def text_of(response) -> str:
    """The page's words, tags dropped, spaces squeezed (and a few entities read)."""
    page = response.content.decode()
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    words = re.sub(r"<[^>]+>", " ", page)
    for entity, char in (("&#x27;", "'"), ("&amp;", "&"), ("&quot;", '"'), ("&nbsp;", " ")):
        words = words.replace(entity, char)
    return re.sub(r"\s+", " ", words)


def current_tab(response) -> str:
    nav = response.content.decode().split('class="mf-profile__tabs"', 1)[1].split("</nav>")[0]
    return re.search(r'aria-current="page">([^<]+)<', nav).group(1)


def tab_labels(response) -> list[str]:
    nav = response.content.decode().split('class="mf-profile__tabs"', 1)[1].split("</nav>")[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.fixture
def health(business, client_record):
    with tenant_context(business):
        client_record.injuries = "Left knee: no deep lunges"
        client_record.medical_notes = "Asthma, carries an inhaler"
        client_record.save()
    return client_record


# --- who opens it ---------------------------------------------------------------------------


@pytest.mark.parametrize("tab", TABS)
def test_the_owner_opens_every_tab_with_it_marked(owner_client, client_record, tab):
    response = owner_client.get(profile(client_record, tab))
    assert response.status_code == 200
    assert current_tab(response) == TAB_LABELS[tab]
    assert "Cleo Martin" in text_of(response)


def test_the_clients_coach_opens_every_tab_but_billing(coach_browser, client_record):
    for tab in TABS:
        response = coach_browser.get(profile(client_record, tab))
        assert response.status_code == (403 if tab == "billing/" else 200), tab
        assert "Cleo Martin" in text_of(response)
    # billing is not offered to a coach the owner keeps out of it
    assert "Billing" not in tab_labels(coach_browser.get(profile(client_record)))


def test_a_coach_sees_billing_when_the_owner_lets_coaches(business, coach_browser, client_record):
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    response = coach_browser.get(profile(client_record, "billing/"))
    assert response.status_code == 200
    assert "Packages and payments" in text_of(response)
    assert "Billing" in tab_labels(response)


def test_billing_refused_says_who_may_let_a_coach_in(coach_browser, client_record):
    response = coach_browser.get(profile(client_record, "billing/"))
    assert response.status_code == 403
    assert "The owner can let coaches see their clients' billing" in text_of(response)


@pytest.mark.parametrize("tab", TABS)
def test_another_coach_is_told_the_client_does_not_exist(other_coach_browser, client_record, tab):
    assert other_coach_browser.get(profile(client_record, tab)).status_code == 404


def test_a_client_is_kept_out_of_the_back_office(client_browser, client_record):
    response = client_browser.get(profile(client_record), follow=True)
    assert response.status_code == 403
    assert 'class="mf-profile' not in response.content.decode()


def test_a_visitor_is_sent_to_sign_in(tenant_client, client_record):
    response = tenant_client.get(profile(client_record))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_business_sees_nothing_of_it(business, other_business, owner_client, client_record):
    """Zen's owner's session on acme's host is a stranger's; acme's owner opening the id of
    a zen client finds nothing of zen's."""
    with tenant_context(other_business):
        zen_owner = person_create(email="zen-owner@zen.test", role="owner", first_name="Zara")
        zed = ClientFactory(first_name="Zed", last_name="Elsewhere")
    zen = Browser(HTTP_HOST=f"{other_business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(other_business):
        zen.force_login(zen_owner)
    zen.defaults["HTTP_HOST"] = f"{business.slug}.{settings.BASE_DOMAIN}"
    response = zen.get(profile(client_record))
    assert response.status_code == 302 and "login" in response["Location"]
    response = owner_client.get(profile(zed))
    assert "Elsewhere" not in text_of(response)


# --- the header -----------------------------------------------------------------------------


def test_the_header_explains_the_health_flag_on_every_tab(coach_browser, health):
    for tab in ("", "training/", "notes/"):
        words = text_of(coach_browser.get(profile(health, tab)))
        assert "Health flag" in words
        assert "read them before you plan or change training" in words
        assert "Left knee: no deep lunges" in words and "Asthma, carries an inhaler" in words


def test_no_health_flag_without_injuries_or_medical_notes(coach_browser, client_record):
    assert "Health flag" not in text_of(coach_browser.get(profile(client_record)))


def test_the_header_has_the_essentials(business, coach, owner_client, client_record):
    with tenant_context(business):
        client_record.phone = "+44 7700 900123"
        client_record.status = "active"
        client_record.last_activity_at = NOW - dt.timedelta(days=2)
        client_record.save()
    words = text_of(owner_client.get(profile(client_record)))
    assert "Status Active" in words
    assert "Primary coach Cora" in words
    assert "Current program None" in words
    assert "cli@acme.test · +44 7700 900123" in words
    assert "Last activity 2 days ago" in words


def test_the_header_acts_message_book_assign_note_and_edit(owner_client, client_record):
    page = owner_client.get(profile(client_record)).content.decode()
    head = page.split('class="mf-profile__actions"', 1)[1].split("</header>", 1)[0]
    assert 'name="do" value="start"' in head  # no conversation yet: Message starts one
    assert f'href="/admin/scheduling/calendar/book/?client={client_record.pk}"' in head
    assert f'href="/admin/programs/programassignment/assign/?clients={client_record.pk}"' in head
    assert f'action="/admin/clients/client/{client_record.pk}/notes/"' in head
    assert f'href="/admin/clients/client/{client_record.pk}/change/">Edit details' in head
    # Cleo has a portal login: nobody invites her
    assert "Invite to the portal" not in head


def test_a_client_without_a_login_can_be_invited_from_the_header(business, coach_browser, coach):
    with tenant_context(business):
        lead = ClientFactory(first_name="Nina", email="nina@acme.test", primary_coach=coach)
    page = coach_browser.get(profile(lead)).content.decode()
    head = page.split('class="mf-profile__actions"', 1)[1].split("</header>", 1)[0]
    assert f'action="/admin/clients/client/{lead.pk}/invitation/"' in head
    assert "Invite to the portal" in head
    response = coach_browser.post(f"/admin/clients/client/{lead.pk}/invitation/", {"do": "invite"})
    assert response["Location"] == f"/admin/clients/client/{lead.pk}/profile/#portal"
    page = coach_browser.get(profile(lead)).content.decode()
    assert "Invite to the portal" not in page.split("</header>", 1)[0]  # invited now
    assert "Invited" in text_of(coach_browser.get(profile(lead)))


def test_message_starts_the_conversation_and_opens_it(business, coach_browser, client_record):
    response = coach_browser.post(profile(client_record, "messages/"), {"do": "start"})
    with tenant_context(business):
        thread = Thread.objects.get(client=client_record)
    assert response["Location"] == f"/admin/messaging/inbox/{thread.pk}/"
    page = coach_browser.get(profile(client_record)).content.decode()
    assert f'href="/admin/messaging/inbox/{thread.pk}/">Message' in page


def test_a_note_from_the_header_lands_on_the_notes_tab(coach_browser, client_record):
    note = {"body": "Knee felt fine on the bike.", "is_pinned": "1"}
    response = coach_browser.post(f"/admin/clients/client/{client_record.pk}/notes/", note)
    assert response["Location"] == f"/admin/clients/client/{client_record.pk}/profile/notes/#notes"
    words = text_of(coach_browser.get(profile(client_record, "notes/")))
    assert "Pinned · Cora" in words and "Knee felt fine on the bike." in words
    assert "Knee felt fine on the bike." in text_of(coach_browser.get(profile(client_record)))


def test_a_get_of_a_tab_changes_nothing_and_other_posts_are_refused(coach_browser, client_record):
    assert coach_browser.post(profile(client_record, "notes/"), {"do": "start"}).status_code == 405


# --- what links here ------------------------------------------------------------------------


def test_edit_details_leads_back_to_the_profile(owner_client, client_record):
    page = owner_client.get(f"/admin/clients/client/{client_record.pk}/change/").content.decode()
    assert f'href="/admin/clients/client/{client_record.pk}/profile/"' in page
    assert "Back to the profile of Cleo Martin" in text_of_page(page)


def text_of_page(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_quick_find_opens_the_profile(owner_client, client_record):
    found = owner_client.get("/admin/clients/client/find/", {"q": "Cleo"}).json()["results"]
    assert found[0]["url"] == f"/admin/clients/client/{client_record.pk}/profile/"


# --- with the demo's data: each tab's content, and its query budget -----------------------


@pytest.fixture
def demo(business, owner):
    """The demo's people and data at acme (as ``demo_seed`` makes them): Chloe, coached by
    Carlos, with a program, workouts, measurements, photos, forms and check-ins,
    nutrition, habits, messages, bookings and purchases."""
    with tenant_context(business):
        carlos = person_create(email="carlos@acme.test", role="coach", first_name="Carlos")
        login = person_create(email="chloe@acme.test", role="client", first_name="Chloe")
        login.last_name = "Nguyen"
        login.save()
        chloe = demo_data_seed(owner=owner, coach=carlos, client_user=login, roster=False)
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(carlos)
    return {"chloe": chloe, "carlos": browser}


# what each tab shows of Chloe (and nothing of the others)
SHOWS = {
    "": ["Old left wrist fracture", "About", "Program and schedule", "Next sessions"],
    "training/": ["Program and schedule", "Workouts and records", "Personal records"],
    "progress/": ["Log a measurement", "Photos", "Training progress"],
    "nutrition/": ["Daily targets", "Meal plan", "Habits"],
    "forms/": ["Intake answers", "Recent check-ins"],
    "messages/": ["Conversation", "Write to Chloe"],
    "bookings/": ["Coming up", "Past and cancelled", "1:1 Personal training"],
    "billing/": ["Packages and payments", "Invoices"],
    "notes/": ["Great progress on squats", "Pipeline", "Files", "Data and privacy"],
}
LEAVES_OUT = {
    "": ["Workouts and records", "Log a measurement", "Daily targets", "Packages and payments"],
    "training/": ["Log a measurement", "Daily targets", "Pipeline"],
    "progress/": ["Workouts and records", "Daily targets"],
    "nutrition/": ["Workouts and records", "Log a measurement"],
    "forms/": ["Workouts and records", "Daily targets"],
    "messages/": ["Workouts and records", "Pipeline"],
    "bookings/": ["Workouts and records", "Daily targets"],
    "billing/": ["Workouts and records", "Pipeline"],
    "notes/": ["Workouts and records", "Daily targets"],
}


def test_each_tab_shows_its_part_of_the_demo_client_and_no_other(demo, owner_client):
    chloe = demo["chloe"]
    for tab in TABS:
        words = text_of(owner_client.get(profile(chloe, tab)))
        for shown in SHOWS[tab]:
            assert shown in words, (tab, shown)
        for left in LEAVES_OUT[tab]:
            assert left not in words, (tab, left)
    # records and recent workouts are there to read, with the review a click away
    page = owner_client.get(profile(chloe, "training/")).content.decode()
    assert page.count("Review and comment") + page.count("Review · edit comment") >= 3
    assert "Estimated 1RM" in page


# Queries per tab with the demo's data, the chrome's included (the owner's and the coach's
# pages differ by a policy question or two). A budget that breaks means a tab grew a query
# per row or loaded another tab's data.
BUDGETS = {
    "": 20,
    "training/": 22,
    "progress/": 20,
    "nutrition/": 19,
    "forms/": 17,
    "messages/": 14,
    "bookings/": 14,
    "billing/": 14,
    "notes/": 17,
}


@pytest.mark.parametrize("who", ["owner", "coach"])
def test_each_tab_stays_within_its_query_budget(
    demo, owner_client, who, django_assert_max_num_queries
):
    browser = owner_client if who == "owner" else demo["carlos"]
    chloe = demo["chloe"]
    for tab in TABS:
        if who == "coach" and tab == "billing/":
            continue
        browser.get(profile(chloe, tab))  # the first visit fills the session's caches
        with django_assert_max_num_queries(BUDGETS[tab]):
            assert browser.get(profile(chloe, tab)).status_code == 200
