"""Cleo, on a phone, ticks off today's habit and logs a banana, and sees her totals against
the targets her coach set; the owner generates a program and builds a meal plan."""

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from clients.tests.test_measurements_browser import sign_in
from conftest import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS

EMAIL = "cleo.nutrition@acme.test"


@pytest.fixture
def cleo(django_db_setup, django_db_blocker):
    """Cleo with targets, two habits and a meal plan, committed; removed afterwards."""
    from accounts.models import User
    from clients.models import Client, Habit
    from clients.tests.factories import person_create
    from programs.models import Food, MealPlan
    from programs.services import foods, meal_plans
    from programs.services import nutrition_targets as targets
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        user = person_create(email=EMAIL, role="client", first_name="Cleo")
        client = Client.objects.create(
            user=user, first_name="Cleo", last_name="Nutrition", email=EMAIL, status="active"
        )
        foods.foods_ensure_starter()
        targets.nutrition_target_set(
            client=client,
            calories=2000,
            protein_g=140,
            carbs_g=220,
            fat_g=65,
            by=None,
            starts_on=datetime.date(2020, 1, 1),
        )
        start = datetime.date.today() - datetime.timedelta(days=10)
        water = Habit.objects.create(
            client=client, name="Drink 3 litres of water", weekdays=list(range(7)), starts_on=start
        )
        Habit.objects.create(
            client=client,
            name="8k steps",
            target=8000,
            unit="steps",
            weekdays=list(range(7)),
            starts_on=start,
        )
        from clients.models import HabitCheck

        for back in range(1, 4):
            HabitCheck.objects.create(
                habit=water, date=datetime.date.today() - datetime.timedelta(days=back)
            )
        plan = meal_plans.meal_plan_create(name="Cleo's lean week", by=None, client=client)
        day = plan.days.get()
        breakfast = meal_plans.meal_add(day=day, name="Breakfast")
        meal_plans.meal_item_add(
            meal=breakfast, food=Food.objects.get(name="Oats, rolled (dry)"), grams=Decimal("60")
        )
        meal_plans.meal_item_add(
            meal=breakfast, food=Food.objects.get(name="Skyr, plain"), grams=Decimal("150")
        )
        client_id, plan_id = client.pk, plan.pk
    yield client_id, plan_id
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        MealPlan.objects.filter(client_id=client_id).delete()
        Client.objects.filter(pk=client_id).delete()
        User.objects.filter(email=EMAIL).delete()


def test_cleo_ticks_a_habit_and_logs_food_on_a_phone(cleo, live_site, browser):
    client_id, plan_id = cleo
    ARTIFACTS.mkdir(exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site, EMAIL)

    phone.goto(live_site.business_url("acme", "/habits/"))
    assert "3-day streak" in phone.inner_text("body")
    phone.get_by_role("button", name="Drink 3 litres of water").click()
    phone.wait_for_url("**/habits/")
    body = phone.inner_text("body")
    assert "Done: Drink 3 litres of water" in body and "4-day streak" in body
    phone.get_by_label("How much today (steps)").fill("9500")
    phone.get_by_role("button", name="Save 8k steps").click()
    phone.wait_for_url("**/habits/")
    assert "2 of 2 done" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "nutrition-habits-phone.png"), full_page=True)

    phone.goto(live_site.business_url("acme", "/nutrition/"))
    phone.get_by_label("Food", exact=True).fill("Banana")
    phone.get_by_label("Food", exact=True).dispatch_event("change")
    assert phone.get_by_label("Amount (g)").input_value() == "120"  # the usual portion
    phone.get_by_label("Meal").select_option(label="Snack")
    phone.get_by_role("button", name="Add to today").click()
    phone.wait_for_url("**/nutrition/#today")
    body = phone.inner_text("body")
    assert "Logged 120 g Banana: 106.8 kcal." in body
    assert "107 / 2,000 kcal" in body and "5% · 1,893 kcal to go" in body

    phone.get_by_label("Something not on the list").check()
    phone.get_by_label("What you ate").fill("Gran's lentil stew")
    phone.get_by_label("Amount (g)").fill("-50")
    phone.get_by_label("kcal").fill("420")
    phone.get_by_role("button", name="Add to today").click()
    assert "Enter more than 0 g." in phone.inner_text("body")
    phone.get_by_label("Amount (g)").fill("350")
    phone.get_by_label("Protein (g)").fill("24")
    phone.get_by_label("Carbs (g)").fill("48")
    phone.get_by_label("Fat (g)").fill("12")
    phone.get_by_role("button", name="Add to today").click()
    phone.wait_for_url("**/nutrition/#today")
    assert "527 / 2,000 kcal" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "nutrition-log-phone.png"), full_page=True)

    # a name that fits several foods offers them; the one chosen is logged
    phone.get_by_label("Food", exact=True).fill("milk")
    phone.get_by_label("Amount (g)").fill("200")
    phone.get_by_role("button", name="Add to today").click()
    assert "Several foods fit “milk”" in phone.inner_text("body")
    phone.get_by_role("radio", name="Milk, semi-skimmed (1.7%)").check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "nutrition-food-choice-phone.png"), full_page=True)
    phone.get_by_role("button", name="Add to today").click()
    phone.wait_for_url("**/nutrition/#today")
    assert "Logged 200 g Milk, semi-skimmed (1.7%)" in phone.inner_text("body")

    phone.goto(live_site.business_url("acme", "/nutrition/plan/"))
    assert "Cleo's lean week" in phone.inner_text("body")
    phone.screenshot(path=str(ARTIFACTS / "nutrition-plan-phone.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site, EMAIL)
    desk.goto(live_site.business_url("acme", "/nutrition/"))
    desk.screenshot(path=str(ARTIFACTS / "nutrition-log-desktop.png"), full_page=True)
    desk.goto(live_site.business_url("acme", "/habits/"))
    desk.screenshot(path=str(ARTIFACTS / "nutrition-habits-desktop.png"), full_page=True)

    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(office, live_site, "owner@acme.test", admin=True)
    office.goto(live_site.business_url("acme", f"/admin/programs/mealplan/{plan_id}/build/"))
    assert "Breakfast" in office.inner_text("body")
    office.screenshot(path=str(ARTIFACTS / "nutrition-plan-builder.png"), full_page=True)
    office.goto(live_site.business_url("acme", f"/admin/programs/generator/?client={client_id}"))
    office.get_by_label("Days per week").fill("4")
    office.get_by_label("Minutes per session").fill("60")
    office.get_by_label("Injuries to work around").fill("left knee (ACL 2022)")
    office.get_by_role("button", name="Generate program").click()
    # the form posts and the page comes back with the draft: wait for it (reading the
    # body at once raced the navigation and read an empty page)
    expect(office.get_by_role("link", name="Open in builder")).to_be_visible()
    office.screenshot(path=str(ARTIFACTS / "generator-backoffice.png"), full_page=True)
