"""Back office: a client's progress photos by date (with an upload form), and two
dates of one pose side by side.

    /admin/clients/progressphoto/client/<id>/      the client's photos
    /admin/clients/progressphoto/compare/<id>/     the comparison
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import staff_may
from clients.forms_progress import PhotoForm, compare_context
from clients.models import ProgressPhoto
from clients.selectors import client_queryset_for
from clients.services.measurements import client_today
from clients.services.photos import MAX_UPLOAD_BYTES, photo_upload
from mectofitness.core.uploads import body_limit, file_route_limit

from ..chrome import render_page


def urls(site):
    view = site.admin_view
    base = "clients/progressphoto/"
    return [
        path(
            f"{base}client/<int:client_id>/",
            view(client_photos_view),
            name="clients_progressphoto_client",
        ),
        path(
            f"{base}compare/<int:client_id>/",
            view(compare_view),
            name="clients_progressphoto_compare",
        ),
    ]


def _may(request, action: str) -> bool:
    return staff_may(request.user, f"clients.{action}_progressphoto")


def _client(request, client_id: int):
    request.current_app = "backoffice"
    if not (_may(request, "view") or _may(request, "change")):
        raise PermissionDenied
    return get_object_or_404(client_queryset_for(user=request.user), pk=client_id)


@body_limit(file_route_limit(MAX_UPLOAD_BYTES))
def client_photos_view(request, client_id: int):
    """A client's photos by date, with an upload form."""
    client = _client(request, client_id)
    can_add = _may(request, "add")
    today = client_today(client=client, business=request.tenant)
    form = PhotoForm(request.POST or None, request.FILES or None, today=today)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                photo_upload(
                    client=client,
                    upload=form.cleaned_data["image"],
                    pose=form.cleaned_data["pose"],
                    taken_on=form.cleaned_data["taken_on"],
                    by=request.user,
                    today=today,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Photo saved."))
                return redirect("backoffice:clients_progressphoto_client", client.pk)
    photos = list(ProgressPhoto.objects.filter(client=client).order_by("-taken_on", "pose", "-pk"))
    context = {
        "title": _("Photos of %(name)s") % {"name": client.full_name},
        "client": client,
        "photos": photos,
        "form": form,
        "can_add": can_add,
        "can_delete": _may(request, "delete"),
    }
    status = 400 if form.errors else 200
    return render_page(request, "clients/backoffice/photo_client.html", context, status=status)


def compare_view(request, client_id: int):
    client = _client(request, client_id)
    context = {
        "title": _("Compare photos of %(name)s") % {"name": client.full_name},
        "client": client,
        **compare_context(client=client, data=request.GET),
    }
    return render_page(request, "clients/backoffice/photo_compare.html", context)
