"""`make bench` booking figures, one parsable line each:

    booking_slots_ms p50=… p95=… n=…   a coach's next four weeks of free times for a
                                       one-to-one (``scheduling.selectors.free_times``),
                                       with 200 sessions already booked in them
    booking_race attempts=… slots=… booked=… double_booked=…
                                       threads on their own connections, each trying to
                                       book the same time for another client at once,
                                       committed: PostgreSQL lets one through per time

Runs in one business of the bench database (``warm-0``), through the services.
"""

from __future__ import annotations

import datetime as dt
import threading
import time


def bench_booking(slug: str, *, bookings: int, queries: int, racers: int, slots: int) -> None:
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from bench.run import figure, note
    from clients.models import Client
    from scheduling.models import Booking, SessionType, WeeklyHours
    from scheduling.selectors import free_times
    from scheduling.services.booking import session_book
    from scheduling.services.notices import silenced
    from tenants.models import Business

    business = Business.objects.get(slug=slug)
    with tenant_context(business), silenced():  # the bench's clients are made up
        owner = User.objects.filter(is_superuser=True).first()
        coach = User.objects.create_user(
            email="bench.coach@example.test", first_name="Bench", is_staff=True
        )
        coach.groups.add(Group.objects.get(name="coach"))
        WeeklyHours.objects.bulk_create(
            WeeklyHours(coach=coach, weekday=d, starts=dt.time(7), ends=dt.time(20))
            for d in range(7)
        )
        kind = SessionType.objects.create(
            name="Bench 1:1",
            duration_minutes=60,
            buffer_after_minutes=15,
            payment=SessionType.Payment.FREE,
            min_notice_minutes=60,
        )
        kind.coaches.add(coach)
        people = Client.objects.bulk_create(
            Client(first_name="Bench", last_name=f"Client {n}", email=f"b{n}@example.test")
            for n in range(bookings + racers)
        )
        now = timezone.now().replace(second=0, microsecond=0)
        start, end = now, now + dt.timedelta(days=28)
        note(f"booking {bookings} sessions over four weeks…")
        free = free_times(session_type=kind, coach=coach, start=start, end=end, now=now)
        step = max(1, len(free) // bookings)
        made = 0
        for moment in free[::step]:
            if made == bookings:
                break
            try:
                session_book(
                    client=people[made], session_type=kind, coach=coach, starts_at=moment, by=owner
                )
                made += 1
            except ValidationError:
                continue
        timings = []
        for _ in range(queries):
            started = time.perf_counter()
            free_times(session_type=kind, coach=coach, start=start, end=end, now=now)
            timings.append((time.perf_counter() - started) * 1000)
        figure("booking_slots_ms", timings)
        free_after = free_times(session_type=kind, coach=coach, start=start, end=end, now=now)
        note(f"{made} sessions booked; {len(free_after)} times left free")

        # the race is for times after the four weeks, where nothing is booked
        later = free_times(
            session_type=kind, coach=coach, start=end, end=end + dt.timedelta(days=14), now=now
        )
        targets = later[:: max(1, len(later) // slots)][:slots]
        racing = people[bookings : bookings + racers]

    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(client, moment, barrier):
        try:
            connection.set_tenant(business)
            barrier.wait()
            with silenced():
                session_book(
                    client=client, session_type=kind, coach=coach, starts_at=moment, by=owner
                )
            result = "booked"
        except ValidationError:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    for moment in targets:
        barrier = threading.Barrier(racers)
        threads = [
            threading.Thread(target=attempt, args=(client, moment, barrier)) for client in racing
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with tenant_context(business):
        per_time = [
            Booking.objects.filter(
                appointment__coach=coach, starts_at=moment, status__in=Booking.HOLDING
            ).count()
            for moment in targets
        ]
    double = sum(1 for n in per_time if n > 1)
    print(
        f"booking_race attempts={len(outcomes)} slots={len(targets)}"
        f" booked={outcomes.count('booked')} double_booked={double}",
        flush=True,
    )
