"""Portal pages: check-ins. The due check-in on top, the history with the coach's
replies below; answering one saves a draft or sends it for this period."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mectofitness.core.forms import form_errors_add
from mectofitness.core.uploads import body_limit

from ..forms_intake import MAX_BODY_BYTES, AnswersForm
from ..selectors_intake import (
    answer_rows,
    business_today,
    checkin_history_for,
    checkin_plan_get,
    checkins_due_for,
    questionnaire_current_version,
    response_files_by_key,
)
from ..services.checkins import checkin_replies_mark_seen, checkin_response_start
from ..services.intake_answers import response_save
from ..services.records import client_touch
from .intake import _already_sent, portal_client

HISTORY_SIZE = 20


@portal_client
@require_GET
def checkins_list(request):
    """What is due now, then what I sent and what my coach replied."""
    client = request.client
    due = checkins_due_for(client=client)
    history = checkin_history_for(client=client, limit=HISTORY_SIZE)
    for response in history:
        response.rows = answer_rows(
            response=response, files={f.field_key: f for f in response.files.all()}
        )
        response.is_new_reply = bool(response.coach_comment) and response.reply_seen_at is None
    # the page shows the replies: from now on they are no longer new (the badge clears)
    checkin_replies_mark_seen(client=client, response_ids=[r.pk for r in history if r.is_new_reply])
    return render(request, "clients/portal/checkins_list.html", {"due": due, "history": history})


@body_limit(MAX_BODY_BYTES)
@never_cache
@portal_client
@require_http_methods(["GET", "POST"])
def checkin_fill(request, plan_id: int):
    """Answer this period's check-in of one plan."""
    client = request.client
    today = business_today()
    due = next((d for d in checkins_due_for(client=client, on=today) if d.plan.pk == plan_id), None)
    if due is None:
        if checkin_plan_get(pk=plan_id) is None:
            raise Http404
        messages.info(request, _("You're all done for this period. Thank you!"))
        return redirect("portal_checkins")
    draft = due.draft
    version = (draft and draft.version) or questionnaire_current_version(
        questionnaire=due.questionnaire
    )
    files = response_files_by_key(response=draft) if draft else {}
    submit = request.POST.get("action") == "submit"
    form = AnswersForm(
        request.POST or None,
        request.FILES or None,
        version=version,
        answers=draft.answers if draft else None,
        existing_files=files,
        partial=not submit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = checkin_response_start(plan=due.plan, client=client, on=today)
            response_save(
                response=response, answers=form.answers(), uploads=form.uploads(), submit=submit
            )
        except ValidationError as exc:
            if _already_sent(exc) or getattr(exc, "code", None) in ("already_sent", "not_due"):
                messages.info(request, _("You're all done for this period. Thank you!"))
                return redirect("portal_checkins")
            form_errors_add(form, exc)
        else:
            if submit:
                messages.success(request, _("Check-in sent. Your coach will read it soon."))
                return redirect("portal_checkins")
            client_touch(client=client)
            messages.success(request, _("Saved. You can finish your check-in later."))
            return redirect("portal_checkin_fill", plan_id=plan_id)
    return render(
        request,
        "clients/portal/checkins_fill.html",
        {"due": due, "form": form, "version": version, "draft": draft},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("check-ins/", checkins_list, name="portal_checkins"),
    path("check-ins/<int:plan_id>/", checkin_fill, name="portal_checkin_fill"),
]
