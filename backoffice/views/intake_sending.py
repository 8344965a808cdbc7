"""Back office: sending intake forms to clients (search, tick, send; or choose a form
for the clients ticked on the client list), withdrawing one not sent yet, and reading
one client's answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from clients.forms_intake import SendToClientsForm
from clients.models import Response
from clients.selectors import client_queryset_for, client_search
from clients.selectors_intake import (
    answer_rows,
    assignment_states,
    assignments_for,
    questionnaire_current_version,
    questionnaires_to_send,
    responses_for,
)
from clients.services.intake_assignments import assignment_withdraw, assignments_create

from ..chrome import render_page
from .client_profile import profile_url
from .intake_forms import questionnaire_for_staff

SEND_SEARCH_LIMIT = 30


def urls(site):
    return [
        path(
            "clients/questionnaire/<int:pk>/send/",
            site.admin_view(send_view),
            name="clients_questionnaire_send",
        ),
        path(
            "clients/assignment/<int:pk>/withdraw/",
            site.admin_view(withdraw_view),
            name="clients_assignment_withdraw",
        ),
        path(
            "clients/response/send-form/",
            site.admin_view(send_form_choose_view),
            name="clients_send_form_choose",
        ),
        path(
            "clients/response/<path:object_id>/change/",
            site.admin_view(response_view),
            name="clients_response_change",
        ),
    ]


def send_view(request, pk):
    """Ask clients to fill this form in the portal: search, tick, send."""
    questionnaire = questionnaire_for_staff(request, pk)
    visible = client_queryset_for(user=request.user, include_archived=False)
    if request.method == "POST":
        ticked = SendToClientsForm(request.POST)
        ticked.is_valid()  # always: every field is optional and keeps what it can read
        ids = ticked.cleaned_data["clients"]
        if not ids:
            messages.error(request, _("Tick at least one client."))
        else:
            try:
                count = assignments_create(
                    questionnaire=questionnaire,
                    clients=visible.filter(pk__in=ids),
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Sent to %(n)s client(s). They find it under Forms in their portal.")
                    % {"n": count}
                    if count
                    else _("Those clients already have this form to fill."),
                )
                return redirect("backoffice:clients_questionnaire_change", questionnaire.pk)
    shown = SendToClientsForm(request.GET)
    shown.is_valid()
    query, preselected = shown.cleaned_data["q"], shown.cleaned_data["ids"]
    if preselected:
        found = visible.filter(pk__in=preselected)
    elif query:
        found = client_search(clients=visible, query=query)
    else:
        found = visible.order_by("-created_at")
    found = list(found[:SEND_SEARCH_LIMIT])
    states = assignment_states(questionnaire=questionnaire, clients=found)
    for client in found:
        client.form_state = states.get(client.pk, "")
    context = {
        "title": _("Send “%(title)s”") % {"title": questionnaire.title},
        "questionnaire": questionnaire,
        "clients": found,
        "query": query,
        "preselected": set(preselected),
        "limit": SEND_SEARCH_LIMIT,
        "published": questionnaire_current_version(questionnaire=questionnaire) is not None,
    }
    return render_page(request, "clients/backoffice/intake_send.html", context)


def withdraw_view(request, pk):
    """Take back a form a client has not sent yet, from the client's page (POST): the
    rule is the one the API follows (``assignment_withdraw``)."""
    if request.method != "POST" or not is_staff_member(request.user):
        raise PermissionDenied
    assignment = assignments_for(user=request.user).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    try:
        assignment_withdraw(assignment=assignment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(form)s” is withdrawn: %(name)s no longer has it to fill.")
            % {"form": assignment.questionnaire.title, "name": assignment.client.first_name},
        )
    return redirect(profile_url(assignment.client_id, "forms"))


def send_form_choose_view(request):
    """From the client list's "Send a form": which form to send to the ticked clients."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    shown = SendToClientsForm(request.GET)
    shown.is_valid()  # always: every field is optional and keeps what it can read
    ids = shown.cleaned_data["ids"]
    context = {
        "title": _("Send a form"),
        "forms": questionnaires_to_send(),
        "ids": ",".join(str(pk) for pk in ids),
        "count": len(ids),
    }
    return render_page(request, "clients/backoffice/intake_send_choose.html", context)


def response_view(request, object_id):
    """The answers, question by question, with the version they answered. A check-in's
    page is its review (``checkins``)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    try:
        response = (
            responses_for(user=request.user)
            .filter(status=Response.Status.SUBMITTED)
            .get(pk=int(object_id))
        )
    except (ValueError, Response.DoesNotExist):
        raise Http404 from None
    if response.period_start is not None:
        return redirect("backoffice:clients_checkin_review", response.pk)
    context = {
        "title": _("%(form)s — %(name)s")
        % {"form": response.version.questionnaire.title, "name": response.client or _("lead")},
        "response": response,
        "rows": answer_rows(response=response),
    }
    return render_page(request, "clients/backoffice/intake_response.html", context)
