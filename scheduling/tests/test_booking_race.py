"""Clients racing for one time or the last place of a class, on real connections with
committed transactions: PostgreSQL lets exactly one through, and the loser's pack is
untouched."""

import datetime as dt
import threading

from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.models import Business

from .conftest import NOW, at

RACERS = 6


def _world(business):
    from accounts.models import User
    from billing.services.payments import payment_record_offline
    from billing.tests.factories import ProductFactory
    from clients.tests.factories import ClientFactory, person_create
    from scheduling.models import SessionType, WeeklyHours

    owner = User.objects.get(email="owner@acme.test")
    coach = person_create(email="racer.coach@acme.test", role="coach", first_name="Rae")
    for weekday in range(7):
        WeeklyHours.objects.create(
            coach=coach, weekday=weekday, starts=dt.time(6), ends=dt.time(22)
        )
    one = SessionType.objects.create(name="Race 1:1", duration_minutes=60, min_notice_minutes=0)
    group = SessionType.objects.create(name="Race class", duration_minutes=45, capacity=3)
    one.coaches.add(coach)
    group.coaches.add(coach)
    pack = ProductFactory(name="Race pack", sessions=5, amount=1000)
    clients = []
    for n in range(RACERS):
        client = ClientFactory(first_name=f"Racer{n}", primary_coach=coach)
        payment_record_offline(
            client=client, amount=None, product=pack, method="cash", by=owner, send=False
        )
        clients.append(client)
    return coach, one, group, clients


def _cleanup(coach, clients):
    from billing.models import Invoice, Payment, Product, Purchase, SessionUse
    from scheduling.models import Appointment, Booking, SessionType, WaitlistEntry, WeeklyHours

    WaitlistEntry.objects.filter(client__in=clients).delete()
    Booking.objects.filter(appointment__coach=coach).delete()
    Appointment.objects.filter(coach=coach).delete()
    SessionType.objects.filter(name__startswith="Race").delete()
    WeeklyHours.objects.filter(coach=coach).delete()
    SessionUse.objects.filter(purchase__client__in=clients).delete()
    Payment.objects.filter(client__in=clients).delete()
    Invoice.objects.filter(client__in=clients).delete()
    Purchase.objects.filter(client__in=clients).delete()
    Product.objects.filter(name="Race pack").delete()
    for client in clients:
        client.delete()
    coach.delete()


def _race(business, attempt, count):
    barrier = threading.Barrier(count)
    outcomes = []

    def run(n):
        try:
            with tenant_context(business):
                barrier.wait()
                attempt(n)
                outcomes.append("booked")
        except ValidationError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_six_clients_racing_for_one_time_book_it_once(committed):
    from billing.selectors import session_balance
    from scheduling.models import Appointment, Booking
    from scheduling.services.booking import session_book

    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        coach, one, _group, clients = _world(business)
    try:

        def attempt(n):
            session_book(
                client=clients[n],
                session_type=one,
                coach=coach,
                starts_at=at(2, 10),
                by=coach,
                now=NOW,
            )

        outcomes = _race(business, attempt, RACERS)
        assert outcomes.count("booked") == 1
        assert all("just taken" in o for o in outcomes if o != "booked")
        with tenant_context(business):
            assert Appointment.objects.filter(coach=coach, status="scheduled").count() == 1
            winner = Booking.objects.get(appointment__coach=coach).client
            assert sorted(session_balance(client=c) for c in clients) == [4] + [5] * (RACERS - 1)
            assert session_balance(client=winner) == 4
    finally:
        with tenant_context(business):
            _cleanup(coach, clients)


def test_clients_racing_for_the_last_places_of_a_class_never_overfill_it(committed):
    from billing.selectors import session_balance
    from scheduling.models import Appointment, Booking
    from scheduling.services.booking import class_join, class_schedule

    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        coach, _one, group, clients = _world(business)
        occurrence = class_schedule(session_type=group, coach=coach, starts_at=at(3, 18), by=coach)
    try:
        outcomes = _race(
            business,
            lambda n: class_join(appointment=occurrence, client=clients[n], by=coach, now=NOW),
            RACERS,
        )
        assert outcomes.count("booked") == 3
        assert all("full" in o for o in outcomes if o != "booked")
        with tenant_context(business):
            occurrence = Appointment.objects.get(pk=occurrence.pk)
            holders = Booking.objects.filter(appointment=occurrence, status="booked")
            assert occurrence.booked == holders.count() == 3
            assert sum(5 - session_balance(client=c) for c in clients) == 3
    finally:
        with tenant_context(business):
            _cleanup(coach, clients)
