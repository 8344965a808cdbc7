"""Cleo logs today's workout on a phone in a gym with no signal: the sets wait on the
phone, reach the server exactly once when the connection returns, and a record is
celebrated. Then the desk view (1280 px) of her progress."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "logging.cleo@acme.test"


@pytest.fixture
def cleo_training(django_db_setup, django_db_blocker):
    """Cleo, a squat-and-bench program, today's workout and one earlier session (100 kg x
    5), committed; all removed afterwards."""
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
            "Browser Back Squat",
            movement_pattern="squat",
            primary_muscles=["quadriceps"],
            equipment=["barbell"],
            instructions=["Brace, sit between your hips.", "Drive up through mid-foot."],
            cues=["Chest up", "Knees out"],
        )
        bench = catalog_exercise(
            "Browser Bench Press",
            movement_pattern="horizontal_push",
            primary_muscles=["chest"],
            equipment=["barbell"],
        )
        user = person_create(email=EMAIL, role="client", first_name="Cleo")
        client = Client.objects.create(
            user=user, first_name="Cleo", last_name="Gym", email=EMAIL, status="active"
        )
        program = Program.objects.create(
            name="Strength base", is_template=False, client=client, length_weeks=4
        )
        week = ProgramWeek.objects.create(program=program, number=1)
        day = ProgramDay.objects.create(week=week, position=1, name="Lower + push")
        block = Block.objects.create(day=day, position=1)
        Prescription.objects.create(
            block=block,
            position=1,
            catalog_exercise=squat,
            sets=3,
            reps_min=5,
            load_kind="kg",
            load_value=100,
            rest_seconds=120,
        )
        Prescription.objects.create(
            block=Block.objects.create(day=day, position=2),
            position=1,
            catalog_exercise=bench,
            sets=3,
            reps_min=8,
            reps_max=10,
            load_kind="rpe",
            load_value=8,
            rest_seconds=90,
        )
        today = timezone.localdate()
        assignment = ProgramAssignment.objects.create(
            client=client,
            program=program,
            start_date=today - datetime.timedelta(days=7),
            weekdays=[0, 2, 4],
        )
        scheduled = ScheduledWorkout.objects.create(
            assignment=assignment, client=client, day=day, week_number=1, date=today
        )
        ScheduledWorkout.objects.create(
            assignment=assignment,
            client=client,
            day=day,
            week_number=2,
            date=today + datetime.timedelta(days=2),
        )
        earlier = WorkoutLog.objects.create(
            client=client,
            name="Lower + push",
            started_at=timezone.now() - datetime.timedelta(days=3),
            finished_at=timezone.now() - datetime.timedelta(days=3, minutes=-50),
        )
        for n in (1, 2, 3):
            SetLog.objects.create(
                workout=earlier,
                catalog_exercise=squat,
                set_number=n,
                reps=5,
                load_kg=Decimal("100"),
                logged_at=earlier.started_at,
            )
        ids = {"client": client.pk, "scheduled": scheduled.pk, "program": program.pk}
    yield ids
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        from accounts.models import User

        # protected links first: logs (sets, records), the calendar, the assignment
        WorkoutLog.objects.filter(client_id=ids["client"]).delete()
        ScheduledWorkout.objects.filter(client_id=ids["client"]).delete()
        ProgramAssignment.objects.filter(client_id=ids["client"]).delete()
        Program.objects.filter(pk=ids["program"]).delete()
        Client.objects.filter(pk=ids["client"]).delete()
        User.objects.filter(email=EMAIL).delete()
        CatalogExercise.objects.filter(name__startswith="Browser ").delete()


def sign_in(page, live_site):
    page.goto(live_site.business_url("acme", "/accounts/login/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_site.business_url("acme", "/"))


def server_sets(scheduled_id):
    """What the server stored. Under Playwright's event loop Django opens a connection of
    its own here: closed again at once, so the test database can be dropped at the end."""
    from django.db import connection

    from programs.models import SetLog
    from tenants.models import Business

    try:
        with tenant_context(Business.objects.get(slug="acme")):
            return list(
                SetLog.objects.filter(workout__scheduled_id=scheduled_id)
                .order_by("set_number")
                .values_list("set_number", "reps", "load_kg")
            )
    finally:
        connection.close()


def test_cleo_logs_two_sets_offline_and_they_sync_once_with_a_record(
    cleo_training, live_site, browser, django_db_blocker, monkeypatch
):
    # Playwright's sync API runs an event loop in this thread; the test only reads the
    # database between browser steps
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    sign_in(phone, live_site)

    phone.goto(live_site.business_url("acme", "/workouts/"))
    assert "Start workout" in phone.inner_text("body")
    # the service worker installs (acme.localhost is a secure context) and keeps the
    # next workouts on the phone
    has_sw = phone.evaluate(
        """() => navigator.serviceWorker
            ? Promise.race([
                navigator.serviceWorker.ready.then(() => true),
                new Promise(r => setTimeout(() => r(false), 10000)),
              ])
            : false"""
    )
    if has_sw:
        phone.wait_for_selector("[data-offline-ready]", state="visible", timeout=10000)
    phone.screenshot(path=str(ARTIFACTS / "logging-workouts-360.png"), full_page=True)

    phone.get_by_role("link", name="Start workout").click()
    phone.wait_for_url(f"**/workouts/{cleo_training['scheduled']}/")
    if has_sw:
        phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10000)
    squat = phone.locator("[data-exercise-card]").first
    assert squat.get_by_label("Set 1 load in kg").input_value() == "100"  # the target
    assert "Last time" in squat.inner_text()

    with django_db_blocker.unblock():
        context.set_offline(True)
        squat.get_by_label("Set 1 load in kg").fill("110")
        squat.get_by_role("button", name="Log set 1").click()
        squat.get_by_label("Set 2 load in kg").fill("112,5")
        squat.get_by_role("button", name="Log set 2").click()
        status = phone.locator("[data-sync-status]")
        status.wait_for(state="visible")
        phone.wait_for_function(
            "() => document.querySelector('[data-sync-status]')"
            ".textContent.includes('2 sets waiting')"
        )
        assert "Offline \u2014 2 sets waiting to sync" in status.inner_text()
        # the rest timer runs and says so politely
        assert phone.locator("[data-timer]").is_visible()
        phone.wait_for_function(
            "() => document.querySelector('[data-timer-live]')"
            ".textContent.includes('Rest 2 minutes')"
        )
        assert phone.evaluate("window.mfQueue.all('sets').then(s => s.length)") == 2
        assert server_sets(cleo_training["scheduled"]) == []
        phone.screenshot(path=str(ARTIFACTS / "logging-offline-360.png"), full_page=False)

        if has_sw:
            # the page itself comes from the phone: reload with no network
            phone.reload()
            phone.wait_for_selector("[data-exercise-card]")
            phone.wait_for_function(
                "() => document.querySelectorAll('.mfl-set.is-logged').length === 2"
            )
            assert server_sets(cleo_training["scheduled"]) == []

        context.set_offline(False)
        phone.wait_for_selector("[data-pr-banner]:not([hidden])", timeout=15000)
        banner = phone.locator("[data-pr-banner]").inner_text()
        assert "New personal record!" in banner
        assert "Browser Back Squat" in banner
        assert "Estimated 1RM 131.3\u00a0kg" in banner  # 112.5 x (1 + 5/30)
        # the live region is emptied, then filled a moment later, so screen readers speak it
        phone.wait_for_function(
            "() => document.querySelector('[data-pr-live]')"
            ".textContent.includes('New personal record!')"
        )
        phone.wait_for_function("() => window.mfQueue.all('sets').then(s => s.length === 0)")
        phone.screenshot(path=str(ARTIFACTS / "logging-pr-360.png"), full_page=False)
        assert server_sets(cleo_training["scheduled"]) == [
            (1, 5, Decimal("110.00")),
            (2, 5, Decimal("112.50")),
        ]

        # a replay of the same batch changes nothing
        replay = phone.evaluate(
            """async () => {
              const ids = [...document.querySelectorAll('.mfl-set.is-logged')]
                .map(r => r.dataset.uuid);
              const config = JSON.parse(document.getElementById('logger-config').textContent);
              const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
              const card = document.querySelector('[data-exercise-card]');
              const body = {workout: {client_uuid: config.workout.client_uuid,
                                      scheduled: config.workout.scheduled},
                            sets: ids.map((id, i) => ({client_uuid: id,
                              exercise: card.dataset.exercise, set_number: i + 1,
                              reps: 5, load_kg: 999}))};
              const r = await fetch('/api/v1/workout-sync/', {method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                body: JSON.stringify(body)});
              return [r.status, await r.json()];
            }"""
        )
        assert replay[0] == 200
        assert set(replay[1]["sets"].values()) == {"stored"}
        assert len(server_sets(cleo_training["scheduled"])) == 2

        # finish: the summary with the records
        phone.get_by_role("button", name="Close the record message").click()
        assert phone.locator("[data-pr-banner]").is_hidden()
        if phone.locator("[data-timer]").is_visible():
            phone.get_by_role("button", name="Skip rest").click()
        phone.get_by_label("Notes for your coach (optional)").fill("Felt strong")
        phone.get_by_role("button", name="Finish workout").click()
        phone.wait_for_url("**/workouts/log/**")
        body = phone.inner_text("body")
        assert "Workout done" in body and "New personal record" in body
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(path=str(ARTIFACTS / "logging-summary-360.png"), full_page=True)

        desk = browser.new_context(
            viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
        ).new_page()
        sign_in(desk, live_site)
        desk.goto(
            live_site.business_url("acme", f"/workouts/{cleo_training['scheduled']}/?again=1")
        )
        desk.screenshot(path=str(ARTIFACTS / "logging-logger-1280.png"), full_page=True)
        desk.goto(live_site.business_url("acme", "/progress/training/"))
        desk.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 2")
        desk.screenshot(path=str(ARTIFACTS / "logging-progress-1280.png"), full_page=True)
    print("service worker active:", has_sw)
