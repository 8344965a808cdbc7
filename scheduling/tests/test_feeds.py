"""Private calendar feeds: a client's holds only their sessions, a coach's the sessions
they run with their clients' names; the address is the key, a new one kills the old,
and another business's address means nothing here. The portal and the back office
show each person their own."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context
from icalendar import Calendar

from scheduling.models import CalendarFeed, SessionType
from scheduling.services import booking as svc
from scheduling.services.feeds import (
    calendar_feed_get_or_create,
    calendar_feed_open,
    calendar_feed_renew,
    calendar_feed_text,
)

from .conftest import NOW, at
from .mailbox import Clock

pytestmark = pytest.mark.django_db


def _host(business) -> str:
    return f"{business.slug}.{settings.BASE_DOMAIN}"


def _browser(business, user=None) -> Browser:
    browser = Browser(HTTP_HOST=_host(business))
    if user is not None:
        browser.force_login(user)
    return browser


def _events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, NOW)


@pytest.fixture
def free(one_to_one):
    one_to_one.payment = SessionType.Payment.FREE
    one_to_one.save(update_fields=["payment"])
    return one_to_one


@pytest.fixture
def sessions(free, coach, other_coach, owner_user, cleo, dana, clock):
    """Kai runs Cleo's session on Tuesday and Dana's on Wednesday; Lou runs Dana's on
    Thursday; Cleo had one 20 days ago and one 40 days ago."""
    free.coaches.add(other_coach)

    def book(client, when, with_coach=coach, now=NOW):
        return svc.session_book(
            client=client,
            session_type=free,
            coach=with_coach,
            starts_at=when,
            by=owner_user,
            now=now,
        )

    return {
        "cleo": book(cleo, at(2, 10)),
        "dana": book(dana, at(3, 10)),
        "dana_lou": book(dana, at(4, 10), with_coach=other_coach),
        "cleo_20": book(cleo, NOW - dt.timedelta(days=20), now=NOW - dt.timedelta(days=21)),
        "cleo_40": book(cleo, NOW - dt.timedelta(days=40), now=NOW - dt.timedelta(days=41)),
    }


def test_a_clients_feed_holds_only_their_sessions_from_30_days_back(
    business, sessions, client_user, clock
):
    token = calendar_feed_get_or_create(user=client_user).token
    response = _browser(business).get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    assert "method" not in calendar and "Acme Strength" in str(calendar["x-wr-calname"])
    events = _events(response)
    assert sorted(e.decoded("dtstart").astimezone(dt.UTC) for e in events) == [
        NOW - dt.timedelta(days=20),
        at(2, 10),
    ]
    assert {str(e["summary"]) for e in events} == {"Personal training with Kai"}
    uid = f"appointment-{sessions['cleo'].appointment_id}@acme.{settings.BASE_DOMAIN}"
    assert uid in {str(e["uid"]) for e in events}


def test_a_coachs_feed_holds_the_sessions_they_run_with_client_names(
    business, sessions, coach, cleo, dana
):
    token = calendar_feed_get_or_create(user=coach).token
    events = _events(_browser(business).get(f"/calendar/{token}.ics"))
    summaries = [str(e["summary"]) for e in sorted(events, key=lambda e: e.decoded("dtstart"))]
    assert summaries == [
        f"Personal training · {cleo.full_name}",  # 20 days ago
        f"Personal training · {cleo.full_name}",
        f"Personal training · {dana.full_name}",
    ]  # not Lou's session with Dana, not the one 40 days ago


def test_a_cancelled_session_leaves_the_feed(business, sessions, client_user):
    svc.booking_cancel(booking=sessions["cleo"], by=client_user, now=NOW)
    token = calendar_feed_get_or_create(user=client_user).token
    assert len(_events(_browser(business).get(f"/calendar/{token}.ics"))) == 1


def test_a_wrong_token_is_not_found(business, tenant, client_user, cleo):
    calendar_feed_get_or_create(user=client_user)
    browser = _browser(business)
    assert browser.get("/calendar/not-a-token.ics").status_code == 404
    assert browser.get(f"/calendar/{'x' * 43}.ics").status_code == 404


def test_a_new_address_kills_the_old_one(business, tenant, client_user, cleo):
    old = calendar_feed_get_or_create(user=client_user).token
    assert calendar_feed_get_or_create(user=client_user).token == old  # the same until renewed
    new = calendar_feed_renew(user=client_user).token
    browser = _browser(business)
    assert new != old and len(new) >= 43
    assert browser.get(f"/calendar/{old}.ics").status_code == 404
    assert browser.get(f"/calendar/{new}.ics").status_code == 200


def test_another_businesss_address_is_not_found_here(business, other_business, tenant, cleo):
    from accounts.models import User

    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
        token = calendar_feed_get_or_create(user=zen_owner).token
    assert _browser(business).get(f"/calendar/{token}.ics").status_code == 404
    assert _browser(other_business).get(f"/calendar/{token}.ics").status_code == 200


def test_a_person_who_left_loses_their_feed(business, tenant, coach):
    token = calendar_feed_get_or_create(user=coach).token
    coach.is_active = False
    coach.save(update_fields=["is_active"])
    assert _browser(business).get(f"/calendar/{token}.ics").status_code == 404


def test_only_coaches_and_clients_with_a_record_have_a_feed(tenant):
    from django.core.exceptions import PermissionDenied

    from clients.tests.factories import person_create

    nora = person_create(email="nora@acme.test", role="client")  # no client record
    with pytest.raises(PermissionDenied):
        calendar_feed_get_or_create(user=nora)


def test_reading_is_written_down_at_most_every_few_minutes(tenant, client_user, cleo):
    feed = calendar_feed_get_or_create(user=client_user)
    calendar_feed_open(token=feed.token, now=NOW)
    calendar_feed_open(token=feed.token, now=NOW + dt.timedelta(minutes=4))
    feed.refresh_from_db()
    assert feed.last_read_at == NOW
    calendar_feed_open(token=feed.token, now=NOW + dt.timedelta(minutes=6))
    feed.refresh_from_db()
    assert feed.last_read_at == NOW + dt.timedelta(minutes=6)


def test_the_feed_runs_a_fixed_number_of_queries(
    sessions, coach, client_user, django_assert_num_queries
):
    coach_token = calendar_feed_get_or_create(user=coach).token
    client_token = calendar_feed_get_or_create(user=client_user).token

    def read(token):
        calendar_feed_text(feed=calendar_feed_open(token=token, now=NOW), now=NOW)

    # the feed, its stamp, the settings, the coach's sessions and their places
    with django_assert_num_queries(5):
        read(coach_token)
    # the feed, its stamp, the settings, the client's record, their places
    with django_assert_num_queries(5):
        read(client_token)


def test_the_portal_gives_the_client_their_address_and_a_new_one(
    business, frozen, tenant, cleo, client_user, cleo_browser
):
    page = cleo_browser.get("/sessions/")
    assert "Add to your calendar" in page.text and "Get my calendar address" in page.text
    made = cleo_browser.post("/sessions/calendar/", follow=True)
    token = CalendarFeed.objects.get(user=client_user).token
    url = f"http://acme.{settings.BASE_DOMAIN}"
    assert re.search(
        r'<label for="calendar-url">Your calendar address</label>\s*'
        r'<input type="text" id="calendar-url" value="[^"]+/calendar/' + re.escape(token),
        made.text,
    )
    assert f"/calendar/{token}.ics" in made.text and "webcal://" in made.text
    assert url.split("://")[1] in made.text
    cleo_browser.post("/sessions/calendar/", {"renew": "1"})
    assert CalendarFeed.objects.get(user=client_user).token != token


def test_the_back_office_shows_each_coach_their_own_address(
    business, tenant, coach, other_coach, owner_user
):
    kai = _browser(business, coach)
    page = kai.get("/admin/scheduling/calendar-feed/")
    assert page.status_code == 200 and "Get my calendar address" in page.text
    assert kai.post("/admin/scheduling/calendar-feed/").status_code == 302
    kais = CalendarFeed.objects.get(user=coach).token
    assert f"/calendar/{kais}.ics" in kai.get("/admin/scheduling/calendar-feed/").text
    lou = _browser(business, other_coach)
    assert kais not in lou.get("/admin/scheduling/calendar-feed/").text
    kai.post("/admin/scheduling/calendar-feed/", {"renew": "1"})
    assert CalendarFeed.objects.get(user=coach).token != kais


def test_clients_cannot_open_the_back_office_page(business, tenant, cleo, client_user):
    page = _browser(business, client_user).get("/admin/scheduling/calendar-feed/", follow=True)
    assert page.status_code == 403
