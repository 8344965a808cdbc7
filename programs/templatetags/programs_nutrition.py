"""Template tags for nutrition and habits: the portal home panel (today's habits) and
the back-office client panel (targets, today's food, meal plan, habits). Each tag runs a
fixed, small number of queries."""

from django import template
from django.urls import reverse

from clients.services.measurements import client_today
from programs.models import MealPlan
from programs.selectors.habits import habit_days
from programs.selectors.nutrition import food_log_day, meal_plan_for_client
from programs.services.habits import weekdays_text
from programs.services.nutrition_targets import target_warnings

register = template.Library()


@register.simple_tag
def home_habits(client, request):
    """Today's planned habits of ``client`` with streaks (three queries)."""
    if client is None:
        return {"due": [], "has_habits": False}
    today = client_today(client=client, business=getattr(request, "tenant", None))
    days = habit_days(client=client, today=today)
    return {"due": [d for d in days if d.is_scheduled], "has_habits": bool(days), "today": today}


@register.simple_tag
def nutrition_panel(client, request):
    """What the back-office client panel shows (about six queries)."""
    today = client_today(client=client, business=getattr(request, "tenant", None))
    day = food_log_day(client=client, on=today)
    target = day.target
    habits = habit_days(client=client, today=today)
    for h in habits:
        h.schedule = weekdays_text(h.habit.weekdays)
    plan = meal_plan_for_client(client=client)
    user = request.user
    return {
        "today": today,
        "day": day,
        "target": target,
        "warnings": target_warnings(
            calories=target.calories,
            protein_g=target.protein_g,
            carbs_g=target.carbs_g,
            fat_g=target.fat_g,
        )
        if target
        else [],
        "habits": habits,
        "plan": plan,
        "templates": list(MealPlan.objects.filter(client__isnull=True).order_by("name")[:50]),
        "target_url": reverse("backoffice:programs_nutritiontarget_client", args=[client.pk]),
        "habit_url": reverse("backoffice:clients_habit_client", args=[client.pk]),
        "plan_copy_url": reverse("backoffice:programs_mealplan_assign", args=[client.pk]),
        "plan_build_url": reverse("backoffice:programs_mealplan_build", args=[plan.pk])
        if plan
        else "",
        "generator_url": reverse("backoffice:programs_generator") + f"?client={client.pk}",
        "can_target": user.has_perm("programs.add_nutritiontarget"),
        "can_habit": user.has_perm("clients.add_habit"),
        "can_plan": user.has_perm("programs.add_mealplan"),
        "weekdays": list(enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])),
    }
