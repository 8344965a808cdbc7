"""A coach's own calendar: read from a real HTTP server (a local ``http.server``
serving ICS text) through the real client code; its busy times kept out of the free
slots; a failed read keeps what was read before; ETag answers cost nothing; only the
coach (or the owner) sets it; beat's fan-out reads every business's calendars."""

import datetime as dt
import socket
import threading
import time
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from scheduling.models import BusyCalendar, BusyTime
from scheduling.selectors import free_days, free_times, is_free
from scheduling.services import busy
from scheduling.services.busy import (
    busy_calendar_check,
    busy_calendar_poll,
    busy_calendar_remove,
    busy_calendar_save,
)

from .conftest import NOW, UTC, at

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")

# Kai's calendar at acme (London): Tuesdays 10:00-11:00 for eight weeks but not 9 June;
# all of Wednesday 3 June; a "free" event on Thursday; a cancelled one on Friday at
# 10:00; a floating (zone-less) 14:00-15:00 on Friday, read on the business's clock
KAI_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Busy//EN
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260501T000000Z
DTSTART;TZID=Europe/London:20260602T100000
DTEND;TZID=Europe/London:20260602T110000
RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=8
EXDATE;TZID=Europe/London:20260609T100000
SUMMARY:Physio (private)
END:VEVENT
BEGIN:VEVENT
UID:allday@test
DTSTAMP:20260501T000000Z
DTSTART;VALUE=DATE:20260603
DTEND;VALUE=DATE:20260604
SUMMARY:Holiday
END:VEVENT
BEGIN:VEVENT
UID:free@test
DTSTAMP:20260501T000000Z
DTSTART;TZID=Europe/London:20260604T100000
DTEND;TZID=Europe/London:20260604T110000
TRANSP:TRANSPARENT
SUMMARY:Reminder only
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
DTSTAMP:20260501T000000Z
DTSTART;TZID=Europe/London:20260605T100000
DTEND;TZID=Europe/London:20260605T110000
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:floating@test
DTSTAMP:20260501T000000Z
DTSTART:20260605T140000
DTEND:20260605T150000
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")

# a weekly call at 09:00 New York time through March 2026: the US moves its clocks on
# 8 March, the EU on 29 March; in between, New York is 4 hours behind London, not 5
NEW_YORK_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Busy//EN
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:ny@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=America/New_York:20260302T090000
DTEND;TZID=America/New_York:20260302T100000
RRULE:FREQ=WEEKLY;UNTIL=20260331T000000Z
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


class IcsHost:
    """A calendar host: serves ``body`` with ``etag`` (a matching If-None-Match gets 304),
    or ``status`` when it is not 200, after ``delay`` seconds. ``seen`` keeps each
    request's If-None-Match."""

    def __init__(self, body: str = KAI_ICS):
        self.body, self.etag, self.status, self.delay = body, '"v1"', 200, 0.0
        self.seen: list[str | None] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                host.seen.append(self.headers.get("If-None-Match"))
                time.sleep(host.delay)
                if host.status != 200:
                    self.send_response(host.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if host.etag and self.headers.get("If-None-Match") == host.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                data = host.body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if host.etag:
                    self.send_header("ETag", host.etag)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/private/basic.ics"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ics():
    host = IcsHost()
    yield host
    host.close()


@pytest.fixture
def kai_calendar(tenant, coach, ics):
    """Kai's calendar, saved but not read yet."""
    return BusyCalendar.objects.create(coach=coach, url=ics.url)


def _busy(coach) -> list[tuple[dt.datetime, dt.datetime]]:
    return list(BusyTime.objects.filter(coach=coach).values_list("starts_at", "ends_at"))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- reading the calendar -----------------------------------------------------------------


def test_reading_a_calendar_keeps_its_busy_times_for_the_next_60_days(kai_calendar, coach):
    calendar = busy_calendar_poll(calendar=kai_calendar, now=NOW)
    assert calendar.error == "" and calendar.polled_at == NOW and calendar.etag == '"v1"'
    tuesdays = [(at(d, 10), at(d, 11)) for d in (2, 16, 23, 30)]
    july = [
        (dt.datetime(2026, 7, d, 9, tzinfo=UTC), dt.datetime(2026, 7, d, 10, tzinfo=UTC))
        for d in (7, 14, 21)
    ]
    # Wednesday 3 June, the whole day on London's clock (BST: 23:00 UTC the day before)
    wednesday = (dt.datetime(2026, 6, 2, 23, tzinfo=UTC), dt.datetime(2026, 6, 3, 23, tzinfo=UTC))
    floating = (at(5, 14), at(5, 15))  # 14:00 London, as the business reads it
    assert _busy(coach) == sorted([tuesdays[0], wednesday, floating, *tuesdays[1:], *july])


def test_the_free_times_leave_out_what_the_coach_s_own_calendar_says_is_busy(
    kai_calendar, coach, one_to_one
):
    busy_calendar_poll(calendar=kai_calendar, now=NOW)

    def free(day):
        return free_times(
            session_type=one_to_one, coach=coach, start=at(day, 8), end=at(day, 18), now=NOW
        )

    # Tuesday: 10:00-11:00 busy; an hour's session and its 15 minutes after must clear it
    assert at(2, 9) not in free(2) and at(2, 10, 30) not in free(2)
    assert at(2, 11) in free(2) and at(2, 16) in free(2)
    assert at(9, 10) in free(9)  # the Tuesday left out of the series (EXDATE)
    assert free(3) == []  # the all-day event
    assert at(4, 10) in free(4)  # the event marked free (TRANSP:TRANSPARENT)
    assert at(5, 10) in free(5)  # the cancelled event
    assert at(5, 13, 30) not in free(5) and at(5, 15) in free(5)  # the floating event
    assert not is_free(session_type=one_to_one, coach=coach, starts_at=at(2, 10), now=NOW)
    assert is_free(session_type=one_to_one, coach=coach, starts_at=at(2, 11), now=NOW)
    days = free_days(session_type=one_to_one, coach=coach, now=NOW, tz=LONDON)
    assert days[dt.date(2026, 6, 3)] == [] and days[dt.date(2026, 6, 4)]


def test_a_new_york_event_keeps_its_own_clock_across_the_weeks_the_us_and_eu_differ(
    tenant, coach, ics
):
    ics.body = NEW_YORK_ICS
    calendar = BusyCalendar.objects.create(coach=coach, url=ics.url)
    now = dt.datetime(2026, 2, 27, 12, tzinfo=UTC)
    assert busy_calendar_poll(calendar=calendar, now=now).error == ""
    starts = [a for a, _b in _busy(coach)]
    assert starts == [
        dt.datetime(2026, 3, 2, 14, tzinfo=UTC),  # EST: 09:00 is 14:00 in London
        dt.datetime(2026, 3, 9, 13, tzinfo=UTC),  # EDT, London still GMT: 13:00
        dt.datetime(2026, 3, 16, 13, tzinfo=UTC),
        dt.datetime(2026, 3, 23, 13, tzinfo=UTC),
        dt.datetime(2026, 3, 30, 13, tzinfo=UTC),  # both on summer time: 14:00 BST
    ]


def test_an_unchanged_calendar_answers_304_and_its_busy_times_stay(kai_calendar, coach, ics):
    busy_calendar_poll(calendar=kai_calendar, now=NOW)
    before = _busy(coach)
    ics.body = KAI_ICS.replace("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=8\r\n", "")  # same ETag
    later = NOW + dt.timedelta(minutes=20)
    calendar = busy_calendar_poll(calendar=BusyCalendar.objects.get(), now=later)
    assert ics.seen == [None, '"v1"']  # the second read sent the ETag and got a 304
    assert calendar.polled_at == later and calendar.error == ""
    assert _busy(coach) == before


def test_a_changed_calendar_replaces_the_busy_times(kai_calendar, coach, ics):
    busy_calendar_poll(calendar=kai_calendar, now=NOW)
    ics.body, ics.etag = KAI_ICS.replace("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=8\r\n", ""), '"v2"'
    calendar = busy_calendar_poll(calendar=BusyCalendar.objects.get(), now=NOW)
    assert calendar.etag == '"v2"'
    assert (at(16, 10), at(16, 11)) not in _busy(coach) and (at(2, 10), at(2, 11)) in _busy(coach)


@pytest.mark.parametrize(
    ("break_it", "says"),
    [
        (lambda ics: setattr(ics, "url", f"http://127.0.0.1:{_closed_port()}/x.ics"), "reached"),
        (lambda ics: setattr(ics, "status", 500), "HTTP 500"),
        (lambda ics: setattr(ics, "body", "<html>Sign in</html>"), "does not give a calendar"),
    ],
    ids=["unreachable", "server-error", "not-a-calendar"],
)
def test_a_calendar_that_cannot_be_read_says_why_and_keeps_the_busy_times(
    kai_calendar, coach, ics, break_it, says
):
    busy_calendar_poll(calendar=kai_calendar, now=NOW)
    before = _busy(coach)
    ics.etag = ""  # no 304 to hide behind
    break_it(ics)
    BusyCalendar.objects.filter(pk=kai_calendar.pk).update(url=ics.url)
    later = NOW + dt.timedelta(minutes=15)
    calendar = busy_calendar_poll(calendar=BusyCalendar.objects.get(), now=later)
    assert says in calendar.error
    assert calendar.polled_at == later
    assert _busy(coach) == before and before


def test_a_calendar_that_answers_too_slowly_is_cut_off(kai_calendar, coach, ics, monkeypatch):
    monkeypatch.setattr(busy, "FETCH_SECONDS", 0.3)
    ics.delay = 1.0
    calendar = busy_calendar_poll(calendar=kai_calendar, now=NOW)
    assert "did not answer" in calendar.error and _busy(coach) == []


def test_a_calendar_larger_than_the_cap_is_refused(kai_calendar, coach, monkeypatch):
    monkeypatch.setattr(busy, "MAX_BYTES", 200)
    calendar = busy_calendar_poll(calendar=kai_calendar, now=NOW)
    assert "larger than" in calendar.error and _busy(coach) == []


# --- who sets it ----------------------------------------------------------------------------


def test_saving_a_calendar_reads_it_once_the_save_commits(
    tenant, coach, ics, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        calendar = busy_calendar_save(coach=coach, url=ics.url, by=coach)
    calendar.refresh_from_db()
    assert calendar.polled_at == NOW and calendar.error == ""
    assert (at(2, 10), at(2, 11)) in _busy(coach)


def test_a_coach_cannot_set_another_coach_s_calendar_and_a_client_none(
    tenant, coach, other_coach, client_user, ics
):
    with pytest.raises(PermissionDenied):
        busy_calendar_save(coach=other_coach, url=ics.url, by=coach)
    with pytest.raises(PermissionDenied):
        busy_calendar_save(coach=client_user, url=ics.url, by=client_user)
    busy_calendar_save(coach=coach, url=ics.url, by=coach)
    with pytest.raises(PermissionDenied):
        busy_calendar_remove(coach=coach, by=other_coach)
    with pytest.raises(PermissionDenied):
        busy_calendar_check(coach=coach, by=other_coach, now=NOW)
    assert BusyCalendar.objects.filter(coach=coach).exists()


def test_the_owner_sets_and_removes_a_coach_s_calendar(tenant, owner_user, coach, ics):
    busy_calendar_save(coach=coach, url=ics.url, by=owner_user)
    busy_calendar_check(coach=coach, by=owner_user, now=NOW)
    assert _busy(coach)
    assert busy_calendar_remove(coach=coach, by=owner_user) is True
    assert not BusyCalendar.objects.exists() and _busy(coach) == []


@pytest.mark.parametrize(
    "url", ["", "ftp://calendar.example/x.ics", "file:///etc/passwd", "not an address"]
)
def test_only_an_http_address_is_taken(tenant, coach, url):
    with pytest.raises(ValidationError) as refused:
        busy_calendar_save(coach=coach, url=url, by=coach)
    assert "url" in refused.value.message_dict


def test_a_webcal_address_is_read_over_https(tenant, coach):
    calendar = busy_calendar_save(
        coach=coach, url=" webcal://p01-caldav.icloud.com/published/2/abc ", by=coach
    )
    assert calendar.url == "https://p01-caldav.icloud.com/published/2/abc"


def test_a_new_address_starts_afresh_and_keeps_the_old_busy_times_until_read(
    kai_calendar, coach, ics
):
    busy_calendar_poll(calendar=kai_calendar, now=NOW)
    calendar = busy_calendar_save(coach=coach, url=ics.url + "?v=2", by=coach)
    assert calendar.etag == "" and calendar.polled_at is None
    assert _busy(coach)


# --- the worker ---------------------------------------------------------------------------


def test_beat_fans_out_to_every_open_business_and_reads_the_calendars_due(
    business, other_business, tenant, coach, other_coach, ics, frozen,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from django_celery_beat.models import PeriodicTask

    from clients.tests.factories import person_create
    from scheduling.tasks import busy_calendars_poll_fanout_task
    from tenants.models import Business

    beat = PeriodicTask.objects.get(task="scheduling.tasks.busy_calendars_poll_fanout_task")
    assert beat.enabled and (beat.interval.every, beat.interval.period) == (15, "minutes")
    due = BusyCalendar.objects.create(coach=coach, url=ics.url)
    recent = BusyCalendar.objects.create(
        coach=other_coach, url=ics.url, polled_at=NOW - dt.timedelta(minutes=5)
    )
    with tenant_context(other_business):
        zen_coach = person_create(email="zeno@zen.test", role="coach", first_name="Zeno")
        theirs = BusyCalendar.objects.create(coach=zen_coach, url=ics.url)
    open_businesses = Business.objects.exclude(status__in=list(Business.LOCKED_STATUSES)).exclude(
        schema_name="public"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert busy_calendars_poll_fanout_task() == open_businesses.count()
    with tenant_context(business):
        assert BusyCalendar.objects.get(pk=due.pk).polled_at == NOW
        assert BusyCalendar.objects.get(pk=recent.pk).polled_at == NOW - dt.timedelta(minutes=5)
        assert BusyTime.objects.filter(coach=coach).exists()
        assert not BusyTime.objects.filter(coach=other_coach).exists()
    with tenant_context(other_business):
        assert BusyCalendar.objects.get(pk=theirs.pk).polled_at == NOW
        assert BusyTime.objects.filter(coach=zen_coach).exists()


def test_a_calendar_read_a_quarter_hour_ago_is_due_again(kai_calendar):
    BusyCalendar.objects.filter(pk=kai_calendar.pk).update(polled_at=NOW - dt.timedelta(minutes=15))
    assert busy.busy_calendars_due(now=NOW) == [kai_calendar.pk]
    BusyCalendar.objects.filter(pk=kai_calendar.pk).update(polled_at=NOW - dt.timedelta(minutes=10))
    assert busy.busy_calendars_due(now=NOW) == []


# --- the back-office page -------------------------------------------------------------------


def _browser(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    browser.force_login(user)
    return browser


PAGE = "/admin/scheduling/own-calendar/"


def test_a_coach_pastes_their_address_on_the_page_and_sees_when_it_was_read(
    business, tenant, coach, ics, frozen, django_capture_on_commit_callbacks
):
    kai = _browser(business, coach)
    page = kai.get(PAGE)
    assert page.status_code == 200
    assert '<label for="id_url" class="required">Private calendar address (ICS):</label>' in (
        page.text
    )
    with django_capture_on_commit_callbacks(execute=True):
        saved = kai.post(PAGE, {"action": "save", "url": ics.url})
    assert saved.status_code == 302 and saved["Location"] == PAGE
    page = kai.get(PAGE)
    assert "Last read" in page.text and "Check now" in page.text and "Remove" in page.text
    assert "June 1, 2026, 8 a.m." in page.text  # NOW, on the business's clock
    assert BusyCalendar.objects.get(coach=coach).url == ics.url


def test_the_page_shows_a_bad_address_as_a_form_error(business, tenant, coach):
    page = _browser(business, coach).post(PAGE, {"action": "save", "url": "ftp://x.example/a"})
    assert page.status_code == 400
    assert "starts with https://" in page.text
    assert not BusyCalendar.objects.exists()


def test_check_now_shows_why_a_calendar_could_not_be_read(business, tenant, coach, ics, frozen):
    BusyCalendar.objects.create(coach=coach, url=ics.url)
    ics.status = 404
    kai = _browser(business, coach)
    response = kai.post(PAGE, {"action": "check"}, follow=True)
    assert "HTTP 404" in response.text and "The busy times read before are kept" in response.text
    kai.post(PAGE, {"action": "remove"})
    assert not BusyCalendar.objects.exists()


def test_a_coach_cannot_open_another_coach_s_calendar_but_the_owner_can(
    business, tenant, coach, other_coach, owner_user, ics
):
    BusyCalendar.objects.create(coach=other_coach, url=ics.url)
    kai = _browser(business, coach)
    assert kai.get(f"{PAGE}?coach={other_coach.pk}").status_code == 404
    assert kai.post(f"{PAGE}?coach={other_coach.pk}", {"action": "remove"}).status_code == 404
    assert BusyCalendar.objects.filter(coach=other_coach).exists()
    owner = _browser(business, owner_user)
    page = owner.get(f"{PAGE}?coach={other_coach.pk}")
    assert page.status_code == 200 and "Every coach" in page.text and ics.url in page.text
    owner.post(f"{PAGE}?coach={other_coach.pk}", {"action": "remove"})
    assert not BusyCalendar.objects.filter(coach=other_coach).exists()


def test_the_lists_own_calendars_entry_opens_the_page(business, tenant, coach):
    response = _browser(business, coach).get("/admin/scheduling/busycalendar/")
    assert response.status_code == 302 and response["Location"] == PAGE
