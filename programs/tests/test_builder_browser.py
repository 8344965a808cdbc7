"""The owner builds a small 4-day program in the builder (days, exercises, drag to
reorder), assigns it to Cleo, and Cleo sees her calendar on a 360 px phone."""

import datetime

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "cleo.builder@acme.test"


@pytest.fixture
def cleo(django_db_setup, django_db_blocker):
    """Cleo, a client with a login and a sore knee, committed; removed afterwards (with
    the programs the test made)."""
    from clients.models import Client
    from clients.tests.factories import person_create
    from programs.models import Program
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        before = set(Program.objects.values_list("pk", flat=True))
        user = person_create(email=EMAIL, role="client", first_name="Cleo")
        client = Client.objects.create(
            user=user,
            first_name="Cleo",
            last_name="Builder",
            email=EMAIL,
            status="active",
            injuries="Left knee: avoid deep lunges",
        )
        client_id = client.pk
    yield client_id
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        from accounts.models import User
        from programs.models import ProgramAssignment

        ProgramAssignment.objects.filter(client_id=client_id).delete()
        Program.objects.exclude(pk__in=before).filter(client_id=client_id).delete()
        Program.objects.exclude(pk__in=before).delete()
        Client.objects.filter(pk=client_id).delete()
        User.objects.filter(email=EMAIL).delete()


def sign_in(page, live_site, email, *, admin=False):
    page.goto(live_site.business_url("acme", "/admin/" if admin else "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/" if admin else live_site.business_url("acme", "/"))


def add_exercise(page, day_name: str, query: str):
    box = page.get_by_label(f"Add an exercise to {day_name}")
    box.fill(query)
    option = page.locator(f"#{box.get_attribute('aria-controls')} [role=option]").first
    option.wait_for()
    count = page.locator(".pb-rx").count()
    option.dispatch_event("mousedown")
    page.wait_for_function(f"() => document.querySelectorAll('.pb-rx').length > {count}")


def day_names(page) -> list[str]:
    return page.eval_on_selector_all(".pb-day__name", "els => els.map(e => e.value)")


def test_the_owner_builds_and_assigns_a_program_and_cleo_sees_it(cleo, live_site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.on("dialog", lambda dialog: dialog.accept())
    sign_in(desk, live_site, "owner@acme.test", admin=True)

    desk.goto(live_site.business_url("acme", "/admin/programs/program/"))
    desk.get_by_label("Name").fill("Strength 4-day")
    desk.get_by_label("Workouts a week").fill("0")
    desk.get_by_role("button", name="Create and open the builder").click()
    desk.wait_for_url("**/builder/")

    for name in ("Lower A", "Upper A", "Lower B", "Upper B"):
        desk.get_by_label("New workout in week 1").fill(name)
        count = desk.locator(".pb-day").count()
        desk.get_by_role("button", name="Add workout").click()
        desk.wait_for_function(f"() => document.querySelectorAll('.pb-day').length > {count}")
    assert day_names(desk) == ["Lower A", "Upper A", "Lower B", "Upper B"]

    add_exercise(desk, "Lower A", "squat")
    add_exercise(desk, "Lower A", "deadlift")
    add_exercise(desk, "Upper A", "bench press")
    add_exercise(desk, "Lower B", "lunge")
    add_exercise(desk, "Upper B", "row")

    # edit the first exercise: 5 x 5 at 80 kg, +2.5 kg a week
    editor = desk.locator(".pb-rx").first
    editor.locator("summary").click()
    editor.get_by_label("Sets").fill("5")
    editor.get_by_label("Reps", exact=True).fill("5")
    editor.get_by_label("Load", exact=True).select_option("kg")
    editor.get_by_label("Value").fill("80")
    editor.get_by_label("Rule").select_option("add_load")
    editor.get_by_label("Step").fill("2.5")
    editor.get_by_role("button", name="Save exercise").click()
    desk.wait_for_function("() => document.body.innerText.includes('5 × 5 @ 80\u00a0kg')")
    assert "wk 2 5 @ 82.5\u00a0kg" in desk.inner_text("body")

    # a bad value is refused with a message next to the field
    editor = desk.locator(".pb-rx").first
    editor.get_by_label("Sets").fill("25")
    editor.get_by_role("button", name="Save exercise").click()
    desk.get_by_text("Sets must be between 1 and 20.").wait_for()

    # drag Upper B to the top, then move it back down one step with the keyboard button
    desk.reload()
    days = desk.locator(".pb-day")
    with desk.expect_response("**/api/v1/program-days/reorder/") as moved:
        days.nth(3).locator(".pb-day__head .pb-grip").drag_to(days.nth(0).locator(".pb-day__head"))
    assert moved.value.status == 200
    desk.wait_for_function(
        "() => [...document.querySelectorAll('.pb-day__name')].map(e => e.value)[0] === 'Upper B'"
    )
    assert day_names(desk) == ["Upper B", "Lower A", "Upper A", "Lower B"]
    with desk.expect_response("**/api/v1/program-days/reorder/") as moved:
        desk.get_by_role("button", name="Move Upper B down").click()
    assert moved.value.status == 200
    desk.reload()
    assert day_names(desk) == ["Lower A", "Upper B", "Upper A", "Lower B"]
    desk.screenshot(path=str(ARTIFACTS / "builder-desktop.png"), full_page=True)

    # assign to Cleo from Monday next week, Mon/Tue/Thu/Fri
    desk.get_by_role("link", name="Assign to clients…").click()
    desk.get_by_label("Cleo Builder").check()
    monday = datetime.date.today() + datetime.timedelta(days=7 - datetime.date.today().weekday())
    desk.get_by_label("Start date").fill(monday.isoformat())
    for label, wanted in (
        ("Mon", True),
        ("Tue", True),
        ("Wed", False),
        ("Thu", True),
        ("Fri", True),
    ):
        box = desk.get_by_label(label, exact=True)
        box.check() if wanted else box.uncheck()
    desk.get_by_role("button", name="Assign").click()
    desk.wait_for_url(f"**/programassignment/client/{cleo}/")
    assert "Assigned Strength 4-day to Cleo Builder" in desk.inner_text("body")
    assert "Health flag" in desk.inner_text("body")
    desk.screenshot(path=str(ARTIFACTS / "assign-client-desktop.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site, EMAIL)
    phone.goto(live_site.business_url("acme", f"/calendar/?month={monday:%Y-%m}"))
    assert "Lower A" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "calendar-phone.png"), full_page=True)
    phone.goto(live_site.business_url("acme", f"/calendar/?week={monday.isoformat()}"))
    body = phone.inner_text("body")
    assert body.index("Lower A") < body.index("Upper B") < body.index("Upper A")
    phone.screenshot(path=str(ARTIFACTS / "calendar-week-phone.png"), full_page=True)

    builder_phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(builder_phone, live_site, "owner@acme.test", admin=True)
    builder_phone.goto(desk.url.replace(f"programassignment/client/{cleo}/", "program/"))
    builder_phone.screenshot(path=str(ARTIFACTS / "builder-list-phone.png"), full_page=True)
