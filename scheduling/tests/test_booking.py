"""Booking, moving and cancelling, with the pack's balance right at every step; classes
with their places and waitlist; attendance; and PostgreSQL refusing what must never be."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from scheduling.models import Appointment, Booking, SessionType, TimeOff, WaitlistEntry
from scheduling.selectors import free_times
from scheduling.services import booking as svc

from .conftest import NOW, at, sessions_left

pytestmark = pytest.mark.django_db


def fmt(times):
    return [(t + dt.timedelta(hours=1)).strftime("%d %H:%M") for t in times]  # London, BST


def test_free_times_follow_hours_notice_and_what_is_booked(one_to_one, coach, cleo, client_user):
    # Monday 08:00: two hours' notice -> 10:00 first; 16:00 is the last hour that fits
    monday = free_times(session_type=one_to_one, coach=coach, start=NOW, end=at(1, 23), now=NOW)
    assert fmt(monday)[0] == "01 10:00" and fmt(monday)[-1] == "01 16:00"
    svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(1, 11),
        by=client_user,
        now=NOW,
    )
    after = fmt(free_times(session_type=one_to_one, coach=coach, start=NOW, end=at(1, 23), now=NOW))
    # 11:00-12:00 is held with 15 minutes after it; 10:00 would run into it
    assert "01 10:00" not in after and "01 11:00" not in after and "01 12:00" not in after
    assert "01 12:00" not in after and "01 12:30" in after and "01 10:30" not in after


def test_a_client_books_a_session_and_one_is_drawn_from_their_pack(
    one_to_one, coach, cleo, client_user
):
    assert sessions_left(cleo) == 3
    booking = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(2, 10),
        by=client_user,
        now=NOW,
    )
    assert booking.status == "booked" and booking.credit_reference == f"booking:{booking.pk}"
    assert booking.appointment.held_until == at(2, 11, 15)
    assert sessions_left(cleo) == 2


def test_a_client_without_sessions_is_refused_and_nothing_is_saved(one_to_one, coach, client_user):
    from clients.tests.factories import ClientFactory

    broke = ClientFactory(first_name="Bo", user=client_user, primary_coach=coach)
    with pytest.raises(ValidationError) as refused:
        svc.session_book(
            client=broke,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            by=client_user,
            now=NOW,
        )
    assert "no sessions left" in str(refused.value)
    assert not Appointment.objects.exists() and not Booking.objects.exists()


@pytest.mark.parametrize(
    "starts_at, message",
    [
        (at(1, 9), "not free"),  # inside the two hours' notice
        (at(1, 18), "not free"),  # after hours
        (at(6, 10), "not free"),  # Saturday
        (NOW - dt.timedelta(hours=1), "passed"),
        (NOW + dt.timedelta(days=61), "not free"),  # beyond 60 days ahead
    ],
)
def test_a_client_cannot_book_outside_the_rules(
    one_to_one, coach, cleo, client_user, starts_at, message
):
    with pytest.raises(ValidationError, match=message):
        svc.session_book(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=starts_at,
            by=client_user,
            now=NOW,
        )
    assert sessions_left(cleo) == 3


def test_time_off_closes_the_hours_it_covers(one_to_one, coach, cleo, client_user):
    TimeOff.objects.create(coach=coach, starts_at=at(3, 9), ends_at=at(3, 13))
    with pytest.raises(ValidationError, match="not free"):
        svc.session_book(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(3, 12),
            by=client_user,
            now=NOW,
        )
    svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(3, 13),
        by=client_user,
        now=NOW,
    )


def test_a_coach_may_book_outside_hours_but_never_over_another_session(
    one_to_one, coach, cleo, dana
):
    svc.session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=at(6, 8), by=coach, now=NOW
    )
    with pytest.raises(ValidationError, match="just taken"):
        # 09:00 starts inside the first session's 15 minutes after
        svc.session_book(
            client=dana, session_type=one_to_one, coach=coach, starts_at=at(6, 9), by=coach, now=NOW
        )
    assert sessions_left(dana) == 3


def test_postgresql_itself_refuses_overlapping_appointments_of_one_coach(one_to_one, coach):
    def hold(start):
        return Appointment.objects.create(
            session_type=one_to_one,
            coach=coach,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            held_from=start,
            held_until=start + dt.timedelta(hours=1),
            location_kind="in_person",
        )

    hold(at(2, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        hold(at(2, 10, 30))
    hold(at(2, 11))  # touching is fine: [10, 11) and [11, 12)


def test_a_client_cannot_be_in_two_sessions_at_once(
    one_to_one, coach, other_coach, cleo, client_user
):
    one_to_one.coaches.add(other_coach)
    svc.session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=at(2, 10), by=coach, now=NOW
    )
    with pytest.raises(ValidationError, match="already have a session"):
        svc.session_book(
            client=cleo,
            session_type=one_to_one,
            coach=other_coach,
            starts_at=at(2, 10, 30),
            by=coach,
            now=NOW,
        )
    assert sessions_left(cleo) == 2


def test_cancelling_in_time_gives_the_session_back_and_frees_the_time(
    one_to_one, coach, cleo, dana, client_user
):
    booking = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(3, 10),
        by=client_user,
        now=NOW,
    )
    svc.booking_cancel(booking=booking, by=client_user, now=NOW, reason="Work trip")
    booking.refresh_from_db()
    assert booking.status == "cancelled" and sessions_left(cleo) == 3
    assert booking.appointment.status == "cancelled"
    # the time is free again for someone else
    svc.session_book(
        client=dana, session_type=one_to_one, coach=coach, starts_at=at(3, 10), by=coach, now=NOW
    )
    with pytest.raises(ValidationError, match="not open"):
        svc.booking_cancel(booking=booking, by=client_user, now=NOW)
    assert sessions_left(cleo) == 3


def test_a_late_cancellation_costs_what_the_type_says_and_staff_may_waive_it(
    one_to_one, coach, cleo, client_user
):
    late = NOW + dt.timedelta(hours=20)  # the session is at 10:00 tomorrow: 4 hours before
    first = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(2, 10),
        by=client_user,
        now=NOW,
    )
    svc.booking_cancel(booking=first, by=client_user, now=late)
    first.refresh_from_db()
    assert first.status == "late_cancelled" and sessions_left(cleo) == 2

    second = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(2, 12),
        by=client_user,
        now=NOW,
    )
    svc.booking_cancel(booking=second, by=coach, now=late, waive_late=True)
    assert sessions_left(cleo) == 2  # given back

    one_to_one.late_cancel_charge = SessionType.Charge.NOTHING
    one_to_one.save()
    third = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(2, 14),
        by=client_user,
        now=NOW,
    )
    svc.booking_cancel(booking=third, by=client_user, now=late)
    third.refresh_from_db()
    assert third.status == "late_cancelled" and sessions_left(cleo) == 2


def test_a_client_reschedules_before_the_window_and_keeps_their_session(
    one_to_one, coach, cleo, client_user
):
    booking = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(3, 10),
        by=client_user,
        now=NOW,
    )
    moved = svc.booking_reschedule(booking=booking, starts_at=at(4, 15), by=client_user, now=NOW)
    assert moved.starts_at == at(4, 15) and moved.appointment.held_until == at(4, 16, 15)
    assert sessions_left(cleo) == 2
    with pytest.raises(ValidationError, match="too late"):
        svc.booking_reschedule(booking=moved, starts_at=at(4, 11), by=client_user, now=at(4, 9))


def test_staff_move_an_appointment_and_its_booking_moves_with_it(one_to_one, coach, cleo, dana):
    first = svc.session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=at(3, 10), by=coach, now=NOW
    )
    svc.session_book(
        client=dana, session_type=one_to_one, coach=coach, starts_at=at(3, 14), by=coach, now=NOW
    )
    with pytest.raises(ValidationError, match="just taken"):
        svc.appointment_move(
            appointment=first.appointment, starts_at=at(3, 13, 30), by=coach, now=NOW
        )
    svc.appointment_move(appointment=first.appointment, starts_at=at(3, 12), by=coach, now=NOW)
    first.refresh_from_db()
    assert first.starts_at == at(3, 12) and first.appointment.starts_at == at(3, 12)


def test_a_class_fills_its_places_then_the_waitlist_takes_the_freed_one(
    hiit, coach, cleo, dana, client_user
):
    from clients.tests.factories import ClientFactory

    eve = ClientFactory(first_name="Eve", primary_coach=coach)
    occurrence = svc.class_schedule(session_type=hiit, coach=coach, starts_at=at(4, 18), by=coach)
    taken = svc.class_join(appointment=occurrence, client=cleo, by=client_user, now=NOW)
    svc.class_join(appointment=occurrence, client=dana, by=coach, now=NOW)
    with pytest.raises(ValidationError, match="full"):
        svc.class_join(appointment=occurrence, client=eve, by=coach, now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.booked == 2 and sessions_left(cleo) == 2 and sessions_left(dana) == 2

    entry = svc.waitlist_join(appointment=occurrence, client=eve, by=coach)
    # Eve has no pack: she is passed over while she has no session to draw
    svc.booking_cancel(booking=taken, by=client_user, now=NOW)
    entry.refresh_from_db()
    occurrence.refresh_from_db()
    assert entry.status == "waiting" and occurrence.booked == 1 and sessions_left(cleo) == 3

    # Cleo joins the waitlist of the full class again after Fay takes her place
    fay = ClientFactory(first_name="Fay", primary_coach=coach)
    hiit.payment = SessionType.Payment.FREE
    hiit.save()
    svc.class_join(appointment=occurrence, client=fay, by=coach, now=NOW)
    cleo_waits = svc.waitlist_join(appointment=occurrence, client=cleo, by=client_user)
    dana_booking = Booking.objects.get(appointment=occurrence, client=dana)
    svc.booking_cancel(booking=dana_booking, by=coach, now=NOW)
    # Eve was first in line and the class is now free: she gets the place
    entry.refresh_from_db()
    cleo_waits.refresh_from_db()
    assert entry.status == "promoted" and cleo_waits.status == "waiting"
    assert Booking.objects.filter(appointment=occurrence, client=eve, status="booked").exists()


def test_the_class_counter_cannot_pass_the_capacity_even_past_the_service(hiit, coach):
    occurrence = svc.class_schedule(session_type=hiit, coach=coach, starts_at=at(4, 18), by=coach)
    Appointment.objects.filter(pk=occurrence.pk).update(booked=2)
    from django.db.models import F

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=occurrence.pk).update(booked=F("booked") + 1)


def test_a_no_show_costs_the_session_unless_the_type_forgives_it(
    one_to_one, coach, cleo, client_user
):
    booking = svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(2, 10),
        by=client_user,
        now=NOW,
    )
    with pytest.raises(PermissionDenied):
        svc.attendance_mark(booking=booking, status="no_show", by=client_user)
    svc.attendance_mark(booking=booking, status="no_show", by=coach)
    assert sessions_left(cleo) == 2
    one_to_one.no_show_charge = SessionType.Charge.NOTHING
    one_to_one.save()
    svc.attendance_mark(booking=booking, status="attended", by=coach)
    assert sessions_left(cleo) == 2
    svc.attendance_mark(booking=booking, status="no_show", by=coach)
    assert sessions_left(cleo) == 3
    svc.attendance_mark(booking=booking, status="attended", by=coach)
    assert sessions_left(cleo) == 2


def test_a_coach_cannot_book_for_another_coachs_client(one_to_one, coach, other_coach, cleo):
    one_to_one.coaches.add(other_coach)
    with pytest.raises(PermissionDenied):
        svc.session_book(
            client=cleo,
            session_type=one_to_one,
            coach=other_coach,
            starts_at=at(2, 10),
            by=other_coach,
            now=NOW,
        )


def test_waitlist_entries_are_unique_per_waiting_client(hiit, coach, cleo, dana, client_user):
    occurrence = svc.class_schedule(session_type=hiit, coach=coach, starts_at=at(4, 18), by=coach)
    with pytest.raises(ValidationError, match="has places"):
        svc.waitlist_join(appointment=occurrence, client=cleo, by=client_user)
    assert not WaitlistEntry.objects.exists()
