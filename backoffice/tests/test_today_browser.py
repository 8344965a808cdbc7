"""Today in a browser, as the owner of acme with a day of work waiting: on a desktop the
cards sit side by side, on a 360 px phone in one column without sideways scrolling, a
check-in opens its review; and zen's owner, without a client yet, sees the first steps.
Screenshots (light and dark) go to artifacts/backoffice-today/ (and SHOTS_DIR when set).
What the test adds to acme is removed afterwards."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

from .test_today import work_for

pytestmark = BROWSER_MARKS

SHOTS = [ARTIFACTS / "backoffice-today"] + (
    [Path(os.environ["SHOTS_DIR"])] if os.environ.get("SHOTS_DIR") else []
)
# every element wider than the page, at a phone's width
OVERFLOW = """() => Array.from(document.querySelectorAll('#content *')).filter(
    e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length"""


def shoot(page, name):
    for folder in SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def busy_day(committed):
    """acme's owner and a coach, with their clients' work waiting and two of the owner's
    sessions today; everything made here is deleted afterwards."""
    from accounts.models import User
    from billing.models import Payment
    from clients.models import Client, Questionnaire
    from clients.tests.factories import ClientFactory, person_create
    from programs.models import Exercise
    from scheduling.models import Appointment, Booking, SessionType
    from tenants.models import Business

    business = Business.objects.get(slug="acme")
    now = timezone.now()
    with tenant_context(business):
        kept = {
            model: set(model.objects.values_list("pk", flat=True))
            for model in (User, Client, Questionnaire, Exercise, SessionType)
        }
        owner = User.objects.get(email="owner@acme.test")
        kai = person_create(email="kai.today@acme.test", role="coach", first_name="Kai")
        people = [
            ("Amara", "Okafor", owner),
            ("Ben", "Hartley", owner),
            ("Sofia", "Rossi", owner),
            ("Cleo", "Martin", kai),
        ]
        clients = []
        for first, last, coach in people:
            login = person_create(
                email=f"{first.lower()}.today@acme.test", role="client", first_name=first
            )
            client = ClientFactory(
                first_name=first,
                last_name=last,
                user=login,
                primary_coach=coach,
                status="active",
                last_activity_at=now - dt.timedelta(days=1),
            )
            work_for(client, tag=first, now=now)
            clients.append(client)
        ClientFactory(
            first_name="Hannah",
            last_name="Schmidt",
            primary_coach=owner,
            status="active",
            last_activity_at=now - dt.timedelta(days=19),
            status_changed_at=now - dt.timedelta(days=90),
        )
        ClientFactory(
            first_name="Priya",
            last_name="Natarajan",
            status="lead",
            goals="Postnatal strength, two sessions a week",
        )
        kind = SessionType.objects.create(name="Personal training", duration_minutes=60)
        local = now.astimezone(business_zone_of(business)).replace(
            minute=0, second=0, microsecond=0
        )
        if local.hour >= 22:
            local -= dt.timedelta(hours=3)
        for hours, client in ((0, clients[0]), (1, clients[1])):
            starts = local + dt.timedelta(hours=hours)
            ends = starts + dt.timedelta(hours=1)
            appointment = Appointment.objects.create(
                session_type=kind,
                coach=owner,
                starts_at=starts,
                ends_at=ends,
                held_from=starts,
                held_until=ends,
                booked=1,
                location_kind=kind.location_kind,
            )
            Booking.objects.create(
                appointment=appointment, client=client, starts_at=starts, ends_at=ends
            )
    yield
    from messaging.models import Thread
    from programs.models import Program, ProgramAssignment, ScheduledWorkout, WorkoutLog

    with tenant_context(business):
        made = Client.objects.exclude(pk__in=kept[Client])
        # what protects what: delete from the leaves up
        Payment.objects.filter(client__in=made).delete()
        Booking.objects.filter(client__in=made).delete()
        Appointment.objects.filter(session_type__in=made_of(SessionType, kept)).delete()
        ScheduledWorkout.objects.filter(client__in=made).delete()
        WorkoutLog.objects.filter(client__in=made).delete()
        ProgramAssignment.objects.filter(client__in=made).delete()
        Program.objects.filter(client__in=made).delete()
        Thread.objects.filter(client__in=made).delete()
        made.delete()
        for model in (Questionnaire, Exercise, SessionType, User):
            made_of(model, kept).delete()


def made_of(model, kept):
    return model.objects.exclude(pk__in=kept[model])


def business_zone_of(business):
    import zoneinfo

    return zoneinfo.ZoneInfo(business.timezone or "UTC")


def _open(browser, live_site, width, slug="acme"):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(live_site.business_url(slug, "/admin/"))
    page.get_by_label("Email").fill(f"owner@{slug}.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")
    return page


def test_the_owner_reads_today_on_a_desktop_and_on_a_phone(busy_day, live_site, browser):
    desk = _open(browser, live_site, 1280)
    assert desk.locator("h1").inner_text() == "Today"
    headings = desk.locator(".mf-td-card h2").all_inner_texts()
    for title in ("Today's sessions", "Unread messages", "Check-ins to review", "Failed payments"):
        assert any(h.startswith(title) for h in headings), (title, headings)
    cards = desk.locator(".mf-td-card")
    lefts = {round(cards.nth(i).bounding_box()["x"]) for i in range(cards.count())}
    assert len(lefts) > 1  # side by side
    assert "Amara Okafor" in desk.locator(".mf-td-card--sessions").inner_text()
    assert "Cleo" not in desk.locator(".mf-td__grid").inner_text()  # Kai's client
    shoot(desk, "today-desktop")
    desk.emulate_media(color_scheme="dark")  # the admin's "auto" theme follows the system
    shoot(desk, "today-desktop-dark")
    desk.emulate_media(color_scheme="light")

    desk.get_by_role("link", name="Everyone's").click()
    desk.wait_for_url("**/admin/?scope=all")
    assert "Cleo Martin" in desk.locator(".mf-td-card--checkins").inner_text()
    desk.locator(".mf-td-card--checkins .mf-td-item").first.click()
    desk.wait_for_url("**/review/")

    phone = _open(browser, live_site, 360)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.evaluate(OVERFLOW) == 0
    cards = phone.locator(".mf-td-card")
    lefts = {round(cards.nth(i).bounding_box()["x"]) for i in range(cards.count())}
    assert len(lefts) == 1  # one column
    shoot(phone, "today-phone")

    # zen has no client yet: its owner is shown the first steps instead
    for width, name in ((1280, "checklist-desktop"), (360, "checklist-phone")):
        new = _open(browser, live_site, width, slug="zen")
        assert "Get your business ready" in new.locator(".mf-td-start h2").inner_text()
        assert new.locator(".mf-td-card").count() == 0
        assert new.evaluate("document.documentElement.scrollWidth") <= width
        shoot(new, name)
