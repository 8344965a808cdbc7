"""Portal pages: the client's food log (/nutrition/) and meal plan (/nutrition/plan/)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import portal_client_required
from clients.services.measurements import client_today

from ..form_fields import NumberField
from ..models import FoodLogEntry
from ..selectors import nutrition as selectors
from ..selectors.nutrition import food_meant
from ..services.food_log import CustomEntry, food_log_add, food_log_delete
from ..services.foods import foods_ensure_starter


class FoodLogForm(forms.Form):
    """One diary line: a food from the list and grams, or (``custom``) a named entry
    with its own kcal and macros. The service checks every number again."""

    food = forms.CharField(
        label=gettext_lazy("Food"),
        max_length=120,
        help_text=gettext_lazy("Type its name: “banana”, “greek yog”. A typo is fine."),
        widget=forms.TextInput(
            attrs={"list": "food-options", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={
            "required": gettext_lazy(
                "Name a food from the list, or tick “Something not on the list”."
            ),
        },
    )
    grams = NumberField(
        label=gettext_lazy("Amount (g)"),
        widget=forms.TextInput(
            attrs={"maxlength": "12", "inputmode": "decimal", "autocomplete": "off"}
        ),
        error_messages={"required": gettext_lazy("Enter the grams.")},
    )
    meal_name = forms.ChoiceField(
        label=gettext_lazy("Meal"),
        required=False,
        choices=[
            ("", gettext_lazy("No meal")),
            ("Breakfast", gettext_lazy("Breakfast")),
            ("Lunch", gettext_lazy("Lunch")),
            ("Dinner", gettext_lazy("Dinner")),
            ("Snack", gettext_lazy("Snack")),
        ],
    )
    custom = forms.BooleanField(required=False, label=gettext_lazy("Something not on the list"))
    name = forms.CharField(
        label=gettext_lazy("What you ate"),
        max_length=200,
        error_messages={"required": gettext_lazy("Name what you ate.")},
    )
    kcal = NumberField(
        label=gettext_lazy("kcal"),
        error_messages={"required": gettext_lazy("Enter the calories of what you ate.")},
        widget=forms.TextInput(attrs={"maxlength": "12", "inputmode": "decimal"}),
    )
    protein_g = NumberField(
        label=gettext_lazy("Protein (g)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "12", "inputmode": "decimal"}),
    )
    carbs_g = NumberField(
        label=gettext_lazy("Carbs (g)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "12", "inputmode": "decimal"}),
    )
    fat_g = NumberField(
        label=gettext_lazy("Fat (g)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "12", "inputmode": "decimal"}),
    )
    date = forms.DateField(widget=forms.HiddenInput, required=False)
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.food_suggestions = []

    def clean_food(self):
        """The food the typed name means (typo-tolerant, see ``food_meant``); a food's id
        is taken too: ``food_pick``, a radio button under "Several foods fit", or the
        value itself (an older page's select)."""
        text = self.cleaned_data["food"].strip()
        picked = self.data.get("food_pick") or (text if text.isdigit() else "")
        if picked.isdigit() and len(picked) < 12:
            food = selectors.food_choices().filter(pk=int(picked)).first()
            if food is not None:
                return food
        food, self.food_suggestions = food_meant(query=text)
        if food is not None:
            return food
        if self.food_suggestions:
            raise ValidationError(
                _("Several foods fit “%(name)s”: choose one below."), params={"name": text}
            )
        raise ValidationError(
            _(
                "No food on the list is called “%(name)s”. Check the spelling,"
                " or tick “Something not on the list”."
            ),
            params={"name": text},
        )

    def clean(self):
        data = super().clean()
        if data.get("custom"):
            self.errors.pop("food", None)  # a custom entry needs no food from the list
            data["food"] = None
        else:
            # asked only for something not on the list
            for name in ("name", "kcal", "protein_g", "carbs_g", "fat_g"):
                self.errors.pop(name, None)
        return data


SECTION = gettext_lazy("Your food log, meal plan and habits")


def _day(request, today: datetime.date) -> datetime.date:
    raw = request.GET.get("date", "")
    try:
        on = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        on = today
    return min(on, today)


@portal_client_required(section=SECTION)
@require_http_methods(["GET", "POST"])
def nutrition(request):
    """Today's (or ``?date=``) diary with totals against the targets, the add form,
    and the previous days."""
    client = request.client
    foods_ensure_starter()
    today = client_today(client=client, business=request.tenant)
    on = _day(request, today)
    form = FoodLogForm(request.POST or None, initial={"date": on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        on = data.get("date") or today
        try:
            logged = food_log_add(
                client=client,
                by=request.user,
                food=None if data.get("custom") else data.get("food"),
                grams=data["grams"],
                name=data.get("name", ""),
                custom=CustomEntry(
                    kcal=data.get("kcal"),
                    protein_g=data.get("protein_g"),
                    carbs_g=data.get("carbs_g"),
                    fat_g=data.get("fat_g"),
                ),
                on=on,
                meal_name=data.get("meal_name", ""),
                client_uuid=data.get("client_uuid"),
                today=today,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            entry = logged.entry
            messages.success(
                request,
                _("Logged %(grams)s g %(name)s: %(kcal)s kcal.")
                % {"grams": _num(entry.grams), "name": entry.name, "kcal": _num(entry.kcal)},
            )
            url = reverse("portal_nutrition")
            if on != today:
                url += f"?date={on.isoformat()}"
            return redirect(url + "#today")
    day = selectors.food_log_day(client=client, on=on)
    foods = list(selectors.food_choices())
    context = {
        "client": client,
        "form": form,
        "day": day,
        "today": today,
        "is_today": on == today,
        "previous_day": on - datetime.timedelta(days=1),
        "next_day": on + datetime.timedelta(days=1) if on < today else None,
        "history": selectors.food_log_history(client=client, before=on),
        "plan": selectors.meal_plan_for_client(client=client),
        "meals": _by_meal(day.entries),
        "foods": foods,
        "food_servings": {f.name: _num(f.serving_g) for f in foods if f.serving_g},
    }
    return render(
        request, "programs/portal/nutrition.html", context, status=400 if form.errors else 200
    )


def _num(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _by_meal(entries) -> list[dict]:
    groups: dict[str, list] = {}
    for e in entries:
        groups.setdefault(e.meal_name or _("Other"), []).append(e)
    order = ["Breakfast", "Lunch", "Dinner", "Snack"]
    keys = sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [
        {"name": k, "entries": groups[k], "total": selectors.day_totals(groups[k])} for k in keys
    ]


@portal_client_required(section=SECTION)
@require_POST
def food_log_remove(request, pk: int):
    client = request.client
    entry = get_object_or_404(FoodLogEntry, pk=pk, client=client)
    food_log_delete(entry=entry, by=request.user)
    messages.success(request, _("Removed %(name)s.") % {"name": entry.name})
    url = reverse("portal_nutrition")
    today = client_today(client=client, business=request.tenant)
    if entry.date != today:
        url += f"?date={entry.date.isoformat()}"
    return redirect(url + "#today")


@portal_client_required(section=SECTION)
def meal_plan(request):
    """The client's meal plan: days, meals, foods with grams and totals."""
    client = request.client
    plan = selectors.meal_plan_for_client(client=client)
    today = client_today(client=client, business=request.tenant)
    context = {
        "client": client,
        "plan": plan,
        "totals": selectors.meal_plan_totals(plan=plan) if plan else None,
        "target": selectors.target_for(client=client, on=today),
    }
    return render(request, "programs/portal/nutrition_plan.html", context)


urlpatterns = [
    path("nutrition/", nutrition, name="portal_nutrition"),
    path("nutrition/plan/", meal_plan, name="portal_meal_plan"),
    path("nutrition/log/<int:pk>/delete/", food_log_remove, name="portal_food_log_delete"),
]
