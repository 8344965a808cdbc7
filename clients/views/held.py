"""The link in the e-mail that asks a client to confirm answers sent through a form's
shareable link with their address (see ``clients.services.intake_held``)."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..services.intake_held import held_response_confirm, held_response_for_token


@never_cache
@require_http_methods(["GET", "POST"])
def held_confirm(request, token: str):
    """GET asks (mail scanners follow links; nothing changes on GET); POST attaches the
    answers to the client's record, once. A link that is forged, expired, used, or
    from another business is a plain "no longer valid" page that changes nothing."""
    response = held_response_for_token(token=token)
    if response is not None and request.method == "POST":
        attached = held_response_confirm(token=token)
        if attached is not None:
            return render(
                request,
                "clients/public/held_confirmed.html",
                {"questionnaire": response.version.questionnaire},
            )
        response = None
    if response is None:
        return render(request, "clients/public/held_invalid.html", status=404)
    return render(
        request,
        "clients/public/held_confirm.html",
        {"response": response, "questionnaire": response.version.questionnaire},
    )


urlpatterns = [
    path("f/confirm/<str:token>/", held_confirm, name="held_confirm"),
]
