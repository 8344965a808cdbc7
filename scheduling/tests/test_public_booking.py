"""The public booking page (/book/): a prospect without an account picks a free intro
call, a day and a time in their own time zone, says who they are and books; they become
a lead. Limited per address and per e-mail, a hidden field for robots, CSRF on, and
PostgreSQL keeping one booking per time when two visitors race
(``test_public_booking_race.py``, committed transactions)."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client as Browser
from django.test import override_settings
from django_tenants.utils import tenant_context

from clients.models import Client
from scheduling.models import Booking, SessionType, WeeklyHours
from scheduling.services import booking as svc

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

VISITOR = {
    "name": "Pat Prospect",
    "email": "Pat@Example.test",
    "phone": "+44 7700 900123",
    "message": "I would like to run a half marathon.",
    "consent": "on",
}


def host(business) -> str:
    return f"{business.slug}.{settings.BASE_DOMAIN}"


@pytest.fixture
def visitor(tenant):
    return Browser(HTTP_HOST=host(tenant))


@pytest.fixture
def intro(tenant, coach):
    """A free 30-minute intro call with Kai, open to prospects."""
    kind = SessionType.objects.create(
        name="Intro call",
        description="Meet your coach.",
        duration_minutes=30,
        payment="free",
        is_public=True,
        location_kind="online",
        meeting_url="https://meet.example.test/kai",
    )
    kind.coaches.add(coach)
    return kind


@pytest.fixture(autouse=True)
def _fresh_limits():
    from mectofitness.testing import cache_clear

    cache_clear()
    yield
    cache_clear()


def book(visitor, kind, starts_at="2026-06-02T10:00:00+01:00", tz="Europe/London", **more):
    return visitor.post(
        f"/book/{kind.pk}/details/",
        {**VISITOR, "starts_at": starts_at, "tz": tz, **more},
    )


def test_the_page_lists_the_public_sessions_without_sign_in(
    frozen, visitor, intro, one_to_one, tenant
):
    page = visitor.get("/book/")
    assert page.status_code == 200
    assert "Intro call" in page.text and "Meet your coach." in page.text
    assert "Personal training" not in page.text  # costs a pack's session: not public
    assert f"Book a call with {tenant.name}" in page.text


def test_the_times_show_in_the_zone_the_visitor_picks(frozen, visitor, intro):
    london = visitor.get(f"/book/{intro.pk}/?day=2026-06-02")
    assert london.status_code == 200
    times = re.findall(r'class="mfs-time"[^>]*>(\d\d:\d\d)<', london.text)
    assert times[0] == "09:00" and times[-1] == "16:30"
    assert '<option value="Europe/London" selected>' in london.text
    assert "Times are in Europe/London." in london.text

    new_york = visitor.get(f"/book/{intro.pk}/?day=2026-06-02&tz=America/New_York")
    times = re.findall(r'class="mfs-time"[^>]*>(\d\d:\d\d)<', new_york.text)
    assert times[0] == "04:00" and times[-1] == "11:30"  # five hours behind London
    assert "Times are in America/New_York" in new_york.text
    link = re.search(r'href="(/book/\d+/details/\?[^"]+)"', new_york.text).group(1)
    assert "starts_at=2026-06-02T04%3A00%3A00-04%3A00" in link

    unknown = visitor.get(f"/book/{intro.pk}/?tz=Mars/Olympus")
    assert unknown.status_code == 200 and "Times are in Europe/London" in unknown.text


def test_a_prospect_books_and_becomes_a_lead(frozen, visitor, intro, coach, tenant):
    form = visitor.get(
        f"/book/{intro.pk}/details/?starts_at=2026-06-02T10%3A00%3A00%2B01%3A00&tz=Europe/London"
    )
    assert form.status_code == 200
    assert "Tuesday 2 June, 10:00–10:30" in form.text
    assert 'name="csrfmiddlewaretoken"' in form.text and "About you" in form.text

    done = book(visitor, intro)
    assert done.status_code == 303 and done["Location"].startswith("/book/booked/?t=")
    page = visitor.get(done["Location"])
    assert "You're booked" in page.text
    assert "Tuesday 2 June 2026, 10:00–10:30 (Europe/London)" in page.text
    assert "https://meet.example.test/kai" in page.text

    with tenant_context(tenant):
        lead = Client.objects.get(email="pat@example.test")
        assert (lead.status, lead.source) == ("lead", "website")
        assert (lead.first_name, lead.last_name) == ("Pat", "Prospect")
        assert lead.primary_coach == coach and lead.phone == "+44 7700 900123"
        assert lead.timezone == "Europe/London"
        booking = Booking.objects.select_related("appointment").get(client=lead)
        assert booking.starts_at == at(2, 10) and booking.booked_by is None
        assert booking.appointment.note == VISITOR["message"]
        assert booking.appointment.created_by is None


def test_the_confirmation_shows_the_time_in_the_chosen_zone(frozen, visitor, intro):
    done = book(visitor, intro, starts_at="2026-06-02T05:00:00-04:00", tz="America/New_York")
    page = visitor.get(done["Location"])
    assert "Tuesday 2 June 2026, 05:00–05:30 (America/New_York)" in page.text


def test_a_known_address_is_booked_for_its_client_and_told_the_same(
    frozen, visitor, intro, cleo, tenant
):
    cleo.email = "cleo@example.test"
    cleo.save()
    clients_before = Client.objects.count()
    done = book(visitor, intro, email="CLEO@example.test", name="Someone Else")
    assert done.status_code == 303
    page = visitor.get(done["Location"])
    assert "You're booked" in page.text and "Cleo" not in page.text
    with tenant_context(tenant):
        assert Client.objects.count() == clients_before
        cleo.refresh_from_db()
        assert cleo.first_name == "Cleo" and cleo.status != "lead"
        assert Booking.objects.get(appointment__session_type=intro).client == cleo


def test_a_session_not_open_to_prospects_is_not_found(frozen, visitor, one_to_one):
    assert visitor.get(f"/book/{one_to_one.pk}/").status_code == 404
    assert book(visitor, one_to_one).status_code == 404
    assert not Booking.objects.exists()


def test_a_session_that_costs_a_pack_can_never_be_public(tenant):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionType.objects.create(name="Paid intro", payment="credits", is_public=True)


def test_the_visitor_service_refuses_a_type_not_public(frozen, one_to_one, coach, cleo):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        svc.session_book_for_visitor(
            client=cleo, session_type=one_to_one, coach=coach, starts_at=at(2, 10), now=NOW
        )
    assert "session_type" in refused.value.message_dict


def test_another_businesss_session_type_is_not_found_here(frozen, visitor, intro, other_business):
    with tenant_context(other_business):
        theirs = SessionType.objects.create(name="Zen intro", payment="free", is_public=True)
        if theirs.pk == intro.pk:  # ids repeat across schemas: take one acme has not
            theirs = SessionType.objects.create(name="Zen intro 2", payment="free", is_public=True)
    assert not SessionType.objects.filter(pk=theirs.pk).exists()  # back at acme
    assert visitor.get(f"/book/{theirs.pk}/").status_code == 404
    assert book(visitor, theirs).status_code == 404
    assert "Zen intro" not in visitor.get("/book/").text


@override_settings(LEAD_RATE_LIMIT_PER_HOUR=1)
def test_bookings_are_limited_per_network_with_a_clear_429(frozen, visitor, intro, tenant):
    assert book(visitor, intro).status_code == 303
    again = book(visitor, intro, starts_at="2026-06-03T10:00:00+01:00", email="two@example.test")
    assert again.status_code == 429
    assert "Too many bookings from your network. Please try again in an hour." in again.text
    with tenant_context(tenant):
        assert Booking.objects.count() == 1
        assert not Client.objects.filter(email="two@example.test").exists()


@override_settings(LEAD_RATE_LIMIT_PER_HOUR=1)
def test_bookings_are_limited_per_email_address(frozen, intro, tenant):
    first = Browser(HTTP_HOST=host(tenant), REMOTE_ADDR="203.0.113.1")
    second = Browser(HTTP_HOST=host(tenant), REMOTE_ADDR="203.0.113.2")
    assert book(first, intro).status_code == 303
    again = book(second, intro, starts_at="2026-06-03T10:00:00+01:00", email="pat@EXAMPLE.test")
    assert again.status_code == 429
    assert "Too many bookings for this e-mail address" in again.text
    with tenant_context(tenant):
        assert Booking.objects.count() == 1


def test_the_hidden_field_keeps_nothing(frozen, visitor, intro, tenant):
    clients_before = Client.objects.count()
    done = book(visitor, intro, website="https://spam.example")
    assert done.status_code == 302 and done["Location"] == "/book/booked/"
    assert "Thank you" in visitor.get("/book/booked/").text
    with tenant_context(tenant):
        assert Client.objects.count() == clients_before and not Booking.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(frozen, intro, tenant):
    strict = Browser(HTTP_HOST=host(tenant), enforce_csrf_checks=True)
    answer = book(strict, intro)
    assert answer.status_code == 403
    with tenant_context(tenant):
        assert not Booking.objects.exists()


def test_missing_details_and_consent_are_field_errors(frozen, visitor, intro, tenant):
    answer = book(visitor, intro, name="", email="not-an-address", consent="")
    assert answer.status_code == 400
    assert "Please tell us your name." in answer.text
    assert "Enter an e-mail address like name@example.com." in answer.text
    assert "Please agree, so that we can book your call." in answer.text
    with tenant_context(tenant):
        assert not Booking.objects.exists()


def test_a_time_taken_meanwhile_says_so_and_offers_the_days_other_times(
    frozen, visitor, intro, coach, dana, tenant
):
    svc.session_book(
        client=dana, session_type=intro, coach=coach, starts_at=at(2, 10), by=coach, now=NOW
    )
    clients_before = Client.objects.count()
    answer = book(visitor, intro)
    assert answer.status_code == 409
    assert "That time was just taken. Please choose another." in answer.text
    assert "Choose a time on Tuesday 2 June" in answer.text
    others = re.findall(r'type="radio" name="starts_at"[^>]*value="([^"]+)"', answer.text)
    assert "2026-06-02T10:30:00+01:00" in others and "2026-06-02T10:00:00+01:00" not in others
    assert 'value="Pat Prospect"' in answer.text  # what they typed is kept
    with tenant_context(tenant):
        assert Client.objects.count() == clients_before  # no lead without a booking

    chosen = book(visitor, intro, starts_at="2026-06-02T10:30:00+01:00")
    assert chosen.status_code == 303


def test_a_known_clients_own_session_at_that_time_reads_as_taken(
    frozen, visitor, intro, one_to_one, coach, other_coach, cleo
):
    """Cleo has a session then (with Kai); a visitor typing her address to book Lou at
    that time is told it was taken, not that she is busy."""
    WeeklyHours.objects.create(coach=other_coach, weekday=1, starts=dt.time(9), ends=dt.time(17))
    intro.coaches.set([other_coach])
    cleo.email = "cleo@example.test"
    cleo.save()
    svc.session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=at(2, 10), by=coach, now=NOW
    )
    answer = book(visitor, intro, email="cleo@example.test")
    assert answer.status_code == 409
    assert "just taken" in answer.text and "already have" not in answer.text


def test_a_post_without_a_time_offers_the_days_times(frozen, visitor, intro):
    answer = visitor.post(
        f"/book/{intro.pk}/details/", {**VISITOR, "tz": "Europe/London", "day": "2026-06-02"}
    )
    assert answer.status_code == 400 and "Pick one of the times shown." in answer.text
    assert 'type="radio" name="starts_at"' in answer.text


def test_the_details_page_without_a_time_goes_back_to_the_times(frozen, visitor, intro):
    answer = visitor.get(f"/book/{intro.pk}/details/?tz=America/New_York")
    assert answer.status_code == 302
    assert answer["Location"] == f"/book/{intro.pk}/?tz=America%2FNew_York"


def test_the_confirmation_needs_its_token_from_this_business(
    frozen, visitor, intro, tenant, other_business
):
    done = book(visitor, intro)
    token_url = done["Location"]
    elsewhere = Browser(HTTP_HOST=host(other_business))
    assert "You're booked" not in elsewhere.get(token_url).text
    forged = visitor.get("/book/booked/?t=not-a-token")
    assert forged.status_code == 200 and "You're booked" not in forged.text


def test_the_pages_wear_the_business_brand_not_ours(frozen, visitor, intro, tenant):
    for url in ["/book/", f"/book/{intro.pk}/?day=2026-06-02"]:
        text = visitor.get(url).text
        assert tenant.name in text
        assert "MectoFitness" not in re.sub(r"Powered by[\s\S]{0,300}?MectoFitness", "", text)
        assert 'name="viewport"' in text


def _queries(visitor, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert visitor.get(url).status_code == 200
    # the host's business comes from a cache that lives a few seconds: not the page's
    return sum("tenants_domain" not in q["sql"] for q in captured.captured_queries)


def test_the_pages_run_the_same_queries_however_much_is_offered(
    frozen, visitor, intro, coach, other_coach, dana
):
    listed = _queries(visitor, "/book/")
    picked = _queries(visitor, f"/book/{intro.pk}/?day=2026-06-02")
    # the types; and the type, its coaches, then free_times' own (hours, time off, held)
    assert listed == 1 and picked <= 8
    for n in range(3):
        more = SessionType.objects.create(name=f"Intro {n}", payment="free", is_public=True)
        more.coaches.add(coach)
    intro.coaches.add(other_coach)
    for hour in (10, 12, 14):
        svc.session_book(
            client=dana, session_type=intro, coach=coach, starts_at=at(2, hour), by=coach, now=NOW
        )
    assert _queries(visitor, "/book/") == listed
    assert _queries(visitor, f"/book/{intro.pk}/?day=2026-06-02") == picked
