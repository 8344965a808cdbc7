"""Visitors of the public booking page racing for one time, on real connections with
committed transactions: PostgreSQL lets exactly one through, the others are told the
time was just taken, and no lead is kept for them."""

import datetime as dt
import threading

from django.db import connection
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from tenants.models import Business

from .conftest import NOW, at
from .test_public_booking import book, host

RACERS = 4


def test_prospects_racing_for_one_time_book_it_once(committed, monkeypatch):
    from django.utils import timezone

    from accounts.models import User
    from clients.models import Client
    from clients.tests.factories import person_create
    from mectofitness.testing import cache_clear
    from scheduling.models import Appointment, Booking, SessionType, WeeklyHours

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        coach = person_create(email="race.intro@acme.test", role="coach", first_name="Rio")
        for weekday in range(7):
            WeeklyHours.objects.create(
                coach=coach, weekday=weekday, starts=dt.time(0), ends=dt.time(23, 59)
            )
        kind = SessionType.objects.create(
            name="Race intro",
            duration_minutes=30,
            payment="free",
            is_public=True,
            min_notice_minutes=0,
        )
        kind.coaches.add(coach)
    cache_clear()
    barrier = threading.Barrier(RACERS)
    answers = []

    def race(n):
        try:
            visitor = Browser(HTTP_HOST=host(business))
            barrier.wait()
            answer = book(
                visitor,
                kind,
                starts_at=at(2, 10).isoformat(),
                coach=coach.pk,
                email=f"racer{n}@example.test",
            )
            answers.append((answer.status_code, answer.text))
        except Exception as exc:  # noqa: BLE001 (a server error: shown by the assertion)
            answers.append((500, repr(exc)))
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codes = sorted(code for code, _text in answers)
        assert codes == [303] + [409] * (RACERS - 1), [a for a in answers if a[0] != 409]
        for code, text in answers:
            if code == 409:
                assert "That time was just taken. Please choose another." in text
        with tenant_context(business):
            assert Appointment.objects.filter(coach=coach, status="scheduled").count() == 1
            # the losers' leads went with their refused bookings
            assert Client.objects.filter(email__startswith="racer").count() == 1
    finally:
        cache_clear()
        with tenant_context(business):
            Booking.objects.filter(appointment__coach=coach).delete()
            Appointment.objects.filter(coach=coach).delete()
            Client.objects.filter(email__startswith="racer").delete()
            SessionType.objects.filter(name="Race intro").delete()
            WeeklyHours.objects.filter(coach=coach).delete()
            User.objects.filter(pk=coach.pk).delete()
