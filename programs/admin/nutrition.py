"""Back office: the food list, daily targets and meal plans, as lists and forms whose
writes go through the services. The meal-plan builder and the client panel's forms
are pages in ``backoffice/views/`` (``meal_plans``, ``nutrition_targets``).

Targets and plans are narrowed to the clients the signed-in person may see
(``client_queryset_for``); template plans (no client) are shared by the staff.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.selectors import client_queryset_for
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import Food, MealPlan, NutritionTarget
from ..selectors.nutrition import meal_plans_for
from ..services import foods as svc_foods
from ..services import meal_plans as svc_plans
from ..services import nutrition_targets as svc_targets
from ..services.foods import FOOD_FIELDS

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
                svc_foods.food_validate(**{name: data.get(name) for name in FOOD_FIELDS})
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
        added = svc_foods.foods_ensure_starter()
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
            svc_foods.food_archive(food=food, by=request.user)
        self.message_user(request, _("Archived %(n)d.") % {"n": queryset.count()})

    @admin.action(description=gettext_lazy("Bring back into use"))
    def restore(self, request, queryset):
        for food in queryset:
            svc_foods.food_restore(food=food, by=request.user)
        self.message_user(request, _("Back in use: %(n)d.") % {"n": queryset.count()})

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in FOOD_FIELDS}
        if change:
            saved = svc_foods.food_update(food=obj, by=request.user, **values)
        else:
            saved = svc_foods.food_create(by=request.user, **values)
        obj.pk = saved.pk


# --- targets -------------------------------------------------------------------------------


class NutritionTargetAdminForm(forms.ModelForm):
    class Meta:
        model = NutritionTarget
        fields = ["client", "starts_on", "calories", "protein_g", "carbs_g", "fat_g"]

    def clean(self):
        data = super().clean()
        try:
            svc_targets.target_validate(
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
        result = svc_targets.nutrition_target_set(
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

    def delete_model(self, request, obj):
        svc_targets.nutrition_target_delete(target=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            svc_targets.nutrition_target_delete(target=target, by=request.user)


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
            meal_plans_for(user=request.user)
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
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "client": data.get("client"),
            "notes": data.get("notes", ""),
            "is_active": data.get("is_active", True),
        }
        if change:
            saved = svc_plans.meal_plan_update(plan=obj, by=request.user, **values)
        else:
            saved = svc_plans.meal_plan_create(by=request.user, **values)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        svc_plans.meal_plan_delete(plan=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for plan in queryset:
            svc_plans.meal_plan_delete(plan=plan, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("backoffice:programs_mealplan_build", obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"build_url": reverse("backoffice:programs_mealplan_build", args=[object_id])}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


register_in_backoffice(Food, FoodAdmin)
register_in_backoffice(NutritionTarget, NutritionTargetAdmin)
register_in_backoffice(MealPlan, MealPlanAdmin)
