"""Back office: the meal-plan builder (days -> meals -> foods with grams, totals per
meal and day, changed in place) and the client panel's "Give a meal plan" form.

The plans a person may open are ``programs.selectors.nutrition.meal_plans_for``:
templates, and the plans of the clients they may see."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.policies import staff_may
from clients.selectors import client_queryset_for
from programs.forms_nutrition import GramsForm
from programs.models import Food, Meal, MealItem, MealPlan, MealPlanDay
from programs.selectors.nutrition import (
    food_choices,
    meal_plan_totals,
    meal_plans_for,
    target_for,
)
from programs.services import meal_plans as svc
from programs.services.foods import foods_ensure_starter

from ..chrome import render_page


def urls(site):
    return [
        path(
            "programs/mealplan/<int:plan_id>/build/",
            site.admin_view(build_view),
            name="programs_mealplan_build",
        ),
        path(
            "programs/mealplan/assign/<int:client_id>/",
            site.admin_view(assign_view),
            name="programs_mealplan_assign",
        ),
    ]


def _id(raw) -> int:
    """A posted id; anything else finds nothing (404)."""
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


def build_view(request, plan_id: int):
    """Days -> meals -> foods with grams, totals per meal and day; add, change and
    remove in place."""
    user = request.user
    if not (
        staff_may(user, "programs.view_mealplan") or staff_may(user, "programs.change_mealplan")
    ):
        raise PermissionDenied
    plan = get_object_or_404(meal_plans_for(user=user), pk=plan_id)
    can_change = staff_may(user, "programs.change_mealplan")
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            message = _build_op(request, plan)
        except ValidationError as exc:
            for errors in (
                exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]
            ):
                for error in errors:
                    messages.error(request, error)
            status = 400
        else:
            if message:
                messages.success(request, message)
            anchor = request.POST.get("anchor", "")
            return redirect(
                reverse("backoffice:programs_mealplan_build", args=[plan.pk])
                + (f"#{anchor}" if anchor else "")
            )
    foods_ensure_starter()
    context = {
        "title": _("Meal plan: %(name)s") % {"name": plan.name},
        "plan": plan,
        "totals": meal_plan_totals(plan=plan),
        "foods": list(food_choices()),
        "can_change": can_change,
        "opts": MealPlan._meta,
        "clients": list(
            client_queryset_for(user=user, include_archived=False).order_by(
                "first_name", "last_name"
            )[:500]
        ),
        "target": target_for(client=plan.client, on=plan.created_at.date())
        if plan.client_id
        else None,
    }
    return render_page(
        request, "programs/backoffice/nutrition_plan_builder.html", context, status=status
    )


def _pick(model, post, key: str, **scope):
    raw = post.get(key, "")
    obj = model.objects.filter(pk=int(raw), **scope).first() if raw.isdigit() else None
    if obj is None:
        raise ValidationError({key: _("Choose from the list.")})
    return obj


def _grams(post):
    form = GramsForm(post)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data["grams"]


def _build_op(request, plan: MealPlan) -> str:  # noqa: C901 (one branch per action)
    """Do the posted ``op`` on ``plan`` through the meal-plan services; the message to
    show, or ValidationError."""
    op = request.POST.get("op", "")
    post = request.POST
    by = request.user
    if op == "add_day":
        day = svc.meal_plan_day_add(plan=plan, name=post.get("name", ""))
        return _("Added %(day)s.") % {"day": day.name}
    if op == "add_meal":
        day = _pick(MealPlanDay, post, "day", plan=plan)
        meal = svc.meal_add(day=day, name=post.get("name", ""))
        return _("Added %(meal)s to %(day)s.") % {"meal": meal.name, "day": day.name}
    if op == "add_item":
        meal = _pick(Meal, post, "meal", day__plan=plan)
        raw = post.get("food", "")
        food = Food.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        item = svc.meal_item_add(meal=meal, food=food, grams=_grams(post))
        return _("Added %(grams)s g %(food)s.") % {"grams": item.grams, "food": item.food}
    if op == "set_grams":
        item = _pick(MealItem, post, "item", meal__day__plan=plan)
        svc.meal_item_update(item=item, grams=_grams(post))
        return _("Saved.")
    if op == "move_item":
        # ids of another plan (or business) are not found here: 404, like the page
        item = get_object_or_404(MealItem, pk=_id(post.get("item")), meal__day__plan=plan)
        target = post.get("meal") or str(item.meal_id)
        meal = get_object_or_404(Meal, pk=_id(target), day__plan=plan)
        moved = svc.meal_item_move(
            item=item, meal=meal, position=post.get("position") or None, by=by
        )
        if moved.meal_id == item.meal_id:
            return _("Moved %(food)s to place %(n)d.") % {"food": item.food, "n": moved.position}
        return _("Moved %(food)s to %(meal)s (%(day)s).") % {
            "food": item.food,
            "meal": meal.name,
            "day": meal.day.name,
        }
    if op == "remove_item":
        svc.meal_item_remove(item=_pick(MealItem, post, "item", meal__day__plan=plan), by=by)
        return _("Removed.")
    if op == "remove_meal":
        svc.meal_remove(meal=_pick(Meal, post, "meal", day__plan=plan), by=by)
        return _("Meal removed.")
    if op == "remove_day":
        svc.meal_plan_day_remove(day=_pick(MealPlanDay, post, "day", plan=plan), by=by)
        return _("Day removed.")
    if op == "copy":
        raw = post.get("client", "")
        client = None
        if raw:
            client = (
                client_queryset_for(user=by).filter(pk=int(raw) if raw.isdigit() else 0).first()
            )
            if client is None:
                raise ValidationError({"client": _("Choose one of your clients.")})
        copy = svc.meal_plan_copy(plan=plan, client=client, by=by)
        messages.success(
            request,
            _("Copied for %(who)s: “%(name)s”.")
            % {"who": client.full_name if client else _("a new template"), "name": copy.name},
        )
        return ""
    raise ValidationError({"op": _("Unknown action.")})


def assign_view(request, client_id: int):
    """The client panel's "Give a meal plan" form: a copy of a template, or a blank plan."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not staff_may(request.user, "programs.add_mealplan"):
        raise PermissionDenied
    client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
    template_id = request.POST.get("template", "")
    if template_id.isdigit():
        template = get_object_or_404(MealPlan, pk=int(template_id), client__isnull=True)
        plan = svc.meal_plan_copy(plan=template, client=client, by=request.user)
    else:
        plan = svc.meal_plan_create(
            name=_("Meal plan for %(name)s") % {"name": client.first_name or client.full_name},
            client=client,
            by=request.user,
        )
    messages.success(
        request,
        _("%(name)s now follows “%(plan)s”.") % {"name": client.full_name, "plan": plan.name},
    )
    return redirect("backoffice:programs_mealplan_build", plan.pk)
