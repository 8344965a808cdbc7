"""Back office: the food list, daily targets and meal plans (with a builder page).

Targets and plans are narrowed to the clients the signed-in person may see
(``client_queryset_for``); template plans (no client) are shared by the staff.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import Food, Meal, MealItem, MealPlan, MealPlanDay, NutritionTarget
from ..services import nutrition as svc


def _id(raw) -> int:
    """A posted id; anything else finds nothing (404)."""
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


def _client_page(client_id: int) -> str:
    return reverse("backoffice:clients_client_change", args=[client_id]) + "#nutrition"


# --- foods ---------------------------------------------------------------------------------


class FoodForm(forms.ModelForm):
    class Meta:
        model = Food
        fields = [
            "name",
            "brand",
            "kcal_100g",
            "protein_100g",
            "carbs_100g",
            "fat_100g",
            "serving_g",
        ]
        labels = {
            "kcal_100g": gettext_lazy("kcal per 100 g"),
            "protein_100g": gettext_lazy("protein per 100 g"),
            "carbs_100g": gettext_lazy("carbs per 100 g"),
            "fat_100g": gettext_lazy("fat per 100 g"),
            "serving_g": gettext_lazy("usual portion (g)"),
        }

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.cleaned = svc.food_validate(data=data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


class FoodAdmin(admin.ModelAdmin):
    """The business's food list (macros per 100 g). A starter list of common foods is
    added the first time it is opened; edit, add, or archive what you do not use."""

    form = FoodForm
    list_display = [
        "name",
        "brand",
        "kcal_100g",
        "protein_100g",
        "carbs_100g",
        "fat_100g",
        "serving_g",
        "in_use",
    ]
    search_fields = ["name", "brand"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    actions = ["archive", "restore"]
    list_per_page = 100

    def changelist_view(self, request, extra_context=None):
        added = svc.foods_ensure_starter()
        if added:
            messages.info(
                request,
                _("Added a starter list of %(n)d common foods. Edit them as you like.")
                % {"n": added},
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("in use"), boolean=True)
    def in_use(self, obj):
        return obj.archived_at is None

    def has_delete_permission(self, request, obj=None):
        return False  # plans and diaries point at foods: archive instead

    @admin.action(description=gettext_lazy("Archive: hide from pickers"))
    def archive(self, request, queryset):
        for food in queryset:
            svc.food_archive(food=food, by=request.user)
        self.message_user(request, _("Archived %(n)d.") % {"n": queryset.count()})

    @admin.action(description=gettext_lazy("Bring back into use"))
    def restore(self, request, queryset):
        n = queryset.update(archived_at=None)
        self.message_user(request, _("Back in use: %(n)d.") % {"n": n})


# --- targets -------------------------------------------------------------------------------


class TargetForm(forms.Form):
    calories = forms.IntegerField(
        label=gettext_lazy("Calories (kcal)"), min_value=0, max_value=100000
    )
    protein_g = forms.IntegerField(label=gettext_lazy("Protein (g)"), min_value=0, max_value=100000)
    carbs_g = forms.IntegerField(label=gettext_lazy("Carbs (g)"), min_value=0, max_value=100000)
    fat_g = forms.IntegerField(label=gettext_lazy("Fat (g)"), min_value=0, max_value=100000)
    starts_on = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NutritionTargetAdminForm(forms.ModelForm):
    class Meta:
        model = NutritionTarget
        fields = ["client", "starts_on", "calories", "protein_g", "carbs_g", "fat_g"]

    def clean(self):
        data = super().clean()
        try:
            svc.target_validate(
                calories=data.get("calories"),
                protein_g=data.get("protein_g"),
                carbs_g=data.get("carbs_g"),
                fat_g=data.get("fat_g"),
                starts_on=data.get("starts_on"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, errors)
        return data

    def validate_unique(self):
        pass  # the same client and day again replaces the target (the service upserts)


class NutritionTargetAdmin(admin.ModelAdmin):
    """Daily targets of the clients you coach. Calories far from 4/4/9 of the macros
    are saved with a warning."""

    form = NutritionTargetAdminForm
    list_display = ["client", "starts_on", "calories", "protein_g", "carbs_g", "fat_g", "set_by"]
    list_select_related = ["client", "set_by"]
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    raw_id_fields = ["client"]
    date_hierarchy = "starts_on"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(client__in=client_queryset_for(user=request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = client_queryset_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        result = svc.nutrition_target_set(
            client=data["client"],
            calories=data["calories"],
            protein_g=data["protein_g"],
            carbs_g=data["carbs_g"],
            fat_g=data["fat_g"],
            starts_on=data["starts_on"],
            by=request.user,
        )
        obj.pk = result.target.pk
        for warning in result.warnings:
            messages.warning(request, warning)

    def get_urls(self):
        return [
            path(
                "client/<int:client_id>/set/",
                self.admin_site.admin_view(self.set_for_client),
                name="programs_nutritiontarget_client",
            ),
            *super().get_urls(),
        ]

    def set_for_client(self, request, client_id: int):
        """The client panel's "Set targets" form (POST), back to the client page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("programs.add_nutritiontarget"):
            raise PermissionDenied
        client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
        form = TargetForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(_client_page(client.pk))
        try:
            result = svc.nutrition_target_set(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field_errors in exc.message_dict.values():
                for error in field_errors:
                    messages.error(request, error)
            return redirect(_client_page(client.pk))
        messages.success(
            request,
            _("Targets for %(name)s from %(date)s: %(kcal)s kcal.")
            % {
                "name": client.full_name,
                "date": result.target.starts_on.strftime("%-d %b %Y"),
                "kcal": result.target.calories,
            },
        )
        for warning in result.warnings:
            messages.warning(request, warning)
        return redirect(_client_page(client.pk))


# --- meal plans ----------------------------------------------------------------------------


class MealPlanAdmin(admin.ModelAdmin):
    """Meal plans: templates (no client) and your clients' plans. Build the days, meals
    and foods on the plan's builder page."""

    list_display = ["name", "client", "is_active", "day_count", "created_at"]
    list_filter = ["is_active", ("client", admin.EmptyFieldListFilter)]
    search_fields = ["name", "client__first_name", "client__last_name"]
    fields = ["name", "client", "notes", "is_active"]
    raw_id_fields = ["client"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(Q(client__isnull=True) | Q(client__in=client_queryset_for(user=request.user)))
            .select_related("client")
            .annotate(day_total=Count("days"))
        )

    @admin.display(description=gettext_lazy("days"), ordering="day_total")
    def day_count(self, obj):
        return obj.day_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = client_queryset_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            if obj.client_id:
                MealPlan.objects.filter(client_id=obj.client_id, is_active=True).update(
                    is_active=False
                )
        super().save_model(request, obj, form, change)
        if not change and not obj.days.exists():
            MealPlanDay.objects.create(plan=obj, position=1, name=_("Day 1"))

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("backoffice:programs_mealplan_build", obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"build_url": reverse("backoffice:programs_mealplan_build", args=[object_id])}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "<int:plan_id>/build/",
                self.admin_site.admin_view(self.build_view),
                name="programs_mealplan_build",
            ),
            path(
                "assign/<int:client_id>/",
                self.admin_site.admin_view(self.assign_view),
                name="programs_mealplan_assign",
            ),
            *super().get_urls(),
        ]

    def _plan(self, request, plan_id: int) -> MealPlan:
        return get_object_or_404(self.get_queryset(request), pk=plan_id)

    def build_view(self, request, plan_id: int):
        """Days -> meals -> foods with grams, totals per meal and day; add, change and
        remove in place."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        plan = self._plan(request, plan_id)
        can_change = self.has_change_permission(request, plan)
        status = 200
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            try:
                message = self._build_op(request, plan)
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
        svc.foods_ensure_starter()
        totals = svc.meal_plan_totals(plan=plan)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Meal plan: %(name)s") % {"name": plan.name},
            "plan": plan,
            "totals": totals,
            "foods": list(svc.food_choices()),
            "can_change": can_change,
            "opts": self.model._meta,
            "clients": list(
                client_queryset_for(user=request.user, include_archived=False).order_by(
                    "first_name", "last_name"
                )[:500]
            ),
            "target": svc.target_for(client=plan.client, on=plan.created_at.date())
            if plan.client_id
            else None,
        }
        return render(
            request, "programs/backoffice/nutrition_plan_builder.html", context, status=status
        )

    def _build_op(self, request, plan: MealPlan) -> str:
        op = request.POST.get("op", "")
        post = request.POST

        def pick(model, key, **scope):
            raw = post.get(key, "")
            obj = model.objects.filter(pk=int(raw), **scope).first() if raw.isdigit() else None
            if obj is None:
                raise ValidationError({key: _("Choose from the list.")})
            return obj

        if op == "add_day":
            day = svc.meal_plan_day_add(plan=plan, name=post.get("name", ""))
            return _("Added %(day)s.") % {"day": day.name}
        if op == "add_meal":
            day = pick(MealPlanDay, "day", plan=plan)
            meal = svc.meal_add(day=day, name=post.get("name", ""))
            return _("Added %(meal)s to %(day)s.") % {"meal": meal.name, "day": day.name}
        if op == "add_item":
            meal = pick(Meal, "meal", day__plan=plan)
            raw = post.get("food", "")
            food = Food.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
            item = svc.meal_item_add(meal=meal, food=food, grams=post.get("grams"))
            return _("Added %(grams)s g %(food)s.") % {"grams": item.grams, "food": item.food}
        if op == "set_grams":
            item = pick(MealItem, "item", meal__day__plan=plan)
            svc.meal_item_update(item=item, grams=post.get("grams"))
            return _("Saved.")
        if op == "move_item":
            # ids of another plan (or business) are not found here: 404, like the page
            item = get_object_or_404(MealItem, pk=_id(post.get("item")), meal__day__plan=plan)
            target = post.get("meal") or str(item.meal_id)
            meal = get_object_or_404(Meal, pk=_id(target), day__plan=plan)
            moved = svc.meal_item_move(
                item=item, meal=meal, position=post.get("position") or None, by=request.user
            )
            if moved.meal_id == item.meal_id:
                return _("Moved %(food)s to place %(n)d.") % {
                    "food": item.food,
                    "n": moved.position,
                }
            return _("Moved %(food)s to %(meal)s (%(day)s).") % {
                "food": item.food,
                "meal": meal.name,
                "day": meal.day.name,
            }
        if op == "remove_item":
            pick(MealItem, "item", meal__day__plan=plan).delete()
            return _("Removed.")
        if op == "remove_meal":
            pick(Meal, "meal", day__plan=plan).delete()
            return _("Meal removed.")
        if op == "remove_day":
            if plan.days.count() <= 1:
                raise ValidationError({"day": _("A plan keeps at least one day.")})
            pick(MealPlanDay, "day", plan=plan).delete()
            return _("Day removed.")
        if op == "copy":
            raw = post.get("client", "")
            client = None
            if raw:
                client = (
                    client_queryset_for(user=request.user)
                    .filter(pk=int(raw) if raw.isdigit() else 0)
                    .first()
                )
                if client is None:
                    raise ValidationError({"client": _("Choose one of your clients.")})
            copy = svc.meal_plan_copy(plan=plan, client=client, by=request.user)
            messages.success(
                request,
                _("Copied for %(who)s: “%(name)s”.")
                % {"who": client.full_name if client else _("a new template"), "name": copy.name},
            )
            return ""
        raise ValidationError({"op": _("Unknown action.")})

    def assign_view(self, request, client_id: int):
        """The client panel's "Give a meal plan" form: a copy of a template, or a blank plan."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("programs.add_mealplan"):
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


register_in_backoffice(Food, FoodAdmin)
register_in_backoffice(NutritionTarget, NutritionTargetAdmin)
register_in_backoffice(MealPlan, MealPlanAdmin)
