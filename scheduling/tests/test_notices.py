"""Booking mail: the client and the coach hear of each booking, move and cancellation,
from the business, each in their own time zone, with an invitation their calendar
reads (parsed back here as a calendar app would)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar

from scheduling import ics
from scheduling.models import SchedulingSettings, SessionType
from scheduling.services import booking as svc

from .conftest import NOW, at
from .mailbox import Clock, invite, mails_to, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, NOW)


@pytest.fixture
def booked(one_to_one, coach, cleo, client_user, clock, django_capture_on_commit_callbacks):
    """Cleo's session with Kai on Tuesday 2 June at 10:00 London, its mail sent."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = svc.session_book(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            by=client_user,
            now=NOW,
        )
    return booking


def test_a_booking_mails_the_client_and_the_coach_an_invitation(booked, business, cleo):
    (to_cleo,) = mails_to("cleo@acme.test")
    (to_kai,) = mails_to("kai@acme.test")
    uid = f"appointment-{booked.appointment_id}@acme.{settings.BASE_DOMAIN}"
    for message in (to_cleo, to_kai):
        calendar, event, mimetype = invite(message)
        assert mimetype == "text/calendar; method=REQUEST"
        assert calendar["method"] == "REQUEST" and event["status"] == "CONFIRMED"
        assert str(event["uid"]) == uid
        assert utc(event, "dtstart") == at(2, 10) and utc(event, "dtend") == at(2, 11)
        assert "Acme Strength" in str(calendar["prodid"])
        assert "mecto" not in message.attachments[0][1].lower()  # the business's calendar
    assert str(invite(to_cleo)[1]["summary"]) == "Personal training with Kai"
    assert str(invite(to_kai)[1]["summary"]) == f"Personal training · {cleo.full_name}"


def test_the_mail_comes_from_the_business_and_replies_reach_the_other_side(booked, cleo):
    (to_cleo,) = mails_to("cleo@acme.test")
    (to_kai,) = mails_to("kai@acme.test")
    assert to_cleo.from_email.startswith("Acme Strength <")
    assert to_cleo.subject.startswith("Acme Strength: Booked: Personal training on Tue 2 Jun")
    assert to_cleo.reply_to == ["kai@acme.test"] and to_kai.reply_to == ["cleo@acme.test"]
    assert to_kai.subject.startswith(
        f"Acme Strength: New booking: Personal training · {cleo.full_name}"
    )
    html = to_cleo.alternatives[0][0]
    assert "Tuesday 2 June" in html and "/sessions/" in html


def test_times_in_the_mail_are_in_each_readers_zone(
    one_to_one, coach, cleo, client_user, clock, django_capture_on_commit_callbacks
):
    cleo.timezone = "America/New_York"
    cleo.save(update_fields=["timezone"])
    with django_capture_on_commit_callbacks(execute=True):
        svc.session_book(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            by=client_user,
            now=NOW,
        )
    (to_cleo,) = mails_to("cleo@acme.test")
    (to_kai,) = mails_to("kai@acme.test")
    assert "05:00–06:00 (America/New_York)" in to_cleo.body  # 10:00 in London
    assert "10:00–11:00 (Europe/London)" in to_kai.body  # the business's zone


def test_a_move_keeps_the_uid_and_raises_the_sequence(
    booked, coach, client_user, clock, django_capture_on_commit_callbacks
):
    _cal, first, _ = invite(mails_to("cleo@acme.test")[0])
    mail.outbox.clear()
    clock.advance(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_reschedule(booking=booked, starts_at=at(3, 14), by=client_user, now=clock.now)
    for address in ("cleo@acme.test", "kai@acme.test"):
        (message,) = mails_to(address)
        calendar, moved, mimetype = invite(message)
        assert calendar["method"] == "REQUEST" and mimetype.endswith("method=REQUEST")
        assert moved["uid"] == first["uid"]
        assert moved["sequence"] > first["sequence"]
        assert utc(moved, "dtstart") == at(3, 14)
        assert "Tuesday 2 June at 10:00" in message.body  # where it was
    assert mails_to("cleo@acme.test")[0].subject.endswith("is now on Wed 3 Jun, 14:00")


def test_a_cancellation_withdraws_the_invitation_from_both_calendars(
    booked, client_user, clock, django_capture_on_commit_callbacks
):
    _cal, first, _ = invite(mails_to("cleo@acme.test")[0])
    mail.outbox.clear()
    clock.advance(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel(booking=booked, by=client_user, now=clock.now, reason="Away")
    for address in ("cleo@acme.test", "kai@acme.test"):
        (message,) = mails_to(address)
        calendar, event, mimetype = invite(message)
        assert mimetype == "text/calendar; method=CANCEL"
        assert calendar["method"] == "CANCEL" and event["status"] == "CANCELLED"
        assert event["uid"] == first["uid"] and event["sequence"] > first["sequence"]
        assert "Away" in message.body
    assert "Cancelled" in mails_to("cleo@acme.test")[0].subject


def test_a_refused_booking_sends_nothing(
    booked, one_to_one, coach, dana, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        svc.session_book(
            client=dana,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            by=coach,
            now=NOW,
        )
    assert mail.outbox == []


def test_a_class_place_given_up_keeps_the_class_in_the_coachs_calendar(
    hiit, coach, cleo, dana, client_user, clock, django_capture_on_commit_callbacks
):
    occurrence = svc.class_schedule(session_type=hiit, coach=coach, starts_at=at(4, 18), by=coach)
    with django_capture_on_commit_callbacks(execute=True):
        mine = svc.class_join(appointment=occurrence, client=cleo, by=client_user, now=NOW)
        svc.class_join(appointment=occurrence, client=dana, by=coach, now=NOW)
    assert len(mails_to("kai@acme.test")) == 2 and len(mails_to(dana.email)) == 1
    mail.outbox.clear()
    clock.advance(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel(booking=mine, by=client_user, now=clock.now)
    _cal, theirs, _ = invite(mails_to("cleo@acme.test")[0])
    assert theirs["status"] == "CANCELLED"
    calendar, kais, _ = invite(mails_to("kai@acme.test")[0])
    assert calendar["method"] == "REQUEST" and kais["status"] == "CONFIRMED"
    assert str(kais["summary"]) == f"HIIT class · {dana.full_name}"
    assert mails_to(dana.email) == []


def test_the_waitlist_tells_the_client_who_got_the_freed_place(
    hiit, coach, cleo, dana, client_user, owner_user, clock, django_capture_on_commit_callbacks
):
    from clients.tests.factories import ClientFactory

    eve = ClientFactory(first_name="Eve", primary_coach=coach)
    hiit.payment = SessionType.Payment.FREE
    hiit.save(update_fields=["payment"])
    occurrence = svc.class_schedule(session_type=hiit, coach=coach, starts_at=at(4, 18), by=coach)
    mine = svc.class_join(appointment=occurrence, client=cleo, by=client_user, now=NOW)
    svc.class_join(appointment=occurrence, client=dana, by=coach, now=NOW)
    svc.waitlist_join(appointment=occurrence, client=eve, by=coach)
    clock.advance(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel(booking=mine, by=client_user, now=clock.now)
    (to_eve,) = mails_to(eve.email)
    assert "You got a place: HIIT class" in to_eve.subject
    assert "a place came free and it is yours" in to_eve.body
    calendar, event, _ = invite(to_eve)
    assert calendar["method"] == "REQUEST" and utc(event, "dtstart") == at(4, 18)
    assert any("From the waitlist: Eve" in m.subject for m in mails_to("kai@acme.test"))


def test_handing_a_session_to_another_coach_moves_it_between_their_calendars(
    booked, one_to_one, other_coach, owner_user, clock, django_capture_on_commit_callbacks
):
    one_to_one.coaches.add(other_coach)
    mail.outbox.clear()
    clock.advance(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        svc.appointment_move(
            appointment=booked.appointment,
            starts_at=at(2, 10),
            coach=other_coach,
            by=owner_user,
            now=clock.now,
        )
    kai_calendar, _event, _ = invite(mails_to("kai@acme.test")[0])
    lou_calendar, lous, _ = invite(mails_to("lou@acme.test")[0])
    assert kai_calendar["method"] == "CANCEL" and lou_calendar["method"] == "REQUEST"
    assert "Handed over" in mails_to("kai@acme.test")[0].subject
    _cal, cleos, _ = invite(mails_to("cleo@acme.test")[0])
    assert str(cleos["summary"]) == "Personal training with Lou"


def test_an_online_session_carries_its_video_link(
    coach, cleo, client_user, clock, django_capture_on_commit_callbacks
):
    SchedulingSettings.objects.create(pk=1, meeting_url="https://meet.example.test/acme")
    online = SessionType.objects.create(
        name="Video check-in", location_kind="online", payment="free", min_notice_minutes=0
    )
    online.coaches.add(coach)
    with django_capture_on_commit_callbacks(execute=True):
        svc.session_book(
            client=cleo,
            session_type=online,
            coach=coach,
            starts_at=at(2, 10),
            by=client_user,
            now=NOW,
        )
    message = mails_to("cleo@acme.test")[0]
    _cal, event, _ = invite(message)
    assert str(event["location"]) == "https://meet.example.test/acme"
    assert str(event["url"]) == "https://meet.example.test/acme"
    assert "https://meet.example.test/acme" in str(event["description"])
    assert "https://meet.example.test/acme" in message.body


def test_the_invitation_text_is_escaped_and_folded(business, one_to_one, coach, cleo, tenant):
    one_to_one.name = "Strength; mobility, and a very long name " + "x" * 80
    appointment = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(2, 10),
        by=coach,
        now=NOW,
    ).appointment
    appointment.session_type = one_to_one
    event = ics.session_event(
        appointment=appointment,
        business=business,
        summary=ics.summary_for_client(appointment),
        stamp=NOW,
        link="https://acme.example.test/sessions/",
    )
    text = ics.calendar_text(business=business, events=[event], method=ics.REQUEST)
    lines = text.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"Strength\\; mobility\\, and" in text
    parsed = Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(parsed["summary"]) == f"{one_to_one.name} with Kai"
    assert parsed.decoded("dtstamp") == NOW.replace(tzinfo=dt.UTC)


def test_a_weekly_series_is_one_mail_each_with_every_session_attached(
    one_to_one, coach, cleo, clock, django_capture_on_commit_callbacks
):
    from scheduling.services.recurring import session_book_weekly

    with django_capture_on_commit_callbacks(execute=True):
        result = session_book_weekly(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            weeks=3,
            by=coach,
            now=NOW,
        )
    assert len(result.booked) == 3
    (to_cleo,) = mails_to("cleo@acme.test")
    (to_kai,) = mails_to("kai@acme.test")
    assert "every week, 3 sessions from Tue 2 Jun, 10:00" in to_cleo.subject
    assert "New weekly booking" in to_kai.subject and cleo.full_name in to_kai.subject
    for line in ("Tuesday 2 June, 10:00–11:00", "Tuesday 9 June", "Tuesday 16 June"):
        assert line in to_cleo.body
    for message in (to_cleo, to_kai):
        (attachment,) = message.attachments
        name, content, mimetype = attachment
        assert name == "sessions.ics" and mimetype == "text/calendar; method=PUBLISH"
        events = Calendar.from_ical(content).walk("VEVENT")
        assert [utc(e, "dtstart") for e in events] == [at(2, 10), at(9, 10), at(16, 10)]
        uids = {str(e["uid"]) for e in events}
        assert uids == {
            f"appointment-{b.appointment_id}@acme.{settings.BASE_DOMAIN}" for b in result.booked
        }
