"""The owner looks at Pia's profile at a desk (1280 px) and on a phone (360 px): the
header with the health flag and the actions, the tabs as links (the open one marked),
her workouts and records at full width, a note added from the header; nothing scrolls
sideways but the phone's strip of tabs. Screenshots go to artifacts/profile-*.png."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "profile.pia@acme.test"
SQUAT = "Browser Profile Squat"


@pytest.fixture
def pia(django_db_setup, django_db_blocker):
    """Pia, with injuries on record, a program and two logged squat sessions (a record),
    committed; all removed afterwards."""
    from clients.models import Client
    from programs.catalog.models import CatalogExercise
    from programs.models import Program, ProgramAssignment, WorkoutLog
    from programs.services.logging import SetInput, workout_sync
    from programs.tests.conftest import catalog_exercise
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        squat = catalog_exercise(SQUAT, measurement="reps_load")
        client = Client.objects.create(
            first_name="Pia",
            last_name="Profile",
            email=EMAIL,
            phone="+44 7700 900777",
            status="active",
            injuries="Right shoulder impingement: no overhead pressing",
            goals="Squat her body weight by summer",
        )
        program = Program.objects.create(
            name="Profile base", is_template=False, client=client, length_weeks=4
        )
        ProgramAssignment.objects.create(
            client=client, program=program, start_date=timezone.localdate(), weekdays=[0, 2, 4]
        )
        now = timezone.now()
        for days, load in ((6, "60"), (2, "65")):
            started = now - datetime.timedelta(days=days)
            workout_sync(
                client=client,
                workout_uuid=uuid.uuid4(),
                name="Legs",
                started_at=started,
                finished_at=started + datetime.timedelta(minutes=50),
                sets=[
                    SetInput(
                        client_uuid=uuid.uuid4(),
                        exercise=f"catalog:{squat.pk}",
                        set_number=n,
                        reps=5,
                        load_kg=Decimal(load),
                        logged_at=started + datetime.timedelta(minutes=5 * n),
                    )
                    for n in (1, 2, 3)
                ],
                notify=False,
            )
        ids = {"client": client.pk, "program": program.pk}
    yield ids
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        WorkoutLog.objects.filter(client_id=ids["client"]).delete()
        ProgramAssignment.objects.filter(client_id=ids["client"]).delete()
        Program.objects.filter(pk=ids["program"]).delete()
        Client.objects.filter(pk=ids["client"]).delete()
        CatalogExercise.objects.filter(name=SQUAT).delete()


def sign_in(page, live_site):
    page.goto(live_site.business_url("acme", "/admin/"))
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"profile-{name}.png"), full_page=True)


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_owner_reads_pias_profile_at_a_desk_and_on_a_phone(
    pia, live_site, browser, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    profile = f"/admin/clients/client/{pia['client']}/profile/"

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site)
    desk.goto(live_site.business_url("acme", profile))
    head = desk.locator(".mf-profile__head")
    assert "Pia Profile" in head.inner_text()
    assert "no overhead pressing" in desk.get_by_role("region", name="Health flag").inner_text()
    for action in ("Message", "Book a session", "Assign a program", "Invite to the portal"):
        assert (
            head.get_by_role("button", name=action)
            .or_(head.get_by_role("link", name=action))
            .is_visible()
        ), action
    tabs = desk.get_by_role("navigation", name="Profile of Pia Profile")
    assert tabs.get_by_role("link").count() == 9  # the owner sees Billing too
    assert tabs.locator("[aria-current=page]").inner_text() == "Overview"
    assert fits(desk, 1280), "the profile scrolls sideways at 1280 px"
    shoot(desk, "overview-desktop")

    tabs.get_by_role("link", name="Training").click()
    desk.wait_for_url(f"**{profile}training/")
    assert tabs.locator("[aria-current=page]").inner_text() == "Training"
    workouts = desk.get_by_role("region", name="Workouts and records")
    assert SQUAT in workouts.inner_text() and "Personal records" in workouts.inner_text()
    # records are read at full width: their column is not squeezed
    records = workouts.locator(".mfl-prs")
    assert records.bounding_box()["width"] > 250
    assert fits(desk, 1280)
    shoot(desk, "training-desktop")

    # a note from the header lands on the Notes tab
    desk.get_by_text("Add a note").click()
    desk.get_by_label("Note about Pia").fill("Shoulder fine with landmine press.")
    desk.get_by_role("button", name="Add note").click()
    desk.wait_for_url(f"**{profile}notes/#notes")
    assert "Shoulder fine with landmine press." in desk.locator("#notes").inner_text()
    shoot(desk, "notes-desktop")

    phone = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    sign_in(phone, live_site)
    phone.goto(live_site.business_url("acme", profile))
    assert fits(phone, 360), "the profile scrolls sideways at 360 px"
    strip = phone.locator(".mf-profile__tabs")
    assert strip.evaluate("nav => nav.scrollWidth > nav.clientWidth")  # the tabs scroll
    shoot(phone, "overview-phone")
    phone.goto(live_site.business_url("acme", f"{profile}notes/"))
    assert fits(phone, 360)
    box = strip.locator("[aria-current=page]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # the open tab is in sight
    shoot(phone, "notes-phone")
    phone.goto(live_site.business_url("acme", f"{profile}training/"))
    assert fits(phone, 360)
    shoot(phone, "training-phone")
