"""Back office: the client page's own doors, beside the client list and form.

/admin/clients/client/find/                            the header's quick find and the
                                                       forms' client pickers (JSON)
/admin/clients/client/<id>/notes/                      POST: add a note
/admin/clients/client/<id>/notes/<note_id>/            POST: edit, pin or delete a note
/admin/clients/client/<id>/invitation/                 POST: invite, resend or revoke
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.policies import staff_may
from clients.models import ClientNote
from clients.selectors import client_queryset_for, client_search_top
from clients.services.invitations import (
    client_invitation_resend,
    client_invitation_revoke,
    client_invite,
)
from clients.services.records import client_note_add, client_note_delete, client_note_update

from .client_profile import profile_url


def urls(site):
    view = site.admin_view
    base = "clients/client/"
    return [
        path(f"{base}find/", view(find_view), name="clients_client_find"),
        path(f"{base}<int:client_id>/notes/", view(note_add_view), name="clients_client_note_add"),
        path(
            f"{base}<int:client_id>/notes/<int:note_id>/",
            view(note_edit_view),
            name="clients_client_note_edit",
        ),
        path(
            f"{base}<int:client_id>/invitation/",
            view(invitation_view),
            name="clients_client_invitation",
        ),
    ]


INVITATION_DOES = {
    "invite": (client_invite, _("Invitation sent to %(email)s.")),
    "resend": (client_invitation_resend, _("A new invitation link went to %(email)s.")),
    "revoke": (client_invitation_revoke, _("Invitation withdrawn: its link no longer works.")),
}


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _client_or_404(request, client_id: int):
    if not staff_may(request.user, "clients.change_client"):
        raise PermissionDenied
    return get_object_or_404(client_queryset_for(user=request.user), pk=client_id)


# where each form of the profile sends the person back: its tab, at the form's place
BACK_TO = {"notes": ("notes", "notes"), "portal": ("overview", "portal")}


def _client_page(client, anchor: str) -> HttpResponseRedirect:
    tab, place = BACK_TO[anchor]
    return HttpResponseRedirect(f"{profile_url(client.pk, tab)}#{place}")


def find_view(request):
    """The header's quick find: the best matches as you type, as JSON."""
    if not (
        staff_may(request.user, "clients.view_client")
        or staff_may(request.user, "clients.change_client")
    ):
        raise PermissionDenied
    query = request.GET.get("q", "")[:100]
    # ?active=1: a form's client picker (clients.widgets), which offers no archived client
    archived = request.GET.get("active") != "1"
    clients = client_search_top(
        clients=client_queryset_for(user=request.user, include_archived=archived).only(
            "id", "first_name", "last_name", "email", "phone", "status", "injuries", "medical_notes"
        ),
        query=query,
        limit=10,
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": client.pk,
                    "name": client.full_name,
                    "detail": client.email or client.phone,
                    "status": client.get_status_display(),
                    "health_flag": client.has_health_flag,
                    "url": profile_url(client.pk),
                }
                for client in clients
            ]
        }
    )


def note_add_view(request, client_id: int):
    client = _client_or_404(request, client_id)
    if request.method != "POST":
        return _client_page(client, "notes")
    try:
        client_note_add(
            client=client,
            author=request.user,
            body=request.POST.get("body", ""),
            is_pinned=bool(request.POST.get("is_pinned")),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.info(request, _("Note added."))
    return _client_page(client, "notes")


def note_edit_view(request, client_id: int, note_id: int):
    """Change a note's words, pin or unpin it (``toggle_pin``), or delete it (``delete``)."""
    client = _client_or_404(request, client_id)
    note = get_object_or_404(ClientNote, pk=note_id, client=client)
    if request.method != "POST":
        return _client_page(client, "notes")
    if request.POST.get("delete"):
        try:
            client_note_delete(note=note, by=request.user)
        except PermissionDenied as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.info(request, _("Note deleted."))
        return _client_page(client, "notes")
    if request.POST.get("toggle_pin"):
        body, pinned = note.body, not note.is_pinned
    else:
        body, pinned = request.POST.get("body", ""), note.is_pinned
    try:
        client_note_update(note=note, by=request.user, body=body, is_pinned=pinned)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return _client_page(client, "notes")


def invitation_view(request, client_id: int):
    """The client page's portal buttons post here: ``do`` is invite, resend or revoke."""
    client = _client_or_404(request, client_id)
    if request.method != "POST":
        return _client_page(client, "portal")
    service, done = INVITATION_DOES.get(request.POST.get("do", ""), (None, ""))
    if service is None:
        messages.error(request, _("Choose invite, resend or revoke."))
        return _client_page(client, "portal")
    try:
        invitation = service(client=client, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        # not starting with the address: the admin capitalises messages
        messages.success(request, done % {"email": invitation.email})
    return _client_page(client, "portal")
