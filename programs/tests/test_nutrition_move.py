"""Meal plan builder: reorder foods in a meal and move them to another meal or day, by
the service and by the builder's forms (↑ ↓, "Move", and the drag and drop's post);
positions stay 1..n; other plans are a 404; the role matrix."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from programs.models import Food, MealItem, MealPlan
from programs.selectors import nutrition as selectors
from programs.services import meal_plans


def foods(meal) -> list[tuple[int, str]]:
    return list(meal.items.order_by("position").values_list("position", "food__name"))


@pytest.fixture
def pantry(tenant):
    return {
        name: Food.objects.create(
            name=name, kcal_100g=100, protein_100g=10, carbs_100g=10, fat_100g=2
        )
        for name in ("Oats", "Skyr", "Berries", "Rice")
    }


@pytest.fixture
def plan(tenant, coach, pantry):
    """Day 1: Breakfast (oats, skyr, berries), Lunch (rice); Day 2: Dinner (empty)."""
    plan = meal_plans.meal_plan_create(name="Lean", by=coach)
    day1 = plan.days.get()
    breakfast = meal_plans.meal_add(day=day1, name="Breakfast")
    lunch = meal_plans.meal_add(day=day1, name="Lunch")
    for name in ("Oats", "Skyr", "Berries"):
        meal_plans.meal_item_add(meal=breakfast, food=pantry[name], grams=Decimal("50"))
    meal_plans.meal_item_add(meal=lunch, food=pantry["Rice"], grams=Decimal("150"))
    day2 = meal_plans.meal_plan_day_add(plan=plan)
    meal_plans.meal_add(day=day2, name="Dinner")
    return plan


def meal(plan, name):
    return plan.days.get(meals__name=name).meals.get(name=name)


def item(plan, meal_name, food):
    return MealItem.objects.get(meal__day__plan=plan, meal__name=meal_name, food__name=food)


# --- service ---------------------------------------------------------------------------


def test_new_foods_go_to_the_end_of_their_meal(plan):
    assert foods(meal(plan, "Breakfast")) == [(1, "Oats"), (2, "Skyr"), (3, "Berries")]


def test_a_food_moves_up_inside_its_meal(plan):
    breakfast = meal(plan, "Breakfast")
    meal_plans.meal_item_move(item=item(plan, "Breakfast", "Berries"), meal=breakfast, position=1)
    assert foods(breakfast) == [(1, "Berries"), (2, "Oats"), (3, "Skyr")]


def test_a_food_moves_to_another_meal_and_both_are_renumbered(plan):
    skyr = item(plan, "Breakfast", "Skyr")
    meal_plans.meal_item_move(item=skyr, meal=meal(plan, "Lunch"), position=1)
    assert foods(meal(plan, "Lunch")) == [(1, "Skyr"), (2, "Rice")]
    assert foods(meal(plan, "Breakfast")) == [(1, "Oats"), (2, "Berries")]


def test_a_food_moves_to_an_empty_meal_of_another_day(plan):
    meal_plans.meal_item_move(item=item(plan, "Lunch", "Rice"), meal=meal(plan, "Dinner"))
    assert foods(meal(plan, "Dinner")) == [(1, "Rice")]
    assert foods(meal(plan, "Lunch")) == []
    assert selectors.meal_plan_totals(plan=plan).days[1].total.kcal > 0


def test_a_move_into_another_plan_is_refused(plan, coach, pantry):
    other = meal_plans.meal_plan_create(name="Other", by=coach)
    elsewhere = meal_plans.meal_add(day=other.days.get(), name="Snack")
    with pytest.raises(ValidationError) as exc:
        meal_plans.meal_item_move(item=item(plan, "Lunch", "Rice"), meal=elsewhere)
    assert "meal" in exc.value.message_dict
    assert foods(elsewhere) == []


@pytest.mark.parametrize("position", [0, 5, "two", -1])
def test_a_place_out_of_range_is_refused(plan, position):
    with pytest.raises(ValidationError) as exc:
        meal_plans.meal_item_move(
            item=item(plan, "Lunch", "Rice"), meal=meal(plan, "Breakfast"), position=position
        )
    assert "position" in exc.value.message_dict


def test_positions_stay_one_to_n_after_any_moves(plan):
    names = ["Breakfast", "Lunch", "Dinner"]
    steps = [("Oats", 2, 1), ("Skyr", 1, None), ("Berries", 2, 2), ("Oats", 0, 1), ("Rice", 1, 1)]
    for food, target, position in steps:
        moving = MealItem.objects.get(meal__day__plan=plan, food__name=food)
        meal_plans.meal_item_move(item=moving, meal=meal(plan, names[target]), position=position)
    for name in names:
        got = [p for p, _f in foods(meal(plan, name))]
        assert got == list(range(1, len(got) + 1))
    assert MealItem.objects.filter(meal__day__plan=plan).count() == 4


def test_a_copied_plan_keeps_the_order_of_the_foods(plan, coach):
    meal_plans.meal_item_move(
        item=item(plan, "Breakfast", "Berries"), meal=meal(plan, "Breakfast"), position=1
    )
    copy = meal_plans.meal_plan_copy(plan=plan, by=coach, client=None)
    assert foods(meal(copy, "Breakfast")) == [(1, "Berries"), (2, "Oats"), (3, "Skyr")]


# --- the builder page ------------------------------------------------------------------


def url(plan) -> str:
    return f"/admin/programs/mealplan/{plan.pk}/build/"


def ids(business, plan, meal_name, food):
    with tenant_context(business):
        found = item(plan, meal_name, food)
        return found.pk, found.meal_id


@pytest.fixture
def page_plan(business, coach, plan):
    return plan


def test_the_builder_shows_move_controls_for_each_food(coach_browser, business, page_plan):
    html = coach_browser.get(url(page_plan)).content.decode()
    oats, breakfast = ids(business, page_plan, "Breakfast", "Oats")
    assert f'id="mv-{oats}"' in html and "Move Oats up" in html and "Move Oats down" in html
    assert '<optgroup label="Day 2"><option value=' in html
    assert "js/programs-nutrition" in html


def test_the_down_button_posts_a_move_and_comes_back_to_the_food(
    coach_browser, business, page_plan
):
    oats, breakfast = ids(business, page_plan, "Breakfast", "Oats")
    response = coach_browser.post(
        url(page_plan),
        {
            "op": "move_item",
            "item": oats,
            "meal": breakfast,
            "position": 2,
            "anchor": f"item-{oats}",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{oats}")
    with tenant_context(business):
        assert foods(meal(page_plan, "Breakfast"))[:2] == [(1, "Skyr"), (2, "Oats")]


def test_the_move_form_puts_a_food_in_another_days_meal(coach_browser, business, page_plan):
    rice, _lunch = ids(business, page_plan, "Lunch", "Rice")
    with tenant_context(business):
        dinner = meal(page_plan, "Dinner").pk
    response = coach_browser.post(url(page_plan), {"op": "move_item", "item": rice, "meal": dinner})
    assert response.status_code == 302
    page = coach_browser.get(response["Location"]).content.decode()
    assert "Moved Rice to Dinner (Day 2)." in page


def test_a_bad_place_is_a_400_with_a_message(coach_browser, business, page_plan):
    rice, lunch = ids(business, page_plan, "Lunch", "Rice")
    response = coach_browser.post(
        url(page_plan), {"op": "move_item", "item": rice, "meal": lunch, "position": "9"}
    )
    assert response.status_code == 400
    assert "Choose a place from 1 to 1." in response.content.decode()


def test_a_meal_or_food_of_another_plan_is_a_404(coach_browser, business, coach, page_plan, pantry):
    with tenant_context(business):
        other = meal_plans.meal_plan_create(name="Other", by=coach)
        snack = meal_plans.meal_add(day=other.days.get(), name="Snack")
        theirs = meal_plans.meal_item_add(meal=snack, food=pantry["Oats"], grams=Decimal("10"))
    rice, lunch = ids(business, page_plan, "Lunch", "Rice")
    into_other = {"op": "move_item", "item": rice, "meal": snack.pk}
    assert coach_browser.post(url(page_plan), into_other).status_code == 404
    other_item = {"op": "move_item", "item": theirs.pk, "meal": lunch}
    assert coach_browser.post(url(page_plan), other_item).status_code == 404
    with tenant_context(business):
        assert item(page_plan, "Lunch", "Rice").meal_id == lunch


def test_another_business_meal_ids_are_not_found(
    coach_browser, business, other_business, page_plan
):
    with tenant_context(other_business):
        zen = MealPlan.objects.create(name="Zen")
        zen_day = zen.days.create(position=1, name="Z")
        zen_meals = [zen_day.meals.create(position=n, name=f"M{n}").pk for n in range(1, 6)]
    rice, lunch = ids(business, page_plan, "Lunch", "Rice")
    with tenant_context(business):
        ours = set(MealItem.objects.values_list("meal_id", flat=True))
    for meal_id in set(zen_meals) - ours:
        data = {"op": "move_item", "item": rice, "meal": meal_id}
        assert coach_browser.post(url(page_plan), data).status_code == 404


def test_another_coachs_client_plan_cannot_be_rearranged(
    other_coach_browser, business, coach, client_record, pantry
):
    with tenant_context(business):
        plan = meal_plans.meal_plan_create(name="Cleo's", by=coach, client=client_record)
        breakfast = meal_plans.meal_add(day=plan.days.get(), name="Breakfast")
        oats = meal_plans.meal_item_add(meal=breakfast, food=pantry["Oats"], grams=Decimal("50"))
    data = {"op": "move_item", "item": oats.pk, "meal": breakfast.pk, "position": 1}
    assert other_coach_browser.post(url(plan), data).status_code == 404


def test_clients_anonymous_and_other_businesses_cannot_rearrange(
    client_browser, zen_client_browser, tenant_client, business, page_plan
):
    rice, lunch = ids(business, page_plan, "Lunch", "Rice")
    data = {"op": "move_item", "item": rice, "meal": lunch, "position": 1}
    # a client of this business is told the back office is for staff; the others
    # (signed in elsewhere, or not at all) are sent to sign in
    assert client_browser.post(url(page_plan), data).status_code == 403
    for browser in (zen_client_browser, tenant_client):
        response = browser.post(url(page_plan), data)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_nonsense_ids_are_not_found_never_a_500(coach_browser, business, page_plan):
    rice, lunch = ids(business, page_plan, "Lunch", "Rice")
    huge = "9" * 30
    for data in ({"item": huge, "meal": lunch}, {"item": rice, "meal": huge}, {"item": "x"}):
        assert coach_browser.post(url(page_plan), {"op": "move_item", **data}).status_code == 404
