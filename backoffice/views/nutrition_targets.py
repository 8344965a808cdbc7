"""Back office: the client panel's "Set targets" form (POST), back to the client page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import staff_may
from clients.selectors import client_queryset_for
from programs.forms_nutrition import TargetForm
from programs.services.nutrition_targets import nutrition_target_set

from .client_profile import profile_url


def urls(site):
    return [
        path(
            "programs/nutritiontarget/client/<int:client_id>/set/",
            site.admin_view(set_for_client_view),
            name="programs_nutritiontarget_client",
        )
    ]


def _client_page(client_id: int) -> str:
    return profile_url(client_id, "nutrition") + "#nutrition"


def set_for_client_view(request, client_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not staff_may(request.user, "programs.add_nutritiontarget"):
        raise PermissionDenied
    client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
    form = TargetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_client_page(client.pk))
    try:
        result = nutrition_target_set(client=client, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for field_errors in exc.message_dict.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect(_client_page(client.pk))
    messages.success(
        request,
        _("Targets for %(name)s from %(date)s: %(kcal)s kcal.")
        % {
            "name": client.full_name,
            "date": result.target.starts_on.strftime("%-d %b %Y"),
            "kcal": result.target.calories,
        },
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(_client_page(client.pk))
