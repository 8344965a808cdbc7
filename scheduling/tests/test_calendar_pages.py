"""The back office's calendar: a coach's week, the owner's whole business, booking for a
client, moving a session by the form and by a drop (JSON), attendance and cancelling on
the session's page; the wrong role and the wrong coach get nothing."""

import re

import pytest
from django.conf import settings
from django.test import Client as Browser

from scheduling.models import Appointment, Booking
from scheduling.services.booking import session_book

from .conftest import NOW, at, sessions_left

pytestmark = pytest.mark.django_db


def _browser(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    browser.force_login(user)
    return browser


@pytest.fixture
def kai(business, coach):
    return _browser(business, coach)


@pytest.fixture
def booked(tenant, one_to_one, coach, cleo):
    """Cleo's session with Kai on Tuesday 2 June, 10:00 London time."""
    return session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=at(2, 10), by=coach, now=NOW
    )


def test_a_coach_sees_their_week_with_each_session_placed_on_the_clock(
    frozen, tenant, kai, booked, other_coach, one_to_one, dana, owner_user
):
    one_to_one.coaches.add(other_coach)
    session_book(
        client=dana, session_type=one_to_one, coach=other_coach, starts_at=at(3, 9), by=owner_user
    )
    page = kai.get("/admin/scheduling/calendar/?date=2026-06-03")
    assert page.status_code == 200
    text = page.text
    assert "1 Jun – 7 Jun 2026" in text and "Times are in Europe/London" in text
    # Cleo's session: 10:00-11:00 London; the grid runs 07:00-20:00 (13 hours), so it
    # starts 3/13 of the way down and is 1/13 tall
    assert "10:00–11:00" in text and "Cleo" in text
    assert re.search(r"#ev-2-1\{top:23\.08%;height:7\.69%;left:0\.00%;width:100\.00%\}", text)
    # Kai's working hours (09:00-17:00) are drawn on his weekdays, not at the weekend
    assert re.search(r"#open-1-1\{top:15\.38%;height:61\.54%\}", text)
    assert "#open-6-1" not in text
    # Lou's session with Dana is not on Kai's calendar, and he cannot ask for Lou's
    assert "Dana" not in text
    assert "Dana" not in kai.get(f"/admin/scheduling/calendar/?coach={other_coach.pk}").text
    assert 'name="coach"' not in text  # no "calendar of" picker for a coach


def test_the_owner_sees_everyone_side_by_side_on_a_day(
    frozen, tenant, booked, other_coach, one_to_one, dana, owner_user
):
    one_to_one.coaches.add(other_coach)
    session_book(
        client=dana, session_type=one_to_one, coach=other_coach, starts_at=at(2, 10), by=owner_user
    )
    owner = _browser(tenant, owner_user)
    page = owner.get("/admin/scheduling/calendar/?view=day&date=2026-06-02&coach=all").text
    assert "Tuesday 2 June 2026" in page
    assert "Cleo" in page and "Dana" in page
    assert ">Kai" in page and ">Lou" in page  # one column per coach
    # the week of everyone puts the two 10:00 sessions side by side in Tuesday's column
    week = owner.get("/admin/scheduling/calendar/?date=2026-06-02&coach=all").text
    assert re.search(r"#ev-2-1\{[^}]*left:0\.00%;width:50\.00%\}", week)
    assert re.search(r"#ev-2-2\{[^}]*left:50\.00%;width:50\.00%\}", week)


def test_a_coach_books_a_session_for_a_client_and_it_draws_from_the_pack(
    frozen, tenant, kai, one_to_one, coach, cleo
):
    form = kai.get(f"/admin/scheduling/calendar/book/?day=2026-06-04&time=14:00&coach={coach.pk}")
    assert form.status_code == 200 and 'value="2026-06-04"' in form.text
    data = {
        "client": cleo.pk,
        "session_type": one_to_one.pk,
        "coach": coach.pk,
        "day": "2026-06-04",
        "time": "14:00",
        "weeks": 1,
        "note": "Bring shoes",
    }
    done = kai.post("/admin/scheduling/calendar/book/", data, follow=True)
    assert done.status_code == 200
    assert "Booked: Personal training, Thu 4 Jun 14:00." in done.text
    booking = Booking.objects.get(client=cleo)
    assert booking.starts_at == at(4, 14) and booking.appointment.note == "Bring shoes"
    assert sessions_left(cleo) == 2

    # the same time again: refused by the database, shown on the form, nothing saved
    again = kai.post("/admin/scheduling/calendar/book/", data)
    assert again.status_code == 400
    assert "That time was just taken" in again.text or "already have a session" in again.text
    assert Booking.objects.count() == 1 and sessions_left(cleo) == 2


def test_the_book_form_explains_what_is_wrong(frozen, tenant, kai, one_to_one, coach, cleo):
    cases = [
        ({"client": ""}, "Choose who the session is for."),
        ({"day": "2026-05-31", "time": "10:00"}, "That time has passed."),
        # the clocks go forward in London at 01:00 on 28 March 2027
        ({"day": "2027-03-28", "time": "01:30"}, "The clocks go forward at that time"),
        ({"time": "25:00"}, "Enter a valid time."),
    ]
    base = {
        "client": cleo.pk,
        "session_type": one_to_one.pk,
        "coach": coach.pk,
        "day": "2026-06-04",
        "time": "14:00",
        "weeks": 1,
    }
    for change, message in cases:
        answer = kai.post("/admin/scheduling/calendar/book/", base | change)
        assert answer.status_code == 400, change
        assert message in answer.text, change
    assert not Booking.objects.exists() and sessions_left(cleo) == 3


def test_a_coach_puts_a_class_on_the_calendar_and_adds_a_client(
    frozen, tenant, kai, hiit, coach, cleo, dana
):
    data = {"session_type": hiit.pk, "coach": coach.pk, "day": "2026-06-05", "time": "18:00"}
    done = kai.post("/admin/scheduling/calendar/book/", data | {"weeks": 1}, follow=True)
    appointment = Appointment.objects.get(session_type=hiit)
    assert appointment.capacity == 2 and appointment.booked == 0
    assert "Roster" in done.text and "No one has a place yet." in done.text
    page = f"/admin/scheduling/calendar/{appointment.pk}/"
    kai.post(page, {"action": "join", "join-client": cleo.pk})
    after = kai.get(page).text
    assert "1 of 2 taken" in after and "Cleo" in after
    appointment.refresh_from_db()
    assert appointment.booked == 1 and sessions_left(cleo) == 2


def test_a_session_moves_by_the_form_and_by_a_drop(
    frozen, tenant, kai, booked, coach, one_to_one, dana
):
    page = f"/admin/scheduling/calendar/{booked.appointment_id}/"
    assert "Move this session" in kai.get(page).text

    moved = kai.post(
        f"{page}move/", {"day": "2026-06-02", "time": "15:30", "coach": coach.pk}, follow=True
    )
    assert "Moved to Personal training, Tue 2 Jun 15:30." in moved.text
    booked.refresh_from_db()
    assert booked.starts_at == at(2, 15, 30)

    # a drop on the calendar asks for JSON
    dropped = kai.post(
        f"{page}move/",
        {"day": "2026-06-03", "time": "11:00", "coach": coach.pk},
        HTTP_ACCEPT="application/json",
    )
    assert dropped.status_code == 200 and dropped.json()["ok"] is True
    booked.refresh_from_db()
    assert booked.starts_at == at(3, 11) and booked.appointment.starts_at == at(3, 11)

    # onto another session (with its 15 minutes after): refused, nothing moves
    session_book(client=dana, session_type=one_to_one, coach=coach, starts_at=at(3, 13), by=coach)
    clash = kai.post(
        f"{page}move/",
        {"day": "2026-06-03", "time": "12:30", "coach": coach.pk},
        HTTP_ACCEPT="application/json",
    )
    assert clash.status_code == 400
    assert "That time was just taken" in " ".join(clash.json()["errors"]["__all__"])
    booked.refresh_from_db()
    assert booked.starts_at == at(3, 11) and sessions_left(booked.client) == 2


def test_attendance_and_cancelling_on_the_session_page(
    frozen, monkeypatch, tenant, kai, booked, cleo
):
    page = f"/admin/scheduling/calendar/{booked.appointment_id}/"
    # before the session: cancel (inside the window: the session goes back)
    cancelled = kai.post(
        page, {"action": "cancel", "booking": booked.pk, "reason": "Ill"}, follow=True
    )
    assert "Cancelled. Cleo" in cancelled.text and "given back" in cancelled.text
    assert sessions_left(cleo) == 3
    booked.refresh_from_db()
    assert booked.status == "cancelled" and booked.cancel_reason == "Ill"

    # after a session: mark a no-show; a made-up booking id is refused with a message
    again = session_book(
        client=cleo,
        session_type=booked.appointment.session_type,
        coach=booked.appointment.coach,
        starts_at=at(2, 12),
        by=booked.appointment.coach,
        now=NOW,
    )
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(2, 14))
    page = f"/admin/scheduling/calendar/{again.appointment_id}/"
    assert "No-show" in kai.get(page).text
    kai.post(page, {"action": "attendance", "booking": again.pk, "status": "no_show"})
    again.refresh_from_db()
    assert again.status == "no_show"
    wrong = kai.post(page, {"action": "attendance", "booking": 999999, "status": "attended"})
    assert wrong.status_code == 400 and "not booked in this session" in wrong.text


def test_the_wrong_coach_and_a_client_cannot_open_or_move_a_session(
    frozen, tenant, booked, other_coach, client_user
):
    page = f"/admin/scheduling/calendar/{booked.appointment_id}/"
    lou = _browser(tenant, other_coach)
    assert lou.get(page).status_code == 404
    assert lou.post(f"{page}move/", {"day": "2026-06-04", "time": "10:00"}).status_code == 404
    cleo = _browser(tenant, client_user)
    # a client is sent to the back office's sign-in, which tells them it is for staff
    assert cleo.get(page, follow=True).status_code == 403
    assert cleo.get("/admin/scheduling/calendar/", follow=True).status_code == 403
    booked.refresh_from_db()
    assert booked.starts_at == at(2, 10)


def test_the_home_page_shows_todays_sessions_and_the_weeks_figures(
    monkeypatch, tenant, kai, booked
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(2, 8))
    home = kai.get("/admin/").text
    assert "Today&#x27;s sessions" in home or "Today's sessions" in home
    assert "10:00–11:00" in home and "Cleo" in home
    assert re.search(r"Sessions this week</dt><dd>1<", home)
    # Kai works 40 hours this week; one hour is booked (2.5%, rounded half up)
    assert re.search(r"week booked</dt><dd>3%<", home)
    monkeypatch.setattr(timezone, "now", lambda: at(3, 8))
    assert "No sessions today." in kai.get("/admin/").text


def test_time_off_and_own_calendar_busy_times_are_shaded(frozen, tenant, kai, coach):
    from scheduling.models import BusyCalendar, BusyTime, TimeOff

    TimeOff.objects.create(coach=coach, starts_at=at(2, 9), ends_at=at(2, 12), note="Dentist")
    own = BusyCalendar.objects.create(coach=coach, url="https://example.test/kai.ics")
    BusyTime.objects.create(calendar=own, coach=coach, starts_at=at(4, 13), ends_at=at(4, 14))
    text = kai.get("/admin/scheduling/calendar/?date=2026-06-01").text
    # Tuesday (column 2): 09:00-12:00 of a 07:00-20:00 grid; Thursday: 13:00-14:00
    assert re.search(r"#blocked-2-1\{top:15\.38%;height:23\.08%\}", text)
    assert re.search(r"#blocked-4-1\{top:46\.15%;height:7\.69%\}", text)
    assert "Time off" in text and "Busy in your own calendar" in text
