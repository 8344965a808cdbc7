"""Back office: check-ins. The owner schedules check-in questionnaires; coaches work
through a queue of unreviewed check-ins of their clients (oldest first), read each
next to the client's previous one, reply and mark it reviewed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import OwnerAdminMixin
from mectofitness.core.admin_registry import register_in_backoffice

from ..forms_intake import CheckInReviewForm
from ..models import CheckInPlan, Questionnaire
from ..services.checkins import (
    checkin_previous,
    checkin_queue_for,
    checkin_review,
    checkins_for,
)
from ..services.intake import answer_rows, response_files_by_key

QUEUE_SIZE = 100


class CheckInPlanAdminForm(forms.ModelForm):
    class Meta:
        model = CheckInPlan
        fields = ["questionnaire", "period_days", "starts_on", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.filter(
            kind=Questionnaire.Kind.CHECKIN, archived_at__isnull=True
        )


class CheckInPlanAdmin(OwnerAdminMixin, admin.ModelAdmin):
    """When check-ins are asked. Owners only; the form's page offers the same."""

    form = CheckInPlanAdminForm
    list_display = ["questionnaire", "period_days", "starts_on", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["questionnaire"]


def checkin_urls(modeladmin) -> list:
    """The queue and review pages, mounted under the responses' admin URLs."""
    wrap = modeladmin.admin_site.admin_view
    return [
        path(
            "checkins/",
            wrap(lambda request: checkin_queue_view(modeladmin, request)),
            name="clients_checkin_queue",
        ),
        path(
            "<int:pk>/review/",
            wrap(lambda request, pk: checkin_review_view(modeladmin, request, pk)),
            name="clients_checkin_review",
        ),
    ]


def page_context(modeladmin, request, title, **extra):
    """The admin's chrome for a page of our own under ``modeladmin``'s URLs."""
    return {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        **extra,
    }


def checkin_queue_view(modeladmin, request):
    """Unreviewed check-ins of my clients, oldest first."""
    if not request.user.is_staff or not modeladmin.has_view_permission(request):
        raise PermissionDenied
    queue = checkin_queue_for(user=request.user)
    total = queue.count()
    context = page_context(
        modeladmin,
        request,
        _("Check-ins to review"),
        queue=list(queue[:QUEUE_SIZE]),
        total=total,
        limit=QUEUE_SIZE,
        reviewed=list(
            checkins_for(user=request.user)
            .filter(reviewed_at__isnull=False)
            .order_by("-reviewed_at")[:10]
        ),
    )
    return render(request, "clients/backoffice/checkin_queue.html", context)


def checkin_review_view(modeladmin, request, pk):
    """One check-in next to the client's previous one; reply and mark reviewed."""
    if not request.user.is_staff or not modeladmin.has_view_permission(request):
        raise PermissionDenied
    response = checkins_for(user=request.user).filter(pk=pk).first()
    if response is None:
        raise Http404
    form = CheckInReviewForm(request.POST or None, initial={"comment": response.coach_comment})
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "review")
        try:
            checkin_review(
                response=response,
                by=request.user,
                comment=form.cleaned_data["comment"],
                mark_reviewed=action == "review",
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error("comment" if key == "comment" else None, errors)
        except PermissionDenied:
            raise Http404 from None
        else:
            if action == "review":
                messages.success(
                    request,
                    _("Marked reviewed. %(name)s sees your reply in their portal.")
                    % {"name": response.client.first_name},
                )
                following = checkin_queue_for(user=request.user).exclude(pk=response.pk).first()
                if following is not None:
                    return redirect("backoffice:clients_checkin_review", following.pk)
                return redirect("backoffice:clients_checkin_queue")
            messages.success(request, _("Reply saved."))
            return redirect("backoffice:clients_checkin_review", response.pk)
    previous = checkin_previous(response=response)
    rows = answer_rows(response=response, files=response_files_by_key(response=response))
    previous_rows = {}
    if previous is not None:
        previous_rows = {row.key: row for row in answer_rows(response=previous, files={})}
    paired = [(row, previous_rows.get(row.key)) for row in rows]
    context = page_context(
        modeladmin,
        request,
        _("Check-in: %(name)s") % {"name": response.client.full_name},
        response=response,
        previous=previous,
        paired=paired,
        form=form,
        queue_left=checkin_queue_for(user=request.user).count(),
    )
    return render(
        request,
        "clients/backoffice/checkin_review.html",
        context,
        status=400 if form.errors else 200,
    )


register_in_backoffice(CheckInPlan, CheckInPlanAdmin)
