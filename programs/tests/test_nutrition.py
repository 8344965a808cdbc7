"""Nutrition: macros and totals (rounding), target warnings, food log validation, meal
plans, the portal pages, the back office and the API's role matrix."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.models import Food, FoodLogEntry, MealPlan, NutritionTarget
from programs.selectors import nutrition as selectors
from programs.services import food_log, foods, meal_plans
from programs.services import nutrition as numbers
from programs.services import nutrition_targets as targets

TODAY = datetime.date(2025, 3, 14)


@pytest.fixture
def oats(tenant):
    return Food.objects.create(
        name="Test oats",
        kcal_100g=379,
        protein_100g="13.2",
        carbs_100g="67.7",
        fat_100g="6.5",
        serving_g=50,
    )


@pytest.fixture
def chicken(tenant):
    return Food.objects.create(
        name="Test chicken", kcal_100g=165, protein_100g=31, carbs_100g=0, fat_100g="3.6"
    )


def test_macros_of_an_amount_are_rounded_half_up_to_a_tenth(oats):
    m = numbers.macros_for(food=oats, grams=Decimal("45"))
    assert (m.kcal, m.protein, m.carbs, m.fat) == (
        Decimal("170.6"),  # 170.55
        Decimal("5.9"),  # 5.94
        Decimal("30.5"),  # 30.465
        Decimal("2.9"),  # 2.925
    )


@settings(max_examples=200, deadline=None)
@given(grams=st.lists(st.decimals("0.1", "5000", places=1), min_size=1, max_size=8))
def test_a_days_total_is_the_sum_of_its_rounded_lines(grams):
    food = Food(
        name="x",
        kcal_100g=Decimal("379"),
        protein_100g=Decimal("13.2"),
        carbs_100g=Decimal("67.7"),
        fat_100g=Decimal("6.5"),
    )
    lines = [numbers.macros_for(food=food, grams=g) for g in grams]
    total = numbers.Macros()
    for line in lines:
        total = total + line
        assert line.kcal == line.kcal.quantize(Decimal("0.1"))
    assert total.kcal == sum(line.kcal for line in lines)


def test_the_starter_food_list_is_added_once(tenant):
    Food.objects.all().delete()
    added = foods.foods_ensure_starter()
    assert added >= 80
    assert foods.foods_ensure_starter() == 0
    assert Food.objects.count() == added


def test_targets_far_from_the_macros_save_with_a_warning(tenant, client_record, coach):
    result = targets.nutrition_target_set(
        client=client_record,
        calories=2000,
        protein_g=150,
        carbs_g=200,
        fat_g=67,
        by=coach,
        starts_on=TODAY,
    )
    assert result.warnings == []  # 600 + 800 + 603 = 2003 kcal
    result = targets.nutrition_target_set(
        client=client_record,
        calories=3000,
        protein_g=150,
        carbs_g=200,
        fat_g=67,
        by=coach,
        starts_on=TODAY,
    )
    assert not result.created  # same day: replaced
    assert len(result.warnings) == 1 and "2,003 kcal" in result.warnings[0]
    assert NutritionTarget.objects.get(client=client_record).calories == 3000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("calories", 100),
        ("calories", 20000),
        ("protein_g", -5),
        ("fat_g", None),
    ],
)
def test_absurd_targets_are_refused_with_a_field_message(
    tenant, client_record, coach, field, value
):
    data = {"calories": 2000, "protein_g": 150, "carbs_g": 200, "fat_g": 67} | {field: value}
    with pytest.raises(ValidationError) as exc:
        targets.nutrition_target_set(client=client_record, by=coach, **data)
    assert field in exc.value.message_dict


def test_the_target_in_force_is_the_latest_started(tenant, client_record, coach):
    targets.nutrition_target_set(
        client=client_record,
        calories=2000,
        protein_g=150,
        carbs_g=200,
        fat_g=67,
        by=coach,
        starts_on=TODAY,
    )
    targets.nutrition_target_set(
        client=client_record,
        calories=1800,
        protein_g=150,
        carbs_g=150,
        fat_g=67,
        by=coach,
        starts_on=TODAY + datetime.timedelta(days=7),
    )
    assert (
        selectors.target_for(client=client_record, on=TODAY + datetime.timedelta(days=3)).calories
        == 2000
    )
    assert (
        selectors.target_for(client=client_record, on=TODAY + datetime.timedelta(days=8)).calories
        == 1800
    )
    assert selectors.target_for(client=client_record, on=TODAY - datetime.timedelta(days=1)) is None


def test_logging_a_food_copies_its_macros_at_that_time(tenant, client_record, oats):
    logged = food_log.food_log_add(
        client=client_record, by=None, food=oats, grams=Decimal("45"), on=TODAY, today=TODAY
    )
    oats.kcal_100g = 100
    oats.save()
    entry = FoodLogEntry.objects.get(pk=logged.entry.pk)
    assert entry.kcal == Decimal("170.6") and entry.name == "Test oats"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"grams": Decimal("-10")}, "grams"),
        ({"grams": Decimal("0")}, "grams"),
        ({"grams": Decimal("99999")}, "grams"),
        ({"grams": None}, "grams"),
        ({"grams": Decimal("100"), "on": TODAY + datetime.timedelta(days=1)}, "date"),
        ({"grams": Decimal("100"), "on": TODAY - datetime.timedelta(days=400)}, "date"),
    ],
)
def test_bad_food_log_entries_are_refused(tenant, client_record, oats, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        food_log.food_log_add(client=client_record, by=None, food=oats, today=TODAY, **kwargs)
    assert field in exc.value.message_dict


@pytest.mark.parametrize(
    ("custom", "grams", "field"),
    [
        ({"kcal": Decimal("9000")}, Decimal("200"), "kcal"),
        ({"kcal": Decimal("-1")}, Decimal("200"), "kcal"),
        ({}, Decimal("200"), "kcal"),
        (
            {"kcal": Decimal("300"), "protein_g": Decimal("150"), "carbs_g": Decimal("100")},
            Decimal("200"),
            "grams",
        ),
        ({"kcal": Decimal("300"), "fat_g": Decimal("-3")}, Decimal("200"), "fat_g"),
    ],
)
def test_custom_entries_must_be_plausible(tenant, client_record, custom, grams, field):
    with pytest.raises(ValidationError) as exc:
        food_log.food_log_add(
            client=client_record,
            by=None,
            name="Homemade stew",
            custom=food_log.CustomEntry(**custom),
            grams=grams,
            today=TODAY,
        )
    assert field in exc.value.message_dict


def test_a_repeated_client_uuid_logs_once(tenant, client_record, oats):
    key = uuid.uuid4()
    first = food_log.food_log_add(
        client=client_record, by=None, food=oats, grams=Decimal("50"), client_uuid=key, today=TODAY
    )
    again = food_log.food_log_add(
        client=client_record, by=None, food=oats, grams=Decimal("50"), client_uuid=key, today=TODAY
    )
    assert first.created and not again.created and first.entry.pk == again.entry.pk


def test_the_day_shows_totals_against_targets(tenant, client_record, coach, oats, chicken):
    targets.nutrition_target_set(
        client=client_record,
        calories=2000,
        protein_g=150,
        carbs_g=200,
        fat_g=67,
        by=coach,
        starts_on=TODAY,
    )
    food_log.food_log_add(
        client=client_record, by=None, food=oats, grams=Decimal("100"), on=TODAY, today=TODAY
    )
    food_log.food_log_add(
        client=client_record, by=None, food=chicken, grams=Decimal("200"), on=TODAY, today=TODAY
    )
    day = selectors.food_log_day(client=client_record, on=TODAY)
    assert day.total.kcal == Decimal("709.0")
    assert day.total.protein == Decimal("75.2")
    assert day.progress["kcal"]["percent"] == 35
    assert day.progress["protein"]["left"] == Decimal("74.8")


def test_meal_plan_totals_per_meal_and_day_and_copies_for_a_client(
    tenant, coach, client_record, oats, chicken
):
    plan = meal_plans.meal_plan_create(name="Lean week", by=coach)
    day = plan.days.get()
    breakfast = meal_plans.meal_add(day=day, name="Breakfast")
    lunch = meal_plans.meal_add(day=day, name="Lunch")
    meal_plans.meal_item_add(meal=breakfast, food=oats, grams=Decimal("80"))
    meal_plans.meal_item_add(meal=lunch, food=chicken, grams=Decimal("150"))
    totals = selectors.meal_plan_totals(plan=plan)
    assert [m.total.kcal for m in totals.days[0].meals] == [Decimal("303.2"), Decimal("247.5")]
    assert totals.days[0].total.kcal == Decimal("550.7")
    with pytest.raises(ValidationError):
        meal_plans.meal_item_add(meal=lunch, food=chicken, grams=Decimal("-5"))
    copy = meal_plans.meal_plan_copy(plan=plan, by=coach, client=client_record)
    assert selectors.meal_plan_for_client(client=client_record) == copy
    assert selectors.meal_plan_totals(plan=copy).days[0].total.kcal == Decimal("550.7")


def test_a_plan_keeps_at_least_one_day(tenant, coach):
    plan = meal_plans.meal_plan_create(name="Two days", by=coach)
    first = plan.days.get()
    second = meal_plans.meal_plan_day_add(plan=plan)
    meal_plans.meal_plan_day_remove(day=first, by=coach)
    assert list(plan.days.all()) == [second]
    with pytest.raises(ValidationError) as exc:
        meal_plans.meal_plan_day_remove(day=second, by=coach)
    assert exc.value.message_dict == {"day": ["A plan keeps at least one day."]}
    assert plan.days.count() == 1


def test_the_builder_keeps_a_plans_last_day(coach_browser, business):
    with tenant_context(business):
        plan = meal_plans.meal_plan_create(name="One day", by=None)
        day = plan.days.get()
    url = f"/admin/programs/mealplan/{plan.pk}/build/"
    response = coach_browser.post(url, {"op": "remove_day", "day": day.pk})
    assert response.status_code == 400
    assert "A plan keeps at least one day." in response.content.decode()
    with tenant_context(business):
        assert plan.days.count() == 1


def test_the_api_keeps_a_plans_last_day(coach_browser, business):
    with tenant_context(business):
        plan = meal_plans.meal_plan_create(name="API days", by=None)
        first = plan.days.get()
        second = meal_plans.meal_plan_day_add(plan=plan)
    url = f"/api/v1/meal-plans/{plan.pk}/items/"
    removed = coach_browser.delete(url, {"day": first.pk}, content_type="application/json")
    assert removed.status_code == 200, removed.content
    assert [d["id"] for d in removed.json()["days"]] == [second.pk]
    kept = coach_browser.delete(url, {"day": second.pk}, content_type="application/json")
    assert kept.status_code == 400
    assert kept.json() == {"day": ["A plan keeps at least one day."]}
    with tenant_context(business):
        assert list(plan.days.values_list("pk", flat=True)) == [second.pk]


def test_meal_plan_queries_are_constant(tenant, coach, oats, django_assert_num_queries):
    plan = meal_plans.meal_plan_create(name="Q", by=coach)
    for n in range(3):
        day = meal_plans.meal_plan_day_add(plan=plan) if n else plan.days.get()
        meal = meal_plans.meal_add(day=day, name="Meal")
        for _ in range(3):
            meal_plans.meal_item_add(meal=meal, food=oats, grams=Decimal("50"))
    with django_assert_num_queries(3):
        selectors.meal_plan_totals(plan=plan)


# --- portal ------------------------------------------------------------------------------


def test_a_client_logs_food_in_the_portal_and_sees_totals(
    client_browser, business, client_record, coach
):
    with tenant_context(business):
        targets.nutrition_target_set(
            client=client_record,
            calories=2000,
            protein_g=150,
            carbs_g=200,
            fat_g=67,
            by=coach,
            starts_on=datetime.date(2020, 1, 1),
        )
        foods.foods_ensure_starter()
        banana = Food.objects.get(name="Banana")
    response = client_browser.post(
        "/nutrition/", {"food": banana.pk, "grams": "120", "meal_name": "Snack"}
    )
    assert response.status_code == 302
    page = client_browser.get("/nutrition/").content.decode()
    assert "Banana" in page and "106.8" in page and "/ 2,000" in page


def test_the_portal_form_explains_bad_grams(client_browser, business):
    with tenant_context(business):
        foods.foods_ensure_starter()
        banana = Food.objects.get(name="Banana")
    response = client_browser.post("/nutrition/", {"food": banana.pk, "grams": "-3"})
    assert response.status_code == 400
    assert "Enter more than 0 g." in response.content.decode()


def test_a_client_logs_a_custom_entry(client_browser, business, client_record):
    response = client_browser.post(
        "/nutrition/",
        {
            "custom": "on",
            "name": "Gran's stew",
            "grams": "350",
            "kcal": "420",
            "protein_g": "30",
            "carbs_g": "35",
            "fat_g": "15",
        },
    )
    assert response.status_code == 302
    with tenant_context(business):
        assert FoodLogEntry.objects.get(client=client_record).kcal == Decimal("420.0")


def test_a_client_cannot_remove_another_clients_entry(client_browser, business, stranger_record):
    with tenant_context(business):
        entry = food_log.food_log_add(
            client=stranger_record,
            by=None,
            name="x",
            custom=food_log.CustomEntry(kcal=Decimal(10)),
            grams=Decimal(10),
        ).entry
    assert client_browser.post(f"/nutrition/log/{entry.pk}/delete/").status_code == 404


def test_the_meal_plan_page_shows_the_clients_plan(client_browser, business, client_record, coach):
    with tenant_context(business):
        meal_plans.meal_plan_create(name="Cleo's plan", by=coach, client=client_record)
    assert "Cleo&#x27;s plan" in client_browser.get("/nutrition/plan/").content.decode()


def test_staff_are_sent_to_the_back_office_and_strangers_to_sign_in(coach_browser, tenant_client):
    assert coach_browser.get("/nutrition/").status_code == 302
    assert "/accounts/login/" in tenant_client.get("/nutrition/")["Location"]


# --- back office -------------------------------------------------------------------------


def test_a_coach_sets_targets_from_the_client_panel_and_sees_the_warning(
    coach_browser, business, client_record
):
    response = coach_browser.post(
        f"/admin/programs/nutritiontarget/client/{client_record.pk}/set/",
        {"calories": "3000", "protein_g": "150", "carbs_g": "200", "fat_g": "67"},
        follow=True,
    )
    assert response.status_code == 200
    assert "away from the 3,000 kcal target" in response.content.decode()
    with tenant_context(business):
        assert NutritionTarget.objects.get(client=client_record).calories == 3000


def test_another_coach_cannot_set_targets_for_a_client_they_do_not_coach(
    other_coach_browser, client_record
):
    response = other_coach_browser.post(
        f"/admin/programs/nutritiontarget/client/{client_record.pk}/set/",
        {"calories": "2000", "protein_g": "150", "carbs_g": "200", "fat_g": "67"},
    )
    assert response.status_code == 404


def test_the_nutrition_panel_renders_for_the_clients_coach(business, coach, client_record):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user, request.tenant = coach, business
    with tenant_context(business):
        html = render_to_string(
            "clients/backoffice/_panel_nutrition.html",
            {"client": client_record, "request": request},
        )
    assert "Nutrition and habits" in html and "Set targets" in html and "Add a habit" in html


def test_a_coach_builds_a_meal_plan_in_the_back_office(coach_browser, business, oats):
    with tenant_context(business):
        plan = MealPlan.objects.create(name="Template A")
        day = plan.days.create(position=1, name="Day 1")
    url = f"/admin/programs/mealplan/{plan.pk}/build/"
    assert coach_browser.get(url).status_code == 200
    coach_browser.post(url, {"op": "add_meal", "day": day.pk, "name": "Breakfast"})
    with tenant_context(business):
        meal = day.meals.get()
    coach_browser.post(url, {"op": "add_item", "meal": meal.pk, "food": oats.pk, "grams": "60"})
    page = coach_browser.get(url).content.decode()
    assert "227.4" in page  # 60 g oats
    bad = coach_browser.post(
        url, {"op": "add_item", "meal": meal.pk, "food": oats.pk, "grams": "-1"}
    )
    assert bad.status_code == 400


def test_another_coachs_client_plan_is_not_reachable(other_coach_browser, business, client_record):
    with tenant_context(business):
        plan = MealPlan.objects.create(name="Cleo's", client=client_record)
    assert other_coach_browser.get(f"/admin/programs/mealplan/{plan.pk}/build/").status_code == 404


# --- API ---------------------------------------------------------------------------------


def test_the_food_api_lists_foods_to_clients_and_only_staff_add(client_browser, coach_browser):
    assert client_browser.get("/api/v1/foods/?q=banana").json()["results"][0]["name"] == "Banana"
    assert (
        client_browser.post(
            "/api/v1/foods/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    bad = coach_browser.post(
        "/api/v1/foods/",
        {
            "name": "Odd",
            "kcal_100g": "50",
            "protein_100g": "60",
            "carbs_100g": "60",
            "fat_100g": "0",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "fat_100g" in bad.json()


def test_the_food_log_api_is_per_client_with_daily_totals(
    client_browser, business, stranger_record
):
    with tenant_context(business):
        food_log.food_log_add(
            client=stranger_record,
            by=None,
            name="Secret",
            custom=food_log.CustomEntry(kcal=Decimal(10)),
            grams=Decimal(10),
        )
    key = str(uuid.uuid4())
    payload = {"name": "Toast", "grams": "40", "kcal": "100", "carbs_g": "20", "client_uuid": key}
    first = client_browser.post("/api/v1/food-log/", payload, content_type="application/json")
    again = client_browser.post("/api/v1/food-log/", payload, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    listed = client_browser.get("/api/v1/food-log/").json()["results"]
    assert [e["name"] for e in listed] == ["Toast"]
    day = client_browser.get("/api/v1/food-log/day/").json()
    assert day["totals"]["kcal"] == "100.0"
    bad = client_browser.post(
        "/api/v1/food-log/",
        {"name": "x", "grams": "-1", "kcal": "1"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "grams" in bad.json()


@pytest.mark.parametrize("grams", ["abc", "NaN"])
def test_food_log_grams_that_are_not_a_number_are_refused(client_browser, grams):
    payload = {"name": "Toast", "grams": grams, "kcal": "100"}
    response = client_browser.post("/api/v1/food-log/", payload, content_type="application/json")
    assert response.status_code == 400 and "grams" in response.json()


@pytest.mark.parametrize(("field", "value"), [("fat_g", "lots"), ("carbs_g", "12.5")])
def test_targets_that_are_not_whole_numbers_are_refused(coach_browser, client_record, field, value):
    payload = {
        "client": client_record.pk,
        "calories": "2000",
        "protein_g": "150",
        "carbs_g": "200",
        "fat_g": "67",
    } | {field: value}
    response = coach_browser.post(
        "/api/v1/nutrition-targets/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()[field] == ["Enter a whole number."]


def test_staff_read_but_never_write_a_clients_food_log(
    coach_browser, other_coach_browser, business, client_record
):
    with tenant_context(business):
        food_log.food_log_add(
            client=client_record,
            by=None,
            name="Eggs",
            custom=food_log.CustomEntry(kcal=Decimal(150)),
            grams=Decimal(100),
        )
    assert len(coach_browser.get("/api/v1/food-log/").json()["results"]) == 1
    assert other_coach_browser.get("/api/v1/food-log/").json()["results"] == []
    response = coach_browser.post(
        "/api/v1/food-log/",
        {"name": "x", "grams": "1", "kcal": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_targets_api_roles(coach_browser, other_coach_browser, client_browser, client_record):
    payload = {
        "client": client_record.pk,
        "calories": "2000",
        "protein_g": "150",
        "carbs_g": "200",
        "fat_g": "67",
    }
    assert (
        client_browser.post(
            "/api/v1/nutrition-targets/", payload, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        other_coach_browser.post(
            "/api/v1/nutrition-targets/", payload, content_type="application/json"
        ).status_code
        == 400
    )
    created = coach_browser.post(
        "/api/v1/nutrition-targets/",
        payload | {"calories": "3500"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["warnings"]
    assert client_browser.get("/api/v1/nutrition-targets/").json()["results"][0]["calories"] == 3500


def test_meal_plan_api_copies_a_template_for_a_client(
    coach_browser, client_browser, business, client_record, oats
):
    with tenant_context(business):
        plan = meal_plans.meal_plan_create(name="T", by=None)
        meal = meal_plans.meal_add(day=plan.days.get(), name="Lunch")
        meal_plans.meal_item_add(meal=meal, food=oats, grams=Decimal("100"))
    response = coach_browser.post(
        "/api/v1/meal-plans/",
        {"copy_from": plan.pk, "client": client_record.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["days"][0]["totals"]["kcal"] == "379.0"
    mine = client_browser.get("/api/v1/meal-plans/").json()["results"]
    assert [p["id"] for p in mine] == [response.json()["id"]]
    assert (
        client_browser.post(
            "/api/v1/meal-plans/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "url",
    ["/api/v1/foods/", "/api/v1/food-log/", "/api/v1/nutrition-targets/", "/api/v1/meal-plans/"],
)
def test_anonymous_and_other_businesses_get_nothing(tenant_client, zen_client_browser, url):
    assert tenant_client.get(url).status_code in (401, 403)
    assert zen_client_browser.get(url).status_code in (401, 403)


# --- the food is searched by name, typos forgiven --------------------------------------


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("Banana", "Banana"),
        ("bananna", "Banana"),
        ("banan", "Banana"),
        ("greek yoghurt full", "Greek yoghurt, full fat"),
        ("chiken breast", "Chicken breast, cooked"),
        ("peanutt butter", "Peanut butter"),
        ("swet potato", "Sweet potato, baked"),
    ],
)
def test_a_food_is_found_by_its_name_with_a_typo(business, typed, meant):
    from programs.selectors.nutrition import food_meant

    with tenant_context(business):
        foods.foods_ensure_starter()
        food, _others = food_meant(query=typed)
        assert food is not None and food.name == meant


def test_a_client_logs_a_food_by_typing_its_name_misspelt(client_browser, business, client_record):
    with tenant_context(business):
        foods.foods_ensure_starter()
    response = client_browser.post("/nutrition/", {"food": "bananna", "grams": "120"})
    assert response.status_code == 302
    with tenant_context(business):
        assert FoodLogEntry.objects.get(client=client_record).name == "Banana"


def test_a_name_several_foods_fit_offers_them_and_the_choice_logs_it(
    client_browser, business, client_record
):
    with tenant_context(business):
        foods.foods_ensure_starter()
        skimmed = Food.objects.get(name="Milk, semi-skimmed (1.7%)")
    response = client_browser.post("/nutrition/", {"food": "milk", "grams": "200"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Which one did you mean?" in page
    assert f'name="food_pick" value="{skimmed.pk}"' in page
    response = client_browser.post(
        "/nutrition/", {"food": "milk", "food_pick": str(skimmed.pk), "grams": "200"}
    )
    assert response.status_code == 302
    with tenant_context(business):
        assert FoodLogEntry.objects.get(client=client_record).name == skimmed.name


def test_a_name_that_fits_no_food_says_so_and_keeps_what_was_typed(client_browser, business):
    with tenant_context(business):
        foods.foods_ensure_starter()
    response = client_browser.post("/nutrition/", {"food": "qqqzzz", "grams": "100"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "No food on the list is called" in page and 'value="qqqzzz"' in page


def test_the_food_field_is_a_labelled_search_with_suggestions_not_a_select(client_browser):
    page = client_browser.get("/nutrition/").content.decode()
    assert '<select name="food"' not in page
    assert 'list="food-options"' in page and '<datalist id="food-options">' in page
    assert '<label for="id_food">Food</label>' in page


def test_totals_are_round_numbers_with_thousands_separators(
    client_browser, business, client_record
):
    with tenant_context(business):
        targets.nutrition_target_set(
            client=client_record,
            calories=2100,
            protein_g=150,
            carbs_g=200,
            fat_g=67,
            by=None,
            starts_on=datetime.date(2020, 1, 1),
        )
        food_log.food_log_add(
            client=client_record,
            by=None,
            name="Stew",
            custom=food_log.CustomEntry(kcal=Decimal("372.4")),
            grams=Decimal(300),
        )
    page = client_browser.get("/nutrition/").content.decode()
    assert "<strong>372</strong> / 2,100 kcal" in page
    assert "1,728 kcal to go" in page
