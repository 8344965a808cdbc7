"""Back office: possible matches. Answers sent through a form's shareable link with
the e-mail address of a client we know are held off that client's record; staff who
may see the client read them here and merge them into the client or keep them as a
separate lead (see ``clients.services.intake_held``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from ..services.intake import answer_rows
from ..services.intake_held import (
    held_response_keep_separate,
    held_response_merge,
    held_responses_for,
)
from .checkins import page_context

LIST_SIZE = 100


def held_urls(modeladmin) -> list:
    """The list and the page of one, mounted under the answers' admin URLs."""
    wrap = modeladmin.admin_site.admin_view
    return [
        path(
            "held/",
            wrap(lambda request: held_list_view(modeladmin, request)),
            name="clients_response_held_list",
        ),
        path(
            "held/<int:pk>/",
            wrap(lambda request, pk: held_detail_view(modeladmin, request, pk)),
            name="clients_response_held",
        ),
    ]


def held_list_view(modeladmin, request):
    """Held answers whose possible match I may see, newest first."""
    if not request.user.is_staff or not modeladmin.has_view_permission(request):
        raise PermissionDenied
    held = held_responses_for(user=request.user).order_by("-submitted_at", "-pk")
    context = page_context(
        modeladmin,
        request,
        _("Possible matches"),
        held=list(held[:LIST_SIZE]),
        total=held.count(),
        limit=LIST_SIZE,
    )
    return render(request, "clients/backoffice/intake_responses_held.html", context)


def held_detail_view(modeladmin, request, pk):
    """The held answers next to the client they possibly match; merge or keep apart."""
    if not request.user.is_staff or not modeladmin.has_view_permission(request):
        raise PermissionDenied
    response = held_responses_for(user=request.user).filter(pk=pk).first()
    if response is None:
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        client = response.match
        try:
            if action == "merge":
                merged = held_response_merge(response=response, by=request.user)
                messages.success(
                    request,
                    _("Merged into %(name)s: the answers are on their record.")
                    % {"name": client.full_name},
                )
                return redirect("backoffice:clients_response_change", merged.pk)
            if action == "separate":
                lead = held_response_keep_separate(response=response, by=request.user)
                messages.success(
                    request,
                    _("Kept apart from %(client)s: %(lead)s is a new lead with these answers.")
                    % {"client": client.full_name, "lead": lead.full_name},
                )
                return redirect("backoffice:clients_response_held_list")
            errors.append(_("Choose whether to merge the answers or keep them apart."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors.extend(exc.messages)
    context = page_context(
        modeladmin,
        request,
        _("Possible match: %(form)s") % {"form": response.version.questionnaire.title},
        response=response,
        client=response.match,
        contact=response.contact or {},
        rows=answer_rows(response=response),
        errors=errors,
    )
    return render(
        request,
        "clients/backoffice/intake_response_held.html",
        context,
        status=400 if errors else 200,
    )
