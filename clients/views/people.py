"""People's photos, served to those who may see them."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from accounts.models import User

from ..selectors import client_queryset_for


@login_required
def avatar(request, user_id: int):
    """A person's photo: to themselves, to the business's staff when the person is
    staff too, and to the staff who may see the person's client record (the owner:
    every client; a coach: their own clients). Anyone else: not found."""
    viewer = request.user
    person = User.objects.filter(pk=user_id).first()
    if person is None or not person.avatar:
        raise Http404
    if person.pk != viewer.pk and not (
        viewer.is_staff
        and (person.is_staff or client_queryset_for(user=viewer).filter(user=person).exists())
    ):
        raise Http404
    response = FileResponse(person.avatar.open(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response
