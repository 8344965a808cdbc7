"""Dana logs squats and a plank on a 360 px phone: the plank has a time column and no
load column, its set is stored as 45 seconds and its record reads as time; the squat
keeps reps and load. Then the summary says "45 s", never "45 reps" or "None"."""

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "kinds.dana@acme.test"


@pytest.fixture
def dana_training(django_db_setup, django_db_blocker):
    """Dana, today's workout (squat 3 x 5 at 60 kg, plank 3 x 45 s), and an earlier
    40-second plank; committed, all removed afterwards."""
    from clients.models import Client
    from clients.tests.factories import person_create
    from programs.catalog.models import CatalogExercise
    from programs.models import (
        Block,
        Prescription,
        Program,
        ProgramAssignment,
        ProgramDay,
        ProgramWeek,
        ScheduledWorkout,
        SetLog,
        WorkoutLog,
    )
    from programs.tests.conftest import catalog_exercise
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        squat = catalog_exercise(
            "Browser Kinds Squat", movement_pattern="squat", equipment=["barbell"]
        )
        plank = catalog_exercise(
            "Browser Kinds Plank",
            category="core",
            movement_pattern="core",
            equipment=["body only"],
            measurement="time",
        )
        user = person_create(email=EMAIL, role="client", first_name="Dana")
        client = Client.objects.create(
            user=user, first_name="Dana", last_name="Core", email=EMAIL, status="active"
        )
        program = Program.objects.create(
            name="Core and legs", is_template=False, client=client, length_weeks=4
        )
        day = ProgramDay.objects.create(
            week=ProgramWeek.objects.create(program=program, number=1),
            position=1,
            name="Legs and core",
        )
        Prescription.objects.create(
            block=Block.objects.create(day=day, position=1),
            position=1,
            catalog_exercise=squat,
            sets=3,
            reps_min=5,
            load_kind="kg",
            load_value=60,
            rest_seconds=30,
        )
        Prescription.objects.create(
            block=Block.objects.create(day=day, position=2),
            position=1,
            catalog_exercise=plank,
            sets=3,
            duration_seconds=45,
            rest_seconds=30,
        )
        today = timezone.localdate()
        assignment = ProgramAssignment.objects.create(
            client=client, program=program, start_date=today, weekdays=[0, 2, 4]
        )
        scheduled = ScheduledWorkout.objects.create(
            assignment=assignment, client=client, day=day, week_number=1, date=today
        )
        earlier = WorkoutLog.objects.create(
            client=client,
            name="Legs and core",
            started_at=timezone.now() - datetime.timedelta(days=2),
            finished_at=timezone.now() - datetime.timedelta(days=2, minutes=-40),
        )
        SetLog.objects.create(
            workout=earlier,
            catalog_exercise=plank,
            set_number=1,
            duration_seconds=40,
            logged_at=earlier.started_at,
        )
        ids = {"client": client.pk, "scheduled": scheduled.pk, "program": program.pk}
    yield ids
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        from accounts.models import User

        WorkoutLog.objects.filter(client_id=ids["client"]).delete()
        ScheduledWorkout.objects.filter(client_id=ids["client"]).delete()
        ProgramAssignment.objects.filter(client_id=ids["client"]).delete()
        Program.objects.filter(pk=ids["program"]).delete()
        Client.objects.filter(pk=ids["client"]).delete()
        User.objects.filter(email=EMAIL).delete()
        CatalogExercise.objects.filter(name__startswith="Browser Kinds ").delete()


def stored_sets(scheduled_id):
    from django.db import connection

    from programs.models import SetLog
    from tenants.models import Business

    try:
        with tenant_context(Business.objects.get(slug="acme")):
            return list(
                SetLog.objects.filter(workout__scheduled_id=scheduled_id)
                .order_by("catalog_exercise__name", "set_number")
                .values_list("catalog_exercise__name", "set_number", "reps", "duration_seconds")
            )
    finally:
        connection.close()


def test_dana_logs_a_plank_in_seconds_and_a_squat_in_reps_and_kilograms(
    dana_training, live_site, browser, django_db_blocker, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(live_site.business_url("acme", "/accounts/login/"))
    phone.get_by_label("Email").fill(EMAIL)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign In").click()
    phone.wait_for_url(live_site.business_url("acme", "/"))
    phone.goto(live_site.business_url("acme", f"/workouts/{dana_training['scheduled']}/"))

    squat, plank = phone.locator("[data-exercise-card]").all()
    assert "3 \u00d7 45\u00a0s" in plank.inner_text()
    assert plank.get_by_label("Set 1 time, in seconds or minutes:seconds").input_value() == "45"
    assert plank.locator('[data-field="load"], [data-field="reps"]').count() == 0
    assert squat.get_by_label("Set 1 load in kg").input_value() == "60"
    assert squat.get_by_label("Set 1 reps").input_value() == "5"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    plank.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "logging-kinds-logger-360.png"), full_page=True)

    with django_db_blocker.unblock():
        squat.get_by_role("button", name="Log set 1").click()
        # a typo in the time is caught on the phone, not sent
        plank.get_by_label("Set 1 time, in seconds or minutes:seconds").fill("1:75")
        plank.get_by_role("button", name="Log set 1").click()
        assert "minutes:seconds" in plank.locator("[data-set-error]").first.inner_text()
        plank.get_by_label("Set 1 time, in seconds or minutes:seconds").fill("1:05")
        plank.get_by_role("button", name="Log set 1").click()
        phone.wait_for_selector("[data-pr-banner]:not([hidden])", timeout=15000)
        assert "Longest time 1:05" in phone.locator("[data-pr-banner]").inner_text()
        phone.wait_for_function("() => window.mfQueue.all('sets').then(s => s.length === 0)")
        assert stored_sets(dana_training["scheduled"]) == [
            ("Browser Kinds Plank", 1, None, 65),
            ("Browser Kinds Squat", 1, 5, None),
        ]
        phone.screenshot(path=str(ARTIFACTS / "logging-kinds-record-360.png"), full_page=False)

        phone.get_by_role("button", name="Close the record message").click()
        if phone.locator("[data-timer]").is_visible():
            phone.get_by_role("button", name="Skip rest").click()
        phone.get_by_role("button", name="Finish workout").click()
        phone.wait_for_url("**/workouts/log/**")
        body = phone.inner_text("body")
        assert "1:05" in body and "60 kg \u00d7 5" in body
        assert "None" not in body and "65 reps" not in body
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(path=str(ARTIFACTS / "logging-kinds-summary-360.png"), full_page=True)
