"""Portal pages: progress photos (upload, list, compare) and the one view that serves
their files, to the client and their coaches only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import portal_client_required
from mectofitness.core.uploads import body_limit, file_route_limit

from ..forms_progress import PhotoForm, compare_context
from ..models import ProgressPhoto
from ..selectors import client_queryset_for
from ..services.measurements import client_today
from ..services.photos import MAX_UPLOAD_BYTES, photo_delete, photo_upload


def photo_for(*, user, pk: int) -> ProgressPhoto:
    """The photo ``pk`` if ``user`` may see its client (the client, their coaches, the
    owner); Http404 otherwise, so nobody learns that it exists. One query."""
    photo = (
        ProgressPhoto.objects.filter(pk=pk, client__in=client_queryset_for(user=user))
        .select_related("client")
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def _serve(field) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def photo_file(request, pk: int):
    """The full (cleaned) image."""
    return _serve(photo_for(user=request.user, pk=pk).image)


@login_required
@require_GET
def photo_thumb(request, pk: int):
    """The thumbnail; the full image until the worker has made it."""
    photo = photo_for(user=request.user, pk=pk)
    return _serve(photo.thumbnail or photo.image)


portal_client = portal_client_required(section=gettext_lazy("Your measurements and photos"))


@body_limit(file_route_limit(MAX_UPLOAD_BYTES))
@portal_client
@require_http_methods(["GET", "POST"])
def photos(request):
    """The client's photos by date, and the upload form (phones open the camera)."""
    client = request.client
    today = client_today(client=client, business=request.tenant)
    form = PhotoForm(request.POST or None, request.FILES or None, today=today)
    if request.method == "POST" and form.is_valid():
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
            messages.success(request, _("Photo saved. Only you and your coach can see it."))
            return redirect("portal_photos")
    items = list(ProgressPhoto.objects.filter(client=client).order_by("-taken_on", "pose", "-pk"))
    context = {"client": client, "form": form, "photos": items}
    return render(
        request, "clients/portal/photos_list.html", context, status=400 if form.errors else 200
    )


@portal_client
@require_GET
def photos_compare(request):
    """Two dates of one pose side by side."""
    client = request.client
    context = {"client": client, **compare_context(client=client, data=request.GET)}
    return render(request, "clients/portal/photos_compare.html", context)


@portal_client
@require_POST
def photo_remove(request, pk: int):
    """A client deletes one of their photos."""
    client = request.client
    photo = ProgressPhoto.objects.filter(pk=pk, client=client).first()
    if photo is None:
        raise Http404
    photo_delete(photo=photo, by=request.user)
    messages.success(request, _("Photo deleted."))
    return redirect("portal_photos")


urlpatterns = [
    path("progress/photos/", photos, name="portal_photos"),
    path("progress/photos/compare/", photos_compare, name="portal_photos_compare"),
    path("progress/photos/<int:pk>/", photo_file, name="progress_photo_file"),
    path("progress/photos/<int:pk>/thumb/", photo_thumb, name="progress_photo_thumb"),
    path("progress/photos/<int:pk>/delete/", photo_remove, name="portal_photo_delete"),
]
