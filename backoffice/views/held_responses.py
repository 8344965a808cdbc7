"""Back office: possible matches. Answers sent through a form's shareable link with
the e-mail address of a client we know are held off that client's record; staff who
may see the client read them here and merge them into the client or keep them as a
separate lead (see ``clients.services.intake_held``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from clients.selectors_intake import answer_rows, held_responses_for
from clients.services.intake_held import held_response_keep_separate, held_response_merge

from ..chrome import render_page

LIST_SIZE = 100


def urls(site):
    return [
        path(
            "clients/response/held/",
            site.admin_view(held_list_view),
            name="clients_response_held_list",
        ),
        path(
            "clients/response/held/<int:pk>/",
            site.admin_view(held_detail_view),
            name="clients_response_held",
        ),
    ]


def held_list_view(request):
    """Held answers whose possible match I may see, newest first."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    held = held_responses_for(user=request.user).order_by("-submitted_at", "-pk")
    context = {
        "title": _("Possible matches"),
        "held": list(held[:LIST_SIZE]),
        "total": held.count(),
        "limit": LIST_SIZE,
    }
    return render_page(request, "clients/backoffice/intake_responses_held.html", context)


def held_detail_view(request, pk):
    """The held answers next to the client they possibly match; merge or keep apart."""
    if not is_staff_member(request.user):
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
    context = {
        "title": _("Possible match: %(form)s") % {"form": response.version.questionnaire.title},
        "response": response,
        "client": response.match,
        "contact": response.contact or {},
        "rows": answer_rows(response=response),
        "errors": errors,
    }
    return render_page(
        request,
        "clients/backoffice/intake_response_held.html",
        context,
        status=400 if errors else 200,
    )
