"""Portal pages: intake forms a client was asked to fill, the shareable link that
leads answer without an account, and the private files of answers."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.policies import portal_client_required
from mectofitness.core.forms import form_errors_add
from mectofitness.core.net import client_ip
from mectofitness.core.uploads import body_limit
from tenants.services import rate_limit_hit

from ..forms_intake import MAX_BODY_BYTES, AnswersForm, LeadContactForm
from ..selectors_intake import (
    assignment_is_done,
    assignment_of_client_get,
    assignments_for_client,
    questionnaire_current_version,
    questionnaire_public_get,
    response_file_for,
    response_files_by_key,
)
from ..services.intake_answers import LeadContact, lead_intake_submit, response_save
from ..services.intake_assignments import assignment_response_start
from ..services.records import client_touch

logger = logging.getLogger(__name__)

portal_client = portal_client_required(section=gettext_lazy("Your forms and check-ins"))


@portal_client
@require_GET
def forms_list(request):
    """The forms my coach asked me to fill: to do first, then done."""
    assignments = list(assignments_for_client(client=request.client))
    todo = [a for a in assignments if not assignment_is_done(a)]
    done = [a for a in assignments if assignment_is_done(a)]
    return render(request, "clients/portal/forms_list.html", {"todo": todo, "done": done})


@body_limit(MAX_BODY_BYTES)
@never_cache
@portal_client
@require_http_methods(["GET", "POST"])
def form_fill(request, pk: int):
    """Fill an assigned form; save a draft ("Save and finish later") or send it."""
    assignment = assignment_of_client_get(client=request.client, pk=pk)
    if assignment is None:
        raise Http404
    if assignment_is_done(assignment):
        return render(
            request,
            "clients/portal/forms_done.html",
            {"assignment": assignment, "response": assignment.response},
        )
    draft = assignment.response
    version = draft.version if draft else None
    version = version or questionnaire_current_version(questionnaire=assignment.questionnaire)
    if version is None:
        raise Http404
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
            response = assignment_response_start(assignment=assignment)
            response_save(
                response=response, answers=form.answers(), uploads=form.uploads(), submit=submit
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "already_sent" or _already_sent(exc):
                messages.info(request, _("You already sent this form. Thank you!"))
                return redirect("portal_forms")
            form_errors_add(form, exc)
        else:
            if submit:
                messages.success(
                    request,
                    _("Thank you! “%(form)s” is on its way to your coach.")
                    % {"form": assignment.questionnaire.title},
                )
                return redirect("portal_forms")
            client_touch(client=request.client)
            messages.success(
                request, _("Saved. You can finish it later: it's waiting under Forms.")
            )
            return redirect("portal_form_fill", pk=assignment.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "clients/portal/forms_fill.html",
        {"assignment": assignment, "form": form, "version": version, "draft": draft},
        status=status,
    )


def _already_sent(exc: ValidationError) -> bool:
    return hasattr(exc, "error_dict") and any(
        getattr(e, "code", None) == "already_sent" for e in exc.error_dict.get(NON_FIELD_ERRORS, [])
    )


@login_required
@require_GET
def response_file(request, pk: int):
    """A file someone attached to an answer: to the client and their coaches only."""
    stored = response_file_for(user=request.user, pk=pk)
    if stored is None or not stored.file:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except OSError:
        raise Http404 from None
    is_pdf = stored.content_type == "application/pdf"
    response = FileResponse(
        handle,
        content_type=stored.content_type,
        as_attachment=is_pdf,
        filename=stored.original_name,
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# --- the shareable link -------------------------------------------------------------


def _public_form_rate_limit(request, token: str):
    """Sending the link's form is limited per client address, counted before the
    body is read (mectofitness.core.uploads): a refused sender costs no parsing."""
    if request.method != "POST":
        return None
    ip = client_ip(request)
    if not rate_limit_hit(scope="intake-link", key=ip, limit=settings.INTAKE_RATE_LIMIT_PER_HOUR):
        return None
    logger.warning("public form refused: rate limit reached for %s", ip)
    questionnaire = questionnaire_public_get(token=token)
    version = questionnaire and questionnaire_current_version(questionnaire=questionnaire)
    if version is None:
        raise Http404
    contact = LeadContactForm()
    contact.cleaned_data = {}  # unbound: what add_error expects of a checked form
    contact.add_error(
        None, _("Too many forms sent from your network. Please try again in an hour.")
    )
    context = {"questionnaire": questionnaire, "version": version, "contact": contact}
    context |= {"form": AnswersForm(version=version), "problems": [], "more_problems": 0}
    return render(request, "clients/public/form.html", context, status=429)


@body_limit(MAX_BODY_BYTES, before_read=_public_form_rate_limit)
@never_cache
@require_http_methods(["GET", "POST"])
def public_form(request, token: str):
    """A form anyone with the link can answer. A new e-mail address becomes a lead with
    the answers; a known one's answers are held off that client's record until the
    address confirms them or a coach merges them (``lead_intake_submit``). Off (or
    unknown) links are a plain 404."""
    questionnaire = questionnaire_public_get(token=token)
    version = questionnaire and questionnaire_current_version(questionnaire=questionnaire)
    if version is None:
        raise Http404
    contact = LeadContactForm(request.POST or None)
    form = AnswersForm(request.POST or None, request.FILES or None, version=version)
    status = 200
    if request.method == "POST":
        if request.POST.get("contact-website"):
            # the hidden field only robots fill in: say thanks, keep nothing
            return redirect("public_form_thanks", token=token)
        # already counted against the sender's rate limit: _public_form_rate_limit
        if contact.is_valid() & form.is_valid():
            try:
                given = contact.cleaned_data
                lead_intake_submit(
                    questionnaire=questionnaire,
                    contact=LeadContact(
                        email=given["email"],
                        first_name=given["first_name"],
                        last_name=given["last_name"],
                        phone=given["phone"],
                    ),
                    answers=form.answers(),
                    uploads=form.uploads(),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                return redirect("public_form_thanks", token=token)
        if status == 200:
            status = 400
    problems = [
        (field.id_for_label, field.label, field.errors[0])
        for bound_form in (contact, form)
        for field in bound_form.visible_fields()
        if field.errors
    ]
    return render(
        request,
        "clients/public/form.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "contact": contact,
            "version": version,
            "problems": problems[:4],
            "more_problems": max(0, len(problems) - 4),
        },
        status=status,
    )


@require_GET
def public_form_thanks(request, token: str):
    questionnaire = questionnaire_public_get(token=token)
    if questionnaire is None:
        raise Http404
    return render(request, "clients/public/thanks.html", {"questionnaire": questionnaire})


urlpatterns = [
    path("forms/", forms_list, name="portal_forms"),
    path("forms/<int:pk>/", form_fill, name="portal_form_fill"),
    path("forms/files/<int:pk>/", response_file, name="response_file"),
    path("f/<str:token>/", public_form, name="public_form"),
    path("f/<str:token>/thanks/", public_form_thanks, name="public_form_thanks"),
]
