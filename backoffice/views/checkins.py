"""Back office: check-ins. Coaches work through a queue of unreviewed check-ins of
their clients (oldest first), read each next to the client's previous one, reply and
mark it reviewed. The owner schedules check-ins on the form's page (``intake_forms``)
or in the list of schedules (``clients.admin.checkins``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from clients.forms_intake import CheckInReviewForm
from clients.selectors_intake import (
    answer_rows,
    checkin_previous,
    checkin_queue_for,
    checkins_for,
    response_files_by_key,
)
from clients.services.checkins import checkin_review

from ..chrome import render_page

QUEUE_SIZE = 100
REVIEWED_SHOWN = 10


def urls(site):
    return [
        path(
            "clients/response/checkins/",
            site.admin_view(checkin_queue_view),
            name="clients_checkin_queue",
        ),
        path(
            "clients/response/<int:pk>/review/",
            site.admin_view(checkin_review_view),
            name="clients_checkin_review",
        ),
    ]


def checkin_queue_view(request):
    """Unreviewed check-ins of my clients, oldest first."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    queue = checkin_queue_for(user=request.user)
    context = {
        "title": _("Check-ins to review"),
        "queue": list(queue[:QUEUE_SIZE]),
        "total": queue.count(),
        "limit": QUEUE_SIZE,
        "reviewed": list(
            checkins_for(user=request.user)
            .filter(reviewed_at__isnull=False)
            .order_by("-reviewed_at")[:REVIEWED_SHOWN]
        ),
    }
    return render_page(request, "clients/backoffice/checkin_queue.html", context)


def checkin_review_view(request, pk):
    """One check-in next to the client's previous one; reply and mark reviewed."""
    if not is_staff_member(request.user):
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
    context = {
        "title": _("Check-in: %(name)s") % {"name": response.client.full_name},
        "response": response,
        "previous": previous,
        "paired": [(row, previous_rows.get(row.key)) for row in rows],
        "form": form,
        "queue_left": checkin_queue_for(user=request.user).count(),
    }
    return render_page(
        request,
        "clients/backoffice/checkin_review.html",
        context,
        status=400 if form.errors else 200,
    )
