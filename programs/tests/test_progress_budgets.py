"""Training pages with a long history (issue 18, item 3): training progress shows six
months of lifts unless another range is chosen (a year or more: one point per week), the
workout logger counts the program's weeks once (not once per exercise), and each page runs
the same queries with a year of logged workouts as with a week of them, so a query per
workout, set or exercise cannot come back unseen.

Time is frozen (``NOW``); the history is written in bulk (rows, not use cases)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from programs.models import (
    Block,
    Prescription,
    ProgramAssignment,
    ProgramWeek,
    ScheduledWorkout,
    SetLog,
    WorkoutLog,
)
from programs.tests.conftest import catalog_exercise
from tenants.routing import host_cache

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)  # a Wednesday, noon
TODAY = NOW.date()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def history(client, exercises, *, workouts: int, every_days: int = 3) -> None:
    """``workouts`` finished workouts, one every ``every_days`` days back from today, each
    with three working sets of every exercise in ``exercises``, heavier each time."""
    logs = WorkoutLog.objects.bulk_create(
        WorkoutLog(
            client=client,
            name=f"Session {n}",
            started_at=NOW - dt.timedelta(days=every_days * n, hours=1),
            finished_at=NOW - dt.timedelta(days=every_days * n),
        )
        for n in range(workouts)
    )
    SetLog.objects.bulk_create(
        SetLog(
            workout=log,
            catalog_exercise=exercise,
            set_number=number,
            reps=5,
            load_kg=Decimal(100) - Decimal("0.5") * n,
            logged_at=log.started_at + dt.timedelta(minutes=number),
        )
        for n, log in enumerate(logs)
        for exercise in exercises
        for number in (1, 2, 3)
    )


def _count(browser, url: str) -> tuple[int, int]:
    """The status and queries of a GET, after a first visit (which fills the session's
    caches), the route cache emptied."""
    browser.get(url)
    host_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    return response.status_code, len(queries.captured_queries)


# --- training progress ------------------------------------------------------------------


def test_training_progress_shows_six_months_of_sessions_unless_another_range_is_chosen(
    frozen, business, client_browser, client_record, back_squat
):
    with tenant_context(business):
        history(client_record, [back_squat], workouts=150)  # 447 days
    squat = client_browser.get("/progress/training/").context["progress"]["exercises"][0]
    assert squat["name"] == back_squat.name
    assert squat["count"] == 61  # every third day of 182
    assert len(squat["points"]) == len(squat["rows"]) == 61
    assert squat["rows"][0]["date_text"] == "10 Jun 2026"
    everything = client_browser.get("/progress/training/?range=all").context["progress"]
    squat = everything["exercises"][0]
    assert everything["weekly"] is True and squat["count"] == 150
    # one point per week (Monday first), the week's best and its total volume
    assert len(squat["points"]) == 65
    assert all(dt.date.fromisoformat(p["d"]).weekday() == 0 for p in squat["points"])
    assert squat["points"][-1]["volume"] == 1500.0  # this week: Wednesday's 3 x 5 x 100


def test_training_progress_offers_the_ranges_as_links(
    frozen, business, client_browser, client_record, back_squat
):
    with tenant_context(business):
        history(client_record, [back_squat], workouts=3)
    text = client_browser.get("/progress/training/?range=3m").content.decode()
    assert '<nav class="mf-range" aria-label="Time range of the lift charts">' in text
    assert '<a class="mf-range__chip" href="?range=3m" aria-current="true">3 months</a>' in text
    assert '<a class="mf-range__chip" href="?range=all">All</a>' in text


def test_training_pages_run_the_same_queries_with_a_year_of_workouts_as_with_a_week(
    frozen, business, client_browser, coach_browser, client_record, back_squat, bench_press
):
    lifts = [back_squat, bench_press] + [
        catalog_exercise(f"Test Lift {n}", primary_muscles=["chest"]) for n in range(4)
    ]
    pages = {
        # (who, address): the most queries, the route's and the session's included; a
        # range drawn by week reads the measurements' weeks in one more
        ("client", "/progress/training/"): 8,
        ("client", "/progress/training/?range=all"): 8,
        ("coach", "/admin/programs/workoutlog/"): 13,
        ("coach", f"/admin/clients/client/{client_record.pk}/profile/training/"): 20,
        ("coach", f"/admin/clients/client/{client_record.pk}/profile/progress/"): 18,
        ("coach", f"/admin/clients/client/{client_record.pk}/profile/progress/?range=all"): 19,
    }
    browsers = {"client": client_browser, "coach": coach_browser}
    with tenant_context(business):
        history(client_record, lifts[:1], workouts=2)
    few = {key: _count(browsers[key[0]], key[1]) for key in pages}
    with tenant_context(business):
        WorkoutLog.objects.filter(client=client_record).delete()
        history(client_record, lifts, workouts=120)
    for (role, url), budget in pages.items():
        status, many = _count(browsers[role], url)
        assert status == 200, url
        assert few[role, url] == (200, many), f"{url}: {few[role, url][1]} queries, then {many}"
        assert many <= budget, f"{url}: {many} queries"


# --- the workout logger ------------------------------------------------------------------


def _scheduled(client, program, *, week: int) -> ScheduledWorkout:
    assignment = ProgramAssignment.objects.create(
        client=client, program=program, start_date=TODAY, weekdays=[0, 2, 4]
    )
    return ScheduledWorkout.objects.create(
        assignment=assignment,
        client=client,
        day=program.weeks.get(number=1).days.get(position=1),
        week_number=week,
        date=TODAY,
    )


def test_the_logger_counts_the_programs_weeks_once_however_many_exercises(
    frozen, business, client_browser, client_record, simple_program, back_squat
):
    with tenant_context(business):
        ProgramWeek.objects.create(program=simple_program, number=2)
        scheduled = _scheduled(client_record, simple_program, week=3)  # written weeks: 2
        history(client_record, [back_squat], workouts=2)
    url = f"/workouts/{scheduled.pk}/"
    status, one_exercise = _count(client_browser, url)
    assert status == 200
    with tenant_context(business):
        block = Block.objects.get(day=scheduled.day)
        lifts = [catalog_exercise(f"Test Lift {n}", primary_muscles=["chest"]) for n in range(5)]
        for position, lift in enumerate(lifts, start=2):
            Prescription.objects.create(
                block=block,
                position=position,
                catalog_exercise=lift,
                sets=3,
                reps_min=5,
                load_kind="kg",
                load_value=60,
                progression={"kind": "add_load", "step": 2.5},
            )
        WorkoutLog.objects.filter(client=client_record).delete()
        history(client_record, [back_squat, *lifts], workouts=100)
    status, six_exercises = _count(client_browser, url)
    assert status == 200
    assert six_exercises == one_exercise <= 16
    # week 3 of two written weeks: the second cycle, one step of 2.5 kg on the written 60
    assert 'value="62.5"' in client_browser.get(url).content.decode()
