"""Back office: intake forms and check-in questionnaires. The owner starts a form from
a template or builds one (a builder page, not a JSON box), publishes versions, turns
the shareable link on and schedules check-ins on the form's page; staff read the
form and its latest answers. Sending forms to clients: ``intake_sending``."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.policies import is_owner, is_staff_member
from clients.forms_intake import (
    CheckInPlanForm,
    QuestionnaireBuilderForm,
    QuestionnaireSettingsForm,
)
from clients.models import Questionnaire, Response
from clients.selectors_intake import (
    business_today,
    checkin_plan_of,
    questionnaire_current_version,
    questionnaire_draft,
    questionnaire_in_use_get,
    questionnaire_versions_published,
    responses_for,
)
from clients.services.checkins import checkin_plan_save
from clients.services.intake_questionnaires import (
    FIELD_TYPES,
    questionnaire_archive,
    questionnaire_builder_save,
    questionnaire_from_starter,
    questionnaire_settings_update,
)

from ..chrome import render_page

LATEST_ANSWERS = 10


def urls(site):
    base = "clients/questionnaire/"
    return [
        path(
            f"{base}starter/<str:name>/",
            site.admin_view(starter_view),
            name="clients_questionnaire_starter",
        ),
        path(f"{base}add/", site.admin_view(add_view), name="clients_questionnaire_add"),
        path(
            f"{base}<int:pk>/builder/",
            site.admin_view(builder_view),
            name="clients_questionnaire_builder",
        ),
        path(
            f"{base}<int:pk>/archive/",
            site.admin_view(archive_view),
            name="clients_questionnaire_archive",
        ),
        path(
            f"{base}<path:object_id>/change/",
            site.admin_view(form_view),
            name="clients_questionnaire_change",
        ),
    ]


def questionnaire_for_staff(request, pk) -> Questionnaire:
    """The form in use at ``pk``, for staff (403 for others, 404 if archived or absent)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    questionnaire = questionnaire_in_use_get(pk=pk)
    if questionnaire is None:
        raise Http404
    return questionnaire


def share_url(request, questionnaire: Questionnaire) -> str:
    return request.build_absolute_uri(f"/f/{questionnaire.public_token}/")


# --- new forms --------------------------------------------------------------------------


def starter_view(request, name):
    """One click: a template made into a published form (owner only; POST)."""
    if request.method != "POST":
        return redirect("backoffice:clients_questionnaire_changelist")
    if not is_owner(request.user):
        raise PermissionDenied
    try:
        questionnaire = questionnaire_from_starter(by=request.user, starter=name)
    except ValidationError:
        raise Http404 from None
    messages.success(
        request,
        _("“%(title)s” is ready and published. Change anything you like in the builder.")
        % {"title": questionnaire.title},
    )
    return redirect("backoffice:clients_questionnaire_change", questionnaire.pk)


def add_view(request):
    """A new form in the builder (title, kind, questions)."""
    if not is_owner(request.user):
        raise PermissionDenied
    return _builder(request, None)


def builder_view(request, pk):
    if not is_owner(request.user):
        raise PermissionDenied
    return _builder(request, questionnaire_for_staff(request, pk))


def _builder(request, questionnaire: Questionnaire | None):
    """GET: the builder with the draft (or the published questions). POST: save a
    draft (``action=draft``) or publish."""
    current = questionnaire and questionnaire_current_version(questionnaire=questionnaire)
    draft = questionnaire and questionnaire_draft(questionnaire=questionnaire)
    source = draft or current
    fields_data = source.fields if source else []
    errors: list[str] = []
    data = {
        "title": questionnaire.title if questionnaire else "",
        "description": questionnaire.description if questionnaire else "",
        "kind": questionnaire.kind if questionnaire else Questionnaire.Kind.INTAKE,
    }
    if request.method == "POST":
        publish = request.POST.get("action", "draft") == "publish"
        form = QuestionnaireBuilderForm(request.POST, initial={"kind": data["kind"]})
        valid = form.is_valid()
        data = {name: form.cleaned_data.get(name, "") for name in data}
        fields_data = form.cleaned_data.get("fields_json", [])
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        if valid:
            try:
                questionnaire = questionnaire_builder_save(
                    questionnaire=questionnaire,
                    by=request.user,
                    title=data["title"],
                    description=data["description"],
                    kind=data["kind"],
                    fields=fields_data,
                    publish=publish,
                )
            except ValidationError as exc:
                for field_errors in exc.message_dict.values():
                    errors.extend(field_errors)
            else:
                _builder_saved_say(request, questionnaire, publish=publish)
                return redirect(
                    "backoffice:clients_questionnaire_change"
                    if publish
                    else "backoffice:clients_questionnaire_builder",
                    questionnaire.pk,
                )
    title = (
        _("Build “%(title)s”") % {"title": questionnaire.title} if questionnaire else _("New form")
    )
    numbers = [v.number for v in questionnaire.versions.all()] if questionnaire else []
    context = {
        "title": title,
        "questionnaire": questionnaire,
        "current": current,
        "draft": draft,
        "data": data,
        "fields_json": json.dumps(fields_data, indent=2, ensure_ascii=False),
        "field_types": [[value, str(label)] for value, label in FIELD_TYPES.items()],
        "kinds": Questionnaire.Kind.choices,
        "errors": errors,
        "next_number": (max(numbers) + (0 if draft else 1)) if numbers else 1,
    }
    return render_page(
        request,
        "clients/backoffice/intake_builder.html",
        context,
        status=400 if errors else 200,
    )


def _builder_saved_say(request, questionnaire: Questionnaire, *, publish: bool) -> None:
    if publish:
        version = questionnaire_current_version(questionnaire=questionnaire)
        messages.success(
            request,
            _(
                "Published version %(n)s. New answers use it; earlier answers keep the "
                "questions they answered."
            )
            % {"n": version.number},
        )
    else:
        messages.success(request, _("Draft saved. Publish it when you are ready."))


# --- the form's page --------------------------------------------------------------------


def form_view(request, object_id):
    """The form's page: link, schedule, versions, questions and latest answers. The
    owner turns the link on or off, renames it and schedules check-ins here."""
    try:
        pk = int(object_id)
    except ValueError:
        raise Http404 from None
    questionnaire = questionnaire_for_staff(request, pk)
    owner = is_owner(request.user)
    action = request.POST.get("action")
    settings_form = QuestionnaireSettingsForm(
        request.POST if action == "settings" else None,
        initial={"title": questionnaire.title, "description": questionnaire.description},
    )
    plan = checkin_plan_of(questionnaire=questionnaire)
    plan_form = CheckInPlanForm(
        request.POST if action == "plan" else None,
        initial={
            "period_days": plan.period_days if plan else 7,
            "starts_on": plan.starts_on if plan else business_today(),
            "is_active": plan.is_active if plan else False,
        },
    )
    if request.method == "POST":
        if not owner:
            raise PermissionDenied
        try:
            if action == "link":
                questionnaire_settings_update(
                    questionnaire=questionnaire,
                    by=request.user,
                    title=questionnaire.title,
                    description=questionnaire.description,
                    is_public=request.POST.get("is_public") == "on",
                )
                messages.success(
                    request,
                    _("The shareable link is on.")
                    if questionnaire.is_public
                    else _("The shareable link is off."),
                )
                return redirect(request.path)
            if action == "settings" and settings_form.is_valid():
                questionnaire_settings_update(
                    questionnaire=questionnaire,
                    by=request.user,
                    is_public=questionnaire.is_public,
                    **settings_form.cleaned_data,
                )
                messages.success(request, _("Saved."))
                return redirect(request.path)
            if action == "plan" and plan_form.is_valid():
                checkin_plan_save(
                    questionnaire=questionnaire, by=request.user, **plan_form.cleaned_data
                )
                messages.success(request, _("Check-in schedule saved."))
                return redirect(request.path)
        except ValidationError as exc:
            target = plan_form if action == "plan" else settings_form
            for key, errors in exc.message_dict.items():
                target.add_error(key if key in target.fields else None, errors)
    current = questionnaire_current_version(questionnaire=questionnaire)
    responses = list(
        responses_for(user=request.user)
        .filter(version__questionnaire=questionnaire, status=Response.Status.SUBMITTED)
        .order_by("-submitted_at")[:LATEST_ANSWERS]
    )
    context = {
        "title": questionnaire.title,
        "questionnaire": questionnaire,
        "owner": owner,
        "current": current,
        "draft": questionnaire_draft(questionnaire=questionnaire),
        "versions": questionnaire_versions_published(questionnaire=questionnaire),
        "questions": [
            {**spec, "type_label": FIELD_TYPES.get(spec["type"], spec["type"])}
            for spec in (current.fields if current else [])
        ],
        "share_url": share_url(request, questionnaire),
        "settings_form": settings_form,
        "plan": plan,
        "plan_form": plan_form,
        "responses": responses,
        "responses_url": reverse("backoffice:clients_response_changelist")
        + f"?version__questionnaire__id__exact={questionnaire.pk}",
    }
    status = 400 if settings_form.errors or plan_form.errors else 200
    return render_page(request, "clients/backoffice/intake_form.html", context, status=status)


def archive_view(request, pk):
    """Hide a form from new answers (owner only; POST). Its answers are kept."""
    questionnaire = questionnaire_for_staff(request, pk)
    if request.method != "POST" or not is_owner(request.user):
        raise PermissionDenied
    questionnaire_archive(questionnaire=questionnaire, by=request.user)
    messages.success(
        request,
        _("“%(title)s” is archived. Its answers are kept.") % {"title": questionnaire.title},
    )
    return redirect("backoffice:clients_questionnaire_changelist")
