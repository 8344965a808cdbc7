"""Back office: the list of check-in schedules (owners only). The queue of check-ins
to review and the review page are views of the back office
(``backoffice/views/checkins.py``); a form's page schedules its check-ins too."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.policies import OwnerAdminMixin
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import CheckInPlan, Questionnaire
from ..services.checkins import checkin_plan_check, checkin_plan_delete, checkin_plan_save


class CheckInPlanAdminForm(forms.ModelForm):
    class Meta:
        model = CheckInPlan
        fields = ["questionnaire", "period_days", "starts_on", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.filter(
            kind=Questionnaire.Kind.CHECKIN, archived_at__isnull=True
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            # the schedule's rules, said on the form before the service saves it
            try:
                checkin_plan_check(
                    questionnaire=data["questionnaire"],
                    period_days=data["period_days"],
                    is_active=data["is_active"],
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class CheckInPlanAdmin(OwnerAdminMixin, admin.ModelAdmin):
    """When check-ins are asked. Owners only; the form's page offers the same."""

    form = CheckInPlanAdminForm
    list_display = ["questionnaire", "period_days", "starts_on", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["questionnaire"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = checkin_plan_save(
            plan=obj if change else None,
            questionnaire=data["questionnaire"],
            by=request.user,
            period_days=data["period_days"],
            starts_on=data["starts_on"],
            is_active=data["is_active"],
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        checkin_plan_delete(plan=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for plan in queryset:
            checkin_plan_delete(plan=plan, by=request.user)


register_in_backoffice(CheckInPlan, CheckInPlanAdmin)
