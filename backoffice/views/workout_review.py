"""Back office: the coach's review of one logged workout.

Per exercise and set, the target next to what the client did (by the exercise's
measurement kind), the records it made, the client's notes and rating, and a comment
box. The workout log list (``programs.admin.logging``) and the client's page link
here; a log's change page opens its review. The paths and names are the workout log
list's own (``programs/workoutlog/...``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from clients import units as u
from programs.forms_review import WorkoutCommentForm
from programs.models import WorkoutLog
from programs.selectors.review import workout_log_for_review, workout_review
from programs.services.comments import workout_comment

from ..chrome import render_page

REVIEW_URL_NAME = "programs_workoutlog_review"


def urls(site):
    view = site.admin_view
    return [
        path(
            "programs/workoutlog/<int:pk>/review/", view(workout_review_view), name=REVIEW_URL_NAME
        ),
        path(
            "programs/workoutlog/<path:object_id>/change/",
            view(workout_log_change_view),
            name="programs_workoutlog_change",
        ),
    ]


def _log(request, pk: int) -> WorkoutLog:
    """The log, if the signed-in person is staff (else 403) and sees its client (else 404)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    log = workout_log_for_review(user=request.user, pk=pk)
    if log is None:
        raise Http404
    return log


def workout_log_change_view(request, object_id: str):
    """The review page replaces the stock change form."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    if not object_id.isdigit():
        raise Http404
    return redirect(f"backoffice:{REVIEW_URL_NAME}", _log(request, int(object_id)).pk)


def workout_review_view(request, pk: int):
    """One logged workout: target against actual per set, the client's notes and
    rating, the records; write, change or remove your comment."""
    log = _log(request, pk)
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
    context = {
        "opts": WorkoutLog._meta,
        "title": _("Workout review: %(name)s") % {"name": log.client.full_name},
        "log": log,
        "client": log.client,
        "review": workout_review(log=log, system=system),
        "form": form,
        "rating_range": range(1, 6),
    }
    status = 400 if form.errors else 200
    return render_page(request, "programs/backoffice/workout_review.html", context, status=status)
