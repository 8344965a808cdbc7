"""The owner reviews Rita's workout at a desk (1280 px) and on a phone (360 px): target
against actual per set, a plank in seconds, her notes; comments. Rita's phone shows the
badge on Workouts until she opens the workout."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "review.rita@acme.test"


@pytest.fixture
def rita_logged(django_db_setup, django_db_blocker):
    """Rita, a squat-and-plank day logged today (after an earlier squat session),
    committed; all removed afterwards."""
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
        WorkoutLog,
    )
    from programs.services.logging import SetInput, workout_sync
    from programs.tests.conftest import catalog_exercise
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        squat = catalog_exercise("Browser Review Squat", measurement="reps_load")
        plank = catalog_exercise("Browser Review Plank", measurement="time")
        user = person_create(email=EMAIL, role="client", first_name="Rita")
        client = Client.objects.create(
            user=user, first_name="Rita", last_name="Review", email=EMAIL, status="active"
        )
        program = Program.objects.create(
            name="Review base", is_template=False, client=client, length_weeks=4
        )
        week = ProgramWeek.objects.create(program=program, number=1)
        day = ProgramDay.objects.create(week=week, position=1, name="Legs and core")
        lift = Prescription.objects.create(
            block=Block.objects.create(day=day, position=1),
            position=1,
            catalog_exercise=squat,
            sets=3,
            reps_min=5,
            load_kind="kg",
            load_value=100,
        )
        hold = Prescription.objects.create(
            block=Block.objects.create(day=day, position=2),
            position=1,
            catalog_exercise=plank,
            sets=3,
            duration_seconds=45,
        )
        today = timezone.localdate()
        assignment = ProgramAssignment.objects.create(
            client=client, program=program, start_date=today, weekdays=[0, 2, 4]
        )
        scheduled = ScheduledWorkout.objects.create(
            assignment=assignment, client=client, day=day, week_number=1, date=today
        )
        now = timezone.now()
        earlier = now - datetime.timedelta(days=3)
        workout_sync(
            client=client,
            workout_uuid=uuid.uuid4(),
            name="Earlier",
            started_at=earlier,
            finished_at=earlier,
            sets=[
                SetInput(
                    client_uuid=uuid.uuid4(),
                    exercise=f"catalog:{squat.pk}",
                    set_number=1,
                    reps=5,
                    load_kg=Decimal("95"),
                    logged_at=earlier,
                )
            ],
            notify=False,
        )
        started = now - datetime.timedelta(minutes=50)

        def s(p, ex, n, **values):
            return SetInput(
                client_uuid=uuid.uuid4(),
                exercise=f"catalog:{ex.pk}",
                prescription=p.pk,
                set_number=n,
                logged_at=started + datetime.timedelta(minutes=5 * n),
                **values,
            )

        result = workout_sync(
            client=client,
            workout_uuid=uuid.uuid4(),
            scheduled_id=scheduled.pk,
            started_at=started,
            finished_at=now,
            notes="Squats felt fast. Plank shook at the end of the second hold.",
            rating=4,
            sets=[
                s(lift, squat, 1, reps=5, load_kg=Decimal("60"), is_warmup=True),
                s(lift, squat, 1, reps=5, load_kg=Decimal("100"), rpe=Decimal("7")),
                s(lift, squat, 2, reps=5, load_kg=Decimal("102.5"), rpe=Decimal("8")),
                s(lift, squat, 3, reps=4, load_kg=Decimal("102.5"), note="Last rep slow"),
                s(hold, plank, 1, duration_seconds=50),
                s(hold, plank, 2, duration_seconds=45),
            ],
            notify=False,
        )
        ids = {"client": client.pk, "log": result.workout.pk, "program": program.pk}
        ids["uuid"] = str(result.workout.client_uuid)
    yield ids
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        from accounts.models import User

        WorkoutLog.objects.filter(client_id=ids["client"]).delete()
        ScheduledWorkout.objects.filter(client_id=ids["client"]).delete()
        ProgramAssignment.objects.filter(client_id=ids["client"]).delete()
        Program.objects.filter(pk=ids["program"]).delete()
        Client.objects.filter(pk=ids["client"]).delete()
        User.objects.filter(email=EMAIL).delete()
        CatalogExercise.objects.filter(name__startswith="Browser Review ").delete()


def sign_in(page, live_site, email, path):
    page.goto(live_site.business_url("acme", path))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-{name}.png"), full_page=True)


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_owner_reviews_and_comments_and_rita_sees_the_badge(
    rita_logged, live_site, browser, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    review = f"/admin/programs/workoutlog/{rita_logged['log']}/review/"

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site, "owner@acme.test", "/admin/")
    desk.wait_for_url("**/admin/")
    # from the workout log list, its link opens the review
    desk.goto(live_site.business_url("acme", "/admin/programs/workoutlog/"))
    desk.locator(f"a[href='{review}']").first.click()
    desk.wait_for_url(f"**{review}")
    shoot(desk, "desktop")
    body = desk.inner_text("#content").replace("\u00a0", " ")
    assert "Browser Review Plank" in body and "Target 3 × 45 s" in body
    assert "50 s" in body and "None" not in body
    assert "Not logged" in body  # the third hold
    assert "Squats felt fast." in body and "4 of 5" in body
    assert "IS WARMUP" not in body.upper().replace("WARM-UP", "")
    comment = "Strong squats. Hold the plank 45 s, not 50: save it."
    desk.get_by_role("textbox", name="Your comment").fill(comment)
    desk.get_by_role("button", name="Send comment").click()
    desk.wait_for_url(f"**{review}")
    assert "Comment saved" in desk.inner_text("body")
    assert "not read yet" in desk.inner_text("#content")

    phone = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    sign_in(phone, live_site, "owner@acme.test", "/admin/")
    phone.wait_for_url("**/admin/")
    phone.goto(live_site.business_url("acme", review))
    assert fits(phone, 360), "the review scrolls sideways at 360 px"
    shoot(phone, "phone")

    # Rita: one e-mail from the business, and the badge on Workouts
    mails = [m for m in live_site.mails() if "commented on your workout" in m]
    assert len(mails) == 1
    assert f"/workouts/log/{rita_logged['uuid']}/" in mails[0]
    rita = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    sign_in(rita, live_site, EMAIL, "/accounts/login/")
    rita.wait_for_url(live_site.business_url("acme", "/"))
    badge = rita.locator(".portal-nav > a[href='/workouts/'] .nav-badge")
    assert badge.is_visible() and badge.locator("[aria-hidden]").inner_text() == "1"
    # screen readers hear it with the link: "Workouts, 1 new comment"
    said = badge.locator(".visually-hidden").evaluate("span => span.textContent")
    assert said == ", 1 new comment"
    rita.goto(live_site.business_url("acme", "/workouts/"))
    assert "New comment" in rita.inner_text("main")
    assert fits(rita, 360)
    shoot(rita, "portal-badge-phone")
    rita.get_by_role("link", name="Legs and core").first.click()
    rita.wait_for_url(f"**/workouts/log/{rita_logged['uuid']}/")
    assert "Hold the plank 45 s" in rita.inner_text("main")
    shoot(rita, "portal-comment-phone")
    rita.goto(live_site.business_url("acme", "/workouts/"))
    assert rita.locator(".portal-nav .nav-badge").count() == 0
    assert "New comment" not in rita.inner_text("main")
