"""The demo business a newcomer meets in `make run` must look like a real client's month
(the demo client's): loads that differ by exercise and climb sensibly, personal records
that are rare; and a busy coach's roster around her (programs, workouts, check-ins);
and no e-mail sent to anyone while it is provisioned."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import tenant_context

# a Wednesday morning, so the month behind it holds a fixed number of workouts
NOW = dt.datetime(2026, 11, 18, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for the module's tests (it takes a while; they only read it),
    in a transaction rolled back after them, on the clock at NOW; and the subjects of the
    mail its provisioning sent."""
    from django.db import transaction
    from django.test import TestCase

    from tenants.models import Business

    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setattr(timezone, "now", lambda: NOW)
        mail.outbox = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
        subjects = [m.subject for m in mail.outbox]
        yield Business.objects.get(slug="demo"), subjects
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded[0]


CHLOE = "client@demo.mectofitness.dev"


def _logged(demo):
    from programs.models import SetLog

    with tenant_context(demo):
        return list(
            SetLog.objects.filter(
                workout__client__user__email=CHLOE, is_warmup=False, load_kg__isnull=False
            )
            .select_related("workout", "catalog_exercise", "exercise")
            .order_by("workout__started_at", "set_number")
        )


def test_the_demo_month_reads_like_a_real_clients(seeded, demo):
    """One provisioning (it takes a while), four checks."""
    assert seeded[1] == [], "provisioning the demo mails nobody"
    _loads_differ_by_exercise_and_never_go_down(demo)
    _records_are_rare(demo)
    _the_coach_has_a_busy_roster(demo)


def _loads_differ_by_exercise_and_never_go_down(demo):
    sets = _logged(demo)
    assert sets, "the demo logs loaded sets"
    by_exercise = defaultdict(list)
    for s in sets:
        name = (s.catalog_exercise or s.exercise).name
        by_exercise[name].append((s.workout.started_at, s.load_kg))
    firsts = {name: loads[0][1] for name, loads in by_exercise.items()}
    equipment = {
        (s.catalog_exercise or s.exercise).name: (
            (s.catalog_exercise or s.exercise).equipment or [""]
        )[0]
        for s in sets
    }
    # most exercises start at a load of their own, not one figure per kind of equipment
    assert len(set(firsts.values())) >= 0.6 * len(firsts), firsts
    for name, loads in by_exercise.items():
        values = [load for _at, load in loads]
        assert values == sorted(values), f"{name} went down: {values}"
        # jumps a coach would sign off: one plate or dumbbell step, or 10%, at a time
        for before, after in zip(values, values[1:], strict=False):
            assert after - before <= max(Decimal("2.5"), before / 10), f"{name}: {values}"
    # a barbell squat or deadlift outweighs anything held in one hand
    heavy = {
        n: load
        for n, load in firsts.items()
        if equipment[n] == "barbell" and ("deadlift" in n.lower() or "squat" in n.lower())
    }
    light = {n: load for n, load in firsts.items() if equipment[n] == "dumbbell"}
    assert heavy and light, firsts
    if heavy and light:
        assert min(heavy.values()) > max(light.values())


def _records_are_rare(demo):
    from programs.models import PersonalRecord, WorkoutLog

    with tenant_context(demo):
        workouts = WorkoutLog.objects.filter(client__user__email=CHLOE)
        assert workouts.count() >= 12
        records = PersonalRecord.objects.filter(client__user__email=CHLOE)
        per_workout = Counter(records.values_list("workout_id", flat=True))
        lifts = set(records.values_list("workout_id", "catalog_exercise_id", "exercise_id"))
        exercises_per_workout = Counter(workout for workout, _c, _e in lifts)
        latest = workouts.order_by("-started_at").first()
        # nobody else has news: the roster's records were seen
        unseen = set(
            PersonalRecord.objects.filter(is_seen=False).values_list("workout_id", flat=True)
        )
    # a few record-setting moments a month, each on one lift, and some news to celebrate
    assert 2 <= len(per_workout) <= 6, per_workout
    assert max(exercises_per_workout.values()) == 1, exercises_per_workout
    assert sum(per_workout.values()) <= 18
    assert unseen == {latest.pk}


def _the_coach_has_a_busy_roster(demo):
    from clients.models import Client, Response
    from programs.models import ProgramAssignment, ScheduledWorkout, WorkoutLog

    with tenant_context(demo):
        assert 40 <= Client.objects.count() <= 60
        following = ProgramAssignment.objects.filter(status="active")
        assert following.values("client").distinct().count() >= 20
        trained = WorkoutLog.objects.values("client").distinct().count()
        assert trained >= 15
        # some train every time, some slip: compliance differs from client to client
        past = ScheduledWorkout.objects.filter(date__lt=NOW.date())
        done = {
            row["client"]: row["n"]
            for row in past.filter(status="done").values("client").annotate(n=Count("pk"))
        }
        due = {row["client"]: row["n"] for row in past.values("client").annotate(n=Count("pk"))}
        rates = {round(done.get(client, 0) / n, 1) for client, n in due.items()}
        assert len(rates) >= 4, rates
        waiting = Response.objects.filter(
            period_start__isnull=False, status="submitted", reviewed_at__isnull=True
        )
        assert waiting.values("client").distinct().count() >= 4


def test_the_demo_calendar_has_a_month_of_sessions_a_class_with_a_waitlist_and_a_used_pack(demo):
    from billing.selectors import session_balance
    from clients.models import Client
    from scheduling.models import Appointment, Booking, WaitlistEntry

    with tenant_context(demo):
        bookings = Booking.objects.select_related("appointment__coach")
        past = bookings.filter(starts_at__lt=NOW)
        future = bookings.filter(starts_at__gte=NOW, status="booked")
        assert past.count() >= 10 and future.count() >= 8
        assert {b.status for b in past} == {"attended", "no_show"}
        assert len({b.appointment.coach_id for b in bookings}) == 2
        assert (
            bookings.filter(
                starts_at__gte=NOW - dt.timedelta(days=15),
                starts_at__lte=NOW + dt.timedelta(days=15),
            ).count()
            == bookings.count()
        )
        full = Appointment.objects.get(capacity=4, booked=4, starts_at__gt=NOW)
        assert WaitlistEntry.objects.filter(appointment=full, status="waiting").exists()
        chloe = Client.objects.get(user__email="client@demo.mectofitness.dev")
        used = Booking.objects.filter(client=chloe).exclude(credit_reference="").count()
        assert used >= 3 and 0 < session_balance(client=chloe) < 10
