"""Back office: the coach's review of one logged workout.

Per exercise and set, the target next to what the client did (by the exercise's
measurement kind), the records it made, the client's notes and rating, and a comment
box. The workout log list and the client's page link here; the log's stock change
form is not used (it redirects here)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_staff_member
from clients import units as u
from clients.selectors import client_queryset_for

from ..models import WorkoutLog
from ..selectors.review import workout_review
from ..services.comments import MAX_COMMENT, workout_comment

REVIEW_URL_NAME = "programs_workoutlog_review"


class WorkoutCommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Your comment"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "The client sees it with this workout in their portal and gets one e-mail."
        ),
    )


def review_urls(modeladmin) -> list:
    """The review page, mounted under the workout logs' admin URLs."""
    wrap = modeladmin.admin_site.admin_view
    return [
        path(
            "<int:pk>/review/",
            wrap(lambda request, pk: workout_review_view(modeladmin, request, pk)),
            name=REVIEW_URL_NAME,
        ),
    ]


def review_log_for(request, pk: int) -> WorkoutLog:
    """The log, if its client is one the signed-in person may see (404 otherwise)."""
    log = (
        WorkoutLog.objects.filter(pk=pk, client__in=client_queryset_for(user=request.user))
        .select_related("client", "commented_by", "scheduled__day")
        .first()
    )
    if log is None:
        raise Http404
    return log


def workout_review_view(modeladmin, request, pk: int):
    """One logged workout: target against actual per set, the client's notes and
    rating, the records; write, change or remove your comment."""
    if not is_staff_member(request.user) or not modeladmin.has_view_permission(request):
        raise PermissionDenied
    log = review_log_for(request, pk)
    form = WorkoutCommentForm(request.POST or None, initial={"comment": log.coach_comment})
    if request.method == "POST":
        removing = request.POST.get("action") == "delete"
        if removing or form.is_valid():
            text = "" if removing else form.cleaned_data["comment"]
            if not removing and not text.strip():
                form.add_error("comment", _("Write a comment, or remove the one there is."))
            else:
                try:
                    workout_comment(log=log, by=request.user, comment=text)
                except PermissionDenied:
                    raise Http404 from None
                except ValidationError as exc:
                    for key, errors in exc.message_dict.items():
                        form.add_error("comment" if key == "coach_comment" else None, errors)
                else:
                    if removing:
                        messages.success(request, _("Comment removed."))
                    else:
                        messages.success(
                            request,
                            _("Comment saved. %(name)s sees it in their portal.")
                            % {"name": log.client.first_name or log.client.full_name},
                        )
                    return redirect(f"backoffice:{REVIEW_URL_NAME}", log.pk)
    system = u.units_for(viewer=request.user, business=getattr(request, "tenant", None))
    review = workout_review(log=log, system=system)
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": _("Workout review: %(name)s") % {"name": log.client.full_name},
        "log": log,
        "client": log.client,
        "review": review,
        "form": form,
        "rating_range": range(1, 6),
    }
    return render(
        request,
        "programs/backoffice/workout_review.html",
        context,
        status=400 if form.errors else 200,
    )
