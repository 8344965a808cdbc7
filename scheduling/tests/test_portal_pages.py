"""The client's booking pages: see what can be booked, pick a day and a time, confirm,
move and cancel, a place in a class or on its waitlist; bad input gets a message."""

import re

import pytest
from django_tenants.utils import tenant_context

from scheduling.models import Booking

from .conftest import at, sessions_left

pytestmark = pytest.mark.django_db


def test_a_client_books_a_session_from_the_picker(
    frozen, tenant, one_to_one, hiit, cleo, cleo_browser
):
    page = cleo_browser.get("/sessions/")
    assert page.status_code == 200
    assert "Personal training" in page.text and "3 sessions" in page.text
    assert "Choose a time" in page.text

    picker = cleo_browser.get(f"/sessions/book/{one_to_one.pk}/?day=2026-06-02")
    assert picker.status_code == 200
    assert "Tuesday 2 June" in picker.text
    # London times: 09:00 is the first hour of Kai's day, 16:00 the last that fits
    times = re.findall(r'class="mfs-time"[^>]*>(\d\d:\d\d)<', picker.text)
    assert times[0] == "09:00" and times[-1] == "16:00"
    assert "Times are in Europe/London" in picker.text

    link = re.search(r'href="(/sessions/book/\d+/confirm/\?[^"]+)"', picker.text).group(1)
    confirm = cleo_browser.get(link.replace("&amp;", "&"))
    assert confirm.status_code == 200 and "Confirm your session" in confirm.text
    assert "09:00–10:00" in confirm.text and "(3 left)" in confirm.text

    done = cleo_browser.post(
        f"/sessions/book/{one_to_one.pk}/confirm/",
        {"starts_at": "2026-06-02T09:00:00+01:00", "coach": ""},
        follow=True,
    )
    assert "Booked: Personal training with Kai on Tuesday 2 June at 09:00." in done.text
    with tenant_context(tenant):
        booking = Booking.objects.get(client=cleo)
        assert booking.starts_at == at(2, 9) and sessions_left(cleo) == 2
    assert "Coming up" in done.text and "2 sessions" in done.text


def test_a_taken_or_made_up_time_gets_a_message_and_books_nothing(
    frozen, tenant, one_to_one, cleo, cleo_browser
):
    for value in ["yesterday", "2026-06-02T09:00:00", "2026-06-06T10:00:00+01:00"]:
        answer = cleo_browser.post(
            f"/sessions/book/{one_to_one.pk}/confirm/", {"starts_at": value}, follow=True
        )
        assert answer.status_code == 200
        assert "Pick one of the times shown." in answer.text or "not free" in answer.text
    with tenant_context(tenant):
        assert not Booking.objects.exists() and sessions_left(cleo) == 3


def test_a_client_without_sessions_is_sent_to_the_shop(
    frozen, tenant, one_to_one, cleo, cleo_browser, client_user
):
    from billing.models import Purchase

    with tenant_context(tenant):
        Purchase.objects.filter(client=cleo).update(sessions_used=3, status="used_up")
    page = cleo_browser.get("/sessions/")
    assert "You have no sessions left in a pack" in page.text and 'href="/shop/"' in page.text
    answer = cleo_browser.post(
        f"/sessions/book/{one_to_one.pk}/confirm/",
        {"starts_at": "2026-06-02T09:00:00+01:00"},
        follow=True,
    )
    assert "no sessions left" in answer.text
    with tenant_context(tenant):
        assert not Booking.objects.exists()


def test_a_client_moves_then_cancels_their_session(
    frozen, tenant, one_to_one, cleo, cleo_browser, client_user
):
    from scheduling.services.booking import session_book

    with tenant_context(tenant):
        booking = session_book(
            client=cleo,
            session_type=one_to_one,
            coach=one_to_one.coaches.get(),
            starts_at=at(3, 10),
            by=client_user,
        )
    picker = cleo_browser.get(f"/sessions/{booking.pk}/reschedule/?day=2026-06-04")
    assert "Move your session" in picker.text and "Move to Thursday 4 June at 11:00" in picker.text
    moved = cleo_browser.post(
        f"/sessions/{booking.pk}/reschedule/",
        {"starts_at": "2026-06-04T11:00:00+01:00"},
        follow=True,
    )
    assert "Moved to Thursday 4 June at 11:00." in moved.text
    ask = cleo_browser.get(f"/sessions/{booking.pk}/cancel/")
    assert "Cancel your session?" in ask.text and "goes back to your pack" in ask.text
    cleo_browser.post(f"/sessions/{booking.pk}/cancel/", {"reason": "Holiday"})
    with tenant_context(tenant):
        booking.refresh_from_db()
        assert booking.status == "cancelled" and booking.cancel_reason == "Holiday"
        assert sessions_left(cleo) == 3
    again = cleo_browser.get(f"/sessions/{booking.pk}/cancel/")
    assert "can no longer be cancelled here" in again.text


def test_a_late_cancellation_says_what_it_costs(
    frozen, tenant, one_to_one, cleo, cleo_browser, client_user
):
    from scheduling.services.booking import session_book

    with tenant_context(tenant):
        booking = session_book(
            client=cleo,
            session_type=one_to_one,
            coach=one_to_one.coaches.get(),
            starts_at=at(1, 14),
            by=client_user,
        )
    ask = cleo_browser.get(f"/sessions/{booking.pk}/cancel/")
    assert "not given back" in ask.text


def test_a_client_takes_a_place_in_a_class_then_waits_for_a_full_one(
    frozen, tenant, hiit, coach, cleo, dana, cleo_browser
):
    from scheduling.services.booking import class_join, class_schedule

    with tenant_context(tenant):
        hiit.payment = "free"
        hiit.save()
        open_class = class_schedule(session_type=hiit, coach=coach, starts_at=at(2, 18), by=coach)
        full = class_schedule(session_type=hiit, coach=coach, starts_at=at(4, 18), by=coach)
        class_join(appointment=full, client=dana, by=coach)
        from clients.tests.factories import ClientFactory

        class_join(appointment=full, client=ClientFactory(primary_coach=coach), by=coach)
    page = cleo_browser.get("/sessions/")
    assert "2 places left" in page.text and "Full" in page.text
    cleo_browser.post(f"/sessions/class/{open_class.pk}/")
    cleo_browser.post(f"/sessions/class/{full.pk}/", {"waitlist": "1"})
    after = cleo_browser.get("/sessions/")
    assert "Booked" in after.text and "On the waitlist" in after.text
    with tenant_context(tenant):
        assert Booking.objects.filter(client=cleo, appointment=open_class).exists()


def test_another_clients_booking_is_not_found(
    frozen, tenant, one_to_one, coach, dana, cleo_browser
):
    from scheduling.services.booking import session_book

    with tenant_context(tenant):
        theirs = session_book(
            client=dana, session_type=one_to_one, coach=coach, starts_at=at(3, 10), by=coach
        )
    assert cleo_browser.get(f"/sessions/{theirs.pk}/cancel/").status_code == 404
    assert cleo_browser.post(f"/sessions/{theirs.pk}/cancel/").status_code == 404
    assert cleo_browser.get(f"/sessions/{theirs.pk}/reschedule/").status_code == 404
    with tenant_context(tenant):
        theirs.refresh_from_db()
        assert theirs.status == "booked"
